// sysrec-test: -e trace=sendmsg
/* Every control message type strace decodes, handed to sendmsg (printed at entry, so the
 * program chooses each byte): full, short and overlong data, unknown types and levels, and a
 * control buffer that ends inside a header. */
#include "net.h"
#include <arpa/inet.h>
#include <linux/errqueue.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

static int sock;

/* sendmsg with one control message of `len` data bytes; `ctl` is what strace should print
 * inside msg_control=[...], after the cmsg_len/level part. */
static void one(int level, const char *level_name, int type, const void *data, size_t len,
		size_t extra, const char *ctl)
{
	static char buf[512] __attribute__((aligned(8)));
	memset(buf, 0, sizeof(buf));
	struct cmsghdr *h = (void *) buf;
	h->cmsg_len = CMSG_LEN(len);
	h->cmsg_level = level;
	h->cmsg_type = type;
	memcpy(CMSG_DATA(h), data, len);
	char x = 'x';
	struct iovec iov = { &x, 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = buf,
			    .msg_controllen = CMSG_SPACE(len) + extra };
	long rc = sendmsg(sock, &m, 0);
	expect_line(ret_text(rc), "sendmsg(%d, {msg_name=NULL, msg_namelen=0, msg_iov=[{iov_base=\"x\", "
		    "iov_len=1}], msg_iovlen=1, msg_control=[{cmsg_len=%zu, cmsg_level=%s, %s], "
		    "msg_controllen=%zu, msg_flags=0}, 0)", sock, (size_t) CMSG_LEN(len), level_name,
		    ctl, (size_t) m.msg_controllen);
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
	int sv[2];
	socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
	sock = sv[0];
	int fds[3] = { 0, 1, 2 };
	one(SOL_SOCKET, "SOL_SOCKET", SCM_RIGHTS, fds, 12, 0,
	    "cmsg_type=SCM_RIGHTS, cmsg_data=[0, 1, 2]}");
	one(SOL_SOCKET, "SOL_SOCKET", SCM_RIGHTS, fds, 2, 0, "cmsg_type=SCM_RIGHTS}");
	struct ucred uc = { getpid(), getuid(), getgid() };
	one(SOL_SOCKET, "SOL_SOCKET", SCM_CREDENTIALS, &uc, sizeof(uc), 0,
	    fmt("cmsg_type=SCM_CREDENTIALS, cmsg_data={pid=%d, uid=%u, gid=%u}}", uc.pid, uc.uid,
		uc.gid));
	struct ucred nobody = { getpid(), -1, -2 };
	one(SOL_SOCKET, "SOL_SOCKET", SCM_CREDENTIALS, &nobody, sizeof(nobody), 0,
	    fmt("cmsg_type=SCM_CREDENTIALS, cmsg_data={pid=%d, uid=-1, gid=4294967294}}", nobody.pid));
	one(SOL_SOCKET, "SOL_SOCKET", SCM_CREDENTIALS, &uc, 8, 0, "cmsg_type=SCM_CREDENTIALS}");
	one(SOL_SOCKET, "SOL_SOCKET", 3, "label\0x", 7, 0,
	    "cmsg_type=SCM_SECURITY, cmsg_data=\"label\\0x\"}");
	one(SOL_SOCKET, "SOL_SOCKET", 3, "a label longer than thirty-two bytes", 36, 0,
	    "cmsg_type=SCM_SECURITY, cmsg_data=\"a label longer than thirty-two bytes\"}");

	long long ts[6] = { 1, 2, 3, 4, -5, 6 };
	static const struct { int type; const char *name, *whole, *part; } stamps[] = {
		{ 29, "SO_TIMESTAMP_OLD", "{tv_sec=1, tv_usec=2}", "{tv_sec=1, tv_usec=2}" },
		{ 35, "SO_TIMESTAMPNS_OLD", "{tv_sec=1, tv_nsec=2}", "{tv_sec=1, tv_nsec=2}" },
		{ 37, "SO_TIMESTAMPING_OLD", "[{tv_sec=1, tv_nsec=2}, {tv_sec=3, tv_nsec=4}, "
		  "{tv_sec=-5, tv_nsec=6}]", "???" },
		{ 63, "SO_TIMESTAMP_NEW", "{tv_sec=1, tv_usec=2}", "{tv_sec=1, tv_usec=2}" },
		{ 64, "SO_TIMESTAMPNS_NEW", "{tv_sec=1, tv_nsec=2}", "{tv_sec=1, tv_nsec=2}" },
		{ 65, "SO_TIMESTAMPING_NEW", "[{tv_sec=1, tv_nsec=2}, {tv_sec=3, tv_nsec=4}, "
		  "{tv_sec=-5, tv_nsec=6}]", "???" },
	};
	for (unsigned i = 0; i < sizeof(stamps) / sizeof(stamps[0]); i++) {
		one(SOL_SOCKET, "SOL_SOCKET", stamps[i].type, ts, 48, 0,
		    fmt("cmsg_type=%s, cmsg_data=%s}", stamps[i].name, stamps[i].whole));
		one(SOL_SOCKET, "SOL_SOCKET", stamps[i].type, ts, 16, 0,
		    fmt("cmsg_type=%s, cmsg_data=%s}", stamps[i].name, stamps[i].part));
		one(SOL_SOCKET, "SOL_SOCKET", stamps[i].type, ts, 8, 0,
		    fmt("cmsg_type=%s, cmsg_data=???}", stamps[i].name));
	}
	long long negative_ns[2] = { 7, -1 };
	one(SOL_SOCKET, "SOL_SOCKET", 35, negative_ns, 16, 0,
	    "cmsg_type=SO_TIMESTAMPNS_OLD, cmsg_data={tv_sec=7, tv_nsec=18446744073709551615}}");
	one(SOL_SOCKET, "SOL_SOCKET", 41, ts, 4, 0, "cmsg_type=SO_WIFI_STATUS}");
	one(SOL_SOCKET, "SOL_SOCKET", 61, ts, 4, 0, "cmsg_type=SO_TXTIME}");
	one(SOL_SOCKET, "SOL_SOCKET", 0x36, ts, 4, 0, "cmsg_type=SCM_TIMESTAMPING_OPT_STATS}");
	one(SOL_SOCKET, "SOL_SOCKET", 0x3a, ts, 4, 0, "cmsg_type=SCM_TIMESTAMPING_PKTINFO}");
	one(SOL_SOCKET, "SOL_SOCKET", 99, ts, 4, 0, "cmsg_type=0x63 /* SCM_??? */}");

	struct in_pktinfo pi = { 1, { inet_addr("127.0.0.1") }, { inet_addr("10.1.2.3") } };
	one(SOL_IP, "SOL_IP", IP_PKTINFO, &pi, sizeof(pi), 0,
	    "cmsg_type=IP_PKTINFO, cmsg_data={ipi_ifindex=if_nametoindex(\"lo\"), "
	    "ipi_spec_dst=inet_addr(\"127.0.0.1\"), ipi_addr=inet_addr(\"10.1.2.3\")}}");
	pi.ipi_ifindex = 4242;
	one(SOL_IP, "SOL_IP", IP_PKTINFO, &pi, sizeof(pi), 0,
	    "cmsg_type=IP_PKTINFO, cmsg_data={ipi_ifindex=4242, "
	    "ipi_spec_dst=inet_addr(\"127.0.0.1\"), ipi_addr=inet_addr(\"10.1.2.3\")}}");
	one(SOL_IP, "SOL_IP", IP_PKTINFO, &pi, 8, 0, "cmsg_type=IP_PKTINFO}");
	unsigned int ttl[2] = { 64, 4000000000u };
	one(SOL_IP, "SOL_IP", IP_TTL, ttl, 8, 0, "cmsg_type=IP_TTL, cmsg_data=[64, 4000000000]}");
	one(SOL_IP, "SOL_IP", IP_TTL, ttl, 7, 0, "cmsg_type=IP_TTL, cmsg_data=[64]}");
	one(SOL_IP, "SOL_IP", IP_TTL, ttl, 3, 0, "cmsg_type=IP_TTL}");
	unsigned char tos[40] = { 0x10, 0, 0xff, 1, 2 };
	one(SOL_IP, "SOL_IP", IP_TOS, tos, 1, 0, "cmsg_type=IP_TOS, cmsg_data=[0x10]}");
	one(SOL_IP, "SOL_IP", IP_RECVOPTS, tos, 5, 0,
	    "cmsg_type=IP_RECVOPTS, cmsg_data=[0x10, 0, 0xff, 0x1, 0x2]}");
	one(SOL_IP, "SOL_IP", IP_RETOPTS, tos, 3, 0, "cmsg_type=IP_RETOPTS, cmsg_data=[0x10, 0, 0xff]}");
	one(SOL_IP, "SOL_IP", IP_RETOPTS, tos, 40, 0,
	    "cmsg_type=IP_RETOPTS, cmsg_data=[0x10, 0, 0xff, 0x1, 0x2, 0, 0, 0, 0, 0, 0, 0, 0, 0, "
	    "0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, ...]}");
	one(SOL_IP, "SOL_IP", IP_CHECKSUM, ttl, 4, 0, "cmsg_type=IP_CHECKSUM, cmsg_data=[64]}");
	one(SOL_IP, "SOL_IP", 3, "\x40\0\0\0", 4, 0, "cmsg_type=SCM_SECURITY, cmsg_data=\"@\\0\\0\\0\"}");
	one(SOL_IP, "SOL_IP", 99, ttl, 4, 0, "cmsg_type=0x63 /* IP_??? */}");
	one(SOL_IP, "SOL_IP", 0, ttl, 4, 0, "cmsg_type=0 /* IP_??? */}");

	struct { struct sock_extended_err e; struct sockaddr_in sin; } ee = {
		{ 111, SO_EE_ORIGIN_ICMP, 3, 3, 0, 5, 6 },
		{ AF_INET, htons(53), { inet_addr("127.0.0.1") } } };
	one(SOL_IP, "SOL_IP", IP_RECVERR, &ee, sizeof(ee), 0,
	    "cmsg_type=IP_RECVERR, cmsg_data={ee_errno=111, ee_origin=2, ee_type=3, ee_code=3, "
	    "ee_info=5, ee_data=6, offender={sa_family=AF_INET, sin_port=htons(53), "
	    "sin_addr=inet_addr(\"127.0.0.1\")}}}");
	one(SOL_IP, "SOL_IP", IP_RECVERR, &ee, 16, 0, "cmsg_type=IP_RECVERR}");
	ee.sin.sin_family = 0;
	one(SOL_IP, "SOL_IP", IP_RECVERR, &ee, sizeof(ee), 0,
	    "cmsg_type=IP_RECVERR, cmsg_data={ee_errno=111, ee_origin=2, ee_type=3, ee_code=3, "
	    "ee_info=5, ee_data=6, offender={sa_family=AF_UNSPEC, "
	    "sa_data=\"\\0005\\177\\0\\0\\1\\0\\0\\0\\0\\0\\0\\0\\0\"}}}");
	struct sockaddr_in sin = { AF_INET, htons(80), { inet_addr("1.2.3.4") } };
	one(SOL_IP, "SOL_IP", IP_ORIGDSTADDR, &sin, sizeof(sin), 0,
	    "cmsg_type=IP_ORIGDSTADDR, cmsg_data={sa_family=AF_INET, sin_port=htons(80), "
	    "sin_addr=inet_addr(\"1.2.3.4\")}}");
	one(SOL_IP, "SOL_IP", IP_ORIGDSTADDR, &sin, 8, 0, "cmsg_type=IP_ORIGDSTADDR}");

	/* strace 6.1 decodes no SOL_IPV6 message: IPV6_PKTINFO, IPV6_HOPLIMIT, IPV6_TCLASS and
	 * IPV6_RECVERR print their type in hex. */
	one(SOL_IPV6, "SOL_IPV6", IPV6_PKTINFO, ttl, 8, 0, "cmsg_type=0x32}");
	one(SOL_IPV6, "SOL_IPV6", IPV6_HOPLIMIT, ttl, 4, 0, "cmsg_type=0x34}");
	one(SOL_IPV6, "SOL_IPV6", IPV6_TCLASS, ttl, 4, 0, "cmsg_type=0x43}");
	one(SOL_IPV6, "SOL_IPV6", IPV6_RECVERR, &ee, sizeof(ee), 0, "cmsg_type=0x19}");
	one(6, "SOL_TCP", 1, ttl, 4, 0, "cmsg_type=0x1}");
	one(12345, "0x3039 /* SOL_??? */", 1, ttl, 4, 0, "cmsg_type=0x1}");
	one(SOL_SOCKET, "SOL_SOCKET", SCM_RIGHTS, fds, 4, 16,
	    "cmsg_type=SCM_RIGHTS, cmsg_data=[0]}, {cmsg_len=0, cmsg_level=SOL_IP, "
	    "cmsg_type=0 /* IP_??? */}");

	expect_exit(0);
	return 0;
}
