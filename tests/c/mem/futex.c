// sysrec-test: -e trace=futex
/* futex: every command with the arguments strace prints for it (WAIT: val and timeout;
 * LOCK_PI: timeout only; UNLOCK_PI: none; WAKE_OP: the encoded operation field by field;
 * bitsets, FUTEX_BITSET_MATCH_ANY), the PRIVATE and CLOCK_REALTIME variants, unknown ops and
 * commands, NULL and unreadable timeouts. */
#define _GNU_SOURCE
#include <linux/futex.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include "../expect.h"
#include "mem.h"

static uint32_t f, f2, lock;

static long futex(void *uaddr, long op, long val, long timeout_or_val2, void *uaddr2, long val3)
{
	return syscall(SYS_futex, uaddr, op, val, timeout_or_val2, uaddr2, val3);
}

int main(void)
{
	struct timespec ts = {0, 1000};
	long r = futex(&f, FUTEX_WAIT, 1, 0, 0, 0);
	expect_line(result(r), "futex(%p, FUTEX_WAIT, 1, NULL)", &f);
	r = futex(&f, FUTEX_WAIT_PRIVATE, 0, (long) &ts, 0, 0);
	expect_line(result(r), "futex(%p, FUTEX_WAIT_PRIVATE, 0, {tv_sec=0, tv_nsec=1000})", &f);
	r = futex(&f, FUTEX_WAIT, 0, 1, 0, 0);
	expect_line(result(r), "futex(%p, FUTEX_WAIT, 0, 0x1)", &f);
	r = futex(&f, FUTEX_WAKE_PRIVATE, 1, 0, 0, 0);
	expect_line(result(r), "futex(%p, FUTEX_WAKE_PRIVATE, 1)", &f);
	r = futex(&f, FUTEX_WAKE, 4294967295u, 0, 0, 0);
	expect_line(result(r), "futex(%p, FUTEX_WAKE, 4294967295)", &f);

	r = futex(&f, FUTEX_WAKE_OP_PRIVATE, 1, 1, &f2, FUTEX_OP(FUTEX_OP_SET, 0, FUTEX_OP_CMP_GT, 1));
	expect_line(result(r), "futex(%p, FUTEX_WAKE_OP_PRIVATE, 1, 1, %p, FUTEX_OP_SET<<28|0<<12|FUTEX_OP_CMP_GT<<24|0x1)", &f, &f2);
	r = futex(&f, FUTEX_WAKE_OP, 0, 2, &f2, (8 << 28) | (FUTEX_OP_XOR << 28) | (0xabc << 12) | (FUTEX_OP_CMP_NE << 24) | 0x123);
	expect_line(result(r), "futex(%p, FUTEX_WAKE_OP, 0, 2, %p, FUTEX_OP_OPARG_SHIFT<<28|FUTEX_OP_XOR<<28|0xabc<<12|FUTEX_OP_CMP_NE<<24|0x123)", &f, &f2);
	r = futex(&f, FUTEX_WAKE_OP, 0, 0, &f2, (7u << 28) | (9 << 24));
	expect_line(result(r), "futex(%p, FUTEX_WAKE_OP, 0, 0, %p, 0x7<<28 /* FUTEX_OP_??? */|0<<12|0x9<<24 /* FUTEX_OP_CMP_??? */|0)", &f, &f2);

	r = futex(&f, FUTEX_REQUEUE_PRIVATE, 1, 2, &f2, 0);
	expect_line(result(r), "futex(%p, FUTEX_REQUEUE_PRIVATE, 1, 2, %p)", &f, &f2);
	r = futex(&f, FUTEX_CMP_REQUEUE, 1, 2, &f2, 5);
	expect_line(result(r), "futex(%p, FUTEX_CMP_REQUEUE, 1, 2, %p, 5)", &f, &f2);
	r = futex(&f, FUTEX_CMP_REQUEUE_PI_PRIVATE, 1, 0, &lock, 0);
	expect_line(result(r), "futex(%p, FUTEX_CMP_REQUEUE_PI_PRIVATE, 1, 0, %p, 0)", &f, &lock);

	r = futex(&lock, FUTEX_LOCK_PI_PRIVATE, 0, 0, 0, 0);
	expect_line(result(r), "futex(%p, FUTEX_LOCK_PI_PRIVATE, NULL)", &lock);
	r = futex(&lock, FUTEX_TRYLOCK_PI_PRIVATE, 0, 0, 0, 0);
	expect_line(result(r), "futex(%p, FUTEX_TRYLOCK_PI_PRIVATE)", &lock);
	r = futex(&lock, FUTEX_UNLOCK_PI_PRIVATE, 0, 0, 0, 0);
	expect_line(result(r), "futex(%p, FUTEX_UNLOCK_PI_PRIVATE)", &lock);
	r = futex(&lock, FUTEX_LOCK_PI2, 0, (long) &ts, 0, 0);
	expect_line(result(r), "futex(%p, FUTEX_LOCK_PI2, {tv_sec=0, tv_nsec=1000})", &lock);
	r = futex(&lock, FUTEX_UNLOCK_PI, 0, 0, 0, 0);
	expect_line(result(r), "futex(%p, FUTEX_UNLOCK_PI)", &lock);

	r = futex(&f, FUTEX_WAIT_BITSET_PRIVATE | FUTEX_CLOCK_REALTIME, 1, (long) &ts, 0, FUTEX_BITSET_MATCH_ANY);
	expect_line(result(r), "futex(%p, FUTEX_WAIT_BITSET_PRIVATE|FUTEX_CLOCK_REALTIME, 1, {tv_sec=0, tv_nsec=1000}, FUTEX_BITSET_MATCH_ANY)", &f);
	r = futex(&f, FUTEX_WAIT_BITSET, 1, 0, 0, 0x5);
	expect_line(result(r), "futex(%p, FUTEX_WAIT_BITSET, 1, NULL, 0x5)", &f);
	r = futex(&f, FUTEX_WAKE_BITSET_PRIVATE, 3, 0, 0, 0);
	expect_line(result(r), "futex(%p, FUTEX_WAKE_BITSET_PRIVATE, 3, 0)", &f);
	r = futex(&f, FUTEX_WAIT_REQUEUE_PI_PRIVATE | FUTEX_CLOCK_REALTIME, 1, 0, &lock, 0);
	expect_line(result(r), "futex(%p, FUTEX_WAIT_REQUEUE_PI_PRIVATE|FUTEX_CLOCK_REALTIME, 1, NULL, %p)", &f, &lock);

	r = futex(&f, FUTEX_FD, 3, 0, 0, 0);
	expect_line(result(r), "futex(%p, FUTEX_FD, 3)", &f);
	r = futex(&f, FUTEX_FD | FUTEX_PRIVATE_FLAG, 3, 0, 0, 0);
	expect_line(result(r), "futex(%p, FUTEX_FD|FUTEX_PRIVATE_FLAG, 3)", &f);
	r = futex(&f, FUTEX_WAKE | 0x200, 1, 0, 0, 0);
	expect_line(result(r), "futex(%p, 0x201 /* FUTEX_??? */, 1)", &f);
	r = futex(&f, FUTEX_WAKE | FUTEX_CLOCK_REALTIME, 1, 0, 0, 0);
	expect_line(result(r), "futex(%p, 0x101 /* FUTEX_??? */, 1)", &f);
	r = futex(&f, 14, 1, 0x10, &f2, 0xdead);
	expect_line(result(r), "futex(%p, 0xe /* FUTEX_??? */, 1, 0x10, %p, 0xdead)", &f, &f2);
	r = futex(&f, -1, 2, 0, 0, 0);
	expect_line(result(r), "futex(%p, 0xffffffff /* FUTEX_??? */, 2, NULL, NULL, 0)", &f);
	r = futex(NULL, FUTEX_WAKE, 1, 0, 0, 0);
	expect_line(result(r), "futex(NULL, FUTEX_WAKE, 1)");
	expect_exit(0);
	return 0;
}
