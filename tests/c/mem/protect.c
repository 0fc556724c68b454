// sysrec-test: -e trace=mprotect,pkey_mprotect,pkey_alloc,pkey_free
/* mprotect's PROT_* bits (PROT_NONE, unknown bits, PROT_GROWSDOWN), pkey_mprotect's key,
 * pkey_alloc's flags in hex and PKEY_* access rights, pkey_free's key. The static startup's
 * own mprotect (its RELRO segment) comes first. */
#define _GNU_SOURCE
#include <link.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "../expect.h"
#include "mem.h"

static int relro(struct dl_phdr_info *info, size_t size, void *data)
{
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		if (ph->p_type != PT_GNU_RELRO)
			continue;
		unsigned long start = (info->dlpi_addr + ph->p_vaddr) & ~4095UL;
		unsigned long end = (info->dlpi_addr + ph->p_vaddr + ph->p_memsz) & ~4095UL;
		if (end > start)
			expect_line("= 0", "mprotect(%#lx, %lu, PROT_READ)", start, end - start);
	}
	return 1;
}

int main(void)
{
	dl_iterate_phdr(relro, NULL);
	char *p = mmap(0, 8192, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	long r = syscall(SYS_mprotect, p, 4096, PROT_NONE);
	expect_line(result(r), "mprotect(%p, 4096, PROT_NONE)", p);
	r = syscall(SYS_mprotect, p, 4096, PROT_READ | PROT_WRITE | PROT_EXEC);
	expect_line(result(r), "mprotect(%p, 4096, PROT_READ|PROT_WRITE|PROT_EXEC)", p);
	r = syscall(SYS_mprotect, p, 4096, PROT_READ | 0x100);
	expect_line(result(r), "mprotect(%p, 4096, PROT_READ|0x100)", p);
	r = syscall(SYS_mprotect, p, 4096, 0x100);
	expect_line(result(r), "mprotect(%p, 4096, 0x100 /* PROT_??? */)", p);
	r = syscall(SYS_mprotect, p, 4096, PROT_READ | PROT_GROWSDOWN);
	expect_line(result(r), "mprotect(%p, 4096, PROT_READ|PROT_GROWSDOWN)", p);
	r = syscall(SYS_mprotect, 0, 0, PROT_READ | 0x8 | PROT_GROWSUP);
	expect_line(result(r), "mprotect(NULL, 0, PROT_READ|PROT_SEM|PROT_GROWSUP)");

	r = syscall(SYS_pkey_mprotect, p, 4096, PROT_READ, -1);
	expect_line(result(r), "pkey_mprotect(%p, 4096, PROT_READ, -1)", p);
	r = syscall(SYS_pkey_mprotect, p, 4096, PROT_WRITE, 7);
	expect_line(result(r), "pkey_mprotect(%p, 4096, PROT_WRITE, 7)", p);

	long key = syscall(SYS_pkey_alloc, 0, PKEY_DISABLE_WRITE);
	expect_line(result(key), "pkey_alloc(0, PKEY_DISABLE_WRITE)");
	r = syscall(SYS_pkey_alloc, 0x10, PKEY_DISABLE_ACCESS | 0x4 | 0x30);
	expect_line(result(r), "pkey_alloc(0x10, PKEY_DISABLE_ACCESS|PKEY_DISABLE_EXECUTE|0x30)");
	r = syscall(SYS_pkey_alloc, 0, 0x40);
	expect_line(result(r), "pkey_alloc(0, 0x40 /* PKEY_??? */)");
	r = syscall(SYS_pkey_free, key);
	expect_line(result(r), "pkey_free(%ld)", key);
	r = syscall(SYS_pkey_free, -5);
	expect_line(result(r), "pkey_free(-5)");
	expect_exit(0);
	return 0;
}
