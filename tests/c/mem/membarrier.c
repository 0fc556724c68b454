// sysrec-test: -e trace=membarrier,futex_waitv
/* membarrier: MEMBARRIER_CMD_QUERY's answer as a bit set after the hex return value, the cpu_id
 * that follows only with MEMBARRIER_CMD_FLAG_CPU, unknown commands and flags. futex_waitv: the
 * waiter array (val in hex, uaddr, FUTEX_32|FUTEX_PRIVATE_FLAG, a non-zero __reserved), the
 * timeout and the clock. */
#define _GNU_SOURCE
#include <linux/futex.h>
#include <linux/membarrier.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include "../expect.h"
#include "mem.h"

#ifndef SYS_futex_waitv
# define SYS_futex_waitv 449
#endif

struct waitv {
	uint64_t val;
	uint64_t uaddr;
	uint32_t flags;
	uint32_t reserved;
};

static const char *names[] = {
	"MEMBARRIER_CMD_GLOBAL", "MEMBARRIER_CMD_GLOBAL_EXPEDITED",
	"MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED", "MEMBARRIER_CMD_PRIVATE_EXPEDITED",
	"MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED", "MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE",
	"MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE",
	"MEMBARRIER_CMD_PRIVATE_EXPEDITED_RSEQ", "MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_RSEQ",
};

int main(void)
{
	long r = syscall(SYS_membarrier, MEMBARRIER_CMD_QUERY, 0, 0);
	char text[1024] = "";
	if (r > 0) {
		char set[900] = "";
		long rest = r;
		for (int i = 0; i < 9; i++)
			if (r & (1L << i)) {
				snprintf(set + strlen(set), sizeof(set) - strlen(set), "%s%s", *set ? "|" : "", names[i]);
				rest &= ~(1L << i);
			}
		if (rest)
			snprintf(set + strlen(set), sizeof(set) - strlen(set), "%s%#lx", *set ? "|" : "", rest);
		snprintf(text, sizeof(text), "= %#lx (%s)", r, set);
	} else {
		snprintf(text, sizeof(text), "%s", result(r));
	}
	expect_line(text, "membarrier(MEMBARRIER_CMD_QUERY, 0)");
	r = syscall(SYS_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0, 0);
	expect_line(result(r), "membarrier(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0)");
	r = syscall(SYS_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED_RSEQ, 1, 3);
	expect_line(result(r), "membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED_RSEQ, MEMBARRIER_CMD_FLAG_CPU, 3)");
	r = syscall(SYS_membarrier, 0x400, 6, -2);
	expect_line(result(r), "membarrier(0x400 /* MEMBARRIER_CMD_??? */, 0x6 /* MEMBARRIER_CMD_FLAG_??? */)");
	r = syscall(SYS_membarrier, MEMBARRIER_CMD_QUERY, 7, -2);
	expect_line(result(r), "membarrier(MEMBARRIER_CMD_QUERY, MEMBARRIER_CMD_FLAG_CPU|0x6, -2)");

	static uint32_t a = 1, b = 2;
	struct waitv w[3] = {
		{0x1, (uintptr_t) &a, FUTEX_32 | FUTEX_PRIVATE_FLAG, 0},
		{0x2, (uintptr_t) &b, FUTEX_32, 0},
		{0xff, 0, 0x40, 0x9},
	};
	struct timespec ts = {0, 5000};
	r = syscall(SYS_futex_waitv, w, 2, 0, &ts, CLOCK_MONOTONIC);
	expect_line(result(r), "futex_waitv([{val=0x1, uaddr=%p, flags=FUTEX_32|FUTEX_PRIVATE_FLAG}, {val=0x2, uaddr=%p, flags=FUTEX_32}], 2, 0, {tv_sec=0, tv_nsec=5000}, CLOCK_MONOTONIC)", &a, &b);
	r = syscall(SYS_futex_waitv, w + 2, 1, 0x3, NULL, 99);
	expect_line(result(r), "futex_waitv([{val=0xff, uaddr=NULL, flags=0x40 /* FUTEX_??? */, __reserved=0x9}], 1, 0x3, NULL, 0x63 /* CLOCK_??? */)");
	r = syscall(SYS_futex_waitv, (void *) 8, 1, 0, NULL, CLOCK_REALTIME);
	expect_line(result(r), "futex_waitv(0x8, 1, 0, NULL, CLOCK_REALTIME)");
	r = syscall(SYS_futex_waitv, NULL, 0, 0, (void *) 16, CLOCK_REALTIME);
	expect_line(result(r), "futex_waitv(NULL, 0, 0, 0x10, CLOCK_REALTIME)");

	/* the second waiter lies on an unreadable page: strace shows where reading stopped */
	char *page = mmap(0, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(page + 4096, 4096);
	struct waitv *edge = (struct waitv *) (page + 4096 - sizeof(struct waitv));
	*edge = w[1];
	r = syscall(SYS_futex_waitv, edge, 2, 0, NULL, CLOCK_REALTIME);
	expect_line(result(r), "futex_waitv([{val=0x2, uaddr=%p, flags=FUTEX_32}, ... /* %p */], 2, 0, NULL, CLOCK_REALTIME)", &b, page + 4096);
	expect_exit(0);
	return 0;
}
