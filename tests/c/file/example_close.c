// sysrec-test: -e trace=close
/* The harness's own example: close() of a good fd and of a bad one. */
#include <fcntl.h>
#include <unistd.h>
#include "../expect.h"

int main(void)
{
	int fd = open("/dev/null", O_RDONLY);
	long rc = close(fd);
	expect_line("= 0", "close(%d)", fd);
	rc = close(-1);
	expect_line("= -1 EBADF (Bad file descriptor)", "close(-1)");
	expect_exit(0);
	return (int) rc + 1;
}
