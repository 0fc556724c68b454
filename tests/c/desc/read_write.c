// sysrec-test: -e trace=read,write,close -s 8
/* read and write: the buffer prints at exit for read (only what was read, the address on
 * failure) and at entry for write (all of count, cut at -s); NULL and unreadable buffers,
 * escapes, and a buffer whose readable part ends right after the -s bytes strace shows.
 * The expected lines go to a memory stream and leave through writev at the end, so the
 * program's own output does not show up among the traced writes. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>
#include "../expect.h"

int main(void)
{
	char *text;
	size_t size;
	FILE *real = stdout;
	stdout = open_memstream(&text, &size);

	int p[2];
	pipe(p);
	char buf[64];

	long rc = syscall(SYS_write, p[1], "hello\n\t\"x\\", 11);
	expect_line("= 11", "write(%d, \"hello\\n\\t\\\"\"..., 11)", p[1]);
	rc = syscall(SYS_read, p[0], buf, sizeof(buf));
	expect_line("= 11", "read(%d, \"hello\\n\\t\\\"\"..., 64)", p[0]);

	rc = syscall(SYS_write, p[1], "abc", 3);
	expect_line("= 3", "write(%d, \"abc\", 3)", p[1]);
	rc = syscall(SYS_read, p[0], buf, 2);
	expect_line("= 2", "read(%d, \"ab\", 2)", p[0]);
	rc = syscall(SYS_read, p[0], buf, 5);
	expect_line("= 1", "read(%d, \"c\", 5)", p[0]);

	rc = syscall(SYS_write, p[1], "\0\1\377z", 4);
	expect_line("= 4", "write(%d, \"\\0\\1\\377z\", 4)", p[1]);
	rc = syscall(SYS_read, p[0], buf, 4);
	expect_line("= 4", "read(%d, \"\\0\\1\\377z\", 4)", p[0]);

	rc = syscall(SYS_write, p[1], "", 0);
	expect_line("= 0", "write(%d, \"\", 0)", p[1]);
	rc = syscall(SYS_write, p[1], NULL, 0);
	expect_line("= 0", "write(%d, NULL, 0)", p[1]);
	rc = syscall(SYS_write, p[1], NULL, 5);
	expect_line("= -1 EFAULT (Bad address)", "write(%d, NULL, 5)", p[1]);

	/* A page followed by an unmapped one: the last 8 bytes are readable, the 9th is not. */
	char *page = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(page + 4096, 4096);
	char *tail = page + 4096 - 8;
	memcpy(tail, "ABCDEFGH", 8);
	rc = syscall(SYS_write, p[1], tail, 8);
	expect_line("= 8", "write(%d, \"ABCDEFGH\", 8)", p[1]);
	rc = syscall(SYS_write, p[1], tail, 9);
	expect_line("= -1 EFAULT (Bad address)", "write(%d, %#lx, 9)", p[1], (unsigned long) tail);
	rc = syscall(SYS_write, p[1], tail + 4, 9);
	expect_line("= -1 EFAULT (Bad address)", "write(%d, %#lx, 9)", p[1],
		    (unsigned long) tail + 4);
	rc = syscall(SYS_read, p[0], buf, sizeof(buf));
	expect_line("= 8", "read(%d, \"ABCDEFGH\", 64)", p[0]);

	/* read into an unwritable buffer fails; into one the kernel fills partly, shows that. */
	rc = syscall(SYS_write, p[1], "xyz", 3);
	expect_line("= 3", "write(%d, \"xyz\", 3)", p[1]);
	rc = syscall(SYS_read, p[0], page + 4096, 3);
	expect_line("= -1 EFAULT (Bad address)", "read(%d, %#lx, 3)", p[0],
		    (unsigned long) page + 4096);
	rc = syscall(SYS_read, -1, buf, 3);
	expect_line("= -1 EBADF (Bad file descriptor)", "read(-1, %#lx, 3)", (unsigned long) buf);
	rc = syscall(SYS_write, 12345, "x", 1);
	expect_line("= -1 EBADF (Bad file descriptor)", "write(12345, \"x\", 1)");
	rc = syscall(SYS_read, p[0], buf, 3);
	expect_line("= 3", "read(%d, \"xyz\", 3)", p[0]);

	syscall(SYS_close, p[1]);
	expect_line("= 0", "close(%d)", p[1]);
	rc = syscall(SYS_read, p[0], buf, 3);
	expect_line("= 0", "read(%d, \"\", 3)", p[0]);
	syscall(SYS_close, 0x100000000L | p[0]);
	expect_line("= 0", "close(%d)", p[0]);

	expect_exit(0);
	fclose(stdout);
	struct iovec out = { text, size };
	syscall(SYS_writev, 1, &out, 1);
	return 0;
}
