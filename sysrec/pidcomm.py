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
    """Adds `comm` to events as strace would print it. At `syscall` and `signal` events the
    tracee is stopped and /proc is read then; a successful execve's line started before the
    exec, so it shows the name from before (`<strace>` for strace's own fork, sysrec's name
    here), the lines after it the new one. `enter` and `exit` use what is known."""

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
            if changes and not event.get("resumed"):
                name = self._known(pid)  # the line started before the change
                self._refresh(pid)
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
