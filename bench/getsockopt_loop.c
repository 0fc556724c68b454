/* 20,000 (or argv[1]) getsockopt(SO_ERROR) calls on one TCP socket: every one a traced syscall. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <netinet/in.h>

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 20000;
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0) {
		perror("socket");
		return 1;
	}
	for (long i = 0; i < n; i++) {
		int err = 0;
		socklen_t len = sizeof(err);
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) {
			perror("getsockopt");
			return 1;
		}
	}
	return 0;
}
