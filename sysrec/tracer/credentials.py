"""`-u USERNAME`: run the traced command as another user, by strace's rules.

Only root may (strace refuses otherwise). The user's uid and primary gid come from the password
database; the supplementary groups from initgroups(). A set-user-ID / set-group-ID program
keeps its owner as effective uid / gid (strace's run_euid, run_egid), so that tracing a setuid
program as its user shows what it does when that user runs it.
"""

from __future__ import annotations

import os
import stat
from collections import namedtuple

from sysrec.errors import InputError


class Credentials(namedtuple("Credentials", ("user", "uid", "gid", "euid", "egid"))):
    __slots__ = ()

    def apply(self) -> None:
        """In the child, before it stops for the tracer: groups first (they need root)."""
        os.initgroups(self.user, self.gid)
        os.setregid(self.gid, self.egid)
        os.setreuid(self.uid, self.euid)


def credentials_for(username: str, program: str) -> Credentials:
    if os.getuid() != 0 or os.geteuid() != 0:
        raise InputError("You must be root to use the -u/--username option")
    import pwd

    try:
        entry = pwd.getpwnam(username)
    except KeyError:
        raise InputError(f"Cannot find user '{username}'") from None
    uid, gid = entry.pw_uid, entry.pw_gid
    euid, egid = uid, gid
    try:
        st = os.stat(program)
    except OSError:
        st = None
    if st is not None:
        if st.st_mode & stat.S_ISUID:
            euid = st.st_uid
        if st.st_mode & stat.S_ISGID:
            egid = st.st_gid
    return Credentials(username, uid, gid, euid, egid)
