"""Descriptor and I/O constants (x86-64 Linux uapi values), each table in the order strace's
xlat file lists it: `flags()` names bits in table order, so composite flags (O_SYNC, O_TMPFILE,
LOCK_RW) come before the bits they contain."""

from __future__ import annotations

# dup3 and pipe2 flags: open(2) flags without the access mode (strace's open_mode_flags).
OPEN_MODE_FLAGS: dict[int, str] = {
    0o100: "O_CREAT",
    0o200: "O_EXCL",
    0o400: "O_NOCTTY",
    0o1000: "O_TRUNC",
    0o2000: "O_APPEND",
    0o4000: "O_NONBLOCK",
    0o4010000: "O_SYNC",  # __O_SYNC|O_DSYNC
    0o4000000: "__O_SYNC",
    0o10000: "O_DSYNC",
    0o40000: "O_DIRECT",
    0o100000: "O_LARGEFILE",
    0o400000: "O_NOFOLLOW",
    0o1000000: "O_NOATIME",
    0o2000000: "O_CLOEXEC",
    0o10000000: "O_PATH",
    0o20200000: "O_TMPFILE",  # __O_TMPFILE|O_DIRECTORY
    0o20000000: "__O_TMPFILE",
    0o200000: "O_DIRECTORY",
    0o20000: "FASYNC",
}

# preadv2/pwritev2 flags.
RWF_FLAGS: dict[int, str] = {
    0x01: "RWF_HIPRI", 0x02: "RWF_DSYNC", 0x04: "RWF_SYNC", 0x08: "RWF_NOWAIT", 0x10: "RWF_APPEND",
}

# splice, tee, vmsplice flags.
SPLICE_FLAGS: dict[int, str] = {
    1: "SPLICE_F_MOVE", 2: "SPLICE_F_NONBLOCK", 4: "SPLICE_F_MORE", 8: "SPLICE_F_GIFT",
}

# lseek's whence.
WHENCE: dict[int, str] = {
    0: "SEEK_SET", 1: "SEEK_CUR", 2: "SEEK_END", 3: "SEEK_DATA", 4: "SEEK_HOLE",
}

# fadvise64's advice (x86-64; s390x numbers DONTNEED/NOREUSE differently).
FADVISE_ADVICE: dict[int, str] = {
    0: "POSIX_FADV_NORMAL", 1: "POSIX_FADV_RANDOM", 2: "POSIX_FADV_SEQUENTIAL",
    3: "POSIX_FADV_WILLNEED", 4: "POSIX_FADV_DONTNEED", 5: "POSIX_FADV_NOREUSE",
}

# fallocate's mode.
FALLOC_FLAGS: dict[int, str] = {
    0x01: "FALLOC_FL_KEEP_SIZE",
    0x02: "FALLOC_FL_PUNCH_HOLE",
    0x04: "FALLOC_FL_NO_HIDE_STALE",
    0x08: "FALLOC_FL_COLLAPSE_RANGE",
    0x10: "FALLOC_FL_ZERO_RANGE",
    0x20: "FALLOC_FL_INSERT_RANGE",
    0x40: "FALLOC_FL_UNSHARE_RANGE",
}

# flock's operation (LOCK_RW = LOCK_READ|LOCK_WRITE, listed before its parts).
FLOCK_OPS: dict[int, str] = {
    1: "LOCK_SH", 2: "LOCK_EX", 4: "LOCK_NB", 8: "LOCK_UN", 32: "LOCK_MAND", 192: "LOCK_RW",
    64: "LOCK_READ", 128: "LOCK_WRITE",
}

SYNC_FILE_RANGE_FLAGS: dict[int, str] = {
    1: "SYNC_FILE_RANGE_WAIT_BEFORE", 2: "SYNC_FILE_RANGE_WRITE", 4: "SYNC_FILE_RANGE_WAIT_AFTER",
}

# memfd_create's flags below the huge page size field.
MEMFD_FLAGS: dict[int, str] = {1: "MFD_CLOEXEC", 2: "MFD_ALLOW_SEALING", 4: "MFD_HUGETLB"}
MFD_HUGE_SHIFT = 26
MFD_HUGE_MASK = 0x3F
# The longest memfd name the kernel takes: NAME_MAX minus the "memfd:" prefix.
MFD_NAME_MAX_LEN = 255 - len("memfd:")

EFD_FLAGS: dict[int, str] = {1: "EFD_SEMAPHORE", 0o2000000: "EFD_CLOEXEC", 0o4000: "EFD_NONBLOCK"}

SFD_FLAGS: dict[int, str] = {0o2000000: "SFD_CLOEXEC", 0o4000: "SFD_NONBLOCK"}

TFD_FLAGS: dict[int, str] = {
    1: "TFD_TIMER_ABSTIME", 2: "TFD_TIMER_CANCEL_ON_SET", 0o2000000: "TFD_CLOEXEC",
    0o4000: "TFD_NONBLOCK",
}

CLOCKS: dict[int, str] = {
    0: "CLOCK_REALTIME", 1: "CLOCK_MONOTONIC", 2: "CLOCK_PROCESS_CPUTIME_ID",
    3: "CLOCK_THREAD_CPUTIME_ID", 4: "CLOCK_MONOTONIC_RAW", 5: "CLOCK_REALTIME_COARSE",
    6: "CLOCK_MONOTONIC_COARSE", 7: "CLOCK_BOOTTIME", 8: "CLOCK_REALTIME_ALARM",
    9: "CLOCK_BOOTTIME_ALARM", 10: "CLOCK_SGI_CYCLE", 11: "CLOCK_TAI",
}

# inotify_add_watch's mask.
INOTIFY_MASK: dict[int, str] = {
    0x00000001: "IN_ACCESS",
    0x00000002: "IN_MODIFY",
    0x00000004: "IN_ATTRIB",
    0x00000008: "IN_CLOSE_WRITE",
    0x00000010: "IN_CLOSE_NOWRITE",
    0x00000020: "IN_OPEN",
    0x00000040: "IN_MOVED_FROM",
    0x00000080: "IN_MOVED_TO",
    0x00000100: "IN_CREATE",
    0x00000200: "IN_DELETE",
    0x00000400: "IN_DELETE_SELF",
    0x00000800: "IN_MOVE_SELF",
    0x00002000: "IN_UNMOUNT",
    0x00004000: "IN_Q_OVERFLOW",
    0x00008000: "IN_IGNORED",
    0x01000000: "IN_ONLYDIR",
    0x02000000: "IN_DONT_FOLLOW",
    0x04000000: "IN_EXCL_UNLINK",
    0x10000000: "IN_MASK_CREATE",
    0x20000000: "IN_MASK_ADD",
    0x40000000: "IN_ISDIR",
    0x80000000: "IN_ONESHOT",
}

INOTIFY_INIT_FLAGS: dict[int, str] = {0o4000: "IN_NONBLOCK", 0o2000000: "IN_CLOEXEC"}

CLOSE_RANGE_FLAGS: dict[int, str] = {2: "CLOSE_RANGE_UNSHARE", 4: "CLOSE_RANGE_CLOEXEC"}
