"""Memory: mmap, munmap, mprotect, brk, madvise, mremap, msync, mlock*, mincore, NUMA policies,
protection keys; futex, futex_waitv, io_uring, membarrier (strace's src/mem.c, numa.c,
pkeys.c, futex.c, futex_waitv.c, io_uring.c, membarrier.c)."""

from __future__ import annotations

from typing import Callable, Sequence

from construct import Array, Int8ul, Int16ul, Int32sl, Int32ul, Int64ul, Struct

from sysrec.decode.args import (flags_arg, hex_arg, hex_return, int_arg, ptr_arg,
                                uint_arg, ulong_arg)
from sysrec.decode.common import ArgDecoder, Call, Node, fd, ptr
from sysrec.decode.lazy_compile import compiled_later
from sysrec.decode.poll import sigset_node, timespec_arg
from sysrec.decode.process import cpu_set_node
from sysrec.decode.row import FD, INT, UINT, ULONG, E, Signature, X
from sysrec.decode.xlat import c_hex, flags, styled, value, whole_constant
from sysrec.decode.xlat.mem import (
    CLOCK_IDS, FUTEX_BITSETS, FUTEX_CMD_MASK, FUTEX_CMP_REQUEUE,
    FUTEX_CMP_REQUEUE_PI, FUTEX_FD, FUTEX_LOCK_PI, FUTEX_LOCK_PI2, FUTEX_OP_OPARG_SHIFT,
    FUTEX_OPS, FUTEX_REQUEUE, FUTEX_TRYLOCK_PI, FUTEX_UNLOCK_PI, FUTEX_WAIT, FUTEX_WAIT_BITSET,
    FUTEX_WAIT_REQUEUE_PI, FUTEX_WAITER_FLAGS, FUTEX_WAITV_MAX, FUTEX_WAKE, FUTEX_WAKE_BITSET,
    FUTEX_WAKE_CMPS, FUTEX_WAKE_OP, FUTEX_WAKE_OPS, GET_MEMPOLICY_FLAGS, IORING_ENTER_FLAGS,
    IORING_FEATURES, IORING_FILES_UPDATE_FDS, IORING_OP_FLAGS, IORING_OPS,
    IORING_PBUF_RING_OPCODES, IORING_PROBE_MAX_OPS, IORING_REGISTER_BUFFERS,
    IORING_REGISTER_FD_ARRAYS, IORING_REGISTER_FILES2, IORING_REGISTER_FILES_UPDATE,
    IORING_REGISTER_FILES_UPDATE2, IORING_REGISTER_IOWQ_AFF, IORING_REGISTER_IOWQ_MAX_WORKERS, IORING_REGISTER_OPCODES,
    IORING_REGISTER_PROBE, IORING_REGISTER_RESTRICTIONS, IORING_REGISTER_RING_FDS,
    IORING_REGISTER_RSRC, IORING_REGISTER_RSRC_UPDATE, IORING_RESTRICTION_OPCODES,
    IORING_RSRC_REGISTER_FLAGS, IORING_UNREGISTER_RING_FDS, IO_WQ_ACCT, IOSQE_FLAGS,
    IORING_SETUP_ATTACH_WQ, IORING_SETUP_FLAGS, MADVISE_ADVICE, MAP_FLAGS, MAP_HUGE_MASK,
    MAP_HUGE_SHIFT, MAP_TYPE_MASK, MAP_TYPES, MBIND_FLAGS, MEMBARRIER_CMD_FLAG_CPU,
    MEMBARRIER_CMD_QUERY, MEMBARRIER_CMDS, MEMBARRIER_FLAGS, MLOCK2_FLAGS, MLOCKALL_FLAGS,
    MPOL_MODE_FLAGS, MPOL_MODE_FLAGS_MASK, MPOL_MODES, MREMAP_FLAGS, MREMAP_MAYMOVE_FIXED,
    MSYNC_FLAGS, PKEY_ACCESS, PROT_FLAGS)

PAGE_SIZE = 4096
NSIG_BYTES = 8  # the kernel's sigset_t on x86-64: strace reads only a mask of exactly this size

# --- the structures read from the tracee (x86-64 layout) -----------------------------------

futex_waitv = compiled_later(Struct("val" / Int64ul, "uaddr" / Int64ul, "flags" / Int32ul,
                                    "reserved" / Int32ul))
FUTEX_WAITV_SIZE = 24

iovec = compiled_later(Struct("base" / Int64ul, "len" / Int64ul))
IOVEC_SIZE = 16

_sqring_offsets = Struct("head" / Int32ul, "tail" / Int32ul, "ring_mask" / Int32ul,
                         "ring_entries" / Int32ul, "flags" / Int32ul, "dropped" / Int32ul,
                         "array" / Int32ul, "resv1" / Int32ul, "resv2" / Int64ul)
