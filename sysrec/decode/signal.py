"""Signals: rt_sigaction, rt_sigprocmask, rt_sigreturn, sigaltstack, rt_sigsuspend,
rt_sigtimedwait, pause, kill-family arguments (strace's src/signal.c)."""

from __future__ import annotations

from sysrec.decode.row import Signature

ROWS: dict[str, Signature] = {
}
