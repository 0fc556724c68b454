// sysrec-test: -e trace=wait4,waitid
/* wait4 and waitid: every wait-status form, options, rusage (only when a child was reaped),
 * siginfo, and the failures. SIGCHLD stays blocked so no signal line interleaves. */
#include "process.h"
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>

static const char *ru_text(struct rusage *ru)
{
	static char buf[256];
	snprintf(buf, sizeof(buf), "{ru_utime={tv_sec=%ld, tv_usec=%ld}, ru_stime={tv_sec=%ld, tv_usec=%ld}, ...}",
		 ru->ru_utime.tv_sec, ru->ru_utime.tv_usec, ru->ru_stime.tv_sec, ru->ru_stime.tv_usec);
	return buf;
}

static pid_t child(int how)
{
	pid_t pid = fork();
	if (pid == 0) {
		if (how == 1)
			raise(SIGKILL);
		if (how == 2) {
			raise(SIGSTOP);
			for (;;)
				pause();
		}
		_exit(3);
	}
	return pid;
}

int main(void)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, NULL);
	int status;
	struct rusage ru;
	long rc;

	pid_t pid = child(0);
	rc = syscall(SYS_wait4, pid, &status, 0, &ru);
	expect_line(rv(rc), "wait4(%d, [{WIFEXITED(s) && WEXITSTATUS(s) == 3}], 0, %s)", pid, ru_text(&ru));

	pid = child(1);
	rc = syscall(SYS_wait4, -1, &status, __WALL, NULL);
	expect_line(rv(rc), "wait4(-1, [{WIFSIGNALED(s) && WTERMSIG(s) == SIGKILL}], __WALL, NULL)");

	pid = child(2);
	rc = syscall(SYS_wait4, pid, &status, WUNTRACED, NULL);
	expect_line(rv(rc), "wait4(%d, [{WIFSTOPPED(s) && WSTOPSIG(s) == SIGSTOP}], WSTOPPED, NULL)", pid);
	kill(pid, SIGCONT);
	rc = syscall(SYS_wait4, pid, &status, WCONTINUED, NULL);
	expect_line(rv(rc), "wait4(%d, [{WIFCONTINUED(s)}], WCONTINUED, NULL)", pid);
	kill(pid, SIGKILL);
	rc = syscall(SYS_wait4, pid, NULL, 0, NULL);
	expect_line(rv(rc), "wait4(%d, NULL, 0, NULL)", pid);

	rc = syscall(SYS_wait4, -1, &status, WNOHANG, &ru);
	expect_line(rv(rc), "wait4(-1, %p, WNOHANG, %p)", &status, &ru);
	rc = syscall(SYS_wait4, -1, &status, WNOHANG | 0x10, NULL);
	expect_line(rv(rc), "wait4(-1, %p, WNOHANG|0x10, NULL)", &status);
	rc = syscall(SYS_wait4, -1, &status, 0x100, NULL);
	expect_line(rv(rc), "wait4(-1, %p, 0x100 /* W??? */, NULL)", &status);

	/* a child that is still running: nothing reaped, the status is not written */
	pid = fork();
	if (pid == 0) {
		pause();
		_exit(0);
	}
	rc = syscall(SYS_wait4, pid, &status, WNOHANG | WNOWAIT, NULL);
	expect_line(rv(rc), "wait4(%d, %p, WNOHANG|WNOWAIT, NULL)", pid, &status);

	siginfo_t si;
	memset(&si, 0, sizeof(si));
	rc = syscall(SYS_waitid, P_PID, pid, &si, WEXITED | WNOHANG, NULL);
	expect_line(rv(rc), "waitid(P_PID, %d, {}, WNOHANG|WEXITED, NULL)", pid);
	kill(pid, SIGKILL);
	rc = syscall(SYS_waitid, P_ALL, 0, &si, WEXITED, &ru);
	expect_line(rv(rc), "waitid(P_ALL, 0, {si_signo=SIGCHLD, si_code=CLD_KILLED, si_pid=%d, si_uid=%u, si_status=SIGKILL, si_utime=%ld, si_stime=%ld}, WEXITED, %s)",
		    pid, si.si_uid, (long) si.si_utime, (long) si.si_stime, ru_text(&ru));

	pid = child(0);
	int pidfd = syscall(SYS_pidfd_open, pid, 0);
	rc = syscall(SYS_waitid, P_PIDFD, pidfd, &si, WEXITED, NULL);
	expect_line(rv(rc), "waitid(P_PIDFD, %d, {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=%d, si_uid=%u, si_status=3, si_utime=%ld, si_stime=%ld}, WEXITED, NULL)",
		    pidfd, pid, si.si_uid, (long) si.si_utime, (long) si.si_stime);
	rc = syscall(SYS_waitid, P_PGID, 0, &si, WEXITED, NULL);
	expect_line(rv(rc), "waitid(P_PGID, 0, %p, WEXITED, NULL)", &si);
	rc = syscall(SYS_waitid, 7, -1, NULL, 0, NULL);
	expect_line(rv(rc), "waitid(0x7 /* P_??? */, -1, NULL, 0, NULL)");
	expect_exit(0);
	return 0;
}
