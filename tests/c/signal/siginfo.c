// sysrec-test: -e trace=rt_sigqueueinfo
/* siginfo_t as an argument: every si_code family strace decodes, sent with rt_sigqueueinfo to a
 * process that does not exist (the kernel refuses; strace decodes the argument at entry):
 * fault addresses, SEGV_BNDERR bounds, SEGV_PKUERR keys, BUS_MCEERR address bits, SIGCHLD
 * status and times, SIGIO band and fd, SIGSYS syscall and arch, SI_TIMER, SI_QUEUE values,
 * unknown codes, si_errno, an empty siginfo, NULL and an unreadable pointer. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "../expect.h"

#define NOBODY 0x3fffffff

static const char *ret(long rc)
{
	if (rc >= 0)
		return "= 0";
	switch (errno) {
	case EPERM: return "= -1 EPERM (Operation not permitted)";
	case ESRCH: return "= -1 ESRCH (No such process)";
	case EINVAL: return "= -1 EINVAL (Invalid argument)";
	case EFAULT: return "= -1 EFAULT (Bad address)";
	default: return "= -1 E??? (unexpected)";
	}
}

static siginfo_t si;

static void fill(int signo, int code)
{
	memset(&si, 0, sizeof(si));
	si.si_signo = signo;
	si.si_code = code;
}

static void send(int sig, const char *signame, const char *fields)
{
	long rc = syscall(SYS_rt_sigqueueinfo, NOBODY, sig, &si);
	expect_line(ret(rc), "rt_sigqueueinfo(%d, %s, {%s})", NOBODY, signame, fields);
}

/* bytes of the union after the 16-byte head */
#define AT(off, type) (*(type *) ((char *) &si + 16 + (off)))

