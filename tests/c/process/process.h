/* What the process-family programs share: the `= ...` text of a raw syscall's result, the fs
 * base (the start-up's arch_prctl), strace's text of a resource limit. */
#ifndef SYSREC_PROCESS_H
#define SYSREC_PROCESS_H
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "../expect.h"

/* `= 5` or `= -1 EPERM (Operation not permitted)` for what syscall() returned. */
static const char *rv(long rc)
{
	static char buf[256];
	if (rc == -1)
		snprintf(buf, sizeof(buf), "= -1 %s (%s)", strerrorname_np(errno), strerror(errno));
	else
		snprintf(buf, sizeof(buf), "= %ld", rc);
	return buf;
}

/* Like rv(), but a success prints in hex (personality). */
static const char *rv_hex(long rc, const char *aux)
{
	static char buf[256];
	if (rc == -1)
		return rv(rc);
	if (rc)
		snprintf(buf, sizeof(buf), "= %#lx (%s)", rc, aux);
	else
		snprintf(buf, sizeof(buf), "= 0 (%s)", aux);
	return buf;
}

static unsigned long fs_base(void)
{
	unsigned long fs;
	__asm__("mov %%fs:0, %0" : "=r"(fs));
	return fs;
}

/* `8192*1024`, `RLIM64_INFINITY` or `1000`, as strace prints a limit. */
static const char *rlim_text(unsigned long long v, char *buf, size_t size)
{
	if (v == ~0ULL)
		snprintf(buf, size, "RLIM64_INFINITY");
	else if (v > 1024 && v % 1024 == 0)
		snprintf(buf, size, "%llu*1024", v / 1024);
	else
		snprintf(buf, size, "%llu", v);
	return buf;
}

#endif
