// sysrec-test: -e trace=statfs,fstatfs,getdents,getdents64
/* statfs prints the whole struct (f_flags only when ST_VALID is set); getdents and getdents64
 * abbreviate the listing to its address and entry count. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "../expect.h"


struct bit { unsigned long v; const char *name; };

static const struct bit magics[] = {
	{0xef53, "EXT2_SUPER_MAGIC"}, {0x9fa0, "PROC_SUPER_MAGIC"}, {0x01021994, "TMPFS_MAGIC"},
	{0x794c7630, "OVERLAYFS_SUPER_MAGIC"}, {0x62656572, "SYSFS_MAGIC"},
	{0x58465342, "XFS_SUPER_MAGIC"}, {0x9123683e, "BTRFS_SUPER_MAGIC"}, {0, NULL}
};
static const struct bit st_flags[] = {
	{0x20, "ST_VALID"}, {1, "ST_RDONLY"}, {2, "ST_NOSUID"}, {4, "ST_NODEV"}, {8, "ST_NOEXEC"},
	{0x10, "ST_SYNCHRONOUS"}, {0x40, "ST_MANDLOCK"}, {0x400, "ST_NOATIME"},
	{0x800, "ST_NODIRATIME"}, {0x1000, "ST_RELATIME"}, {0x2000, "ST_NOSYMFOLLOW"}, {0, NULL}
};

static const char *statfs_text(const struct statfs *b)
{
	static char out[1024];
	char type[32];
	const struct bit *t;
	snprintf(type, sizeof(type), "%#lx", (unsigned long) b->f_type);
	for (t = magics; t->name; t++)
		if (t->v == (unsigned long) b->f_type)
			strcpy(type, t->name);
	int *fsid = (int *) &b->f_fsid;
	sprintf(out, "{f_type=%s, f_bsize=%lu, f_blocks=%lu, f_bfree=%lu, f_bavail=%lu, f_files=%lu, "
		"f_ffree=%lu, f_fsid={val=[%#x, %#x]}, f_namelen=%lu, f_frsize=%lu", type,
		(unsigned long) b->f_bsize, b->f_blocks, b->f_bfree, b->f_bavail, b->f_files, b->f_ffree,
		fsid[0], fsid[1], (unsigned long) b->f_namelen, (unsigned long) b->f_frsize);
	if (b->f_flags & 0x20) {
		unsigned long v = b->f_flags;
		strcat(out, ", f_flags=");
		int first = 1;
		for (t = st_flags; t->name; t++)
			if (v & t->v) {
				sprintf(out + strlen(out), "%s%s", first ? "" : "|", t->name);
				v &= ~t->v;
				first = 0;
			}
		if (v)
			sprintf(out + strlen(out), "|%#lx", v);
	}
	strcat(out, "}");
	return out;
}

/* entries in a getdents buffer: d_reclen is at offset 16 in both layouts */
static int entries(const char *buf, long len)
{
	int n = 0;
	for (long pos = 0; pos < len; n++)
		pos += *(const unsigned short *) (buf + pos + 16);
	return n;
}

int main(void)
{
	struct statfs sf;
	long r;
	static char buf[8192];
	char wd[32];

	r = syscall(SYS_statfs, ".", &sf);
	expect_line(expect_result(r), "statfs(\".\", %s)", statfs_text(&sf));
	r = syscall(SYS_statfs, "/proc", &sf);
	expect_line(expect_result(r), "statfs(\"/proc\", %s)", statfs_text(&sf));
	r = syscall(SYS_statfs, "/missing", &sf);
	expect_line(expect_result(r), "statfs(\"/missing\", %p)", &sf);
	r = syscall(SYS_statfs, ".", (void *) 8);
	expect_line(expect_result(r), "statfs(\".\", 0x8)");
	int proc = open("/proc", O_RDONLY | O_DIRECTORY);
	r = syscall(SYS_fstatfs, proc, &sf);
	expect_line(expect_result(r), "fstatfs(%d, %s)", proc, statfs_text(&sf));
	r = syscall(SYS_fstatfs, -1, &sf);
	expect_line(expect_result(r), "fstatfs(-1, %p)", &sf);

	/* a directory of its own with three files */
	snprintf(wd, sizeof(wd), "w%d", getpid());
	mkdir(wd, 0700);
	chdir(wd);
	close(open("a", O_CREAT | O_WRONLY, 0600));
	close(open("bb", O_CREAT | O_WRONLY, 0600));
	close(open("a-name-longer-than-thirty-two-bytes", O_CREAT | O_WRONLY, 0600));
	int dir = open(".", O_RDONLY | O_DIRECTORY);
	r = syscall(SYS_getdents64, dir, buf, sizeof(buf));
	expect_line(expect_result(r), "getdents64(%d, %p /* %d entries */, %zu)", dir, buf, entries(buf, r), sizeof(buf));
	r = syscall(SYS_getdents64, dir, buf, sizeof(buf));
	expect_line(expect_result(r), "getdents64(%d, %p /* 0 entries */, %zu)", dir, buf, sizeof(buf));
	lseek(dir, 0, SEEK_SET);
	r = syscall(SYS_getdents, dir, buf, 40);
	expect_line(expect_result(r), "getdents(%d, %p /* %d entries */, 40)", dir, buf, entries(buf, r));
	r = syscall(SYS_getdents, dir, buf, 4);
	expect_line(expect_result(r), "getdents(%d, %p, 4)", dir, buf);
	r = syscall(SYS_getdents64, -1, buf, sizeof(buf));
	expect_line(expect_result(r), "getdents64(-1, %p, %zu)", buf, sizeof(buf));
	r = syscall(SYS_getdents64, dir, NULL, sizeof(buf));
	expect_line(expect_result(r), "getdents64(%d, NULL, %zu)", dir, sizeof(buf));
	expect_exit(0);
	return 0;
}
