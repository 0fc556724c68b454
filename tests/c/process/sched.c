// sysrec-test: -e trace=sched_getaffinity,sched_setaffinity,sched_getparam,sched_setparam,sched_getscheduler,sched_setscheduler,sched_get_priority_max,sched_get_priority_min,sched_yield,sched_getattr,sched_setattr,getcpu
/* Scheduling: CPU sets (`[0 1]`, `...` past strace's set size), policies, sched_attr in its
 * sizes and keep-flags, E2BIG's ` => {size=N}`, getcpu's out-pointers. */
#include "process.h"
#include <linux/sched.h>
#include <stdint.h>

#define SCHED_OTHER 0
#define SCHED_FIFO 1
#define SCHED_RR 2

/* <linux/sched/types.h> clashes with glibc's <sched.h>: the same layout, spelled out. */
struct sched_attr {
	uint32_t size, sched_policy;
	uint64_t sched_flags;
	int32_t sched_nice;
	uint32_t sched_priority;
	uint64_t sched_runtime, sched_deadline, sched_period;
	uint32_t sched_util_min, sched_util_max;
};

static const char *cpus(const unsigned char *mask, size_t len, int more)
{
	static char buf[512];
	size_t n = 0;
	buf[n++] = '[';
	for (size_t bit = 0; bit < len * 8; bit++)
		if (mask[bit / 8] >> (bit % 8) & 1)
			n += snprintf(buf + n, sizeof(buf) - n, "%s%zu", n > 1 ? " " : "", bit);
	if (more)
		n += snprintf(buf + n, sizeof(buf) - n, "%s...", n > 1 ? " " : "");
	snprintf(buf + n, sizeof(buf) - n, "]");
	return buf;
}

static const char *attr_text(struct sched_attr *a, unsigned int size, int util)
{
	static char buf[512];
	int n = snprintf(buf, sizeof(buf), "{size=%u, sched_policy=%s, sched_flags=0, sched_nice=%d, sched_priority=%u, sched_runtime=%llu, sched_deadline=%llu, sched_period=%llu",
			 size, a->sched_policy == 0 ? "SCHED_OTHER" : "?", a->sched_nice, a->sched_priority,
			 a->sched_runtime, a->sched_deadline, a->sched_period);
	if (util)
		n += snprintf(buf + n, sizeof(buf) - n, ", sched_util_min=%u, sched_util_max=%u", a->sched_util_min, a->sched_util_max);
	snprintf(buf + n, sizeof(buf) - n, "}");
	return buf;
}

