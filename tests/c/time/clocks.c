// sysrec-test: -e trace=clock_gettime,clock_getres,clock_settime,gettimeofday,settimeofday
/* Reading and setting clocks: clock ids by name, unknown ids (strace 6.1 as built here names
 * no CPU or fd clocks: they print as unknown hex values), the time written at exit, NULL and
 * unreadable pointers, a failed call (its result pointer only as an address), gettimeofday's
 * timezone. Called through syscall() so the vDSO does not answer instead. */
#define _GNU_SOURCE
#include <errno.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include "../expect.h"

static const char *ret(long rc)
{
	if (rc >= 0)
		return "= 0";
	switch (errno) {
	case EINVAL: return "= -1 EINVAL (Invalid argument)";
	case EFAULT: return "= -1 EFAULT (Bad address)";
	case EPERM: return "= -1 EPERM (Operation not permitted)";
	default: return "= -1 E??? (unexpected)";
	}
}

int main(void)
{
	struct timespec ts;
	long rc = syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts);
	expect_line(ret(rc), "clock_gettime(CLOCK_MONOTONIC, {tv_sec=%lld, tv_nsec=%ld})",
		    (long long) ts.tv_sec, ts.tv_nsec);
	rc = syscall(SYS_clock_gettime, CLOCK_BOOTTIME, &ts);
	expect_line(ret(rc), "clock_gettime(CLOCK_BOOTTIME, {tv_sec=%lld, tv_nsec=%ld})",
		    (long long) ts.tv_sec, ts.tv_nsec);
	rc = syscall(SYS_clock_gettime, 12, &ts);
	expect_line(ret(rc), "clock_gettime(0xc /* CLOCK_??? */, %p)", (void *) &ts);
	rc = syscall(SYS_clock_gettime, CLOCK_REALTIME, NULL);
	expect_line(ret(rc), "clock_gettime(CLOCK_REALTIME, NULL)");
	rc = syscall(SYS_clock_gettime, CLOCK_TAI, (void *) 1);
	expect_line(ret(rc), "clock_gettime(CLOCK_TAI, 0x1)");
	rc = syscall(SYS_clock_gettime, -2, &ts); /* this process's CPU time, by pid 0 */
	expect_line(ret(rc), "clock_gettime(0xfffffffe /* CLOCK_??? */, {tv_sec=%lld, tv_nsec=%ld})",
		    (long long) ts.tv_sec, ts.tv_nsec);
	rc = syscall(SYS_clock_getres, CLOCK_MONOTONIC_COARSE, &ts);
	expect_line(ret(rc), "clock_getres(CLOCK_MONOTONIC_COARSE, {tv_sec=%lld, tv_nsec=%ld})",
		    (long long) ts.tv_sec, ts.tv_nsec);
	rc = syscall(SYS_clock_getres, CLOCK_PROCESS_CPUTIME_ID, NULL);
	expect_line(ret(rc), "clock_getres(CLOCK_PROCESS_CPUTIME_ID, NULL)");

	ts.tv_sec = 1;
	ts.tv_nsec = 5;
	rc = syscall(SYS_clock_settime, CLOCK_MONOTONIC, &ts);
	expect_line(ret(rc), "clock_settime(CLOCK_MONOTONIC, {tv_sec=1, tv_nsec=5})");
	ts.tv_sec = -1;
	ts.tv_nsec = -1;
	rc = syscall(SYS_clock_settime, CLOCK_REALTIME, &ts);
	expect_line(ret(rc), "clock_settime(CLOCK_REALTIME, {tv_sec=-1, tv_nsec=18446744073709551615})");
	rc = syscall(SYS_clock_settime, CLOCK_REALTIME, NULL);
	expect_line(ret(rc), "clock_settime(CLOCK_REALTIME, NULL)");

	struct timeval tv;
	struct timezone tz;
	rc = syscall(SYS_gettimeofday, &tv, &tz);
	expect_line(ret(rc), "gettimeofday({tv_sec=%lld, tv_usec=%ld}, {tz_minuteswest=%d, "
		    "tz_dsttime=%d})", (long long) tv.tv_sec, tv.tv_usec, tz.tz_minuteswest,
		    tz.tz_dsttime);
	rc = syscall(SYS_gettimeofday, &tv, NULL);
	expect_line(ret(rc), "gettimeofday({tv_sec=%lld, tv_usec=%ld}, NULL)",
		    (long long) tv.tv_sec, tv.tv_usec);
	rc = syscall(SYS_gettimeofday, NULL, NULL);
	expect_line(ret(rc), "gettimeofday(NULL, NULL)");
	rc = syscall(SYS_gettimeofday, (void *) 1, &tz);
	expect_line(ret(rc), "gettimeofday(0x1, %p)", (void *) &tz);
	/* Both values invalid, so that the kernel changes nothing (it would set the time zone
	 * before it rejects a time). */
	tv.tv_sec = 0;
	tv.tv_usec = 2000000;
	tz.tz_minuteswest = -1000;
	tz.tz_dsttime = 0;
	rc = syscall(SYS_settimeofday, &tv, &tz);
	expect_line(ret(rc), "settimeofday({tv_sec=0, tv_usec=2000000}, {tz_minuteswest=-1000, "
		    "tz_dsttime=0})");
	rc = syscall(SYS_settimeofday, (void *) 1, NULL);
	expect_line(ret(rc), "settimeofday(0x1, NULL)");
	expect_exit(0);
	return 0;
}
