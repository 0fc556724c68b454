// sysrec-test: -e trace=fcntl
/* Every fcntl command strace decodes, and what it prints for commands it does not know. */
#include "net.h"
#include <fcntl.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

static long fc(int fd, long cmd, long arg)
{
	return syscall(SYS_fcntl, fd, cmd, arg);
}

int main(void)
{
	int fd = open("/dev/null", O_RDWR);
	long rc;

	rc = fc(fd, F_DUPFD, 10);
	expect_line(ret_text(rc), "fcntl(%d, F_DUPFD, 10)", fd);
	rc = fc(fd, F_DUPFD_CLOEXEC, 20);
	expect_line(ret_text(rc), "fcntl(%d, F_DUPFD_CLOEXEC, 20)", fd);
	rc = fc(-1, F_DUPFD, 0);
	expect_line(ret_text(rc), "fcntl(-1, F_DUPFD, 0)");

	rc = fc(fd, F_GETFD, 0);
	expect_line(ret_text(rc), "fcntl(%d, F_GETFD)", fd);
	rc = fc(fd, F_SETFD, FD_CLOEXEC | 6);
	expect_line(ret_text(rc), "fcntl(%d, F_SETFD, FD_CLOEXEC|0x6)", fd);
	rc = fc(fd, F_GETFD, 0);
	expect_line(hex_text(rc, "flags FD_CLOEXEC"), "fcntl(%d, F_GETFD)", fd);
	rc = fc(fd, F_SETFD, 4);
	expect_line(ret_text(rc), "fcntl(%d, F_SETFD, 0x4 /* FD_??? */)", fd);
	rc = fc(fd, F_SETFD, 0);
	expect_line(ret_text(rc), "fcntl(%d, F_SETFD, 0)", fd);

	rc = fc(fd, F_GETFL, 0);
	expect_line(hex_text(rc, "flags O_RDWR|O_LARGEFILE"), "fcntl(%d, F_GETFL)", fd);
	rc = fc(fd, F_SETFL, O_WRONLY | O_NONBLOCK | O_APPEND);
	expect_line(ret_text(rc), "fcntl(%d, F_SETFL, O_WRONLY|O_APPEND|O_NONBLOCK)", fd);
	rc = fc(fd, F_SETFL, 0);
	expect_line(ret_text(rc), "fcntl(%d, F_SETFL, O_RDONLY)", fd);
	/* strace's order and names: FASYNC last, O_DIRECTORY after O_NOFOLLOW, the __O_ parts */
	static const struct { long flags; const char *text; } modes[] = {
		{ 020000 | 02000, "O_RDONLY|O_APPEND|FASYNC" },
		{ 0200000 | 0400000, "O_RDONLY|O_NOFOLLOW|O_DIRECTORY" },
		{ 04000000, "O_RDONLY|__O_SYNC" },
		{ 04010000 | 1, "O_WRONLY|O_SYNC" },
		{ 020000000, "O_RDONLY|__O_TMPFILE" },
		{ 020200000 | 01000 | 2, "O_RDWR|O_TRUNC|O_TMPFILE" },
		{ 040000000 | 3, "O_ACCMODE|0x800000" },
	};
	for (unsigned i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		rc = fc(fd, F_SETFL, modes[i].flags);
		expect_line(ret_text(rc), "fcntl(%d, F_SETFL, %s)", fd, modes[i].text);
	}

	rc = fc(fd, F_SETOWN, getpid());
	expect_line(ret_text(rc), "fcntl(%d, F_SETOWN, %d)", fd, getpid());
	rc = fc(fd, F_GETOWN, 0);
	expect_line(ret_text(rc), "fcntl(%d, F_GETOWN)", fd);

	struct f_owner_ex owner = { .type = F_OWNER_PGRP, .pid = getpgrp() };
	rc = fc(fd, F_SETOWN_EX, (long) &owner);
	expect_line(ret_text(rc), "fcntl(%d, F_SETOWN_EX, {type=F_OWNER_PGRP, pid=%d})", fd, owner.pid);
	owner.type = 7;
	rc = fc(fd, F_SETOWN_EX, (long) &owner);
	expect_line(ret_text(rc), "fcntl(%d, F_SETOWN_EX, {type=0x7 /* F_OWNER_??? */, pid=%d})",
		    fd, owner.pid);
	owner.type = -1;
	rc = fc(fd, F_SETOWN_EX, (long) &owner);
	expect_line(ret_text(rc), "fcntl(%d, F_SETOWN_EX, {type=0xffffffff /* F_OWNER_??? */, pid=%d})",
		    fd, owner.pid);
	rc = fc(fd, F_SETOWN_EX, 0);
	expect_line(ret_text(rc), "fcntl(%d, F_SETOWN_EX, NULL)", fd);
	rc = fc(fd, F_GETOWN_EX, (long) &owner);
	expect_line(ret_text(rc), "fcntl(%d, F_GETOWN_EX, {type=F_OWNER_PGRP, pid=%d})", fd, owner.pid);
	rc = fc(fd, F_GETOWN_EX, 8);
	expect_line(ret_text(rc), "fcntl(%d, F_GETOWN_EX, 0x8)", fd);

	rc = fc(fd, F_SETSIG, SIGUSR1);
	expect_line(ret_text(rc), "fcntl(%d, F_SETSIG, SIGUSR1)", fd);
	rc = fc(fd, F_GETSIG, 0);
	expect_line(rc == SIGUSR1 ? "= 10 (SIGUSR1)" : ret_text(rc), "fcntl(%d, F_GETSIG)", fd);
	rc = fc(fd, F_SETSIG, 0);
	expect_line(ret_text(rc), "fcntl(%d, F_SETSIG, 0)", fd);
	rc = fc(fd, F_GETSIG, 0);
	expect_line(ret_text(rc), "fcntl(%d, F_GETSIG)", fd);
	rc = fc(fd, F_SETSIG, 200);
	expect_line(ret_text(rc), "fcntl(%d, F_SETSIG, 200)", fd);

	rc = fc(fd, 1035 /* F_GET_RW_HINT */, 0x1234);
	expect_line(ret_text(rc), "fcntl(%d, 0x40b /* F_??? */, 0x1234)", fd);
	rc = fc(fd, F_SETFD, 0x100000001L);
	expect_line(ret_text(rc), "fcntl(%d, F_SETFD, FD_CLOEXEC)", fd);
	rc = fc(fd, F_SETOWN, -5);
	expect_line(ret_text(rc), "fcntl(%d, F_SETOWN, -5)", fd);
	rc = fc(fd, F_SETOWN, getpid());
	expect_line(ret_text(rc), "fcntl(%d, F_SETOWN, %d)", fd, getpid());
	rc = syscall(SYS_fcntl, 0x100000000L | fd, 0x100000000L | F_GETFD);
	expect_line(hex_text(rc, "flags FD_CLOEXEC"), "fcntl(%d, F_GETFD)", fd);
	rc = fc(fd, 0xdead, 0);
	expect_line(ret_text(rc), "fcntl(%d, 0xdead /* F_??? */, 0)", fd);
	rc = fc(fd, 1029 /* F_CANCELLK */, 0xff);
	expect_line(ret_text(rc), "fcntl(%d, F_CANCELLK, 0xff)", fd);
	rc = fc(fd, 12 /* F_GETLK64 */, 0x10);
	expect_line(ret_text(rc), "fcntl(%d, F_GETLK64, 0x10)", fd);
	rc = fc(fd, 17 /* F_GETOWNER_UIDS */, 0x20);
	expect_line(ret_text(rc), "fcntl(%d, F_GETOWNER_UIDS, 0x20)", fd);

	expect_exit(0);
	return 0;
}
