// sysrec-test: -e trace=sendfile,copy_file_range,splice,tee,vmsplice -s 4
/* Copying between descriptors: offsets passed by pointer print as `[N]` (NULL, or the address
 * when unreadable); sendfile shows the offset the kernel advanced as `[old] => [new]` at exit
 * when it copied something; vmsplice's iovecs print like writev's. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>
#include "../expect.h"

int main(void)
{
	char name[] = "/tmp/sysrec-copy-XXXXXX";
	int fd = mkstemp(name);
	unlink(name);
	write(fd, "0123456789", 10);
	int p[2];
	pipe(p);
	char *page = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(page, 4096);  /* unmapped: PROT_NONE would still be readable through /proc/PID/mem */

	long off = 2;
	long rc = syscall(SYS_sendfile, p[1], fd, &off, 3);
	expect_line("= 3", "sendfile(%d, %d, [2] => [5], 3)", p[1], fd);
	rc = syscall(SYS_sendfile, p[1], fd, &off, 0);
	expect_line("= 0", "sendfile(%d, %d, [5], 0)", p[1], fd);
	off = 100;
	rc = syscall(SYS_sendfile, p[1], fd, &off, 4);
	expect_line("= 0", "sendfile(%d, %d, [100], 4)", p[1], fd);
	rc = syscall(SYS_sendfile, p[1], fd, NULL, 2);
	expect_line("= 0", "sendfile(%d, %d, NULL, 2)", p[1], fd);
	rc = syscall(SYS_sendfile, p[1], fd, page, 2);
	expect_line("= -1 EFAULT (Bad address)", "sendfile(%d, %d, %#lx, 2)", p[1], fd,
		    (unsigned long) page);
	off = -1;
	rc = syscall(SYS_sendfile, p[1], -1, &off, 2);
	expect_line("= -1 EBADF (Bad file descriptor)", "sendfile(%d, -1, [18446744073709551615], 2)", p[1]);

	long in = 1, out = -7;
	rc = syscall(SYS_splice, fd, &in, p[1], NULL, 2L, SPLICE_F_MOVE | SPLICE_F_MORE);
	expect_line("= 2", "splice(%d, [1], %d, NULL, 2, SPLICE_F_MOVE|SPLICE_F_MORE)", fd, p[1]);
	rc = syscall(SYS_splice, p[0], NULL, fd, &out, 2L, 0x10L);
	expect_line("= -1 EINVAL (Invalid argument)", "splice(%d, NULL, %d, [-7], 2, 0x10 /* SPLICE_F_??? */)",
		    p[0], fd);
	rc = syscall(SYS_splice, p[0], page, fd, NULL, 1L, 0L);
	expect_line("= -1 ESPIPE (Illegal seek)", "splice(%d, %#lx, %d, NULL, 1, 0)", p[0],
		    (unsigned long) page, fd);

	int q[2];
	pipe(q);
	rc = syscall(SYS_tee, p[0], q[1], 3L, SPLICE_F_NONBLOCK);
	expect_line("= 3", "tee(%d, %d, 3, SPLICE_F_NONBLOCK)", p[0], q[1]);
	rc = syscall(SYS_tee, p[0], p[1], 3L, SPLICE_F_GIFT | 0x20);
	expect_line("= -1 EINVAL (Invalid argument)", "tee(%d, %d, 3, SPLICE_F_GIFT|0x20)", p[0], p[1]);

	struct iovec v[] = { { "vmspl", 5 }, { "ice", 3 } };
	rc = syscall(SYS_vmsplice, q[1], v, 2L, 0L);
	expect_line("= 8", "vmsplice(%d, [{iov_base=\"vmsp\"..., iov_len=5}, {iov_base=\"ice\", iov_len=3}], 2, 0)",
		    q[1]);
	rc = syscall(SYS_vmsplice, -1, NULL, 1L, SPLICE_F_GIFT);
	expect_line("= -1 EBADF (Bad file descriptor)", "vmsplice(-1, NULL, 1, SPLICE_F_GIFT)");

	char other[] = "/tmp/sysrec-copy2-XXXXXX";
	int fd2 = mkstemp(other);
	unlink(other);
	in = 4, out = 1;
	rc = syscall(SYS_copy_file_range, fd, &in, fd2, &out, 3L, 0);
	expect_line("= 3", "copy_file_range(%d, [4], %d, [1], 3, 0)", fd, fd2);
	rc = syscall(SYS_copy_file_range, fd, NULL, fd2, NULL, 3L, 0xffffffffL);
	expect_line("= -1 EINVAL (Invalid argument)", "copy_file_range(%d, NULL, %d, NULL, 3, 4294967295)",
		    fd, fd2);
	rc = syscall(SYS_copy_file_range, fd, page, fd2, NULL, 1L, 0);
	expect_line("= -1 EFAULT (Bad address)", "copy_file_range(%d, %#lx, %d, NULL, 1, 0)", fd,
		    (unsigned long) page, fd2);

	expect_exit(0);
	return 0;
}
