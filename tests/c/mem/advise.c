// sysrec-test: -e trace=madvise,msync,mlock,munlock,mlock2,mlockall,munlockall,mincore,process_madvise,process_mrelease -s 8
/* madvise's advice (known and unknown), msync's MS_* bits, the mlock family with MLOCK_ONFAULT
 * and MCL_*, mincore's page vector (one entry per page, cut after -s entries, the address when
 * the call failed or the vector cannot be read), process_madvise's iovec array. */
#define _GNU_SOURCE
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>
#include "../expect.h"
#include "mem.h"

int main(void)
{
	char *p = mmap(0, 12 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	p[0] = 1;
	p[2 * 4096] = 1;
	long r = syscall(SYS_madvise, p, 4096, MADV_DONTNEED);
	expect_line(result(r), "madvise(%p, 4096, MADV_DONTNEED)", p);
	r = syscall(SYS_madvise, p, 8192, MADV_HUGEPAGE);
	expect_line(result(r), "madvise(%p, 8192, MADV_HUGEPAGE)", p);
	r = syscall(SYS_madvise, p, 4096, 77);
	expect_line(result(r), "madvise(%p, 4096, 0x4d /* MADV_??? */)", p);
	r = syscall(SYS_madvise, 0, 0, MADV_NORMAL);
	expect_line(result(r), "madvise(NULL, 0, MADV_NORMAL)");

	r = syscall(SYS_msync, p, 4096, MS_SYNC | MS_INVALIDATE);
	expect_line(result(r), "msync(%p, 4096, MS_SYNC|MS_INVALIDATE)", p);
	r = syscall(SYS_msync, p, 4096, MS_ASYNC | 0x10);
	expect_line(result(r), "msync(%p, 4096, MS_ASYNC|0x10)", p);
	r = syscall(SYS_msync, p, 4096, 0);
	expect_line(result(r), "msync(%p, 4096, 0)", p);
	r = syscall(SYS_msync, p, 4096, 0x10);
	expect_line(result(r), "msync(%p, 4096, 0x10 /* MS_??? */)", p);

	r = syscall(SYS_mlock, p, 4096);
	expect_line(result(r), "mlock(%p, 4096)", p);
	r = syscall(SYS_munlock, p, 4096);
	expect_line(result(r), "munlock(%p, 4096)", p);
	r = syscall(SYS_mlock2, p, 4096, MLOCK_ONFAULT);
	expect_line(result(r), "mlock2(%p, 4096, MLOCK_ONFAULT)", p);
	r = syscall(SYS_mlock2, p, 4096, 6);
	expect_line(result(r), "mlock2(%p, 4096, 0x6 /* MLOCK_??? */)", p);
	r = syscall(SYS_mlockall, 0x18);
	expect_line(result(r), "mlockall(0x18 /* MCL_??? */)");
	r = syscall(SYS_mlockall, MCL_FUTURE | MCL_ONFAULT);
	expect_line(result(r), "mlockall(MCL_FUTURE|MCL_ONFAULT)");
	r = syscall(SYS_munlockall);
	expect_line(result(r), "munlockall()");

	unsigned char *vec = (unsigned char *) p + 11 * 4096;
	r = syscall(SYS_mincore, p, 3 * 4096, vec);
	expect_line(result(r), "mincore(%p, 12288, [%d, %d, %d])", p, vec[0] & 1, vec[1] & 1, vec[2] & 1);
	r = syscall(SYS_mincore, p, 10 * 4096 + 1, vec);
	char cells[64] = "";
	for (int i = 0; i < 8; i++)
		snprintf(cells + strlen(cells), sizeof(cells) - strlen(cells), "%s%d", i ? ", " : "", vec[i] & 1);
	expect_line(result(r), "mincore(%p, 40961, [%s, ...])", p, cells);
	r = syscall(SYS_mincore, p, 4096, (void *) 8);
	expect_line(result(r), "mincore(%p, 4096, 0x8)", p);
	r = syscall(SYS_mincore, p + 1, 4096, vec);
	expect_line(result(r), "mincore(%p, 4096, %p)", p + 1, vec);

	struct iovec iov[2] = {{p, 4096}, {p + 8192, 8192}};
	int pidfd = syscall(SYS_pidfd_open, getpid(), 0);
	r = syscall(SYS_process_madvise, pidfd, iov, 2, MADV_COLD, 0);
	expect_line(result(r), "process_madvise(%d, [{iov_base=%p, iov_len=4096}, {iov_base=%p, iov_len=8192}], 2, MADV_COLD, 0)", pidfd, p, p + 8192);
	r = syscall(SYS_process_madvise, pidfd, (void *) 16, 1, 99, 5);
	expect_line(result(r), "process_madvise(%d, 0x10, 1, 0x63 /* MADV_??? */, 0x5)", pidfd);
	r = syscall(SYS_process_mrelease, pidfd, 3);
	expect_line(result(r), "process_mrelease(%d, 0x3)", pidfd);
	expect_exit(0);
	return 0;
}
