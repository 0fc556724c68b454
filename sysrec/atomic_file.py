"""Output files the user names (`report -o`, `export --pcap/--perfetto`): complete or absent,
and never a way to clobber what is not ours.

- `-` is standard output.
- A regular file (or a name that does not exist yet) is written beside the target and renamed
  over it: readers see the old file or the new one, never half of one.
- A device or a fifo (`/dev/null`, `/dev/stdout` onto a pipe, a named pipe) is written to, never
  replaced: renaming over it would put a regular file where the device node was.
- A symbolic link is followed only to a device or a fifo (`/dev/stdout`); a link to a regular file
  or to nothing is refused, since writing there would reach a place the user did not name.
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
import tempfile
from typing import IO, Iterator

from sysrec.errors import InputError

STREAM_TYPES = (stat.S_ISCHR, stat.S_ISFIFO, stat.S_ISSOCK)


@contextlib.contextmanager
def atomic_output(path: str | os.PathLike[str], binary: bool = False, label: str = "") -> Iterator[IO]:
    """Yield a file to write `path` through (rules above). On any error (including Ctrl-C) a
    regular target is left untouched. Write errors become one line naming the argument
    (`label`, e.g. "-o ") and the path."""
    path = os.fspath(path)
    if path == "-":
        stream = sys.stdout.buffer if binary else sys.stdout
        yield stream
        stream.flush()
        return
    kind = _target_kind(path, label)
    if kind == "stream":
        with _written(path, label):
            fh = _open_stream(path, binary, label)
            with fh:
                yield fh
        return
    with _written(path, label):
        directory = os.path.dirname(os.path.abspath(path))
        fd, tmp = tempfile.mkstemp(prefix=".sysrec-", dir=directory)
        try:
            with os.fdopen(fd, "wb" if binary else "w", **({} if binary else {"encoding": "utf-8"})) as fh:
                yield fh
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise


def _target_kind(path: str, label: str) -> str:
    """"file" (replace it, or create it) or "stream" (write into it)."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return "file"
    except OSError as err:
        raise InputError(f"{label}{path}: cannot write: {err.strerror}") from None
    if stat.S_ISREG(st.st_mode):
        return "file"
    if stat.S_ISDIR(st.st_mode):
        raise InputError(f"{label}{path}: is a directory")
    if stat.S_ISLNK(st.st_mode):
        try:
            target = os.stat(path)
        except OSError:
            target = None
        if target is None or not any(is_kind(target.st_mode) for is_kind in STREAM_TYPES):
            raise InputError(f"{label}{path}: is a symbolic link to a file; sysrec does not write "
                             "through links to files (name the file itself, or - for stdout)")
        return "stream"
    if any(is_kind(st.st_mode) for is_kind in STREAM_TYPES):
        return "stream"
    raise InputError(f"{label}{path}: is neither a regular file nor a character device or fifo")


def _open_stream(path: str, binary: bool, label: str) -> IO:
    """A device or fifo, opened without O_CREAT or O_TRUNC: nothing is made or emptied; a file
    that took its place since the check is refused."""
    fd = os.open(path, os.O_WRONLY | os.O_NOCTTY | os.O_CLOEXEC)
    if stat.S_ISREG(os.fstat(fd).st_mode) or stat.S_ISDIR(os.fstat(fd).st_mode):
        os.close(fd)
        raise InputError(f"{label}{path}: changed into a file while sysrec was writing")
    return os.fdopen(fd, "wb" if binary else "w", **({} if binary else {"encoding": "utf-8"}))


@contextlib.contextmanager
def _written(path: str, label: str) -> Iterator[None]:
    """A full disk, a vanished directory...: one line naming the output."""
    try:
        yield
    except BrokenPipeError:
        raise
    except OSError as err:
        raise InputError(f"{label}{path}: cannot write: {err.strerror or err}") from None
