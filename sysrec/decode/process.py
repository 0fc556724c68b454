"""Processes and credentials: execve, clone, fork, wait4/waitid, prctl, arch_prctl, rlimits,
rusage, ids, sched_*, capabilities, personality, uname, sysinfo, getrandom (strace's
src/execve.c, clone.c, wait.c, prctl.c, resource.c, uid.c, sched.c, affinity.c, ...)."""

from __future__ import annotations

import struct
from functools import lru_cache
from typing import Callable

from construct import Array, Bytes, Int16ul, Int32sl, Int32ul, Int64sl, Int64ul, Padding, Struct

from sysrec.decode.args import (cstring_arg, dirfd_arg, fd_arg, flags_arg, hex_arg, path_arg,
                                ptr_arg, uint_arg, ulong_arg)
from sysrec.decode.common import (Call, Node, abbreviable, bytes_node, cstring_node, fd, limited, ptr,
                                   read_string, struct_at)
from sysrec.decode.lazy_compile import compiled_later
from sysrec.decode.row import INT, UINT, ULONG, E, Signature, X
from sysrec.decode.siginfo import decode_siginfo
from sysrec.decode.sockopt import sock_fprog_node
from sysrec.decode.xlat import c_hex, flags, styled, value, whole_constant
from sysrec.decode.xlat.process import (
    ARCH_PRCTL_CODES, AT_FLAGS, CAP_MASK0, CAP_MASK1, CAP_VERSIONS, CAPABILITIES, CLONE3_FLAGS,
    CLONE_CHILD_CLEARTID, CLONE_CHILD_SETTID, CLONE_FLAGS, CLONE_INTO_CGROUP, CLONE_PARENT_SETTID,
    CLONE_PIDFD, CLONE_SETTLS, CSIGNAL, GETRANDOM_FLAGS, P_PIDFD, PER_MASK, PERSONALITY_FLAGS,
    PERSONALITY_TYPES, PR_CAP_AMBIENT, PR_CAP_AMBIENT_WITH_CAP, PR_DUMPABLE, PR_MCE_KILL,
    PR_MCE_KILL_POLICY, PR_MCE_KILL_SET, PR_SET_MM, PR_SET_VMA, PR_SPEC_CMDS, PR_SPEC_GET_FLAGS,
    PR_FP_MODE, PR_SPEC_SET_FLAGS, PR_TSC, PR_SET_VMA_ANON_NAME, PR_UNALIGN_FLAGS, PRCTL_OPTIONS,
    PRIORITY_WHICH, PTRACE_EVENTS, RESOURCES, SCHED_FLAG_KEEP_PARAMS, SCHED_FLAG_KEEP_POLICY,
    SCHED_FLAGS, SCHEDULERS, SECCOMP_MODE_FILTER, SECCOMP_MODE_STRICT, SECCOMP_MODES, SECURE_BITS,
    SETNS_TYPES, UNSHARE_FLAGS, USAGE_WHO, WAIT_OPTIONS, WAITID_TYPES, XFEATURE_MASKS, XFEATURES)
from sysrec.decode.xlat.signals import signal_name

# --- structures (x86-64 layout) ----------------------------------------------------------------

clone_args = compiled_later(Struct(
    "flags" / Int64ul, "pidfd" / Int64ul, "child_tid" / Int64ul, "parent_tid" / Int64ul,
    "exit_signal" / Int64ul, "stack" / Int64ul, "stack_size" / Int64ul, "tls" / Int64ul,
    "set_tid" / Int64ul, "set_tid_size" / Int64ul, "cgroup" / Int64ul,
))
CLONE_ARGS_SIZE = 88
CLONE_ARGS_MIN_SIZE = 64  # up to and with `tls` (CLONE_ARGS_SIZE_VER0)
CLONE_ARGS_CGROUP_OFFSET = 80
SET_TID_MAX = 32

# Only the two times are printed (the rest is strace's `...` without -v).
rusage_times = compiled_later(Struct("utime_sec" / Int64sl, "utime_usec" / Int64sl,
                                     "stime_sec" / Int64sl, "stime_usec" / Int64sl))
RUSAGE_SIZE = 144
# The fourteen counters after the times, printed with -v (strace's printrusage.c order).
RUSAGE_COUNTERS = ("ru_maxrss", "ru_ixrss", "ru_idrss", "ru_isrss", "ru_minflt", "ru_majflt",
                   "ru_nswap", "ru_inblock", "ru_oublock", "ru_msgsnd", "ru_msgrcv", "ru_nsignals",
                   "ru_nvcsw", "ru_nivcsw")

rlimit64 = compiled_later(Struct("cur" / Int64ul, "max" / Int64ul))
RLIM64_INFINITY = (1 << 64) - 1

UTS_FIELD = 65
utsname = compiled_later(Struct("sysname" / Bytes(UTS_FIELD), "nodename" / Bytes(UTS_FIELD)))

sysinfo = compiled_later(Struct(
    "uptime" / Int64sl, "loads" / Array(3, Int64ul), "totalram" / Int64ul, "freeram" / Int64ul,
    "sharedram" / Int64ul, "bufferram" / Int64ul, "totalswap" / Int64ul, "freeswap" / Int64ul,
    "procs" / Int16ul, Padding(6), "totalhigh" / Int64ul, "freehigh" / Int64ul,
    "mem_unit" / Int32ul,
))
SYSINFO_SIZE = 112

cap_header = compiled_later(Struct("version" / Int32ul, "pid" / Int32sl))
cap_data = compiled_later(Struct("effective" / Int32ul, "permitted" / Int32ul, "inheritable" / Int32ul))
CAP_DATA_SIZE = 12
CAP_VERSIONS_WITH_TWO_WORDS = (0x20071026, 0x20080522)

sched_attr = compiled_later(Struct(
    "size" / Int32ul, "sched_policy" / Int32ul, "sched_flags" / Int64ul, "sched_nice" / Int32sl,
    "sched_priority" / Int32ul, "sched_runtime" / Int64ul, "sched_deadline" / Int64ul,
    "sched_period" / Int64ul, "sched_util_min" / Int32ul, "sched_util_max" / Int32ul,
))
SCHED_ATTR_SIZE = 56
SCHED_ATTR_MIN_SIZE = 48  # SCHED_ATTR_SIZE_VER0; VER1 adds the two util clamps

int32 = compiled_later(Int32sl)
uint32 = compiled_later(Int32ul)
uint64 = compiled_later(Int64ul)

MORE = "..."


# --- small helpers -----------------------------------------------------------------------------

def _read_int(call: Call, addr: int, signed: bool = True) -> int | None:
    data = call.read(addr, 4)
    if data is None:
        return None
    return (int32 if signed else uint32).parse(data)


