// sysrec-test: -e trace=uname,sysinfo,personality,getrandom,unshare,setns -s 0
/* uname (its strings are not cut by -s), sysinfo, personality's type|flags and hex return,
 * getrandom's flags (-s 0 hides the start-up's random bytes: glibc's malloc asks for 8),
 * unshare and setns flags. */
#include "process.h"
#include <fcntl.h>
#include <linux/random.h>
#include <sched.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>

int main(void)
{
	expect_line("= 8", "getrandom(\"\"..., 8, GRND_NONBLOCK)");
	struct utsname u;
	long rc = syscall(SYS_uname, &u);
	expect_line(rv(rc), "uname({sysname=\"%s\", nodename=\"%s\", ...})", u.sysname, u.nodename);
	rc = syscall(SYS_uname, NULL);
	expect_line(rv(rc), "uname(NULL)");
	rc = syscall(SYS_uname, 8);
	expect_line(rv(rc), "uname(0x8)");

	struct sysinfo si;
	rc = syscall(SYS_sysinfo, &si);
	/* -s 0 leaves none of the three loads */
	expect_line(rv(rc), "sysinfo({uptime=%ld, loads=[...], totalram=%lu, freeram=%lu, sharedram=%lu, bufferram=%lu, totalswap=%lu, freeswap=%lu, procs=%u, totalhigh=%lu, freehigh=%lu, mem_unit=%u})",
		    si.uptime, si.totalram, si.freeram, si.sharedram,
		    si.bufferram, si.totalswap, si.freeswap, si.procs, si.totalhigh, si.freehigh, si.mem_unit);
	rc = syscall(SYS_sysinfo, 8);
	expect_line(rv(rc), "sysinfo(0x8)");

	rc = syscall(SYS_personality, 0xffffffffUL);
	expect_line(rv_hex(rc, "PER_LINUX"), "personality(0xffffffff)");
	rc = syscall(SYS_personality, 0x0400000);
	expect_line(rv_hex(rc, "PER_LINUX"), "personality(PER_LINUX|READ_IMPLIES_EXEC)");
	rc = syscall(SYS_personality, 0x8 | 0x0040000);
	expect_line(rv_hex(rc, "PER_LINUX|READ_IMPLIES_EXEC"), "personality(PER_LINUX32|ADDR_NO_RANDOMIZE)");
	rc = syscall(SYS_personality, 0x55);
	expect_line(rv_hex(rc, "PER_LINUX32|ADDR_NO_RANDOMIZE"), "personality(0x55 /* PER_??? */)");
	rc = syscall(SYS_personality, 0);
	expect_line(rv_hex(rc, "0x55 /* PER_??? */"), "personality(PER_LINUX)");

	char buf[16];
	rc = syscall(SYS_getrandom, buf, sizeof(buf), 0);
	expect_line(rv(rc), "getrandom(\"\"..., 16, 0)");
	rc = syscall(SYS_getrandom, buf, 0, GRND_RANDOM | GRND_NONBLOCK);
	expect_line(rv(rc), "getrandom(\"\", 0, GRND_NONBLOCK|GRND_RANDOM)");
	rc = syscall(SYS_getrandom, buf, 4, 0x10 | GRND_INSECURE);
	expect_line(rv(rc), "getrandom(%p, 4, GRND_INSECURE|0x10)", buf);
	rc = syscall(SYS_getrandom, 8, 4, 0);
	expect_line(rv(rc), "getrandom(0x8, 4, 0)");

	rc = syscall(SYS_unshare, 0);
	expect_line(rv(rc), "unshare(0)");
	rc = syscall(SYS_unshare, CLONE_NEWUTS | CLONE_FILES);
	expect_line(rv(rc), "unshare(CLONE_FILES|CLONE_NEWUTS)");
	rc = syscall(SYS_unshare, 0x1);
	expect_line(rv(rc), "unshare(0x1 /* CLONE_??? */)");
	int fd = open("/proc/self/ns/uts", O_RDONLY);
	rc = syscall(SYS_setns, fd, CLONE_NEWUTS);
	expect_line(rv(rc), "setns(%d, CLONE_NEWUTS)", fd);
	rc = syscall(SYS_setns, fd, 0);
	expect_line(rv(rc), "setns(%d, 0)", fd);
	rc = syscall(SYS_setns, -1, CLONE_NEWNET | 0x1);
	expect_line(rv(rc), "setns(-1, CLONE_NEWNET|0x1)");
	rc = syscall(SYS_setns, -1, 0x1);
	expect_line(rv(rc), "setns(-1, 0x1 /* CLONE_NEW??? */)");
	expect_exit(0);
	return 0;
}
