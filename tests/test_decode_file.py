"""File-name and stat family decoders: the cases a C program cannot reach (a kernel that
leaves bytes over, unknown file types and file systems, 64-bit openat2 flags)."""

from __future__ import annotations

import struct

from sysrec.decode import file_structs as fs
from test_decode_support import FakeMemory, call, text

AT_FDCWD = 0xFFFFFF9C


def dirent64(ino: int, name: bytes, reclen: int = 24) -> bytes:
    head = struct.pack("<QqHB", ino, 0, reclen, 8)
    return (head + name + b"\0").ljust(reclen, b"\0")


def test_getdents64_counts_entries_and_marks_leftover_bytes():
    mem = FakeMemory()
    listing = dirent64(1, b".") + dirent64(2, b"..") + b"\1" * 10
    buf = mem.put(listing)
    _, done = call("getdents64", (3, buf, 4096), mem, ret=len(listing))
    assert text(done.args) == f"3, {buf:#x} /* 2+ entries */, 4096"
    _, whole = call("getdents64", (3, buf, 4096), mem, ret=48)
    assert text(whole.args) == f"3, {buf:#x} /* 2 entries */, 4096"
    _, empty = call("getdents64", (3, buf, 4096), mem, ret=0)
    assert text(empty.args) == f"3, {buf:#x} /* 0 entries */, 4096"


def test_getdents64_record_lengths_the_kernel_should_never_return():
    mem = FakeMemory()
    long_one = mem.put(dirent64(1, b".", reclen=40)[:24] + b"\0" * 16)
    _, over = call("getdents64", (3, long_one, 4096), mem, ret=30)
    assert text(over.args) == f"3, {long_one:#x} /* d_reclen 10 bytes overflow */ /* 1 entries */, 4096"
    short = mem.put(dirent64(1, b".", reclen=24)[:16] + struct.pack("<H", 8) + b"\0" * 30)
    _, under = call("getdents64", (3, short, 4096), mem, ret=48)
    assert text(under.args) == f"3, {short:#x} /* d_reclen 11 bytes underflow */ /* 1+ entries */, 4096"


def test_getdents_unreadable_listing_and_impossible_length():
    mem = FakeMemory()
    _, unreadable = call("getdents64", (3, 0x1000, 4096), mem, ret=48)
    assert text(unreadable.args) == "3, 0x1000 /* 0+ entries */, 4096"
    buf = mem.put(dirent64(1, b"."))
    _, bananas = call("getdents", (3, buf, 16), mem, ret=24)  # more than the buffer holds
    assert text(bananas.args) == f"3, {buf:#x}, 16"


def _stat(mode: int, size: int = 7, rdev: int = 0) -> bytes:
    return fs.stat.build(dict(st_dev=0, st_ino=1, st_nlink=1, st_mode=mode, st_uid=0, st_gid=0,
                              st_rdev=rdev, st_size=size, st_blksize=4096, st_blocks=8,
                              st_atime=0, st_atime_nsec=0, st_mtime=0, st_mtime_nsec=0,
                              st_ctime=0, st_ctime_nsec=0))


def test_stat_modes_devices_and_unknown_types():
    mem = FakeMemory()
    path = mem.put(b"/x\0")
    cases = [
        (0o100644, "{st_mode=S_IFREG|0644, st_size=7, ...}"),
        (0o41777, "{st_mode=S_IFDIR|S_ISVTX|0777, st_size=7, ...}"),
        (0o170644, "{st_mode=0170644, st_size=7, ...}"),  # no such type: the whole mode in octal
        (0o644, "{st_mode=0644, st_size=7, ...}"),
    ]
    for mode, shown in cases:
        buf = mem.put(_stat(mode))
        _, done = call("stat", (path, buf), mem, ret=0)
        assert text(done.args) == f'"/x", {shown}'
    # glibc's split: the major's low 12 bits at bit 8, its high bits at bit 32 and up; the
    # minor's low byte at bit 0, the rest at bit 20
    dev = 0x45 | (0x123 << 8) | (0x45600 << 12) | (0x1000 << 32)
    buf = mem.put(_stat(0o60600, rdev=dev))
    _, blk = call("fstat", (5, buf), mem, ret=0)
    assert text(blk.args) == "5, {st_mode=S_IFBLK|0600, st_rdev=makedev(0x1123, 0x45645), ...}"
    _, failed = call("fstat", (5, buf), mem, ret=-9)
    assert text(failed.args) == f"5, {buf:#x}"
    _, unreadable = call("newfstatat", (AT_FDCWD, path, 0x10, 0x100), mem, ret=0)
    assert text(unreadable.args) == 'AT_FDCWD, "/x", 0x10, AT_SYMLINK_NOFOLLOW'