_cqring_offsets = Struct("head" / Int32ul, "tail" / Int32ul, "ring_mask" / Int32ul,
                         "ring_entries" / Int32ul, "overflow" / Int32ul, "cqes" / Int32ul,
                         "flags" / Int32ul, "resv1" / Int32ul, "resv2" / Int64ul)
io_uring_params = compiled_later(Struct(
    "sq_entries" / Int32ul, "cq_entries" / Int32ul, "flags" / Int32ul,
    "sq_thread_cpu" / Int32ul, "sq_thread_idle" / Int32ul, "features" / Int32ul,
    "wq_fd" / Int32sl, "resv" / Array(3, Int32ul), "sq_off" / _sqring_offsets,
    "cq_off" / _cqring_offsets,
))
IO_URING_PARAMS_SIZE = 120

int32 = compiled_later(Int32sl)
uint32 = compiled_later(Int32ul)
ulong = compiled_later(Int64ul)


# --- shared pieces ----------------------------------------------------------------------------

def _array(call: Call, addr: int, count: int, size: int, element: Callable[[bytes], Node],
           cap: int | None = None) -> Node:
    """An array as strace's print_array prints it: NULL, `[]`, the address when the first element
    cannot be read, at most -s elements (then `...`), and `... /* 0xaddr */` where the readable
    part ends."""
    if addr == 0:
        return "NULL"
    if count == 0:
        return []
    if addr + count * size >= 1 << 64:  # the end wraps around: strace shows the address
        return ptr(addr)
    shown = min(count, call.opts.strsize, count if cap is None else cap)
    more = count > shown
    # strace fetches the element after the last one shown before it prints `...`.
    fetch = shown + 1 if more else shown
    data = call.read(addr, fetch * size)
    readable = fetch
    if data is None:  # find where the readable part ends, element by element
        chunks = []
        for n in range(fetch):
            chunk = call.read(addr + n * size, size)
            if chunk is None:
                break
            chunks.append(chunk)
        data, readable = b"".join(chunks), len(chunks)
        if readable == 0:
            return ptr(addr)
    nodes: list[Node] = [element(data[n * size:(n + 1) * size])
                         for n in range(min(readable, shown))]
    if readable < fetch:
        nodes.append(f"... /* {addr + readable * size:#x} */")
    elif more:
        nodes.append("...")
    return nodes


def _xval32(table: dict[int, str], unknown: str) -> ArgDecoder:
    """A constant as strace's printxval prints it: from the register's low 32 bits."""
    def decode(call: Call, i: int) -> Node:
        return value(call.u32(i), table, unknown)
    return decode


def _iovecs(call: Call, addr: int, count: int) -> Node:
    """An iovec array whose buffers strace does not read: `[{iov_base=0x..., iov_len=N}]`."""
    def element(data: bytes) -> Node:
        iov = iovec.parse(data)
        return {"iov_base": ptr(iov.base), "iov_len": iov.len}
    return _array(call, addr, count, IOVEC_SIZE, element)


def _fds(call: Call, addr: int, count: int) -> Node:
    return _array(call, addr, count, 4, lambda data: fd(int32.parse(data)))


def _sigset_arg(size_arg: int) -> ArgDecoder:
    """A signal mask with its size in another argument; strace reads it only when that size is
    exactly the kernel's."""
    def decode(call: Call, i: int) -> Node:
        addr, size = call.u(i), call.u(size_arg)
        if size != NSIG_BYTES:
            return ptr(addr)
        return sigset_node(call, addr, size)
    return decode


def _at(index: int, decode: ArgDecoder) -> ArgDecoder:
    """`decode` applied to register `index`, wherever the argument lands in the printed list."""
    return lambda call, _position: decode(call, index)


Tail = tuple[ArgDecoder, ...]


# --- mmap and friends ---------------------------------------------------------------------------

def prot_arg(call: Call, i: int) -> Node:
    """PROT_* bits; no bit at all is PROT_NONE."""
    return flags(call.u(i), PROT_FLAGS, "PROT_???", zero="PROT_NONE")


@whole_constant()
def map_flags(v: int) -> str:
    """`MAP_PRIVATE|MAP_ANONYMOUS|21<<MAP_HUGE_SHIFT`: the mapping type by name, then the flag
    bits, then a MAP_HUGETLB page size (log2) in its own bit field."""
    text = value(v & MAP_TYPE_MASK, MAP_TYPES, "MAP_???")
    rest = v & ~MAP_TYPE_MASK
    huge_bits = MAP_HUGE_MASK << MAP_HUGE_SHIFT
    huge = rest & huge_bits
    rest &= ~huge_bits
    if rest:
        text += "|" + flags(rest, MAP_FLAGS)
    if huge:
        text += f"|{huge >> MAP_HUGE_SHIFT}<<MAP_HUGE_SHIFT"
    return text


def map_flags_arg(call: Call, i: int) -> Node:
    return map_flags(call.u32(i))  # strace prints only the low 32 bits


