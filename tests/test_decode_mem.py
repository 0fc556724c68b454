"""Memory, futex, io_uring and membarrier decoding: the cases a C program cannot reach easily
(array limits, odd sizes, memory that vanishes) and the per-call rows of the variable-length
calls."""

from __future__ import annotations

import struct

import pytest

from sysrec.decode import mem as mem_mod
from sysrec.decode.common import Call, DecodeOptions
from test_decode_support import FakeMemory, call, text

PAGE = 4096


def _waiter(val: int, uaddr: int, flags: int = 2, reserved: int = 0) -> bytes:
    return struct.pack("<QQII", val, uaddr, flags, reserved)


def test_futex_waitv_stops_after_s_elements():
    mem = FakeMemory()
    waiters = mem.put(b"".join(_waiter(n, 0) for n in range(4)))
    _, done = call("futex_waitv", (waiters, 4, 0, 0, 1), mem, ret=-22, strsize=2)
    assert text(done.args) == ("[{val=0, uaddr=NULL, flags=FUTEX_32}, "
                               "{val=0x1, uaddr=NULL, flags=FUTEX_32}, ...], 4, 0, NULL, "
                               "CLOCK_MONOTONIC")


def test_futex_waitv_prints_at_most_128_waiters():
    mem = FakeMemory()
    waiters = mem.put(b"".join(_waiter(1, 0) for _ in range(130)))
    _, done = call("futex_waitv", (waiters, 130, 0, 0, 0), mem, ret=-22, strsize=1000)
    shown = done.args[0]
    assert len(shown) == 129 and shown[-1] == "..."


def test_mincore_vector_cut_by_s_and_unreadable_tail():
    mem = FakeMemory()
    vec = mem.put(bytes([1, 0, 3, 2, 1]))
    _, done = call("mincore", (0x7F0000000000, 5 * PAGE, vec), mem, ret=0, strsize=3)
    assert text(done.args) == "0x7f0000000000, 20480, [1, 0, 1, ...]"
    # seven pages but only five readable bytes: where reading stopped, as a comment
    _, cut = call("mincore", (0x7F0000000000, 7 * PAGE - 1, vec), mem, ret=0)
    assert text(cut.args[2:]) == f"[1, 0, 1, 0, 1, ... /* {vec + 5:#x} */]"


def test_mincore_zero_length_and_unreadable():
    mem = FakeMemory()
    vec = mem.put(b"\1")
    _, empty = call("mincore", (0x7F0000000000, 0, vec), mem, ret=0)
    assert text(empty.args[2:]) == "[]"
    _, gone = call("mincore", (0x7F0000000000, PAGE, 0x1234000), mem, ret=0)
    assert text(gone.args[2:]) == "0x1234000"


def test_io_uring_enter_reads_the_mask_only_at_the_kernel_size():
    mem = FakeMemory()
    mask = mem.put((1 << 9).to_bytes(16, "little"))  # SIGUSR1
    _, ok = call("io_uring_enter", (3, 0, 0, 1, mask, 8), mem, ret=0)
    assert text(ok.args[3:]) == "IORING_ENTER_GETEVENTS, [USR1], 8"
    for size in (4, 16):
        _, odd = call("io_uring_enter", (3, 0, 0, 0, mask, size), mem, ret=-22)
        assert text(odd.args[4:]) == f"{mask:#x}, {size}"


def test_io_uring_setup_prints_only_the_request_after_a_failure():
    mem = FakeMemory()
    params = mem.put(bytes(120))

    def kernel(m):  # the kernel fills in entries even when it fails later: not shown
        m.write(params, struct.pack("<II", 4, 8))
    _, failed = call("io_uring_setup", (4, params), mem, ret=-22, before_exit=kernel)
    assert text(failed.args) == "4, {flags=0, sq_thread_cpu=0, sq_thread_idle=0}"


def test_membarrier_query_answer_and_other_commands():
    mem = FakeMemory()
    _, query = call("membarrier", (0, 0, 0), mem, ret=0x19)
    assert (query.rtext, query.raux) == (
        "0x19", "MEMBARRIER_CMD_GLOBAL|MEMBARRIER_CMD_PRIVATE_EXPEDITED|"
        "MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED")
    _, other = call("membarrier", (8, 0, 0), mem, ret=0)
    assert other.rtext is None and other.raux is None
    _, none = call("membarrier", (0, 0, 0), mem, ret=0)
    assert none.rtext is None


def test_brk_mmap_mremap_return_hex():
    mem = FakeMemory()
    _, brk = call("brk", (0,), mem, ret=0x55C0E0A4E000)
    assert text(brk.args) == "NULL" and brk.rtext == "0x55c0e0a4e000"
    _, failed = call("mmap", (0, PAGE, 3, 0x22, -1 & (1 << 64) - 1, 0), mem, ret=-12)
    assert failed.rtext is None
    assert text(failed.args) == "NULL, 4096, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0"


@pytest.mark.parametrize("flags, expected", [
    (0x22, "MAP_PRIVATE|MAP_ANONYMOUS"),
    (0x1, "MAP_SHARED"),
    (0x0, "MAP_FILE"),
    (0x20, "MAP_FILE|MAP_ANONYMOUS"),
    (0xE | 0x20, "0xe /* MAP_??? */|MAP_ANONYMOUS"),
    (0x40022 | 30 << 26, "MAP_PRIVATE|MAP_ANONYMOUS|MAP_HUGETLB|30<<MAP_HUGE_SHIFT"),
])
def test_map_flags(flags, expected):
    assert mem_mod.map_flags(flags) == expected


