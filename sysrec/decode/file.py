"""Files by name: open/openat/creat, the stat family, access, readlink, getdents, getcwd,
chdir, mkdir, unlink, rename, link, symlink, chmod, chown, umask, truncate, utimes, mknod,
statfs and the xattr calls (strace's src/open.c, stat.c, statx.c, xattr.c and friends).

Without -v strace abbreviates every struct stat to its type, mode and size (or device) and a
directory listing to its entry count; so does sysrec."""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Callable

from sysrec.decode import file_structs as fs
from sysrec.decode.args import cstring_arg, dirfd_arg, path_arg, uint_arg, ulong_arg
from sysrec.decode.common import (PATH_MAX, ArgDecoder, Call, Node, abbreviable, bytes_node,
                                  ptr, read_cstring, read_string, struct_at)
from sysrec.decode.row import FD, Signature, E, X
from sysrec.decode.xlat import c_hex, flags, style, value, whole_constant
from sysrec.decode.xlat.file import (ACCESS_MODES, AT_FLAGS, AT_STATX_SYNC_TYPE,
                                     AT_STATX_SYNC_TYPES, FACCESSAT_FLAGS, FS_MAGIC,
                                     MODE_SPECIAL_BITS, MODE_TYPES, O_CREAT, O_TMPFILE_BIT,
                                     OPEN_ACCESS_MASK, OPEN_ACCESS_MODES, OPEN_MODE_FLAGS,
                                     OPEN_RESOLVE_FLAGS, RENAME_FLAGS, S_IFBLK, S_IFCHR, S_IFMT,
                                     ST_VALID, STATFS_FLAGS, STATX_ATTRS, STATX_MASKS, STATX_MODE,
                                     STATX_SIZE, STATX_TYPE, UTIME_SPECIAL, XATTR_FLAGS,
                                     XATTR_SIZE_MAX, DIRENT_TYPES, STATX_BLOCKS, STATX_DIOALIGN,
                                     STATX_GID, STATX_INO, STATX_MNT_ID, STATX_NLINK,
                                     STATX_TIMES, STATX_UID)

PAGE_SIZE = 4096  # strace looks at most one page into a struct larger than it knows


# --- numbers as strace formats them -------------------------------------------------------------

def octal_mode(v: int) -> str:
    """C's `%#03o`, strace's way to print a numeric mode: `0644`, `000`, `022`."""
    return f"0{v:02o}" if v else "000"


@whole_constant(lambda v: octal_mode(v))
def symbolic_mode(v: int) -> str:
    """`S_IFREG|0644`, `S_IFDIR|S_ISVTX|0777`; a mode without a type is just its octal; an
    unknown type prints the whole mode in octal."""
    kind = v & S_IFMT
    if kind and kind not in MODE_TYPES:
        return octal_mode(v)
    names = [MODE_TYPES[kind]] if kind else []
    names += [name for bit, name in MODE_SPECIAL_BITS.items() if v & bit]
    names.append(octal_mode(v & 0o777))
    return "|".join(names)


@whole_constant()
def makedev(dev: int) -> str:
    """A device number as glibc's major()/minor() split it: `makedev(0x1, 0x3)`."""
    major = ((dev >> 8) & 0xFFF) | ((dev >> 32) & ~0xFFF & 0xFFFFFFFF)
    minor = (dev & 0xFF) | ((dev >> 12) & ~0xFF & 0xFFFFFFFF)
    return f"makedev({c_hex(major)}, {c_hex(minor)})"


def uid_text(v: int) -> int:
    """An owner or group: `-1` (leave unchanged) stays -1, others unsigned."""
    return -1 if v == 0xFFFFFFFF else v


def time_comment(sec: int, frac: int = 0, digits: int = 0) -> str:
    """` /* 2024-05-01T10:00:00.123456789+0000 */` in local time, as strace comments a time
    stamp (`digits` of fraction: 9 for ns, 6 for us, 0 for none); empty for the epoch itself
    and for a fraction out of range."""
    if (sec == 0 and frac == 0) or not 0 <= frac < 10 ** digits:
        return ""
    try:
        tm = time.localtime(sec)
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", tm)
        zone = time.strftime("%z", tm)
    except (OverflowError, OSError, ValueError):
        return ""
    part = f".{frac:0{digits}d}" if frac else ""
    return f" /* {stamp}{part}{zone} */"


