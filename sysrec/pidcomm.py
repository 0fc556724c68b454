"""`-Y` (`--decode-pids=comm`): the command name shown beside each pid in line prefixes.

strace reads /proc/PID/comm when it starts tracing a process and again after each call that
changes it (execve, execveat, prctl(PR_SET_NAME)); a line shows the name as it was when the line
started. The tracer side puts that name in each event's `comm` key, so a record re-renders
the same prefixes.
"""

from __future__ import annotations

from typing import Any

COMM_CHANGES = frozenset({"execve", "execveat", "prctl"})


def read_comm(pid: int | str) -> str | None:
    try:
        with open(f"/proc/{pid}/comm", "rb") as fh:
            return fh.read().rstrip(b"\n").decode("latin-1")
    except OSError:
        return None


class CommTracker:
    """Adds `comm` to events as strace would print it (the tracee is stopped at `syscall` and
    `signal` events, so /proc is read then; an `enter` or `exit` uses what is known)."""

    def __init__(self) -> None:
        self.names: dict[int, str] = {}
        self.first = read_comm("self")  # the traced command, before its execve, is our fork

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
        if kind == "spawn":
            name = read_comm(pid) or self.names.get(event.get("parent", -1))
            if name is not None:
                self.names[pid] = name
            return
        if kind == "syscall":
            changes = event.get("name") in COMM_CHANGES and event.get("ret") is not None and not event.get("errno")
            if changes and event.get("resumed"):  # `<... execve resumed>` prints at exit
                self._refresh(pid)
            name = self._known(pid)
            if changes:
                self._refresh(pid)
        elif kind == "signal":
            name = self._known(pid)
        else:
            name = self._known(pid)
        if name is not None:
            event["comm"] = name

    def _refresh(self, pid: int) -> None:
        name = read_comm(pid)
        if name is not None:
            self.names[pid] = name
