// sysrec-test: -e trace=io_uring_register -s 3
/* io_uring_register's structured arguments: the probe the kernel fills in (printed at exit;
 * a non-zero one also at entry), the worker limits as `before => after` with their index names,
 * files updates with IORING_REGISTER_FILES_SKIP, the FILES2/FILES_UPDATE2 resource structs,
 * restrictions (an unknown opcode keeps its byte as a comment), ring fds, buffer rings; arrays
 * cut after -s elements. */
#define _GNU_SOURCE
#include <linux/io_uring.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "../expect.h"
#include "mem.h"

static const char *ops[] = {
	"IORING_OP_NOP", "IORING_OP_READV", "IORING_OP_WRITEV", 
	"IORING_OP_FSYNC", "IORING_OP_READ_FIXED", "IORING_OP_WRITE_FIXED", 
	"IORING_OP_POLL_ADD", "IORING_OP_POLL_REMOVE", "IORING_OP_SYNC_FILE_RANGE", 
	"IORING_OP_SENDMSG", "IORING_OP_RECVMSG", "IORING_OP_TIMEOUT", 
	"IORING_OP_TIMEOUT_REMOVE", "IORING_OP_ACCEPT", "IORING_OP_ASYNC_CANCEL", 
	"IORING_OP_LINK_TIMEOUT", "IORING_OP_CONNECT", "IORING_OP_FALLOCATE", 
	"IORING_OP_OPENAT", "IORING_OP_CLOSE", "IORING_OP_FILES_UPDATE", 
	"IORING_OP_STATX", "IORING_OP_READ", "IORING_OP_WRITE", 
	"IORING_OP_FADVISE", "IORING_OP_MADVISE", "IORING_OP_SEND", 
	"IORING_OP_RECV", "IORING_OP_OPENAT2", "IORING_OP_EPOLL_CTL", 
	"IORING_OP_SPLICE", "IORING_OP_PROVIDE_BUFFERS", "IORING_OP_REMOVE_BUFFERS", 
	"IORING_OP_TEE", "IORING_OP_SHUTDOWN", "IORING_OP_RENAMEAT", 
	"IORING_OP_UNLINKAT", "IORING_OP_MKDIRAT", "IORING_OP_SYMLINKAT", 
	"IORING_OP_LINKAT", "IORING_OP_MSG_RING", "IORING_OP_FSETXATTR", 
	"IORING_OP_SETXATTR", "IORING_OP_FGETXATTR", "IORING_OP_GETXATTR", 
	"IORING_OP_SOCKET", "IORING_OP_URING_CMD", };

static const char *op_name(unsigned op)
{
	static char buf[64];
	if (op < sizeof(ops) / sizeof(ops[0]))
		return ops[op];
	snprintf(buf, sizeof(buf), "%u /* IORING_OP_??? */", op);
	return buf;
}

static long reg(long fd, unsigned opcode, void *arg, unsigned nargs)
{
	return syscall(SYS_io_uring_register, fd, opcode, arg, nargs);
}

