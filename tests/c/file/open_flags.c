// sysrec-test: -e trace=open,openat,openat2,creat
/* open, openat, openat2, creat: access modes, every flag in strace's order, unknown bits, the
 * mode only with O_CREAT or O_TMPFILE, NULL and unreadable names, openat2's struct open_how. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "../expect.h"

static char result[64];

/* strace's `= 3` or `= -1 ENOENT (No such file or directory)` for a syscall() result */
static const char *rc(long ret)
{
	if (ret >= 0)
		snprintf(result, sizeof(result), "= %ld", ret);
	else
		snprintf(result, sizeof(result), "= -1 %s (%s)", strerrorname_np(errno), strerror(errno));
	return result;
}

int main(void)
{
	long fd;

	fd = syscall(SYS_open, "f1", O_WRONLY | O_CREAT | O_TRUNC, 0640);
	expect_line(rc(fd), "open(\"f1\", O_WRONLY|O_CREAT|O_TRUNC, 0640)");
	close(fd);
	fd = syscall(SYS_openat, AT_FDCWD, "f1", O_RDONLY | O_CLOEXEC);
	expect_line(rc(fd), "openat(AT_FDCWD, \"f1\", O_RDONLY|O_CLOEXEC)");
	long dir = syscall(SYS_openat, AT_FDCWD, ".", O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
	expect_line(rc(dir), "openat(AT_FDCWD, \".\", O_RDONLY|O_NOFOLLOW|O_DIRECTORY)");
	long fd2 = syscall(SYS_openat, dir, "f1",
			   O_RDWR | O_APPEND | O_NONBLOCK | O_NOCTTY | 020000 | 0100000 | O_NOATIME);
	expect_line(rc(fd2), "openat(%ld, \"f1\", O_RDWR|O_NOCTTY|O_APPEND|O_NONBLOCK|O_LARGEFILE|O_NOATIME|FASYNC)", dir);
	close(fd2);
	fd2 = syscall(SYS_openat, dir, "f1", O_WRONLY | O_SYNC);
	expect_line(rc(fd2), "openat(%ld, \"f1\", O_WRONLY|O_SYNC)", dir);
	close(fd2);
	fd2 = syscall(SYS_openat, dir, "f1", O_WRONLY | O_DSYNC | 0x40000000);
	expect_line(rc(fd2), "openat(%ld, \"f1\", O_WRONLY|O_DSYNC|0x40000000)", dir);
	close(fd2);
	fd2 = syscall(SYS_openat, AT_FDCWD, "f1", O_RDONLY | O_PATH);
	expect_line(rc(fd2), "openat(AT_FDCWD, \"f1\", O_RDONLY|O_PATH)");
	close(fd2);
	/* O_TMPFILE takes a mode; the mode prints as an unsigned short in %#03o */
	fd2 = syscall(SYS_openat, AT_FDCWD, ".", O_RDWR | O_TMPFILE, 0);
	expect_line(rc(fd2), "openat(AT_FDCWD, \".\", O_RDWR|O_TMPFILE, 000)");
	close(fd2);
	fd2 = syscall(SYS_openat, AT_FDCWD, "f3", O_RDWR | O_CREAT | O_EXCL, 0x10000 | 07755);
	expect_line(rc(fd2), "openat(AT_FDCWD, \"f3\", O_RDWR|O_CREAT|O_EXCL, 07755)");
	close(fd2);
	/* errors: the access mode 3, a NULL and an unreadable name */
	fd2 = syscall(SYS_openat, AT_FDCWD, "f1", O_ACCMODE);
	expect_line(rc(fd2), "openat(AT_FDCWD, \"f1\", O_ACCMODE)");
	if (fd2 >= 0)
		close(fd2);
	fd2 = syscall(SYS_openat, AT_FDCWD, NULL, O_RDONLY);
	expect_line("= -1 EFAULT (Bad address)", "openat(AT_FDCWD, NULL, O_RDONLY)");
	fd2 = syscall(SYS_open, (char *) 1, O_RDONLY);
	expect_line("= -1 EFAULT (Bad address)", "open(0x1, O_RDONLY)");
	fd2 = syscall(SYS_openat, -1, "f1", O_RDONLY);
	expect_line("= -1 EBADF (Bad file descriptor)", "openat(-1, \"f1\", O_RDONLY)");
	fd2 = syscall(SYS_open, "no/such/file/with/a/name/longer/than/thirty/two/bytes", O_RDONLY);
	expect_line("= -1 ENOENT (No such file or directory)",
		    "open(\"no/such/file/with/a/name/longer/than/thirty/two/bytes\", O_RDONLY)");
	fd2 = syscall(SYS_creat, "f2", 0600);
	expect_line(rc(fd2), "creat(\"f2\", 0600)");
	close(fd2);

	struct open_how how = { .flags = O_RDONLY | O_CLOEXEC, .resolve = RESOLVE_NO_SYMLINKS | RESOLVE_BENEATH };
	fd2 = syscall(SYS_openat2, AT_FDCWD, "f1", &how, sizeof(how));
	expect_line(rc(fd2), "openat2(AT_FDCWD, \"f1\", {flags=O_RDONLY|O_CLOEXEC, resolve=RESOLVE_NO_SYMLINKS|RESOLVE_BENEATH}, 24)");
	close(fd2);
	struct open_how mk = { .flags = O_WRONLY | O_CREAT, .mode = 0600 };
	fd2 = syscall(SYS_openat2, dir, "f4", &mk, sizeof(mk));
	expect_line(rc(fd2), "openat2(%ld, \"f4\", {flags=O_WRONLY|O_CREAT, mode=0600, resolve=0}, 24)", dir);
	close(fd2);
	struct open_how odd = { .flags = O_RDONLY, .mode = 0644, .resolve = 0x40 };
	fd2 = syscall(SYS_openat2, AT_FDCWD, "f1", &odd, sizeof(odd));
	expect_line("= -1 EINVAL (Invalid argument)",
		    "openat2(AT_FDCWD, \"f1\", {flags=O_RDONLY, mode=0644, resolve=0x40 /* RESOLVE_??? */}, 24)");
	fd2 = syscall(SYS_openat2, AT_FDCWD, "f1", &how, 8);
	expect_line("= -1 EINVAL (Invalid argument)", "openat2(AT_FDCWD, \"f1\", %p, 8)", &how);
	fd2 = syscall(SYS_openat2, AT_FDCWD, "f1", (void *) 8, 24);
	expect_line("= -1 EFAULT (Bad address)", "openat2(AT_FDCWD, \"f1\", 0x8, 24)");
	/* a larger struct: strace shows the bytes beyond its own open_how when any is not zero */
	struct { struct open_how how; unsigned long long more[5]; } big = { { .flags = O_RDONLY } };
	fd2 = syscall(SYS_openat2, AT_FDCWD, "f1", &big, 32);
	expect_line(rc(fd2), "openat2(AT_FDCWD, \"f1\", {flags=O_RDONLY, resolve=0}, 32)");
	close(fd2);
	big.more[0] = 0x105;
	fd2 = syscall(SYS_openat2, AT_FDCWD, "f1", &big, 32);
	expect_line(rc(fd2), "openat2(AT_FDCWD, \"f1\", {flags=O_RDONLY, resolve=0, /* bytes 24..31 */ \"\\x05\\x01\\x00\\x00\\x00\\x00\\x00\\x00\"}, 32)");
	big.more[4] = 1;
	fd2 = syscall(SYS_openat2, AT_FDCWD, "f1", &big, sizeof(big));
	expect_line(rc(fd2), "openat2(AT_FDCWD, \"f1\", {flags=O_RDONLY, resolve=0, /* bytes 24..63 */ \"%s\"...}, 64)",
		    "\\x05\\x01\\x00\\x00\\x00\\x00\\x00\\x00" "\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00"
		    "\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00" "\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00");
	expect_exit(0);
	return 0;
}
