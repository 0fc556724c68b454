// sysrec-test: -v -e trace=fstat,stat,getdents64,getdents,wait4,ioctl -s 8
/* -v: struct stat with every member (times with their local-time comments), getdents64's and
 * getdents' entries one by one (d_type before the name for the first, after it for the
 * second), a device's st_rdev, termios with c_line and every c_cc slot, struct rusage with its
 * fourteen counters. */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include "../expect.h"

struct kernel_stat {  /* x86-64 asm/stat.h */
	unsigned long st_dev, st_ino, st_nlink;
	unsigned int st_mode, st_uid, st_gid, pad0;
	unsigned long st_rdev;
	long st_size, st_blksize, st_blocks;
	unsigned long st_atime_, st_atime_nsec, st_mtime_, st_mtime_nsec, st_ctime_, st_ctime_nsec;
	long unused[3];
};

static const char *when(char *out, long long sec, long long nsec)
{
	time_t t = sec;
	struct tm tm;
	char date[64], zone[16];
	if (sec == 0 && nsec == 0)
		return strcpy(out, "");
	localtime_r(&t, &tm);
	strftime(date, sizeof(date), "%FT%T", &tm);
	strftime(zone, sizeof(zone), "%z", &tm);
	if (nsec)
		sprintf(out, " /* %s.%09lld%s */", date, nsec, zone);
	else
		sprintf(out, " /* %s%s */", date, zone);
	return out;
}

static const char *dev(char *out, unsigned long d)
{
	unsigned int ma = major(d), mi = minor(d);
	char a[16], b[16];
	sprintf(a, ma ? "%#x" : "0", ma);
	sprintf(b, mi ? "%#x" : "0", mi);
	sprintf(out, "makedev(%s, %s)", a, b);
	return out;
}

static const char *type_and_mode(char *out, unsigned int mode)
{
	const char *type = S_ISDIR(mode) ? "S_IFDIR" : S_ISREG(mode) ? "S_IFREG" : S_ISCHR(mode) ? "S_IFCHR" : "?";
	sprintf(out, "%s|%#o", type, mode & 0777);
	return out;
}

static void stat_line(const char *head, const struct kernel_stat *st, const char *tail)
{
	char d[64], m[64], a[96], mo[96], c[96], size[64];
	if (S_ISCHR(st->st_mode))
		sprintf(size, "st_rdev=%s", dev(d, st->st_rdev));
	else
		sprintf(size, "st_size=%ld", st->st_size);
	expect_line("= 0", "%s{st_dev=%s, st_ino=%lu, st_mode=%s, st_nlink=%lu, st_uid=%u, st_gid=%u, "
		    "st_blksize=%ld, st_blocks=%ld, %s, st_atime=%lu%s, st_atime_nsec=%lu, st_mtime=%lu%s, "
		    "st_mtime_nsec=%lu, st_ctime=%lu%s, st_ctime_nsec=%lu}%s", head, dev(d, st->st_dev), st->st_ino,
		    type_and_mode(m, st->st_mode), st->st_nlink, st->st_uid, st->st_gid, st->st_blksize,
		    st->st_blocks, size, st->st_atime_, when(a, st->st_atime_, st->st_atime_nsec), st->st_atime_nsec,
		    st->st_mtime_, when(mo, st->st_mtime_, st->st_mtime_nsec), st->st_mtime_nsec, st->st_ctime_,
		    when(c, st->st_ctime_, st->st_ctime_nsec), st->st_ctime_nsec, tail);
}

static const char *dtype(unsigned char t)
{
	switch (t) {
	case DT_DIR: return "DT_DIR";
	case DT_REG: return "DT_REG";
	case DT_LNK: return "DT_LNK";
	default: return "DT_???";
	}
}

static void entries(char *out, const char *buf, long n, int is64)
{
	char *p = out;
	p += sprintf(p, "[");
	for (long pos = 0; pos < n;) {
		const unsigned long *ino = (const void *) (buf + pos);
		unsigned short reclen = *(const unsigned short *) (buf + pos + 16);
		const char *name = buf + pos + (is64 ? 19 : 18);
		unsigned char type = is64 ? (unsigned char) buf[pos + 18] : (unsigned char) buf[pos + reclen - 1];
		p += sprintf(p, "%s{d_ino=%lu, d_off=%lu, d_reclen=%u, ", pos ? ", " : "", ino[0], ino[1], reclen);
		if (is64)
			p += sprintf(p, "d_type=%s, d_name=\"%s\"}", dtype(type), name);
		else
			p += sprintf(p, "d_name=\"%s\", d_type=%s}", name, dtype(type));
		pos += reclen;
	}
	sprintf(p, "]");
}

