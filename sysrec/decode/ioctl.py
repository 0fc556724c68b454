"""ioctl requests: the terminal and socket requests ordinary programs issue, unknown ones in
strace's `_IOC(...)` form (strace's src/ioctl.c, term.c, sock.c)."""

from __future__ import annotations

from sysrec.decode.row import Signature

ROWS: dict[str, Signature] = {
}