# --- open -----------------------------------------------------------------------------------------

@whole_constant()
def open_flags(v: int) -> str:
    """`O_RDONLY|O_CLOEXEC`: the access mode always, then the flags in strace's order, unknown
    bits (openat2 has 64 of them) as one hex number."""
    mode = OPEN_ACCESS_MODES[v & OPEN_ACCESS_MASK]
    rest = v & ~OPEN_ACCESS_MASK
    return mode if rest == 0 else f"{mode}|{flags(rest, OPEN_MODE_FLAGS)}"


def _takes_mode(v: int) -> bool:
    return bool(v & (O_CREAT | O_TMPFILE_BIT))


def open_flags_arg(call: Call, i: int) -> Node:
    return open_flags(call.u32(i))


def numeric_mode_arg(call: Call, i: int) -> Node:
    """A mode_t argument strace prints as octal (it passes it as an unsigned short)."""
    return octal_mode(call.u(i) & 0xFFFF)


def open_how_arg(call: Call, i: int) -> Node:
    """openat2's `struct open_how`; the mode shows only when set or when the flags take one."""
    addr, size = call.u(i), call.u(i + 1)
    if size < fs.OPEN_HOW_SIZE:
        return ptr(addr)
    return struct_at(call, addr, fs.OPEN_HOW_SIZE, lambda data: _open_how(call, addr, size, data))


def _open_how(call: Call, addr: int, size: int, data: bytes) -> Node:
    how = fs.open_how.parse(data)
    node: dict[str, Node] = {"flags": open_flags(how.flags)}
    if _takes_mode(how.flags) or how.mode:
        node["mode"] = octal_mode(how.mode)
    node["resolve"] = flags(how.resolve, OPEN_RESOLVE_FLAGS, "RESOLVE_???")
    tail = _nonzero_tail(call, addr, fs.OPEN_HOW_SIZE, min(size, PAGE_SIZE))
    if tail:  # a member without a name: it rides on the last member's text
        node["resolve"] = f"{node['resolve']}, {tail}"
    return node


def _nonzero_tail(call: Call, addr: int, start: int, end: int) -> str:
    """Bytes a newer struct version would hold, when any is not zero:
    `/* bytes 24..31 */ "\\x05\\x00..."` (hex, cut by -s); `???` when unreadable."""
    if start >= end:
        return ""
    data = call.read(addr + start, end - start)
    if data is None:
        return "???"
    if not data.strip(b"\0"):
        return ""
    shown = data[:call.opts.strsize]
    more = "..." if len(shown) < len(data) else ""
    hexa = "".join(f"\\x{b:02x}" for b in shown)
    return f'/* bytes {start}..{end - 1} */ "{hexa}"{more}'


# --- flag arguments -------------------------------------------------------------------------------

def at_flags_arg(call: Call, i: int) -> Node:
    return flags(call.u32(i), AT_FLAGS, "AT_???")


def access_mode_arg(call: Call, i: int) -> Node:
    return flags(call.u32(i), ACCESS_MODES, "?_OK", zero="F_OK")


def faccessat_flags_arg(call: Call, i: int) -> Node:
    return flags(call.u32(i), FACCESSAT_FLAGS, "AT_???")


def rename_flags_arg(call: Call, i: int) -> Node:
    return flags(call.u32(i), RENAME_FLAGS, "RENAME_??")


def xattr_flags_arg(call: Call, i: int) -> Node:
    return flags(call.u32(i), XATTR_FLAGS, "XATTR_???")


def statx_flags_arg(call: Call, i: int) -> Node:
    """The sync type (a two-bit field, `AT_STATX_SYNC_AS_STAT` when zero), then AT_* flags."""
    v = call.u32(i)
    text = flags(v & AT_STATX_SYNC_TYPE, AT_STATX_SYNC_TYPES, zero="AT_STATX_SYNC_AS_STAT")
    if style() == "raw" and not v & AT_STATX_SYNC_TYPE:  # strace's raw printflags: nothing for 0
        text = ""
    rest = v & ~AT_STATX_SYNC_TYPE
    return f"{text}|{flags(rest, AT_FLAGS)}" if rest else text


