"""`-Y` (`--decode-pids=comm`): the command name shown beside each pid in line prefixes.

strace reads /proc/PID/comm when it starts tracing a process and again after each call that
changes it (execve, execveat, prctl(PR_SET_NAME)); a line shows the name as it was when the line
started. The tracer side puts that name in each event's `comm` key, so a record re-renders
the same prefixes.
"""

from __future__ import annotations

from typing import Any

from sysrec.cstring import escape

COMM_CHANGES = frozenset({"execve", "execveat", "prctl"})

# Where strace 6.1 prints a pid with its command name under -Y (its printpid() calls): argument
# positions per call, and the calls whose return value is a pid.
PID_ARGUMENTS: dict[str, tuple[int, ...]] = {
    "kill": (0,), "tkill": (0,), "tgkill": (0, 1), "rt_sigqueueinfo": (0,), "rt_tgsigqueueinfo": (0, 1),
    "getpgid": (0,), "getsid": (0,), "setpgid": (0, 1), "pidfd_open": (0,), "kcmp": (0, 1),
    "process_vm_readv": (0,), "process_vm_writev": (0,), "prlimit64": (0,), "get_robust_list": (0,),
    "migrate_pages": (0,), "move_pages": (0,), "ptrace": (1,),
    "sched_setaffinity": (0,), "sched_getaffinity": (0,), "sched_setparam": (0,),
    "sched_getparam": (0,), "sched_setscheduler": (0,), "sched_getscheduler": (0,),
    "sched_rr_get_interval": (0,), "sched_setattr": (0,), "sched_getattr": (0,),
}
PID_RETURNS = frozenset({"getpid", "getppid", "gettid", "getpgrp", "getpgid", "getsid", "setsid",
                         "fork", "vfork", "clone", "clone3", "wait4", "waitid"})


def read_comm(pid: int | str) -> str | None:
    try:
        with open(f"/proc/{pid}/comm", "rb") as fh:
            return fh.read().rstrip(b"\n").decode("latin-1")
    except OSError:
        return None


class CommTracker:
    """Adds `comm` to events as strace would print it. At `syscall` and `signal` events the
    tracee is stopped and /proc is read then; a successful execve's line started before the
    exec, so it shows the name from before (`<strace>` for strace's own fork, sysrec's name
    here), the lines after it the new one. `enter` and `exit` use what is known."""

    def __init__(self) -> None:
        self.names: dict[int, str] = {}
        self.first = read_comm("self")  # the traced command, before its execve, is our fork
        self.execd: dict[int, str] = {}  # the name after an exec, until the execve's line is out

    def _known(self, pid: int) -> str | None:
        name = self.names.get(pid)
        if name is None:
            name = self.first if not self.names and self.first is not None else read_comm(pid)
            if name is not None:
                self.names[pid] = name
        return name

    def annotate(self, event: dict[str, Any]) -> None:
        pid = event.get("pid")
        if not isinstance(pid, int):
            return
        kind = event.get("ev")
        if kind == "exec":  # the tracee is stopped in its exec: the new name is readable now
            name = read_comm(pid)
            if name is not None:
                self.execd[pid] = name
                event["new_comm"] = name
            return
        if pid in self.execd and not (kind == "syscall" and event.get("name") in ("execve", "execveat")
                                      and not event.get("resumed")):
            self.names[pid] = self.execd.pop(pid)
        if kind == "spawn":
            name = read_comm(pid) or self.names.get(event.get("parent", -1))
            if name is not None:
                self.names[pid] = name
            return
        if kind in ("syscall", "signal"):
            self._pids_named(event)
        if kind == "syscall":
            changes = event.get("name") in COMM_CHANGES and event.get("ret") is not None and not event.get("errno")
            if changes and not event.get("resumed"):
                name = self._known(pid)  # the line started before the change
                self._refresh(pid)
                self.execd.pop(pid, None)
            else:
                self._refresh(pid)
                name = self._known(pid)
        elif kind == "signal":
            self._refresh(pid)
            name = self._known(pid)
        else:
            name = self._known(pid)
        if name is not None:
            event["comm"] = name

    def _refresh(self, pid: int) -> None:
        if not self.names and self.first is not None:
            self.names[pid] = self.first  # the first event: what came before it is our fork
        name = read_comm(pid)
        if name is not None:
            self.names[pid] = name

    def _pids_named(self, event: dict[str, Any]) -> None:
        """`pid_comm`: the names of the pids the line prints (read now, as strace does when it
        prints them; a process already reaped has none)."""
        pids = set()
        if event.get("ev") == "signal":
            info = event.get("info")
            if isinstance(info, dict) and isinstance(info.get("si_pid"), int):
                pids.add(info["si_pid"])
        else:
            args = event.get("args") or []
            for index in PID_ARGUMENTS.get(event.get("name", ""), ()):
                if index < len(args) and type(args[index]) is int:
                    pids.add(args[index])
            ret = event.get("ret")
            if event.get("name") in PID_RETURNS and isinstance(ret, int) and not event.get("errno"):
                pids.add(ret)
        named = {str(pid): name for pid in pids if pid > 0 and (name := read_comm(pid)) is not None}
        if named:
            event["pid_comm"] = named


def with_pid_names(event: Any) -> Any:
    """The event with its pids printed as strace -Y prints them: `1234<sh>`."""
    named = event.get("pid_comm")
    if not named:
        return event

    def show(pid: Any) -> Any:
        name = named.get(str(pid)) if type(pid) is int else None
        return pid if name is None else f"{pid}<{escape(name.encode('latin-1', 'replace').decode('latin-1'), '<>')}>"

    out = dict(event)
    if event.get("ev") == "signal":
        info = event.get("info")
        if isinstance(info, dict) and "si_pid" in info:
            out["info"] = {**info, "si_pid": show(info["si_pid"])}
        return out
    args = list(event.get("args") or [])
    for index in PID_ARGUMENTS.get(event.get("name", ""), ()):
        if index < len(args):
            args[index] = show(args[index])
    out["args"] = args
    if event.get("name") in PID_RETURNS and event.get("rtext") is None and str(event.get("ret")) in named:
        out["rtext"] = show(event["ret"])
    return out
