"""Processes the sandbox starts (server, preload steps): their own process group, killed with
the worker if it dies (PR_SET_PDEATHSIG), output kept in a log file whose tail explains failures."""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import time
from dataclasses import dataclass, field

from sysrec.errors import InputError, SysrecError

PR_SET_PDEATHSIG = 1
PR_SET_CHILD_SUBREAPER = 36
_libc = ctypes.CDLL(None, use_errno=True)


def die_with_parent() -> None:
    """SIGKILL this process when the thread that forked it ends (worker crash, sysrec killed)."""
    _libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def become_subreaper() -> None:
    """Orphaned descendants (a server's daemonized child, a client's background job) are
    re-parented to this process instead of init, so that teardown can find and kill them."""
    _libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)


def children_of(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                stat = fh.read()
        except OSError:
            continue
        # the command name may contain spaces and parentheses: fields start after the last ')'
        fields = stat[stat.rfind(b")") + 2:].split()
        if len(fields) > 1 and int(fields[1]) == pid:
            found.append(int(entry))
    return found


def kill_descendants() -> None:
    """SIGKILL and reap every remaining child of this (subreaper) process, until none is left."""
    me = os.getpid()
    for _ in range(50):
        children = children_of(me)
        if not children:
            return
        for child in children:
            try:
                os.kill(child, signal.SIGKILL)
            except ProcessLookupError:
                pass
        for child in children:
            try:
                os.waitpid(child, 0)
            except ChildProcessError:
                pass


def _child_setup() -> None:
    die_with_parent()
    os.setpgid(0, 0)
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGPIPE):
        signal.signal(sig, signal.SIG_DFL)


@dataclass
class Started:
    role: str              # "server", "preload[0]"
    argv: list[str]
    proc: subprocess.Popen[bytes]
    log_path: str
    started_at: float = field(default_factory=time.monotonic)

    def tail(self, lines: int = 8) -> str:
        try:
            with open(self.log_path, "rb") as fh:
                fh.seek(0, os.SEEK_END)
                fh.seek(max(0, fh.tell() - 4096))
                text = fh.read().decode(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.strip().splitlines()[-lines:])

    def failure(self, what: str) -> SysrecError:
        tail = self.tail()
        shown = f"\n--- last lines of its output ({self.log_path}) ---\n{tail}" if tail else " (it printed nothing)"
        return SysrecError(f"{self.role} `{' '.join(self.argv)}` {what}{shown}")


def _no_follow(path: str, flags: int) -> int:
    """Logs live under --out, where sysrec never writes through a link."""
    return os.open(path, flags | os.O_NOFOLLOW, 0o644)


def start(role: str, argv: list[str], log_path: str) -> Started:
    """Start argv with stdin from /dev/null and stdout+stderr to log_path."""
    log = open(log_path, "ab", opener=_no_follow)
    try:
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                preexec_fn=_child_setup, close_fds=True)
    except FileNotFoundError:
        raise InputError(f"{role} command: {argv[0]}: program not found") from None
    except PermissionError:
        raise InputError(f"{role} command: {argv[0]}: not executable") from None
    finally:
        log.close()
    return Started(role=role, argv=argv, proc=proc, log_path=log_path)


def stop_all(started: list[Started], grace: float = 0.5) -> None:
    """SIGTERM each process group, SIGKILL what is left after `grace` seconds, reap everything."""
    for item in started:
        _signal_group(item.proc, signal.SIGTERM)
    deadline = time.monotonic() + grace
    for item in started:
        while item.proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
    for item in started:
        _signal_group(item.proc, signal.SIGKILL)
        try:
            item.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass


def _signal_group(proc: subprocess.Popen[bytes], sig: int) -> None:
    try:
        os.killpg(proc.pid, sig)
    except (ProcessLookupError, PermissionError):
        pass