def statx_mask_arg(call: Call, i: int) -> Node:
    return flags(call.u32(i), STATX_MASKS, "STATX_???")


def uid_arg(call: Call, i: int) -> Node:
    return uid_text(call.u32(i))


def symbolic_mode_arg(call: Call, i: int) -> Node:
    """mknod's mode: `S_IFCHR|0600`."""
    return symbolic_mode(call.u(i) & 0xFFFF)


def device_arg(call: Call, i: int) -> Node:
    return makedev(call.u32(i))


# --- stat, statx, statfs ----------------------------------------------------------------------

def _stat(call: Call, data: bytes) -> Node:
    if not call.full:  # strace's abbreviation, from the three members it shows
        return with_more(_stat_brief(*fs.STAT_BRIEF.unpack_from(data)))
    st = fs.stat.parse(data)
    return abbreviable(call, with_more(_stat_brief(st.st_mode, st.st_rdev, st.st_size)),
                       lambda: _stat_full(st))


def _stat_brief(mode: int, rdev: int, size: int) -> dict[str, Node]:
    """st_mode, then st_size, or st_rdev for a device."""
    return {"st_mode": symbolic_mode(mode), **_size_or_device(mode, rdev, size)}


def _size_or_device(mode: int, rdev: int, size: int) -> dict[str, Node]:
    if mode & S_IFMT in (S_IFCHR, S_IFBLK):
        return {"st_rdev": makedev(rdev)}
    return {"st_size": size}


def _stat_full(st) -> Node:
    """-v: every member, in strace's order, each time with its date in a comment."""
    node: dict[str, Node] = {
        "st_dev": makedev(st.st_dev), "st_ino": st.st_ino, "st_mode": symbolic_mode(st.st_mode),
        "st_nlink": st.st_nlink, "st_uid": st.st_uid, "st_gid": st.st_gid,
        "st_blksize": st.st_blksize, "st_blocks": st.st_blocks,
        **_size_or_device(st.st_mode, st.st_rdev, st.st_size)}
    for name in ("st_atime", "st_mtime", "st_ctime"):
        sec, nsec = getattr(st, name), getattr(st, name + "_nsec")
        node[name] = f"{sec}{time_comment(sec, nsec, 9)}"
        node[name + "_nsec"] = nsec
    return node


def stat_out(call: Call, i: int) -> Node:
    """`{st_mode=S_IFREG|0644, st_size=1234, ...}`; a device shows st_rdev instead of the size.
    struct_at(..., written=True) inlined: every stat call comes here."""
    addr = call.u(i)
    if addr == 0:
        return "NULL"
    if call.exiting and call.failed:
        return ptr(addr)
    data = call.read(addr, fs.STAT_SIZE)
    return ptr(addr) if data is None else _stat(call, data)


def with_more(node: dict[str, Node]) -> Node:
    """An abbreviated struct ends in a bare `...` (strace leaves the rest out without -v)."""
    node["$more"] = True
    return node


def _statx(call: Call, data: bytes) -> Node:
    stx = fs.statx.parse(data)
    node: dict[str, Node] = {
        "stx_mask": flags(stx.stx_mask, STATX_MASKS, "STATX_???"),
        "stx_attributes": flags(stx.stx_attributes, STATX_ATTRS, "STATX_ATTR_???"),
    }
    if stx.stx_mask & (STATX_TYPE | STATX_MODE):
        node["stx_mode"] = symbolic_mode(stx.stx_mode)
    if stx.stx_mask & STATX_SIZE:
        node["stx_size"] = stx.stx_size
    return abbreviable(call, with_more(node), lambda: _statx_full(stx))


