// sysrec-test: -e trace=arch_prctl,set_tid_address,set_robust_list,get_robust_list,rseq
/* A thread's start-up calls, the ones glibc makes before main() included (their values are
 * recomputed here), then arch_prctl's get/set forms, robust lists and rseq's raw arguments. */
#include "process.h"
#include <asm/prctl.h>
#include <linux/rseq.h>

extern const int __rseq_offset;

int main(void)
{
	unsigned long fs = fs_base();
	void *tidaddr = NULL;
	syscall(SYS_prctl, PR_GET_TID_ADDRESS, &tidaddr, 0, 0, 0);
	expect_line("= 0", "arch_prctl(ARCH_SET_FS, %#lx)", fs);
	expect_line(rv(syscall(SYS_gettid)), "set_tid_address(%p)", tidaddr);

	void *head = NULL;
	size_t len = 0;
	long rc = syscall(SYS_get_robust_list, 0, &head, &len);
	expect_line("= 0", "set_robust_list(%p, %zu)", head, len);
	expect_line("= 0", "rseq(%#lx, %#zx, 0, 0x53053053)", fs + __rseq_offset, sizeof(struct rseq));
	expect_line(rv(rc), "get_robust_list(0, [%p], [%zu])", head, len);
	rc = syscall(SYS_get_robust_list, 0, NULL, &len);
	expect_line(rv(rc), "get_robust_list(0, NULL, %p)", &len);
	rc = syscall(SYS_get_robust_list, -1, &head, &len);
	expect_line(rv(rc), "get_robust_list(-1, %p, %p)", &head, &len);

	rc = syscall(SYS_set_tid_address, tidaddr);
	expect_line(rv(rc), "set_tid_address(%p)", tidaddr);
	rc = syscall(SYS_set_robust_list, head, len);
	expect_line(rv(rc), "set_robust_list(%p, %zu)", head, len);
	rc = syscall(SYS_set_robust_list, NULL, 1);
	expect_line(rv(rc), "set_robust_list(NULL, 1)");
	rc = syscall(SYS_rseq, NULL, 0, 0, 0);
	expect_line(rv(rc), "rseq(0, 0, 0, 0)");
	rc = syscall(SYS_rseq, 0x1000, 0x20, 1, 0xabcd);
	expect_line(rv(rc), "rseq(0x1000, 0x20, 0x1, 0xabcd)");

	unsigned long v = 1;
	rc = syscall(SYS_arch_prctl, ARCH_GET_FS, &v);
	expect_line(rv(rc), "arch_prctl(ARCH_GET_FS, [%#lx])", v);
	rc = syscall(SYS_arch_prctl, ARCH_SET_FS, fs);
	expect_line(rv(rc), "arch_prctl(ARCH_SET_FS, %#lx)", fs);
	rc = syscall(SYS_arch_prctl, ARCH_SET_GS, 0);
	expect_line(rv(rc), "arch_prctl(ARCH_SET_GS, 0)");
	rc = syscall(SYS_arch_prctl, ARCH_GET_GS, &v);
	expect_line(rv(rc), "arch_prctl(ARCH_GET_GS, [NULL])");
	rc = syscall(SYS_arch_prctl, ARCH_GET_FS, 8);
	expect_line(rv(rc), "arch_prctl(ARCH_GET_FS, 0x8)");
	rc = syscall(SYS_arch_prctl, ARCH_GET_CPUID, 0);
	expect_line(rv(rc), "arch_prctl(ARCH_GET_CPUID)");
	rc = syscall(SYS_arch_prctl, 0x3001, 0x1234);
	expect_line(rv(rc), "arch_prctl(0x3001 /* ARCH_??? */, 0x1234)");
	expect_exit(0);
	return 0;
}