int main(void)
{
	static char out_buffer[1 << 16];
	setvbuf(stdout, out_buffer, _IOFBF, sizeof(out_buffer));  /* no fstat(1) at the first line */
	char wd[32], list[8192], buf[4096];
	struct kernel_stat st;
	long r;

	snprintf(wd, sizeof(wd), "w%d", getpid());
	mkdir(wd, 0700);
	chdir(wd);
	close(open("file", O_WRONLY | O_CREAT, 0640));
	mkdir("sub", 0750);
	symlink("file", "lnk");
	int dir = open(".", O_RDONLY | O_DIRECTORY);
	char head[64];

	r = syscall(SYS_fstat, dir, &st);
	sprintf(head, "fstat(%d, ", dir);
	stat_line(head, &st, ")");
	r = syscall(SYS_stat, "/dev/null", &st);  /* not newfstatat: localtime_r's tzfile uses that */
	stat_line("stat(\"/dev/null\", ", &st, ")");

	r = syscall(SYS_getdents64, dir, buf, sizeof(buf));
	entries(list, buf, r, 1);
	expect_line(expect_result(r), "getdents64(%d, %s, %zu)", dir, list, sizeof(buf));
	lseek(dir, 0, SEEK_SET);
	r = syscall(SYS_getdents, dir, buf, sizeof(buf));
	entries(list, buf, r, 0);
	expect_line(expect_result(r), "getdents(%d, %s, %zu)", dir, list, sizeof(buf));
	r = syscall(SYS_getdents64, dir, buf, sizeof(buf));
	expect_line(expect_result(r), "getdents64(%d, [], %zu)", dir, sizeof(buf));

	int controller = open("/dev/ptmx", O_RDWR | O_NOCTTY), unlock = 0;
	unsigned int number;
	r = syscall(SYS_ioctl, controller, TIOCSPTLCK, &unlock);
	expect_line(expect_result(r), "ioctl(%d, TIOCSPTLCK, [0])", controller);
	r = syscall(SYS_ioctl, controller, TIOCGPTN, &number);
	expect_line(expect_result(r), "ioctl(%d, TIOCGPTN, [%u])", controller, number);
	char terminal_path[32];
	snprintf(terminal_path, sizeof(terminal_path), "/dev/pts/%u", number);
	int terminal = open(terminal_path, O_RDWR | O_NOCTTY);
	struct termios tio;
	r = syscall(SYS_ioctl, terminal, TCGETS, &tio);
	char cc[1024], *p = cc;
	static const char *const names[] = {"VINTR", "VQUIT", "VERASE", "VKILL", "VEOF", "VTIME", "VMIN",
		"VSWTC", "VSTART", "VSTOP", "VSUSP", "VEOL", "VREPRINT", "VDISCARD", "VWERASE", "VLNEXT", "VEOL2"};
	for (int i = 0; i < 19; i++) {
		char idx[16];
		if (i < 17)
			strcpy(idx, names[i]);
		else
			sprintf(idx, "%d", i);
		p += sprintf(p, "%s[%s]=", i ? ", " : "", idx);
		p += sprintf(p, tio.c_cc[i] ? "%#x" : "0", tio.c_cc[i]);
	}
	expect_line("= 0", "ioctl(%d, TCGETS, {c_iflag=ICRNL|IXON, c_oflag=NL0|CR0|TAB0|BS0|VT0|FF0|OPOST|ONLCR, "
		    "c_cflag=B38400|CS8|CREAD, c_lflag=ISIG|ICANON|ECHO|ECHOE|ECHOK|IEXTEN|ECHOCTL|ECHOKE, "
		    "c_line=N_TTY, c_cc=[%s]})", terminal, cc);

	sigset_t chld;  /* no SIGCHLD line racing with wait4's */
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, NULL);
	pid_t child = fork();
	if (child == 0)
		_exit(3);
	struct rusage ru;
	int status;
	r = syscall(SYS_wait4, child, &status, 0, &ru);
	expect_line(expect_result(r), "wait4(%d, [{WIFEXITED(s) && WEXITSTATUS(s) == 3}], 0, {ru_utime={tv_sec=%ld, "
		    "tv_usec=%ld}, ru_stime={tv_sec=%ld, tv_usec=%ld}, ru_maxrss=%ld, ru_ixrss=%ld, ru_idrss=%ld, "
		    "ru_isrss=%ld, ru_minflt=%ld, ru_majflt=%ld, ru_nswap=%ld, ru_inblock=%ld, ru_oublock=%ld, "
		    "ru_msgsnd=%ld, ru_msgrcv=%ld, ru_nsignals=%ld, ru_nvcsw=%ld, ru_nivcsw=%ld})", child,
		    ru.ru_utime.tv_sec, ru.ru_utime.tv_usec, ru.ru_stime.tv_sec, ru.ru_stime.tv_usec, ru.ru_maxrss,
		    ru.ru_ixrss, ru.ru_idrss, ru.ru_isrss, ru.ru_minflt, ru.ru_majflt, ru.ru_nswap, ru.ru_inblock,
		    ru.ru_oublock, ru.ru_msgsnd, ru.ru_msgrcv, ru.ru_nsignals, ru.ru_nvcsw, ru.ru_nivcsw);

	unlink("file");
	unlink("lnk");
	rmdir("sub");
	chdir("..");
	rmdir(wd);
	expect_exit(0);
	return 0;
}
