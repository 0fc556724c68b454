"""Small argument decoders shared by the family modules (ints, fds, flags, strings)."""

from __future__ import annotations

from typing import Mapping

from sysrec.decode.common import (MASK64, Call, Node, cstring_node, fd, path_node, ptr,
                                   read_string)
from sysrec.decode.xlat import flags, value


def fd_arg(call: Call, i: int) -> Node:
    return fd(call.s32(i))


def int_arg(call: Call, i: int) -> Node:
    return call.s32(i)


def uint_arg(call: Call, i: int) -> Node:
    return call.u32(i)


def ulong_arg(call: Call, i: int) -> Node:
    return call.u(i)


def long_arg(call: Call, i: int) -> Node:
    return call.s64(i)


def ptr_arg(call: Call, i: int) -> Node:
    return ptr(call.u(i))


def const_arg(table: Mapping[int, str], unknown: str | None):
    """A C int that names one constant."""
    def decode(call: Call, i: int) -> Node:
        return value(call.s32(i), table, unknown)
    return decode


def flags_arg(table: Mapping[int, str], unknown: str | None, width: int = 32):
    """A bit set."""
    def decode(call: Call, i: int) -> Node:
        v = call.u(i) if width == 64 else call.u32(i)
        return flags(v, table, unknown)
    return decode


def buffer_in(len_arg: int):
    """Data the program hands the kernel (write, sendto): printed at entry."""
    def decode(call: Call, i: int) -> Node:
        return read_string(call, call.u(i), call.u(len_arg))
    return decode


def buffer_out(call: Call, i: int) -> Node:
    """Data the kernel hands back (read, recvfrom; the length is the next argument): `ret`
    bytes, the address on failure."""
    if call.failed:
        return ptr(call.u(i))
    # MSG_TRUNC: recv may return more than the buffer holds; only the buffer was written.
    return read_string(call, call.u(i), min(call.ret or 0, call.u(i + 1)))


def raw_arg(call: Call, i: int) -> Node:
    """An argument sysrec has no decoder for: small values in decimal, others as addresses."""
    v = call.u(i)
    return v if v < 0x10000 else {"$ptr": v}


# --- shared by several families (file names, *at() directories, modes, hex values) -----------

AT_FDCWD = -100


def path_arg(call: Call, i: int) -> Node:
    """A file name (never cut by -s)."""
    return path_node(call, call.u(i))


def cstring_arg(call: Call, i: int) -> Node:
    """A NUL-terminated string that is not a file name (cut by -s)."""
    return cstring_node(call, call.u(i))


def dirfd_arg(call: Call, i: int) -> Node:
    """The directory fd of an *at() call: `AT_FDCWD` or an fd."""
    v = call.s32(i)
    return {"$fd": v, "name": "AT_FDCWD"} if v == AT_FDCWD else fd(v)


def octal_arg(call: Call, i: int) -> Node:
    """A mode as C's `%#o`: `0644`, `0`."""
    v = call.u32(i)
    return f"{v:#o}".replace("0o", "0") if v else "0"


def hex_arg(call: Call, i: int) -> Node:
    """An unsigned long as C's `%#lx`: `0x1000`, `0`."""
    v = call.u(i)
    return f"{v:#x}" if v else "0"


def hex_return(call: Call) -> tuple[Node, Node]:
    """An aux for calls whose success strace prints in hex (brk, mmap): `0x55c0e0a4e000`."""
    ret = (call.ret or 0) & MASK64
    return (f"{ret:#x}" if ret else "0"), None