def _statx_full(stx) -> Node:
    """-v: strace's statx.c order; members the mask does not fill in are left out."""
    mask = stx.stx_mask
    node: dict[str, Node] = {"stx_mask": flags(mask, STATX_MASKS, "STATX_???"),
                             "stx_blksize": stx.stx_blksize,
                             "stx_attributes": flags(stx.stx_attributes, STATX_ATTRS, "STATX_ATTR_???")}
    for bit, name in ((STATX_NLINK, "stx_nlink"), (STATX_UID, "stx_uid"), (STATX_GID, "stx_gid")):
        if mask & bit:
            node[name] = getattr(stx, name)
    if mask & (STATX_TYPE | STATX_MODE):
        node["stx_mode"] = symbolic_mode(stx.stx_mode)
    for bit, name in ((STATX_INO, "stx_ino"), (STATX_SIZE, "stx_size"), (STATX_BLOCKS, "stx_blocks")):
        if mask & bit:
            node[name] = getattr(stx, name)
    node["stx_attributes_mask"] = flags(stx.stx_attributes_mask, STATX_ATTRS, "STATX_ATTR_???")
    for name, bit in STATX_TIMES:
        if mask & bit:
            stamp = getattr(stx, name)
            node[name] = (f"{{tv_sec={stamp.tv_sec}, tv_nsec={stamp.tv_nsec}}}"
                          f"{time_comment(stamp.tv_sec, stamp.tv_nsec, 9)}")
    for name in ("stx_rdev_major", "stx_rdev_minor", "stx_dev_major", "stx_dev_minor"):
        node[name] = getattr(stx, name)
    if mask & STATX_MNT_ID:
        node["stx_mnt_id"] = c_hex(stx.stx_mnt_id)
    if mask & STATX_DIOALIGN:
        node["stx_dio_mem_align"] = stx.stx_dio_mem_align
        node["stx_dio_offset_align"] = stx.stx_dio_offset_align
    return node


def statx_out(call: Call, i: int) -> Node:
    """`{stx_mask=STATX_ALL|STATX_MNT_ID, stx_attributes=0, stx_mode=S_IFDIR|0755,
    stx_size=4096, ...}`: mode and size only when the mask says they are filled in."""
    return struct_at(call, call.u(i), fs.STATX_SIZE, lambda data: _statx(call, data), written=True)


def statfs_out(call: Call, i: int) -> Node:
    """The whole `struct statfs` (strace abbreviates none of it); f_flags only when valid."""
    return struct_at(call, call.u(i), fs.STATFS_SIZE, _statfs, written=True)


def _statfs(data: bytes) -> Node:
    b = fs.statfs.parse(data)
    node: dict[str, Node] = {
        "f_type": FS_MAGIC.get(b.f_type) or c_hex(b.f_type),
        "f_bsize": b.f_bsize, "f_blocks": b.f_blocks, "f_bfree": b.f_bfree,
        "f_bavail": b.f_bavail, "f_files": b.f_files, "f_ffree": b.f_ffree,
        "f_fsid": {"val": [c_hex(v) for v in b.f_fsid]},
        "f_namelen": b.f_namelen, "f_frsize": b.f_frsize,
    }
    if b.f_flags & ST_VALID:
        node["f_flags"] = flags(b.f_flags, STATFS_FLAGS, "ST_???")
    return node


# --- strings the kernel writes back ---------------------------------------------------------------

def link_target_out(call: Call, i: int) -> Node:
    """readlink's buffer: `ret` bytes, no NUL, cut by -s."""
    if call.failed:
        return ptr(call.u(i))
    return read_string(call, call.u(i), call.ret or 0)


def cwd_out(call: Call, i: int) -> Node:
    """getcwd's buffer: a path of `ret - 1` bytes (ret counts the NUL)."""
    addr = call.u(i)
    if call.failed:
        return ptr(addr)
    limit = min(max((call.ret or 0) - 1, 0), PATH_MAX - 1)
    data = read_cstring(call, addr, limit)
    if data is None:
        return ptr(addr)
    return {"$path": data[:limit].decode("latin-1")}


