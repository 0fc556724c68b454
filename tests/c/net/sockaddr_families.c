// sysrec-test: -e trace=connect,bind,getsockname
/* Socket addresses of every decoded family at full, short and odd lengths: unix (path,
 * abstract, unterminated), netlink (padding, groups), packet (hardware address cut by the
 * length), unknown families (every byte, never cut by -s), NULL and unreadable pointers; and
 * getsockname's value-result length. */
#include "net.h"
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <linux/netlink.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int s;

static void conn(const void *addr, int len, const char *text)
{
	long rc = connect(s, addr, len);
	expect_line(ret_text(rc), "connect(%d, %s, %d)", s, text, len);
}

static char *fmt(const char *f, ...)
{
	char *out;
	va_list ap;
	va_start(ap, f);
	vasprintf(&out, f, ap);
	va_end(ap);
	return out;
}

int main(void)
{
	s = socket(AF_UNIX, SOCK_DGRAM, 0);
	struct sockaddr_un un = { AF_UNIX, "/nonexistent/x" };
	conn(&un, sizeof(un), "{sa_family=AF_UNIX, sun_path=\"/nonexistent/x\"}");
	conn(&un, 2, "{sa_family=AF_UNIX}");
	conn(&un, 1, fmt("%p", &un));
	conn(&un, 0, fmt("%p", &un));
	conn(&un, -1, fmt("%p", &un));
	conn(NULL, 16, "NULL");
	conn((void *) 8, 16, "0x8");
	un.sun_path[0] = 0;
	strcpy(un.sun_path + 1, "abstract");
	conn(&un, 2 + 1 + 8, "{sa_family=AF_UNIX, sun_path=@\"abstract\"}");
	memset(un.sun_path, 'a', sizeof(un.sun_path));
	char path[sizeof(un.sun_path) + 1] = { 0 };
	memset(path, 'a', sizeof(un.sun_path));
	conn(&un, sizeof(un), fmt("{sa_family=AF_UNIX, sun_path=\"%s\"}", path));

	struct sockaddr_nl nl = { AF_NETLINK, 0, 123, 0x10 };
	conn(&nl, sizeof(nl), "{sa_family=AF_NETLINK, nl_pid=123, nl_groups=0x000010}");
	nl.nl_pad = 5;
	nl.nl_groups = 0;
	conn(&nl, sizeof(nl), "{sa_family=AF_NETLINK, nl_pad=0x5, nl_pid=123, nl_groups=00000000}");
	nl.nl_pad = 0;
	nl.nl_groups = 0xfedcba98;
	conn(&nl, sizeof(nl), "{sa_family=AF_NETLINK, nl_pid=123, nl_groups=0xfedcba98}");
	conn(&nl, 8, "{sa_family=AF_NETLINK, sa_data=\"\\0\\0{\\0\\0\\0\"}");

	struct sockaddr_ll ll = { AF_PACKET, htons(ETH_P_IP), if_nametoindex("lo"), 1, 0, 6,
				  { 1, 2, 0, 0xab, 5, 6 } };
	conn(&ll, sizeof(ll), "{sa_family=AF_PACKET, sll_protocol=htons(ETH_P_IP), "
	     "sll_ifindex=if_nametoindex(\"lo\"), sll_hatype=ARPHRD_ETHER, sll_pkttype=PACKET_HOST, "
	     "sll_halen=6, sll_addr=[0x1, 0x2, 00, 0xab, 0x5, 0x6]}");
	ll.sll_halen = 10;
	conn(&ll, sizeof(ll), "{sa_family=AF_PACKET, sll_protocol=htons(ETH_P_IP), "
	     "sll_ifindex=if_nametoindex(\"lo\"), sll_hatype=ARPHRD_ETHER, sll_pkttype=PACKET_HOST, "
	     "sll_halen=10, sll_addr=[0x1, 0x2, 00, 0xab, 0x5, 0x6, 00, 00, ...]}");
	ll.sll_halen = 0;
	ll.sll_pkttype = 99;
	ll.sll_hatype = 9999;
	ll.sll_protocol = htons(0x4321);
	ll.sll_ifindex = 4242;
	conn(&ll, sizeof(ll), "{sa_family=AF_PACKET, sll_protocol=htons(0x4321 /* ETH_P_??? */), "
	     "sll_ifindex=4242, sll_hatype=0x270f /* ARPHRD_??? */, sll_pkttype=0x63 /* PACKET_??? */, "
	     "sll_halen=0}");

	char gen[200];
	memset(gen, 'z', sizeof(gen));
	gen[0] = 99;
	gen[1] = 0;
	char zs[200] = { 0 };
	memset(zs, 'z', 198);
	conn(gen, 200, fmt("{sa_family=0x63 /* AF_??? */, sa_data=\"%.126s\"}", zs));
	conn(gen, 40, fmt("{sa_family=0x63 /* AF_??? */, sa_data=\"%.38s\"}", zs));
	gen[0] = 0;
	conn(gen, 3, "{sa_family=AF_UNSPEC, sa_data=\"z\"}");
	struct sockaddr_in in = { AF_INET, htons(80), { inet_addr("1.2.3.4") } };
	conn(&in, 8, "{sa_family=AF_INET, sa_data=\"\\0P\\1\\2\\3\\4\"}");

	int u = socket(AF_INET, SOCK_DGRAM, 0);
	/* A port whose bytes print the same under any escaping rule ("~" then \1), not an
	 * ephemeral one: the next free of 0x7e01, 0x7e02, ... */
	struct sockaddr_in me = { AF_INET, 0, { inet_addr("127.0.0.1") } };
	long rc;
	for (unsigned port = 0x7e01; port < 0x7e08; port++) {
		me.sin_port = htons(port);
		rc = bind(u, (void *) &me, sizeof(me));
		expect_line(ret_text(rc), "bind(%d, {sa_family=AF_INET, sin_port=htons(%u), "
			    "sin_addr=inet_addr(\"127.0.0.1\")}, 16)", u, port);
		if (rc == 0)
			break;
	}
	struct sockaddr_in got;
	socklen_t len = sizeof(got);
	getsockname(u, (void *) &got, &len);
	unsigned port = ntohs(got.sin_port);
	expect_line(ret_text(0), "getsockname(%d, {sa_family=AF_INET, sin_port=htons(%u), "
		    "sin_addr=inet_addr(\"127.0.0.1\")}, [16])", u, port);
	len = 6;
	rc = getsockname(u, (void *) &got, &len);
	expect_line(ret_text(rc), "getsockname(%d, {sa_family=AF_INET, sa_data=\"%s\"}, [6 => 16])", u,
		    cquote((const unsigned char *) &got + 2, 4));
	len = 0;
	rc = getsockname(u, (void *) &got, &len);
	expect_line(ret_text(rc), "getsockname(%d, %p, [0 => 16])", u, &got);
	len = 100;
	rc = getsockname(u, NULL, &len);
	expect_line(ret_text(rc), "getsockname(%d, NULL, %p)", u, &len);
	rc = getsockname(u, (void *) &got, NULL);
	expect_line(ret_text(rc), "getsockname(%d, %p, NULL)", u, &got);
	len = 16;
	rc = getsockname(u, (void *) &got, &len);
	expect_line(ret_text(rc), "getsockname(%d, {sa_family=AF_INET, sin_port=htons(%u), "
		    "sin_addr=inet_addr(\"127.0.0.1\")}, [16])", u, port);
	rc = getsockname(-1, (void *) &got, &len);
	expect_line(ret_text(rc), "getsockname(-1, %p, [16])", &got);

	expect_exit(0);
	return 0;
}
