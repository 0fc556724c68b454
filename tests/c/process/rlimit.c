// sysrec-test: -e trace=prlimit64,getrlimit,setrlimit,getrusage,getpriority,setpriority
/* Resource limits (`8192*1024`, RLIM64_INFINITY), rusage (strace's abbreviated struct),
 * priorities; the start-up's own prlimit64 line comes first. */
#include "process.h"

struct rlim64 { unsigned long long cur, max; };

static const char *lim(struct rlim64 *r)
{
	static char buf[2][128];
	static int which;
	char a[32], b[32];
	which ^= 1;
	snprintf(buf[which], sizeof(buf[0]), "{rlim_cur=%s, rlim_max=%s}",
		 rlim_text(r->cur, a, sizeof(a)), rlim_text(r->max, b, sizeof(b)));
	return buf[which];
}

static const char *ru_text(struct rusage *ru)
{
	static char buf[256];
	snprintf(buf, sizeof(buf), "{ru_utime={tv_sec=%ld, tv_usec=%ld}, ru_stime={tv_sec=%ld, tv_usec=%ld}, ...}",
		 ru->ru_utime.tv_sec, ru->ru_utime.tv_usec, ru->ru_stime.tv_sec, ru->ru_stime.tv_usec);
	return buf;
}

int main(void)
{
	struct rlim64 r, old;
	long rc = syscall(SYS_getrlimit, RLIMIT_STACK, &r);
	expect_line("= 0", "prlimit64(0, RLIMIT_STACK, NULL, %s)", lim(&r));
	expect_line(rv(rc), "getrlimit(RLIMIT_STACK, %s)", lim(&r));
	rc = syscall(SYS_getrlimit, RLIMIT_NOFILE, &r);
	expect_line(rv(rc), "getrlimit(RLIMIT_NOFILE, %s)", lim(&r));
	rc = syscall(SYS_getrlimit, 99, &r);
	expect_line(rv(rc), "getrlimit(0x63 /* RLIMIT_??? */, %p)", &r);
	rc = syscall(SYS_getrlimit, RLIMIT_CORE, 8);
	expect_line(rv(rc), "getrlimit(RLIMIT_CORE, 0x8)");

	rc = syscall(SYS_getrlimit, RLIMIT_CORE, &old);
	expect_line(rv(rc), "getrlimit(RLIMIT_CORE, %s)", lim(&old));
	r.cur = 1025;
	r.max = old.max;
	rc = syscall(SYS_setrlimit, RLIMIT_CORE, &r);
	expect_line(rv(rc), "setrlimit(RLIMIT_CORE, %s)", lim(&r));
	r.cur = 1024;
	rc = syscall(SYS_setrlimit, RLIMIT_CORE, &r);
	expect_line(rv(rc), "setrlimit(RLIMIT_CORE, %s)", lim(&r));
	rc = syscall(SYS_setrlimit, RLIMIT_CORE, NULL);
	expect_line(rv(rc), "setrlimit(RLIMIT_CORE, NULL)");

	struct rlim64 nr = {2048, old.max};
	rc = syscall(SYS_prlimit64, 0, RLIMIT_CORE, &nr, &old);
	expect_line(rv(rc), "prlimit64(0, RLIMIT_CORE, %s, %s)", lim(&nr), lim(&old));
	rc = syscall(SYS_prlimit64, 0, RLIMIT_CORE, NULL, NULL);
	expect_line(rv(rc), "prlimit64(0, RLIMIT_CORE, NULL, NULL)");
	rc = syscall(SYS_prlimit64, 0, RLIMIT_CPU, 8, &old);
	expect_line(rv(rc), "prlimit64(0, RLIMIT_CPU, 0x8, %p)", &old);
	rc = syscall(SYS_prlimit64, -7, 16, NULL, &old);
	expect_line(rv(rc), "prlimit64(-7, 0x10 /* RLIMIT_??? */, NULL, %p)", &old);

	struct rusage ru;
	rc = syscall(SYS_getrusage, RUSAGE_SELF, &ru);
	expect_line(rv(rc), "getrusage(RUSAGE_SELF, %s)", ru_text(&ru));
	rc = syscall(SYS_getrusage, (long) RUSAGE_CHILDREN, &ru);
	expect_line(rv(rc), "getrusage(RUSAGE_CHILDREN, %s)", ru_text(&ru));
	rc = syscall(SYS_getrusage, RUSAGE_THREAD, &ru);
	expect_line(rv(rc), "getrusage(RUSAGE_THREAD, %s)", ru_text(&ru));
	rc = syscall(SYS_getrusage, 5, &ru);
	expect_line(rv(rc), "getrusage(0x5 /* RUSAGE_??? */, %p)", &ru);
	rc = syscall(SYS_getrusage, RUSAGE_SELF, NULL);
	expect_line(rv(rc), "getrusage(RUSAGE_SELF, NULL)");

	rc = syscall(SYS_getpriority, PRIO_PROCESS, 0);
	expect_line(rv(rc), "getpriority(PRIO_PROCESS, 0)");
	rc = syscall(SYS_setpriority, PRIO_PROCESS, 0, 0);
	expect_line(rv(rc), "setpriority(PRIO_PROCESS, 0, 0)");
	rc = syscall(SYS_setpriority, PRIO_PGRP, 0, -21);
	expect_line(rv(rc), "setpriority(PRIO_PGRP, 0, -21)");
	rc = syscall(SYS_getpriority, PRIO_USER, 0);
	expect_line(rv(rc), "getpriority(PRIO_USER, 0)");
	rc = syscall(SYS_getpriority, 5, -1);
	expect_line(rv(rc), "getpriority(0x5 /* PRIO_??? */, -1)");
	expect_exit(0);
	return 0;
}
