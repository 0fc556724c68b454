// sysrec-test: -e trace=sendmsg
/* msg_control itself: NULL, unreadable, shorter than a header, a header cut by the buffer's end,
 * and a buffer larger than net.core.optmem_max (strace reads no more than that). */
#include "net.h"
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

static int sock;
static char x = 'x';

static long send_control(void *control, size_t len)
{
	struct iovec iov = { &x, 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control,
			    .msg_controllen = len };
	return sendmsg(sock, &m, MSG_DONTWAIT);
}

#define HEAD "sendmsg(%d, {msg_name=NULL, msg_namelen=0, msg_iov=[{iov_base=\"x\", iov_len=1}], " \
	     "msg_iovlen=1, "

int main(void)
{
	int sv[2];
	socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
	sock = sv[0];
	long rc;

	rc = send_control(NULL, 24);
	expect_line(ret_text(rc), HEAD "msg_control=NULL, msg_controllen=24, msg_flags=0}, MSG_DONTWAIT)", sock);
	rc = send_control(NULL, 0);
	expect_line(ret_text(rc), HEAD "msg_controllen=0, msg_flags=0}, MSG_DONTWAIT)", sock);
	void *gone = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(gone, 4096);
	rc = send_control(gone, 32);
	expect_line(ret_text(rc), HEAD "msg_control=%p, msg_controllen=32, msg_flags=0}, MSG_DONTWAIT)",
		    sock, gone);

	static char buf[64] __attribute__((aligned(8)));
	struct cmsghdr *h = (void *) buf;
	h->cmsg_len = CMSG_LEN(4);
	h->cmsg_level = SOL_SOCKET;
	h->cmsg_type = SCM_RIGHTS;
	rc = send_control(buf, 12);
	expect_line(ret_text(rc), HEAD "msg_control=%p, msg_controllen=12, msg_flags=0}, MSG_DONTWAIT)",
		    sock, buf);
	rc = send_control(buf, 27);
	expect_line(ret_text(rc), HEAD "msg_control=[{cmsg_len=20, cmsg_level=SOL_SOCKET, "
		    "cmsg_type=SCM_RIGHTS, cmsg_data=[0]}, ... /* %p */], msg_controllen=27, "
		    "msg_flags=0}, MSG_DONTWAIT)", sock, buf + 24);
	h->cmsg_len = 1000;
	rc = send_control(buf, 24);
	expect_line(ret_text(rc), HEAD "msg_control=[{cmsg_len=1000, cmsg_level=SOL_SOCKET, "
		    "cmsg_type=SCM_RIGHTS, cmsg_data=[0, 0]}], msg_controllen=24, "
		    "msg_flags=0}, MSG_DONTWAIT)", sock);

	FILE *f = fopen("/proc/sys/net/core/optmem_max", "r");
	long optmem = 0;
	if (!f || fscanf(f, "%ld", &optmem) != 1)
		return 1;
	optmem = (optmem + 7) & ~7L;
	char *big = calloc(1, optmem + 64);
	h = (void *) big;
	h->cmsg_len = optmem;
	h->cmsg_level = SOL_SOCKET;
	h->cmsg_type = SCM_RIGHTS;
	rc = send_control(big, optmem + 64);
	expect_line(ret_text(rc), HEAD "msg_control=[{cmsg_len=%ld, cmsg_level=SOL_SOCKET, "
		    "cmsg_type=SCM_RIGHTS, cmsg_data=[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, "
		    "0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, ...]}, ...], msg_controllen=%ld, "
		    "msg_flags=0}, MSG_DONTWAIT)", sock, optmem, optmem + 64);

	expect_exit(0);
	return 0;
}
