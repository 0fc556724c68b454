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

/* n bytes as strace quotes them (without the quotes): printable ASCII as is, C escapes for
 * \t \n \v \f \r " \\, other bytes in octal (three digits when an octal digit follows). */
static const char *cquote(const unsigned char *p, size_t n)
{
	static char bufs[2][1024];
	static int next;
	char *buf = bufs[next++ % 2], *o = buf;
	for (size_t i = 0; i < n && o < buf + sizeof(bufs[0]) - 8; i++) {
		unsigned char c = p[i];
		if (c == '"' || c == '\\') {
			*o++ = '\\';
			*o++ = c;
		} else if (c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r') {
			*o++ = '\\';
			*o++ = c == '\t' ? 't' : c == '\n' ? 'n' : c == '\v' ? 'v' : c == '\f' ? 'f' : 'r';
		} else if (c >= 0x20 && c < 0x7f) {
			*o++ = c;
		} else if (i + 1 < n && p[i + 1] >= '0' && p[i + 1] <= '7') {
			o += sprintf(o, "\\%03o", c);
		} else {
			o += sprintf(o, "\\%o", c);
		}
	}
	*o = 0;
	return buf;
}
#endif