def mincore_vec_out(call: Call, i: int) -> Node:
    """One byte per page of the range: bit 0 says whether the page is resident."""
    if call.failed:
        return ptr(call.u(i))
    length = call.u(1)
    pages = length // PAGE_SIZE + (1 if length % PAGE_SIZE else 0)
    return _array(call, call.u(i), pages, 1, lambda data: data[0] & 1)


_MREMAP_NEW_ADDRESS: Tail = (_at(4, ptr_arg),)


def _mremap_tail(call: Call) -> Tail:
    """The new address follows only when both MREMAP_MAYMOVE and MREMAP_FIXED are set."""
    if call.u(3) & MREMAP_MAYMOVE_FIXED == MREMAP_MAYMOVE_FIXED:
        return _MREMAP_NEW_ADDRESS
    return ()


mremap_flags_arg = flags_arg(MREMAP_FLAGS, "MREMAP_???", width=64)


def process_madvise_iov_arg(call: Call, i: int) -> Node:
    return _iovecs(call, call.u(i), call.u(2))


# --- NUMA memory policy -------------------------------------------------------------------------

def mpol_mode(v: int) -> str:
    """`MPOL_BIND|MPOL_F_STATIC_NODES`: the mode by name, then its flag bits."""
    mode_flags = v & MPOL_MODE_FLAGS_MASK
    mode = v & ~MPOL_MODE_FLAGS_MASK
    if not mode_flags:
        return value(mode, MPOL_MODES, "MPOL_???")
    name = MPOL_MODES.get(mode)
    if name is None:
        return flags(v, MPOL_MODE_FLAGS, "MPOL_???")
    return f"{name}|{flags(mode_flags, MPOL_MODE_FLAGS)}"


def _node_word(data: bytes) -> str:
    word = ulong.parse(data)
    return f"{word:#016x}" if word else "0" * 16


def _nodemask(call: Call, addr: int, maxnode: int) -> Node:
    """The node bit mask as an array of longs, each as C's `%#0*lx` for a 16-digit width
    (`0x00000000000001`, `0000000000000000`); get_mempolicy's only after a success."""
    words = (maxnode + 62) // 64
    if words < maxnode // 64 or (maxnode and not words):
        return ptr(addr)
    return _array(call, addr, words, 8, _node_word)


def nodemask_arg(maxnode_arg: int) -> ArgDecoder:
    def decode(call: Call, i: int) -> Node:
        if call.exiting and call.failed:
            return ptr(call.u(i))
        return _nodemask(call, call.u(i), call.u(maxnode_arg))
    return decode


def mbind_mode_arg(call: Call, i: int) -> Node:
    return mpol_mode(call.u(i))


def set_mempolicy_mode_arg(call: Call, i: int) -> Node:
    return mpol_mode(call.u32(i))


def get_mempolicy_mode_out(call: Call, i: int) -> Node:
    """`[MPOL_DEFAULT]`: the policy the kernel wrote."""
    addr = call.u(i)
    data = None if call.failed else call.read(addr, 4)
    if data is None:
        return ptr(addr)
    return [value(int32.parse(data), MPOL_MODES, "MPOL_???")]


# --- futex --------------------------------------------------------------------------------------

def futex_op_name(op: int) -> str:
    """The op by name (`FUTEX_WAIT_BITSET_PRIVATE|FUTEX_CLOCK_REALTIME`), else its 32 bits in
    hex."""
    op &= 0xFFFFFFFF
    name = FUTEX_OPS.get(op)
    return styled(c_hex(op), name) if name else f"{op:#x} /* FUTEX_??? */"


def futex_op_arg(call: Call, i: int) -> Node:
    return futex_op_name(call.s32(i))


def bitset_arg(call: Call, i: int) -> Node:
    v = call.u32(i)
    return FUTEX_BITSETS.get(v) or c_hex(v)


def wake_op(v: int) -> str:
    """FUTEX_WAKE_OP's encoded operation, field by field as its bits lay it out:
    `FUTEX_OP_SET<<28|0<<12|FUTEX_OP_CMP_GT<<24|0x1`."""
    op, cmp = v >> 28 & 0x7, v >> 24 & 0xF
    text = "FUTEX_OP_OPARG_SHIFT<<28|" if v >> 28 & FUTEX_OP_OPARG_SHIFT else ""
    text += (f"{FUTEX_WAKE_OPS[op]}<<28" if op in FUTEX_WAKE_OPS
             else f"{op:#x}<<28 /* FUTEX_OP_??? */")
    text += f"|{c_hex(v >> 12 & 0xFFF)}<<12|"
    text += (f"{FUTEX_WAKE_CMPS[cmp]}<<24" if cmp in FUTEX_WAKE_CMPS
             else f"{cmp:#x}<<24 /* FUTEX_OP_CMP_??? */")
    return text + f"|{c_hex(v & 0xFFF)}"


