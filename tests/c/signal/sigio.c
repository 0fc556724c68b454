// sysrec-test: -e trace=rt_sigreturn
/* SIGIO from an O_ASYNC pipe: by default the kernel sends it without details (SI_KERNEL);
 * after F_SETSIG it says why (POLL_IN), with the band and the fd (`si_fd=3`). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>
#include "../expect.h"

static void handler(int sig) { (void) sig; }

int main(void)
{
	int fds[2];
	pipe(fds);
	signal(SIGIO, handler);
	fcntl(fds[0], F_SETOWN, getpid());
	fcntl(fds[0], F_SETFL, O_ASYNC | O_NONBLOCK);
	write(fds[1], "x", 1);
	printf("--- SIGIO {si_signo=SIGIO, si_code=SI_KERNEL} ---\n");
	expect_line("= 1", "rt_sigreturn({mask=[]})");

	fcntl(fds[0], F_SETSIG, SIGIO);
	write(fds[1], "y", 1);
	printf("--- SIGIO {si_signo=SIGIO, si_code=POLL_IN, si_band=%d, si_fd=%d} ---\n",
	       POLLIN | POLLRDNORM, fds[0]);
	expect_line("= 1", "rt_sigreturn({mask=[]})");
	expect_exit(0);
	return 0;
}
