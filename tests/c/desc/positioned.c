// sysrec-test: -e trace=pread64,pwrite64,preadv,pwritev,preadv2,pwritev2,lseek -s 6
/* The positioned calls: the offset prints signed after the count (at exit for the reading
 * ones), preadv2/pwritev2 add RWF_* flags (the fifth printed argument is the sixth register),
 * lseek names its whence. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>
#include "../expect.h"

int main(void)
{
	char name[] = "/tmp/sysrec-positioned-XXXXXX";
	int fd = mkstemp(name);
	unlink(name);
	char buf[16];

	long rc = syscall(SYS_pwrite64, fd, "0123456789", 10, 5L);
	expect_line("= 10", "pwrite64(%d, \"012345\"..., 10, 5)", fd);
	rc = syscall(SYS_pread64, fd, buf, 16, 7L);
	expect_line("= 8", "pread64(%d, \"234567\"..., 16, 7)", fd);
	rc = syscall(SYS_pread64, fd, buf, 4, -1L);
	expect_line("= -1 EINVAL (Invalid argument)", "pread64(%d, %#lx, 4, -1)", fd,
		    (unsigned long) buf);
	rc = syscall(SYS_pread64, fd, buf, 4, 100L);
	expect_line("= 0", "pread64(%d, \"\", 4, 100)", fd);

	char a[3], b[8];
	struct iovec w[] = { { "ab", 2 }, { "cd", 2 } };
	struct iovec r[] = { { a, 3 }, { b, 8 } };
	rc = syscall(SYS_pwritev, fd, w, 2, 0L, 0L);
	expect_line("= 4", "pwritev(%d, [{iov_base=\"ab\", iov_len=2}, {iov_base=\"cd\", iov_len=2}], 2, 0)", fd);
	rc = syscall(SYS_preadv, fd, r, 2, 1L, 0L);
	expect_line("= 11", "preadv(%d, [{iov_base=\"bcd\", iov_len=3}, {iov_base=\"\\00001234\"..., iov_len=8}], 2, 1)", fd);
	rc = syscall(SYS_preadv, fd, r, 2, -2L, 0L);
	expect_line("= -1 EINVAL (Invalid argument)", "preadv(%d, [{iov_base=%#lx, iov_len=3}, {iov_base=%#lx, iov_len=8}], 2, -2)",
		    fd, (unsigned long) a, (unsigned long) b);

	/* The flags are the sixth register; the fifth (pos_h) is ignored on x86-64. */
	rc = syscall(SYS_pwritev2, fd, w, 1, 3L, 77L, RWF_DSYNC | RWF_SYNC);
	expect_line("= 2", "pwritev2(%d, [{iov_base=\"ab\", iov_len=2}], 1, 3, RWF_DSYNC|RWF_SYNC)", fd);
	rc = syscall(SYS_preadv2, fd, r, 1, 2L, 77L, 0L);
	expect_line("= 3", "preadv2(%d, [{iov_base=\"cab\", iov_len=3}], 1, 2, 0)", fd);
	rc = syscall(SYS_preadv2, -1, r, 1, -1L, 0L, RWF_HIPRI | 0x100L);
	expect_line("= -1 EBADF (Bad file descriptor)",
		    "preadv2(-1, [{iov_base=%#lx, iov_len=3}], 1, -1, RWF_HIPRI|0x100)", (unsigned long) a);
	rc = syscall(SYS_pwritev2, fd, w, 1, -1L, 0L, 0x100000000L | 0x40);
	expect_line("= -1 EOPNOTSUPP (Operation not supported)",
		    "pwritev2(%d, [{iov_base=\"ab\", iov_len=2}], 1, -1, 0x40 /* RWF_??? */)", fd);
	rc = syscall(SYS_pwritev2, -1, w, 1, -1L, 0L, RWF_APPEND | RWF_NOWAIT);
	expect_line("= -1 EBADF (Bad file descriptor)",
		    "pwritev2(-1, [{iov_base=\"ab\", iov_len=2}], 1, -1, RWF_NOWAIT|RWF_APPEND)");

	rc = syscall(SYS_lseek, fd, 0L, SEEK_SET);
	expect_line("= 0", "lseek(%d, 0, SEEK_SET)", fd);
	rc = syscall(SYS_lseek, fd, -3L, SEEK_END);
	expect_line("= 12", "lseek(%d, -3, SEEK_END)", fd);
	rc = syscall(SYS_lseek, fd, 1L, SEEK_CUR);
	expect_line("= 13", "lseek(%d, 1, SEEK_CUR)", fd);
	rc = syscall(SYS_lseek, fd, 0L, SEEK_DATA);
	expect_line("= 0", "lseek(%d, 0, SEEK_DATA)", fd);
	rc = syscall(SYS_lseek, fd, 0L, SEEK_HOLE);
	expect_line("= 15", "lseek(%d, 0, SEEK_HOLE)", fd);
	rc = syscall(SYS_lseek, fd, -100L, SEEK_SET);
	expect_line("= -1 EINVAL (Invalid argument)", "lseek(%d, -100, SEEK_SET)", fd);
	rc = syscall(SYS_lseek, fd, 0L, 0x100000005L);
	expect_line("= -1 EINVAL (Invalid argument)", "lseek(%d, 0, 0x5 /* SEEK_??? */)", fd);
	rc = syscall(SYS_lseek, -1, 0L, -1L);
	expect_line("= -1 EBADF (Bad file descriptor)", "lseek(-1, 0, 0xffffffff /* SEEK_??? */)");

	expect_exit(0);
	return 0;
}
