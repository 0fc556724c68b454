/* What every edge-case program shares: print one expected strace line, padded as strace pads it
 * (`= ` at column 40, its -a default; at least one space), e.g.
 *     expect_line("= 0", "close(%d)", fd);
 * The program is linked statically, so the dynamic loader's calls do not appear. */
#ifndef SYSREC_EXPECT_H
#define SYSREC_EXPECT_H
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static void expect_line(const char *result, const char *fmt, ...)
{
	char call[8192];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(call, sizeof(call), fmt, ap);
	va_end(ap);
	int len = (int) strlen(call);
	printf("%s%*s%s\n", call, len < 40 ? 40 - len : 1, "", result);
	fflush(stdout);
}

/* strace's `= 3` or `= -1 ENOENT (No such file or directory)` for a raw syscall() result, the
 * error read from errno (glibc's errno names and messages are strace's). */
static const char *expect_result(long ret)
{
	static char result[128];
	if (ret >= 0)
		snprintf(result, sizeof(result), "= %ld", ret);
	else
		snprintf(result, sizeof(result), "= -1 %s (%s)", strerrorname_np(errno), strerror(errno));
	return result;
}

static void expect_exit(int status)
{
	printf("+++ exited with %d +++\n", status);
	fflush(stdout);
}
#endif
