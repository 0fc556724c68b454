// sysrec-test: -e trace=dup,dup2,dup3,pipe,pipe2,close_range
/* New descriptors: dup* return an fd, dup3/pipe2 flags are open(2) flags without the access
 * mode (O_SYNC and O_TMPFILE before the bits they contain, leftovers in hex), pipe's pair
 * prints at exit (its address when the call failed); close_range's bounds are unsigned. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/close_range.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "../expect.h"

int main(void)
{
	int p[2];
	long rc = syscall(SYS_pipe, p);
	expect_line("= 0", "pipe([%d, %d])", p[0], p[1]);
	rc = syscall(SYS_pipe2, p, O_CLOEXEC | O_NONBLOCK);
	expect_line("= 0", "pipe2([%d, %d], O_NONBLOCK|O_CLOEXEC)", p[0], p[1]);
	rc = syscall(SYS_pipe2, p, 0);
	expect_line("= 0", "pipe2([%d, %d], 0)", p[0], p[1]);
	rc = syscall(SYS_pipe2, p, O_DIRECT);
	expect_line("= 0", "pipe2([%d, %d], O_DIRECT)", p[0], p[1]);
	rc = syscall(SYS_pipe2, p, 0xffffffff00000000UL | O_SYNC | O_TMPFILE | 3);
	expect_line("= -1 EINVAL (Invalid argument)", "pipe2(%#lx, O_SYNC|O_TMPFILE|0x3)",
		    (unsigned long) p);
	rc = syscall(SYS_pipe2, NULL, 0);
	expect_line("= -1 EFAULT (Bad address)", "pipe2(NULL, 0)");
	char *page = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	rc = syscall(SYS_pipe, page);
	expect_line("= -1 EFAULT (Bad address)", "pipe(%#lx)", (unsigned long) page);

	int fd = syscall(SYS_dup, 0);
	char res[32];
	snprintf(res, sizeof(res), "= %d", fd);
	expect_line(res, "dup(0)");
	rc = syscall(SYS_dup, -1);
	expect_line("= -1 EBADF (Bad file descriptor)", "dup(-1)");
	rc = syscall(SYS_dup2, 0, 20);
	expect_line("= 20", "dup2(0, 20)");
	rc = syscall(SYS_dup2, 0, -5);
	expect_line("= -1 EBADF (Bad file descriptor)", "dup2(0, -5)");
	rc = syscall(SYS_dup3, 0, 21, O_CLOEXEC);
	expect_line("= 21", "dup3(0, 21, O_CLOEXEC)");
	rc = syscall(SYS_dup3, 0, 22, 0);
	expect_line("= 22", "dup3(0, 22, 0)");
	rc = syscall(SYS_dup3, 0, 23, O_APPEND | O_DSYNC | O_DIRECTORY | FASYNC | O_PATH);
	expect_line("= -1 EINVAL (Invalid argument)",
		    "dup3(0, 23, O_APPEND|O_DSYNC|O_PATH|O_DIRECTORY|FASYNC)");
	rc = syscall(SYS_dup3, 0, 23, 0x80000000UL);
	expect_line("= -1 EINVAL (Invalid argument)", "dup3(0, 23, 0x80000000 /* O_??? */)");

	rc = syscall(SYS_close_range, 20, 22, CLOSE_RANGE_CLOEXEC);
	expect_line("= 0", "close_range(20, 22, CLOSE_RANGE_CLOEXEC)");
	rc = syscall(SYS_close_range, 20, ~0U, 0);
	expect_line("= 0", "close_range(20, 4294967295, 0)");
	rc = syscall(SYS_close_range, 5, 4, 0x100);
	expect_line("= -1 EINVAL (Invalid argument)", "close_range(5, 4, 0x100 /* CLOSE_RANGE_??? */)");
	rc = syscall(SYS_close_range, 3, 9, CLOSE_RANGE_UNSHARE);
	expect_line("= 0", "close_range(3, 9, CLOSE_RANGE_UNSHARE)");

	expect_exit(0);
	return fd < 0;
}
