"""One row per syscall: how each argument prints, whether at entry or at exit, and what the
return value means. Everything after the first exit-time argument prints at exit (strace's
`<... NAME resumed>` split)."""

from __future__ import annotations

from functools import lru_cache
from typing import Callable

from sysrec.decode import (desc, fcntl as fcntl_mod, file, ioctl, mem, process, signal,
                           time)
from sysrec.decode.row import FD, INT, UINT, ULONG, Arg, E, Signature, X
from sysrec.decode.args import int_arg, uint_arg, ulong_arg
from sysrec.decode.common import Call, Node
from sysrec.decode.xlat import value
from sysrec.decode.net import (accept_flags_arg, family_arg, fd_pair_out, msg_flags_arg,
                               msghdr_in, msghdr_out, protocol_arg, recvmmsg_aux,
                               recvmmsg_timeout, recvmmsg_vec, sendmmsg_vec, shutdown_how_arg,
                               snapshot_msghdr, snapshot_recvmmsg, sockbuf_in, sockbuf_out,
                               socket_type_arg)
from sysrec.decode.poll import (epoll_create1_flags_arg, epoll_ctl_event_arg, epoll_events_out,
                                epoll_op_arg, fdset_arg, pollfds_arg, poll_aux, ppoll_aux,
                                pselect6_aux, pselect6_sigmask_arg, select_aux, sigset_arg,
                                timespec_arg, timeval_arg)
from sysrec.decode.sockaddr import snapshot_socklen, sockaddr_in, sockaddr_out, socklen_vr
from sysrec.decode.sockopt import (getsockopt_len, getsockopt_name_arg, getsockopt_value,
                                   level_arg, setsockopt_name_arg, setsockopt_value,
                                   snapshot_optlen)

SOCKADDR_IN = E(sockaddr_in(1, 2))

NET_ROWS: dict[str, Signature] = {
    # sockets
    "socket": Signature((E(family_arg), E(socket_type_arg), E(protocol_arg)), returns_fd=True),
    "socketpair": Signature((E(family_arg), E(socket_type_arg), ULONG, X(fd_pair_out))),
    "connect": Signature((FD, SOCKADDR_IN, INT)),
    "bind": Signature((FD, SOCKADDR_IN, INT)),
    "listen": Signature((FD, INT)),
    "accept": Signature((FD, X(sockaddr_out(1, 2)), X(socklen_vr(2))), returns_fd=True,
                        snapshot=snapshot_socklen(1, 2)),
    "accept4": Signature((FD, X(sockaddr_out(1, 2)), X(socklen_vr(2)), X(accept_flags_arg)),
                         returns_fd=True, snapshot=snapshot_socklen(1, 2)),
    "getsockname": Signature((FD, X(sockaddr_out(1, 2)), X(socklen_vr(2))),
                             snapshot=snapshot_socklen(1, 2)),
    "getpeername": Signature((FD, X(sockaddr_out(1, 2)), X(socklen_vr(2))),
                             snapshot=snapshot_socklen(1, 2)),
    "shutdown": Signature((FD, E(shutdown_how_arg))),
    "sendto": Signature((FD, E(sockbuf_in(2)), ULONG, E(msg_flags_arg), E(sockaddr_in(4, 5)), INT)),
    "recvfrom": Signature((FD, X(sockbuf_out), X(ulong_arg), X(msg_flags_arg),
                           X(sockaddr_out(4, 5)), X(socklen_vr(5))),
                          snapshot=snapshot_socklen(4, 5)),
    "sendmsg": Signature((FD, E(msghdr_in), E(msg_flags_arg))),
    "recvmsg": Signature((FD, X(msghdr_out), X(msg_flags_arg)), snapshot=snapshot_msghdr),
    "sendmmsg": Signature((FD, X(sendmmsg_vec), X(uint_arg), X(msg_flags_arg))),
    "recvmmsg": Signature((FD, X(recvmmsg_vec), X(uint_arg), X(msg_flags_arg), X(recvmmsg_timeout)),
                          snapshot=snapshot_recvmmsg, aux=recvmmsg_aux),
    "getsockopt": Signature((FD, E(level_arg), E(getsockopt_name_arg), X(getsockopt_value),
                             X(getsockopt_len)), snapshot=snapshot_optlen),
    "setsockopt": Signature((FD, E(level_arg), E(setsockopt_name_arg), E(setsockopt_value), INT)),
    # readiness
    "poll": Signature((E(pollfds_arg), UINT, INT), aux=poll_aux),
    "ppoll": Signature((E(pollfds_arg), UINT, E(timespec_arg), E(sigset_arg(4)), ULONG),
                       aux=ppoll_aux),
    "select": Signature((INT, E(fdset_arg), E(fdset_arg), E(fdset_arg), E(timeval_arg)),
                        aux=select_aux),
    "pselect6": Signature((INT, E(fdset_arg), E(fdset_arg), E(fdset_arg), E(timespec_arg),
                           E(pselect6_sigmask_arg)), aux=pselect6_aux),
    "epoll_create": Signature((INT,), returns_fd=True),
    "epoll_create1": Signature((E(epoll_create1_flags_arg),), returns_fd=True),
    "epoll_ctl": Signature((FD, E(epoll_op_arg), FD, E(epoll_ctl_event_arg))),
    "epoll_wait": Signature((FD, X(epoll_events_out), X(int_arg), X(int_arg))),
    "epoll_pwait": Signature((FD, X(epoll_events_out), X(int_arg), X(int_arg),
                              X(sigset_arg(5)), X(ulong_arg))),
    "epoll_pwait2": Signature((FD, X(epoll_events_out), X(int_arg), X(timespec_arg),
                               X(sigset_arg(5)), X(ulong_arg))),
    # process end: printed at entry, never returns
    "exit": Signature((INT,)),
    "exit_group": Signature((INT,)),
}


