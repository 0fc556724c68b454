// sysrec-test: -e trace=sigaltstack
/* sigaltstack: the new stack at entry, the old one at exit (NULL, disabled, in use), flags
 * (SS_AUTODISARM, unknown bits), NULL and unreadable pointers, an old stack not written because
 * the call failed. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "../expect.h"

static const char *ret(long rc)
{
	if (rc >= 0)
		return "= 0";
	switch (errno) {
	case EINVAL: return "= -1 EINVAL (Invalid argument)";
	case EFAULT: return "= -1 EFAULT (Bad address)";
	case ENOMEM: return "= -1 ENOMEM (Cannot allocate memory)";
	default: return "= -1 E??? (unexpected)";
	}
}

static char stack[65536];

int main(void)
{
	stack_t ss = { .ss_sp = stack, .ss_flags = 0, .ss_size = sizeof(stack) }, old;
	long rc = syscall(SYS_sigaltstack, NULL, &old);
	expect_line(ret(rc), "sigaltstack(NULL, {ss_sp=NULL, ss_flags=SS_DISABLE, ss_size=0})");
	rc = syscall(SYS_sigaltstack, &ss, &old);
	expect_line(ret(rc), "sigaltstack({ss_sp=%p, ss_flags=0, ss_size=65536}, "
		    "{ss_sp=NULL, ss_flags=SS_DISABLE, ss_size=0})", (void *) stack);
	ss.ss_flags = SS_ONSTACK | (1u << 31);
	rc = syscall(SYS_sigaltstack, &ss, &old);
	expect_line(ret(rc), "sigaltstack({ss_sp=%p, ss_flags=SS_ONSTACK|SS_AUTODISARM, "
		    "ss_size=65536}, {ss_sp=%p, ss_flags=0, ss_size=65536})",
		    (void *) stack, (void *) stack);
	ss.ss_flags = SS_DISABLE | 0x30;
	rc = syscall(SYS_sigaltstack, &ss, &old);
	expect_line(ret(rc), "sigaltstack({ss_sp=%p, ss_flags=SS_DISABLE|0x30, ss_size=65536}, %p)",
		    (void *) stack, (void *) &old);
	ss.ss_flags = 0x30;
	rc = syscall(SYS_sigaltstack, &ss, NULL);
	expect_line(ret(rc), "sigaltstack({ss_sp=%p, ss_flags=0x30 /* SS_??? */, ss_size=65536}, "
		    "NULL)", (void *) stack);
	ss.ss_flags = 0;
	ss.ss_size = 1;
	rc = syscall(SYS_sigaltstack, &ss, NULL);
	expect_line(ret(rc), "sigaltstack({ss_sp=%p, ss_flags=0, ss_size=1}, NULL)", (void *) stack);
	rc = syscall(SYS_sigaltstack, (void *) 1, (void *) 2);
	expect_line(ret(rc), "sigaltstack(0x1, 0x2)");
	expect_exit(0);
	return 0;
}
