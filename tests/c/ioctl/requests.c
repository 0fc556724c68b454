// sysrec-test: -e trace=ioctl
/* How the request prints: by name (several names for one number joined by " or "), or for a
 * number strace has no name for, as _IOC(direction, type, number, size) with the argument in
 * hex. And the file requests: FICLONE's fd, FS_IOC_[GS]ETFLAGS's flags. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <linux/ioctl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "../expect.h"

static const char *result(long rc)
{
	static char buf[64];
	if (rc >= 0) { snprintf(buf, sizeof buf, "= %ld", rc); return buf; }
	switch (errno) {
	case ENOTTY: return "= -1 ENOTTY (Inappropriate ioctl for device)";
	case EFAULT: return "= -1 EFAULT (Bad address)";
	case EINVAL: return "= -1 EINVAL (Invalid argument)";
	case EBADF: return "= -1 EBADF (Bad file descriptor)";
	case EXDEV: return "= -1 EXDEV (Invalid cross-device link)";
	case EOPNOTSUPP: return "= -1 EOPNOTSUPP (Operation not supported)";
	case EPERM: return "= -1 EPERM (Operation not permitted)";
	}
	return "= -1 E??? (unexpected)";
}

int main(void)
{
	int fd = open("/dev/null", O_RDONLY);
	char buf[16];
	long rc = ioctl(fd, _IOC(_IOC_READ, 0x12, 0x34, 8), 0);
	expect_line(result(rc), "ioctl(%d, _IOC(_IOC_READ, 0x12, 0x34, 0x8), 0)", fd);
	rc = ioctl(fd, _IOC(_IOC_NONE, 0x12, 0x34, 0), 0x1234);
	expect_line(result(rc), "ioctl(%d, _IOC(_IOC_NONE, 0x12, 0x34, 0), 0x1234)", fd);
	rc = ioctl(fd, _IOC(_IOC_READ | _IOC_WRITE, 0xfe, 0, 0x3fff), buf);
	expect_line(result(rc), "ioctl(%d, _IOC(_IOC_READ|_IOC_WRITE, 0xfe, 0, 0x3fff), %p)", fd, buf);
	rc = ioctl(fd, _IOC(_IOC_WRITE, 0x54, 0x90, 4), -1L);
	expect_line(result(rc), "ioctl(%d, _IOC(_IOC_WRITE, 0x54, 0x90, 0x4), 0xffffffffffffffff)", fd);
	rc = ioctl(fd, 0x5490, 5);
	expect_line(result(rc), "ioctl(%d, _IOC(_IOC_NONE, 0x54, 0x90, 0), 0x5)", fd);

	/* Named, not decoded: the argument in hex. */
	rc = ioctl(fd, FIGETBSZ, buf);
	expect_line(result(rc), "ioctl(%d, FIGETBSZ, %p)", fd, buf);

	/* File flags: the get fails on /dev/null (address), the set prints the flags. */
	unsigned int flags = FS_APPEND_FL | FS_NOATIME_FL | 0x4000000;
	rc = ioctl(fd, FS_IOC_GETFLAGS, &flags);
	expect_line(result(rc), "ioctl(%d, FS_IOC_GETFLAGS, %p)", fd, &flags);
	rc = ioctl(fd, FS_IOC_SETFLAGS, &flags);
	expect_line(result(rc), "ioctl(%d, FS_IOC_SETFLAGS, [FS_APPEND_FL|FS_NOATIME_FL|0x4000000])", fd);
	flags = 0;
	rc = ioctl(fd, FS_IOC_SETFLAGS, &flags);
	expect_line(result(rc), "ioctl(%d, FS_IOC_SETFLAGS, [0])", fd);
	rc = ioctl(fd, FS_IOC_SETFLAGS, NULL);
	expect_line(result(rc), "ioctl(%d, FS_IOC_SETFLAGS, NULL)", fd);

	/* FICLONE: its argument is the source fd, printed as a plain int. */
	rc = ioctl(fd, FICLONE, fd);
	expect_line(result(rc), "ioctl(%d, BTRFS_IOC_CLONE or FICLONE, %d)", fd, fd);
	rc = ioctl(fd, FICLONE, -1);
	expect_line(result(rc), "ioctl(%d, BTRFS_IOC_CLONE or FICLONE, -1)", fd);

	/* Block device requests (on /dev/null they all fail). */
	unsigned long long range[2] = {0, 4096};
	rc = ioctl(fd, BLKGETSIZE, 0);
	expect_line(result(rc), "ioctl(%d, BLKGETSIZE, NULL)", fd);
	rc = ioctl(fd, BLKGETSIZE64, range);
	expect_line(result(rc), "ioctl(%d, BLKGETSIZE64, %p)", fd, range);
	rc = ioctl(fd, BLKDISCARD, range);
	expect_line(result(rc), "ioctl(%d, BLKDISCARD, [0, 4096])", fd);
	rc = ioctl(fd, BLKRASET, 256);
	expect_line(result(rc), "ioctl(%d, BLKRASET, 256)", fd);
	expect_exit(0);
	return 0;
}
