// sysrec-test: -e trace=connect
/* IPv6 scope ids: an interface name for link-local unicast and multicast addresses, a number
 * for others, nothing when the address is too short to hold one. */
#include "net.h"
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

static int s;

static void try(const char *addr, unsigned scope, int len, const char *scope_text)
{
	struct sockaddr_in6 sa = { .sin6_family = AF_INET6, .sin6_port = htons(9),
				   .sin6_flowinfo = htonl(5), .sin6_scope_id = scope };
	inet_pton(AF_INET6, addr, &sa.sin6_addr);
	long rc = connect(s, (void *) &sa, len);
	expect_line(ret_text(rc), "connect(%d, {sa_family=AF_INET6, sin6_port=htons(9), sin6_flowinfo=htonl(5), "
		    "inet_pton(AF_INET6, \"%s\", &sin6_addr)%s}, %d)", s, addr, scope_text, len);
}

int main(void)
{
	s = socket(AF_INET6, SOCK_DGRAM, 0);
	unsigned lo = if_nametoindex("lo");
	try("fe80::1", lo, sizeof(struct sockaddr_in6), ", sin6_scope_id=if_nametoindex(\"lo\")");
	try("ff02::1", lo, sizeof(struct sockaddr_in6), ", sin6_scope_id=if_nametoindex(\"lo\")");
	try("fe80::1", 4242, sizeof(struct sockaddr_in6), ", sin6_scope_id=4242");
	char plain[64];
	snprintf(plain, sizeof(plain), ", sin6_scope_id=%u", lo);
	try("::1", lo, sizeof(struct sockaddr_in6), plain);
	try("fe80::1", lo, 24, "");
	try("2001:db8::1", 77, 26, ", sin6_scope_id=77");
	expect_exit(0);
	return 0;
}
