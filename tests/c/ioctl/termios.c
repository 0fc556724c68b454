// sysrec-test: -e trace=ioctl
/* struct termios, termios2 and termio on a pty: a get request prints the struct the kernel
 * wrote (at exit), a set request the one it was given (at entry); strace abbreviates each to
 * its four flag words. Zero flags print as nothing, XTABS wins over TAB3, the input speed
 * prints shifted, unknown bits in hex; NULL, an unreadable pointer and a failed get. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "../expect.h"

/* The kernel's layouts (glibc's struct termios differs). */
struct k_termios { unsigned c_iflag, c_oflag, c_cflag, c_lflag; unsigned char c_line, c_cc[19]; };
struct k_termios2 { struct k_termios t; unsigned c_ispeed, c_ospeed; };
struct k_termio { unsigned short c_iflag, c_oflag, c_cflag, c_lflag; unsigned char c_line, c_cc[8]; };
#define K_TCGETS2 0x802c542a
#define K_TCSETS2 0x402c542b

static const char *result(long rc)
{
	static char buf[64];
	if (rc >= 0) { snprintf(buf, sizeof buf, "= %ld", rc); return buf; }
	switch (errno) {
	case ENOTTY: return "= -1 ENOTTY (Inappropriate ioctl for device)";
	case EFAULT: return "= -1 EFAULT (Bad address)";
	case EINVAL: return "= -1 EINVAL (Invalid argument)";
	}
	return "= -1 E??? (unexpected)";
}

#define SANE "c_iflag=ICRNL|IXON, c_oflag=NL0|CR0|TAB0|BS0|VT0|FF0|OPOST|ONLCR, " \
	"c_cflag=B38400|CS8|CREAD, c_lflag=ISIG|ICANON|ECHO|ECHOE|ECHOK|IEXTEN|ECHOCTL|ECHOKE, ..."

int main(void)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY), unlock = 0;
	unsigned int n;
	long rc = ioctl(m, TIOCSPTLCK, &unlock);
	expect_line(result(rc), "ioctl(%d, TIOCSPTLCK, [0])", m);
	rc = ioctl(m, TIOCGPTN, &n);
	expect_line(result(rc), "ioctl(%d, TIOCGPTN, [%u])", m, n);
	char name[32];
	snprintf(name, sizeof name, "/dev/pts/%u", n);
	int s = open(name, O_RDWR | O_NOCTTY);
	int null = open("/dev/null", O_RDONLY);
	struct k_termios t;
	memset(&t, 0, sizeof t);
	t.c_iflag = 0x100 | 0x400;       /* ICRNL|IXON */
	t.c_oflag = 0x1 | 0x4;           /* OPOST|ONLCR */
	t.c_cflag = 0xf | 0x30 | 0x80;   /* B38400|CS8|CREAD */
	t.c_lflag = 0x1 | 0x2 | 0x8 | 0x10 | 0x20 | 0x8000 | 0x200 | 0x800;
	rc = ioctl(s, 0x5402 /* TCSETS */, &t);
	expect_line(result(rc), "ioctl(%d, SNDCTL_TMR_START or TCSETS, {" SANE "})", s);
	rc = ioctl(s, 0x5401 /* TCGETS */, &t);
	expect_line(result(rc), "ioctl(%d, TCGETS, {" SANE "})", s);

	/* Odd values, printed as given (TCSETSW: the same struct, other name). */
	struct k_termios odd = t;
	odd.c_iflag = 0;
	odd.c_oflag = 0x100 | 0x600 | 0x1800 | 0x2000 | 0x4000 | 0x8000 | 0x2 | 0x10000;
	odd.c_cflag = 0x1002 | (0xe << 16) | 0x10 | 0x40 | 0x100 | 0x200 | 0x80000000 | 0x20000000;
	odd.c_lflag = 0x4 | 0x40 | 0x80 | 0x100 | 0x400 | 0x1000 | 0x4000 | 0x10000 | 0x100000;
	rc = ioctl(null, 0x5403 /* TCSETSW */, &odd);
	expect_line(result(rc), "ioctl(%d, SNDCTL_TMR_STOP or TCSETSW, {c_iflag=, "
		    "c_oflag=NL1|CR3|XTABS|BS1|VT1|FF1|OLCUC|0x10000, "
		    "c_cflag=B115200|B19200<<IBSHIFT|CS6|CSTOPB|PARENB|PARODD|CRTSCTS|0x20000000, "
		    "c_lflag=XCASE|ECHONL|NOFLSH|ECHOPRT|FLUSHO|PENDIN|TOSTOP|EXTPROC|0x100000, ...})",
		    null);
	odd.c_cflag = 0x1000 | 0x20; odd.c_oflag = 0x800 | 0x200; odd.c_lflag = 0;
	rc = ioctl(null, 0x5404 /* TCSETSF */, &odd);
	expect_line(result(rc), "ioctl(%d, SNDCTL_TMR_CONTINUE or TCSETSF, {c_iflag=, "
		    "c_oflag=NL0|CR1|TAB1|BS0|VT0|FF0|, c_cflag=BOTHER|CS7|, c_lflag=, ...})", null);

	/* A failed get prints the address; a set prints what it read, or the address. */
	rc = ioctl(null, 0x5401, &t);
	expect_line(result(rc), "ioctl(%d, TCGETS, %p)", null, &t);
	rc = ioctl(s, 0x5401, NULL);
	expect_line(result(rc), "ioctl(%d, TCGETS, NULL)", s);
	rc = ioctl(s, 0x5402, (void *) 1);
	expect_line(result(rc), "ioctl(%d, SNDCTL_TMR_START or TCSETS, 0x1)", s);

	/* termios2 carries the speeds too; abbreviated the same way. */
	struct k_termios2 t2;
	rc = ioctl(s, K_TCGETS2, &t2);
	expect_line(result(rc), "ioctl(%d, TCGETS2, {" SANE "})", s);
	rc = ioctl(s, K_TCSETS2, &t2);
	expect_line(result(rc), "ioctl(%d, TCSETS2, {" SANE "})", s);

	/* The old struct termio, 16-bit flags. */
	struct k_termio old;
	rc = ioctl(s, 0x5405 /* TCGETA */, &old);
	expect_line(result(rc), "ioctl(%d, TCGETA, {" SANE "})", s);
	rc = ioctl(null, 0x5406 /* TCSETA */, &old);
	expect_line(result(rc), "ioctl(%d, TCSETA, {" SANE "})", null);
	expect_exit(0);
	return 0;
}
