// sysrec-test: -e trace=rt_sigtimedwait,rt_sigprocmask,rt_tgsigqueueinfo
/* rt_sigtimedwait: the signal it returns (`= 10 (SIGUSR1)`), its siginfo at exit, a timeout
 * that expires (the info pointer then shows only its address), NULL info and timeout, bad
 * sizes and pointers. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include "../expect.h"

static const char *ret(long rc)
{
	static char buf[64];
	if (rc >= 0) {
		snprintf(buf, sizeof(buf), rc == SIGUSR1 ? "= %ld (SIGUSR1)" : "= %ld", rc);
		return buf;
	}
	switch (errno) {
	case EAGAIN: return "= -1 EAGAIN (Resource temporarily unavailable)";
	case EINVAL: return "= -1 EINVAL (Invalid argument)";
	case EFAULT: return "= -1 EFAULT (Bad address)";
	default: return "= -1 E??? (unexpected)";
	}
}

int main(void)
{
	int pid = getpid();
	unsigned uid = getuid();
	unsigned long set = 1ul << (SIGUSR1 - 1);
	long rc = syscall(SYS_rt_sigprocmask, SIG_BLOCK, &set, NULL, 8);
	expect_line(ret(rc), "rt_sigprocmask(SIG_BLOCK, [USR1], NULL, 8)");

	siginfo_t si, got;
	memset(&si, 0, sizeof(si));
	si.si_signo = SIGUSR1;
	si.si_code = SI_QUEUE;
	si.si_pid = pid;
	si.si_uid = uid;
	si.si_value.sival_ptr = (void *) 0x1234567890ul;
	char info[256];
	snprintf(info, sizeof(info), "{si_signo=SIGUSR1, si_code=SI_QUEUE, si_pid=%d, si_uid=%u, "
		 "si_int=878082192, si_ptr=0x1234567890}", pid, uid);
	rc = syscall(SYS_rt_tgsigqueueinfo, pid, pid, SIGUSR1, &si);
	expect_line(ret(rc), "rt_tgsigqueueinfo(%d, %d, SIGUSR1, %s)", pid, pid, info);

	struct timespec ts = { 0, 1000 };
	rc = syscall(SYS_rt_sigtimedwait, &set, &got, &ts, 8);
	expect_line(ret(rc), "rt_sigtimedwait([USR1], %s, {tv_sec=0, tv_nsec=1000}, 8)", info);
	rc = syscall(SYS_rt_sigtimedwait, &set, &got, &ts, 8);
	expect_line(ret(rc), "rt_sigtimedwait([USR1], %p, {tv_sec=0, tv_nsec=1000}, 8)",
		    (void *) &got);
	rc = syscall(SYS_rt_tgsigqueueinfo, pid, pid, SIGUSR1, &si);
	expect_line(ret(rc), "rt_tgsigqueueinfo(%d, %d, SIGUSR1, %s)", pid, pid, info);
	rc = syscall(SYS_rt_sigtimedwait, &set, NULL, NULL, 8);
	expect_line(ret(rc), "rt_sigtimedwait([USR1], NULL, NULL, 8)");
	rc = syscall(SYS_rt_sigtimedwait, &set, NULL, &ts, 8);
	expect_line(ret(rc), "rt_sigtimedwait([USR1], NULL, {tv_sec=0, tv_nsec=1000}, 8)");
	rc = syscall(SYS_rt_sigtimedwait, &set, &got, (void *) 1, 8);
	expect_line(ret(rc), "rt_sigtimedwait([USR1], %p, 0x1, 8)", (void *) &got);
	rc = syscall(SYS_rt_sigtimedwait, &set, &got, &ts, 16);
	expect_line(ret(rc), "rt_sigtimedwait(%p, %p, {tv_sec=0, tv_nsec=1000}, 16)",
		    (void *) &set, (void *) &got);
	expect_exit(0);
	return 0;
}