def wake_op_arg(call: Call, i: int) -> Node:
    return wake_op(call.u32(i))


def hex32_arg(call: Call, i: int) -> Node:
    return c_hex(call.u32(i))


# What follows the op, per command (op & 127): (register, decoder) in printed order.
_VAL, _TIMEOUT, _VAL2, _UADDR2 = (2, uint_arg), (3, timespec_arg), (3, uint_arg), (4, ptr_arg)
FUTEX_TAILS: dict[int, tuple[tuple[int, ArgDecoder], ...]] = {
    FUTEX_WAIT: (_VAL, _TIMEOUT),
    FUTEX_LOCK_PI: (_TIMEOUT,),
    FUTEX_LOCK_PI2: (_TIMEOUT,),
    FUTEX_WAIT_BITSET: (_VAL, _TIMEOUT, (5, bitset_arg)),
    FUTEX_WAKE_BITSET: (_VAL, (5, bitset_arg)),
    FUTEX_REQUEUE: (_VAL, _VAL2, _UADDR2),
    FUTEX_CMP_REQUEUE: (_VAL, _VAL2, _UADDR2, (5, uint_arg)),
    FUTEX_CMP_REQUEUE_PI: (_VAL, _VAL2, _UADDR2, (5, uint_arg)),
    FUTEX_WAKE_OP: (_VAL, _VAL2, _UADDR2, (5, wake_op_arg)),
    FUTEX_WAIT_REQUEUE_PI: (_VAL, _TIMEOUT, _UADDR2),
    FUTEX_FD: (_VAL,),
    FUTEX_WAKE: (_VAL,),
    FUTEX_UNLOCK_PI: (),
    FUTEX_TRYLOCK_PI: (),
}
FUTEX_UNKNOWN_TAIL = (_VAL, (3, ptr_arg), _UADDR2, (5, hex32_arg))
_FUTEX_TAILS_BOUND: dict[int, Tail] = {
    cmd: tuple(_at(j, dec) for j, dec in tail) for cmd, tail in FUTEX_TAILS.items()}
_FUTEX_UNKNOWN_BOUND: Tail = tuple(_at(j, dec) for j, dec in FUTEX_UNKNOWN_TAIL)


def _futex_tail(call: Call) -> Tail:
    return _FUTEX_TAILS_BOUND.get(call.s32(1) & FUTEX_CMD_MASK, _FUTEX_UNKNOWN_BOUND)


def futex_waiters_arg(call: Call, i: int) -> Node:
    def element(data: bytes) -> Node:
        w = futex_waitv.parse(data)
        node = {"val": c_hex(w.val), "uaddr": ptr(w.uaddr),
                "flags": flags(w.flags, FUTEX_WAITER_FLAGS, "FUTEX_???")}
        if w.reserved:
            node["__reserved"] = c_hex(w.reserved)
        return node
    return _array(call, call.u(i), call.u32(1), FUTEX_WAITV_SIZE, element, cap=FUTEX_WAITV_MAX)


# --- membarrier ---------------------------------------------------------------------------------

_MEMBARRIER_CPU_ID: Tail = (_at(2, int_arg),)


def _membarrier_tail(call: Call) -> Tail:
    """cpu_id follows only with MEMBARRIER_CMD_FLAG_CPU (the tails are built once: rows are
    cached per tail)."""
    return _MEMBARRIER_CPU_ID if call.u32(1) & MEMBARRIER_CMD_FLAG_CPU else ()


membarrier_flags_arg = flags_arg(MEMBARRIER_FLAGS, "MEMBARRIER_CMD_FLAG_???")


def membarrier_aux(call: Call) -> tuple[Node, Node]:
    """MEMBARRIER_CMD_QUERY returns the supported commands: `0x1fe (MEMBARRIER_CMD_...|...)`."""
    if call.s32(0) != MEMBARRIER_CMD_QUERY or not call.ret:
        return None, None
    ret = call.ret & (1 << 64) - 1
    return c_hex(ret), flags(ret, MEMBARRIER_CMDS)


# --- io_uring -----------------------------------------------------------------------------------

def _ring_offsets(off, last: tuple[str, ...]) -> dict[str, Node]:
    node: dict[str, Node] = {name: off[name] for name in ("head", "tail", "ring_mask",
                                                          "ring_entries") + last}
    if off.resv1:
        node["resv1"] = c_hex(off.resv1)
    if off.resv2:
        node["resv2"] = c_hex(off.resv2)
    return node


def snapshot_io_uring_params(call: Call) -> None:
    """The fields the program set, as they were before the kernel fills in the rest."""
    call.saved["params"] = call.read(call.u(1), IO_URING_PARAMS_SIZE)


