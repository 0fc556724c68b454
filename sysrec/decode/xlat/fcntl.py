"""fcntl commands, fd flags and open(2) status flags (x86-64 Linux uapi values)."""

from __future__ import annotations

# Commands in strace's order. F_GETLK64..F_SETLKW64 are the 32-bit ABI's numbers, which strace
# names on every architecture; the read/write hint commands are missing from strace 6.1's list.
FCNTL_COMMANDS: dict[int, str] = {
    0: "F_DUPFD", 1: "F_GETFD", 2: "F_SETFD", 3: "F_GETFL", 4: "F_SETFL", 5: "F_GETLK",
    6: "F_SETLK", 7: "F_SETLKW", 8: "F_SETOWN", 9: "F_GETOWN", 10: "F_SETSIG", 11: "F_GETSIG",
    12: "F_GETLK64", 13: "F_SETLK64", 14: "F_SETLKW64", 15: "F_SETOWN_EX", 16: "F_GETOWN_EX",
    17: "F_GETOWNER_UIDS", 36: "F_OFD_GETLK", 37: "F_OFD_SETLK", 38: "F_OFD_SETLKW",
    1024: "F_SETLEASE", 1025: "F_GETLEASE", 1026: "F_NOTIFY", 1029: "F_CANCELLK",
    1030: "F_DUPFD_CLOEXEC", 1031: "F_SETPIPE_SZ", 1032: "F_GETPIPE_SZ", 1033: "F_ADD_SEALS",
    1034: "F_GET_SEALS",
}

FD_FLAGS: dict[int, str] = {1: "FD_CLOEXEC"}

ACCESS_MODES: dict[int, str] = {0: "O_RDONLY", 1: "O_WRONLY", 2: "O_RDWR", 3: "O_ACCMODE"}
ACCESS_MODE_MASK = 3

# Status flags in strace's order: O_SYNC (__O_SYNC|O_DSYNC) before its parts, O_TMPFILE
# (__O_TMPFILE|O_DIRECTORY) before its parts, and O_ASYNC by its old name FASYNC, last.
OPEN_FLAGS: dict[int, str] = {
    0o100: "O_CREAT", 0o200: "O_EXCL", 0o400: "O_NOCTTY", 0o1000: "O_TRUNC", 0o2000: "O_APPEND",
    0o4000: "O_NONBLOCK", 0o4010000: "O_SYNC", 0o4000000: "__O_SYNC", 0o10000: "O_DSYNC",
    0o40000: "O_DIRECT", 0o100000: "O_LARGEFILE", 0o400000: "O_NOFOLLOW", 0o1000000: "O_NOATIME",
    0o2000000: "O_CLOEXEC", 0o10000000: "O_PATH", 0o20200000: "O_TMPFILE",
    0o20000000: "__O_TMPFILE", 0o200000: "O_DIRECTORY", 0o20000: "FASYNC",
}

OWNER_TYPES: dict[int, str] = {0: "F_OWNER_TID", 1: "F_OWNER_PID", 2: "F_OWNER_PGRP"}
# Lock types (struct flock's l_type) and lease types share one table in strace.
LOCK_TYPES: dict[int, str] = {0: "F_RDLCK", 1: "F_WRLCK", 2: "F_UNLCK", 4: "F_EXLCK", 8: "F_SHLCK"}
SEEK_WHENCE: dict[int, str] = {0: "SEEK_SET", 1: "SEEK_CUR", 2: "SEEK_END", 3: "SEEK_DATA",
                               4: "SEEK_HOLE"}
SEALS: dict[int, str] = {1: "F_SEAL_SEAL", 2: "F_SEAL_SHRINK", 4: "F_SEAL_GROW",
                         8: "F_SEAL_WRITE", 16: "F_SEAL_FUTURE_WRITE"}
LEASE_TYPES = LOCK_TYPES
NOTIFY_FLAGS: dict[int, str] = {1: "DN_ACCESS", 2: "DN_MODIFY", 4: "DN_CREATE", 8: "DN_DELETE",
                                16: "DN_RENAME", 32: "DN_ATTRIB", 0x80000000: "DN_MULTISHOT"}
