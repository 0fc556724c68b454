// sysrec-test: -e trace=nanosleep,clock_nanosleep,setitimer,rt_sigreturn
/* Sleeps: nanosleep and clock_nanosleep (TIMER_ABSTIME, unknown flags); the remaining time is
 * shown only when a signal cut the sleep short (an itimer's SIGALRM), and never for an absolute
 * sleep; otherwise the pointer's address. Bad values and pointers. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include "../expect.h"

static const char *ret(long rc)
{
	if (rc >= 0)
		return "= 0";
	switch (errno) {
	case EINVAL: return "= -1 EINVAL (Invalid argument)";
	case EFAULT: return "= -1 EFAULT (Bad address)";
	case EINTR: return "= ? ERESTART_RESTARTBLOCK (Interrupted by signal)";
	default: return "= -1 E??? (unexpected)";
	}
}

static void handler(int sig) { (void) sig; }

static void arm(void)
{
	struct itimerval it = { { 0, 0 }, { 0, 20000 } };
	long rc = syscall(SYS_setitimer, ITIMER_REAL, &it, NULL);
	expect_line(ret(rc), "setitimer(ITIMER_REAL, {it_interval={tv_sec=0, tv_usec=0}, "
		    "it_value={tv_sec=0, tv_usec=20000}}, NULL)");
}

static void alarmed(void)
{
	printf("--- SIGALRM {si_signo=SIGALRM, si_code=SI_KERNEL} ---\n");
	expect_line("= -1 EINTR (Interrupted system call)", "rt_sigreturn({mask=[]})");
}

int main(void)
{
	signal(SIGALRM, handler);
	struct timespec req = { 0, 1000 }, rem = { 7, 7 };
	long rc = syscall(SYS_nanosleep, &req, &rem);
	expect_line(ret(rc), "nanosleep({tv_sec=0, tv_nsec=1000}, %p)", (void *) &rem);
	rc = syscall(SYS_nanosleep, &req, NULL);
	expect_line(ret(rc), "nanosleep({tv_sec=0, tv_nsec=1000}, NULL)");
	req.tv_nsec = 1000000000;
	rc = syscall(SYS_nanosleep, &req, &rem);
	expect_line(ret(rc), "nanosleep({tv_sec=0, tv_nsec=1000000000}, %p)", (void *) &rem);
	rc = syscall(SYS_nanosleep, (void *) 1, &rem);
	expect_line(ret(rc), "nanosleep(0x1, %p)", (void *) &rem);

	req.tv_sec = 5;
	req.tv_nsec = 0;
	arm();
	rc = syscall(SYS_nanosleep, &req, &rem);
	expect_line(ret(rc), "nanosleep({tv_sec=5, tv_nsec=0}, {tv_sec=%lld, tv_nsec=%ld})",
		    (long long) rem.tv_sec, rem.tv_nsec);
	alarmed();

	req.tv_sec = 0;
	req.tv_nsec = 1000;
	rc = syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, &req, &rem);
	expect_line(ret(rc), "clock_nanosleep(CLOCK_MONOTONIC, 0, {tv_sec=0, tv_nsec=1000}, %p)",
		    (void *) &rem);
	rc = syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, TIMER_ABSTIME, &req, &rem);
	expect_line(ret(rc), "clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, "
		    "{tv_sec=0, tv_nsec=1000}, %p)", (void *) &rem);
	rc = syscall(SYS_clock_nanosleep, CLOCK_REALTIME, 6, &req, NULL);
	expect_line(ret(rc), "clock_nanosleep(CLOCK_REALTIME, 0x6 /* TIMER_??? */, "
		    "{tv_sec=0, tv_nsec=1000}, NULL)");
	rc = syscall(SYS_clock_nanosleep, 99, 0, &req, &rem);
	expect_line(ret(rc), "clock_nanosleep(0x63 /* CLOCK_??? */, 0, {tv_sec=0, tv_nsec=1000}, %p)",
		    (void *) &rem);

	req.tv_sec = 5;
	arm();
	rc = syscall(SYS_clock_nanosleep, CLOCK_BOOTTIME, 0, &req, &rem);
	expect_line(ret(rc), "clock_nanosleep(CLOCK_BOOTTIME, 0, {tv_sec=5, tv_nsec=1000}, "
		    "{tv_sec=%lld, tv_nsec=%ld})", (long long) rem.tv_sec, rem.tv_nsec);
	alarmed();

	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	req.tv_sec = now.tv_sec + 5;
	req.tv_nsec = 0;
	arm();
	errno = 0;
	rc = syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, TIMER_ABSTIME, &req, &rem);
	expect_line(errno == EINTR ? "= ? ERESTARTNOHAND (To be restarted if no handler)" : ret(rc),
		    "clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, {tv_sec=%lld, tv_nsec=0}, %p)",
		    (long long) req.tv_sec, (void *) &rem);
	alarmed();
	expect_exit(0);
	return 0;
}
