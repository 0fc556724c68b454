// sysrec-test: -e trace=readv,writev -s 4
/* readv and writev: iovec arrays. writev shows every buffer at entry, each cut at -s; readv
 * shows at exit only the bytes read, spread over the buffers in order, and the addresses when
 * it failed. Arrays longer than -s end in `...`; an empty one is `[]`; an unreadable one is its
 * address, one that becomes unreadable midway ends in `...` and the address in a comment. */
#define _GNU_SOURCE
#include <stdio.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>
#include "../expect.h"

int main(void)
{
	int p[2];
	pipe(p);
	char a[8], b[8], c[8];
	struct iovec w[] = { { "ab", 2 }, { "cdefgh", 6 }, { "", 0 } };
	long rc = syscall(SYS_writev, p[1], w, 3);
	expect_line("= 8", "writev(%d, [{iov_base=\"ab\", iov_len=2}, {iov_base=\"cdef\"..., iov_len=6}, "
		    "{iov_base=\"\", iov_len=0}], 3)", p[1]);

	struct iovec r[] = { { a, 3 }, { b, 8 }, { c, 8 } };
	rc = syscall(SYS_readv, p[0], r, 3);
	expect_line("= 8", "readv(%d, [{iov_base=\"abc\", iov_len=3}, {iov_base=\"defg\"..., iov_len=8}, "
		    "{iov_base=\"\", iov_len=8}], 3)", p[0]);

	/* More elements than -s: four, then `...`. */
	struct iovec many[6];
	for (int i = 0; i < 6; i++) {
		many[i].iov_base = "x";
		many[i].iov_len = 1;
	}
	rc = syscall(SYS_writev, p[1], many, 6);
	expect_line("= 6", "writev(%d, [{iov_base=\"x\", iov_len=1}, {iov_base=\"x\", iov_len=1}, "
		    "{iov_base=\"x\", iov_len=1}, {iov_base=\"x\", iov_len=1}, ...], 6)", p[1]);
	char one[6][1];
	for (int i = 0; i < 6; i++)
		many[i].iov_base = one[i];
	rc = syscall(SYS_readv, p[0], many, 5);
	expect_line("= 5", "readv(%d, [{iov_base=\"x\", iov_len=1}, {iov_base=\"x\", iov_len=1}, "
		    "{iov_base=\"x\", iov_len=1}, {iov_base=\"x\", iov_len=1}, ...], 5)", p[0]);
	rc = syscall(SYS_writev, p[1], many, 4);  /* one[] now holds what readv read */
	expect_line("= 4", "writev(%d, [{iov_base=\"x\", iov_len=1}, {iov_base=\"x\", iov_len=1}, "
		    "{iov_base=\"x\", iov_len=1}, {iov_base=\"x\", iov_len=1}], 4)", p[1]);

	/* Empty, NULL and unreadable arrays. */
	rc = syscall(SYS_writev, p[1], w, 0);
	expect_line("= 0", "writev(%d, [], 0)", p[1]);
	rc = syscall(SYS_writev, p[1], NULL, 2);
	expect_line("= -1 EFAULT (Bad address)", "writev(%d, NULL, 2)", p[1]);
	char *page = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(page + 4096, 4096);
	rc = syscall(SYS_writev, p[1], page + 4096, 1);
	expect_line("= -1 EFAULT (Bad address)", "writev(%d, %#lx, 1)", p[1],
		    (unsigned long) page + 4096);
	/* The second element lies on the unmapped page. */
	struct iovec *edge = (struct iovec *) (page + 4096 - sizeof(struct iovec));
	edge->iov_base = "zz";
	edge->iov_len = 2;
	rc = syscall(SYS_writev, p[1], edge, 2);
	expect_line("= -1 EFAULT (Bad address)", "writev(%d, [{iov_base=\"zz\", iov_len=2}, ... /* %#lx */], 2)",
		    p[1], (unsigned long) page + 4096);
	/* An element whose buffer cannot be read. */
	edge->iov_base = page + 4096;
	rc = syscall(SYS_writev, p[1], edge, 1);
	expect_line("= -1 EFAULT (Bad address)", "writev(%d, [{iov_base=%#lx, iov_len=2}], 1)",
		    p[1], (unsigned long) page + 4096);
	/* A count whose byte size wraps around. */
	rc = syscall(SYS_writev, p[1], w, -1L);
	expect_line("= -1 EINVAL (Invalid argument)", "writev(%d, %#lx, 18446744073709551615)",
		    p[1], (unsigned long) w);

	/* A failed readv shows the buffers' addresses. */
	rc = syscall(SYS_readv, -1, r, 2);
	expect_line("= -1 EBADF (Bad file descriptor)", "readv(-1, [{iov_base=%#lx, iov_len=3}, "
		    "{iov_base=%#lx, iov_len=8}], 2)", (unsigned long) a, (unsigned long) b);
	rc = syscall(SYS_readv, -1, NULL, 2);
	expect_line("= -1 EBADF (Bad file descriptor)", "readv(-1, NULL, 2)");
	rc = syscall(SYS_readv, -1, page + 4096, 2);
	expect_line("= -1 EBADF (Bad file descriptor)", "readv(-1, %#lx, 2)",
		    (unsigned long) page + 4096);

	expect_exit(0);
	return 0;
}
