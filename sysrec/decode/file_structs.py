"""The structures of the file-name and stat family, as construct definitions (x86-64 layout),
compiled once each."""

from __future__ import annotations

import struct as _struct

from construct import Array, Int16ul, Int32ul, Int64sl, Int64ul, Padding, Struct

from sysrec.decode.fast_struct import FastStruct
from sysrec.decode.lazy_compile import compiled_later

# struct stat (asm/stat.h, x86-64): 144 bytes.
stat = compiled_later(Struct(
    "st_dev" / Int64ul, "st_ino" / Int64ul, "st_nlink" / Int64ul, "st_mode" / Int32ul,
    "st_uid" / Int32ul, "st_gid" / Int32ul, Padding(4), "st_rdev" / Int64ul,
    "st_size" / Int64ul, "st_blksize" / Int64sl, "st_blocks" / Int64sl,
    "st_atime" / Int64sl, "st_atime_nsec" / Int64ul, "st_mtime" / Int64sl,
    "st_mtime_nsec" / Int64ul, "st_ctime" / Int64sl, "st_ctime_nsec" / Int64ul, Padding(24),
))
STAT_SIZE = 144
# st_mode, st_rdev, st_size: all that strace prints of a struct stat without -v.
STAT_BRIEF = _struct.Struct("<24xI12xQQ")
# Every stat call reads one: parsed through struct (fast_struct), built through construct.
stat = FastStruct("<QQQIII4xQQqqqQqQqQ24x", "st_dev st_ino st_nlink st_mode st_uid st_gid st_rdev "
                  "st_size st_blksize st_blocks st_atime st_atime_nsec st_mtime st_mtime_nsec "
                  "st_ctime st_ctime_nsec", stat)

statx_timestamp = Struct("tv_sec" / Int64sl, "tv_nsec" / Int32ul, Padding(4))

# struct statx (linux/stat.h): 256 bytes, the tail spare.
statx = compiled_later(Struct(
    "stx_mask" / Int32ul, "stx_blksize" / Int32ul, "stx_attributes" / Int64ul,
    "stx_nlink" / Int32ul, "stx_uid" / Int32ul, "stx_gid" / Int32ul, "stx_mode" / Int16ul,
    Padding(2), "stx_ino" / Int64ul, "stx_size" / Int64ul, "stx_blocks" / Int64ul,
    "stx_attributes_mask" / Int64ul, "stx_atime" / statx_timestamp,
    "stx_btime" / statx_timestamp, "stx_ctime" / statx_timestamp,
    "stx_mtime" / statx_timestamp, "stx_rdev_major" / Int32ul, "stx_rdev_minor" / Int32ul,
    "stx_dev_major" / Int32ul, "stx_dev_minor" / Int32ul, "stx_mnt_id" / Int64ul,
    "stx_dio_mem_align" / Int32ul, "stx_dio_offset_align" / Int32ul, Padding(96),
))
STATX_SIZE = 256

# struct statfs (asm-generic/statfs.h, 64-bit): 120 bytes.
statfs = compiled_later(Struct(
    "f_type" / Int64ul, "f_bsize" / Int64ul, "f_blocks" / Int64ul, "f_bfree" / Int64ul,
    "f_bavail" / Int64ul, "f_files" / Int64ul, "f_ffree" / Int64ul,
    "f_fsid" / Array(2, Int32ul), "f_namelen" / Int64ul, "f_frsize" / Int64ul,
    "f_flags" / Int64ul, Padding(32),
))
STATFS_SIZE = 120

# The fixed head of one directory entry: getdents64's linux_dirent64 and getdents' linux_dirent
# share d_ino, d_off, d_reclen; the name (and for dirent64 the type before it) follows.
dirent_head = compiled_later(Struct("d_ino" / Int64ul, "d_off" / Int64ul, "d_reclen" / Int16ul))
dirent_head = FastStruct("<QQH", "d_ino d_off d_reclen", dirent_head)  # once per directory entry
# d_reclen alone, read in place: counting a directory's entries needs nothing else.
DIRENT_RECLEN = _struct.Struct("<H")
DIRENT_RECLEN_OFFSET = 16
DIRENT64_HEADER_SIZE = 19  # offsetof(struct linux_dirent64, d_name)
DIRENT_HEADER_SIZE = 18  # offsetof(struct linux_dirent, d_name)

# struct open_how (linux/openat2.h): 24 bytes.
open_how = compiled_later(Struct("flags" / Int64ul, "mode" / Int64ul, "resolve" / Int64ul))
OPEN_HOW_SIZE = 24

# Two timestamps for utimensat (timespec) and utimes/futimesat (timeval).
time_pair = compiled_later(Array(2, Struct("sec" / Int64sl, "frac" / Int64sl)))
TIME_PAIR_SIZE = 32

# struct utimbuf (linux/utime.h).
utimbuf = compiled_later(Struct("actime" / Int64sl, "modtime" / Int64sl))
UTIMBUF_SIZE = 16
