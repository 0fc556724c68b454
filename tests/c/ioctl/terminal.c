// sysrec-test: -e trace=ioctl
/* Terminal requests whose argument is a window size, an int behind a pointer (written by the
 * kernel: printed at exit; read by it: at entry), a constant, a plain int, modem lines or one
 * character; and requests strace names but does not decode (argument in hex). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <termios.h>
#include <unistd.h>
#include "../expect.h"

static const char *result(long rc)
{
	static char buf[64];
	if (rc >= 0) { snprintf(buf, sizeof buf, "= %ld", rc); return buf; }
	switch (errno) {
	case ENOTTY: return "= -1 ENOTTY (Inappropriate ioctl for device)";
	case EFAULT: return "= -1 EFAULT (Bad address)";
	case EINVAL: return "= -1 EINVAL (Invalid argument)";
	case EPERM: return "= -1 EPERM (Operation not permitted)";
	case EIO: return "= -1 EIO (Input/output error)";
	}
	return "= -1 E??? (unexpected)";
}

int main(void)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY), zero = 0, one = 1, v = -1;
	unsigned int n;
	long rc = ioctl(m, TIOCSPTLCK, &zero);
	expect_line(result(rc), "ioctl(%d, TIOCSPTLCK, [0])", m);
	rc = ioctl(m, TIOCGPTN, &n);
	expect_line(result(rc), "ioctl(%d, TIOCGPTN, [%u])", m, n);
	rc = ioctl(m, TIOCGPTN, (void *) 8);
	expect_line(result(rc), "ioctl(%d, TIOCGPTN, 0x8)", m);
	rc = ioctl(m, TIOCSPTLCK, NULL);
	expect_line(result(rc), "ioctl(%d, TIOCSPTLCK, NULL)", m);
	char name[32];
	snprintf(name, sizeof name, "/dev/pts/%u", n);
	int s = open(name, O_RDWR | O_NOCTTY);

	struct winsize w = {.ws_row = 24, .ws_col = 80, .ws_xpixel = 640, .ws_ypixel = 480};
	rc = ioctl(s, TIOCSWINSZ, &w);
	expect_line(result(rc), "ioctl(%d, TIOCSWINSZ, {ws_row=24, ws_col=80, ws_xpixel=640, "
		    "ws_ypixel=480})", s);
	memset(&w, 0, sizeof w);
	rc = ioctl(s, TIOCGWINSZ, &w);
	expect_line(result(rc), "ioctl(%d, TIOCGWINSZ, {ws_row=%u, ws_col=%u, ws_xpixel=%u, "
		    "ws_ypixel=%u})", s, w.ws_row, w.ws_col, w.ws_xpixel, w.ws_ypixel);
	rc = ioctl(0, TIOCGWINSZ, &w);
	expect_line(result(rc), "ioctl(0, TIOCGWINSZ, %p)", &w);

	/* Not our controlling terminal: the gets fail and print the address. */
	rc = ioctl(s, TIOCGPGRP, &v);
	expect_line(result(rc), "ioctl(%d, TIOCGPGRP, %p)", s, &v);
	rc = ioctl(s, TIOCGSID, &v);
	expect_line(result(rc), "ioctl(%d, TIOCGSID, %p)", s, &v);
	rc = ioctl(s, TIOCSPGRP, &one);
	expect_line(result(rc), "ioctl(%d, TIOCSPGRP, [1])", s);
	rc = ioctl(s, TIOCSCTTY, 0x100000000 | 7);
	expect_line(result(rc), "ioctl(%d, TIOCSCTTY, 7)", s);

	write(m, "hello\n", 6);
	rc = ioctl(s, FIONREAD, &v);
	expect_line(result(rc), "ioctl(%d, FIONREAD, [%d])", s, v);
	rc = ioctl(s, TIOCOUTQ, &v);
	expect_line(result(rc), "ioctl(%d, TIOCOUTQ, [%d])", s, v);
	rc = ioctl(s, FIONBIO, &one);
	expect_line(result(rc), "ioctl(%d, FIONBIO, [1])", s);
	rc = ioctl(s, FIONBIO, (void *) 16);
	expect_line(result(rc), "ioctl(%d, FIONBIO, 0x10)", s);
	rc = ioctl(s, TIOCGETD, &v);
	expect_line(result(rc), "ioctl(%d, TIOCGETD, [%d])", s, v);

	rc = ioctl(s, TCFLSH, TCIOFLUSH);
	expect_line(result(rc), "ioctl(%d, TCFLSH, TCIOFLUSH)", s);
	rc = ioctl(s, TCFLSH, 7);
	expect_line(result(rc), "ioctl(%d, TCFLSH, 0x7 /* TC??? */)", s);
	rc = ioctl(s, TCXONC, TCOON);
	expect_line(result(rc), "ioctl(%d, TCXONC, TCOON)", s);
	rc = ioctl(s, TCSBRK, 1);
	expect_line(result(rc), "ioctl(%d, TCSBRK, 1)", s);

	/* A pty has no modem lines. */
	rc = ioctl(s, TIOCMGET, &v);
	expect_line(result(rc), "ioctl(%d, TIOCMGET, %p)", s, &v);
	v = TIOCM_DTR | TIOCM_RTS | 0x10000;
	rc = ioctl(s, TIOCMBIS, &v);
	expect_line(result(rc), "ioctl(%d, TIOCMBIS, [TIOCM_DTR|TIOCM_RTS|0x10000])", s);
	rc = ioctl(s, TIOCMSET, &zero);
	expect_line(result(rc), "ioctl(%d, TIOCMSET, [0])", s);

	rc = ioctl(s, TIOCSTI, "x");
	expect_line(result(rc), "ioctl(%d, TIOCSTI, \"x\")", s);

	/* Named but not decoded: the argument in hex. The request is 32 bits wide. */
	rc = ioctl(m, TIOCGPKT, &v);
	expect_line(result(rc), "ioctl(%d, TIOCGPKT, %p)", m, &v);
	rc = syscall(SYS_ioctl, s, 0xffffffff00005401UL, NULL);
	expect_line(result(rc), "ioctl(%d, TCGETS, NULL)", s);
	expect_exit(0);
	return 0;
}
