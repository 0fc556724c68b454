// sysrec-test: -e trace=stat,lstat,fstat,newfstatat,statx
/* The stat family as strace prints it without -v: type and mode (S_ISUID, S_ISGID, S_ISVTX
 * named), then the size, or st_rdev for a device; statx's mask, attributes, mode and size;
 * failures and unreadable buffers print the address. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include "../expect.h"


struct bit { unsigned long long v; const char *name; };

/* a bit set the way strace prints one: names in table order, the rest in hex, 0 as "0" */
static const char *bits(char *out, unsigned long long v, const struct bit *t)
{
	*out = 0;
	if (!v)
		return strcpy(out, "0");
	for (; t->name; t++)
		if ((v & t->v) == t->v) {
			sprintf(out + strlen(out), "%s%s", *out ? "|" : "", t->name);
			v &= ~t->v;
		}
	if (v)
		sprintf(out + strlen(out), "%s%#llx", *out ? "|" : "", v);
	return out;
}

static const struct bit masks[] = {
	{0xfff, "STATX_ALL"}, {0x7ff, "STATX_BASIC_STATS"}, {1, "STATX_TYPE"}, {2, "STATX_MODE"},
	{4, "STATX_NLINK"}, {8, "STATX_UID"}, {0x10, "STATX_GID"}, {0x20, "STATX_ATIME"},
	{0x40, "STATX_MTIME"}, {0x80, "STATX_CTIME"}, {0x100, "STATX_INO"}, {0x200, "STATX_SIZE"},
	{0x400, "STATX_BLOCKS"}, {0x800, "STATX_BTIME"}, {0x1000, "STATX_MNT_ID"},
	{0x2000, "STATX_DIOALIGN"}, {0, NULL}
};
static const struct bit attrs[] = {
	{0x4, "STATX_ATTR_COMPRESSED"}, {0x10, "STATX_ATTR_IMMUTABLE"}, {0x20, "STATX_ATTR_APPEND"},
	{0x40, "STATX_ATTR_NODUMP"}, {0x800, "STATX_ATTR_ENCRYPTED"}, {0x1000, "STATX_ATTR_AUTOMOUNT"},
	{0x2000, "STATX_ATTR_MOUNT_ROOT"}, {0x100000, "STATX_ATTR_VERITY"}, {0x200000, "STATX_ATTR_DAX"},
	{0, NULL}
};

static const char *mode_text(char *out, unsigned int m)
{
	const char *type = S_ISREG(m) ? "S_IFREG" : S_ISDIR(m) ? "S_IFDIR" : S_ISLNK(m) ? "S_IFLNK"
		: S_ISCHR(m) ? "S_IFCHR" : S_ISBLK(m) ? "S_IFBLK" : S_ISFIFO(m) ? "S_IFIFO" : "S_IFSOCK";
	sprintf(out, "%s|%s%s%s%#03o", type, m & S_ISUID ? "S_ISUID|" : "", m & S_ISGID ? "S_ISGID|" : "",
		m & S_ISVTX ? "S_ISVTX|" : "", m & 0777);
	return out;
}

static const char *stat_text(const struct stat *st)
{
	static char out[256];
	char mode[64];
	mode_text(mode, st->st_mode);
	if (S_ISCHR(st->st_mode) || S_ISBLK(st->st_mode))
		sprintf(out, "{st_mode=%s, st_rdev=makedev(%#x, %#x), ...}", mode,
			major(st->st_rdev), minor(st->st_rdev));
	else
		sprintf(out, "{st_mode=%s, st_size=%llu, ...}", mode, (unsigned long long) st->st_size);
	return out;
}

static const char *statx_text(const struct statx *stx)
{
	static char out[512];
	char mask[256], attr[256], mode[64];
	sprintf(out, "{stx_mask=%s, stx_attributes=%s, ", bits(mask, stx->stx_mask, masks),
		bits(attr, stx->stx_attributes, attrs));
	if (stx->stx_mask & (STATX_TYPE | STATX_MODE))
		sprintf(out + strlen(out), "stx_mode=%s, ", mode_text(mode, stx->stx_mode));
	if (stx->stx_mask & STATX_SIZE)
		sprintf(out + strlen(out), "stx_size=%llu, ", (unsigned long long) stx->stx_size);
	strcat(out, "...}");
	return out;
}

