// sysrec-test: -e trace=memfd_create -s 250
/* memfd_create's name: strace reads no more than the kernel's limit (249 characters and the
 * NUL), so at a -s that large a 250-character name shows `...` although it is not cut. */
#define _GNU_SOURCE
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "../expect.h"

int main(void)
{
	char name[400];
	static const int lengths[] = { 249, 250, 300 };
	for (unsigned i = 0; i < 3; i++) {
		int n = lengths[i];
		memset(name, 'm', n);
		name[n] = '\0';
		long rc = syscall(SYS_memfd_create, name, 0);
		char shown[260];
		memcpy(shown, name, n < 250 ? n : 250);
		shown[n < 250 ? n : 250] = '\0';
		expect_line(rc >= 0 ? "= 3" : "= -1 EINVAL (Invalid argument)", "memfd_create(\"%s\"%s, 0)",
			    shown, n < 250 ? "" : "...");
	}
	expect_exit(0);
	return 0;
}
