"""Processes and credentials: execve, clone, fork, wait4/waitid, prctl, rlimits, ids, kill,
sched_*, capabilities, uname, getrandom (strace's src/execve.c, clone.c, wait.c, ...)."""

from __future__ import annotations

from sysrec.decode.row import Signature

ROWS: dict[str, Signature] = {
}
