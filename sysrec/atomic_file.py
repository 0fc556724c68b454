"""Output files that are either complete or absent: written beside the target, renamed over it."""

from __future__ import annotations

import contextlib
import os
import tempfile
from typing import IO, Iterator

from sysrec.errors import InputError


@contextlib.contextmanager
def atomic_output(path: str | os.PathLike[str], binary: bool = False, label: str = "") -> Iterator[IO]:
    """Yield a file to write; on success it replaces `path` (mode as umask allows), on any error
    (including KeyboardInterrupt) the temporary file is removed and `path` is left untouched.

    `label` prefixes the error message (e.g. "-o ") so it names the argument the user gave.
    """
    path = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(path))
    try:
        fd, tmp = tempfile.mkstemp(prefix=".sysrec-", dir=directory)
    except OSError as err:
        raise InputError(f"{label}{path}: cannot write: {err.strerror}") from None
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