int main(void)
{
	struct stat st;
	struct statx stx;
	long r;
	static char outbuf[BUFSIZ];

	setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf)); /* stdio's own fstat stays out of the trace */
	int fd = open("file", O_WRONLY | O_CREAT, 0644);
	write(fd, "hello", 5);
	fchmod(fd, 07755);
	symlink("file", "link");
	mkdir("dir", 01777);
	chmod("dir", 01777);

	r = syscall(SYS_stat, "file", &st);
	expect_line(expect_result(r), "stat(\"file\", %s)", stat_text(&st));
	r = syscall(SYS_lstat, "link", &st);
	expect_line(expect_result(r), "lstat(\"link\", %s)", stat_text(&st));
	r = syscall(SYS_fstat, fd, &st);
	expect_line(expect_result(r), "fstat(%d, %s)", fd, stat_text(&st));
	int null = open("/dev/null", O_RDONLY);
	r = syscall(SYS_fstat, null, &st);
	expect_line(expect_result(r), "fstat(%d, %s)", null, stat_text(&st));
	r = syscall(SYS_newfstatat, AT_FDCWD, "dir", &st, 0);
	expect_line(expect_result(r), "newfstatat(AT_FDCWD, \"dir\", %s, 0)", stat_text(&st));
	int dir = open("dir", O_RDONLY | O_DIRECTORY);
	r = syscall(SYS_newfstatat, dir, "", &st, AT_EMPTY_PATH);
	expect_line(expect_result(r), "newfstatat(%d, \"\", %s, AT_EMPTY_PATH)", dir, stat_text(&st));
	r = syscall(SYS_newfstatat, AT_FDCWD, "link", &st, AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT);
	expect_line(expect_result(r), "newfstatat(AT_FDCWD, \"link\", %s, AT_SYMLINK_NOFOLLOW|AT_NO_AUTOMOUNT)", stat_text(&st));

	/* failures: the buffer's address; unknown flags */
	r = syscall(SYS_stat, "missing", &st);
	expect_line(expect_result(r), "stat(\"missing\", %p)", &st);
	r = syscall(SYS_lstat, "file", (void *) 8);
	expect_line(expect_result(r), "lstat(\"file\", 0x8)");
	r = syscall(SYS_fstat, -1, &st);
	expect_line(expect_result(r), "fstat(-1, %p)", &st);
	r = syscall(SYS_newfstatat, AT_FDCWD, "file", &st, 0x10000);
	expect_line(expect_result(r), "newfstatat(AT_FDCWD, \"file\", %p, 0x10000 /* AT_??? */)", &st);
	r = syscall(SYS_newfstatat, AT_FDCWD, "file", &st, AT_SYMLINK_NOFOLLOW | 0x10000);
	expect_line(expect_result(r), "newfstatat(AT_FDCWD, \"file\", %p, AT_SYMLINK_NOFOLLOW|0x10000)", &st);

	r = syscall(SYS_statx, AT_FDCWD, "file", AT_STATX_SYNC_AS_STAT, STATX_ALL, &stx);
	expect_line(expect_result(r), "statx(AT_FDCWD, \"file\", AT_STATX_SYNC_AS_STAT, STATX_ALL, %s)", statx_text(&stx));
	r = syscall(SYS_statx, AT_FDCWD, "link", AT_STATX_DONT_SYNC | AT_SYMLINK_NOFOLLOW,
		    STATX_BASIC_STATS | STATX_MNT_ID, &stx);
	expect_line(expect_result(r), "statx(AT_FDCWD, \"link\", AT_STATX_DONT_SYNC|AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS|STATX_MNT_ID, %s)", statx_text(&stx));
	r = syscall(SYS_statx, null, "", AT_STATX_FORCE_SYNC | AT_EMPTY_PATH, STATX_TYPE | STATX_SIZE, &stx);
	expect_line(expect_result(r), "statx(%d, \"\", AT_STATX_FORCE_SYNC|AT_EMPTY_PATH, STATX_TYPE|STATX_SIZE, %s)", null, statx_text(&stx));
	r = syscall(SYS_statx, dir, "", AT_EMPTY_PATH, 0, &stx);
	expect_line(expect_result(r), "statx(%d, \"\", AT_STATX_SYNC_AS_STAT|AT_EMPTY_PATH, 0, %s)", dir, statx_text(&stx));
	r = syscall(SYS_statx, AT_FDCWD, "file", 0, STATX_TYPE | 0x80000000, &stx);
	expect_line(expect_result(r), "statx(AT_FDCWD, \"file\", AT_STATX_SYNC_AS_STAT, STATX_TYPE|0x80000000, %p)", &stx);
	r = syscall(SYS_statx, AT_FDCWD, "file", 0x6000 | 0x10000, 0x80000000, &stx);
	expect_line(expect_result(r), "statx(AT_FDCWD, \"file\", AT_STATX_FORCE_SYNC|AT_STATX_DONT_SYNC|0x10000, 0x80000000 /* STATX_??? */, %p)", &stx);
	r = syscall(SYS_statx, AT_FDCWD, "missing", 0, STATX_ALL, (void *) 16);
	expect_line(expect_result(r), "statx(AT_FDCWD, \"missing\", AT_STATX_SYNC_AS_STAT, STATX_ALL, 0x10)");
	expect_exit(0);
	return 0;
}