def _num_in_brackets(call: Call, addr: int, signed: bool = True) -> Node:
    """strace's printnum_int: `[5]`, NULL, or the address when unreadable (or the call failed)."""
    if addr == 0:
        return "NULL"
    if call.exiting and call.failed:
        return ptr(addr)
    v = _read_int(call, addr, signed)
    return ptr(addr) if v is None else [v]


def _ulong_in_brackets(call: Call, addr: int, hexa: bool = False) -> Node:
    """printnum_ulong / printnum_ptr: `[24]`, `[0x7f...]`."""
    if addr == 0:
        return "NULL"
    if call.exiting and call.failed:
        return ptr(addr)
    data = call.read(addr, 8)
    if data is None:
        return ptr(addr)
    v = uint64.parse(data)
    return [(ptr(v) if hexa else v)]


def uid_node(v: int) -> Node:
    """A uid/gid as strace prints one: unsigned, but (uid_t) -1 as `-1`."""
    v &= 0xFFFFFFFF
    return -1 if v == 0xFFFFFFFF else v


def _uid_arg(call: Call, i: int) -> Node:
    return uid_node(call.u32(i))


def _signal(nr: int) -> Node:
    """printsignal: the name, or the number (-X: `10 /* SIGUSR1 */`)."""
    name = signal_name(nr)
    return name if name == str(nr) else styled(str(nr), name)


def _timeval(sec: int, usec: int) -> Node:
    return {"tv_sec": sec, "tv_usec": usec}


def named_arg(name: str, decode: Callable[[Call], Node]):
    """An argument strace prints with its name, `name=value` (clone's): a `$named` node."""
    def decode_named(call: Call, i: int) -> Node:
        return {"$named": name, "v": decode(call)}
    return decode_named


# --- restart_syscall ----------------------------------------------------------------------------

def resuming_arg(call: Call, i: int) -> Node:
    """`<... resuming interrupted clock_nanosleep ...>`: the task's last traced call, which a
    signal interrupted (strace's `system call` when that call was not traced)."""
    return f"<... resuming interrupted {call.previous or 'system call'} ...>"


# --- execve ------------------------------------------------------------------------------------

WORDS_PER_READ = 64


