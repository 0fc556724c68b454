"""What an fd refers to, for `-y` / `-yy`, looked up in the tracee's own network namespace.

`-y` is the target of /proc/TID/fd/N (`socket:[4242]`, `/dev/null`, `pipe:[77]`). `-yy` names a
socket's endpoints like strace does (`TCP:[127.0.0.1:43650->127.0.0.1:10000]`, `TCP:[4242]` before
it is bound or connected); see `sysrec.tracer.sockets` for how.
"""

from __future__ import annotations

import os
import stat

AT_FDCWD = -100  # the *at() calls' "current directory": -y prints `AT_FDCWD</cwd>`


def _device_suffix(path: str) -> str:
    """strace -yy marks device files: `/dev/null<char 1:3>`."""
    try:
        st = os.stat(path)
    except OSError:
        return ""
    if stat.S_ISCHR(st.st_mode):
        kind = "char"
    elif stat.S_ISBLK(st.st_mode):
        kind = "block"
    else:
        return ""
    return f"<{kind} {os.major(st.st_rdev)}:{os.minor(st.st_rdev)}>"


class FdResolver:
    """Looks fds up at the moment the tracer prints them (the tracee is stopped meanwhile)."""

    def __init__(self, level: int) -> None:
        self.level = level
        self.sockets = None
        if level >= 2:
            from sysrec.tracer.sockets import SocketDescriber
            self.sockets = SocketDescriber()

    def describe(self, tid: int, fds: set[int]) -> dict[str, dict[str, str]]:
        out: dict[str, dict[str, str]] = {}
        for fd in fds:
            if fd < 0 and fd != AT_FDCWD:
                continue
            try:
                target = os.readlink(f"/proc/{tid}/cwd" if fd == AT_FDCWD else f"/proc/{tid}/fd/{fd}")
            except OSError:
                continue
            entry = {"y": target}
            if self.sockets is not None:
                if target.startswith("socket:["):
                    text = self.sockets.describe(tid, fd, int(target[8:-1]))
                    if text is not None:
                        entry["yy"] = text
                elif target.startswith("/dev/"):
                    device = _device_suffix(f"/proc/{tid}/fd/{fd}")
                    if device:
                        entry["yy"] = target + device
            out[str(fd)] = entry
        return out

    def close(self) -> None:
        if self.sockets is not None:
            self.sockets.close()