# One table per syscall family (strace's src/net.c, file.c, desc.c, ...), merged; a name is in
# exactly one family.
FAMILIES: tuple[dict[str, Signature], ...] = (
    NET_ROWS, file.ROWS, desc.ROWS, ioctl.ROWS, process.ROWS, mem.ROWS, signal.ROWS, time.ROWS)
SIGNATURES: dict[str, Signature] = {}
for _family in FAMILIES:
    _twice = SIGNATURES.keys() & _family.keys()
    assert not _twice, f"syscalls in two families: {sorted(_twice)}"
    SIGNATURES.update(_family)


@lru_cache(maxsize=None)
def _fcntl_signature(name: Node) -> Signature:
    row = fcntl_mod.FCNTL_ROWS.get(name, fcntl_mod.UNKNOWN_COMMAND) if isinstance(name, str) \
        else fcntl_mod.UNKNOWN_COMMAND
    cmd = Arg(_fcntl_command)
    args: tuple[Arg, ...] = (FD, cmd)
    if row.arg is not None:
        fn = row.arg
        args += (Arg(lambda call, i: fn(call), at_exit=row.arg_at_exit),)
    aux = None
    if row.returns is not None:
        fmt = row.returns
        aux = lambda call: fmt(call.ret)  # noqa: E731
    return Signature(args, aux=aux)


def _fcntl_command(call: Call, i: int) -> Node:
    """The command as printed: fcntl_row(call)[0], without looking up its row again."""
    return value(call.s32(1), fcntl_mod.FCNTL_COMMANDS, "F_???")


# The row of each command number seen (the row depends on the number alone): one lookup a call.
_FCNTL_ROW_OF: dict[int, Signature] = {}


def _fcntl_row(call: Call) -> Signature:
    cmd = call.s32(1)  # the row by the command's name, whatever -X prints
    row = _FCNTL_ROW_OF.get(cmd)
    if row is None:
        row = _fcntl_signature(fcntl_mod.FCNTL_COMMANDS.get(cmd) or fcntl_mod.fcntl_row(call)[0])
        if len(_FCNTL_ROW_OF) < 256:
            _FCNTL_ROW_OF[cmd] = row
    return row


# Syscalls whose row depends on an argument (fcntl's command, futex's op): how many arguments
# print, and which at exit. The family's fixed row in SIGNATURES stays for readers of records.
PER_CALL_ROWS: dict[str, Callable[[Call], Signature]] = {
    "fcntl": _fcntl_row, "ioctl": ioctl.signature_for, **mem.VARIABLE_ROWS,
    **process.VARIABLE_ROWS, **file.VARIABLE_ROWS, **desc.VARIABLE_ROWS}


def signature_for(call: Call) -> Signature | None:
    """The row for this call; None: no decoder."""
    pick = PER_CALL_ROWS.get(call.name)
    if pick is not None:
        return pick(call)
    return SIGNATURES.get(call.name)


def has_exit_args(name: str, entry_args: list[Node] | None = None) -> bool:
    """Whether strace prints part of this call at exit: its entry text then ends in `, ` and
    an interrupted line reads `NAME(3,  <unfinished ...>`. fcntl's answer depends on the
    command, the second entry argument."""
    if name == "fcntl":
        cmd = entry_args[1] if entry_args and len(entry_args) > 1 else None
        row = fcntl_mod.FCNTL_ROWS.get(cmd) if isinstance(cmd, str) else None
        return bool(row and row.arg is not None and row.arg_at_exit)
    sig = SIGNATURES.get(name)
    return sig is not None and sig.more


# --- syscalls without a row: name and raw arguments --------------------------------------------

from sysrec.decode.args import hex_arg, hex_return  # noqa: E402  (this section's own imports)


@lru_cache(maxsize=None)
def _nargs() -> dict[str, int]:
    from sysrec.syscall_classes_x86_64 import SYSCALLS
    return {name: nargs for name, nargs, _classes in SYSCALLS.values()}


def syscall_argument_count(name: str) -> int:
    """How many arguments strace's table gives the syscall; 6 for one it does not name."""
    return _nargs().get(name, 6)


@lru_cache(maxsize=1024)
def raw_signature(name: str) -> Signature:
    """A syscall without a row prints as strace's printargs() prints: as many arguments as
    strace's table gives it, each as C's `%#lx`. A number strace has no name for
    (`syscall_0x1f4`) shows all six, and its success value in hex too (strace's raw mode)."""
    nargs = _nargs().get(name)
    if nargs is None:
        return Signature(tuple(E(hex_arg) for _ in range(6)), aux=hex_return)
    return Signature(tuple(E(hex_arg) for _ in range(nargs)))
