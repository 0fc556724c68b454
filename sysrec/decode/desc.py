"""Descriptors and their I/O: read/write and the vectored and positioned variants, lseek, dup,
pipe, flock, fadvise64, fallocate, sendfile, copy_file_range, splice/tee, fsync, memfd_create,
eventfd2, signalfd4, timerfd, inotify, close_range (strace's src/desc.c, io.c and friends)."""

from __future__ import annotations

from typing import Callable, Mapping

from construct import Int64ul, Struct

from sysrec.decode.args import long_arg, path_arg, ulong_arg
from sysrec.decode.common import (MASK64, ArgDecoder, Call, Node, bytes_node, fd, ptr,
                                   read_cstring, struct_at)
from sysrec.decode.lazy_compile import compiled_later
from sysrec.decode.poll import sigset_node
from sysrec.decode.time import itimerspec_in, itimerspec_out
from sysrec.decode.row import ABSENT, FD, INT, UINT, ULONG, E, Signature, X
from sysrec.decode.xlat import flags, value
from sysrec.decode.xlat.desc import (CLOCKS, CLOSE_RANGE_FLAGS, EFD_FLAGS, FADVISE_ADVICE,
                                     FALLOC_FLAGS, FLOCK_OPS, INOTIFY_INIT_FLAGS, INOTIFY_MASK,
                                     MEMFD_FLAGS, MFD_HUGE_MASK, MFD_HUGE_SHIFT, MFD_NAME_MAX_LEN,
                                     OPEN_MODE_FLAGS, RWF_FLAGS, SFD_FLAGS, SPLICE_FLAGS,
                                     SYNC_FILE_RANGE_FLAGS, TFD_FLAGS, WHENCE)

LONG = E(long_arg)

# --- small decoders ----------------------------------------------------------------------------


def arg_at(raw: int, decode: ArgDecoder) -> ArgDecoder:
    """A decoder that reads raw argument `raw` whatever its printed position (preadv2's flags
    are the sixth register but the fifth printed argument: x86-64 ignores pos_h)."""
    return lambda call, i: decode(call, raw)


def flags_of(table: Mapping[int, str], unknown: str) -> ArgDecoder:
    """A bit set in the low 32 bits (strace's printflags takes an unsigned int)."""
    return lambda call, i: flags(call.u32(i), table, unknown)


def const_of(table: Mapping[int, str], unknown: str) -> ArgDecoder:
    """One constant from the low 32 bits; an unknown one in unsigned hex (printxval)."""
    return lambda call, i: value(call.u32(i), table, unknown)


# --- data buffers ------------------------------------------------------------------------------

def data_node(call: Call, addr: int, length: int) -> Node:
    """`length` bytes at addr as strace's printstrn prints them. strace fetches one byte more
    than -s shows, so a buffer whose readable part ends right after the shown bytes prints as
    its address."""
    if addr == 0:
        return "NULL"
    length &= MASK64
    data = call.read_bytes(addr, min(length, call.opts.strsize + 1))
    if data is None:
        return ptr(addr)
    return bytes_node(data[:call.opts.strsize], length)


def data_in(len_arg: int) -> ArgDecoder:
    """Data the program hands the kernel (write, pwrite64): printed at entry."""
    return lambda call, i: data_node(call, call.u(i), call.u(len_arg))


def data_out(call: Call, i: int) -> Node:
    """Data the kernel hands back (read, pread64): `ret` bytes; the address on failure."""
    if call.failed:
        return ptr(call.u(i))
    return data_node(call, call.u(i), call.ret or 0)


# --- arrays (strace's print_array) -------------------------------------------------------------

def array_node(call: Call, addr: int, count: int, size: int,
               element: Callable[[bytes], Node]) -> Node:
    """An array in the tracee, element by element: `[a, b, ...]` cut after -s elements; an
    array that is unreadable from its start (or wraps the address space) prints as its
    address, one that becomes unreadable midway ends in `... /* 0xADDR */`."""
    if addr == 0:
        return "NULL"
    if count == 0:
        return []
    if count * size > MASK64 or addr + count * size > MASK64:
        return ptr(addr)
    limit = min(count, call.opts.strsize)
    fetch = min(count, limit + 1)  # strace fetches the first element it does not print
    block = call.read(addr, fetch * size)
    nodes: list[Node] = []
    for n in range(fetch):
        at = addr + n * size
        data = block[n * size:(n + 1) * size] if block is not None else call.read(at, size)
        if data is None:
            if n == 0:
                return ptr(addr)
            nodes.append(f"... /* {at:#x} */")
            break
        if n == limit:
            nodes.append("...")
            break
        nodes.append(element(data))
    return nodes


iovec = compiled_later(Struct("iov_base" / Int64ul, "iov_len" / Int64ul))
IOVEC_SIZE = 16


