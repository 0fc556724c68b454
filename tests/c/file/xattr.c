// sysrec-test: -e trace=setxattr,lsetxattr,fsetxattr,getxattr,lgetxattr,fgetxattr,listxattr,llistxattr,flistxattr,removexattr,lremovexattr,fremovexattr
/* Extended attributes: names and values cut by -s (32), a value's trailing NUL dropped, size
 * queries with NULL buffers, the flags, failures printing the buffer's address. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <unistd.h>
#include "../expect.h"


/* n bytes (printable or NUL) quoted as strace quotes them, at most 32, `...` after a cut */
static const char *quoted(const char *s, size_t n)
{
	static char bufs[2][256];
	static int turn;
	char *out = bufs[turn ^= 1], *p = out;
	*p++ = '"';
	for (size_t i = 0; i < n && i < 32; i++) {
		if (s[i] == 0)
			p += sprintf(p, (i + 1 < n && s[i + 1] >= '0' && s[i + 1] <= '9') ? "\\000" : "\\0");
		else
			*p++ = s[i];
	}
	*p++ = '"';
	strcpy(p, n > 32 ? "..." : "");
	return out;
}

int main(void)
{
	long r;
	char buf[256], wd[32];
	static const char long_name[] = "user.a-very-long-attribute-name-beyond-32";
	static const char long_value[] = "0123456789abcdefghijklmnopqrstuvwxyz";

	/* a directory of its own: strace and sysrec run the program in the same place */
	snprintf(wd, sizeof(wd), "w%d", getpid());
	mkdir(wd, 0700);
	chdir(wd);
	int fd = open("file", O_WRONLY | O_CREAT, 0600);
	symlink("file", "lnk");

	r = syscall(SYS_setxattr, "file", "user.one", "value", 5, 0);
	expect_line(expect_result(r), "setxattr(\"file\", \"user.one\", \"value\", 5, 0)");
	r = syscall(SYS_setxattr, "file", "user.one", "abc\0", 4, XATTR_REPLACE);
	expect_line(expect_result(r), "setxattr(\"file\", \"user.one\", \"abc\", 4, XATTR_REPLACE)");
	r = syscall(SYS_setxattr, "file", "user.one", "x", 1, XATTR_CREATE);
	expect_line(expect_result(r), "setxattr(\"file\", \"user.one\", \"x\", 1, XATTR_CREATE)");
	r = syscall(SYS_setxattr, "file", "user.one", "x", 1, 4);
	expect_line(expect_result(r), "setxattr(\"file\", \"user.one\", \"x\", 1, 0x4 /* XATTR_??? */)");
	r = syscall(SYS_fsetxattr, fd, long_name, long_value, sizeof(long_value) - 1, 0);
	expect_line(expect_result(r), "fsetxattr(%d, %s, %s, %zu, 0)", fd, quoted(long_name, strlen(long_name)),
		    quoted(long_value, sizeof(long_value) - 1), sizeof(long_value) - 1);
	r = syscall(SYS_lsetxattr, "lnk", "user.two", NULL, 0, XATTR_CREATE | 8);
	expect_line(expect_result(r), "lsetxattr(\"lnk\", \"user.two\", NULL, 0, XATTR_CREATE|0x8)");
	r = syscall(SYS_setxattr, "file", "user.bin", "a\0" "1\0", 4, 0);
	expect_line(expect_result(r), "setxattr(\"file\", \"user.bin\", \"a\\0001\", 4, 0)");
	r = syscall(SYS_setxattr, "file", "user.big", buf, 70000, 0);
	expect_line(expect_result(r), "setxattr(\"file\", \"user.big\", %p, 70000, 0)", buf);

	r = syscall(SYS_getxattr, "file", "user.one", buf, sizeof(buf));
	expect_line(expect_result(r), "getxattr(\"file\", \"user.one\", \"abc\", %zu)", sizeof(buf));
	r = syscall(SYS_getxattr, "file", "user.one", NULL, 0);
	expect_line(expect_result(r), "getxattr(\"file\", \"user.one\", NULL, 0)");
	r = syscall(SYS_fgetxattr, fd, long_name, buf, sizeof(buf));
	expect_line(expect_result(r), "fgetxattr(%d, %s, %s, %zu)", fd, quoted(long_name, strlen(long_name)),
		    quoted(buf, r), sizeof(buf));
	r = syscall(SYS_fgetxattr, fd, long_name, buf, 2);
	expect_line(expect_result(r), "fgetxattr(%d, %s, %p, 2)", fd, quoted(long_name, strlen(long_name)), buf);
	r = syscall(SYS_lgetxattr, "lnk", "user.none", buf, sizeof(buf));
	expect_line(expect_result(r), "lgetxattr(\"lnk\", \"user.none\", %p, %zu)", buf, sizeof(buf));
	r = syscall(SYS_getxattr, "file", "user.bin", buf, sizeof(buf));
	expect_line(expect_result(r), "getxattr(\"file\", \"user.bin\", \"a\\0001\", %zu)", sizeof(buf));

	r = syscall(SYS_listxattr, "file", buf, sizeof(buf));
	expect_line(expect_result(r), "listxattr(\"file\", %s, %zu)", quoted(buf, r), sizeof(buf));
	r = syscall(SYS_listxattr, "file", NULL, 0);
	expect_line(expect_result(r), "listxattr(\"file\", NULL, 0)");
	r = syscall(SYS_flistxattr, fd, buf, 1);
	expect_line(expect_result(r), "flistxattr(%d, %p, 1)", fd, buf);
	r = syscall(SYS_llistxattr, "lnk", buf, sizeof(buf));
	expect_line(expect_result(r), "llistxattr(\"lnk\", %s, %zu)", r > 0 ? quoted(buf, r) : "\"\"", sizeof(buf));

	r = syscall(SYS_removexattr, "file", "user.one");
	expect_line(expect_result(r), "removexattr(\"file\", \"user.one\")");
	r = syscall(SYS_fremovexattr, fd, long_name);
	expect_line(expect_result(r), "fremovexattr(%d, %s)", fd, quoted(long_name, strlen(long_name)));
	r = syscall(SYS_lremovexattr, "lnk", NULL);
	expect_line(expect_result(r), "lremovexattr(\"lnk\", NULL)");
	r = syscall(SYS_fremovexattr, fd, (char *) 8);
	expect_line(expect_result(r), "fremovexattr(%d, 0x8)", fd);
	expect_exit(0);
	return 0;
}
