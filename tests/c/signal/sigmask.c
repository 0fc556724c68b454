// sysrec-test: -e trace=rt_sigprocmask,rt_sigpending,rt_sigsuspend,rt_sigreturn,kill
/* Signal masks: rt_sigprocmask's how (unknown ones too), set and old set, NULL, unreadable,
 * sizes strace will not read (4, 16); rt_sigpending (any size from 1 byte up, counted in 32-bit
 * words); rt_sigsuspend woken by a pending signal, its delivery, and rt_sigreturn restoring the mask
 * sigsuspend replaced. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "../expect.h"

static const char *ret(long rc)
{
	static char buf[64];
	if (rc >= 0) {
		snprintf(buf, sizeof(buf), "= %ld", rc);
		return buf;
	}
	switch (errno) {
	case EINVAL: return "= -1 EINVAL (Invalid argument)";
	case EFAULT: return "= -1 EFAULT (Bad address)";
	case EINTR: return "= ? ERESTARTNOHAND (To be restarted if no handler)";
	default: return "= -1 E??? (unexpected)";
	}
}

static long mask(int how, void *set, void *old, unsigned long size)
{
	return syscall(SYS_rt_sigprocmask, how, set, old, size);
}

static void handler(int sig) { (void) sig; }

int main(void)
{
	unsigned long set = ~0ul, old = 0;
	long rc = mask(SIG_BLOCK, &set, NULL, 8);
	expect_line(ret(rc), "rt_sigprocmask(SIG_BLOCK, ~[], NULL, 8)");
	set = 0;
	rc = mask(SIG_SETMASK, &set, &old, 8);
	expect_line(ret(rc), "rt_sigprocmask(SIG_SETMASK, [], ~[KILL STOP], 8)");
	set = 0x55555555aaaaaaaaul;
	rc = mask(SIG_UNBLOCK, &set, NULL, 8);
	expect_line(ret(rc), "rt_sigprocmask(SIG_UNBLOCK, [INT ILL ABRT FPE USR1 USR2 ALRM STKFLT "
		    "CONT TSTP TTOU XCPU VTALRM WINCH PWR RTMIN RT_1 RT_3 RT_5 RT_7 RT_9 RT_11 RT_13 "
		    "RT_15 RT_17 RT_19 RT_21 RT_23 RT_25 RT_27 RT_29 RT_31], NULL, 8)");
	set = 0xffffffff;
	rc = mask(5, &set, &old, 8);
	expect_line(ret(rc), "rt_sigprocmask(0x5 /* SIG_??? */, [HUP INT QUIT ILL TRAP ABRT BUS FPE "
		    "KILL USR1 SEGV USR2 PIPE ALRM TERM STKFLT CHLD CONT STOP TSTP TTIN TTOU URG XCPU "
		    "XFSZ VTALRM PROF WINCH IO PWR SYS RTMIN], %p, 8)", (void *) &old);
	rc = mask(SIG_UNBLOCK, &set, NULL, 4);
	expect_line(ret(rc), "rt_sigprocmask(SIG_UNBLOCK, %p, NULL, 4)", (void *) &set);
	rc = mask(SIG_UNBLOCK, &set, &old, 16);
	expect_line(ret(rc), "rt_sigprocmask(SIG_UNBLOCK, %p, %p, 16)", (void *) &set, (void *) &old);
	rc = mask(SIG_BLOCK, (void *) 8, (void *) 16, 8);
	expect_line(ret(rc), "rt_sigprocmask(SIG_BLOCK, 0x8, 0x10, 8)");
	rc = mask(SIG_BLOCK, NULL, &old, 8);
	expect_line(ret(rc), "rt_sigprocmask(SIG_BLOCK, NULL, [], 8)");

	unsigned long pending = ~0ul;
	rc = syscall(SYS_rt_sigpending, &pending, 8);
	expect_line(ret(rc), "rt_sigpending([], 8)");
	rc = syscall(SYS_rt_sigpending, &pending, 3);
	expect_line(ret(rc), "rt_sigpending([], 3)");
	rc = syscall(SYS_rt_sigpending, &pending, 9);
	expect_line(ret(rc), "rt_sigpending(%p, 9)", (void *) &pending);
	rc = syscall(SYS_rt_sigpending, NULL, 8);
	expect_line(ret(rc), "rt_sigpending(NULL, 8)");

	signal(SIGUSR1, handler);
	set = 1ul << (SIGUSR1 - 1);
	rc = mask(SIG_BLOCK, &set, NULL, 8);
	expect_line(ret(rc), "rt_sigprocmask(SIG_BLOCK, [USR1], NULL, 8)");
	rc = kill(getpid(), SIGUSR1);
	expect_line(ret(rc), "kill(%d, SIGUSR1)", getpid());
	rc = syscall(SYS_rt_sigpending, &pending, 8);
	expect_line(ret(rc), "rt_sigpending([USR1], 8)");
	unsigned long wait_mask = 1ul << (SIGUSR2 - 1);
	rc = syscall(SYS_rt_sigsuspend, &wait_mask, 8);
	expect_line(ret(rc), "rt_sigsuspend([USR2], 8)");
	printf("--- SIGUSR1 {si_signo=SIGUSR1, si_code=SI_USER, si_pid=%d, si_uid=%u} ---\n",
	       getpid(), getuid());
	expect_line("= -1 EINTR (Interrupted system call)", "rt_sigreturn({mask=[USR1]})");
	rc = syscall(SYS_rt_sigsuspend, (void *) 1, 8);
	expect_line(ret(rc), "rt_sigsuspend(0x1, 8)");
	rc = syscall(SYS_rt_sigsuspend, &wait_mask, 4);
	expect_line(ret(rc), "rt_sigsuspend(%p, 4)", (void *) &wait_mask);
	expect_exit(0);
	return 0;
}
