/* The calls of const_raw.c and const_verbose.c, each line as both styles print it: STYLE(raw,
 * verbose) picks one, as the including program defines XLAT_VERBOSE or not (strace's own tests
 * do the same with XLAT_RAW/XLAT_VERBOSE). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "../expect.h"

#ifdef XLAT_VERBOSE
#define STYLE(raw, verbose) verbose
#else
#define STYLE(raw, verbose) raw
#endif

int main(void)
{
	static char out_buffer[1 << 14];
	setvbuf(stdout, out_buffer, _IOFBF, sizeof(out_buffer));
	long r;
	char result[64];

	void *p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	sprintf(result, "= %p", p);
	expect_line(result, STYLE("mmap(NULL, 8192, 0x3, 0x22, -1, 0)",
				  "mmap(NULL, 8192, 0x3 /* PROT_READ|PROT_WRITE */, 0x22 /* MAP_PRIVATE|MAP_ANONYMOUS */, -1, 0)"));
	r = syscall(SYS_munmap, p, 8192);
	expect_line(expect_result(r), "munmap(%p, 8192)", p);

	r = syscall(SYS_openat, AT_FDCWD, "/dev/null", O_WRONLY | O_APPEND | O_CLOEXEC);
	expect_line(expect_result(r), STYLE("openat(-100, \"/dev/null\", 0x80401)",
					    "openat(-100 /* AT_FDCWD */, \"/dev/null\", 0x80401 /* O_WRONLY|O_APPEND|O_CLOEXEC */)"));
	int fd = r;
	r = syscall(SYS_fcntl, fd, F_GETFD);
	expect_line(STYLE("= 0x1 (flags 0x1)", "= 0x1 (flags 0x1 /* FD_CLOEXEC */)"),
		    STYLE("fcntl(%d, 0x1)", "fcntl(%d, 0x1 /* F_GETFD */)"), fd);
	r = syscall(SYS_fcntl, fd, F_SETFD, 0);
	expect_line(expect_result(r), STYLE("fcntl(%d, 0x2, 0)", "fcntl(%d, 0x2 /* F_SETFD */, 0)"), fd);
	r = syscall(SYS_openat, AT_FDCWD, "/nonexistent", O_RDONLY);
	expect_line(expect_result(r), STYLE("openat(-100, \"/nonexistent\", 0)",
					    "openat(-100 /* AT_FDCWD */, \"/nonexistent\", 0 /* O_RDONLY */)"));

	r = syscall(SYS_socket, AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	expect_line(expect_result(r), STYLE("socket(0x2, 0x2|0x800, 0)",
					    "socket(0x2 /* AF_INET */, 0x2 /* SOCK_DGRAM */|0x800 /* SOCK_NONBLOCK */, 0 /* IPPROTO_IP */)"));
	r = syscall(SYS_access, "/", R_OK | X_OK);
	expect_line(expect_result(r), STYLE("access(\"/\", 0x5)", "access(\"/\", 0x5 /* R_OK|X_OK */)"));
	r = syscall(SYS_kill, getpid(), 0);
	expect_line(expect_result(r), "kill(%d, 0)", getpid());
	r = syscall(SYS_kill, 0x7fffffff, SIGTERM);
	expect_line(expect_result(r), STYLE("kill(%d, 15)", "kill(%d, 15 /* SIGTERM */)"), 0x7fffffff);
	expect_exit(0);
	return 0;
}