def io_uring_params_arg(call: Call, i: int) -> Node:
    """struct io_uring_params: what the program asked for (read at entry), then what the kernel
    answered (read at exit, after a success)."""
    before = call.saved.get("params")
    if before is None:
        return ptr(call.u(i))
    p = io_uring_params.parse(before)
    node: dict[str, Node] = {
        "flags": flags(p.flags, IORING_SETUP_FLAGS, "IORING_SETUP_???"),
        "sq_thread_cpu": c_hex(p.sq_thread_cpu), "sq_thread_idle": p.sq_thread_idle,
    }
    if p.flags & IORING_SETUP_ATTACH_WQ:
        node["wq_fd"] = fd(p.wq_fd)
    if any(p.resv):
        node["resv"] = [c_hex(v) for v in p.resv]
    after = None if call.failed else call.read(call.u(i), IO_URING_PARAMS_SIZE)
    if after is not None:
        q = io_uring_params.parse(after)
        node["sq_entries"] = q.sq_entries
        node["cq_entries"] = q.cq_entries
        node["features"] = flags(q.features, IORING_FEATURES, "IORING_FEAT_???")
        node["sq_off"] = _ring_offsets(q.sq_off, ("flags", "dropped", "array"))
        node["cq_off"] = _ring_offsets(q.cq_off, ("overflow", "cqes", "flags"))
    return node


# io_uring_register's argument structures.
io_uring_files_update = compiled_later(Struct("offset" / Int32ul, "resv" / Int32ul, "fds" / Int64ul))
io_uring_rsrc_register = compiled_later(Struct("nr" / Int32ul, "flags" / Int32ul, "resv2" / Int64ul,
                                               "data" / Int64ul, "tags" / Int64ul))
io_uring_rsrc_update2 = compiled_later(Struct("offset" / Int32ul, "resv" / Int32ul, "data" / Int64ul,
                                              "tags" / Int64ul, "nr" / Int32ul, "resv2" / Int32ul))
io_uring_rsrc_update = compiled_later(Struct("offset" / Int32ul, "resv" / Int32ul, "data" / Int64ul))
io_uring_restriction = compiled_later(Struct("opcode" / Int16ul, "arg" / Int8ul, "resv" / Int8ul,
                                             "resv2" / Array(3, Int32ul)))
io_uring_buf_reg = compiled_later(Struct("ring_addr" / Int64ul, "ring_entries" / Int32ul, "bgid" / Int16ul,
                                         "pad" / Int16ul, "resv" / Array(3, Int64ul)))
io_uring_probe = compiled_later(Struct("last_op" / Int8ul, "ops_len" / Int8ul, "resv" / Int16ul,
                                       "resv2" / Array(3, Int32ul)))
io_uring_probe_op = compiled_later(Struct("op" / Int8ul, "resv" / Int8ul, "flags" / Int16ul,
                                          "resv2" / Int32ul))
IO_URING_PROBE_SIZE, IO_URING_PROBE_OP_SIZE = 16, 8


def _xval_u(v: int, table: dict[int, str], unknown: str) -> str:
    """strace's XVAL_U field: the name, or the value in decimal with the comment."""
    return table.get(v) or f"{v} /* {unknown} */"


def _nonzero(node: dict[str, Node], name: str, v) -> None:
    """Reserved fields show only when set, in hex (arrays element by element)."""
    if isinstance(v, int):
        if v:
            node[name] = c_hex(v)
    elif any(v):
        node[name] = [c_hex(x) for x in v]


def _update_fd(data: bytes) -> Node:
    n = int32.parse(data)
    return IORING_FILES_UPDATE_FDS.get(n, str(n)) if n < -1 else fd(n)


def _files_update(call: Call, addr: int, count: int) -> Node:
    data = call.read(addr, 16)
    if data is None:
        return ptr(addr)
    upd = io_uring_files_update.parse(data)
    node: dict[str, Node] = {"offset": upd.offset}
    _nonzero(node, "resv", upd.resv)
    node["fds"] = _array(call, upd.fds, count, 4, _update_fd)
    return node


def _rsrc_data(call: Call, opcode: int, addr: int, count: int) -> Node:
    if opcode == IORING_REGISTER_FILES2:
        return _fds(call, addr, count)
    if opcode == IORING_REGISTER_FILES_UPDATE2:
        return _array(call, addr, count, 4, _update_fd)
    return _iovecs(call, addr, count)


def _tags(call: Call, addr: int, count: int) -> Node:
    return _array(call, addr, count, 8, lambda data: c_hex(ulong.parse(data)))


def _rsrc_register(call: Call, opcode: int, addr: int, size: int) -> Node:
    data = call.read(addr, 32) if size >= 32 else None
    if data is None:
        return ptr(addr)
    reg = io_uring_rsrc_register.parse(data)
    node: dict[str, Node] = {"nr": reg.nr, "flags": flags(reg.flags, IORING_RSRC_REGISTER_FLAGS,
                                                          "IORING_RSRC_REGISTER_???")}
    _nonzero(node, "resv2", reg.resv2)
    node["data"] = _rsrc_data(call, opcode, reg.data, reg.nr)
    node["tags"] = _tags(call, reg.tags, reg.nr)
    return node


