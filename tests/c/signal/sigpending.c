// sysrec-test: -e trace=rt_sigpending
/* rt_sigpending with sizes below a word: strace counts the mask in whole 32-bit words, so with
 * 21 of the first word's 32 bits pending (2/3 reached) the inverted set also names the bits of the
 * byte the kernel did not write. Signals 1-24 stay blocked and pending until the exit (but for SIGCONT,
 * which the stop signals sent after it discard). */
#define _GNU_SOURCE
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "../expect.h"

int main(void)
{
	sigset_t all;
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, NULL);
	for (int sig = 1; sig <= 24; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			kill(getpid(), sig);
	unsigned long set = 0;
	long rc = syscall(SYS_rt_sigpending, &set, 3);
	expect_line(rc ? "= -1" : "= 0",
		    "rt_sigpending(~[KILL CONT STOP XFSZ VTALRM PROF WINCH IO PWR SYS RTMIN], 3)");
	rc = syscall(SYS_rt_sigpending, &set, 1);
	expect_line(rc ? "= -1" : "= 0", "rt_sigpending([HUP INT QUIT ILL TRAP ABRT BUS FPE], 1)");
	rc = syscall(SYS_rt_sigpending, &set, 8);
	expect_line(rc ? "= -1" : "= 0", "rt_sigpending([HUP INT QUIT ILL TRAP ABRT BUS FPE USR1 "
		    "SEGV USR2 PIPE ALRM TERM STKFLT CHLD TSTP TTIN TTOU URG XCPU], 8)");
	expect_exit(0);
	return 0;
}
