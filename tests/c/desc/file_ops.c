// sysrec-test: -e trace=flock,fadvise64,fallocate,fsync,fdatasync,sync,syncfs,sync_file_range
/* Locks, hints, space and syncing: named operations and flags (LOCK_RW before its parts,
 * unknown bits in hex), offsets and lengths signed except fadvise64's length. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/falloc.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "../expect.h"

int main(void)
{
	char name[] = "/tmp/sysrec-file-ops-XXXXXX";
	int fd = mkstemp(name);
	unlink(name);

	long rc = syscall(SYS_flock, fd, LOCK_EX | LOCK_NB);
	expect_line("= 0", "flock(%d, LOCK_EX|LOCK_NB)", fd);
	rc = syscall(SYS_flock, fd, LOCK_UN);
	expect_line("= 0", "flock(%d, LOCK_UN)", fd);
	rc = syscall(SYS_flock, -1, 0x100000000L | LOCK_SH);
	expect_line("= -1 EBADF (Bad file descriptor)", "flock(-1, LOCK_SH)");
	rc = syscall(SYS_flock, -1, 0xc0 | 0x20 | 0x100);
	expect_line("= 0", "flock(-1, LOCK_MAND|LOCK_RW|0x100)");  /* LOCK_MAND: ignored */
	rc = syscall(SYS_flock, -1, 0x40);
	expect_line("= -1 EINVAL (Invalid argument)", "flock(-1, LOCK_READ)");
	rc = syscall(SYS_flock, -1, 0x200);
	expect_line("= -1 EINVAL (Invalid argument)", "flock(-1, 0x200 /* LOCK_??? */)");

	rc = syscall(SYS_fadvise64, fd, 0L, 4096L, POSIX_FADV_SEQUENTIAL);
	expect_line("= 0", "fadvise64(%d, 0, 4096, POSIX_FADV_SEQUENTIAL)", fd);
	rc = syscall(SYS_fadvise64, fd, -1L, -1L, POSIX_FADV_DONTNEED);
	expect_line("= -1 EINVAL (Invalid argument)",
		    "fadvise64(%d, -1, 18446744073709551615, POSIX_FADV_DONTNEED)", fd);
	rc = syscall(SYS_fadvise64, fd, 0L, 0L, 6);
	expect_line("= -1 EINVAL (Invalid argument)", "fadvise64(%d, 0, 0, 0x6 /* POSIX_FADV_??? */)", fd);

	rc = syscall(SYS_fallocate, fd, 0, 0L, 8192L);
	expect_line("= 0", "fallocate(%d, 0, 0, 8192)", fd);
	rc = syscall(SYS_fallocate, fd, FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE, 0L, 4096L);
	expect_line(rc == 0 ? "= 0" : "= -1 EOPNOTSUPP (Operation not supported)",
		    "fallocate(%d, FALLOC_FL_KEEP_SIZE|FALLOC_FL_PUNCH_HOLE, 0, 4096)", fd);
	rc = syscall(SYS_fallocate, -1, 0x180, -5L, -1L);
	expect_line("= -1 EBADF (Bad file descriptor)", "fallocate(-1, 0x180 /* FALLOC_FL_??? */, -5, -1)");
	rc = syscall(SYS_fallocate, -1, FALLOC_FL_ZERO_RANGE | FALLOC_FL_UNSHARE_RANGE | 0x100, 0L, 1L);
	expect_line("= -1 EBADF (Bad file descriptor)",
		    "fallocate(-1, FALLOC_FL_ZERO_RANGE|FALLOC_FL_UNSHARE_RANGE|0x100, 0, 1)");

	rc = syscall(SYS_fsync, fd);
	expect_line("= 0", "fsync(%d)", fd);
	rc = syscall(SYS_fdatasync, -1);
	expect_line("= -1 EBADF (Bad file descriptor)", "fdatasync(-1)");
	rc = syscall(SYS_syncfs, fd);
	expect_line("= 0", "syncfs(%d)", fd);
	rc = syscall(SYS_sync_file_range, fd, 0L, 100L, SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER);
	expect_line("= 0", "sync_file_range(%d, 0, 100, SYNC_FILE_RANGE_WRITE|SYNC_FILE_RANGE_WAIT_AFTER)", fd);
	rc = syscall(SYS_sync_file_range, fd, -1L, -2L, 8);
	expect_line("= -1 EINVAL (Invalid argument)", "sync_file_range(%d, -1, -2, 0x8 /* SYNC_FILE_RANGE_??? */)", fd);
	rc = syscall(SYS_sync);
	expect_line("= 0", "sync()");

	expect_exit(0);
	return 0;
}
