// sysrec-test: -e trace=recvmsg
/* Control messages the kernel writes, read back at recvmsg's exit: passed descriptors and
 * credentials, IP_PKTINFO/IP_TTL/IP_TOS and a timestamp on a UDP datagram, the error queue's
 * IP_RECVERR, an IPv6 datagram's messages, and a control buffer too small (MSG_CTRUNC). */
#include "net.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static char control[512] __attribute__((aligned(8)));
static char data[16];

static long receive(int s, void *name, socklen_t namelen, size_t controllen, int flags,
		    struct msghdr *m)
{
	static struct iovec iov = { data, sizeof(data) };
	memset(control, 0, sizeof(control));
	*m = (struct msghdr) { .msg_name = name, .msg_namelen = namelen, .msg_iov = &iov,
			       .msg_iovlen = 1, .msg_control = control,
			       .msg_controllen = controllen };
	return recvmsg(s, m, flags);
}

static const char *inet_name(const struct sockaddr_in *sin)
{
	static char buf[128];
	snprintf(buf, sizeof(buf), "{sa_family=AF_INET, sin_port=htons(%u), sin_addr=inet_addr(\"%s\")}",
		 ntohs(sin->sin_port), inet_ntoa(sin->sin_addr));
	return buf;
}

int main(void)
{
	struct msghdr m;
	long rc;
	int sv[2];
	socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
	int one = 1;
	setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &one, sizeof(one));
	char fdbuf[CMSG_SPACE(2 * sizeof(int))] __attribute__((aligned(8))) = { 0 };
	struct cmsghdr *h = (void *) fdbuf;
	h->cmsg_len = CMSG_LEN(2 * sizeof(int));
	h->cmsg_level = SOL_SOCKET;
	h->cmsg_type = SCM_RIGHTS;
	int pass[2] = { 0, 1 };
	memcpy(CMSG_DATA(h), pass, sizeof(pass));
	struct iovec out = { "fd", 2 };
	struct msghdr sm = { .msg_iov = &out, .msg_iovlen = 1, .msg_control = fdbuf,
			     .msg_controllen = sizeof(fdbuf) };
	sendmsg(sv[0], &sm, 0);
	rc = receive(sv[1], NULL, 0, sizeof(control), 0, &m);
	struct cmsghdr *c1 = CMSG_FIRSTHDR(&m), *c2 = CMSG_NXTHDR(&m, c1);
	struct ucred *cred = (void *) CMSG_DATA(c1);
	int *fds = (int *) CMSG_DATA(c2);
	expect_line(ret_text(rc), "recvmsg(%d, {msg_name=NULL, msg_namelen=0, msg_iov=[{iov_base=\"fd\", "
		    "iov_len=16}], msg_iovlen=1, msg_control=[{cmsg_len=28, cmsg_level=SOL_SOCKET, "
		    "cmsg_type=SCM_CREDENTIALS, cmsg_data={pid=%d, uid=%u, gid=%u}}, {cmsg_len=24, "
		    "cmsg_level=SOL_SOCKET, cmsg_type=SCM_RIGHTS, cmsg_data=[%d, %d]}], msg_controllen=56, "
		    "msg_flags=0}, 0)", sv[1], cred->pid, cred->uid, cred->gid, fds[0], fds[1]);
	sendmsg(sv[0], &sm, 0);
	rc = receive(sv[1], NULL, 0, 24, MSG_CMSG_CLOEXEC, &m);
	cred = (void *) CMSG_DATA(CMSG_FIRSTHDR(&m));
	expect_line(ret_text(rc), "recvmsg(%d, {msg_name=NULL, msg_namelen=0, msg_iov=[{iov_base=\"fd\", "
		    "iov_len=16}], msg_iovlen=1, msg_control=[{cmsg_len=24, cmsg_level=SOL_SOCKET, "
		    "cmsg_type=SCM_CREDENTIALS}], msg_controllen=24, msg_flags=MSG_CTRUNC|MSG_CMSG_CLOEXEC}, "
		    "MSG_CMSG_CLOEXEC)", sv[1]);

	int u = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in me = { AF_INET, 0, { inet_addr("127.0.0.1") } };
	socklen_t len = sizeof(me);
	bind(u, (void *) &me, sizeof(me));
	getsockname(u, (void *) &me, &len);
	setsockopt(u, SOL_IP, IP_PKTINFO, &one, sizeof(one));
	setsockopt(u, SOL_IP, IP_RECVTTL, &one, sizeof(one));
	setsockopt(u, SOL_IP, IP_RECVTOS, &one, sizeof(one));
	setsockopt(u, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof(one));
	int c = socket(AF_INET, SOCK_DGRAM, 0);
	sendto(c, "udp", 3, 0, (void *) &me, sizeof(me));
	struct sockaddr_in from;
	rc = receive(u, &from, sizeof(from), sizeof(control), 0, &m);
	struct timespec *ts = (void *) CMSG_DATA(CMSG_FIRSTHDR(&m));
	unsigned int ttl = 0;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c))
		if (c->cmsg_level == SOL_IP && c->cmsg_type == IP_TTL)
			memcpy(&ttl, CMSG_DATA(c), sizeof(ttl));
	expect_line(ret_text(rc), "recvmsg(%d, {msg_name=%s, msg_namelen=16, msg_iov=[{iov_base=\"udp\", "
		    "iov_len=16}], msg_iovlen=1, msg_control=[{cmsg_len=32, cmsg_level=SOL_SOCKET, "
		    "cmsg_type=SO_TIMESTAMPNS_OLD, cmsg_data={tv_sec=%lld, tv_nsec=%ld}}, {cmsg_len=28, "
		    "cmsg_level=SOL_IP, cmsg_type=IP_PKTINFO, cmsg_data={ipi_ifindex=if_nametoindex(\"lo\"), "
		    "ipi_spec_dst=inet_addr(\"127.0.0.1\"), ipi_addr=inet_addr(\"127.0.0.1\")}}, "
		    "{cmsg_len=20, cmsg_level=SOL_IP, cmsg_type=IP_TTL, cmsg_data=[%u]}, {cmsg_len=17, "
		    "cmsg_level=SOL_IP, cmsg_type=IP_TOS, cmsg_data=[0]}], msg_controllen=%zu, msg_flags=0}, 0)",
		    u, inet_name(&from), (long long) ts->tv_sec, ts->tv_nsec, ttl, (size_t) m.msg_controllen);

	int e = socket(AF_INET, SOCK_DGRAM, 0);
	setsockopt(e, SOL_IP, IP_RECVERR, &one, sizeof(one));
	struct sockaddr_in closed = { AF_INET, htons(9), { inet_addr("127.0.0.1") } };
	connect(e, (void *) &closed, sizeof(closed));
	send(e, "x", 1, 0);
	struct timespec pause = { 0, 50000000 };
	nanosleep(&pause, NULL);
	rc = receive(e, &from, sizeof(from), sizeof(control), MSG_ERRQUEUE, &m);
	expect_line(ret_text(rc), "recvmsg(%d, {msg_name={sa_family=AF_INET, sin_port=htons(9), "
		    "sin_addr=inet_addr(\"127.0.0.1\")}, msg_namelen=16, msg_iov=[{iov_base=\"x\", iov_len=16}], "
		    "msg_iovlen=1, msg_control=[{cmsg_len=48, cmsg_level=SOL_IP, cmsg_type=IP_RECVERR, "
		    "cmsg_data={ee_errno=%d, ee_origin=2, ee_type=3, ee_code=3, ee_info=0, ee_data=0, "
		    "offender={sa_family=AF_INET, sin_port=htons(0), sin_addr=inet_addr(\"127.0.0.1\")}}}], "
		    "msg_controllen=48, msg_flags=MSG_ERRQUEUE}, MSG_ERRQUEUE)", e, ECONNREFUSED);

	/* IPv6, where the loopback has it (strace 6.1 decodes none of its messages) */
	int v = socket(AF_INET6, SOCK_DGRAM, 0);
	struct sockaddr_in6 six = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	if (bind(v, (void *) &six, sizeof(six)) == 0) {
		len = sizeof(six);
		getsockname(v, (void *) &six, &len);
		setsockopt(v, SOL_IPV6, IPV6_RECVPKTINFO, &one, sizeof(one));
		setsockopt(v, SOL_IPV6, IPV6_RECVHOPLIMIT, &one, sizeof(one));
		setsockopt(v, SOL_IPV6, IPV6_RECVTCLASS, &one, sizeof(one));
		int w = socket(AF_INET6, SOCK_DGRAM, 0);
		/* the sender's port shows in raw bytes below: one that escapes alike under any rule */
		struct sockaddr_in6 sender = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT };
		for (unsigned port = 0x7e01; port < 0x7e08; port++) {
			sender.sin6_port = htons(port);
			if (bind(w, (void *) &sender, sizeof(sender)) == 0)
				break;
		}
		sendto(w, "six", 3, 0, (void *) &six, sizeof(six));
		struct sockaddr_in6 from6;
		rc = receive(v, &from6, 10, sizeof(control), 0, &m);
		expect_line(ret_text(rc), "recvmsg(%d, {msg_name={sa_family=AF_INET6, sa_data=\"%s\"}, "
			    "msg_namelen=10 => 28, msg_iov=[{iov_base=\"six\", iov_len=16}], msg_iovlen=1, "
			    "msg_control=[{cmsg_len=36, cmsg_level=SOL_IPV6, cmsg_type=0x32}, {cmsg_len=20, "
			    "cmsg_level=SOL_IPV6, cmsg_type=0x34}, {cmsg_len=20, cmsg_level=SOL_IPV6, "
			    "cmsg_type=0x43}], msg_controllen=88, msg_flags=0}, 0)", v,
			    cquote((unsigned char *) &from6 + 2, 8));
	}

	expect_exit(0);
	return 0;
}