def _rsrc_update(call: Call, opcode: int, addr: int, size: int) -> Node:
    data = call.read(addr, 32) if size >= 32 else None
    if data is None:
        return ptr(addr)
    upd = io_uring_rsrc_update2.parse(data)
    node: dict[str, Node] = {"offset": upd.offset}
    _nonzero(node, "resv", upd.resv)
    node["data"] = _rsrc_data(call, opcode, upd.data, upd.nr)
    node["tags"] = _tags(call, upd.tags, upd.nr)
    node["nr"] = upd.nr
    _nonzero(node, "resv2", upd.resv2)
    return node


def _restriction(data: bytes) -> Node:
    r = io_uring_restriction.parse(data)
    opcode = value(r.opcode, IORING_RESTRICTION_OPCODES, "IORING_RESTRICTION_???")
    node: dict[str, Node] = {}
    if r.opcode == 0:
        node = {"opcode": opcode, "register_op": value(r.arg, IORING_REGISTER_OPCODES,
                                                       "IORING_REGISTER_???")}
    elif r.opcode == 1:
        node = {"opcode": opcode, "sqe_op": value(r.arg, IORING_OPS, "IORING_OP_???")}
    elif r.opcode in (2, 3):
        node = {"opcode": opcode, "sqe_flags": flags(r.arg, IOSQE_FLAGS, "IOSQE_???")}
    else:  # an unknown opcode: the union's byte as a comment after it
        node = {"opcode": f"{opcode} /* op: {c_hex(r.arg)} */"}
    _nonzero(node, "resv", r.resv)
    _nonzero(node, "resv2", r.resv2)
    return node


def _ring_fd_register(data: bytes) -> Node:
    u = io_uring_rsrc_update.parse(data)
    node: dict[str, Node] = {"offset": -1 if u.offset == 0xFFFFFFFF else u.offset}
    _nonzero(node, "resv", u.resv)
    node["data"] = fd(u.data & 0xFFFFFFFF if u.data & 0xFFFFFFFF < 1 << 31
                      else (u.data & 0xFFFFFFFF) - (1 << 32))
    return node


def _ring_fd_unregister(data: bytes) -> Node:
    u = io_uring_rsrc_update.parse(data)
    node: dict[str, Node] = {"offset": u.offset}
    _nonzero(node, "resv", u.resv)
    _nonzero(node, "data", u.data)
    return node


def _buf_reg(call: Call, addr: int) -> Node:
    data = call.read(addr, 40)
    if data is None:
        return ptr(addr)
    reg = io_uring_buf_reg.parse(data)
    node: dict[str, Node] = {"ring_addr": ptr(reg.ring_addr), "ring_entries": reg.ring_entries,
                             "bgid": reg.bgid}
    _nonzero(node, "pad", reg.pad)
    _nonzero(node, "resv", reg.resv)
    return node


def _probe(call: Call, data: bytes, count: int) -> Node:
    """struct io_uring_probe with `count` ops; `...` when the kernel knows more than asked."""
    head = io_uring_probe.parse(data[:IO_URING_PROBE_SIZE])
    node: dict[str, Node] = {"last_op": _xval_u(head.last_op, IORING_OPS, "IORING_OP_???"),
                             "ops_len": head.ops_len}
    _nonzero(node, "resv", head.resv)
    _nonzero(node, "resv2", head.resv2)
    shown = min(count, call.opts.strsize)
    ops: list[Node] = []
    for n in range(shown):
        at = IO_URING_PROBE_SIZE + n * IO_URING_PROBE_OP_SIZE
        op = io_uring_probe_op.parse(data[at:at + IO_URING_PROBE_OP_SIZE])
        entry: dict[str, Node] = {"op": _xval_u(op.op, IORING_OPS, "IORING_OP_???")}
        _nonzero(entry, "resv", op.resv)
        entry["flags"] = flags(op.flags, IORING_OP_FLAGS, "IO_URING_OP_???")
        _nonzero(entry, "resv2", op.resv2)
        ops.append(entry)
    if shown < count or (call.exiting and count < head.ops_len):
        ops.append("...")
    node["ops"] = ops
    return node


def _max_workers(call: Call, addr: int, count: int) -> Node:
    """`[[IO_WQ_BOUND]=4, [IO_WQ_UNBOUND]=8]`: each count after its index."""
    cells = _array(call, addr, count, 4, lambda data: uint32.parse(data))
    if not isinstance(cells, list):
        return cells
    return [cell if isinstance(cell, str) else
            f"[{_xval_u(n, IO_WQ_ACCT, 'IO_WQ_???')}]={cell}" for n, cell in enumerate(cells)]


CPUSET_SIZE = 128  # strace reads at most the kernel's cpumask size: 128 bytes up to 1024 CPUs


