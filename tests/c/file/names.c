// sysrec-test: -e trace=mkdir,mkdirat,rmdir,unlink,unlinkat,rename,renameat,renameat2,link,linkat,symlink,symlinkat,readlink,readlinkat,getcwd,chdir,fchdir,chroot,access,faccessat,faccessat2 -s 8
/* Calls that take file names: AT_* and RENAME_* flags, unknown bits, paths never cut by -s
 * while readlink's buffer is, getcwd's path, access modes. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "../expect.h"


int main(void)
{
	long r;
	char buf[256], cwd[4096], wd[32];
	const char *exe = (const char *) getauxval(AT_EXECFN);

	/* static glibc's start-up asks where the program is */
	expect_line(expect_result(strlen(exe)), "readlink(\"/proc/self/exe\", \"%.8s\"%s, 4096)", exe,
		    strlen(exe) > 8 ? "..." : "");
	/* a directory of its own: strace and sysrec run the program in the same place */
	snprintf(wd, sizeof(wd), "w%d", getpid());
	r = syscall(SYS_mkdir, wd, 0700);
	expect_line(expect_result(r), "mkdir(\"%s\", 0700)", wd);
	r = syscall(SYS_chdir, wd);
	expect_line(expect_result(r), "chdir(\"%s\")", wd);

	r = syscall(SYS_mkdir, "a-long-directory-name", 0755);
	expect_line(expect_result(r), "mkdir(\"a-long-directory-name\", 0755)");
	int dir = open("a-long-directory-name", O_RDONLY | O_DIRECTORY);
	r = syscall(SYS_mkdirat, dir, "sub", 0);
	expect_line(expect_result(r), "mkdirat(%d, \"sub\", 000)", dir);
	r = syscall(SYS_mkdirat, AT_FDCWD, "sub2", 01777);
	expect_line(expect_result(r), "mkdirat(AT_FDCWD, \"sub2\", 01777)");
	r = syscall(SYS_rmdir, "sub2");
	expect_line(expect_result(r), "rmdir(\"sub2\")");
	r = syscall(SYS_rmdir, NULL);
	expect_line(expect_result(r), "rmdir(NULL)");

	r = syscall(SYS_symlink, "a-long-directory-name/sub", "lnk");
	expect_line(expect_result(r), "symlink(\"a-long-directory-name/sub\", \"lnk\")");
	r = syscall(SYS_symlinkat, "target", dir, "lnk2");
	expect_line(expect_result(r), "symlinkat(\"target\", %d, \"lnk2\")", dir);
	r = syscall(SYS_readlink, "lnk", buf, sizeof(buf));
	expect_line(expect_result(r), "readlink(\"lnk\", \"a-long-d\"..., %zu)", sizeof(buf));
	r = syscall(SYS_readlinkat, dir, "lnk2", buf, 3);
	expect_line(expect_result(r), "readlinkat(%d, \"lnk2\", \"tar\", 3)", dir);
	r = syscall(SYS_readlinkat, AT_FDCWD, "lnk", buf, 0);
	expect_line(expect_result(r), "readlinkat(AT_FDCWD, \"lnk\", %p, 0)", buf);
	r = syscall(SYS_readlink, "missing", buf, sizeof(buf));
	expect_line(expect_result(r), "readlink(\"missing\", %p, %zu)", buf, sizeof(buf));

	int f = open("file", O_WRONLY | O_CREAT, 0644);
	r = syscall(SYS_link, "file", "hard");
	expect_line(expect_result(r), "link(\"file\", \"hard\")");
	r = syscall(SYS_linkat, AT_FDCWD, "lnk", dir, "hard2", AT_SYMLINK_FOLLOW);
	expect_line(expect_result(r), "linkat(AT_FDCWD, \"lnk\", %d, \"hard2\", AT_SYMLINK_FOLLOW)", dir);
	r = syscall(SYS_linkat, f, "", AT_FDCWD, "hard3", AT_EMPTY_PATH | 0x80000);
	expect_line(expect_result(r), "linkat(%d, \"\", AT_FDCWD, \"hard3\", AT_EMPTY_PATH|0x80000)", f);
	r = syscall(SYS_rename, "hard", "hard4");
	expect_line(expect_result(r), "rename(\"hard\", \"hard4\")");
	r = syscall(SYS_renameat, AT_FDCWD, "hard4", dir, "hard5");
	expect_line(expect_result(r), "renameat(AT_FDCWD, \"hard4\", %d, \"hard5\")", dir);
	r = syscall(SYS_renameat2, dir, "hard5", AT_FDCWD, "file", RENAME_NOREPLACE);
	expect_line(expect_result(r), "renameat2(%d, \"hard5\", AT_FDCWD, \"file\", RENAME_NOREPLACE)", dir);
	r = syscall(SYS_renameat2, dir, "hard5", AT_FDCWD, "file", RENAME_EXCHANGE | RENAME_WHITEOUT);
	expect_line(expect_result(r), "renameat2(%d, \"hard5\", AT_FDCWD, \"file\", RENAME_EXCHANGE|RENAME_WHITEOUT)", dir);
	r = syscall(SYS_renameat2, dir, "hard5", AT_FDCWD, "file", 0x10);
	expect_line(expect_result(r), "renameat2(%d, \"hard5\", AT_FDCWD, \"file\", 0x10 /* RENAME_?? */)", dir);
	r = syscall(SYS_renameat2, dir, "hard5", AT_FDCWD, "hard6", 0);
	expect_line(expect_result(r), "renameat2(%d, \"hard5\", AT_FDCWD, \"hard6\", 0)", dir);

	r = syscall(SYS_unlink, "hard6");
	expect_line(expect_result(r), "unlink(\"hard6\")");
	r = syscall(SYS_unlinkat, dir, "hard2", 0);
	expect_line(expect_result(r), "unlinkat(%d, \"hard2\", 0)", dir);
	r = syscall(SYS_unlinkat, dir, "sub", AT_REMOVEDIR);
	expect_line(expect_result(r), "unlinkat(%d, \"sub\", AT_REMOVEDIR)", dir);
	r = syscall(SYS_unlinkat, AT_FDCWD, "lnk", 0x1);
	expect_line(expect_result(r), "unlinkat(AT_FDCWD, \"lnk\", 0x1 /* AT_??? */)");
	r = syscall(SYS_unlink, (char *) 16);
	expect_line(expect_result(r), "unlink(0x10)");

	r = syscall(SYS_access, "file", F_OK);
	expect_line(expect_result(r), "access(\"file\", F_OK)");
	r = syscall(SYS_access, "file", R_OK | W_OK | X_OK);
	expect_line(expect_result(r), "access(\"file\", R_OK|W_OK|X_OK)");
	r = syscall(SYS_access, "file", 8);
	expect_line(expect_result(r), "access(\"file\", 0x8 /* ?_OK */)");
	r = syscall(SYS_faccessat, dir, "lnk2", R_OK | 0x10);
	expect_line(expect_result(r), "faccessat(%d, \"lnk2\", R_OK|0x10)", dir);
	r = syscall(SYS_faccessat2, AT_FDCWD, "lnk", W_OK, AT_EACCESS | AT_SYMLINK_NOFOLLOW);
	expect_line(expect_result(r), "faccessat2(AT_FDCWD, \"lnk\", W_OK, AT_SYMLINK_NOFOLLOW|AT_EACCESS)");
	r = syscall(SYS_faccessat2, f, "", X_OK, AT_EMPTY_PATH);
	expect_line(expect_result(r), "faccessat2(%d, \"\", X_OK, AT_EMPTY_PATH)", f);
	r = syscall(SYS_faccessat2, AT_FDCWD, "file", F_OK, 0x4);
	expect_line(expect_result(r), "faccessat2(AT_FDCWD, \"file\", F_OK, 0x4 /* AT_??? */)");

	r = syscall(SYS_getcwd, cwd, sizeof(cwd));
	expect_line(expect_result(r), "getcwd(\"%s\", %zu)", cwd, sizeof(cwd));
	r = syscall(SYS_getcwd, buf, 2);
	expect_line(expect_result(r), "getcwd(%p, 2)", buf);
	r = syscall(SYS_chdir, "a-long-directory-name");
	expect_line(expect_result(r), "chdir(\"a-long-directory-name\")");
	r = syscall(SYS_fchdir, -1);
	expect_line(expect_result(r), "fchdir(-1)");
	r = syscall(SYS_fchdir, dir);
	expect_line(expect_result(r), "fchdir(%d)", dir);
	r = syscall(SYS_chroot, "/no/such/root");
	expect_line(expect_result(r), "chroot(\"/no/such/root\")");
	expect_exit(0);
	return 0;
}
