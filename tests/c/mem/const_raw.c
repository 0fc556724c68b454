// sysrec-test: -X raw -e trace=mmap,munmap,openat,socket,fcntl,kill,access
/* -X raw: every named constant as its number: flag sets and composites in hex (`0x22`,
 * `0x80401`), AT_FDCWD as -100, a socket's type apart from its flags (`0x2|0x800`), signals in
 * decimal. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "../expect.h"

int main(void)
{
	static char out_buffer[1 << 14];
	setvbuf(stdout, out_buffer, _IOFBF, sizeof(out_buffer));
	long r;
	char result[64];

	void *p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	sprintf(result, "= %p", p);
	expect_line(result, "mmap(NULL, 8192, 0x3, 0x22, -1, 0)");
	r = syscall(SYS_munmap, p, 8192);
	expect_line(expect_result(r), "munmap(%p, 8192)", p);

	r = syscall(SYS_openat, AT_FDCWD, "/dev/null", O_WRONLY | O_APPEND | O_CLOEXEC);
	expect_line(expect_result(r), "openat(-100, \"/dev/null\", 0x80401)");
	int fd = r;
	r = syscall(SYS_fcntl, fd, F_GETFD);
	expect_line("= 0x1 (flags 0x1)", "fcntl(%d, 0x1)", fd);
	r = syscall(SYS_fcntl, fd, F_SETFD, 0);
	expect_line(expect_result(r), "fcntl(%d, 0x2, 0)", fd);
	r = syscall(SYS_openat, AT_FDCWD, "/nonexistent", O_RDONLY);
	expect_line(expect_result(r), "openat(-100, \"/nonexistent\", 0)");

	r = syscall(SYS_socket, AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	expect_line(expect_result(r), "socket(0x2, 0x2|0x800, 0)");
	r = syscall(SYS_access, "/", R_OK | X_OK);
	expect_line(expect_result(r), "access(\"/\", 0x5)");
	r = syscall(SYS_kill, getpid(), 0);
	expect_line(expect_result(r), "kill(%d, 0)", getpid());
	r = syscall(SYS_kill, 0x7fffffff, SIGTERM);
	expect_line(expect_result(r), "kill(%d, 15)", 0x7fffffff);
	expect_exit(0);
	return 0;
}