def iovec_node(call: Call, addr: int, count: int, data_size: int | None,
               show_data: bool = True) -> Node:
    """An iovec array: each iov_base shown up to its iov_len, all of them together up to
    `data_size` bytes (a short readv fills the first buffers only); with `show_data` False
    (a failed readv) every iov_base prints as its address."""
    remaining = [data_size]

    def element(data: bytes) -> Node:
        iov = iovec.parse(data)
        if not show_data:
            return {"iov_base": ptr(iov.iov_base), "iov_len": iov.iov_len}
        length = iov.iov_len
        if remaining[0] is not None:
            length = min(length, remaining[0])
            remaining[0] -= length
        return {"iov_base": data_node(call, iov.iov_base, length), "iov_len": iov.iov_len}

    return array_node(call, addr, count, IOVEC_SIZE, element)


def iovec_in(call: Call, i: int) -> Node:
    """writev's buffers, printed whole at entry (the count is the next argument)."""
    return iovec_node(call, call.u(i), call.u(i + 1), None)


def iovec_out(call: Call, i: int) -> Node:
    """readv's buffers at exit: the first `ret` bytes; addresses when the call failed."""
    if call.failed:
        return iovec_node(call, call.u(i), call.u(i + 1), None, show_data=False)
    return iovec_node(call, call.u(i), call.u(i + 1), call.ret or 0)


def fd_pair_out(call: Call, i: int) -> Node:
    """pipe's int[2], written by the kernel: the address when the call failed."""
    addr = call.u(i)
    if call.failed:
        return ptr(addr)
    return array_node(call, addr, 2, 4, lambda data: fd(int.from_bytes(data, "little",
                                                                         signed=True)))


# --- offsets passed by pointer (splice, copy_file_range, sendfile) -----------------------------

def int64_node(call: Call, addr: int, signed: bool) -> Node:
    """A loff_t in the tracee as `[42]`; NULL, or the address when unreadable."""
    return struct_at(call, addr, 8, lambda data: [int.from_bytes(data, "little", signed=signed)])


def offset_ptr_arg(call: Call, i: int) -> Node:
    return int64_node(call, call.u(i), signed=True)


def snapshot_sendfile_offset(call: Call) -> None:
    call.saved["offset"] = int64_node(call, call.u(2), signed=False)


def sendfile_offset(call: Call, i: int) -> Node:
    """The offset as it was at entry: `[0]`."""
    before = call.saved.get("offset")
    return before if before is not None else int64_node(call, call.u(i), signed=False)


def sendfile_offset_after(call: Call, i: int) -> Node:
    """` => [5]`: the kernel advanced the offset by what it copied; nothing when it copied
    nothing (strace then prints the offset once)."""
    if call.failed or not call.ret:
        return ABSENT
    return {"$cont": int64_node(call, call.u(2), signed=False)}


# --- strings and flags with their own rules ----------------------------------------------------

def memfd_name_arg(call: Call, i: int) -> Node:
    """memfd_create's name: a C string that strace reads no further than the kernel's limit
    (MFD_NAME_MAX_LEN + 1 bytes); a name that fills the limit shows `...` even at a larger -s,
    since strace never sees its NUL."""
    window = MFD_NAME_MAX_LEN + 1
    limit = min(call.opts.strsize, window)
    addr = call.u(i)
    data = read_cstring(call, addr, limit)
    if data is None:
        return ptr(addr)
    cut = len(data) > limit or (limit == window and len(data) == window)
    return bytes_node(data[:limit], limit + 1 if cut else len(data))


def memfd_flags_arg(call: Call, i: int) -> Node:
    """`MFD_CLOEXEC|21<<MFD_HUGE_SHIFT`: the huge page size field as a shifted number."""
    v = call.u32(i)
    huge = v & (MFD_HUGE_MASK << MFD_HUGE_SHIFT)
    rest = v & ~(MFD_HUGE_MASK << MFD_HUGE_SHIFT)
    parts = []
    if rest or not huge:
        parts.append(flags(rest, MEMFD_FLAGS, "MFD_???"))
    if huge:
        parts.append(f"{huge >> MFD_HUGE_SHIFT}<<MFD_HUGE_SHIFT")
    return "|".join(parts)


NSIG_BYTES = 8


def sigmask_arg(call: Call, i: int) -> Node:
    """signalfd's mask; a size other than the kernel's sigset size prints the address."""
    addr, size = call.u(i), call.u(i + 1)
    if size != NSIG_BYTES:
        return ptr(addr)
    return sigset_node(call, addr, size)


# --- the rows ----------------------------------------------------------------------------------

OPEN_MODE = flags_of(OPEN_MODE_FLAGS, "O_???")
SPLICE = E(flags_of(SPLICE_FLAGS, "SPLICE_F_???"))
RWF = arg_at(5, flags_of(RWF_FLAGS, "RWF_???"))
TFD = E(flags_of(TFD_FLAGS, "TFD_???"))

# sendfile with an offset the kernel may advance: strace prints `[2]` at entry and ` => [4]` at
# exit, only when the call copied something: `sendfile(5, 3, [2] <unfinished ...>`, then
# `<... sendfile resumed> => [4], 10) = 2` or `<... sendfile resumed>, 10) = -1 EAGAIN`.
SENDFILE_OFFSET_BACK = Signature((FD, FD, E(sendfile_offset), X(sendfile_offset_after), X(arg_at(3, ulong_arg))),
                                 snapshot=snapshot_sendfile_offset, continues=True)