int main(void)
{
	fill(SIGSEGV, SEGV_MAPERR); si.si_addr = (void *) 0x1234;
	send(SIGSEGV, "SIGSEGV", "si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=0x1234");
	fill(SIGSEGV, SEGV_ACCERR); si.si_addr = NULL;
	send(SIGSEGV, "SIGSEGV", "si_signo=SIGSEGV, si_code=SEGV_ACCERR, si_addr=NULL");
	fill(SIGSEGV, SI_KERNEL);
	send(SIGSEGV, "SIGSEGV", "si_signo=SIGSEGV, si_code=SI_KERNEL, si_addr=NULL");
	fill(SIGSEGV, 3); AT(0, long) = 0x10; AT(16, long) = 0x20; AT(24, long) = 0x30;
	send(SIGSEGV, "SIGSEGV", "si_signo=SIGSEGV, si_code=SEGV_BNDERR, si_addr=0x10, "
	     "si_lower=0x20, si_upper=0x30");
	fill(SIGSEGV, 4); AT(0, long) = 0x10; AT(16, unsigned) = 7;
	send(SIGSEGV, "SIGSEGV", "si_signo=SIGSEGV, si_code=SEGV_PKUERR, si_addr=0x10, si_pkey=7");
	fill(SIGSEGV, 9);
	send(SIGSEGV, "SIGSEGV", "si_signo=SIGSEGV, si_code=SEGV_MTESERR, si_addr=NULL");
	fill(SIGSEGV, 10);
	send(SIGSEGV, "SIGSEGV", "si_signo=SIGSEGV, si_code=0xa, si_addr=NULL");
	fill(SIGBUS, BUS_ADRERR); si.si_addr = (void *) 0x7000;
	send(SIGBUS, "SIGBUS", "si_signo=SIGBUS, si_code=BUS_ADRERR, si_addr=0x7000");
	fill(SIGBUS, 4); AT(8, short) = 12;
	send(SIGBUS, "SIGBUS", "si_signo=SIGBUS, si_code=BUS_MCEERR_AR, si_addr=NULL, "
	     "si_addr_lsb=0xc");
	fill(SIGILL, ILL_ILLOPN); si.si_addr = (void *) 0x401000;
	send(SIGILL, "SIGILL", "si_signo=SIGILL, si_code=ILL_ILLOPN, si_addr=0x401000");
	fill(SIGILL, 9);
	send(SIGILL, "SIGILL", "si_signo=SIGILL, si_code=ILL_BADIADDR, si_addr=NULL");
	fill(SIGFPE, FPE_INTDIV);
	send(SIGFPE, "SIGFPE", "si_signo=SIGFPE, si_code=FPE_INTDIV, si_addr=NULL");
	fill(SIGFPE, 14);
	send(SIGFPE, "SIGFPE", "si_signo=SIGFPE, si_code=FPE_FLTUNK, si_addr=NULL");
	fill(SIGFPE, 15);
	send(SIGFPE, "SIGFPE", "si_signo=SIGFPE, si_code=FPE_CONDTRAP, si_addr=NULL");
	fill(SIGFPE, 9);
	send(SIGFPE, "SIGFPE", "si_signo=SIGFPE, si_code=0x9, si_addr=NULL");
	fill(SIGTRAP, TRAP_BRKPT); si.si_addr = (void *) 0x401001;
	send(SIGTRAP, "SIGTRAP", "si_signo=SIGTRAP, si_code=TRAP_BRKPT, si_addr=0x401001");
	fill(SIGTRAP, 6); AT(8, long) = 0x99;
	send(SIGTRAP, "SIGTRAP", "si_signo=SIGTRAP, si_code=TRAP_PERF, si_addr=NULL");
	fill(SIGCHLD, CLD_EXITED); si.si_pid = 77; si.si_uid = 1000; si.si_status = 3;
	si.si_utime = 250; si.si_stime = 0;
	send(SIGCHLD, "SIGCHLD", "si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=77, si_uid=1000, "
	     "si_status=3, si_utime=250 /* 2.50 s */, si_stime=0");
	fill(SIGCHLD, CLD_KILLED); si.si_pid = 77; si.si_status = SIGKILL; si.si_stime = 1;
	send(SIGCHLD, "SIGCHLD", "si_signo=SIGCHLD, si_code=CLD_KILLED, si_pid=77, si_uid=0, "
	     "si_status=SIGKILL, si_utime=0, si_stime=1 /* 0.01 s */");
	fill(SIGCHLD, CLD_STOPPED); si.si_pid = 77; si.si_uid = -1; si.si_status = 99;
	send(SIGCHLD, "SIGCHLD", "si_signo=SIGCHLD, si_code=CLD_STOPPED, si_pid=77, si_uid=-1, "
	     "si_status=99, si_utime=0, si_stime=0");
	fill(SIGIO, POLL_IN); si.si_band = 65; si.si_fd = 3;
	send(SIGIO, "SIGIO", "si_signo=SIGIO, si_code=POLL_IN, si_band=65, si_fd=3");
	fill(SIGIO, 7); si.si_band = 65;
	send(SIGIO, "SIGIO", "si_signo=SIGIO, si_code=0x7");
	fill(SIGSYS, 1); AT(0, long) = 0x401234; AT(8, int) = 39; AT(12, unsigned) = 0xc000003e;
	send(SIGSYS, "SIGSYS", "si_signo=SIGSYS, si_code=SYS_SECCOMP, si_call_addr=0x401234, "
	     "si_syscall=__NR_getpid, si_arch=AUDIT_ARCH_X86_64");
	fill(SIGSYS, 2); AT(8, int) = 5000; AT(12, unsigned) = 0xc00000b7;
	send(SIGSYS, "SIGSYS", "si_signo=SIGSYS, si_code=SYS_USER_DISPATCH, si_call_addr=NULL, "
	     "si_syscall=5000, si_arch=AUDIT_ARCH_AARCH64");
	fill(SIGSYS, 1); AT(8, int) = 39; AT(12, unsigned) = 0x1234;
	send(SIGSYS, "SIGSYS", "si_signo=SIGSYS, si_code=SYS_SECCOMP, si_call_addr=NULL, "
	     "si_syscall=39, si_arch=0x1234 /* AUDIT_ARCH_??? */");
	fill(SIGPROF, 1); si.si_pid = 5;
	send(SIGPROF, "SIGPROF", "si_signo=SIGPROF, si_code=0x1, si_pid=5, si_uid=0");
	fill(SIGUSR1, 3); si.si_value.sival_ptr = (void *) 0x1000000002ul;
	send(SIGUSR1, "SIGUSR1", "si_signo=SIGUSR1, si_code=0x3, si_int=2, si_ptr=0x1000000002");
	fill(SIGUSR1, 3);
	send(SIGUSR1, "SIGUSR1", "si_signo=SIGUSR1, si_code=0x3");

	fill(SIGUSR1, SI_USER); si.si_pid = 12; si.si_uid = 34;
	send(SIGUSR1, "SIGUSR1", "si_signo=SIGUSR1, si_code=SI_USER, si_pid=12, si_uid=34");
	fill(SIGUSR1, SI_TKILL); si.si_errno = EPERM;
	send(SIGUSR1, "SIGUSR1", "si_signo=SIGUSR1, si_code=SI_TKILL, si_errno=EPERM, si_pid=0, "
	     "si_uid=0");
	fill(SIGUSR1, SI_QUEUE); si.si_pid = 12; si.si_value.sival_int = -5;
	send(SIGUSR1, "SIGUSR1", "si_signo=SIGUSR1, si_code=SI_QUEUE, si_pid=12, si_uid=0, "
	     "si_int=-5, si_ptr=0xfffffffb");
	fill(SIGUSR1, SI_QUEUE); si.si_errno = 4000;
	send(SIGUSR1, "SIGUSR1", "si_signo=SIGUSR1, si_code=SI_QUEUE, si_errno=4000, si_pid=0, "
	     "si_uid=0");
	fill(SIGRTMIN, SI_TIMER); AT(0, int) = 3; AT(4, int) = 2; AT(8, long) = 0x10;
	send(SIGRTMIN, "SIGRT_2", "si_signo=SIGRT_2, si_code=SI_TIMER, si_timerid=0x3, "
	     "si_overrun=2, si_int=16, si_ptr=0x10");
	fill(SIGUSR2, SI_MESGQ); si.si_pid = 9; si.si_value.sival_ptr = (void *) 0x30;
	send(SIGUSR2, "SIGUSR2", "si_signo=SIGUSR2, si_code=SI_MESGQ, si_pid=9, si_uid=0, "
	     "si_int=48, si_ptr=0x30");
	fill(SIGIO, SI_SIGIO); si.si_band = -1; si.si_fd = 5;
	send(SIGIO, "SIGIO", "si_signo=SIGIO, si_code=SI_SIGIO, si_band=-1, si_fd=5");
	fill(SIGUSR2, -100);
	send(SIGUSR2, "SIGUSR2", "si_signo=SIGUSR2, si_code=0xffffff9c, si_pid=0, si_uid=0");
	fill(SIGUSR2, SI_ASYNCNL);
	send(SIGUSR2, "SIGUSR2", "si_signo=SIGUSR2, si_code=SI_ASYNCNL, si_pid=0, si_uid=0");
	fill(100, SI_USER);
	send(100, "100", "si_signo=100, si_code=SI_USER, si_pid=0, si_uid=0");
	fill(0, SI_QUEUE);
	send(SIGUSR2, "SIGUSR2", "");

	long rc = syscall(SYS_rt_sigqueueinfo, NOBODY, SIGUSR2, NULL);
	expect_line(ret(rc), "rt_sigqueueinfo(%d, SIGUSR2, NULL)", NOBODY);
	rc = syscall(SYS_rt_sigqueueinfo, NOBODY, SIGUSR2, (char *) &si + 64 * 1024 * 1024);
	expect_line(ret(rc), "rt_sigqueueinfo(%d, SIGUSR2, %p)", NOBODY,
		    (void *) ((char *) &si + 64 * 1024 * 1024));
	expect_exit(0);
	return 0;
}
