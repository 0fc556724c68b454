// sysrec-test: -e trace=sync
/* Signals the kernel raises, as `--- SIG {...} ---` lines: SIGSEGV (SEGV_MAPERR, SEGV_ACCERR,
 * SI_KERNEL for a non-canonical address), SIGBUS past the end of a file mapping, SIGFPE
 * (FPE_INTDIV, FPE_FLTDIV), SIGILL (ud2), SIGTRAP (int3), SIGSYS from a seccomp filter, SIGCHLD
 * from children that exit and are killed. The handler records si_addr, which the program could
 * not know before. */
#define _GNU_SOURCE
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <setjmp.h>
#include <signal.h>
#include <stddef.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "../expect.h"

static sigjmp_buf back;
static siginfo_t seen;

static void on_fault(int sig, siginfo_t *info, void *ctx)
{
	(void) sig; (void) ctx;
	seen = *info;
	siglongjmp(back, 1);
}

static void on_child(int sig, siginfo_t *info, void *ctx)
{
	(void) sig; (void) ctx;
	seen = *info;
}

static void catch(int sig, void (*fn)(int, siginfo_t *, void *))
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = fn;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigaction(sig, &sa, NULL);
}

static void addr_line(const char *sig, const char *code)
{
	if (seen.si_addr)
		printf("--- %s {si_signo=%s, si_code=%s, si_addr=%p} ---\n", sig, sig, code, seen.si_addr);
	else
		printf("--- %s {si_signo=%s, si_code=%s, si_addr=NULL} ---\n", sig, sig, code);
}

static volatile int zero;
static volatile double fzero;

int main(void)
{
	int sigs[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGSYS };
	for (unsigned i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		catch(sigs[i], on_fault);

	if (!sigsetjmp(back, 1))
		*(volatile int *) 0x10 = 1;
	addr_line("SIGSEGV", "SEGV_MAPERR");

	char *ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!sigsetjmp(back, 1))
		*(volatile char *) (ro + 8) = 1;
	addr_line("SIGSEGV", "SEGV_ACCERR");

	if (!sigsetjmp(back, 1))
		(void) *(volatile long *) 0x8000000000000000ul;
	addr_line("SIGSEGV", "SI_KERNEL");

	int fd = memfd_create("empty", 0);
	char *past = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
	if (!sigsetjmp(back, 1))
		(void) *(volatile char *) (past + 16);
	addr_line("SIGBUS", "BUS_ADRERR");

	if (!sigsetjmp(back, 1))
		zero = 100 / zero;
	addr_line("SIGFPE", "FPE_INTDIV");

	unsigned mxcsr;
	__asm__ volatile("stmxcsr %0" : "=m"(mxcsr));
	mxcsr &= ~(1u << 9); /* unmask divide-by-zero */
	__asm__ volatile("ldmxcsr %0" : : "m"(mxcsr));
	if (!sigsetjmp(back, 1))
		fzero = 1.0 / fzero;
	addr_line("SIGFPE", "FPE_FLTDIV");

	if (!sigsetjmp(back, 1))
		__asm__ volatile("ud2");
	addr_line("SIGILL", "ILL_ILLOPN");

	if (!sigsetjmp(back, 1))
		__asm__ volatile("int3");
	addr_line("SIGTRAP", "SI_KERNEL");

	struct sock_filter filter[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_getppid, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { sizeof(filter) / sizeof(filter[0]), filter };
	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog);
	if (!sigsetjmp(back, 1))
		syscall(__NR_getppid);
	printf("--- SIGSYS {si_signo=SIGSYS, si_code=SYS_SECCOMP, si_call_addr=%p, "
	       "si_syscall=__NR_getppid, si_arch=AUDIT_ARCH_X86_64} ---\n", seen.si_call_addr);

	catch(SIGCHLD, on_child);
	pid_t child = fork();
	if (child == 0)
		_exit(3);
	waitpid(child, NULL, 0);
	printf("--- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=%d, si_uid=%u, "
	       "si_status=3, si_utime=0, si_stime=0} ---\n", child, getuid());
	child = fork();
	if (child == 0)
		for (;;)
			pause();
	kill(child, SIGTERM);
	waitpid(child, NULL, 0);
	printf("--- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_KILLED, si_pid=%d, si_uid=%u, "
	       "si_status=SIGTERM, si_utime=0, si_stime=0} ---\n", child, getuid());
	expect_exit(0);
	return 0;
}
