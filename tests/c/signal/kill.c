// sysrec-test: -e trace=kill,tkill,tgkill,pidfd_send_signal,rt_tgsigqueueinfo,rt_sigreturn,pause,alarm
/* Sending signals: kill (process groups, signal 0, bad numbers), tkill, tgkill, rt_tgsigqueueinfo
 * with a value, pidfd_send_signal; each delivered signal's `--- SIG {...} ---` line (SI_USER,
 * SI_TKILL, SI_QUEUE, SI_KERNEL from alarm) and the rt_sigreturn after its handler; pause. */
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
	case EBADF: return "= -1 EBADF (Bad file descriptor)";
	case ESRCH: return "= -1 ESRCH (No such process)";
	case EINTR: return "= ? ERESTARTNOHAND (To be restarted if no handler)";
	default: return "= -1 E??? (unexpected)";
	}
}

static void handler(int sig) { (void) sig; }

static void delivered(const char *what)
{
	printf("--- %s ---\n", what);
	expect_line("= 0", "rt_sigreturn({mask=[]})");
}

int main(void)
{
	char buf[256];
	int pid = getpid();
	unsigned uid = getuid();
	signal(SIGUSR1, handler);
	signal(SIGALRM, handler);
	signal(SIGRTMIN + 1, handler);

	long rc = kill(pid, 0);
	expect_line(ret(rc), "kill(%d, 0)", pid);
	rc = kill(-pid, 0);
	expect_line(ret(rc), "kill(%d, 0)", -pid);
	rc = kill(pid, 65);
	expect_line(ret(rc), "kill(%d, 65)", pid);
	rc = kill(pid, SIGUSR1);
	expect_line(ret(rc), "kill(%d, SIGUSR1)", pid);
	snprintf(buf, sizeof(buf), "SIGUSR1 {si_signo=SIGUSR1, si_code=SI_USER, si_pid=%d, si_uid=%u}",
		 pid, uid);
	delivered(buf);

	rc = syscall(SYS_tkill, pid, SIGUSR1);
	expect_line(ret(rc), "tkill(%d, SIGUSR1)", pid);
	snprintf(buf, sizeof(buf), "SIGUSR1 {si_signo=SIGUSR1, si_code=SI_TKILL, si_pid=%d, "
		 "si_uid=%u}", pid, uid);
	delivered(buf);
	rc = syscall(SYS_tgkill, pid, pid, SIGRTMIN + 1);
	expect_line(ret(rc), "tgkill(%d, %d, SIGRT_3)", pid, pid);
	snprintf(buf, sizeof(buf), "SIGRT_3 {si_signo=SIGRT_3, si_code=SI_TKILL, si_pid=%d, "
		 "si_uid=%u}", pid, uid);
	delivered(buf);
	rc = syscall(SYS_tgkill, -1, -1, 0);
	expect_line(ret(rc), "tgkill(-1, -1, 0)");

	siginfo_t si;
	memset(&si, 0, sizeof(si));
	si.si_signo = SIGUSR1;
	si.si_code = SI_QUEUE;
	si.si_pid = pid;
	si.si_uid = uid;
	si.si_value.sival_int = 7;
	rc = syscall(SYS_rt_tgsigqueueinfo, pid, pid, SIGUSR1, &si);
	snprintf(buf, sizeof(buf), "{si_signo=SIGUSR1, si_code=SI_QUEUE, si_pid=%d, si_uid=%u, "
		 "si_int=7, si_ptr=0x7}", pid, uid);
	expect_line(ret(rc), "rt_tgsigqueueinfo(%d, %d, SIGUSR1, %s)", pid, pid, buf);
	char line[300];
	snprintf(line, sizeof(line), "SIGUSR1 %s", buf);
	delivered(line);

	rc = syscall(SYS_pidfd_send_signal, 1000, SIGUSR1, NULL, 0);
	expect_line(ret(rc), "pidfd_send_signal(1000, SIGUSR1, NULL, 0)");
	rc = syscall(SYS_pidfd_send_signal, -1, 0, &si, 0x10);
	expect_line(ret(rc), "pidfd_send_signal(-1, 0, %s, 0x10)", buf);

	rc = alarm(1);
	expect_line(ret(rc), "alarm(1)");
	rc = pause();
	expect_line(ret(rc), "pause()");
	printf("--- SIGALRM {si_signo=SIGALRM, si_code=SI_KERNEL} ---\n");
	expect_line("= -1 EINTR (Interrupted system call)", "rt_sigreturn({mask=[]})");
	expect_exit(0);
	return 0;
}
