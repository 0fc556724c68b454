// sysrec-test: -e trace=time,times,adjtimex,clock_adjtime
/* time() with the date strace adds (local time), times() with each clock_t's seconds in a
 * comment (`97 /* 0.97 s *` `/`), adjtimex and clock_adjtime reading the kernel clock (modes,
 * status flags, the clock state after the return value), and their failures. */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/times.h>
#include <sys/timex.h>
#include <time.h>
#include <unistd.h>
#include "../expect.h"

static const char *ret(long rc)
{
	static char buf[64];
	if (rc >= 0) {
		snprintf(buf, sizeof(buf), "= %ld", rc);
		return buf;
	}
	switch (errno) {
	case EINVAL: return "= -1 EINVAL (Invalid argument)";
	case EFAULT: return "= -1 EFAULT (Bad address)";
	case EOPNOTSUPP: return "= -1 EOPNOTSUPP (Operation not supported)";
	case EPERM: return "= -1 EPERM (Operation not permitted)";
	default: return "= -1 E??? (unexpected)";
	}
}

static const char *date(long long sec)
{
	static char buf[64];
	time_t t = sec;
	strftime(buf, sizeof(buf), "%FT%T%z", localtime(&t));
	return buf;
}

static const char *ticks(unsigned long long n)
{
	static char bufs[4][64];
	static int next;
	char *buf = bufs[next++ % 4];
	long hz = sysconf(_SC_CLK_TCK);
	if (n == 0) {
		strcpy(buf, "0");
		return buf;
	}
	snprintf(buf, 64, "%llu /* %llu.%02llu s */", n, n / hz, n % hz * 100 / hz);
	return buf;
}

static const char *status(int v)
{
	static const char *names[] = { "STA_PLL", "STA_PPSFREQ", "STA_PPSTIME", "STA_FLL",
		"STA_INS", "STA_DEL", "STA_UNSYNC", "STA_FREQHOLD", "STA_PPSSIGNAL", "STA_PPSJITTER",
		"STA_PPSWANDER", "STA_PPSERROR", "STA_CLOCKERR", "STA_NANO", "STA_MODE", "STA_CLK" };
	static char buf[512];
	buf[0] = 0;
	for (int i = 0; i < 16; i++)
		if (v & (1 << i))
			strcat(strcat(buf, buf[0] ? "|" : ""), names[i]);
	return buf[0] ? buf : "0";
}

static const char *state(long rc)
{
	static const char *names[] = { "TIME_OK", "TIME_INS", "TIME_DEL", "TIME_OOP", "TIME_WAIT",
		"TIME_ERROR" };
	static char buf[64];
	snprintf(buf, sizeof(buf), "= %ld (%s)", rc, names[rc]);
	return buf;
}

static void timex_line(const char *call, const char *modes, struct timex *tx, long rc)
{
	char text[1024];
	snprintf(text, sizeof(text), "%s{modes=%s, offset=%ld, freq=%ld, maxerror=%ld, esterror=%ld, "
		 "status=%s, constant=%ld, precision=%ld, tolerance=%ld, time={tv_sec=%ld, "
		 "tv_usec=%ld}, tick=%ld, ppsfreq=%ld, jitter=%ld, shift=%d, stabil=%ld, jitcnt=%ld, "
		 "calcnt=%ld, errcnt=%ld, stbcnt=%ld, tai=%d})", call, modes, tx->offset, tx->freq,
		 tx->maxerror, tx->esterror, status(tx->status), tx->constant, tx->precision,
		 tx->tolerance, tx->time.tv_sec, tx->time.tv_usec, tx->tick, tx->ppsfreq, tx->jitter,
		 tx->shift, tx->stabil, tx->jitcnt, tx->calcnt, tx->errcnt, tx->stbcnt, tx->tai);
	expect_line(state(rc), "%s", text);
}

int main(void)
{
	time_t t;
	char returned[128];
	long rc = syscall(SYS_time, &t);
	snprintf(returned, sizeof(returned), "= %ld (%s)", rc, date(rc));
	expect_line(returned, "time([%lld /* %s */])", (long long) t, date(t));
	rc = syscall(SYS_time, NULL);
	snprintf(returned, sizeof(returned), "= %ld (%s)", rc, date(rc));
	expect_line(returned, "time(NULL)");
	rc = syscall(SYS_time, (void *) 1);
	expect_line(ret(rc), "time(0x1)");

	struct tms tm;
	for (volatile long i = 0; i < 100000000; i++)
		;
	rc = syscall(SYS_times, &tm);
	expect_line(ret(rc), "times({tms_utime=%s, tms_stime=%s, tms_cutime=%s, tms_cstime=%s})",
		    ticks(tm.tms_utime), ticks(tm.tms_stime), ticks(tm.tms_cutime),
		    ticks(tm.tms_cstime));
	rc = syscall(SYS_times, NULL);
	expect_line(ret(rc), "times(NULL)");

	struct timex tx;
	memset(&tx, 0, sizeof(tx));
	rc = syscall(SYS_adjtimex, &tx);
	timex_line("adjtimex(", "0", &tx, rc);
	memset(&tx, 0, sizeof(tx));
	tx.modes = ADJ_OFFSET_SS_READ;
	rc = syscall(SYS_adjtimex, &tx);
	timex_line("adjtimex(", "ADJ_OFFSET_SS_READ", &tx, rc);
	memset(&tx, 0, sizeof(tx));
	rc = syscall(SYS_clock_adjtime, CLOCK_REALTIME, &tx);
	timex_line("clock_adjtime(CLOCK_REALTIME, ", "0", &tx, rc);
	tx.modes = 0x8000 | ADJ_STATUS;
	rc = syscall(SYS_adjtimex, &tx);
	expect_line(ret(rc), "adjtimex(%p)", (void *) &tx);
	tx.modes = 0;
	rc = syscall(SYS_clock_adjtime, CLOCK_MONOTONIC, &tx);
	expect_line(ret(rc), "clock_adjtime(CLOCK_MONOTONIC, %p)", (void *) &tx);
	rc = syscall(SYS_adjtimex, NULL);
	expect_line(ret(rc), "adjtimex(NULL)");
	expect_exit(0);
	return 0;
}
