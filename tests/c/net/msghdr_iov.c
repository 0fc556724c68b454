// sysrec-test: -e trace=sendmsg,recvmsg
/* msg_iov: an array running into an unmapped page ends in "... (its address)", NULL and
 * unreadable bases and arrays print as addresses, more than -s entries end in `...`, and
 * recvmsg shows each buffer only as far as the data received reached. */
#include "net.h"
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#define HEAD "sendmsg(%d, {msg_name=NULL, msg_namelen=0, msg_iov="
#define TAIL ", msg_controllen=0, msg_flags=0}, 0)"

int main(void)
{
	int sv[2];
	socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
	char *page = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(page + 4096, 4096);
	struct iovec *iov = (void *) (page + 4096 - 2 * sizeof(struct iovec));
	iov[0] = (struct iovec) { "abc", 3 };
	iov[1] = (struct iovec) { "de", 2 };
	struct msghdr m = { .msg_iov = iov, .msg_iovlen = 5 };
	long rc = sendmsg(sv[0], &m, 0);
	expect_line(ret_text(rc), HEAD "[{iov_base=\"abc\", iov_len=3}, {iov_base=\"de\", iov_len=2}, "
		    "... /* %p */], msg_iovlen=5" TAIL, sv[0], page + 4096);
	m.msg_iovlen = 2;
	iov[1].iov_base = NULL;
	rc = sendmsg(sv[0], &m, 0);
	expect_line(ret_text(rc), HEAD "[{iov_base=\"abc\", iov_len=3}, {iov_base=NULL, iov_len=2}], "
		    "msg_iovlen=2" TAIL, sv[0]);
	iov[1].iov_base = (void *) 8;
	rc = sendmsg(sv[0], &m, 0);
	expect_line(ret_text(rc), HEAD "[{iov_base=\"abc\", iov_len=3}, {iov_base=0x8, iov_len=2}], "
		    "msg_iovlen=2" TAIL, sv[0]);
	m.msg_iov = NULL;
	rc = sendmsg(sv[0], &m, 0);
	expect_line(ret_text(rc), HEAD "NULL, msg_iovlen=2" TAIL, sv[0]);
	m.msg_iov = (void *) (page + 4096);
	rc = sendmsg(sv[0], &m, 0);
	expect_line(ret_text(rc), HEAD "%p, msg_iovlen=2" TAIL, sv[0], page + 4096);
	m.msg_iov = iov;
	m.msg_iovlen = 0;
	rc = sendmsg(sv[0], &m, 0);
	expect_line(ret_text(rc), HEAD "[], msg_iovlen=0" TAIL, sv[0]);
	struct iovec many[40];
	char list[2048] = "";
	for (int i = 0; i < 40; i++) {
		many[i] = (struct iovec) { "x", 1 };
		if (i < 32)
			strcat(list, "{iov_base=\"x\", iov_len=1}, ");
	}
	strcat(list, "...");
	m.msg_iov = many;
	m.msg_iovlen = 40;
	rc = sendmsg(sv[0], &m, 0);
	expect_line(ret_text(rc), HEAD "[%s], msg_iovlen=40" TAIL, sv[0], list);

	/* msg_namelen is an int: -1 and 1 print the name's address; a length past the sockaddr
	 * shows it; an unreadable name its address */
	struct sockaddr_un { unsigned short family; char path[4]; } un = { AF_UNIX, "/x" };
	struct msghdr named = { .msg_name = &un, .msg_namelen = 0xffffffff };
	rc = sendmsg(sv[0], &named, 0);
	expect_line(ret_text(rc), "sendmsg(%d, {msg_name=%p, msg_namelen=-1, msg_iov=NULL, msg_iovlen=0"
		    TAIL, sv[0], &un);
	named.msg_namelen = 1;
	rc = sendmsg(sv[0], &named, 0);
	expect_line(ret_text(rc), "sendmsg(%d, {msg_name=%p, msg_namelen=1, msg_iov=NULL, msg_iovlen=0"
		    TAIL, sv[0], &un);
	named.msg_namelen = 6;
	named.msg_iovlen = (size_t) -1;
	rc = sendmsg(sv[0], &named, 0);
	expect_line(ret_text(rc), "sendmsg(%d, {msg_name={sa_family=AF_UNIX, sun_path=\"/x\"}, "
		    "msg_namelen=6, msg_iov=NULL, msg_iovlen=18446744073709551615" TAIL, sv[0]);
	named.msg_name = (void *) 8;
	named.msg_iovlen = 0;
	rc = sendmsg(sv[0], &named, 0);
	expect_line(ret_text(rc), "sendmsg(%d, {msg_name=0x8, msg_namelen=6, msg_iov=NULL, msg_iovlen=0"
		    TAIL, sv[0]);

	char rb[10];
	struct iovec r[3] = { { rb, 2 }, { rb + 2, 5 }, { rb + 7, 3 } };
	socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
	send(sv[0], "hello", 5, 0);
	struct msghdr rm = { .msg_iov = r, .msg_iovlen = 3 };
	rc = recvmsg(sv[1], &rm, 0);
	expect_line(ret_text(rc), "recvmsg(%d, {msg_name=NULL, msg_namelen=0, msg_iov=[{iov_base=\"he\", "
		    "iov_len=2}, {iov_base=\"llo\", iov_len=5}, {iov_base=\"\", iov_len=3}], msg_iovlen=3, "
		    "msg_controllen=0, msg_flags=0}, 0)", sv[1]);
	expect_exit(0);
	return 0;
}
