"""The `-n` (`[ 42] `, the syscall number) and `-i` (`[00007f0123456789] `, the instruction
pointer) columns of strace's line prefix.

A signal or exit line shows what strace last knew of that process: the number of its last
call, and for `-i` the address where a signal stopped it (event key `ip`), or question marks
once it is gone. sysrec knows the calls it records: that is strace --seccomp-bpf's rule (and
plain strace's when every call is traced); plain strace also counts the calls it stops at
without printing them (an untraced exit_group).
"""

from __future__ import annotations

from typing import Any, Mapping

from sysrec.cstring import escape
from sysrec.syscalls import SYSCALL_NUMBERS

UNKNOWN_IP = "????????????????"


def note_event(renderer: Any, event: Mapping[str, Any]) -> None:
    """Remember, per pid, the call number and instruction pointer the next prefix shows."""
    state = renderer.__dict__.setdefault("_columns", {})
    pid = event.get("pid")
    if "comm" in event:
        renderer.__dict__.setdefault("_comms", {})[pid] = event["comm"]
    kind = event.get("ev")
    nr = event.get("nr")
    if nr is None and kind == "enter":
        nr = SYSCALL_NUMBERS.get(event.get("name", ""))
    last = state.get(pid, (None, None))
    if kind == "exit":
        state[pid] = (last[0], None)
    elif kind in ("syscall", "enter", "signal"):
        state[pid] = (nr if nr is not None else last[0], event.get("ip"))


def syscall_columns(renderer: Any, pid: int) -> str:
    nr, ip = renderer.__dict__.get("_columns", {}).get(pid, (None, None))
    text = ""
    if renderer.opts.syscall_numbers:
        text += f"[{nr:4d}] " if nr is not None else "[?] "
    if renderer.opts.instruction_pointer:
        text += f"[{ip:016x}] " if ip is not None else f"[{UNKNOWN_IP}] "
    return text


def pid_with_comm(renderer: Any, pid: int) -> str:
    """The pid part of the prefix under -Y: no padding once a name follows the pid."""
    comm = renderer.__dict__.get("_comms", {}).get(pid)
    suffix = f"<{escape(comm.encode('latin-1', 'replace').decode('latin-1'), '<>')}>" if comm else ""
    if renderer.to_file:
        if not renderer.opts.follow:
            return ""
        return f"{pid}{suffix} " if suffix else f"{pid:<5} "
    return f"[pid {pid:>5}{suffix}] " if renderer.alive > 1 else ""
