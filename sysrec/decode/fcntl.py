"""fcntl: the third argument and the return value mean something different for every command,
so the command selects a row of FCNTL_ROWS."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from sysrec.decode import structs
from sysrec.decode.common import Call, Node, fd, ptr
from sysrec.decode.xlat import c_hex, flags, value
from sysrec.decode.xlat.fcntl import (ACCESS_MODE_MASK, ACCESS_MODES, FCNTL_COMMANDS, FD_FLAGS,
                                      LEASE_TYPES, LOCK_TYPES, NOTIFY_FLAGS, OPEN_FLAGS,
                                      OWNER_TYPES, SEALS, SEEK_WHENCE)
from sysrec.decode.xlat.signals import SIGNALS, signal_name


def open_modes(v: int) -> str:
    """`O_RDWR|O_NONBLOCK`: the access mode always, then the status flags."""
    mode = ACCESS_MODES[v & ACCESS_MODE_MASK]
    rest = v & ~ACCESS_MODE_MASK
    return mode if rest == 0 else f"{mode}|{flags(rest, OPEN_FLAGS)}"


def _flock(call: Call, addr: int, with_pid: bool) -> Node:
    data = call.read(addr, structs.FLOCK_SIZE)
    if data is None:
        return ptr(addr)
    fl = structs.flock.parse(data)
    node: dict[str, Node] = {
        # strace shows the two shorts unsigned: 0xffff /* F_??? */
        "l_type": value(fl.l_type & 0xFFFF, LOCK_TYPES, "F_???"),
        "l_whence": value(fl.l_whence & 0xFFFF, SEEK_WHENCE, "SEEK_???"),
        "l_start": fl.l_start, "l_len": fl.l_len,
    }
    if with_pid:
        node["l_pid"] = fl.l_pid
    return node


def _owner(call: Call, addr: int) -> Node:
    data = call.read(addr, 8)
    if data is None:
        return ptr(addr)
    own = structs.f_owner_ex.parse(data)
    return {"type": value(own.type & 0xFFFFFFFF, OWNER_TYPES, "F_OWNER_???"), "pid": own.pid}


ArgFn = Callable[[Call], Node]


@dataclass(frozen=True)
class FcntlRow:
    """How one command prints: its argument (None: no third argument), whether that argument
    is printed at exit, how a successful return value prints (rtext, raux)."""

    arg: ArgFn | None = None
    arg_at_exit: bool = False
    returns: Callable[[int], tuple[Node, Node]] | None = None


def _ret_fd(ret: int) -> tuple[Node, Node]:
    return fd(ret), None


def _ret_signal(ret: int) -> tuple[Node, Node]:
    """F_GETSIG: the signal's name after the number (0, the default SIGIO, stays plain)."""
    return (None, None) if ret == 0 else (None, signal_name(ret))


def _ret_lease(ret: int) -> tuple[Node, Node]:
    """F_GETLEASE: hex, and the lease type when it is a known one."""
    return (f"{ret:#x}" if ret else "0"), LEASE_TYPES.get(ret)


def _ret_hex_flags(prefix: str, render: Callable[[int], str], skip_zero: bool):
    def fmt(ret: int) -> tuple[Node, Node]:
        if skip_zero and ret == 0:
            return None, None
        return f"{ret:#x}" if ret else "0", f"{prefix}{render(ret)}"
    return fmt


def _arg_int(call: Call) -> Node:
    return call.s32(2)


def _arg_hex(call: Call) -> Node:
    """Commands strace does not decode: the argument as a hex long."""
    return c_hex(call.u(2))


def _arg_long(call: Call) -> Node:
    return call.s64(2)


def _arg_fd_flags(call: Call) -> Node:
    return flags(call.u32(2), FD_FLAGS, "FD_???")


def _arg_open_modes(call: Call) -> Node:
    return open_modes(call.u32(2))


def _arg_signal(call: Call) -> Node:
    return value(call.s32(2), SIGNALS)


def _arg_lock_in(call: Call) -> Node:
    return _flock(call, call.u(2), with_pid=False)


def _arg_lock_out(call: Call) -> Node:
    return ptr(call.u(2)) if call.failed else _flock(call, call.u(2), with_pid=True)


def _arg_owner_in(call: Call) -> Node:
    return _owner(call, call.u(2))


def _arg_owner_out(call: Call) -> Node:
    return ptr(call.u(2)) if call.failed else _owner(call, call.u(2))


FCNTL_ROWS: dict[str, FcntlRow] = {
    "F_DUPFD": FcntlRow(_arg_long, returns=_ret_fd),
    "F_DUPFD_CLOEXEC": FcntlRow(_arg_long, returns=_ret_fd),
    "F_GETFD": FcntlRow(returns=_ret_hex_flags("flags ", lambda v: flags(v, FD_FLAGS), True)),
    "F_SETFD": FcntlRow(_arg_fd_flags),
    "F_GETFL": FcntlRow(returns=_ret_hex_flags("flags ", open_modes, False)),
    "F_SETFL": FcntlRow(_arg_open_modes),
    "F_GETLK": FcntlRow(_arg_lock_out, arg_at_exit=True),
    "F_OFD_GETLK": FcntlRow(_arg_lock_out, arg_at_exit=True),
    "F_SETLK": FcntlRow(_arg_lock_in),
    "F_SETLKW": FcntlRow(_arg_lock_in),
    "F_OFD_SETLK": FcntlRow(_arg_lock_in),
    "F_OFD_SETLKW": FcntlRow(_arg_lock_in),
    "F_SETOWN": FcntlRow(_arg_int),
    "F_GETOWN": FcntlRow(),
    "F_SETOWN_EX": FcntlRow(_arg_owner_in),
    "F_GETOWN_EX": FcntlRow(_arg_owner_out, arg_at_exit=True),
    "F_SETSIG": FcntlRow(_arg_signal),
    "F_GETSIG": FcntlRow(returns=_ret_signal),
    "F_SETLEASE": FcntlRow(lambda call: value(call.u(2), LEASE_TYPES, "F_???")),
    "F_GETLEASE": FcntlRow(returns=_ret_lease),
    "F_NOTIFY": FcntlRow(lambda call: flags(call.u(2), NOTIFY_FLAGS, "DN_???")),
    "F_SETPIPE_SZ": FcntlRow(_arg_long),
    "F_GETPIPE_SZ": FcntlRow(),
    "F_ADD_SEALS": FcntlRow(lambda call: flags(call.u(2), SEALS, "F_SEAL_???")),
    "F_GET_SEALS": FcntlRow(returns=_ret_hex_flags("seals ", lambda v: flags(v, SEALS), True)),
}

UNKNOWN_COMMAND = FcntlRow(_arg_hex)


def fcntl_row(call: Call) -> tuple[Node, FcntlRow]:
    """The printed command and its row."""
    cmd = call.s32(1)
    name = value(cmd, FCNTL_COMMANDS, "F_???")
    row = FCNTL_ROWS.get(FCNTL_COMMANDS.get(cmd, ""), UNKNOWN_COMMAND)  # by name, whatever -X prints
    return name, row
