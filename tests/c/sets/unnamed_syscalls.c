// sysrec-test: -e trace=getppid,epoll_ctl_old
/* Syscall numbers strace 6.1 has no name for print as `syscall_0x1f4(...)`, all six arguments
 * in hex, whatever the trace set holds; a named syscall whose decoder is strace's printargs
 * (epoll_ctl_old) prints its own number of arguments the same way. Calls outside the set
 * (getpid) do not print. */
#include <unistd.h>
#include <sys/syscall.h>
#include "../expect.h"

static const char *const ENOSYS_TEXT = "= -1 ENOSYS (Function not implemented)";

int main(void)
{
	syscall(500, 1, 0, -1L, 0x7fff0000L, 5, 6);
	expect_line(ENOSYS_TEXT, "syscall_0x1f4(0x1, 0, 0xffffffffffffffff, 0x7fff0000, 0x5, 0x6)");
	syscall(400, 0, 0, 0, 0, 0, 0);
	expect_line(ENOSYS_TEXT, "syscall_0x190(0, 0, 0, 0, 0, 0)");
	syscall(0x3fffffffL, 0x10, 0x20, 0x30, 0x40, 0x50, 0x60);
	expect_line(ENOSYS_TEXT, "syscall_0x3fffffff(0x10, 0x20, 0x30, 0x40, 0x50, 0x60)");
	syscall(-1L, 7, 0, 0, 0, 0, 0);
	expect_line(ENOSYS_TEXT, "syscall_0xffffffffffffffff(0x7, 0, 0, 0, 0, 0)");
	syscall(214, 3, 1, 0xdeadL, 0, 9, 9);
	expect_line(ENOSYS_TEXT, "epoll_ctl_old(0x3, 0x1, 0xdead, 0)");
	getpid();
	long ppid = syscall(SYS_getppid);
	char result[32];
	snprintf(result, sizeof(result), "= %ld", ppid);
	expect_line(result, "getppid()");
	expect_exit(0);
	return ppid < 0;
}
