"""getsockopt/setsockopt: option names per level and how each option's value prints."""

from __future__ import annotations

from typing import Callable

from sysrec.decode import structs
from sysrec.decode.common import Call, Node, bytes_node, ptr, read_string, vr
from sysrec.decode.xlat import value
from sysrec.decode.xlat.errnos import ERRNO
from sysrec.decode.xlat.net import (GET_ONLY_OPTIONS, OPTIONS_BY_LEVEL, SO_ERROR, SO_LINGER, SO_PEERCRED,
                                    SOCKET_INT_OPTIONS, SOCKET_LEVELS, SOL_SOCKET, SOL_UNKNOWN)

INT_SIZE = 4


def level_arg(call: Call, i: int) -> Node:
    return value(call.s32(i), SOCKET_LEVELS, SOL_UNKNOWN)


def optname_arg(call: Call, i: int) -> Node:
    level, name = call.s32(1), call.s32(i)
    table = OPTIONS_BY_LEVEL.get(level)
    if table is None:
        return name
    return value(name, table[0], table[1])


def _linger(data: bytes) -> Node:
    lg = structs.linger.parse(data)
    return {"l_onoff": lg.l_onoff, "l_linger": lg.l_linger}


def _peercred(data: bytes) -> Node:
    cr = structs.ucred.parse(data)
    return {"pid": cr.pid, "uid": cr.uid, "gid": cr.gid}


def _c_int(data: bytes) -> int:
    """A C int; plain int.from_bytes is several times cheaper than a construct parse here."""
    return int.from_bytes(data[:INT_SIZE], "little", signed=True)


def _so_error(data: bytes) -> Node:
    err = _c_int(data)
    return [ERRNO[err][0] if err in ERRNO else err]


def _int(data: bytes) -> Node:
    return [_c_int(data)]


# (level, name) -> (minimum length, how to print). Shorter values: the address (setsockopt) or
# the bytes in hex (getsockopt); options not listed print `[N]` only when exactly 4 bytes long.
StructPrinter = Callable[[bytes], Node]
SET_PRINTERS: dict[tuple[int, int], tuple[int, StructPrinter]] = {
    (SOL_SOCKET, SO_LINGER): (8, _linger),
    **{(SOL_SOCKET, opt): (INT_SIZE, _int) for opt in SOCKET_INT_OPTIONS - GET_ONLY_OPTIONS},
}
GET_PRINTERS: dict[tuple[int, int], tuple[int, StructPrinter]] = {
    (SOL_SOCKET, SO_LINGER): (8, _linger),
    (SOL_SOCKET, SO_PEERCRED): (12, _peercred),
    (SOL_SOCKET, SO_ERROR): (INT_SIZE, _so_error),
    **{(SOL_SOCKET, opt): (INT_SIZE, _int) for opt in SOCKET_INT_OPTIONS if opt != SO_ERROR},
}
STRUCT_OPTIONS = frozenset({(SOL_SOCKET, SO_LINGER), (SOL_SOCKET, SO_PEERCRED)})


def _optval(call: Call, addr: int, length: int, getting: bool) -> Node:
    level, name = call.s32(1), call.s32(2)
    if addr == 0:
        return "NULL"
    if length < 0:
        return ptr(addr)
    printer = (GET_PRINTERS if getting else SET_PRINTERS).get((level, name))
    if printer is not None:
        need, show = printer
        if length >= need:
            data = call.read(addr, need)
            return ptr(addr) if data is None else show(data)
        if not getting:
            return ptr(addr)
        if (level, name) not in STRUCT_OPTIONS:
            data = call.read(addr, length)
            return ptr(addr) if data is None else bytes_node(data, hexa=True)
    elif length == INT_SIZE:
        data = call.read(addr, INT_SIZE)
        return ptr(addr) if data is None else _int(data)
    return read_string(call, addr, length)


def setsockopt_value(call: Call, i: int) -> Node:
    return _optval(call, call.u(i), call.s32(4), getting=False)


def snapshot_optlen(call: Call) -> None:
    data = call.read(call.u(4), INT_SIZE)
    call.saved["optlen"] = None if data is None else _c_int(data)


def _optlen_after(call: Call) -> int | None:
    """*optlen as the kernel left it (read once, used by both exit-time arguments)."""
    if "optlen_after" not in call.saved:
        data = call.read(call.u(4), INT_SIZE)
        call.saved["optlen_after"] = None if data is None else _c_int(data)
    return call.saved["optlen_after"]


def getsockopt_value(call: Call, i: int) -> Node:
    addr = call.u(i)
    if call.failed:
        return ptr(addr)
    after = _optlen_after(call)
    if after is None:
        return ptr(addr)
    before = call.saved.get("optlen")
    length = after if before is None else min(before, after)
    return _optval(call, addr, length, getting=True)


def getsockopt_len(call: Call, i: int) -> Node:
    addr = call.u(i)
    if addr == 0:
        return "NULL"
    before = call.saved.get("optlen")
    if before is None:
        return ptr(addr)
    if call.failed:
        return [before]
    after = _optlen_after(call)
    return [before] if after is None else [vr(before, after)]
