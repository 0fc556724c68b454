"""Files by name: open/openat/creat, the stat family, access, readlink, getdents64, getcwd,
chdir, mkdir, unlink, rename, link, symlink, chmod, chown, umask, truncate, utimensat, mknod,
statfs (strace's src/open.c, stat.c, file.c and friends)."""

from __future__ import annotations

from sysrec.decode.row import Signature

ROWS: dict[str, Signature] = {
}
