// sysrec-test: -e trace=prctl,arch_prctl
/* prctl and arch_prctl options whose arguments differ from the plain hex list: unaligned
 * access and FP mode flags, options that take no argument (x86-64 refuses them all), and
 * arch_prctl's XSAVE feature masks, printed as a number with the names in a comment. */
#include "process.h"
#include <asm/prctl.h>

#ifndef ARCH_GET_XCOMP_SUPP
# define ARCH_GET_XCOMP_SUPP 0x1021
# define ARCH_GET_XCOMP_PERM 0x1022
# define ARCH_REQ_XCOMP_PERM 0x1023
#endif

/* strace's verbose flags: `0x7 /* XFEATURE_MASK_FPSSE|XFEATURE_MASK_YMM *\/`, greedy in
 * table order (the combined masks first), leftover bits in hex. */
static const char *xfeatures(unsigned long v)
{
	static const struct { unsigned long mask; const char *name; } table[] = {
		{0x3, "XFEATURE_MASK_FPSSE"}, {0x1, "XFEATURE_MASK_FP"}, {0x2, "XFEATURE_MASK_SSE"},
		{0x4, "XFEATURE_MASK_YMM"}, {0x8, "XFEATURE_MASK_BNDREGS"},
		{0x10, "XFEATURE_MASK_BNDCSR"}, {0xe0, "XFEATURE_MASK_AVX512"},
		{0x20, "XFEATURE_MASK_OPMASK"}, {0x40, "XFEATURE_MASK_ZMM_Hi256"},
		{0x80, "XFEATURE_MASK_Hi16_ZMM"}, {0x100, "XFEATURE_MASK_PT"},
		{0x200, "XFEATURE_MASK_PKRU"}, {0x400, "XFEATURE_MASK_PASID"},
		{0x8000, "XFEATURE_MASK_LBR"}, {0x60000, "XFEATURE_MASK_XTILE"},
		{0x20000, "XFEATURE_MASK_XTILE_CFG"}, {0x40000, "XFEATURE_MASK_XTILE_DATA"},
	};
	static char buf[512];
	if (!v)
		return "0";
	int n = snprintf(buf, sizeof(buf), "%#lx /* ", v);
	const char *sep = "";
	unsigned long rest = v;
	for (size_t k = 0; k < sizeof(table) / sizeof(table[0]); k++)
		if ((rest & table[k].mask) == table[k].mask) {
			n += snprintf(buf + n, sizeof(buf) - n, "%s%s", sep, table[k].name);
			sep = "|";
			rest &= ~table[k].mask;
		}
	if (rest == v)
		n += snprintf(buf + n, sizeof(buf) - n, "XFEATURE_MASK_???");
	else if (rest)
		n += snprintf(buf + n, sizeof(buf) - n, "|%#lx", rest);
	snprintf(buf + n, sizeof(buf) - n, " */");
	return buf;
}

int main(void)
{
	long rc;
	int word = 0;
	unsigned long mask = 0;

	expect_line("= 0", "arch_prctl(ARCH_SET_FS, %#lx)", fs_base());  /* glibc's start-up */

	rc = syscall(SYS_prctl, PR_GET_UNALIGN, &word, 0, 0, 0);
	if (rc == 0)
		expect_line(rv(rc), "prctl(PR_GET_UNALIGN, [%d])", word);
	else
		expect_line(rv(rc), "prctl(PR_GET_UNALIGN, %p)", &word);
	rc = syscall(SYS_prctl, PR_SET_UNALIGN, PR_UNALIGN_NOPRINT | PR_UNALIGN_SIGBUS | 8, 0, 0, 0);
	expect_line(rv(rc), "prctl(PR_SET_UNALIGN, PR_UNALIGN_NOPRINT|PR_UNALIGN_SIGBUS|0x8)");
	rc = syscall(SYS_prctl, PR_SET_UNALIGN, 0, 0, 0, 0);
	expect_line(rv(rc), "prctl(PR_SET_UNALIGN, 0)");
	rc = syscall(SYS_prctl, PR_GET_FP_MODE, 1, 2, 3, 4);
	expect_line(rv(rc), "prctl(PR_GET_FP_MODE)");
	rc = syscall(SYS_prctl, PR_SET_FP_MODE, PR_FP_MODE_FR | PR_FP_MODE_FRE, 0, 0, 0);
	expect_line(rv(rc), "prctl(PR_SET_FP_MODE, PR_FP_MODE_FR|PR_FP_MODE_FRE)");
	rc = syscall(SYS_prctl, PR_SVE_GET_VL, 1, 2, 3, 4);
	expect_line(rv(rc), "prctl(PR_SVE_GET_VL)");
	rc = syscall(SYS_prctl, 0x40 /* PR_SME_GET_VL */, 1, 2, 3, 4);
	expect_line(rv(rc), "prctl(PR_SME_GET_VL)");
	rc = syscall(SYS_prctl, PR_GET_NO_NEW_PRIVS, 1, 2, 3, 4);
	expect_line(rv(rc), "prctl(PR_GET_NO_NEW_PRIVS, 0x1, 0x2, 0x3, 0x4)");

	rc = syscall(SYS_arch_prctl, ARCH_GET_XCOMP_SUPP, &mask);
	expect_line(rv(rc), "arch_prctl(ARCH_GET_XCOMP_SUPP, [%s])", xfeatures(mask));
	rc = syscall(SYS_arch_prctl, ARCH_GET_XCOMP_PERM, &mask);
	expect_line(rv(rc), "arch_prctl(ARCH_GET_XCOMP_PERM, [%s])", xfeatures(mask));
	rc = syscall(SYS_arch_prctl, ARCH_GET_XCOMP_PERM, NULL);
	expect_line(rv(rc), "arch_prctl(ARCH_GET_XCOMP_PERM, NULL)");
	rc = syscall(SYS_arch_prctl, ARCH_GET_XCOMP_PERM, 8);
	expect_line(rv(rc), "arch_prctl(ARCH_GET_XCOMP_PERM, 0x8)");
	/* an unknown feature number: the kernel refuses it */
	rc = syscall(SYS_arch_prctl, ARCH_REQ_XCOMP_PERM, 11);
	expect_line(rv(rc), "arch_prctl(ARCH_REQ_XCOMP_PERM, 0xb /* XFEATURE_??? */)");
	rc = syscall(SYS_arch_prctl, ARCH_REQ_XCOMP_PERM, 2);
	expect_line(rv(rc), "arch_prctl(ARCH_REQ_XCOMP_PERM, 0x2 /* XFEATURE_YMM */)");
	rc = syscall(SYS_arch_prctl, 0x1999, 0x10);
	expect_line(rv(rc), "arch_prctl(0x1999 /* ARCH_??? */, 0x10)");
	expect_exit(0);
	return 0;
}
