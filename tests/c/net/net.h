/* Helpers shared by the network family's edge-case programs: the return text strace prints
 * for a call's result, from the program's own rc and errno. */
#ifndef SYSREC_NET_H
#define SYSREC_NET_H
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "../expect.h"

/* "= 0", "= 3", or "= -1 EBADF (Bad file descriptor)" for a raw syscall()'s result. */
static const char *ret_text(long rc)
{
	static char bufs[4][256];
	static int next;
	char *buf = bufs[next++ % 4];
	if (rc < 0)
		snprintf(buf, sizeof(bufs[0]), "= -1 %s (%s)", strerrorname_np(errno),
			 strerror(errno));
	else
		snprintf(buf, sizeof(bufs[0]), "= %ld", rc);
	return buf;
}

/* "= 0x1 (what)" for calls strace prints in hex with an explanation; errors as ret_text. */
static const char *hex_text(long rc, const char *what)
{
	static char bufs[4][256];
	static int next;
	char *buf = bufs[next++ % 4];
	if (rc < 0)
		return ret_text(rc);
	if (rc == 0)
		snprintf(buf, sizeof(bufs[0]), "= 0 (%s)", what);
	else
		snprintf(buf, sizeof(bufs[0]), "= %#lx (%s)", rc, what);
	return buf;
}
#endif