def _affinity(call: Call, addr: int, length: int) -> Node:
    """io_uring's worker CPU set as `[0 1 5]`, NULL when there is none."""
    return "NULL" if addr == 0 else cpu_set_node(call, addr, length, CPUSET_SIZE)


def _register_arg_at_entry(call: Call) -> Node:
    """The argument as the program passed it; None when strace waits for the kernel's answer
    (an all-zero probe)."""
    opcode, addr, count = call.u32(1), call.u(2), call.u32(3)
    if opcode == IORING_REGISTER_BUFFERS:
        return _iovecs(call, addr, count)
    if opcode in IORING_REGISTER_FD_ARRAYS:
        return _fds(call, addr, count)
    if opcode == IORING_REGISTER_FILES_UPDATE:
        return _files_update(call, addr, count)
    if opcode == IORING_REGISTER_PROBE:
        if count > IORING_PROBE_MAX_OPS:
            return ptr(addr)
        data = call.read(addr, IO_URING_PROBE_SIZE + count * IO_URING_PROBE_OP_SIZE)
        if data is None:
            return ptr(addr)
        return None if not any(data) else _probe(call, data, count)
    if opcode == IORING_REGISTER_RESTRICTIONS:
        return _array(call, addr, count, 16, _restriction)
    if opcode in IORING_REGISTER_RSRC:
        return _rsrc_register(call, opcode, addr, count)
    if opcode in IORING_REGISTER_RSRC_UPDATE:
        return _rsrc_update(call, opcode, addr, count)
    if opcode == IORING_REGISTER_IOWQ_MAX_WORKERS:
        return _max_workers(call, addr, count)
    if opcode == IORING_REGISTER_RING_FDS:
        return _array(call, addr, count, 16, _ring_fd_register)
    if opcode == IORING_UNREGISTER_RING_FDS:
        return _array(call, addr, count, 16, _ring_fd_unregister)
    if opcode in IORING_PBUF_RING_OPCODES:
        return _buf_reg(call, addr)
    if opcode == IORING_REGISTER_IOWQ_AFF:
        return _affinity(call, addr, count)
    return ptr(addr)


# The opcodes whose argument the kernel writes back: strace prints it (again) at exit.
_REGISTER_ANSWERS = (IORING_REGISTER_PROBE, IORING_REGISTER_IOWQ_MAX_WORKERS)


def snapshot_io_uring_register(call: Call) -> None:
    call.saved["register_arg"] = _register_arg_at_entry(call)


def io_uring_register_arg(call: Call, i: int) -> Node:
    """What the program passed (read at entry); for a probe and the worker limits also what
    the kernel wrote back (`before => after`, or only the answer to an all-zero probe)."""
    before = call.saved.get("register_arg") if "register_arg" in call.saved \
        else _register_arg_at_entry(call)
    opcode, addr, count = call.u32(1), call.u(i), call.u32(3)
    if opcode not in _REGISTER_ANSWERS or not call.exiting or \
            (before is not None and not isinstance(before, (dict, list))):
        return before if before is not None else ptr(addr)
    if call.failed:
        return before if before is not None else ptr(addr)
    if opcode == IORING_REGISTER_PROBE:
        data = call.read(addr, IO_URING_PROBE_SIZE + count * IO_URING_PROBE_OP_SIZE)
        if data is None:
            return before if before is not None else ptr(addr)
        head = io_uring_probe.parse(data[:IO_URING_PROBE_SIZE])
        after = _probe(call, data, min(head.ops_len, count))
    else:
        after = _max_workers(call, addr, count)
    return after if before is None else {"$vr": [before, after]}


# --- the rows -------------------------------------------------------------------------------

ADDR = E(ptr_arg)
PROT = E(prot_arg)
REGISTER_OPCODE = E(_xval32(IORING_REGISTER_OPCODES, "IORING_REGISTER_???"))

