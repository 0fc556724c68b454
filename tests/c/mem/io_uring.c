// sysrec-test: -e trace=io_uring_setup,io_uring_enter,io_uring_register
/* io_uring_setup's struct io_uring_params: what the program set (flags, sq_thread_cpu,
 * sq_thread_idle, a non-zero resv), then what the kernel answered (entries, features, the ring
 * offsets); the fd it returns. io_uring_enter's flags and signal mask (read only when its size
 * is the kernel's), io_uring_register's opcodes with fd and iovec arrays. */
#define _GNU_SOURCE
#include <linux/io_uring.h>
#include <signal.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>
#include "../expect.h"
#include "mem.h"

static const char *features[] = {
	"IORING_FEAT_SINGLE_MMAP", "IORING_FEAT_NODROP", "IORING_FEAT_SUBMIT_STABLE",
	"IORING_FEAT_RW_CUR_POS", "IORING_FEAT_CUR_PERSONALITY", "IORING_FEAT_FAST_POLL",
	"IORING_FEAT_POLL_32BITS", "IORING_FEAT_SQPOLL_NONFIXED", "IORING_FEAT_EXT_ARG",
	"IORING_FEAT_NATIVE_WORKERS", "IORING_FEAT_RSRC_TAGS", "IORING_FEAT_CQE_SKIP",
	"IORING_FEAT_LINKED_FILE",
};

static const char *feature_text(uint32_t v)
{
	static char buf[1024];
	buf[0] = 0;
	uint32_t rest = v;
	for (int i = 0; i < 13; i++)
		if (v & (1u << i)) {
			snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s%s", *buf ? "|" : "", features[i]);
			rest &= ~(1u << i);
		}
	if (rest)
		snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s%#x", *buf ? "|" : "", rest);
	if (!v)
		strcpy(buf, "0");
	return buf;
}

int main(void)
{
	struct io_uring_params p;
	memset(&p, 0, sizeof(p));
	long fd = syscall(SYS_io_uring_setup, 4, &p);
	if (fd < 0) {
		expect_line(result(fd), "io_uring_setup(4, {flags=0, sq_thread_cpu=0, sq_thread_idle=0})");
	} else {
		char line[2048];
		snprintf(line, sizeof(line), "io_uring_setup(4, {flags=0, sq_thread_cpu=0, sq_thread_idle=0, "
			 "sq_entries=%u, cq_entries=%u, features=%s, "
			 "sq_off={head=%u, tail=%u, ring_mask=%u, ring_entries=%u, flags=%u, dropped=%u, array=%u}, "
			 "cq_off={head=%u, tail=%u, ring_mask=%u, ring_entries=%u, overflow=%u, cqes=%u, flags=%u}})",
			 p.sq_entries, p.cq_entries, feature_text(p.features),
			 p.sq_off.head, p.sq_off.tail, p.sq_off.ring_mask, p.sq_off.ring_entries,
			 p.sq_off.flags, p.sq_off.dropped, p.sq_off.array,
			 p.cq_off.head, p.cq_off.tail, p.cq_off.ring_mask, p.cq_off.ring_entries,
			 p.cq_off.overflow, p.cq_off.cqes, p.cq_off.flags);
		expect_line(result(fd), "%s", line);
	}

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_ATTACH_WQ | IORING_SETUP_CLAMP | (1u << 20);
	p.sq_thread_cpu = 3;
	p.sq_thread_idle = 100;
	p.wq_fd = 99;
	p.resv[1] = 7;
	long r = syscall(SYS_io_uring_setup, 2, &p);
	expect_line(result(r), "io_uring_setup(2, {flags=IORING_SETUP_CLAMP|IORING_SETUP_ATTACH_WQ|0x100000, sq_thread_cpu=0x3, sq_thread_idle=100, wq_fd=99, resv=[0, 0x7, 0]})");
	r = syscall(SYS_io_uring_setup, 1, (void *) 8);
	expect_line(result(r), "io_uring_setup(1, 0x8)");

	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	r = syscall(SYS_io_uring_enter, fd, 0, 0, IORING_ENTER_GETEVENTS | IORING_ENTER_SQ_WAKEUP, NULL, 0);
	expect_line(result(r), "io_uring_enter(%ld, 0, 0, IORING_ENTER_GETEVENTS|IORING_ENTER_SQ_WAKEUP, NULL, 0)", fd);
	r = syscall(SYS_io_uring_enter, fd, 1, 0, 0x40, &set, 8);
	expect_line(result(r), "io_uring_enter(%ld, 1, 0, 0x40 /* IORING_ENTER_??? */, [USR1], 8)", fd);
	r = syscall(SYS_io_uring_enter, fd, 0, 0, 0, &set, 16);
	expect_line(result(r), "io_uring_enter(%ld, 0, 0, 0, %p, 16)", fd, &set);

	int fds[2] = {0, -1};
	r = syscall(SYS_io_uring_register, fd, IORING_REGISTER_FILES, fds, 2);
	expect_line(result(r), "io_uring_register(%ld, IORING_REGISTER_FILES, [0, -1], 2)", fd);
	r = syscall(SYS_io_uring_register, fd, IORING_UNREGISTER_FILES, NULL, 0);
	expect_line(result(r), "io_uring_register(%ld, IORING_UNREGISTER_FILES, NULL, 0)", fd);
	static char buf[4096];
	struct iovec iov = {buf, sizeof(buf)};
	r = syscall(SYS_io_uring_register, fd, IORING_REGISTER_BUFFERS, &iov, 1);
	expect_line(result(r), "io_uring_register(%ld, IORING_REGISTER_BUFFERS, [{iov_base=%p, iov_len=4096}], 1)", fd, buf);
	r = syscall(SYS_io_uring_register, fd, IORING_REGISTER_EVENTFD, (void *) 8, 1);
	expect_line(result(r), "io_uring_register(%ld, IORING_REGISTER_EVENTFD, 0x8, 1)", fd);
	r = syscall(SYS_io_uring_register, fd, 99, (void *) 16, 0);
	expect_line(result(r), "io_uring_register(%ld, 0x63 /* IORING_REGISTER_??? */, 0x10, 0)", fd);
	expect_exit(0);
	return 0;
}
