"""`--out DIR`: the only place `sysrec run` writes, checked before anything is written.

Root running into a directory another user controls must not be steered by links planted there.
So: DIR itself must belong to the user running sysrec (root may opt out with
--allow-foreign-out); every directory below it is created by sysrec or must already be the user's
own and writable by nobody else; nothing below DIR is reached through a symbolic link; files are
created with O_NOFOLLOW. An exclusive lock on DIR keeps two runs from interleaving records.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import stat
import tempfile
from typing import IO, Iterator

from sysrec.errors import InputError


class OutDir:
    """An open, locked output directory. Close it (or use it as a context manager) when done."""

    def __init__(self, path: str, *, allow_foreign: bool = False, create: bool = True) -> None:
        self.path = path
        if create:
            try:
                os.makedirs(path, exist_ok=True)
            except OSError as err:
                raise InputError(f"--out {path}: cannot create the directory: {err.strerror}") from None
        try:
            self.fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        except NotADirectoryError:
            raise InputError(f"--out {path}: not a directory") from None
        except OSError as err:
            raise InputError(f"--out {path}: cannot open: {err.strerror}") from None
        try:
            self._check_owner(allow_foreign)
            self._lock()
        except BaseException:
            os.close(self.fd)
            raise

    def _check_owner(self, allow_foreign: bool) -> None:
        st = os.fstat(self.fd)
        euid = os.geteuid()
        if st.st_uid != euid and euid == 0 and not allow_foreign:
            raise InputError(f"--out {self.path}: belongs to uid {st.st_uid}, not to root; a directory "
                             "another user controls can steer root's writes through links planted "
                             "in it (give --allow-foreign-out to write there anyway)")

    def _lock(self) -> None:
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise InputError(f"--out {self.path}: another sysrec run is writing there; wait for it "
                             "or choose another directory") from None

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)  # releases the lock
            self.fd = -1

    def __enter__(self) -> "OutDir":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def subdir(self, *parts: str) -> str:
        """DIR/a/b/...: each level created, or checked to be the user's own real directory that
        nobody else can write to; returns its path."""
        fd = os.dup(self.fd)
        where = self.path
        try:
            for part in parts:
                where = os.path.join(where, part)
                try:
                    os.mkdir(part, 0o755, dir_fd=fd)
                except FileExistsError:
                    _check_own_dir(fd, part, where)
                try:
                    child = os.open(part, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC,
                                    dir_fd=fd)
                except OSError as err:
                    raise InputError(f"{where}: cannot open: {err.strerror}") from None
                os.close(fd)
                fd = child
                for name in os.listdir(fd):
                    _check_not_link(fd, name, os.path.join(where, name))
        except OSError as err:
            raise InputError(f"{where}: {err.strerror}") from None
        finally:
            os.close(fd)
        return where

    @contextlib.contextmanager
    def replace(self, name: str) -> Iterator[IO[str]]:
        """Write DIR/name whole or not at all: a temporary file renamed over it (a rename never
        follows a link that may sit at the name)."""
        try:
            fd, tmp = tempfile.mkstemp(prefix=".sysrec-", dir=self.path)
        except OSError as err:
            raise InputError(f"{os.path.join(self.path, name)}: cannot write: {err.strerror}") from None
        target = os.path.join(self.path, name)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                yield fh
            os.chmod(tmp, 0o666 & ~_umask())
            os.replace(tmp, target)
        except OSError as err:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise InputError(f"{target}: cannot write: {err.strerror}") from None
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise


def _check_own_dir(dir_fd: int, name: str, where: str) -> None:
    st = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
    if stat.S_ISLNK(st.st_mode):
        raise InputError(f"{where}: is a symbolic link; sysrec does not follow links under --out")
    if not stat.S_ISDIR(st.st_mode):
        raise InputError(f"{where}: exists and is not a directory")
    if st.st_uid != os.geteuid():
        raise InputError(f"{where}: belongs to uid {st.st_uid}; sysrec writes only into its own directories")
    if st.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        raise InputError(f"{where}: others may write to it (mode {stat.S_IMODE(st.st_mode):o}); "
                         "sysrec writes only into directories nobody else can change")


def _check_not_link(dir_fd: int, name: str, where: str) -> None:
    """A link left in a cell directory (by whom?) is never written through: refuse the run."""
    st = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
    if stat.S_ISLNK(st.st_mode):
        raise InputError(f"{where}: is a symbolic link; sysrec does not follow links under --out")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def open_new(path: str, mode: int = 0o644) -> int:
    """Open a file sysrec writes under --out: created or truncated, never through a link."""
    return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW | os.O_CLOEXEC, mode)
