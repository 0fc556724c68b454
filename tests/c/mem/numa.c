// sysrec-test: -e trace=mbind,set_mempolicy,get_mempolicy,set_mempolicy_home_node,migrate_pages -s 2
/* NUMA policies: the mode with its MPOL_F_* flags (and an unknown mode that has them), node
 * masks as arrays of full-width hex longs (cut after -s longs; the address when maxnode makes
 * no sense), mbind's MPOL_MF_* and get_mempolicy's MPOL_F_* flags, get_mempolicy's mode
 * written back as [MPOL_...]. */
#define _GNU_SOURCE
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "../expect.h"
#include "mem.h"

#ifndef SYS_set_mempolicy_home_node
# define SYS_set_mempolicy_home_node 450
#endif

static const char *mode_name(int mode)
{
	static const char *names[] = {"MPOL_DEFAULT", "MPOL_PREFERRED", "MPOL_BIND",
				      "MPOL_INTERLEAVE", "MPOL_LOCAL", "MPOL_PREFERRED_MANY"};
	return mode >= 0 && mode < 6 ? names[mode] : "?";
}

/* One long of a node mask: C's %#0*lx with a width of 16. */
static const char *word(unsigned long v)
{
	static char buf[2][32];
	static int n;
	char *out = buf[n++ % 2];
	snprintf(out, 32, "%#0*lx", 16, v);
	return out;
}

int main(void)
{
	unsigned long mask[4] = {1, 0, 0x8000000000000000UL, 5};
	char *p = mmap(0, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	long r = syscall(SYS_mbind, p, 4096, 0, NULL, 0, 0);
	expect_line(result(r), "mbind(%p, 4096, MPOL_DEFAULT, NULL, 0, 0)", p);
	r = syscall(SYS_mbind, p, 4096, 2 | (1 << 15), mask, 65, 1 | 4);
	expect_line(result(r), "mbind(%p, 4096, MPOL_BIND|MPOL_F_STATIC_NODES, [0x00000000000001], 65, MPOL_MF_STRICT|MPOL_MF_MOVE_ALL)", p);
	r = syscall(SYS_mbind, p, 4096, 9 | (1 << 14), mask, 64 * 4, 0x18);
	expect_line(result(r), "mbind(%p, 4096, MPOL_F_RELATIVE_NODES|0x9, [0x00000000000001, 0000000000000000, ...], 256, 0x18 /* MPOL_??? */)", p);
	r = syscall(SYS_mbind, p, 4096, 9, mask, 1, 0);
	expect_line(result(r), "mbind(%p, 4096, 0x9 /* MPOL_??? */, %p, 1, 0)", p, mask);

	r = syscall(SYS_set_mempolicy, 3 | (1 << 13), mask, 2);
	expect_line(result(r), "set_mempolicy(MPOL_INTERLEAVE|MPOL_F_NUMA_BALANCING, [0x00000000000001], 2)");
	r = syscall(SYS_set_mempolicy, 0, NULL, 0);
	expect_line(result(r), "set_mempolicy(MPOL_DEFAULT, NULL, 0)");
	r = syscall(SYS_set_mempolicy, 4, (void *) 8, 64);
	expect_line(result(r), "set_mempolicy(MPOL_LOCAL, 0x8, 64)");

	int mode = -1;
	unsigned long got[2] = {0, 0};
	r = syscall(SYS_get_mempolicy, &mode, got, 128, NULL, 0);
	if (r == 0)
		expect_line(result(r), "get_mempolicy([%s], [%s, %s], 128, NULL, 0)", mode_name(mode), word(got[0]), word(got[1]));
	else
		expect_line(result(r), "get_mempolicy(%p, %p, 128, NULL, 0)", &mode, got);
	r = syscall(SYS_get_mempolicy, &mode, NULL, 0, p, 2 | 1);
	expect_line(result(r), "get_mempolicy([%s], NULL, 0, %p, MPOL_F_NODE|MPOL_F_ADDR)", mode_name(mode), p);
	r = syscall(SYS_get_mempolicy, NULL, NULL, 0, NULL, 0x10);
	expect_line(result(r), "get_mempolicy(NULL, NULL, 0, NULL, 0x10 /* MPOL_??? */)");

	r = syscall(SYS_set_mempolicy_home_node, p, 4096, 0, 0x3);
	expect_line(result(r), "set_mempolicy_home_node(%p, 4096, 0, 0x3)", p);
	r = syscall(SYS_migrate_pages, 0, 64, mask, mask + 1);
	expect_line(result(r), "migrate_pages(0, 64, [%s], [%s])", word(mask[0]), word(mask[1]));
	r = syscall(SYS_migrate_pages, -1, 0, NULL, (void *) 8);
	expect_line(result(r), "migrate_pages(-1, 0, NULL, [])");
	expect_exit(0);
	return 0;
}