def dirents_out(header_size: int):
    """getdents/getdents64's buffer, abbreviated: `0x55d0c8a0 /* 12 entries */` (a `+` after
    the count when bytes are left over that do not hold a whole header; a note for a record
    length the kernel should never return)."""
    def decode(call: Call, i: int) -> Node:
        addr, count = call.u(i), call.u32(i + 1)
        ret = call.ret or 0
        if call.failed or ret > count:
            return ptr(addr)
        data = call.read(addr, ret)
        entries, left, pos, notes = 0, ret, 0, []
        reclen_at = fs.DIRENT_RECLEN.unpack_from  # only d_reclen is needed: no head parsed
        at = fs.DIRENT_RECLEN_OFFSET
        while left >= header_size:
            if data is not None:
                reclen = reclen_at(data, pos + at)[0]
            else:
                head = call.read(addr + pos, header_size)
                if head is None:
                    break
                reclen = fs.dirent_head.parse(head).d_reclen
            entries += 1
            if reclen > left:
                notes.append(f"d_reclen {reclen - left} bytes overflow")
                left = 0
            elif reclen < header_size:  # the walk stops here
                notes.append(f"d_reclen {header_size - reclen} bytes underflow")
                left -= header_size
                break
            else:
                left -= reclen
                pos += reclen
        start = f"{addr:#x}" if addr else "NULL"
        notes.append(f"{entries}{'+' if left else ''} entries")
        brief = start + "".join(f" /* {note} */" for note in notes)
        if data is None or not call.full:
            return brief
        return abbreviable(call, brief, lambda: _dirents_full(data, header_size))
    return decode


def _dirents_full(data: bytes, header_size: int) -> Node:
    """-v: `[{d_ino=2, d_off=1, d_reclen=24, d_type=DT_DIR, d_name="."}, ...]` for
    getdents64; getdents' linux_dirent has its type in the record's last byte, after the name.
    Bytes left that do not hold a header print in hex; a bad d_reclen ends the list."""
    entries: list[Node] = []
    pos = 0
    is64 = header_size == fs.DIRENT64_HEADER_SIZE
    while len(data) - pos >= header_size:
        head = fs.dirent_head.parse(data[pos:pos + header_size])
        reclen = head.d_reclen
        if reclen < header_size or reclen > len(data) - pos:
            break
        entry: dict[str, Node] = {"d_ino": head.d_ino, "d_off": head.d_off, "d_reclen": reclen}
        tail = data[pos + header_size:pos + reclen]
        name_len = len(tail) - (0 if is64 else 1)  # getdents: the type byte follows the name
        if is64:
            entry["d_type"] = value(data[pos + header_size - 1], DIRENT_TYPES, "DT_???")
        if name_len > 0:
            name = tail[:min(name_len, 256) - 1]
            entry["d_name"] = {"$path": name.split(b"\0", 1)[0].decode("latin-1")}
        if not is64 and tail:
            entry["d_type"] = value(tail[-1], DIRENT_TYPES, "DT_???")
        entries.append(entry)
        pos += reclen
    if pos < len(data) and len(data) - pos < header_size:
        entries.append(bytes_node(data[pos:], hexa=True))
    return entries


# --- times ----------------------------------------------------------------------------------------

def _timespec_utime(sec: int, nsec: int) -> str:
    special = UTIME_SPECIAL.get(nsec)
    if special is not None:
        return special
    unsigned = nsec & 0xFFFFFFFFFFFFFFFF
    comment = time_comment(sec, unsigned, 9) if unsigned <= 999_999_999 else ""
    return f"{{tv_sec={sec}, tv_nsec={unsigned}}}{comment}"


def _timeval_utime(sec: int, usec: int) -> str:
    unsigned = usec & 0xFFFFFFFFFFFFFFFF
    comment = time_comment(sec, unsigned, 6) if unsigned <= 999_999 else ""
    return f"{{tv_sec={sec}, tv_usec={unsigned}}}{comment}"


def time_pair_arg(element):
    """utimensat/utimes' two times: `[{tv_sec=.., tv_nsec=..} /* date */, UTIME_NOW]`. Each
    element is text: strace's date comment follows the closing brace."""
    def decode(call: Call, i: int) -> Node:
        return struct_at(call, call.u(i), fs.TIME_PAIR_SIZE,
                         lambda data: [element(t.sec, t.frac) for t in fs.time_pair.parse(data)])
    return decode


def utimbuf_arg(call: Call, i: int) -> Node:
    """utime's `{actime=1700000000 /* date */, modtime=...}`."""
    return struct_at(call, call.u(i), fs.UTIMBUF_SIZE, _utimbuf)


def _utimbuf(data: bytes) -> Node:
    u = fs.utimbuf.parse(data)
    return {"actime": f"{u.actime}{time_comment(u.actime)}",
            "modtime": f"{u.modtime}{time_comment(u.modtime)}"}


# --- extended attributes --------------------------------------------------------------------------

