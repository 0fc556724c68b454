"""Signals: rt_sigaction, rt_sigprocmask, rt_sigreturn, sigaltstack, rt_sigsuspend,
rt_sigtimedwait, rt_sigpending, the sigqueueinfo calls, pause and the kill family
(strace's src/signal.c, sigaltstack.c, rt_sigreturn.c).

Signal masks print as `[INT TERM]`, or inverted as `~[KILL STOP]` once two thirds of the bits
are set; `sigset_node` is shared with the poll family (ppoll, pselect6, epoll_pwait).
"""

from __future__ import annotations

from construct import Int32ul, Int64ul, Padding, Struct

from sysrec.decode.args import ulong_arg
from sysrec.decode.common import Call, Node, ptr, struct_at
from sysrec.decode.lazy_compile import compiled_later
from sysrec.decode.row import FD, INT, ULONG, E, Signature, X
from sysrec.decode.siginfo import siginfo_at, signal_node
from sysrec.decode.time import timespec_at
from sysrec.decode.xlat import c_hex, flags, value, styled
from sysrec.decode.xlat.signals import (SA_FLAGS, SA_HANDLERS, SA_RESTORER, SIGALTSTACK_FLAGS,
                                        SIGNALS, SIGPROCMASK_HOWS)

NSIG_BYTES = 8  # the kernel's sigset_t on x86-64: 64 signals
WORD_SIZE = 8

# struct sigaction as the kernel takes it; strace reads it with a 64-byte sa_mask (glibc's
# NSIG / sizeof(long) longs), so a shorter readable tail prints as an address.
kernel_sigaction = compiled_later(Struct("handler" / Int64ul, "flags" / Int64ul, "restorer" / Int64ul,
                                         "mask" / Int64ul, Padding(56)))
KERNEL_SIGACTION_SIZE = 88
stack_t = compiled_later(Struct("sp" / Int64ul, "flags" / Int32ul, Padding(4), "size" / Int64ul))
STACK_T_SIZE = 24
# rt_sigreturn: the signal frame starts one word below the stack pointer with the handler's
# return address (one word), then a ucontext_t whose uc_sigmask is 296 bytes in.
UC_SIGMASK_OFFSET = 296
SIGFRAME_MASK_OFFSET = -WORD_SIZE + WORD_SIZE + UC_SIGMASK_OFFSET  # from the stack pointer


# --- signal numbers and masks ------------------------------------------------------------------

def signo_arg(call: Call, i: int) -> Node:
    """A signal number: `SIGUSR1`, or the number when it names no signal."""
    return signal_node(call.s32(i))


def _mask_name(nr: int) -> str:
    name = SIGNALS.get(nr)
    return styled(str(nr), name[3:]) if name else str(nr)  # -X: `2 /* INT */`


def sigset_bits(data: bytes) -> Node:
    """Mask bytes as a set node. Counted in 32-bit words: when 2/3 or more of their bits are set,
    the signals not in the mask are listed instead, after a `~`."""
    words = (len(data) + 3) // 4
    nbits = words * 32
    bits = int.from_bytes(data.ljust(words * 4, b"\0"), "little")
    neg = bin(bits).count("1") >= nbits * 2 // 3
    if neg:
        bits ^= (1 << nbits) - 1
    members = [_mask_name(n + 1) for n in range(nbits) if bits >> n & 1]
    return {"$set": members, "neg": True} if neg else {"$set": members}


def sigset_node(call: Call, addr: int, size: int, min_size: int = WORD_SIZE) -> Node:
    """The sigset_t of `size` bytes at addr; strace shows only sizes the kernel could take
    (a word up to NSIG_BYTES), others as the address, and at exit only what a successful call
    left."""
    if addr == 0:
        return "NULL"
    if size < min_size or size > NSIG_BYTES or (call.exiting and call.failed):
        return ptr(addr)
    data = call.read(addr, size)
    return ptr(addr) if data is None else sigset_bits(data)


def sigset_arg(size_arg: int, min_size: int = WORD_SIZE):
    """A mask argument whose size is argument `size_arg` (at exit: what the kernel wrote)."""
    def decode(call: Call, i: int) -> Node:
        return sigset_node(call, call.u(i), call.u(size_arg), min_size)
    return decode


# --- sigaction, stack_t ------------------------------------------------------------------------

def sigaction_node(call: Call, addr: int, written: bool = False) -> Node:
    return struct_at(call, addr, KERNEL_SIGACTION_SIZE, _sigaction, written)


def _sigaction(data: bytes) -> Node:
    sa = kernel_sigaction.parse(data)
    handler = SA_HANDLERS.get(sa.handler)
    node: dict = {"sa_handler": styled(c_hex(sa.handler), handler) if handler is not None else ptr(sa.handler),
                  "sa_mask": sigset_bits(data[24:32]),
                  "sa_flags": flags(sa.flags, SA_FLAGS, "SA_???")}
    if sa.flags & SA_RESTORER:
        node["sa_restorer"] = ptr(sa.restorer)
    return node


