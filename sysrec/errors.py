"""Errors that reach the user as one clear line and an exit code, never as a traceback."""

from __future__ import annotations


class SysrecError(Exception):
    """Bad input or an environment problem the user can fix. Exit status 2 by default."""

    exit_status = 2

    def __init__(self, message: str, exit_status: int | None = None) -> None:
        super().__init__(message)
        if exit_status is not None:
            self.exit_status = exit_status


class InputError(SysrecError):
    """A file, key or argument is wrong; the message names it."""


class CommandNotFound(SysrecError):
    """The program to trace does not exist (exit 127, like a shell)."""

    exit_status = 127


class Interrupted(KeyboardInterrupt):
    """SIGTERM or SIGHUP, taken like Ctrl-C: every path that cleans up after Ctrl-C runs
    (workers stopped, footers written, temporary directories removed); exit 128 + signum."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def raise_interrupted(signum: int, _frame: object) -> None:
    raise Interrupted(signum)


def stop_like_ctrl_c() -> None:
    """From now on SIGTERM and SIGHUP end this process the way SIGINT does."""
    import signal

    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, raise_interrupted)