ROWS: dict[str, Signature] = {
    "brk": Signature((ADDR,), aux=hex_return),
    "mmap": Signature((ADDR, ULONG, PROT, E(map_flags_arg), FD, E(hex_arg)),
                      aux=hex_return),
    "munmap": Signature((ADDR, ULONG)),
    "mprotect": Signature((ADDR, ULONG, PROT)),
    "pkey_mprotect": Signature((ADDR, ULONG, PROT, INT)),
    "pkey_alloc": Signature((E(hex_arg), E(flags_arg(PKEY_ACCESS, "PKEY_???", width=64)))),
    "pkey_free": Signature((INT,)),
    # futex, mremap and membarrier: rows per call in VARIABLE_ROWS (how many arguments print
    # depends on the op or flags); these rows, without the optional arguments, stand for them
    # in records: everything prints at entry.
    "mremap": Signature((ADDR, ULONG, ULONG, E(mremap_flags_arg)),
                        aux=hex_return),
    "remap_file_pages": Signature((ADDR, ULONG, PROT, ULONG, E(map_flags_arg))),
    "madvise": Signature((ADDR, ULONG, E(_xval32(MADVISE_ADVICE, "MADV_???")))),
    "process_madvise": Signature((FD, E(process_madvise_iov_arg), ULONG,
                                  E(_xval32(MADVISE_ADVICE, "MADV_???")), E(hex32_arg))),
    "process_mrelease": Signature((FD, E(hex32_arg))),
    "msync": Signature((ADDR, ULONG, E(flags_arg(MSYNC_FLAGS, "MS_???")))),
    "mlock": Signature((ADDR, ULONG)),
    "munlock": Signature((ADDR, ULONG)),
    "mlock2": Signature((ADDR, ULONG, E(flags_arg(MLOCK2_FLAGS, "MLOCK_???")))),
    "mlockall": Signature((E(flags_arg(MLOCKALL_FLAGS, "MCL_???")),)),
    "munlockall": Signature(()),
    "mincore": Signature((ADDR, ULONG, X(mincore_vec_out))),
    "mbind": Signature((ADDR, ULONG, E(mbind_mode_arg), E(nodemask_arg(4)), ULONG,
                        E(flags_arg(MBIND_FLAGS, "MPOL_???")))),
    "set_mempolicy": Signature((E(set_mempolicy_mode_arg), E(nodemask_arg(2)), ULONG)),
    "get_mempolicy": Signature((X(get_mempolicy_mode_out), X(nodemask_arg(2)), X(ulong_arg),
                                X(ptr_arg),
                                X(flags_arg(GET_MEMPOLICY_FLAGS, "MPOL_???", width=64)))),
    "set_mempolicy_home_node": Signature((ADDR, ULONG, ULONG, E(hex_arg))),
    "migrate_pages": Signature((INT, ULONG, E(nodemask_arg(1)), E(nodemask_arg(1)))),
    "futex": Signature((ADDR, E(futex_op_arg))),
    "futex_waitv": Signature((E(futex_waiters_arg), UINT, E(hex32_arg), E(timespec_arg),
                              E(_xval32(CLOCK_IDS, "CLOCK_???")))),
    "membarrier": Signature((E(_xval32(MEMBARRIER_CMDS, "MEMBARRIER_CMD_???")),
                             E(membarrier_flags_arg)),
                            aux=membarrier_aux),
    "io_uring_setup": Signature((UINT, X(io_uring_params_arg)), returns_fd=True,
                                snapshot=snapshot_io_uring_params),
    "io_uring_enter": Signature((FD, UINT, UINT,
                                 E(flags_arg(IORING_ENTER_FLAGS, "IORING_ENTER_???")),
                                 E(_sigset_arg(5)), ULONG)),
    # The argument prints at exit for every opcode (from what the snapshot read at entry) because
    # a probe's and the worker limits' print only then; VARIABLE_ROWS splits it per opcode.
    "io_uring_register": Signature((FD, REGISTER_OPCODE, X(io_uring_register_arg), X(uint_arg)),
                                   snapshot=snapshot_io_uring_register),
}


# --- one node per argument, for a caller that picks the row per call -----------------------

def _variable(fixed: Sequence[ArgDecoder], head: ArgDecoder,
              tail: Callable[[Call], Tail], **kw) -> Callable[[Call], Signature]:
    rows: dict[Tail, Signature] = {}

    def row(call: Call) -> Signature:
        more = tail(call)
        sig = rows.get(more)
        if sig is None:
            sig = rows[more] = Signature(tuple(E(dec) for dec in (*fixed, head, *more)), **kw)
        return sig
    return row


_REGISTER_AT_ENTRY = Signature((FD, REGISTER_OPCODE, E(io_uring_register_arg), UINT),
                               snapshot=snapshot_io_uring_register)


def _register_row(call: Call) -> Signature:
    """io_uring_register prints its argument at entry, but a probe's and the worker limits' at
    exit (ROWS prints every opcode's at exit)."""
    return ROWS["io_uring_register"] if call.u32(1) in _REGISTER_ANSWERS else _REGISTER_AT_ENTRY


# futex, mremap and membarrier print a number of arguments that depends on one of them, and
# io_uring_register prints its argument at entry or at exit depending on the opcode:
# signatures.PER_CALL_ROWS picks these rows per call.
VARIABLE_ROWS: dict[str, Callable[[Call], Signature]] = {
    "futex": _variable((ptr_arg,), futex_op_arg, _futex_tail),
    "mremap": _variable((ptr_arg, ulong_arg, ulong_arg), mremap_flags_arg, _mremap_tail,
                        aux=hex_return),
    "membarrier": _variable((_xval32(MEMBARRIER_CMDS, "MEMBARRIER_CMD_???"),),
                            membarrier_flags_arg, _membarrier_tail, aux=membarrier_aux),
    "io_uring_register": _register_row,
}
