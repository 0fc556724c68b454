// sysrec-test: -e trace=chmod,fchmod,fchmodat,chown,fchown,lchown,fchownat,umask,truncate,ftruncate,utimensat,utimes,utime,futimesat,mknod,mknodat
/* Modes in octal (%#03o of an unsigned short), owners (-1 stays -1), umask's octal return,
 * lengths, time pairs with their local-time comments (UTIME_NOW, UTIME_OMIT, the epoch without
 * one, NULL), mknod's symbolic mode and device. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include <utime.h>
#include "../expect.h"


/* strace's comment after a time stamp: local time, the fraction only when not zero */
static const char *when(char *out, long long sec, long long frac, int digits)
{
	time_t t = sec;
	struct tm tm;
	char date[64], zone[16];
	if (sec == 0 && frac == 0)
		return strcpy(out, "");
	localtime_r(&t, &tm);
	strftime(date, sizeof(date), "%FT%T", &tm);
	strftime(zone, sizeof(zone), "%z", &tm);
	if (frac)
		sprintf(out, " /* %s.%0*lld%s */", date, digits, frac, zone);
	else
		sprintf(out, " /* %s%s */", date, zone);
	return out;
}

int main(void)
{
	long r;
	char c1[80], c2[80], wd[32];

	/* a directory of its own: strace and sysrec run the program in the same place */
	snprintf(wd, sizeof(wd), "w%d", getpid());
	mkdir(wd, 0700);
	chdir(wd);
	int fd = open("file", O_WRONLY | O_CREAT, 0600);
	symlink("file", "lnk");

	r = syscall(SYS_chmod, "file", 0644);
	expect_line(expect_result(r), "chmod(\"file\", 0644)");
	r = syscall(SYS_chmod, "missing", 0);
	expect_line(expect_result(r), "chmod(\"missing\", 000)");
	r = syscall(SYS_fchmod, fd, 0x10000 | 04711);
	expect_line(expect_result(r), "fchmod(%d, 04711)", fd);
	r = syscall(SYS_fchmodat, AT_FDCWD, "file", 07);
	expect_line(expect_result(r), "fchmodat(AT_FDCWD, \"file\", 007)");
	r = syscall(SYS_chown, "file", 0, 0);
	expect_line(expect_result(r), "chown(\"file\", 0, 0)");
	r = syscall(SYS_fchown, fd, -1, 4294967294u);
	expect_line(expect_result(r), "fchown(%d, -1, 4294967294)", fd);
	r = syscall(SYS_lchown, "lnk", -1, -1);
	expect_line(expect_result(r), "lchown(\"lnk\", -1, -1)");
	r = syscall(SYS_fchownat, AT_FDCWD, "lnk", 1000, -1, AT_SYMLINK_NOFOLLOW);
	expect_line(expect_result(r), "fchownat(AT_FDCWD, \"lnk\", 1000, -1, AT_SYMLINK_NOFOLLOW)");
	r = syscall(SYS_fchownat, fd, "", 0, 0, AT_EMPTY_PATH);
	expect_line(expect_result(r), "fchownat(%d, \"\", 0, 0, AT_EMPTY_PATH)", fd);

	r = syscall(SYS_umask, 0);
	snprintf(c1, sizeof(c1), "= %#03lo", r);
	expect_line(c1, "umask(000)");
	r = syscall(SYS_umask, 027);
	expect_line("= 000", "umask(027)");
	r = syscall(SYS_umask, 0x10000 | 0777);
	expect_line("= 027", "umask(0777)");

	r = syscall(SYS_truncate, "file", 4096);
	expect_line(expect_result(r), "truncate(\"file\", 4096)");
	r = syscall(SYS_ftruncate, fd, 0);
	expect_line(expect_result(r), "ftruncate(%d, 0)", fd);
	r = syscall(SYS_ftruncate, fd, -1L);
	expect_line(expect_result(r), "ftruncate(%d, 18446744073709551615)", fd);

	struct timespec ts[2] = { { 1700000000, 123456789 }, { 1600000000, 0 } };
	r = syscall(SYS_utimensat, AT_FDCWD, "file", ts, 0);
	expect_line(expect_result(r), "utimensat(AT_FDCWD, \"file\", [{tv_sec=1700000000, tv_nsec=123456789}%s, {tv_sec=1600000000, tv_nsec=0}%s], 0)",
		    when(c1, 1700000000, 123456789, 9), when(c2, 1600000000, 0, 9));
	struct timespec special[2] = { { 5, UTIME_NOW }, { 0, UTIME_OMIT } };
	r = syscall(SYS_utimensat, fd, NULL, special, 0);
	expect_line(expect_result(r), "utimensat(%d, NULL, [UTIME_NOW, UTIME_OMIT], 0)", fd);
	struct timespec odd[2] = { { 0, 0 }, { 1, 1000000000 } };
	r = syscall(SYS_utimensat, AT_FDCWD, "lnk", odd, AT_SYMLINK_NOFOLLOW);
	expect_line(expect_result(r), "utimensat(AT_FDCWD, \"lnk\", [{tv_sec=0, tv_nsec=0}, {tv_sec=1, tv_nsec=1000000000}], AT_SYMLINK_NOFOLLOW)");
	r = syscall(SYS_utimensat, AT_FDCWD, "file", NULL, 0);
	expect_line(expect_result(r), "utimensat(AT_FDCWD, \"file\", NULL, 0)");
	r = syscall(SYS_utimensat, AT_FDCWD, "file", (void *) 8, 0);
	expect_line(expect_result(r), "utimensat(AT_FDCWD, \"file\", 0x8, 0)");

	struct timeval tv[2] = { { 1700000000, 5 }, { 0, 0 } };
	r = syscall(SYS_utimes, "file", tv);
	expect_line(expect_result(r), "utimes(\"file\", [{tv_sec=1700000000, tv_usec=5}%s, {tv_sec=0, tv_usec=0}])",
		    when(c1, 1700000000, 5, 6));
	r = syscall(SYS_utimes, "file", NULL);
	expect_line(expect_result(r), "utimes(\"file\", NULL)");
	struct timeval tv2[2] = { { 1234567890, 0 }, { 1234567891, 999999 } };
	r = syscall(SYS_futimesat, AT_FDCWD, "file", tv2);
	expect_line(expect_result(r), "futimesat(AT_FDCWD, \"file\", [{tv_sec=1234567890, tv_usec=0}%s, {tv_sec=1234567891, tv_usec=999999}%s])",
		    when(c1, 1234567890, 0, 6), when(c2, 1234567891, 999999, 6));
	struct utimbuf ub = { 1500000000, 0 };
	r = syscall(SYS_utime, "file", &ub);
	expect_line(expect_result(r), "utime(\"file\", {actime=1500000000%s, modtime=0})", when(c1, 1500000000, 0, 0));
	r = syscall(SYS_utime, "file", NULL);
	expect_line(expect_result(r), "utime(\"file\", NULL)");

	r = syscall(SYS_mknod, "fifo", S_IFIFO | 0644, 0);
	expect_line(expect_result(r), "mknod(\"fifo\", S_IFIFO|0644)");
	r = syscall(SYS_mknod, "null", S_IFCHR | 0666, makedev(1, 3));
	expect_line(expect_result(r), "mknod(\"null\", S_IFCHR|0666, makedev(0x1, 0x3))");
	r = syscall(SYS_mknodat, AT_FDCWD, "blk", S_IFBLK | S_ISUID | 0600, makedev(259, 0x12345));
	expect_line(expect_result(r), "mknodat(AT_FDCWD, \"blk\", S_IFBLK|S_ISUID|0600, makedev(0x103, 0x12345))");
	r = syscall(SYS_mknodat, AT_FDCWD, "plain", 0640, 0);
	expect_line(expect_result(r), "mknodat(AT_FDCWD, \"plain\", 0640)");
	r = syscall(SYS_mknodat, AT_FDCWD, "sock", S_IFSOCK | S_ISVTX | 0755, 0);
	expect_line(expect_result(r), "mknodat(AT_FDCWD, \"sock\", S_IFSOCK|S_ISVTX|0755)");
	expect_exit(0);
	return 0;
}
