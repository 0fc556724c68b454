// sysrec-test: -e trace=execveat -s 5
/* execveat (execve's arguments decode the same way, but every traced program starts with an
 * execve whose envp address only the tracer knows): argv cut after -s elements and bytes,
 * envp as a count, NULL and unreadable arrays and strings, flags, and a successful exec whose
 * line the new image prints. */
#include "process.h"
#include <fcntl.h>

/* A string as -s 5 prints it. */
static const char *cut(const char *s)
{
	static char buf[4][64];
	static int which;
	which = (which + 1) % 4;
	snprintf(buf[which], sizeof(buf[0]), "\"%.5s\"%s", s, strlen(s) > 5 ? "..." : "");
	return buf[which];
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "again") == 0) {
		expect_line("= 0", "execveat(AT_FDCWD, \"/proc/self/exe\", [%s, %s, %s], %s /* 1 var */, 0)",
			    cut(argv[0]), cut(argv[1]), cut(argv[2]), argv[2]);
		expect_exit(0);
		return 0;
	}
	char *args[] = {"a", "abcdefgh", NULL};
	char *env[] = {"X=1", "Y=2", NULL};
	long rc = syscall(SYS_execveat, AT_FDCWD, "/nonexistent/x", args, env, 0);
	expect_line(rv(rc), "execveat(AT_FDCWD, \"/nonexistent/x\", [\"a\", \"abcde\"...], %p /* 2 vars */, 0)", env);
	char *many[] = {"1", "2", "3", "4", "5", "6", "7", NULL};
	rc = syscall(SYS_execveat, AT_FDCWD, "/nonexistent/x", many, NULL, AT_SYMLINK_NOFOLLOW);
	expect_line(rv(rc), "execveat(AT_FDCWD, \"/nonexistent/x\", [\"1\", \"2\", \"3\", \"4\", \"5\", ...], NULL, AT_SYMLINK_NOFOLLOW)");
	rc = syscall(SYS_execveat, AT_FDCWD, "/nonexistent/x", NULL, env + 1, AT_EMPTY_PATH | 0x1);
	expect_line(rv(rc), "execveat(AT_FDCWD, \"/nonexistent/x\", NULL, %p /* 1 var */, AT_EMPTY_PATH|0x1)", env + 1);
	char *bad[] = {"ok", (char *) 8, NULL};
	rc = syscall(SYS_execveat, AT_FDCWD, "/nonexistent/x", bad, env + 2, 0x2);
	expect_line(rv(rc), "execveat(AT_FDCWD, \"/nonexistent/x\", [\"ok\", 0x8], %p /* 0 vars */, 0x2 /* AT_??? */)", env + 2);
	rc = syscall(SYS_execveat, AT_FDCWD, "/nonexistent/x", 8, 16, 0);
	expect_line(rv(rc), "execveat(AT_FDCWD, \"/nonexistent/x\", 0x8, 0x10, 0)");
	int dir = open("/", O_RDONLY | O_DIRECTORY);
	rc = syscall(SYS_execveat, dir, "a-long-relative-name", args, env, 0);
	expect_line(rv(rc), "execveat(%d, \"a-long-relative-name\", [\"a\", \"abcde\"...], %p /* 2 vars */, 0)", dir, env);

	char where[32];
	char *again_env[] = {"Z=3", NULL};
	snprintf(where, sizeof(where), "%p", (void *) again_env);
	char *again[] = {"/proc/self/exe", "again", where, NULL};
	syscall(SYS_execveat, AT_FDCWD, "/proc/self/exe", again, again_env, 0);
	return 1;
}