int main(void)
{
	struct io_uring_params p = {0};
	long fd = syscall(SYS_io_uring_setup, 4, &p);
	if (fd < 0)
		return 77;

	size_t size = sizeof(struct io_uring_probe) + 8 * sizeof(struct io_uring_probe_op);
	struct io_uring_probe *probe = calloc(1, size);
	long r = reg(fd, IORING_REGISTER_PROBE, probe, 8);
	char text[4096];
	int n = snprintf(text, sizeof(text), "{last_op=%s, ops_len=%u, ops=[", op_name(probe->last_op), probe->ops_len);
	for (int i = 0; i < 3; i++)
		n += snprintf(text + n, sizeof(text) - n, "{op=%s, flags=%s}, ", op_name(probe->ops[i].op),
			      probe->ops[i].flags & IO_URING_OP_SUPPORTED ? "IO_URING_OP_SUPPORTED" : "0");
	snprintf(text + n, sizeof(text) - n, "...]}");
	expect_line(result(r), "io_uring_register(%ld, IORING_REGISTER_PROBE, %s, 8)", fd, text);

	memset(probe, 0, size);
	probe->resv = 1;
	r = reg(fd, IORING_REGISTER_PROBE, probe, 2);
	expect_line(result(r), "io_uring_register(%ld, IORING_REGISTER_PROBE, {last_op=IORING_OP_NOP, ops_len=0, resv=0x1, ops=[{op=IORING_OP_NOP, flags=0}, {op=IORING_OP_NOP, flags=0}]}, 2)", fd);
	r = reg(fd, IORING_REGISTER_PROBE, probe, 300);
	expect_line(result(r), "io_uring_register(%ld, IORING_REGISTER_PROBE, %p, 300)", fd, probe);

	uint32_t workers[2] = {0, 0};
	r = reg(fd, IORING_REGISTER_IOWQ_MAX_WORKERS, workers, 2);
	expect_line(result(r), "io_uring_register(%ld, IORING_REGISTER_IOWQ_MAX_WORKERS, [[IO_WQ_BOUND]=0, [IO_WQ_UNBOUND]=0] => [[IO_WQ_BOUND]=%u, [IO_WQ_UNBOUND]=%u], 2)", fd, workers[0], workers[1]);

	int fds[3] = {0, IORING_REGISTER_FILES_SKIP, -1};
	struct io_uring_files_update upd = {.offset = 0, .fds = (uintptr_t) fds};
	r = reg(fd, IORING_REGISTER_FILES_UPDATE, &upd, 3);
	expect_line(result(r), "io_uring_register(%ld, IORING_REGISTER_FILES_UPDATE, {offset=0, fds=[0, IORING_REGISTER_FILES_SKIP, -1]}, 3)", fd);

	int files[2] = {0, 1};
	uint64_t tags[2] = {1, 0};
	struct io_uring_rsrc_register rr = {.nr = 2, .data = (uintptr_t) files, .tags = (uintptr_t) tags};
	r = reg(fd, IORING_REGISTER_FILES2, &rr, sizeof(rr));
	expect_line(result(r), "io_uring_register(%ld, IORING_REGISTER_FILES2, {nr=2, flags=0, data=[0, 1], tags=[0x1, 0]}, 32)", fd);
	r = reg(fd, IORING_REGISTER_FILES2, &rr, 16);
	expect_line(result(r), "io_uring_register(%ld, IORING_REGISTER_FILES2, %p, 16)", fd, &rr);
	int newfds[2] = {IORING_REGISTER_FILES_SKIP, 2};
	uint64_t newtags[2] = {0, 0};
	struct io_uring_rsrc_update2 ru = {.offset = 0, .data = (uintptr_t) newfds, .tags = (uintptr_t) newtags, .nr = 2};
	r = reg(fd, IORING_REGISTER_FILES_UPDATE2, &ru, sizeof(ru));
	expect_line(result(r), "io_uring_register(%ld, IORING_REGISTER_FILES_UPDATE2, {offset=0, data=[IORING_REGISTER_FILES_SKIP, 2], tags=[0, 0], nr=2}, 32)", fd);

	struct io_uring_restriction res[4] = {
		{.opcode = IORING_RESTRICTION_REGISTER_OP, .register_op = IORING_REGISTER_PROBE},
		{.opcode = IORING_RESTRICTION_SQE_OP, .sqe_op = IORING_OP_READ},
		{.opcode = IORING_RESTRICTION_SQE_FLAGS_ALLOWED, .sqe_flags = IOSQE_FIXED_FILE | IOSQE_ASYNC},
		{.opcode = IORING_RESTRICTION_SQE_FLAGS_REQUIRED},
	};
	r = reg(fd, IORING_REGISTER_RESTRICTIONS, res, 4);
	expect_line(result(r), "io_uring_register(%ld, IORING_REGISTER_RESTRICTIONS, [{opcode=IORING_RESTRICTION_REGISTER_OP, register_op=IORING_REGISTER_PROBE}, {opcode=IORING_RESTRICTION_SQE_OP, sqe_op=IORING_OP_READ}, {opcode=IORING_RESTRICTION_SQE_FLAGS_ALLOWED, sqe_flags=IOSQE_FIXED_FILE|IOSQE_ASYNC}, ...], 4)", fd);
	struct io_uring_restriction odd = {.opcode = 9, .register_op = 5, .resv = 1};
	r = reg(fd, IORING_REGISTER_RESTRICTIONS, &odd, 1);
	expect_line(result(r), "io_uring_register(%ld, IORING_REGISTER_RESTRICTIONS, [{opcode=0x9 /* IORING_RESTRICTION_??? */ /* op: 0x5 */, resv=0x1}], 1)", fd);

	struct io_uring_rsrc_update ring = {.offset = -1U, .data = fd};
	r = reg(fd, IORING_REGISTER_RING_FDS, &ring, 1);
	expect_line(result(r), "io_uring_register(%ld, IORING_REGISTER_RING_FDS, [{offset=-1, data=%ld}], 1)", fd, fd);
	unsigned off = ring.offset;
	ring.data = 0;
	r = reg(fd, IORING_UNREGISTER_RING_FDS, &ring, 1);
	expect_line(result(r), "io_uring_register(%ld, IORING_UNREGISTER_RING_FDS, [{offset=%u}], 1)", fd, off);

	struct io_uring_buf_reg br = {.ring_addr = 0, .ring_entries = 8, .bgid = 1, .pad = 2};
	r = reg(fd, IORING_REGISTER_PBUF_RING, &br, 1);
	expect_line(result(r), "io_uring_register(%ld, IORING_REGISTER_PBUF_RING, {ring_addr=NULL, ring_entries=8, bgid=1, pad=0x2}, 1)", fd);
	unsigned long cpus[3] = {0x5, 0, 0};
	r = reg(fd, IORING_REGISTER_IOWQ_AFF, cpus, 8);
	expect_line(result(r), "io_uring_register(%ld, IORING_REGISTER_IOWQ_AFF, [0 2], 8)", fd);
	r = reg(fd, IORING_REGISTER_IOWQ_AFF, cpus, 0);
	expect_line(result(r), "io_uring_register(%ld, IORING_REGISTER_IOWQ_AFF, [], 0)", fd);
	r = reg(fd, IORING_UNREGISTER_IOWQ_AFF, cpus, 0);
	expect_line(result(r), "io_uring_register(%ld, IORING_UNREGISTER_IOWQ_AFF, %p, 0)", fd, cpus);
	r = reg(fd, IORING_UNREGISTER_FILES, NULL, 0);
	expect_line(result(r), "io_uring_register(%ld, IORING_UNREGISTER_FILES, NULL, 0)", fd);
	expect_exit(0);
	return 0;
}