# NULL or an unreadable offset: strace prints the whole call at entry.
SENDFILE_AT_ENTRY = Signature((FD, FD, E(sendfile_offset), ULONG))


def sendfile_row(call: Call) -> Signature:
    readable = isinstance(int64_node(call, call.u(2), signed=False), list)
    return SENDFILE_OFFSET_BACK if readable else SENDFILE_AT_ENTRY


# Syscalls whose row depends on an argument (signatures.PER_CALL_ROWS picks them per call).
VARIABLE_ROWS: dict[str, Callable[[Call], Signature]] = {"sendfile": sendfile_row}

ROWS: dict[str, Signature] = {
    # plain and positioned I/O
    "read": Signature((FD, X(data_out), X(ulong_arg))),
    "write": Signature((FD, E(data_in(2)), ULONG)),
    "close": Signature((FD,)),
    "pread64": Signature((FD, X(data_out), X(ulong_arg), X(long_arg))),
    "pwrite64": Signature((FD, E(data_in(2)), ULONG, LONG)),
    # vectored I/O
    "readv": Signature((FD, X(iovec_out), X(ulong_arg))),
    "writev": Signature((FD, E(iovec_in), ULONG)),
    "preadv": Signature((FD, X(iovec_out), X(ulong_arg), X(long_arg))),
    "pwritev": Signature((FD, E(iovec_in), ULONG, LONG)),
    "preadv2": Signature((FD, X(iovec_out), X(ulong_arg), X(long_arg), X(RWF))),
    "pwritev2": Signature((FD, E(iovec_in), ULONG, LONG, E(RWF))),
    "lseek": Signature((FD, LONG, E(const_of(WHENCE, "SEEK_???")))),
    # new descriptors
    "dup": Signature((FD,), returns_fd=True),
    "dup2": Signature((FD, FD), returns_fd=True),
    "dup3": Signature((FD, FD, E(OPEN_MODE)), returns_fd=True),
    "pipe": Signature((X(fd_pair_out),)),
    "pipe2": Signature((X(fd_pair_out), X(OPEN_MODE))),
    "memfd_create": Signature((E(memfd_name_arg), E(memfd_flags_arg)), returns_fd=True),
    "eventfd": Signature((UINT,), returns_fd=True),
    "eventfd2": Signature((UINT, E(flags_of(EFD_FLAGS, "EFD_???"))), returns_fd=True),
    "signalfd": Signature((FD, E(sigmask_arg), ULONG), returns_fd=True),
    "signalfd4": Signature((FD, E(sigmask_arg), ULONG, E(flags_of(SFD_FLAGS, "SFD_???"))),
                           returns_fd=True),
    "timerfd_create": Signature((E(const_of(CLOCKS, "CLOCK_???")), TFD), returns_fd=True),
    "timerfd_settime": Signature((FD, TFD, E(itimerspec_in), X(itimerspec_out))),
    "timerfd_gettime": Signature((FD, X(itimerspec_out))),
    "inotify_init": Signature((), returns_fd=True),
    "inotify_init1": Signature((E(flags_of(INOTIFY_INIT_FLAGS, "IN_???")),), returns_fd=True),
    "inotify_add_watch": Signature((FD, E(path_arg), E(flags_of(INOTIFY_MASK, "IN_???")))),
    "inotify_rm_watch": Signature((FD, INT)),
    "close_range": Signature((UINT, UINT, E(flags_of(CLOSE_RANGE_FLAGS, "CLOSE_RANGE_???")))),
    # locks, hints, space
    "flock": Signature((FD, E(flags_of(FLOCK_OPS, "LOCK_???")))),
    "fadvise64": Signature((FD, LONG, ULONG, E(const_of(FADVISE_ADVICE, "POSIX_FADV_???")))),
    "fallocate": Signature((FD, E(flags_of(FALLOC_FLAGS, "FALLOC_FL_???")), LONG, LONG)),
    # copying between descriptors
    # a row per call in VARIABLE_ROWS; this one stands for them in records
    "sendfile": SENDFILE_OFFSET_BACK,
    "copy_file_range": Signature((FD, E(offset_ptr_arg), FD, E(offset_ptr_arg), ULONG, UINT)),
    "splice": Signature((FD, E(offset_ptr_arg), FD, E(offset_ptr_arg), ULONG, SPLICE)),
    "tee": Signature((FD, FD, ULONG, SPLICE)),
    "vmsplice": Signature((FD, E(iovec_in), ULONG, SPLICE)),
    # syncing
    "fsync": Signature((FD,)),
    "fdatasync": Signature((FD,)),
    "sync": Signature(()),
    "syncfs": Signature((FD,)),
    "sync_file_range": Signature((FD, LONG, LONG,
                                  E(flags_of(SYNC_FILE_RANGE_FLAGS, "SYNC_FILE_RANGE_???")))),
}