def test_mmap_flags_above_32_bits_are_dropped():
    _, done = call("mmap", (0, PAGE, 1, 0x2 | 1 << 40, 3, 0), FakeMemory(), ret=-9)
    assert text(done.args) == "NULL, 4096, PROT_READ, MAP_PRIVATE, 3, 0"


@pytest.mark.parametrize("mode, expected", [
    (2, "MPOL_BIND"),
    (9, "0x9 /* MPOL_??? */"),
    (1 | 1 << 15 | 1 << 14, "MPOL_PREFERRED|MPOL_F_STATIC_NODES|MPOL_F_RELATIVE_NODES"),
    (9 | 1 << 13, "MPOL_F_NUMA_BALANCING|0x9"),
])
def test_mpol_mode(mode, expected):
    assert mem_mod.mpol_mode(mode) == expected


def _raw_call(name, raw):
    return Call(name, tuple(raw) + (0,) * (6 - len(raw)), FakeMemory(), DecodeOptions())


@pytest.mark.parametrize("name, raw, expected", [
    ("futex", (0x1000, 0x80, 2, 0), ["0x1000", "FUTEX_WAIT_PRIVATE", "2", "NULL"]),
    ("futex", (0x1000, 0x87), ["0x1000", "FUTEX_UNLOCK_PI_PRIVATE"]),
    ("futex", (0x1000, 0x85, 1, 1, 0x2000, 0x4000001),
     ["0x1000", "FUTEX_WAKE_OP_PRIVATE", "1", "1", "0x2000",
      "FUTEX_OP_SET<<28|0<<12|FUTEX_OP_CMP_GT<<24|0x1"]),
    ("mremap", (0x1000, 1, 2, 3, 0x5000), ["0x1000", "1", "2", "MREMAP_MAYMOVE|MREMAP_FIXED",
                                            "0x5000"]),
    ("mremap", (0x1000, 1, 2, 1, 0x5000), ["0x1000", "1", "2", "MREMAP_MAYMOVE"]),
    ("membarrier", (8, 1, 3), ["MEMBARRIER_CMD_PRIVATE_EXPEDITED", "MEMBARRIER_CMD_FLAG_CPU",
                               "3"]),
])
def test_variable_rows_give_one_node_per_argument(name, raw, expected):
    c = _raw_call(name, raw)
    row = mem_mod.VARIABLE_ROWS[name](c)
    nodes = [arg.decode(c, i) for i, arg in enumerate(row.args)]
    assert [text([node]) for node in nodes] == expected
    assert row is mem_mod.VARIABLE_ROWS[name](_raw_call(name, raw))  # one row per shape, cached


_ODD = (0, 1, 0x10, 0x7F0000FFF000, (1 << 64) - 1, 1 << 63, 0xFFFFFFFF)


@pytest.mark.parametrize("name", sorted(mem_mod.ROWS))
def test_decoders_never_raise_on_odd_arguments(name):
    """Each decoder on its own (enter() would hide an exception behind the raw value)."""
    row = mem_mod.ROWS[name]
    for value in _ODD:
        for ret in (None, 0, -14, value & 0x7FFFFFFF):
            c = _raw_call(name, (value,) * 6)
            if row.snapshot is not None:
                row.snapshot(c)
            c.ret, c.exiting = ret, ret is not None
            for i, arg in enumerate(row.args):
                assert arg.decode(c, i) is not None
            if row.aux is not None and ret is not None and not c.failed:
                row.aux(c)


def test_io_uring_register_row_splits_per_opcode():
    files = _raw_call("io_uring_register", (3, 2, 0, 0))
    probe = _raw_call("io_uring_register", (3, 8, 0, 0))
    assert mem_mod.VARIABLE_ROWS["io_uring_register"](files).n_entry == 4
    assert mem_mod.VARIABLE_ROWS["io_uring_register"](probe).n_entry == 2


def test_io_uring_register_probe_filled_by_the_kernel():
    mem = FakeMemory()
    probe = mem.put(bytes(16 + 8 * 2))

    def kernel(m):
        m.write(probe, bytes([1, 2]))  # last_op=READV, ops_len=2
        m.write(probe + 16, bytes([0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0]))
    _, done = call("io_uring_register", (3, 8, probe, 2), mem, ret=0, before_exit=kernel)
    assert text(done.args) == ("3, IORING_REGISTER_PROBE, {last_op=IORING_OP_READV, ops_len=2, "
                               "ops=[{op=IORING_OP_NOP, flags=IO_URING_OP_SUPPORTED}, "
                               "{op=IORING_OP_READV, flags=0}]}, 2")
    _, failed = call("io_uring_register", (3, 8, probe + 0x10000, 2), mem, ret=-14)
    assert text(failed.args[2:]) == f"{probe + 0x10000:#x}, 2"


def test_iowq_affinity_longer_than_the_kernel_mask():
    mem = FakeMemory()
    cpus = mem.put(bytes([0x81]) + bytes(255))
    _, done = call("io_uring_register", (3, 17, cpus, 256), mem, ret=0)
    assert text(done.args[2:]) == "[0 7 ...], 256"


def test_every_syscall_of_the_family_has_a_row():
    family = {"mmap", "munmap", "mprotect", "pkey_mprotect", "pkey_alloc", "pkey_free", "brk",
              "madvise", "mremap", "msync", "mlock", "mlock2", "munlock", "mlockall",
              "munlockall", "mincore", "remap_file_pages", "mbind", "set_mempolicy",
              "get_mempolicy", "process_madvise", "futex", "futex_waitv", "io_uring_setup",
              "io_uring_enter", "io_uring_register", "membarrier"}
    assert family <= mem_mod.ROWS.keys()
    assert mem_mod.VARIABLE_ROWS.keys() <= mem_mod.ROWS.keys()