int main(void)
{
	unsigned char mask[256];
	memset(mask, 0, sizeof(mask));
	long rc = syscall(SYS_sched_getaffinity, 0, 128, mask);
	expect_line(rv(rc), "sched_getaffinity(0, 128, %s)", cpus(mask, rc, 0));
	rc = syscall(SYS_sched_getaffinity, 0, 0, mask);
	expect_line(rv(rc), "sched_getaffinity(0, 0, %p)", mask);
	rc = syscall(SYS_sched_setaffinity, 0, 8, mask);
	expect_line(rv(rc), "sched_setaffinity(0, 8, %s)", cpus(mask, 8, 0));
	rc = syscall(SYS_sched_setaffinity, 0, 256, mask);
	expect_line(rv(rc), "sched_setaffinity(0, 256, %s)", cpus(mask, 128, 1));
	rc = syscall(SYS_sched_setaffinity, 0, 0, mask);
	expect_line(rv(rc), "sched_setaffinity(0, 0, [])");
	rc = syscall(SYS_sched_setaffinity, 0, 8, NULL);
	expect_line(rv(rc), "sched_setaffinity(0, 8, NULL)");

	int prio = 5;
	rc = syscall(SYS_sched_getparam, 0, &prio);
	expect_line(rv(rc), "sched_getparam(0, [%d])", prio);
	rc = syscall(SYS_sched_getparam, 0, NULL);
	expect_line(rv(rc), "sched_getparam(0, NULL)");
	rc = syscall(SYS_sched_setparam, 0, &prio);
	expect_line(rv(rc), "sched_setparam(0, [%d])", prio);
	rc = syscall(SYS_sched_getscheduler, 0);
	expect_line(rc == 0 ? "= 0 (SCHED_OTHER)" : rv(rc), "sched_getscheduler(0)");
	rc = syscall(SYS_sched_getscheduler, -1);
	expect_line(rv(rc), "sched_getscheduler(-1)");
	rc = syscall(SYS_sched_setscheduler, 0, SCHED_OTHER, &prio);
	expect_line(rv(rc), "sched_setscheduler(0, SCHED_OTHER, [%d])", prio);
	rc = syscall(SYS_sched_setscheduler, 0, 77, 8);
	expect_line(rv(rc), "sched_setscheduler(0, 0x4d /* SCHED_??? */, 0x8)");
	rc = syscall(SYS_sched_get_priority_max, SCHED_FIFO);
	expect_line(rv(rc), "sched_get_priority_max(SCHED_FIFO)");
	rc = syscall(SYS_sched_get_priority_min, SCHED_RR);
	expect_line(rv(rc), "sched_get_priority_min(SCHED_RR)");
	rc = syscall(SYS_sched_get_priority_max, 9);
	expect_line(rv(rc), "sched_get_priority_max(0x9 /* SCHED_??? */)");
	rc = syscall(SYS_sched_yield);
	expect_line(rv(rc), "sched_yield()");

	struct sched_attr attr;
	memset(&attr, 0, sizeof(attr));
	rc = syscall(SYS_sched_getattr, 0, &attr, sizeof(attr), 0);
	expect_line(rv(rc), "sched_getattr(0, %s, %zu, 0)", attr_text(&attr, attr.size, 1), sizeof(attr));
	rc = syscall(SYS_sched_getattr, 0, &attr, 48, 0);
	expect_line(rv(rc), "sched_getattr(0, %s, 48, 0)", attr_text(&attr, 48, 0));
	rc = syscall(SYS_sched_getattr, 0, NULL, 56, 0);
	expect_line(rv(rc), "sched_getattr(0, NULL, 56, 0)");
	rc = syscall(SYS_sched_getattr, 0, &attr, 0, 0);
	expect_line(rv(rc), "sched_getattr(0, %p, 0, 0)", &attr);

	memset(&attr, 0, sizeof(attr));
	attr.size = 48;
	rc = syscall(SYS_sched_setattr, 0, &attr, 0);
	expect_line(rv(rc), "sched_setattr(0, %s, 0)", attr_text(&attr, 48, 0));
	attr.size = 56;
	attr.sched_flags = SCHED_FLAG_KEEP_POLICY | SCHED_FLAG_KEEP_PARAMS;
	attr.sched_util_max = 1024;
	rc = syscall(SYS_sched_setattr, 0, &attr, 0);
	expect_line(rv(rc), "sched_setattr(0, {size=56, sched_flags=SCHED_FLAG_KEEP_POLICY|SCHED_FLAG_KEEP_PARAMS, sched_util_min=0, sched_util_max=1024}, 0)");
	unsigned char big[128];
	memset(big, 0, sizeof(big));
	memcpy(big, &attr, 56);
	((struct sched_attr *) big)->size = 100;
	((struct sched_attr *) big)->sched_flags = SCHED_FLAG_KEEP_POLICY | 0x100;
	big[90] = 1;
	rc = syscall(SYS_sched_setattr, 0, big, 0);
	expect_line(rv(rc), "sched_setattr(0, {size=100, sched_flags=SCHED_FLAG_KEEP_POLICY|0x100, sched_nice=0, sched_priority=0, sched_runtime=0, sched_deadline=0, sched_period=0, sched_util_min=0, sched_util_max=1024, ...} => {size=%u}, 0)",
		    ((struct sched_attr *) big)->size);
	rc = syscall(SYS_sched_setattr, 0, NULL, 0);
	expect_line(rv(rc), "sched_setattr(0, NULL, 0)");

	unsigned int cpu = 7, node = 7;
	rc = syscall(SYS_getcpu, &cpu, &node, NULL);
	expect_line(rv(rc), "getcpu([%u], [%u], NULL)", cpu, node);
	rc = syscall(SYS_getcpu, NULL, NULL, 0x10);
	expect_line(rv(rc), "getcpu(NULL, NULL, 0x10)");
	expect_exit(0);
	return 0;
}