def test_statx_leaves_out_what_the_mask_does_not_cover():
    mem = FakeMemory()
    path = mem.put(b"p\0")
    raw = bytearray(fs.STATX_SIZE)
    struct.pack_into("<IIQ", raw, 0, 0x4, 4096, 0x2000 | 0x400000)  # STATX_NLINK; attrs
    struct.pack_into("<H", raw, 28, 0o100600)
    buf = mem.put(bytes(raw))
    _, done = call("statx", (AT_FDCWD, path, 0x4000 | 0x100 | 0x80000, 0x4, buf), mem, ret=0)
    assert text(done.args) == ('AT_FDCWD, "p", AT_STATX_DONT_SYNC|AT_SYMLINK_NOFOLLOW|0x80000, '
                               'STATX_NLINK, {stx_mask=STATX_NLINK, '
                               'stx_attributes=STATX_ATTR_MOUNT_ROOT|0x400000, ...}')


def _statfs(f_type: int, flags: int) -> bytes:
    return fs.statfs.build(dict(f_type=f_type, f_bsize=4096, f_blocks=10, f_bfree=5, f_bavail=4,
                                f_files=100, f_ffree=50, f_fsid=[0, 0xabc], f_namelen=255,
                                f_frsize=4096, f_flags=flags))


def test_statfs_unknown_type_and_flags_without_st_valid():
    mem = FakeMemory()
    path = mem.put(b"/\0")
    buf = mem.put(_statfs(0x12345678, 0x1))
    _, done = call("statfs", (path, buf), mem, ret=0)
    assert text(done.args) == ('"/", {f_type=0x12345678, f_bsize=4096, f_blocks=10, f_bfree=5, '
                               'f_bavail=4, f_files=100, f_ffree=50, f_fsid={val=[0, 0xabc]}, '
                               'f_namelen=255, f_frsize=4096}')
    buf = mem.put(_statfs(0x01021994, 0x20 | 0x1 | 0x100000))
    _, tmpfs = call("fstatfs", (4, buf), mem, ret=0)
    assert text(tmpfs.args).startswith("4, {f_type=TMPFS_MAGIC, ")
    assert text(tmpfs.args).endswith("f_flags=ST_VALID|ST_RDONLY|0x100000}")


def test_openat2_flags_beyond_32_bits():
    mem = FakeMemory()
    path = mem.put(b"f\0")
    how = mem.put(fs.open_how.build(dict(flags=(1 << 40) | 0o2000001, mode=0, resolve=0)))
    _, done = call("openat2", (AT_FDCWD, path, how, 24), mem, ret=-22)
    assert text(done.args) == 'AT_FDCWD, "f", {flags=O_WRONLY|O_CLOEXEC|0x10000000000, resolve=0}, 24'


def test_utimensat_out_of_range_nanoseconds_have_no_date():
    mem = FakeMemory()
    times = mem.put(struct.pack("<qqqq", 1, -1, 0, 0))
    _, done = call("utimensat", (AT_FDCWD, 0, times, 0), mem, ret=-22)
    assert text(done.args) == ("AT_FDCWD, NULL, [{tv_sec=1, tv_nsec=18446744073709551615}, "
                               "{tv_sec=0, tv_nsec=0}], 0")


def test_xattr_value_cut_at_a_nul_has_no_ellipsis():
    mem = FakeMemory()
    path, name = mem.put(b"f\0"), mem.put(b"user.x\0")
    value = mem.put(b"abc\0efghijkl")
    _, done = call("setxattr", (path, name, value, 12, 0), mem, ret=0, strsize=4)
    assert text(done.args, strsize=4) == '"f", "user"..., "abc", 12, 0'
    _, cut = call("setxattr", (path, name, value + 4, 8, 0), mem, ret=0, strsize=4)
    assert text(cut.args, strsize=4) == '"f", "user"..., "efgh"..., 8, 0'


def test_umask_and_owners():
    mem = FakeMemory()
    _, done = call("umask", (0o200022,), mem, ret=0o22)  # a mode is an unsigned short
    assert (text(done.args), done.rtext) == ("022", "022")
    _, zero = call("umask", (0,), mem, ret=0)
    assert zero.rtext == "000"
    path = mem.put(b"f\0")
    _, own = call("chown", (path, 0xFFFFFFFF, 0xFFFFFFFE), mem, ret=0)
    assert text(own.args) == '"f", -1, 4294967294'