def _pointer_words(call: Call, addr: int):
    """The 8-byte words of a NULL-terminated pointer array, then None where memory stops being
    readable (without the NULL). Read in chunks: an environment has hundreds of entries."""
    n = 0
    while True:
        chunk = call.read(addr + 8 * n, 8 * WORDS_PER_READ)
        if chunk is None:  # the array ends near unmapped memory: word by word from here
            word_data = call.read(addr + 8 * n, 8)
            if word_data is None:
                yield None
                return
            chunk = word_data
        for k in range(len(chunk) // 8):
            word = int.from_bytes(chunk[8 * k:8 * k + 8], "little")
            if word == 0:
                return
            yield word
        n += len(chunk) // 8


def _string_array(call: Call, addr: int) -> Node:
    """argv: `["ls", "-l"]`, cut after -s elements with `...` (not with -v)."""
    if addr == 0:
        return "NULL"
    items: list[Node] = []
    limit = call.opts.strsize
    for n, word in enumerate(_pointer_words(call, addr)):
        if word is None:
            if n == 0:
                return ptr(addr)
            items.append(f"{MORE} /* {addr + 8 * n:#x} */")
            break
        if n >= limit and not call.full:  # -v: every element
            items.append(MORE)
            break
        items.append(cstring_node(call, word))
    return items


def _string_count(call: Call, addr: int) -> Node:
    """envp: `0x7ffc... /* 20 vars */`."""
    if addr == 0:
        return "NULL"
    n = 0
    for word in _pointer_words(call, addr):
        if word is None:
            if n == 0:
                return ptr(addr)
            break
        n += 1
    brief = f"{addr:#x} /* {n} var{'' if n == 1 else 's'} */"
    return abbreviable(call, brief, lambda: _string_array(call, addr))


def argv_arg(call: Call, i: int) -> Node:
    return _string_array(call, call.u(i))


def envp_arg(call: Call, i: int) -> Node:
    return _string_count(call, call.u(i))


# --- clone, clone3, fork -----------------------------------------------------------------------

def _clone_flags_text(raw: int) -> Node:
    """`CLONE_VM|...|SIGCHLD`: the flags, then the exit signal in the low byte."""
    sig = raw & CSIGNAL
    rest = raw & ~CSIGNAL
    if not rest:
        return _signal(sig)
    text = flags(rest, CLONE_FLAGS, "CLONE_???")
    return f"{text}|{_signal(sig)}" if sig else text


# clone(): x86-64's raw order is flags, stack, parent_tid, child_tid, tls; strace names the
# arguments and shows only those the flags use. stack and flags print at entry; what the kernel
# may write (parent_tid) and the pointers after it print at exit, after a comma (`comma_at_exit`:
# `clone(child_stack=NULL, flags=... <unfinished ...>` / `<... clone resumed>, parent_tid=[N])`).
CLONE_STACK, CLONE_PTID, CLONE_CTID, CLONE_TLS = 1, 2, 3, 4
CLONE_EXIT_FLAGS = (CLONE_PARENT_SETTID | CLONE_PIDFD | CLONE_CHILD_SETTID |
                    CLONE_CHILD_CLEARTID | CLONE_SETTLS)


def _clone_parent_tid(call: Call) -> Node:
    """The child's tid (CLONE_PARENT_SETTID), or the pidfd (CLONE_PIDFD) the kernel wrote."""
    addr = call.u(CLONE_PTID)
    if call.u(0) & CLONE_PARENT_SETTID:
        return _num_in_brackets(call, addr)
    node = _num_in_brackets(call, addr)
    return [fd(node[0])] if isinstance(node, list) else node


CLONE_ENTRY = (E(named_arg("child_stack", lambda call: ptr(call.u(CLONE_STACK)))),
               E(named_arg("flags", lambda call: _clone_flags_text(call.u(0)))))
CLONE_PARENT_TID = X(named_arg("parent_tid", _clone_parent_tid))
CLONE_TLS_ARG = X(named_arg("tls", lambda call: ptr(call.u(CLONE_TLS))))
CLONE_CHILD_TIDPTR = X(named_arg("child_tidptr", lambda call: ptr(call.u(CLONE_CTID))))


@lru_cache(maxsize=None)
def _clone_signature(parent_tid: bool, tls: bool, child_tid: bool) -> Signature:
    tail = (CLONE_PARENT_TID,) * parent_tid + (CLONE_TLS_ARG,) * tls + \
        (CLONE_CHILD_TIDPTR,) * child_tid
    return Signature(CLONE_ENTRY + tail, comma_at_exit=True)


def clone_row(call: Call) -> Signature:
    """The arguments this clone's flags bring; none of them: the whole call prints at entry."""
    raw = call.u(0)
    return _clone_signature(bool(raw & (CLONE_PARENT_SETTID | CLONE_PIDFD)),
                            bool(raw & CLONE_SETTLS),
                            bool(raw & (CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID)))


def _clone_args_node(call: Call, args) -> dict:
    node: dict[str, Node] = {"flags": flags(args.flags, CLONE3_FLAGS, "CLONE_???")}
    if args.flags & CLONE_PIDFD:
        node["pidfd"] = ptr(args.pidfd)
    if args.flags & (CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID):
        node["child_tid"] = ptr(args.child_tid)
    if args.flags & CLONE_PARENT_SETTID:
        node["parent_tid"] = ptr(args.parent_tid)
    node["exit_signal"] = _signal(args.exit_signal) if args.exit_signal < 0x7FFFFFFF \
        else args.exit_signal
    node["stack"] = ptr(args.stack)
    node["stack_size"] = c_hex(args.stack_size)
    if args.flags & CLONE_SETTLS:
        node["tls"] = ptr(args.tls)
    if args.set_tid or args.set_tid_size:
        if not args.set_tid or not args.set_tid_size or args.set_tid_size > SET_TID_MAX:
            node["set_tid"] = ptr(args.set_tid)
        else:
            node["set_tid"] = _int_array(call, args.set_tid, args.set_tid_size)
        node["set_tid_size"] = args.set_tid_size
    if call.saved.get("clone3_size", 0) > CLONE_ARGS_CGROUP_OFFSET and \
            (args.cgroup or args.flags & CLONE_INTO_CGROUP):
        node["cgroup"] = args.cgroup
    return node


def _int_array(call: Call, addr: int, count: int) -> Node:
    shown, more = limited(count, call)
    data = call.read(addr, 4 * shown)
    if data is None:
        return ptr(addr)
    items: list[Node] = [int32.parse(data[4 * k:4 * k + 4]) for k in range(shown)]
    return items + [MORE] if more else items


def _snapshot_clone3(call: Call) -> None:
    """The struct as the program passed it (printed at entry by strace)."""
    addr, size = call.u(0), call.u(1)
    fetch = min(size, CLONE_ARGS_SIZE)
    call.saved["clone3_size"] = fetch
    if fetch < CLONE_ARGS_MIN_SIZE:
        call.saved["clone3"] = ptr(addr)
        return
    data = call.read(addr, fetch)
    if data is None:
        call.saved["clone3"] = ptr(addr)
        return
    args = clone_args.parse(data.ljust(CLONE_ARGS_SIZE, b"\0"))
    call.saved["clone3_flags"] = args.flags
    call.saved["clone3"] = _clone_args_node(call, args)


def clone3_args_arg(call: Call, i: int) -> Node:
    """`{flags=..., ...}`, and after a successful call ` => {parent_tid=[N]}` (what the kernel
    wrote back through the pointers)."""
    before = call.saved.get("clone3", ptr(call.u(i)))
    wrote = call.saved.get("clone3_flags", 0) & (CLONE_PIDFD | CLONE_PARENT_SETTID)
    if not isinstance(before, dict) or not wrote or call.failed:
        return before
    data = call.read(call.u(i), call.saved["clone3_size"])
    if data is None:
        return {"$vr": [before, ptr(call.u(i))]}
    args = clone_args.parse(data.ljust(CLONE_ARGS_SIZE, b"\0"))
    after: dict[str, Node] = {}
    if args.flags & CLONE_PIDFD:
        v = _read_int(call, args.pidfd)
        after["pidfd"] = ptr(args.pidfd) if v is None else [fd(v)]
    if args.flags & CLONE_PARENT_SETTID:
        after["parent_tid"] = _num_in_brackets(call, args.parent_tid)
    return {"$vr": [before, after]} if after else before


CLONE3_ANSWERS = CLONE_PIDFD | CLONE_PARENT_SETTID  # the kernel writes through these

# Whether clone3 prints anything at exit is known at entry: only when the flags ask the kernel
# to write back (or the struct is larger than sysrec knows); otherwise the whole call prints at
# entry (`clone3({...}, 88 <unfinished ...>`).
CLONE3_AT_ENTRY = Signature((E(clone3_args_arg), E(ulong_arg)), snapshot=_snapshot_clone3)
# The struct and what the kernel wrote as `before => after`, at exit. strace prints the struct at
# entry and ` => {parent_tid=[N]}` at exit (a `$cont`), but only when the call succeeded: a row
# has a fixed number of arguments, so the answer that may be absent stays in one `$vr` node.
CLONE3_ANSWERED = Signature((X(clone3_args_arg), X(ulong_arg)), snapshot=_snapshot_clone3)


def clone3_row(call: Call) -> Signature:
    addr, size = call.u(0), call.u(1)
    if min(size, CLONE_ARGS_SIZE) < CLONE_ARGS_MIN_SIZE:
        return CLONE3_AT_ENTRY
    head = call.read(addr, 8)
    if head is None:
        return CLONE3_AT_ENTRY
    if uint64.parse(head) & CLONE3_ANSWERS or size > CLONE_ARGS_SIZE:
        return CLONE3_ANSWERED
    return CLONE3_AT_ENTRY


# --- wait4, waitid -----------------------------------------------------------------------------

def wait_status_text(status: int) -> str:
    """`{WIFEXITED(s) && WEXITSTATUS(s) == 0}` and the other wait-status forms."""
    low = status & 0x7F
    if status & 0xFF == 0x7F:  # stopped
        sig = (status >> 8) & 0xFF
        text = f"{{WIFSTOPPED(s) && WSTOPSIG(s) == {signal_name(sig & 0x7F)}" \
               f"{' | 0x80' if sig & 0x80 else ''}}}"
        rest = status & ~((sig << 8) | 0x7F)
    elif low and low != 0x7F:  # killed by a signal
        core = status & 0x80
        text = f"{{WIFSIGNALED(s) && WTERMSIG(s) == {signal_name(low)}" \
               f"{' && WCOREDUMP(s)' if core else ''}}}"
        rest = status & ~(low | 0x80)
    elif low == 0:  # exited
        code = (status >> 8) & 0xFF
        text = f"{{WIFEXITED(s) && WEXITSTATUS(s) == {code}}}"
        rest = status & ~(code << 8)
    elif status == 0xFFFF:
        text, rest = "{WIFCONTINUED(s)}", 0
    else:
        return c_hex(status & 0xFFFFFFFF)
    rest &= 0xFFFFFFFF
    event = rest >> 16
    if event:
        text += f"|{value(event, PTRACE_EVENTS, 'PTRACE_EVENT_???')}<<16"
        rest &= 0xFFFF
    if rest:
        text += f"|{rest:#x}"
    return text


def wait_status_arg(call: Call, i: int) -> Node:
    addr = call.u(i)
    if call.ret == 0 or addr == 0 or call.failed:
        return ptr(addr)
    v = _read_int(call, addr)
    return ptr(addr) if v is None else [wait_status_text(v)]


def _rusage(call: Call, addr: int, data: bytes) -> Node:
    ru = rusage_times.parse(data)
    times = {"ru_utime": _timeval(ru.utime_sec, ru.utime_usec),
             "ru_stime": _timeval(ru.stime_sec, ru.stime_usec)}
    return abbreviable(call, {**times, "$more": True}, lambda: _rusage_full(call, addr, times))


def _rusage_full(call: Call, addr: int, times: dict[str, Node]) -> Node:
    data = call.read(addr + 32, 8 * len(RUSAGE_COUNTERS))
    if data is None:
        return {**times, "$more": True}
    counters = struct.unpack(f"<{len(RUSAGE_COUNTERS)}Q", data)
    return {**times, **dict(zip(RUSAGE_COUNTERS, counters))}


def rusage_node(call: Call, addr: int) -> Node:
    """`{ru_utime={tv_sec=0, tv_usec=1234}, ru_stime={...}, ...}` (strace's abbreviated form)."""
    return struct_at(call, addr, RUSAGE_SIZE, lambda data: _rusage(call, addr, data), written=True)


def wait4_rusage_arg(call: Call, i: int) -> Node:
    addr = call.u(i)
    return rusage_node(call, addr) if (call.ret or 0) > 0 else ptr(addr)


def rusage_arg(call: Call, i: int) -> Node:
    return rusage_node(call, call.u(i))


WAIT_OPTIONS_ARG = flags_arg(WAIT_OPTIONS, "W???")


def waitid_id_arg(call: Call, i: int) -> Node:
    return fd(call.s32(i)) if call.u32(0) == P_PIDFD else call.s32(i)


def siginfo_out_arg(call: Call, i: int) -> Node:
    addr = call.u(i)
    if addr == 0:
        return "NULL"
    if call.failed:
        return ptr(addr)
    data = call.read(addr, 128)
    if data is None:
        return ptr(addr)
    if int32.parse(data[:4]) == 0:  # nothing was waited for (WNOHANG)
        return {}
    return decode_siginfo(data)


# --- rlimits, rusage, priorities ---------------------------------------------------------------

@whole_constant(str)
def _rlim_text(v: int) -> Node:
    if v == RLIM64_INFINITY:
        return "RLIM64_INFINITY"
    if v > 1024 and v % 1024 == 0:
        return f"{v // 1024}*1024"
    return v


def _rlimit(data: bytes) -> Node:
    lim = rlimit64.parse(data)
    return {"rlim_cur": _rlim_text(lim.cur), "rlim_max": _rlim_text(lim.max)}


def rlimit_arg(call: Call, i: int) -> Node:
    return struct_at(call, call.u(i), 16, _rlimit, written=True)


def resource_arg(call: Call, i: int) -> Node:
    return value(call.u32(i), RESOURCES, "RLIMIT_???")


RESOURCE_ARG = E(resource_arg)


def usage_who_arg(call: Call, i: int) -> Node:
    return value(call.s32(i), USAGE_WHO, "RUSAGE_???")


def priority_which_arg(call: Call, i: int) -> Node:
    return value(call.u32(i), PRIORITY_WHICH, "PRIO_???")


# --- sched_* -----------------------------------------------------------------------------------

def scheduler_arg(call: Call, i: int) -> Node:
    return value(call.u32(i), SCHEDULERS, "SCHED_???")


def int_in_brackets_arg(call: Call, i: int) -> Node:
    return _num_in_brackets(call, call.u(i))


def uint_in_brackets_arg(call: Call, i: int) -> Node:
    return _num_in_brackets(call, call.u(i), signed=False)


def scheduler_aux(call: Call) -> tuple[Node, Node]:
    name = SCHEDULERS.get(call.ret or 0)
    return None, name


@lru_cache(maxsize=1)
def cpuset_size() -> int:
    """How many bytes of a CPU set strace reads: it probes the kernel for the smallest size it
    accepts, doubling from 128 bytes; the kernel accepts one bit per possible CPU."""
    try:
        with open("/sys/devices/system/cpu/possible") as fh:
            last = max(int(part.split("-")[-1]) for part in fh.read().strip().split(","))
    except (OSError, ValueError):
        return 128
    size = 128
    while size * 8 < last + 1:
        size *= 2
    return size


def _cpu_set(call: Call, addr: int, length: int) -> Node:
    if addr == 0 or (call.exiting and call.failed):
        return ptr(addr)
    return cpu_set_node(call, addr, length, cpuset_size())


def cpu_set_node(call: Call, addr: int, length: int, most: int) -> Node:
    """A CPU mask as `[0 1 5]`, at most `most` bytes read; ` ...` when the buffer is longer."""
    if length == 0:
        return []
    size = min(length, most)
    data = call.read(addr, size)
    if data is None:
        return ptr(addr)
    bits = int.from_bytes(data, "little")
    cpus: list[Node] = [n for n in range(size * 8) if bits >> n & 1]
    if (size + 7) // 8 * 8 < length:
        cpus.append(MORE)
    return {"$set": cpus}


def affinity_in_arg(call: Call, i: int) -> Node:
    return _cpu_set(call, call.u(i), call.u32(1))


def affinity_out_arg(call: Call, i: int) -> Node:
    return _cpu_set(call, call.u(i), call.ret or 0)


def _sched_attr_node(call: Call, addr: int, usize: int) -> Node:
    """strace's print_sched_attr; `usize` is sched_getattr's size, 0 for sched_setattr."""
    is_set = usize == 0
    if is_set:
        head = _read_int(call, addr, signed=False) if addr else None
        if head is None:
            return ptr(addr)
        usize = head or SCHED_ATTR_MIN_SIZE
        size = min(usize, SCHED_ATTR_SIZE)
        if size >= SCHED_ATTR_MIN_SIZE:
            data = call.read(addr, size)
            if data is None:
                return ptr(addr)
        else:
            data = b""
        attr = sched_attr.parse(data.ljust(SCHED_ATTR_SIZE, b"\0")[:SCHED_ATTR_SIZE])
        attr.size = head
    else:
        size = min(usize, SCHED_ATTR_SIZE)
        data = call.read(addr, size) if addr and not call.failed else None
        if data is None:
            return ptr(addr)
        attr = sched_attr.parse(data.ljust(SCHED_ATTR_SIZE, b"\0"))
        size = attr.size
    node: dict[str, Node] = {"size": attr.size}
    if size >= SCHED_ATTR_MIN_SIZE:
        keep = attr.sched_flags & (SCHED_FLAG_KEEP_POLICY | SCHED_FLAG_KEEP_PARAMS)
        if not is_set or attr.sched_policy & 0x80000000 or not keep:
            node["sched_policy"] = value(attr.sched_policy, SCHEDULERS, "SCHED_???")
        node["sched_flags"] = flags(attr.sched_flags, SCHED_FLAGS, "SCHED_FLAG_???")
        if not is_set or not attr.sched_flags & SCHED_FLAG_KEEP_PARAMS:
            node.update(sched_nice=attr.sched_nice, sched_priority=attr.sched_priority,
                        sched_runtime=attr.sched_runtime, sched_deadline=attr.sched_deadline,
                        sched_period=attr.sched_period)
        if size >= SCHED_ATTR_SIZE:
            node.update(sched_util_min=attr.sched_util_min, sched_util_max=attr.sched_util_max)
    if (usize if is_set else attr.size) > size:
        node["$more"] = True  # a larger struct than sysrec knows
    return node


def sched_getattr_arg(call: Call, i: int) -> Node:
    size = call.u32(2)
    return _sched_attr_node(call, call.u(i), size) if size else ptr(call.u(i))


def _snapshot_sched_setattr(call: Call) -> None:
    call.saved["sched_attr"] = _sched_attr_node(call, call.u(1), 0)


E2BIG = 7


def sched_setattr_arg(call: Call, i: int) -> Node:
    """The attributes as passed; on E2BIG, ` => {size=N}`: the size the kernel wants."""
    before = call.saved.get("sched_attr", ptr(call.u(i)))
    if call.ret == -E2BIG:
        size = _read_int(call, call.u(i), signed=False)
        if size is not None:
            return {"$vr": [before, {"size": size}]}
    return before


# --- prctl, arch_prctl -------------------------------------------------------------------------
# Both print an option, then arguments that depend on it: most options print everything at
# entry; those whose answer the kernel writes through a pointer print it at exit. One row per
# option (prctl_row, arch_prctl_row); an option sysrec does not know prints its arguments in hex.

PRCTL_NARGS = 5


def hex_ulong_arg(call: Call, i: int) -> Node:
    """strace's PRINT_VAL_X of a register: `0x1f`, `0`."""
    return c_hex(call.u(i))


def prctl_option_arg(call: Call, i: int) -> Node:
    return value(call.u32(i), PRCTL_OPTIONS, "PR_???")


def _prctl_name_out(call: Call, i: int) -> Node:
    addr = call.u(i)
    if call.failed:
        return ptr(addr)
    data = call.read_bytes(addr, TASK_COMM_LEN)
    if data is None:
        return ptr(addr)
    end = data.find(b"\0")
    return bytes_node(data[:end] if end >= 0 else data)


TASK_COMM_LEN = 16


def _prctl_name_in(call: Call, i: int) -> Node:
    """PR_SET_NAME's string: at most 15 bytes (TASK_COMM_LEN - 1); strace adds `...` unless
    the NUL is among them, so a name of exactly 15 bytes gets it too."""
    node = cstring_node(call, call.u(i))
    if isinstance(node, dict) and "$s" in node:
        text = node["$s"]
        n = node.get("n", len(text))
        limit = min(TASK_COMM_LEN - 1, call.opts.strsize)
        out: dict = {"$s": text[:limit]}
        if n >= TASK_COMM_LEN - 1:
            n = max(n, TASK_COMM_LEN)
        if n > limit:
            out["n"] = n
        return out
    return node


def _seccomp_filter(call: Call, i: int) -> Node:
    return sock_fprog_node(call, call.u(i))


def _int_out(show: Callable[[int], Node]):
    """An int the kernel wrote through the pointer in this argument: `[SIGTERM]`; the address
    when the call failed or the memory is unreadable."""
    def decode(call: Call, i: int) -> Node:
        addr = call.u(i)
        if call.failed or addr == 0:
            return ptr(addr)
        v = _read_int(call, addr)
        return ptr(addr) if v is None else [show(v)]
    return decode


def _const64(table: dict[int, str], unknown: str):
    """printxval64: the whole register looked up."""
    return lambda call, i: value(call.u(i), table, unknown)


def _when_arg2(choices: Callable[[int], bool], then, otherwise=hex_ulong_arg):
    """An argument whose meaning depends on the option's first argument (arg2)."""
    return lambda call, i: (then if choices(call.u(1)) else otherwise)(call, i)


OPTION = E(prctl_option_arg)
HEX = E(hex_ulong_arg)
DECIMAL = E(ulong_arg)


def _hex_from(first: int) -> tuple:
    """strace's print_prctl_args: the remaining arguments in hex."""
    return (HEX,) * (PRCTL_NARGS - first)


def _prctl(*args, aux=None) -> Signature:
    return Signature((OPTION,) + args, aux=aux)


def prctl_aux(call: Call) -> tuple[Node, Node]:
    option = PRCTL_OPTIONS.get(call.u32(0))
    if option == "PR_GET_DUMPABLE":
        return None, PR_DUMPABLE.get(call.ret or 0)
    if option in ("PR_GET_SECUREBITS", "PR_GET_FP_MODE") and call.ret:
        table = SECURE_BITS if option == "PR_GET_SECUREBITS" else PR_FP_MODE
        return c_hex(call.ret), flags(call.ret, table)
    if option == "PR_MCE_KILL_GET":
        return None, PR_MCE_KILL_POLICY.get(call.ret or 0)
    if option == "PR_GET_SPECULATION_CTRL" and call.u(1) in PR_SPEC_CMDS:
        ret = call.ret or 0
        return c_hex(ret), flags(ret, PR_SPEC_GET_FLAGS, zero=PR_SPEC_GET_FLAGS[0])
    return None, None


PRCTL_DEFAULT = _prctl(*_hex_from(1))
ONLY_OPTION = _prctl()
UINT_OUT = X(lambda call, i: _num_in_brackets(call, call.u(i), signed=False))
CAPABILITY = E(_const64(CAPABILITIES, "CAP_???"))

_SECCOMP_MODE = E(_const64(SECCOMP_MODES, "SECCOMP_MODE_???"))
_SET_VMA_OP = E(_const64(PR_SET_VMA, "PR_SET_VMA_???"))
_CAP_AMBIENT_OP = E(_const64(PR_CAP_AMBIENT, "PR_CAP_AMBIENT_???"))
_SECCOMP_ROWS = {SECCOMP_MODE_STRICT: _prctl(_SECCOMP_MODE),
                 SECCOMP_MODE_FILTER: _prctl(_SECCOMP_MODE, E(_seccomp_filter))}
_SECCOMP_OTHER = _prctl(_SECCOMP_MODE, *_hex_from(2))
_SET_VMA_ANON_NAME = _prctl(_SET_VMA_OP, E(ptr_arg), DECIMAL, E(cstring_arg))
_SET_VMA_OTHER = _prctl(_SET_VMA_OP, *_hex_from(2))
_CAP_AMBIENT_WITH_CAP = _prctl(_CAP_AMBIENT_OP, CAPABILITY, *_hex_from(3))
_CAP_AMBIENT_OTHER = _prctl(_CAP_AMBIENT_OP, *_hex_from(2))

PrctlRow = Signature | Callable[[Call], Signature]

PRCTL_ROWS: dict[str, PrctlRow] = {
    # answers the kernel writes through arg2: printed at exit
    "PR_GET_PDEATHSIG": _prctl(X(_int_out(_signal))),
    "PR_GET_NAME": _prctl(X(_prctl_name_out)),
    "PR_GET_CHILD_SUBREAPER": _prctl(UINT_OUT),
    "PR_GET_ENDIAN": _prctl(UINT_OUT),
    "PR_GET_FPEMU": _prctl(UINT_OUT),
    "PR_GET_FPEXC": _prctl(UINT_OUT),
    "PR_GET_TID_ADDRESS": _prctl(X(lambda call, i: _ulong_in_brackets(call, call.u(i), True))),
    "PR_GET_TSC": _prctl(X(_int_out(lambda v: value(v, PR_TSC, "PR_TSC_???")))),
    "PR_GET_UNALIGN": _prctl(X(_int_out(lambda v: flags(v & 0xFFFFFFFF, PR_UNALIGN_FLAGS,
                                                         "PR_UNALIGN_???")))),
    # answers in the return value
    "PR_GET_DUMPABLE": _prctl(aux=prctl_aux),
    "PR_GET_SECUREBITS": _prctl(aux=prctl_aux),
    "PR_GET_FP_MODE": _prctl(aux=prctl_aux),
    "PR_MCE_KILL_GET": _prctl(*_hex_from(1), aux=prctl_aux),
    "PR_GET_SPECULATION_CTRL": _prctl(E(_const64(PR_SPEC_CMDS, "PR_SPEC_???")), aux=prctl_aux),
    "PR_SVE_GET_VL": ONLY_OPTION,
    "PR_SME_GET_VL": ONLY_OPTION,
    # no arguments
    "PR_GET_KEEPCAPS": ONLY_OPTION,
    "PR_GET_SECCOMP": ONLY_OPTION,
    "PR_GET_TIMERSLACK": ONLY_OPTION,
    "PR_GET_TIMING": ONLY_OPTION,
    "PR_TASK_PERF_EVENTS_DISABLE": ONLY_OPTION,
    "PR_TASK_PERF_EVENTS_ENABLE": ONLY_OPTION,
    # settings: everything at entry
    "PR_SET_NAME": _prctl(E(_prctl_name_in)),
    "PR_SET_PDEATHSIG": _prctl(E(lambda call, i: call.u(i) if call.u(i) > 128
                                 else _signal(call.u(i)))),
    "PR_SET_CHILD_SUBREAPER": _prctl(DECIMAL),
    "PR_SET_ENDIAN": _prctl(DECIMAL),
    "PR_SET_FPEMU": _prctl(DECIMAL),
    "PR_SET_FPEXC": _prctl(DECIMAL),
    "PR_SET_KEEPCAPS": _prctl(DECIMAL),
    "PR_SET_TIMING": _prctl(DECIMAL),
    "PR_SET_NO_NEW_PRIVS": _prctl(DECIMAL, *_hex_from(2)),
    "PR_SET_THP_DISABLE": _prctl(DECIMAL, *_hex_from(2)),
    "PR_SET_IO_FLUSHER": _prctl(DECIMAL, *_hex_from(2)),
    "PR_SET_DUMPABLE": _prctl(E(_const64(PR_DUMPABLE, "SUID_DUMP_???"))),
    "PR_CAPBSET_READ": _prctl(CAPABILITY),
    "PR_CAPBSET_DROP": _prctl(CAPABILITY),
    "PR_SET_TIMERSLACK": _prctl(E(lambda call, i: call.s64(i))),
    "PR_SET_PTRACER": _prctl(E(lambda call, i: "PR_SET_PTRACER_ANY" if call.s32(i) == -1
                               else call.s32(i))),
    "PR_SET_SECUREBITS": _prctl(E(lambda call, i: flags(call.u(i), SECURE_BITS, "SECBIT_???"))),
    "PR_SET_MM": _prctl(E(lambda call, i: value(call.u32(i), PR_SET_MM, "PR_SET_MM_???")),
                        *_hex_from(2)),
    "PR_SET_TSC": _prctl(E(lambda call, i: value(call.u32(i), PR_TSC, "PR_TSC_???"))),
    "PR_SET_UNALIGN": _prctl(E(lambda call, i: flags(call.u32(i), PR_UNALIGN_FLAGS,
                                                     "PR_UNALIGN_???"))),
    "PR_SET_FP_MODE": _prctl(E(lambda call, i: flags(call.u32(i), PR_FP_MODE,
                                                     "PR_FP_MODE_???"))),
    "PR_MCE_KILL": _prctl(E(_const64(PR_MCE_KILL, "PR_MCE_KILL_???")),
                          E(_when_arg2(lambda op: op == PR_MCE_KILL_SET,
                                       _const64(PR_MCE_KILL_POLICY, "PR_MCE_KILL_???"))),
                          *_hex_from(3)),
    "PR_SET_SPECULATION_CTRL": _prctl(E(_const64(PR_SPEC_CMDS, "PR_SPEC_???")),
                                      E(_when_arg2(lambda cmd: cmd in PR_SPEC_CMDS,
                                                   _const64(PR_SPEC_SET_FLAGS, "PR_SPEC_???")))),
    # settings whose later arguments depend on arg2
    "PR_SET_SECCOMP": lambda call: _SECCOMP_ROWS.get(call.u(1), _SECCOMP_OTHER),
    "PR_SET_VMA": lambda call: _SET_VMA_ANON_NAME if call.u(1) == PR_SET_VMA_ANON_NAME
    else _SET_VMA_OTHER,
    "PR_CAP_AMBIENT": lambda call: _CAP_AMBIENT_WITH_CAP if call.u(1) in PR_CAP_AMBIENT_WITH_CAP
    else _CAP_AMBIENT_OTHER,
}


def prctl_row(call: Call) -> Signature:
    row = PRCTL_ROWS.get(PRCTL_OPTIONS.get(call.u32(0), ""), PRCTL_DEFAULT)
    return row if isinstance(row, Signature) else row(call)


def _verbose_flags(v: int, table: dict[int, str], unknown: str) -> str:
    """strace's verbose flag style: the number, then the names in a comment."""
    if not v:
        return "0"
    if not any(bit and v & bit == bit for bit in table):
        return f"{v:#x} /* {unknown} */"
    return f"{v:#x} /* {flags(v, table)} */"


def _xfeatures_out(call: Call, i: int) -> Node:
    addr = call.u(i)
    if addr == 0 or call.failed:
        return ptr(addr)
    data = call.read(addr, 8)
    if data is None:
        return ptr(addr)
    return [_verbose_flags(uint64.parse(data), XFEATURE_MASKS, "XFEATURE_MASK_???")]


def _xfeature_arg(call: Call, i: int) -> Node:
    v = call.u(i)
    name = XFEATURES.get(v)
    return f"{c_hex(v)} /* {name or 'XFEATURE_???'} */"


def _xfeatures_aux(call: Call) -> tuple[Node, Node]:
    ret = call.ret or 0
    return (c_hex(ret), flags(ret, XFEATURE_MASKS)) if ret > 0 else (None, None)


ARCH_CODE = E(lambda call, i: value(call.u32(i), ARCH_PRCTL_CODES, "ARCH_???"))
_ARCH_KPTR_OUT = Signature((ARCH_CODE, X(lambda call, i: _ulong_in_brackets(call, call.u(i),
                                                                            hexa=True))))
_ARCH_XFEATURES_OUT = Signature((ARCH_CODE, X(_xfeatures_out)))
_ARCH_REQ_XFEATURE = Signature((ARCH_CODE, E(_xfeature_arg)), aux=_xfeatures_aux)
ARCH_PRCTL_DEFAULT = Signature((ARCH_CODE, E(hex_ulong_arg)))

ARCH_PRCTL_ROWS: dict[str, Signature] = {
    "ARCH_GET_FS": _ARCH_KPTR_OUT,
    "ARCH_GET_GS": _ARCH_KPTR_OUT,
    "ARCH_GET_CPUID": Signature((ARCH_CODE,)),
    "ARCH_GET_XCOMP_SUPP": _ARCH_XFEATURES_OUT,
    "ARCH_GET_XCOMP_PERM": _ARCH_XFEATURES_OUT,
    "ARCH_GET_XCOMP_GUEST_PERM": _ARCH_XFEATURES_OUT,
    "ARCH_REQ_XCOMP_PERM": _ARCH_REQ_XFEATURE,
    "ARCH_REQ_XCOMP_GUEST_PERM": _ARCH_REQ_XFEATURE,
}


def arch_prctl_row(call: Call) -> Signature:
    return ARCH_PRCTL_ROWS.get(ARCH_PRCTL_CODES.get(call.u32(0), ""), ARCH_PRCTL_DEFAULT)


# --- capabilities, personality, uname, sysinfo, getrandom, getcpu ------------------------------

def cap_header_arg(call: Call, i: int) -> Node:
    addr = call.u(i)
    data = call.read(addr, 8) if addr else None
    if data is None:
        return ptr(addr)
    head = cap_header.parse(data)
    return {"version": value(head.version, CAP_VERSIONS, "_LINUX_CAPABILITY_VERSION_???"),
            "pid": head.pid}


def _cap_bits(lo: int, hi: int) -> str:
    parts = []
    if lo or not hi:
        parts.append(flags(lo, CAP_MASK0, "CAP_???"))
    if hi:
        parts.append(flags(hi, CAP_MASK1, "CAP_???"))
    return "|".join(parts)


def cap_data_arg(call: Call, i: int) -> Node:
    addr = call.u(i)
    head_data = call.read(call.u(0), 8) if call.u(0) else None
    if addr == 0 or head_data is None or (call.exiting and call.failed):
        return ptr(addr)
    head = cap_header.parse(head_data)
    words = 2 if head.version in CAP_VERSIONS_WITH_TWO_WORDS else 1
    data = call.read(addr, CAP_DATA_SIZE * words)
    if data is None:
        return ptr(addr)
    first = cap_data.parse(data[:CAP_DATA_SIZE])
    second = cap_data.parse(data[CAP_DATA_SIZE:]) if words == 2 else None
    return {k: _cap_bits(getattr(first, k), getattr(second, k) if second else 0)
            for k in ("effective", "permitted", "inheritable")}


def personality_text(pers: int) -> str:
    base = value(pers & PER_MASK, PERSONALITY_TYPES, "PER_???")
    rest = pers & ~PER_MASK
    return f"{base}|{flags(rest, PERSONALITY_FLAGS)}" if rest else str(base)


def personality_arg(call: Call, i: int) -> Node:
    pers = call.u32(i)
    return "0xffffffff" if pers == 0xFFFFFFFF else personality_text(pers)


def personality_aux(call: Call) -> tuple[Node, Node]:
    ret = (call.ret or 0) & 0xFFFFFFFF
    return c_hex(ret), personality_text(ret)


def _uts_field(raw: bytes) -> Node:
    """A utsname member: quoted, never cut by -s (strace prints the whole array)."""
    end = raw.find(b"\0")
    return {"$path": (raw[:end] if end >= 0 else raw).decode("latin-1")}


def _uname(call: Call, addr: int, data: bytes) -> Node:
    uts = utsname.parse(data)
    brief = {"sysname": _uts_field(uts.sysname), "nodename": _uts_field(uts.nodename), "$more": True}
    return abbreviable(call, brief, lambda: _uname_full(call, addr, brief))


UTS_MEMBERS = ("sysname", "nodename", "release", "version", "machine", "domainname")


def _uname_full(call: Call, addr: int, brief: Node) -> Node:
    """-v: all six members."""
    data = call.read(addr, len(UTS_MEMBERS) * UTS_FIELD)
    if data is None:
        return brief
    return {name: _uts_field(data[k * UTS_FIELD:(k + 1) * UTS_FIELD]) for k, name in enumerate(UTS_MEMBERS)}


def uname_arg(call: Call, i: int) -> Node:
    """`{sysname="Linux", nodename="host", ...}`."""
    return struct_at(call, call.u(i), 2 * UTS_FIELD, lambda data: _uname(call, call.u(i), data), written=True)


def sysinfo_arg(call: Call, i: int) -> Node:
    return struct_at(call, call.u(i), SYSINFO_SIZE, lambda data: _sysinfo(call, data),
                     written=True)


def _sysinfo(call: Call, data: bytes) -> Node:
    si = sysinfo.parse(data)
    shown, more = limited(3, call)
    loads: list[Node] = list(si.loads)[:shown] + ([MORE] if more else [])
    return {"uptime": si.uptime, "loads": loads, "totalram": si.totalram,
            "freeram": si.freeram, "sharedram": si.sharedram, "bufferram": si.bufferram,
            "totalswap": si.totalswap, "freeswap": si.freeswap, "procs": si.procs,
            "totalhigh": si.totalhigh, "freehigh": si.freehigh, "mem_unit": si.mem_unit}


def random_bytes_arg(call: Call, i: int) -> Node:
    """getrandom's buffer at exit, every byte in \\x hex."""
    addr = call.u(i)
    if call.failed:
        return ptr(addr)
    node = read_string(call, addr, call.ret or 0)
    if isinstance(node, dict):
        node["x"] = True
    return node


NGROUPS_MAX = 65536


def gid_list(call: Call, addr: int, count: int) -> Node:
    """A gid array, cut after -s elements; NULL before any length check."""
    if addr == 0:
        return "NULL"
    if count > NGROUPS_MAX or count < 0:
        return ptr(addr)
    if count == 0:
        return []
    shown, more = limited(count, call)
    data = call.read(addr, 4 * shown)
    if data is None:
        return ptr(addr)
    items: list[Node] = [uid_node(uint32.parse(data[4 * k:4 * k + 4])) for k in range(shown)]
    return items + [MORE] if more else items


def getgroups_list_arg(call: Call, i: int) -> Node:
    if call.failed:
        return ptr(call.u(i))
    return gid_list(call, call.u(i), call.ret or 0)


def setgroups_list_arg(call: Call, i: int) -> Node:
    return gid_list(call, call.u(i), call.s32(0))


def uid_out_arg(call: Call, i: int) -> Node:
    """getresuid's `[1000]`."""
    addr = call.u(i)
    if addr == 0:
        return "NULL"
    if call.failed:
        return ptr(addr)
    v = _read_int(call, addr, signed=False)
    return ptr(addr) if v is None else [uid_node(v)]


# --- the rows ----------------------------------------------------------------------------------

PID = INT
UID = E(_uid_arg)
HEX = E(hex_arg)
PTR = E(ptr_arg)
NO_ARGS = Signature(())

ROWS: dict[str, Signature] = {
    # programs
    "execve": Signature((E(path_arg), E(argv_arg), E(envp_arg))),
    "execveat": Signature((E(dirfd_arg), E(path_arg), E(argv_arg), E(envp_arg),
                           E(flags_arg(AT_FLAGS, "AT_???")))),
    # new processes and threads
    # Rows per call in VARIABLE_ROWS; these stand for them in records (has_exit_args).
    "clone": _clone_signature(True, True, True),
    "clone3": CLONE3_ANSWERED,
    "fork": NO_ARGS,
    "vfork": NO_ARGS,
    "unshare": Signature((E(flags_arg(UNSHARE_FLAGS, "CLONE_???", width=64)),)),
    "setns": Signature((E(fd_arg), E(flags_arg(SETNS_TYPES, "CLONE_NEW???")))),
    # waiting for children
    "wait4": Signature((PID, X(wait_status_arg), X(WAIT_OPTIONS_ARG), X(wait4_rusage_arg))),
    "waitid": Signature((E(lambda call, i: value(call.u32(i), WAITID_TYPES, "P_???")),
                         E(waitid_id_arg), X(siginfo_out_arg), X(WAIT_OPTIONS_ARG),
                         X(rusage_arg))),
    # thread start-up
    "set_tid_address": Signature((PTR,)),
    "set_robust_list": Signature((PTR, ULONG)),
    "get_robust_list": Signature((PID, X(lambda call, i: _ulong_in_brackets(call, call.u(i), True)),
                                  X(lambda call, i: _ulong_in_brackets(call, call.u(i))))),
    "rseq": Signature((HEX, HEX, HEX, HEX)),
    "arch_prctl": ARCH_PRCTL_DEFAULT,
    "prctl": PRCTL_DEFAULT,
    # limits and usage
    "prlimit64": Signature((PID, RESOURCE_ARG, E(rlimit_arg), X(rlimit_arg))),
    "getrlimit": Signature((RESOURCE_ARG, X(rlimit_arg))),
    "setrlimit": Signature((RESOURCE_ARG, E(rlimit_arg))),
    "getrusage": Signature((E(usage_who_arg), X(rusage_arg))),
    "getpriority": Signature((E(priority_which_arg), PID)),
    "setpriority": Signature((E(priority_which_arg), PID, INT)),
    # process ids
    "getpid": NO_ARGS, "gettid": NO_ARGS, "getppid": NO_ARGS, "getpgrp": NO_ARGS,
    "setsid": NO_ARGS,
    "getpgid": Signature((PID,)),
    "getsid": Signature((PID,)),
    "setpgid": Signature((PID, PID)),
    # scheduling
    "sched_getaffinity": Signature((PID, UINT, X(affinity_out_arg))),
    "sched_setaffinity": Signature((PID, UINT, E(affinity_in_arg))),
    "sched_getparam": Signature((PID, X(int_in_brackets_arg))),
    "sched_setparam": Signature((PID, E(int_in_brackets_arg))),
    "sched_getscheduler": Signature((PID,), aux=scheduler_aux),
    "sched_setscheduler": Signature((PID, E(scheduler_arg), E(int_in_brackets_arg))),
    "sched_get_priority_max": Signature((E(scheduler_arg),)),
    "sched_get_priority_min": Signature((E(scheduler_arg),)),
    "sched_yield": NO_ARGS,
    "restart_syscall": Signature((E(resuming_arg),)),
    "sched_getattr": Signature((PID, X(sched_getattr_arg), X(uint_arg), X(uint_arg))),
    "sched_setattr": Signature((PID, X(sched_setattr_arg), X(uint_arg)),
                               snapshot=_snapshot_sched_setattr),
    "getcpu": Signature((X(uint_in_brackets_arg), X(uint_in_brackets_arg), X(ptr_arg))),
    # credentials
    "getuid": NO_ARGS, "geteuid": NO_ARGS, "getgid": NO_ARGS, "getegid": NO_ARGS,
    "setuid": Signature((UID,)), "setgid": Signature((UID,)),
    "setfsuid": Signature((UID,)), "setfsgid": Signature((UID,)),
    "setreuid": Signature((UID, UID)), "setregid": Signature((UID, UID)),
    "setresuid": Signature((UID, UID, UID)), "setresgid": Signature((UID, UID, UID)),
    "getresuid": Signature((X(uid_out_arg), X(uid_out_arg), X(uid_out_arg))),
    "getresgid": Signature((X(uid_out_arg), X(uid_out_arg), X(uid_out_arg))),
    "getgroups": Signature((INT, X(getgroups_list_arg))),
    "setgroups": Signature((INT, E(setgroups_list_arg))),
    "capget": Signature((E(cap_header_arg), X(cap_data_arg))),
    "capset": Signature((E(cap_header_arg), E(cap_data_arg))),
    "personality": Signature((E(personality_arg),), aux=personality_aux),
    # the system
    "uname": Signature((X(uname_arg),)),
    "sysinfo": Signature((X(sysinfo_arg),)),
    "getrandom": Signature((X(random_bytes_arg), X(ulong_arg),
                            X(flags_arg(GETRANDOM_FLAGS, "GRND_???")))),
}


# Syscalls whose row depends on an argument (signatures.PER_CALL_ROWS picks them per call).
VARIABLE_ROWS: dict[str, Callable[[Call], Signature]] = {
    "clone": clone_row,
    "clone3": clone3_row,
    "prctl": prctl_row,
    "arch_prctl": arch_prctl_row,
}
