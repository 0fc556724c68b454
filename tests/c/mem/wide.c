// sysrec-test: -e trace=membarrier,madvise,io_uring_register,msync,mlockall,pkey_alloc,mmap,mremap,futex_waitv,mbind,set_mempolicy,get_mempolicy,io_uring_enter,process_madvise,remap_file_pages,futex
/* Every bit of every register set: which arguments strace prints from all 64 bits (printflags64,
 * printxval64: PROT_*, MREMAP_*, PKEY_*, MPOL modes, get_mempolicy's flags, offsets) and which
 * from the low 32 (printflags, printxval: MAP_*, MADV_*, MS_*, MCL_*, mbind's MPOL_MF_*,
 * membarrier, futex ops, io_uring), and a zero left once the high bits are dropped. */
#define _GNU_SOURCE
#include <sys/syscall.h>
#include <unistd.h>
#include "../expect.h"
#include "mem.h"

#ifndef SYS_futex_waitv
# define SYS_futex_waitv 449
#endif

#define ALL (-1L)
#define PROT_ALL "PROT_READ|PROT_WRITE|PROT_EXEC|PROT_SEM|PROT_GROWSDOWN|PROT_GROWSUP|0xfffffffffcfffff0"
#define MAP_ALL "0xf /* MAP_??? */|MAP_FIXED|MAP_ANONYMOUS|MAP_32BIT|MAP_NORESERVE|MAP_POPULATE|MAP_NONBLOCK|MAP_GROWSDOWN|MAP_DENYWRITE|MAP_EXECUTABLE|MAP_LOCKED|MAP_STACK|MAP_HUGETLB|MAP_SYNC|MAP_FIXED_NOREPLACE|0x3e00680|63<<MAP_HUGE_SHIFT"
#define MPOL_FLAGS_ALL "MPOL_F_STATIC_NODES|MPOL_F_RELATIVE_NODES|MPOL_F_NUMA_BALANCING"

int main(void)
{
	long r = syscall(SYS_membarrier, ALL, 0, 0);
	expect_line(result(r), "membarrier(0xffffffff /* MEMBARRIER_CMD_??? */, 0)");
	r = syscall(SYS_madvise, 0, 0, ALL);
	expect_line(result(r), "madvise(NULL, 0, 0xffffffff /* MADV_??? */)");
	r = syscall(SYS_madvise, 0, 0, 0x100000000L);
	expect_line(result(r), "madvise(NULL, 0, MADV_NORMAL)");
	r = syscall(SYS_io_uring_register, -1, ALL, 0, 0);
	expect_line(result(r), "io_uring_register(-1, 0xffffffff /* IORING_REGISTER_??? */, NULL, 0)");
	r = syscall(SYS_msync, 0, 0, ALL);
	expect_line(result(r), "msync(NULL, 0, MS_SYNC|MS_ASYNC|MS_INVALIDATE|0xfffffff8)");
	r = syscall(SYS_mlockall, 0x100000000L);
	expect_line(result(r), "mlockall(0)");
	r = syscall(SYS_pkey_alloc, ALL, ALL);
	expect_line(result(r), "pkey_alloc(0xffffffffffffffff, PKEY_DISABLE_ACCESS|PKEY_DISABLE_WRITE|PKEY_DISABLE_EXECUTE|0xfffffffffffffff8)");
	r = syscall(SYS_mmap, 0, 0, ALL, ALL, ALL, ALL);
	expect_line(result_hex(r), "mmap(NULL, 0, " PROT_ALL ", " MAP_ALL ", -1, 0xffffffffffffffff)");
	r = syscall(SYS_mremap, 0, 0, 0, ALL, 0);
	expect_line(result_hex(r), "mremap(NULL, 0, 0, MREMAP_MAYMOVE|MREMAP_FIXED|MREMAP_DONTUNMAP|0xfffffffffffffff8, NULL)");
	r = syscall(SYS_futex_waitv, 0, ALL, ALL, 0, ALL);
	expect_line(result(r), "futex_waitv(NULL, 4294967295, 0xffffffff, NULL, 0xffffffff /* CLOCK_??? */)");
	r = syscall(SYS_mbind, 0, 0, ALL, 0, 0, ALL);
	expect_line(result(r), "mbind(NULL, 0, " MPOL_FLAGS_ALL "|0xffffffffffff1fff, NULL, 0, MPOL_MF_STRICT|MPOL_MF_MOVE|MPOL_MF_MOVE_ALL|0xfffffff8)");
	r = syscall(SYS_set_mempolicy, ALL, 0, 0);
	expect_line(result(r), "set_mempolicy(" MPOL_FLAGS_ALL "|0xffff1fff, NULL, 0)");
	r = syscall(SYS_get_mempolicy, 0, 0, 0, 0, ALL);
	expect_line(result(r), "get_mempolicy(NULL, NULL, 0, NULL, MPOL_F_NODE|MPOL_F_ADDR|MPOL_F_MEMS_ALLOWED|0xfffffffffffffff8)");
	r = syscall(SYS_membarrier, 0, ALL, ALL);
	expect_line(result(r), "membarrier(MEMBARRIER_CMD_QUERY, MEMBARRIER_CMD_FLAG_CPU|0xfffffffe, -1)");
	r = syscall(SYS_io_uring_enter, -1, ALL, ALL, ALL, 0, ALL);
	expect_line(result(r), "io_uring_enter(-1, 4294967295, 4294967295, IORING_ENTER_GETEVENTS|IORING_ENTER_SQ_WAKEUP|IORING_ENTER_SQ_WAIT|IORING_ENTER_EXT_ARG|IORING_ENTER_REGISTERED_RING|0xffffffe0, NULL, 18446744073709551615)");
	r = syscall(SYS_process_madvise, -1, 0, 0, ALL, ALL);
	expect_line(result(r), "process_madvise(-1, NULL, 0, 0xffffffff /* MADV_??? */, 0xffffffff)");
	r = syscall(SYS_remap_file_pages, 0, 0, ALL, ALL, ALL);
	expect_line(result(r), "remap_file_pages(NULL, 0, " PROT_ALL ", 18446744073709551615, " MAP_ALL ")");
	r = syscall(SYS_futex, 0, 0x80000000L, 0, 0, 0, 0);
	expect_line(result(r), "futex(NULL, 0x80000000 /* FUTEX_??? */, 0, NULL)");
	expect_exit(0);
	return 0;
}
