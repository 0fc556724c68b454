/* What the mem programs share: a syscall's result as strace prints it after `= `. */
#ifndef SYSREC_MEM_H
#define SYSREC_MEM_H
#include <errno.h>
#include <stdio.h>
#include <string.h>

static const char *errno_name(int e)
{
	switch (e) {
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case EINTR: return "EINTR";
	case EBADF: return "EBADF";
	case EAGAIN: return "EAGAIN";
	case ENOMEM: return "ENOMEM";
	case EFAULT: return "EFAULT";
	case EBUSY: return "EBUSY";
	case EEXIST: return "EEXIST";
	case EINVAL: return "EINVAL";
	case ENOSPC: return "ENOSPC";
	case ENOSYS: return "ENOSYS";
	case ESRCH: return "ESRCH";
	case EDEADLK: return "EDEADLK";
	case ETIMEDOUT: return "ETIMEDOUT";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case ENXIO: return "ENXIO";
	case EBADFD: return "EBADFD";
	default: return "E???";
	}
}

/* `= 0`, `= 0x7f1234560000` (hex), or `= -1 EINVAL (Invalid argument)`. */
static const char *result_fmt(long rc, int hex)
{
	static char buf[256];
	if (rc == -1)
		snprintf(buf, sizeof(buf), "= -1 %s (%s)", errno_name(errno), strerror(errno));
	else if (hex && rc)
		snprintf(buf, sizeof(buf), "= %#lx", (unsigned long) rc);
	else
		snprintf(buf, sizeof(buf), "= %ld", rc);
	return buf;
}
#define result(rc) result_fmt((long) (rc), 0)
#define result_hex(rc) result_fmt((long) (rc), 1)
#endif
