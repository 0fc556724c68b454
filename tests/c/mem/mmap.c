// sysrec-test: -e trace=mmap,munmap,mremap,remap_file_pages
#define _GNU_SOURCE
/* mmap's flags: the mapping type by name (or in hex with a MAP_??? comment), the flag bits, a
 * MAP_HUGETLB page size as `N<<MAP_HUGE_SHIFT`, unknown bits in hex; prot with PROT_NONE and
 * unknown bits; fd -1 and a real fd; the offset in hex; the address returned in hex.
 * mremap's fifth argument appears only with MREMAP_MAYMOVE|MREMAP_FIXED. */
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "../expect.h"
#include "mem.h"

static long do_mmap(unsigned long addr, unsigned long len, unsigned long prot,
		    unsigned long flags, long fd, unsigned long off)
{
	return syscall(SYS_mmap, addr, len, prot, flags, fd, off);
}

int main(void)
{
	long p = do_mmap(0, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	expect_line(result_hex(p), "mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0)");

	long q = do_mmap(0, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
	expect_line(result_hex(q), "mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE|MAP_ANONYMOUS|MAP_NORESERVE|MAP_STACK, -1, 0)");

	long r = do_mmap(0, 4096, PROT_READ | PROT_EXEC | 0x10, MAP_SHARED | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	expect_line(result_hex(r), "mmap(NULL, 4096, PROT_READ|PROT_EXEC|0x10, MAP_SHARED|MAP_ANONYMOUS|MAP_POPULATE, -1, 0)");

	r = do_mmap(0, 4096, 0x10, MAP_PRIVATE | MAP_ANONYMOUS | 0x200, -1, 0);
	expect_line(result_hex(r), "mmap(NULL, 4096, 0x10 /* PROT_??? */, MAP_PRIVATE|MAP_ANONYMOUS|0x200, -1, 0)");

	int fd = open("/proc/self/exe", O_RDONLY);
	r = do_mmap(0, 4096, PROT_READ, MAP_PRIVATE | MAP_DENYWRITE, fd, 0x2000);
	expect_line(result_hex(r), "mmap(NULL, 4096, PROT_READ, MAP_PRIVATE|MAP_DENYWRITE, %d, 0x2000)", fd);

	r = do_mmap(p, 4096, PROT_READ, MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS, -1, 0);
	expect_line(result_hex(r), "mmap(%#lx, 4096, PROT_READ, MAP_PRIVATE|MAP_FIXED|MAP_ANONYMOUS, -1, 0)", p);

	r = do_mmap(0, 2 << 20, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | (21 << 26), -1, 0);
	expect_line(result_hex(r), "mmap(NULL, 2097152, PROT_READ, MAP_PRIVATE|MAP_ANONYMOUS|MAP_HUGETLB|21<<MAP_HUGE_SHIFT, -1, 0)");

	r = do_mmap(0, 4096, PROT_READ, 0xf | MAP_ANONYMOUS, -1, 0);
	expect_line(result_hex(r), "mmap(NULL, 4096, PROT_READ, 0xf /* MAP_??? */|MAP_ANONYMOUS, -1, 0)");

	r = do_mmap(0, 4096, PROT_READ, MAP_ANONYMOUS, -1, 0);
	expect_line(result_hex(r), "mmap(NULL, 4096, PROT_READ, MAP_FILE|MAP_ANONYMOUS, -1, 0)");

	r = do_mmap(0, 4096, PROT_READ, MAP_SHARED_VALIDATE | MAP_ANONYMOUS | MAP_SYNC | MAP_FIXED_NOREPLACE, -1, 0);
	expect_line(result_hex(r), "mmap(NULL, 4096, PROT_READ, MAP_SHARED_VALIDATE|MAP_ANONYMOUS|MAP_SYNC|MAP_FIXED_NOREPLACE, -1, 0)");

	r = do_mmap(0, 0, PROT_READ, MAP_PRIVATE, 12345, 0x1234);
	expect_line(result_hex(r), "mmap(NULL, 0, PROT_READ, MAP_PRIVATE, 12345, 0x1234)");

	r = syscall(SYS_munmap, q, 4096);
	expect_line(result(r), "munmap(%#lx, 4096)", q);
	r = syscall(SYS_munmap, 0, 4096);
	expect_line(result(r), "munmap(NULL, 4096)");

	long m = syscall(SYS_mremap, p, 8192, 16384, MREMAP_MAYMOVE);
	expect_line(result_hex(m), "mremap(%#lx, 8192, 16384, MREMAP_MAYMOVE)", p);
	long target = do_mmap(0, 16384, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	expect_line(result_hex(target), "mmap(NULL, 16384, PROT_NONE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0)");
	r = syscall(SYS_mremap, m, 16384, 16384, MREMAP_MAYMOVE | MREMAP_FIXED, target);
	expect_line(result_hex(r), "mremap(%#lx, 16384, 16384, MREMAP_MAYMOVE|MREMAP_FIXED, %#lx)", m, target);
	r = syscall(SYS_mremap, target, 4096, 4096, MREMAP_FIXED | 0x40, 0);
	expect_line(result_hex(r), "mremap(%#lx, 4096, 4096, MREMAP_FIXED|0x40)", target);
	r = syscall(SYS_mremap, target, 4096, 4096, 0x40, 0);
	expect_line(result_hex(r), "mremap(%#lx, 4096, 4096, 0x40 /* MREMAP_??? */)", target);

	r = syscall(SYS_remap_file_pages, target, 4096, 0, 1, MAP_NONBLOCK);
	expect_line(result(r), "remap_file_pages(%#lx, 4096, PROT_NONE, 1, MAP_FILE|MAP_NONBLOCK)", target);
	expect_exit(0);
	return 0;
}
