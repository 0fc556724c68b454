"""Descriptors and their I/O: read/write and the vectored and positioned variants, lseek, dup,
pipe, flock, fadvise64, fallocate, sendfile, copy_file_range, splice/tee, fsync, memfd_create,
eventfd2, signalfd4, timerfd, inotify, close_range (strace's src/desc.c, io.c and friends)."""

from __future__ import annotations

from sysrec.decode.row import Signature

ROWS: dict[str, Signature] = {
}
