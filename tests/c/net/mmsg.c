// sysrec-test: -e trace=sendmmsg,recvmmsg,recvmsg,recvfrom
/* sendmmsg prints every entry and msg_len on the ones sent; recvmmsg the ones received, its
 * timeout as passed and `(left ...)` or `(Timeout)`; a failed recvmsg shows the msg_namelen it
 * offered; recvfrom without an address or with a short one. */
#include "net.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* recvmmsg's return: the count and the time left, or Timeout, or the error. */
static const char *fmt_left(long rc, const struct timespec *ts)
{
	static char buf[128];
	if (rc < 0)
		return ret_text(rc);
	if (rc == 0)
		return "= 0 (Timeout)";
	snprintf(buf, sizeof(buf), "= %ld (left {tv_sec=%lld, tv_nsec=%ld})", rc,
		 (long long) ts->tv_sec, ts->tv_nsec);
	return buf;
}

#define HDR(data, len) "{msg_hdr={msg_name=NULL, msg_namelen=0, msg_iov=[{iov_base=\"" data "\", " \
	"iov_len=" #len "}], msg_iovlen=1, msg_controllen=0, msg_flags=0}"

int main(void)
{
	int u = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in me = { AF_INET, 0, { inet_addr("127.0.0.1") } };
	socklen_t len = sizeof(me);
	bind(u, (void *) &me, sizeof(me));
	getsockname(u, (void *) &me, &len);
	connect(u, (void *) &me, sizeof(me));
	long rc;

	struct mmsghdr mm[3];
	struct iovec iov[3] = { { "a", 1 }, { "bb", 2 }, { "ccc", 3 } };
	memset(mm, 0, sizeof(mm));
	for (int i = 0; i < 3; i++) {
		mm[i].msg_hdr.msg_iov = &iov[i];
		mm[i].msg_hdr.msg_iovlen = 1;
	}
	rc = sendmmsg(u, mm, 3, 0);
	expect_line(ret_text(rc), "sendmmsg(%d, [" HDR("a", 1) ", msg_len=1}, " HDR("bb", 2) ", msg_len=2}, "
		    HDR("ccc", 3) ", msg_len=3}], 3, 0)", u);
	rc = sendmmsg(-1, mm, 2, MSG_DONTWAIT);
	expect_line(ret_text(rc), "sendmmsg(-1, [" HDR("a", 1) "}, " HDR("bb", 2) "}], 2, MSG_DONTWAIT)");
	rc = sendmmsg(u, mm, 0, 0);
	expect_line(ret_text(rc), "sendmmsg(%d, [], 0, 0)", u);
	rc = sendmmsg(u, (void *) 8, 3, 0);
	expect_line(ret_text(rc), "sendmmsg(%d, 0x8, 3, 0)", u);

	char rb[3][10];
	struct iovec riov[3] = { { rb[0], 10 }, { rb[1], 10 }, { rb[2], 10 } };
	for (int i = 0; i < 3; i++)
		mm[i].msg_hdr.msg_iov = &riov[i];
	struct timespec ts = { 1, 5 };
	rc = recvmmsg(u, mm, 3, MSG_DONTWAIT, &ts);
	expect_line(fmt_left(rc, &ts), "recvmmsg(%d, [" HDR("a", 10) ", msg_len=1}, " HDR("bb", 10)
		    ", msg_len=2}, " HDR("ccc", 10) ", msg_len=3}], 3, MSG_DONTWAIT, {tv_sec=1, tv_nsec=5})", u);
	ts = (struct timespec) { 0, 1000 };
	rc = recvmmsg(u, mm, 3, MSG_DONTWAIT, &ts);
	expect_line(ret_text(rc), "recvmmsg(%d, %p, 3, MSG_DONTWAIT, {tv_sec=0, tv_nsec=1000})", u, mm);
	rc = recvmmsg(u, mm, 3, MSG_DONTWAIT, NULL);
	expect_line(ret_text(rc), "recvmmsg(%d, %p, 3, MSG_DONTWAIT, NULL)", u, mm);
	rc = recvmmsg(u, mm, 3, MSG_DONTWAIT, (void *) 8);
	expect_line(ret_text(rc), "recvmmsg(%d, %p, 3, MSG_DONTWAIT, 0x8)", u, mm);

	struct msghdr mh = { .msg_name = &me, .msg_namelen = 7 };
	rc = recvmsg(u, &mh, MSG_DONTWAIT);
	expect_line(ret_text(rc), "recvmsg(%d, {msg_namelen=7}, MSG_DONTWAIT)", u);
	rc = recvmsg(u, (void *) 8, MSG_DONTWAIT);
	expect_line(ret_text(rc), "recvmsg(%d, 0x8, MSG_DONTWAIT)", u);

	char buf[16];
	send(u, "xyz", 3, 0);
	rc = recvfrom(u, buf, 1, MSG_TRUNC, NULL, NULL);
	expect_line(ret_text(rc), "recvfrom(%d, \"x\", 1, MSG_TRUNC, NULL, NULL)", u);
	send(u, "xyz", 3, 0);
	struct sockaddr_in from;
	len = 2;
	rc = recvfrom(u, buf, sizeof(buf), 0, (void *) &from, &len);
	expect_line(ret_text(rc), "recvfrom(%d, \"xyz\", 16, 0, {sa_family=AF_INET}, [2 => 16])", u);
	len = 16;
	rc = recvfrom(u, buf, sizeof(buf), MSG_DONTWAIT, (void *) &from, &len);
	expect_line(ret_text(rc), "recvfrom(%d, %p, 16, MSG_DONTWAIT, %p, [16])", u, buf, &from);
	rc = recvfrom(u, buf, sizeof(buf), MSG_DONTWAIT, (void *) &from, NULL);
	expect_line(ret_text(rc), "recvfrom(%d, %p, 16, MSG_DONTWAIT, %p, NULL)", u, buf, &from);

	expect_exit(0);
	return 0;
}
