// sysrec-test: -e trace=open,read,close,getpid,getppid,kill,dup2,mkdir,rmdir -e quiet=none
/* A 64-bit program calling through the i386 ABI (`int $0x80`): strace switches personality
 * (`[ Process PID=N runs in 32 bit mode. ]`, and back at the next 64-bit call) and names the
 * calls by the i386 table (4 is write there, 1 on x86-64), -e trace= picking them by name.
 * The i386 calls' pointers must fit in 32 bits: static, non-PIE data. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "../expect.h"

static char path[] = "/dev/null";
static char dir[] = "int80.d";
static char buf[8];

static long int80(long nr, long a, long b, long c)
{
	long ret;
	__asm__ volatile ("int $0x80" : "=a"(ret) : "a"(nr), "b"(a), "c"(b), "d"(c) : "memory");
	return ret;
}

static const char *ret32(long rc)
{
	static char buf[128];
	if (rc < 0 && rc > -4096) {
		errno = -rc;
		snprintf(buf, sizeof(buf), "= -1 %s (%s)", strerrorname_np(errno), strerror(errno));
	} else {
		snprintf(buf, sizeof(buf), "= %ld", rc);
	}
	return buf;
}

int main(void)
{
	int pid = getpid();
	expect_line(ret32(pid), "getpid()");
	/* one block of i386 calls, no 64-bit call in between (each would switch back: printing
	 * what is expected waits until after the block) */
	long fd = int80(5, (long) path, O_RDONLY, 0);                /* i386 open */
	long rd = int80(3, fd, (long) buf, 3);                       /* i386 read: "" at EOF */
	long dup = int80(63, fd, 100, 0);                            /* i386 dup2 */
	long mk = int80(39, (long) dir, 0755, 0);                    /* i386 mkdir */
	long mk2 = int80(39, (long) dir, 0755, 0);                   /* EEXIST */
	long rm = int80(40, (long) dir, 0, 0);                       /* i386 rmdir */
	long cl = int80(6, 100, 0, 0);                               /* i386 close */
	long kl = int80(37, pid, 0, 0);                              /* i386 kill(pid, 0) */
	long bad = int80(3, -1, 0, 0);                               /* i386 read(-1): EBADF */
	printf("[ Process PID=%d runs in 32 bit mode. ]\n", pid);
	expect_line(ret32(fd), "open(\"/dev/null\", O_RDONLY)");
	expect_line(ret32(rd), "read(%ld, \"\", 3)", fd);
	expect_line(ret32(dup), "dup2(%ld, 100)", fd);
	expect_line(ret32(mk), "mkdir(\"int80.d\", 0755)");
	expect_line(ret32(mk2), "mkdir(\"int80.d\", 0755)");
	expect_line(ret32(rm), "rmdir(\"int80.d\")");
	expect_line(ret32(cl), "close(100)");
	expect_line(ret32(kl), "kill(%d, 0)", pid);
	expect_line(ret32(bad), "read(-1, NULL, 0)");
	printf("[ Process PID=%d runs in 64 bit mode. ]\n", pid);
	long rc = syscall(SYS_getppid);
	expect_line(ret32(rc), "getppid()");
	expect_exit(0);
	return 0;
}
