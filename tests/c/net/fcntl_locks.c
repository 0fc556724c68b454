// sysrec-test: -e trace=fcntl
/* fcntl's struct flock commands (classic and open-file-description locks), leases, directory
 * notification, pipe sizes and memfd seals. */
#include "net.h"
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

static long fc(int fd, long cmd, long arg)
{
	return syscall(SYS_fcntl, fd, cmd, arg);
}

static const char *lock_text(const struct flock *fl, const char *type, int with_pid)
{
	static char buf[256];
	int n = snprintf(buf, sizeof(buf), "{l_type=%s, l_whence=SEEK_SET, l_start=%lld, l_len=%lld",
			 type, (long long) fl->l_start, (long long) fl->l_len);
	if (with_pid)
		n += snprintf(buf + n, sizeof(buf) - n, ", l_pid=%d", fl->l_pid);
	snprintf(buf + n, sizeof(buf) - n, "}");
	return buf;
}

int main(void)
{
	int fd = open("lockfile", O_RDWR | O_CREAT, 0600);
	long rc;
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 10, .l_len = 100 };

	rc = fc(fd, F_SETLK, (long) &fl);
	expect_line(ret_text(rc), "fcntl(%d, F_SETLK, %s)", fd, lock_text(&fl, "F_WRLCK", 0));
	rc = fc(fd, F_SETLKW, (long) &fl);
	expect_line(ret_text(rc), "fcntl(%d, F_SETLKW, %s)", fd, lock_text(&fl, "F_WRLCK", 0));
	fl.l_type = F_RDLCK;
	rc = fc(fd, F_GETLK, (long) &fl);
	expect_line(ret_text(rc), "fcntl(%d, F_GETLK, %s)", fd, lock_text(&fl, "F_UNLCK", 1));
	fl.l_type = 5;
	rc = fc(fd, F_SETLK, (long) &fl);
	expect_line(ret_text(rc), "fcntl(%d, F_SETLK, %s)", fd, lock_text(&fl, "0x5 /* F_??? */", 0));
	fl.l_type = 4;
	rc = fc(fd, F_SETLK, (long) &fl);
	expect_line(ret_text(rc), "fcntl(%d, F_SETLK, %s)", fd, lock_text(&fl, "F_EXLCK", 0));
	struct flock odd = { .l_type = -1, .l_whence = -2, .l_start = -5, .l_len = -1 };
	rc = fc(fd, F_SETLK, (long) &odd);
	expect_line(ret_text(rc), "fcntl(%d, F_SETLK, {l_type=0xffff /* F_??? */, l_whence=0xfffe "
		    "/* SEEK_??? */, l_start=-5, l_len=-1})", fd);
	rc = fc(fd, F_GETLK, 0);
	expect_line(ret_text(rc), "fcntl(%d, F_GETLK, NULL)", fd);
	rc = fc(fd, F_SETLK, 0x10);
	expect_line(ret_text(rc), "fcntl(%d, F_SETLK, 0x10)", fd);

	fl = (struct flock) { .l_type = F_RDLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 5 };
	rc = fc(fd, F_OFD_SETLK, (long) &fl);
	expect_line(ret_text(rc), "fcntl(%d, F_OFD_SETLK, %s)", fd, lock_text(&fl, "F_RDLCK", 0));
	rc = fc(fd, F_OFD_SETLKW, (long) &fl);
	expect_line(ret_text(rc), "fcntl(%d, F_OFD_SETLKW, %s)", fd, lock_text(&fl, "F_RDLCK", 0));
	fl.l_type = F_WRLCK;
	rc = fc(fd, F_OFD_GETLK, (long) &fl);
	expect_line(ret_text(rc), "fcntl(%d, F_OFD_GETLK, %s)", fd, lock_text(&fl, "F_UNLCK", 1));
	fl.l_pid = 1;
	rc = fc(fd, F_OFD_GETLK, (long) &fl);
	expect_line(ret_text(rc), "fcntl(%d, F_OFD_GETLK, 0x%lx)", fd, (unsigned long) &fl);

	int ro = open("lockfile", O_RDONLY);
	close(fd);
	rc = fc(ro, F_GETLEASE, 0);
	expect_line(hex_text(rc, "F_UNLCK"), "fcntl(%d, F_GETLEASE)", ro);
	rc = fc(ro, F_SETLEASE, F_RDLCK);
	expect_line(ret_text(rc), "fcntl(%d, F_SETLEASE, F_RDLCK)", ro);
	rc = fc(ro, F_GETLEASE, 0);
	expect_line(hex_text(rc, rc == F_RDLCK ? "F_RDLCK" : "F_UNLCK"), "fcntl(%d, F_GETLEASE)", ro);
	rc = fc(ro, F_SETLEASE, 0x100000007L);
	expect_line(ret_text(rc), "fcntl(%d, F_SETLEASE, 0x100000007 /* F_??? */)", ro);
	rc = fc(ro, F_SETLEASE, F_UNLCK);
	expect_line(ret_text(rc), "fcntl(%d, F_SETLEASE, F_UNLCK)", ro);

	int dir = open(".", O_RDONLY | O_DIRECTORY);
	rc = fc(dir, F_NOTIFY, DN_CREATE | DN_DELETE | DN_MULTISHOT);
	expect_line(ret_text(rc), "fcntl(%d, F_NOTIFY, DN_CREATE|DN_DELETE|DN_MULTISHOT)", dir);
	rc = fc(dir, F_NOTIFY, DN_ACCESS | 0x100);
	expect_line(ret_text(rc), "fcntl(%d, F_NOTIFY, DN_ACCESS|0x100)", dir);
	rc = fc(dir, F_NOTIFY, 0x400);
	expect_line(ret_text(rc), "fcntl(%d, F_NOTIFY, 0x400 /* DN_??? */)", dir);
	rc = fc(dir, F_NOTIFY, 0);
	expect_line(ret_text(rc), "fcntl(%d, F_NOTIFY, 0)", dir);

	int pipefd[2];
	pipe(pipefd);
	rc = fc(pipefd[0], F_SETPIPE_SZ, 8192);
	expect_line(ret_text(rc), "fcntl(%d, F_SETPIPE_SZ, 8192)", pipefd[0]);
	rc = fc(pipefd[0], F_GETPIPE_SZ, 0);
	expect_line(ret_text(rc), "fcntl(%d, F_GETPIPE_SZ)", pipefd[0]);
	rc = fc(pipefd[0], F_SETPIPE_SZ, -1);
	expect_line(ret_text(rc), "fcntl(%d, F_SETPIPE_SZ, -1)", pipefd[0]);

	int mfd = memfd_create("sealed", MFD_ALLOW_SEALING);
	rc = fc(mfd, F_GET_SEALS, 0);
	expect_line(ret_text(rc), "fcntl(%d, F_GET_SEALS)", mfd);
	rc = fc(mfd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW);
	expect_line(ret_text(rc), "fcntl(%d, F_ADD_SEALS, F_SEAL_SHRINK|F_SEAL_GROW)", mfd);
	rc = fc(mfd, F_GET_SEALS, 0);
	expect_line(hex_text(rc, "seals F_SEAL_SHRINK|F_SEAL_GROW"), "fcntl(%d, F_GET_SEALS)", mfd);
	rc = fc(mfd, F_ADD_SEALS, F_SEAL_SEAL | 0x40);
	expect_line(ret_text(rc), "fcntl(%d, F_ADD_SEALS, F_SEAL_SEAL|0x40)", mfd);
	rc = fc(mfd, F_ADD_SEALS, 0x80);
	expect_line(ret_text(rc), "fcntl(%d, F_ADD_SEALS, 0x80 /* F_SEAL_??? */)", mfd);
	int plain = memfd_create("plain", 0);
	rc = fc(plain, F_GET_SEALS, 0);
	expect_line(hex_text(rc, "seals F_SEAL_SEAL"), "fcntl(%d, F_GET_SEALS)", plain);

	unlink("lockfile");
	expect_exit(0);
	return 0;
}