def sigaction_in(call: Call, i: int) -> Node:
    return sigaction_node(call, call.u(i))


def sigaction_out(call: Call, i: int) -> Node:
    """The old action, written by the kernel."""
    return sigaction_node(call, call.u(i), written=True)


def stack_node(call: Call, addr: int, written: bool = False) -> Node:
    return struct_at(call, addr, STACK_T_SIZE, _stack, written)


def _stack(data: bytes) -> Node:
    ss = stack_t.parse(data)
    return {"ss_sp": ptr(ss.sp), "ss_flags": flags(ss.flags, SIGALTSTACK_FLAGS, "SS_???"),
            "ss_size": ss.size}


def stack_in(call: Call, i: int) -> Node:
    return stack_node(call, call.u(i))


def stack_out(call: Call, i: int) -> Node:
    return stack_node(call, call.u(i), written=True)


# --- rt_sigreturn ------------------------------------------------------------------------------

def _stack_pointer(call: Call) -> int | None:
    """The tracee's stack pointer at the syscall stop: from the memory object when it knows it
    (`stack_pointer()`), else from /proc/PID/syscall (`nr args... sp pc` while stopped)."""
    mem = call.mem
    known = getattr(mem, "stack_pointer", None)
    if known is not None:
        return known() if callable(known) else known
    pid = getattr(mem, "pid", None)
    if not isinstance(pid, int):
        return None
    try:
        with open(f"/proc/{pid}/syscall", "rb") as f:
            fields = f.read().split()
    except OSError:
        return None
    if len(fields) < 3 or fields[0] == b"running":
        return None
    try:
        return int(fields[-2], 16)
    except ValueError:
        return None


def sigreturn_mask_arg(call: Call, i: int) -> Node:
    """`{mask=[...]}`: the mask the signal frame restores."""
    sp = _stack_pointer(call)
    if not sp:  # no stack pointer: strace prints `rt_sigreturn()`
        return ""
    return {"mask": sigset_node(call, sp + SIGFRAME_MASK_OFFSET, NSIG_BYTES, NSIG_BYTES)}


# --- siginfo arguments, rt_sigtimedwait --------------------------------------------------------

def siginfo_in(call: Call, i: int) -> Node:
    return siginfo_at(call, call.u(i))


def siginfo_out(call: Call, i: int) -> Node:
    return siginfo_at(call, call.u(i))


def snapshot_timeout(call: Call) -> None:
    """rt_sigtimedwait prints its timeout at exit as it was at entry."""
    call.saved["timeout"] = timespec_at(call, call.u(2))


def saved_timeout(call: Call, i: int) -> Node:
    return call.saved.get("timeout", ptr(call.u(i)))


def signal_returned(call: Call) -> tuple[Node, Node]:
    """rt_sigtimedwait's success: `12 (SIGUSR2)`."""
    name = SIGNALS.get(call.ret or 0)
    return None, name


def hex32_arg(call: Call, i: int) -> Node:
    return c_hex(call.u32(i))


def how_arg(call: Call, i: int) -> Node:
    return value(call.u32(i), SIGPROCMASK_HOWS, "SIG_???")


SIGNO = E(signo_arg)

ROWS: dict[str, Signature] = {
    "rt_sigaction": Signature((SIGNO, E(sigaction_in), X(sigaction_out), X(ulong_arg))),
    "rt_sigprocmask": Signature((E(how_arg), E(sigset_arg(3)), X(sigset_arg(3)), X(ulong_arg))),
    "rt_sigreturn": Signature((E(sigreturn_mask_arg),)),
    "sigaltstack": Signature((E(stack_in), X(stack_out))),
    "rt_sigsuspend": Signature((E(sigset_arg(1)), ULONG)),
    "rt_sigpending": Signature((X(sigset_arg(1, min_size=1)), X(ulong_arg))),
    # With a NULL info strace prints everything at entry; sysrec's split is fixed per row.
    "rt_sigtimedwait": Signature((E(sigset_arg(3)), X(siginfo_out), X(saved_timeout),
                                  X(ulong_arg)), aux=signal_returned, snapshot=snapshot_timeout),
    "rt_sigqueueinfo": Signature((INT, SIGNO, E(siginfo_in))),
    "rt_tgsigqueueinfo": Signature((INT, INT, SIGNO, E(siginfo_in))),
    "pidfd_send_signal": Signature((FD, SIGNO, E(siginfo_in), E(hex32_arg))),
    "pause": Signature(()),
    "kill": Signature((INT, SIGNO)),
    "tkill": Signature((INT, SIGNO)),
    "tgkill": Signature((INT, INT, SIGNO)),
}
