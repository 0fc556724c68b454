// sysrec-test: -e trace=rt_sigaction
/* rt_sigaction: handlers (address, SIG_DFL, SIG_IGN, SIG_ERR), masks (plain, real-time, inverted),
 * sa_flags (known, unknown and 64-bit bits; sa_restorer only with SA_RESTORER), the old action
 * at exit, NULL, unreadable pointers, bad signal numbers and sizes, and a struct whose tail runs
 * into an unmapped page (strace reads 88 bytes: its sa_mask is 64 bytes long). */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "../expect.h"

struct k_sigaction { unsigned long handler, flags, restorer, mask; };

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
	default: return "= -1 E??? (unexpected)";
	}
}

static long sa(int sig, void *act, void *old, unsigned long size)
{
	return syscall(SYS_rt_sigaction, sig, act, old, size);
}

static void handler(int sig) { (void) sig; }

int main(void)
{
	struct k_sigaction act = { (unsigned long) handler, 0x14000000, 0x401000, 0 }, old;
	act.mask = 1ul << (SIGINT - 1) | 1ul << (SIGTERM - 1) | 1ul << (40 - 1);
	long rc = sa(SIGUSR1, &act, &old, 8);
	expect_line(ret(rc), "rt_sigaction(SIGUSR1, {sa_handler=%#lx, sa_mask=[INT TERM RT_8], "
		    "sa_flags=SA_RESTORER|SA_RESTART, sa_restorer=0x401000}, "
		    "{sa_handler=SIG_DFL, sa_mask=[], sa_flags=0}, 8)", act.handler);

	struct k_sigaction all = { 1, 0xfffffffe00000c07ul, 0x1234, ~0ul };
	rc = sa(SIGUSR1, &all, &old, 8);
	expect_line(ret(rc), "rt_sigaction(SIGUSR1, {sa_handler=SIG_IGN, sa_mask=~[], "
		    "sa_flags=SA_SIGINFO|SA_NOCLDSTOP|SA_NOCLDWAIT|0xfffffffe00000c00}, "
		    "{sa_handler=%#lx, sa_mask=[INT TERM RT_8], sa_flags=SA_RESTORER|SA_RESTART, "
		    "sa_restorer=0x401000}, 8)", act.handler);

	struct k_sigaction most = { (unsigned long) -1, 0x20000000, 0, ~0ul >> 1 & ~(1ul << 1) };
	rc = sa(SIGUSR1, &most, NULL, 8);
	expect_line(ret(rc), "rt_sigaction(SIGUSR1, {sa_handler=SIG_ERR, sa_mask=~[INT RT_32], "
		    "sa_flags=SA_INTERRUPT}, NULL, 8)");

	/* 42 of 64 signals set: the inverted form begins at two thirds */
	struct k_sigaction two_thirds = { 0, 0, 0, (1ul << 42) - 1 };
	rc = sa(SIGUSR2, &two_thirds, NULL, 8);
	expect_line(ret(rc), "rt_sigaction(SIGUSR2, {sa_handler=SIG_DFL, sa_mask=~[RT_11 RT_12 RT_13 "
		    "RT_14 RT_15 RT_16 RT_17 RT_18 RT_19 RT_20 RT_21 RT_22 RT_23 RT_24 RT_25 RT_26 RT_27 "
		    "RT_28 RT_29 RT_30 RT_31 RT_32], sa_flags=0}, NULL, 8)");
	struct k_sigaction fewer = { 0, 0x8000000, 0, (1ul << 41) - 1 };
	rc = sa(SIGUSR2, &fewer, NULL, 8);
	expect_line(ret(rc), "rt_sigaction(SIGUSR2, {sa_handler=SIG_DFL, sa_mask=[HUP INT QUIT ILL "
		    "TRAP ABRT BUS FPE KILL USR1 SEGV USR2 PIPE ALRM TERM STKFLT CHLD CONT STOP TSTP "
		    "TTIN TTOU URG XCPU XFSZ VTALRM PROF WINCH IO PWR SYS RTMIN RT_1 RT_2 RT_3 RT_4 "
		    "RT_5 RT_6 RT_7 RT_8 RT_9], sa_flags=SA_ONSTACK}, NULL, 8)");

	rc = sa(64, NULL, &old, 8);
	expect_line(ret(rc), "rt_sigaction(SIGRT_32, NULL, {sa_handler=SIG_DFL, sa_mask=[], "
		    "sa_flags=0}, 8)");
	rc = sa(65, NULL, &old, 8);
	expect_line(ret(rc), "rt_sigaction(65, NULL, %p, 8)", (void *) &old);
	rc = sa(0, NULL, &old, 8);
	expect_line(ret(rc), "rt_sigaction(0, NULL, %p, 8)", (void *) &old);
	rc = sa(-3, NULL, NULL, 8);
	expect_line(ret(rc), "rt_sigaction(-3, NULL, NULL, 8)");
	rc = sa(SIGINT, (void *) 1, (void *) 2, 8);
	expect_line(ret(rc), "rt_sigaction(SIGINT, 0x1, 0x2, 8)");
	rc = sa(SIGINT, &act, NULL, 7);
	expect_line(ret(rc), "rt_sigaction(SIGINT, {sa_handler=%#lx, sa_mask=[INT TERM RT_8], "
		    "sa_flags=SA_RESTORER|SA_RESTART, sa_restorer=0x401000}, NULL, 7)", act.handler);

	/* the kernel reads 32 bytes and succeeds; strace's 88-byte read fails */
	char *page = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(page + 4096, 4096);
	struct k_sigaction *tail = (void *) (page + 4096 - sizeof(*tail));
	memset(tail, 0, sizeof(*tail));
	rc = sa(SIGUSR2, tail, NULL, 8);
	expect_line(ret(rc), "rt_sigaction(SIGUSR2, %p, NULL, 8)", (void *) tail);
	expect_exit(0);
	return 0;
}