def _xattr_value(call: Call, addr: int, size: int) -> Node:
    """A value of `size` bytes cut by -s; a NUL as the last byte shown is dropped (and then no
    `...` follows); a size beyond XATTR_SIZE_MAX (or a failure's -1) prints the address."""
    if size > XATTR_SIZE_MAX:
        return ptr(addr)
    if addr == 0:
        return "NULL"
    shown = min(size, call.opts.strsize)
    data = call.read_bytes(addr, shown)
    if data is None:
        return ptr(addr)
    if data.endswith(b"\0"):
        return bytes_node(data[:-1])
    return bytes_node(data, size)


def xattr_value_in(call: Call, i: int) -> Node:
    """setxattr's value: the size is the next argument."""
    return _xattr_value(call, call.u(i), call.u(i + 1))


def xattr_value_out(call: Call, i: int) -> Node:
    """getxattr's value: as many bytes as the call returned."""
    ret = call.ret if call.ret is not None else -1
    return _xattr_value(call, call.u(i), ret & 0xFFFFFFFFFFFFFFFF)


def xattr_list_out(call: Call, i: int) -> Node:
    """listxattr's NUL-separated names (`ret` bytes); the address for a size query or failure."""
    addr, size = call.u(i), call.u(i + 1)
    if not size or call.failed:
        return ptr(addr)
    return read_string(call, addr, call.ret or 0)


def octal_return(call: Call) -> tuple[Node, Node]:
    """umask returns the previous mask, printed like a mode argument: `022`, `000`."""
    return octal_mode(call.ret or 0), None


PATH, DIRFD, STR = E(path_arg), E(dirfd_arg), E(cstring_arg)
MODE, AT_FLAGS_ARG, UID = E(numeric_mode_arg), E(at_flags_arg), E(uid_arg)
ULONG, SIZE_OUT = E(ulong_arg), X(ulong_arg)
TIMESPEC_PAIR, TIMEVAL_PAIR = E(time_pair_arg(_timespec_utime)), E(time_pair_arg(_timeval_utime))

OPEN = Signature((PATH, E(open_flags_arg)), returns_fd=True)
OPENAT = Signature((DIRFD, PATH, E(open_flags_arg)), returns_fd=True)
MKNOD = Signature((PATH, E(symbolic_mode_arg)))
MKNODAT = Signature((DIRFD, PATH, E(symbolic_mode_arg)))


def with_last(row: Signature, wanted: Callable[[Call], bool], last: ArgDecoder):
    """A row picker: `row`, plus one more argument printed at entry when `wanted(call)`."""
    longer = replace(row, args=row.args + (E(last),))
    return lambda call: longer if wanted(call) else row


def _creates(flags_at: int) -> Callable[[Call], bool]:
    """open's mode is there only when O_CREAT or O_TMPFILE asks for one."""
    return lambda call: _takes_mode(call.u32(flags_at))


def _is_device(mode_at: int) -> Callable[[Call], bool]:
    """mknod's device is there only for a character or block device."""
    return lambda call: call.u(mode_at) & S_IFMT in (S_IFCHR, S_IFBLK)


# Syscalls whose row depends on an argument (signatures.PER_CALL_ROWS picks them per call).
VARIABLE_ROWS: dict[str, Callable[[Call], Signature]] = {
    "open": with_last(OPEN, _creates(1), numeric_mode_arg),
    "openat": with_last(OPENAT, _creates(2), numeric_mode_arg),
    "mknod": with_last(MKNOD, _is_device(1), device_arg),
    "mknodat": with_last(MKNODAT, _is_device(2), device_arg),
}

