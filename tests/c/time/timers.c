// sysrec-test: -e trace=timer_create,timer_settime,timer_gettime,timer_getoverrun,timer_delete,getitimer,setitimer,alarm,rt_sigreturn,pause
/* Timers: timer_create's sigevent (SIGEV_SIGNAL, SIGEV_NONE, SIGEV_THREAD, SIGEV_THREAD_ID,
 * unknown; sigev_value only when set) and the id written at exit; timer_settime with
 * TIMER_ABSTIME and the old value; timer_gettime, timer_getoverrun, timer_delete; a SI_TIMER
 * delivery; itimers (which, old value, NULL); alarm (an unsigned int: the high bits are not
 * shown). */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
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

static void handler(int sig) { (void) sig; }

int main(void)
{
	signal(SIGALRM, handler);
	struct sigevent sev;
	memset(&sev, 0, sizeof(sev));
	sev.sigev_notify = SIGEV_SIGNAL;
	sev.sigev_signo = SIGALRM;
	int id, first;
	long rc = syscall(SYS_timer_create, CLOCK_MONOTONIC, &sev, &first);
	expect_line(ret(rc), "timer_create(CLOCK_MONOTONIC, {sigev_signo=SIGALRM, "
		    "sigev_notify=SIGEV_SIGNAL}, [%d])", first);
	sev.sigev_value.sival_ptr = (void *) 0x1234;
	sev.sigev_notify = SIGEV_THREAD_ID;
	sev._sigev_un._tid = getpid();
	rc = syscall(SYS_timer_create, CLOCK_REALTIME, &sev, &id);
	expect_line(ret(rc), "timer_create(CLOCK_REALTIME, {sigev_value={sival_int=4660, "
		    "sival_ptr=0x1234}, sigev_signo=SIGALRM, sigev_notify=SIGEV_THREAD_ID, "
		    "sigev_notify_thread_id=%d}, [%d])", getpid(), id);
	sev.sigev_notify = SIGEV_NONE;
	sev.sigev_signo = 77;
	sev.sigev_value.sival_ptr = (void *) -1;
	rc = syscall(SYS_timer_create, CLOCK_BOOTTIME, &sev, &id);
	expect_line(ret(rc), "timer_create(CLOCK_BOOTTIME, {sigev_value={sival_int=-1, "
		    "sival_ptr=0xffffffffffffffff}, sigev_signo=77, sigev_notify=SIGEV_NONE}, [%d])", id);
	sev.sigev_notify = SIGEV_THREAD;
	sev.sigev_signo = SIGUSR1;
	sev.sigev_value.sival_ptr = NULL;
	sev._sigev_un._sigev_thread._function = (void *) 0x4567;
	sev._sigev_un._sigev_thread._attribute = NULL;
	rc = syscall(SYS_timer_create, CLOCK_REALTIME, &sev, &id);
	expect_line(ret(rc), "timer_create(CLOCK_REALTIME, {sigev_signo=SIGUSR1, "
		    "sigev_notify=SIGEV_THREAD, sigev_notify_function=0x4567, "
		    "sigev_notify_attributes=NULL}, [%d])", id);
	sev.sigev_notify = 9;
	rc = syscall(SYS_timer_create, CLOCK_REALTIME, &sev, &id);
	expect_line(ret(rc), "timer_create(CLOCK_REALTIME, {sigev_signo=10, "
		    "sigev_notify=0x9 /* SIGEV_??? */}, %p)", (void *) &id);
	rc = syscall(SYS_timer_create, CLOCK_REALTIME, NULL, &id);
	expect_line(ret(rc), "timer_create(CLOCK_REALTIME, NULL, [%d])", id);
	rc = syscall(SYS_timer_create, CLOCK_REALTIME, (void *) 1, &id);
	expect_line(ret(rc), "timer_create(CLOCK_REALTIME, 0x1, %p)", (void *) &id);

	struct itimerspec its = { { 0, 0 }, { 100, 0 } }, old;
	rc = syscall(SYS_timer_settime, first, 0, &its, &old);
	expect_line(ret(rc), "timer_settime(%d, 0, {it_interval={tv_sec=0, tv_nsec=0}, "
		    "it_value={tv_sec=100, tv_nsec=0}}, {it_interval={tv_sec=0, tv_nsec=0}, "
		    "it_value={tv_sec=0, tv_nsec=0}})", first);
	rc = syscall(SYS_timer_gettime, first, &old);
	expect_line(ret(rc), "timer_gettime(%d, {it_interval={tv_sec=0, tv_nsec=0}, "
		    "it_value={tv_sec=%lld, tv_nsec=%ld}})", first, (long long) old.it_value.tv_sec,
		    old.it_value.tv_nsec);
	its.it_value.tv_sec = 0;
	its.it_value.tv_nsec = 5000000;
	rc = syscall(SYS_timer_settime, first, 0, &its, NULL);
	expect_line(ret(rc), "timer_settime(%d, 0, {it_interval={tv_sec=0, tv_nsec=0}, "
		    "it_value={tv_sec=0, tv_nsec=5000000}}, NULL)", first);
	rc = pause();
	expect_line(ret(rc), "pause()");
	printf("--- SIGALRM {si_signo=SIGALRM, si_code=SI_TIMER, si_timerid=%#x, si_overrun=0, "
	       "si_int=0, si_ptr=NULL} ---\n", first);
	expect_line("= -1 EINTR (Interrupted system call)", "rt_sigreturn({mask=[]})");
	its.it_value.tv_nsec = 0; /* disarms */
	rc = syscall(SYS_timer_settime, first, TIMER_ABSTIME | 2, &its, &old);
	expect_line(ret(rc), "timer_settime(%d, TIMER_ABSTIME|0x2, {it_interval={tv_sec=0, "
		    "tv_nsec=0}, it_value={tv_sec=0, tv_nsec=0}}, {it_interval={tv_sec=0, "
		    "tv_nsec=0}, it_value={tv_sec=0, tv_nsec=0}})", first);
	rc = syscall(SYS_timer_settime, 999, 0, &its, &old);
	expect_line(ret(rc), "timer_settime(999, 0, {it_interval={tv_sec=0, tv_nsec=0}, "
		    "it_value={tv_sec=0, tv_nsec=0}}, %p)", (void *) &old);
	rc = syscall(SYS_timer_getoverrun, first);
	expect_line(ret(rc), "timer_getoverrun(%d)", first);
	rc = syscall(SYS_timer_delete, first);
	expect_line(ret(rc), "timer_delete(%d)", first);
	rc = syscall(SYS_timer_delete, -5);
	expect_line(ret(rc), "timer_delete(-5)");
	rc = syscall(SYS_timer_gettime, 999, &old);
	expect_line(ret(rc), "timer_gettime(999, %p)", (void *) &old);

	struct itimerval it = { { 1, 2 }, { 30, 4 } }, oit;
	rc = syscall(SYS_setitimer, ITIMER_VIRTUAL, &it, &oit);
	expect_line(ret(rc), "setitimer(ITIMER_VIRTUAL, {it_interval={tv_sec=1, tv_usec=2}, "
		    "it_value={tv_sec=30, tv_usec=4}}, {it_interval={tv_sec=0, tv_usec=0}, "
		    "it_value={tv_sec=0, tv_usec=0}})");
	rc = syscall(SYS_getitimer, ITIMER_VIRTUAL, &oit);
	expect_line(ret(rc), "getitimer(ITIMER_VIRTUAL, {it_interval={tv_sec=%lld, tv_usec=%ld}, "
		    "it_value={tv_sec=%lld, tv_usec=%ld}})", (long long) oit.it_interval.tv_sec,
		    oit.it_interval.tv_usec, (long long) oit.it_value.tv_sec, oit.it_value.tv_usec);
	rc = syscall(SYS_setitimer, ITIMER_VIRTUAL, NULL, NULL);
	expect_line(ret(rc), "setitimer(ITIMER_VIRTUAL, NULL, NULL)");
	rc = syscall(SYS_getitimer, 5, &oit);
	expect_line(ret(rc), "getitimer(0x5 /* ITIMER_??? */, %p)", (void *) &oit);
	rc = syscall(SYS_setitimer, ITIMER_PROF, (void *) 1, &oit);
	expect_line(ret(rc), "setitimer(ITIMER_PROF, 0x1, %p)", (void *) &oit);
	rc = syscall(SYS_alarm, 0xffffffff00000005ul);
	expect_line(ret(rc), "alarm(5)");
	rc = syscall(SYS_alarm, 0);
	expect_line(ret(rc), "alarm(0)");
	expect_exit(0);
	return 0;
}
