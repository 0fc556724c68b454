// sysrec-test: -e trace=ioctl -s 8
/* File-system and entropy requests with a struct or an int argument: FITRIM's range,
 * struct fsxattr (a failed get prints the address), FS_IOC_FIEMAP's request => answer,
 * RNDGETENTCNT's count, RNDADDENTROPY's buffer
 * (cut by -s), INOTIFY_IOC_SETNEXTWD's plain int. The set requests go to files that refuse
 * them, so nothing changes. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/fiemap.h>
#include <linux/fs.h>
#include <linux/random.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "../expect.h"

#ifndef INOTIFY_IOC_SETNEXTWD
# define INOTIFY_IOC_SETNEXTWD _IOW('I', 0, int)
#endif

static const char *result(long rc)
{
	static char buf[64];
	if (rc >= 0) { snprintf(buf, sizeof buf, "= %ld", rc); return buf; }
	switch (errno) {
	case ENOTTY: return "= -1 ENOTTY (Inappropriate ioctl for device)";
	case EFAULT: return "= -1 EFAULT (Bad address)";
	case EINVAL: return "= -1 EINVAL (Invalid argument)";
	case EPERM: return "= -1 EPERM (Operation not permitted)";
	case EOPNOTSUPP: return "= -1 EOPNOTSUPP (Operation not supported)";
	case EBADF: return "= -1 EBADF (Bad file descriptor)";
	case EBADR: return "= -1 EBADR (Invalid request descriptor)";
	}
	return "= -1 E??? (unexpected)";
}

int main(void)
{
	int null = open("/dev/null", O_RDONLY);
	struct fstrim_range range = {.start = 0x1000, .len = -1ULL, .minlen = 4096};
	long rc = ioctl(null, FITRIM, &range);
	expect_line(result(rc), "ioctl(%d, FITRIM, {start=0x1000, len=18446744073709551615, "
		    "minlen=4096})", null);
	struct fsxattr x = {.fsx_xflags = FS_XFLAG_APPEND | FS_XFLAG_NODUMP | 0x40000000,
			    .fsx_extsize = 7, .fsx_nextents = 9, .fsx_projid = 0x2a};
	rc = ioctl(null, FS_IOC_FSSETXATTR, &x);
	expect_line(result(rc), "ioctl(%d, FS_IOC_FSSETXATTR, {fsx_xflags=FS_XFLAG_APPEND|"
		    "FS_XFLAG_NODUMP|0x40000000, fsx_extsize=7, fsx_projid=0x2a, fsx_cowextsize=0})",
		    null);
	rc = ioctl(null, FS_IOC_FSGETXATTR, &x);
	expect_line(result(rc), "ioctl(%d, FS_IOC_FSGETXATTR, %p)", null, &x);

	/* FIEMAP: the request as passed (all a failure shows), then what the kernel mapped. */
	int file = open("/proc/self/exe", O_RDONLY);
	struct { struct fiemap f; struct fiemap_extent e[2]; } map;
	memset(&map, 0, sizeof map);
	map.f.fm_length = -1ULL;
	map.f.fm_extent_count = 2;
	map.f.fm_flags = FIEMAP_FLAG_SYNC | 0x10;
	rc = ioctl(file, FS_IOC_FIEMAP, &map);
	expect_line(result(rc), "ioctl(%d, FS_IOC_FIEMAP, {fm_start=0, fm_length=18446744073709551615, "
		    "fm_flags=FIEMAP_FLAG_SYNC|0x10, fm_extent_count=2})", file);
	map.f.fm_flags = 0;
	rc = ioctl(file, FS_IOC_FIEMAP, &map);
	if (rc == 0 && map.f.fm_flags == 0)
		expect_line(result(rc), "ioctl(%d, FS_IOC_FIEMAP, {fm_start=0, fm_length=18446744073709551615, "
			    "fm_flags=0, fm_extent_count=2} => {fm_flags=0, fm_mapped_extents=%u, ...})",
			    file, map.f.fm_mapped_extents);
	else
		expect_line(result(rc), "ioctl(%d, FS_IOC_FIEMAP, {fm_start=0, fm_length=18446744073709551615, "
			    "fm_flags=0, fm_extent_count=2})", file);
	rc = ioctl(file, FS_IOC_FIEMAP, (void *) 8);
	expect_line(result(rc), "ioctl(%d, FS_IOC_FIEMAP, 0x8)", file);

	int rnd = open("/dev/urandom", O_RDONLY), count = -1;
	rc = ioctl(rnd, RNDGETENTCNT, &count);
	expect_line(result(rc), "ioctl(%d, RNDGETENTCNT, [%d])", rnd, count);
	rc = ioctl(null, RNDADDTOENTCNT, &count);
	expect_line(result(rc), "ioctl(%d, RNDADDTOENTCNT, [%d])", null, count);
	struct { int entropy_count, buf_size; char buf[16]; } pool = {8, 12, "entropy-bytes"};
	rc = ioctl(null, RNDADDENTROPY, &pool);
	expect_line(result(rc), "ioctl(%d, RNDADDENTROPY, {entropy_count=8, buf_size=12, "
		    "buf=\"entropy-\"...})", null);

	int in = inotify_init1(0);
	rc = ioctl(in, INOTIFY_IOC_SETNEXTWD, 5);
	expect_line(result(rc), "ioctl(%d, INOTIFY_IOC_SETNEXTWD, 5)", in);
	expect_exit(0);
	return 0;
}