ROWS: dict[str, Signature] = {
    # open
    # open, openat, mknod and mknodat: rows per call in VARIABLE_ROWS (the last argument is
    # there only for some flags or modes); these stand for them in records.
    "open": OPEN, "openat": OPENAT,
    "openat2": Signature((DIRFD, PATH, E(open_how_arg), ULONG), returns_fd=True),
    "creat": Signature((PATH, MODE), returns_fd=True),
    # stat: the struct at exit
    "stat": Signature((PATH, X(stat_out))),
    "lstat": Signature((PATH, X(stat_out))),
    "fstat": Signature((FD, X(stat_out))),
    "newfstatat": Signature((DIRFD, PATH, X(stat_out), X(at_flags_arg))),
    "statx": Signature((DIRFD, PATH, E(statx_flags_arg), E(statx_mask_arg), X(statx_out))),
    "statfs": Signature((PATH, X(statfs_out))),
    "fstatfs": Signature((FD, X(statfs_out))),
    # access
    "access": Signature((PATH, E(access_mode_arg))),
    "faccessat": Signature((DIRFD, PATH, E(access_mode_arg))),
    "faccessat2": Signature((DIRFD, PATH, E(access_mode_arg), E(faccessat_flags_arg))),
    # names the kernel writes back
    "readlink": Signature((PATH, X(link_target_out), SIZE_OUT)),
    "readlinkat": Signature((DIRFD, PATH, X(link_target_out), SIZE_OUT)),
    "getcwd": Signature((X(cwd_out), SIZE_OUT)),
    "getdents": Signature((FD, X(dirents_out(fs.DIRENT_HEADER_SIZE)), X(uint_arg))),
    "getdents64": Signature((FD, X(dirents_out(fs.DIRENT64_HEADER_SIZE)), X(uint_arg))),
    # directories
    "chdir": Signature((PATH,)),
    "fchdir": Signature((FD,)),
    "chroot": Signature((PATH,)),
    "mkdir": Signature((PATH, MODE)),
    "mkdirat": Signature((DIRFD, PATH, MODE)),
    "rmdir": Signature((PATH,)),
    # names
    "unlink": Signature((PATH,)),
    "unlinkat": Signature((DIRFD, PATH, AT_FLAGS_ARG)),
    "rename": Signature((PATH, PATH)),
    "renameat": Signature((DIRFD, PATH, DIRFD, PATH)),
    "renameat2": Signature((DIRFD, PATH, DIRFD, PATH, E(rename_flags_arg))),
    "link": Signature((PATH, PATH)),
    "linkat": Signature((DIRFD, PATH, DIRFD, PATH, AT_FLAGS_ARG)),
    "symlink": Signature((PATH, PATH)),
    "symlinkat": Signature((PATH, DIRFD, PATH)),
    "mknod": MKNOD, "mknodat": MKNODAT,
    # permissions and owners
    "chmod": Signature((PATH, MODE)),
    "fchmod": Signature((FD, MODE)),
    "fchmodat": Signature((DIRFD, PATH, MODE)),
    "chown": Signature((PATH, UID, UID)),
    "fchown": Signature((FD, UID, UID)),
    "lchown": Signature((PATH, UID, UID)),
    "fchownat": Signature((DIRFD, PATH, UID, UID, AT_FLAGS_ARG)),
    "umask": Signature((MODE,), aux=octal_return),
    # sizes and times
    "truncate": Signature((PATH, ULONG)),
    "ftruncate": Signature((FD, ULONG)),
    "utimensat": Signature((DIRFD, PATH, TIMESPEC_PAIR, AT_FLAGS_ARG)),
    "utimes": Signature((PATH, TIMEVAL_PAIR)),
    "futimesat": Signature((DIRFD, PATH, TIMEVAL_PAIR)),
    "utime": Signature((PATH, E(utimbuf_arg))),
    # extended attributes
    "setxattr": Signature((PATH, STR, E(xattr_value_in), ULONG, E(xattr_flags_arg))),
    "lsetxattr": Signature((PATH, STR, E(xattr_value_in), ULONG, E(xattr_flags_arg))),
    "fsetxattr": Signature((FD, STR, E(xattr_value_in), ULONG, E(xattr_flags_arg))),
    "getxattr": Signature((PATH, STR, X(xattr_value_out), SIZE_OUT)),
    "lgetxattr": Signature((PATH, STR, X(xattr_value_out), SIZE_OUT)),
    "fgetxattr": Signature((FD, STR, X(xattr_value_out), SIZE_OUT)),
    "listxattr": Signature((PATH, X(xattr_list_out), SIZE_OUT)),
    "llistxattr": Signature((PATH, X(xattr_list_out), SIZE_OUT)),
    "flistxattr": Signature((FD, X(xattr_list_out), SIZE_OUT)),
    "removexattr": Signature((PATH, STR)),
    "lremovexattr": Signature((PATH, STR)),
    "fremovexattr": Signature((FD, STR)),
}
