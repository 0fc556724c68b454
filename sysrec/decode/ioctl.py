"""ioctl: the request (second argument) selects how the third prints, and when.

`REQUESTS` holds one row per request strace decodes for ordinary programs: terminals (strace's
term.c), sockets (sock.c), file flags and clones (fs_f_ioctl.c, fs_0x94_ioctl.c), block
devices (block.c), namespaces (nsfs.c). A "get" request prints its argument at exit, after the
kernel wrote it (strace's `<... ioctl resumed>` split); a "set" request prints it at entry. A
request without a row prints its argument in hex at entry. The request itself prints by name
(`REQUEST_NAMES`), with a parameter for a few families (`EVIOCGNAME(256)`), else as
`_IOC(dir, type, nr, size)`.

`signature_for(call)` gives the row's signature (like fcntl's, it depends on an argument); its
rows split with the comma at exit: strace prints the `, ` before the third argument together
with it, so an interrupted get reads `ioctl(1, TCGETS <unfinished ...>` and resumes with
`<... ioctl resumed>, {...}) = 0`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from construct import (Array, Bytes, Int8ul, Int16ul, Int32sl, Int32ul, Int64sl, Int64ul,
                       Padding, Struct)

from sysrec.cstring import quote_bytes
from sysrec.decode.args import fd_arg
from sysrec.decode.common import (Call, Node, abbreviable, bytes_node, fd, limited, ptr, read_cstring,
                                   read_string, struct_at)
from sysrec.decode.lazy_compile import compiled_later
from sysrec.decode.row import AuxFn, E, Signature, X
from sysrec.decode.sockaddr import decode_sockaddr_bytes, interface
from sysrec.decode.xlat import c_hex, flags as xlat_flags, value, whole_constant
from sysrec.decode.xlat.ioctl import (ABS_AXES, BAUD_RATES, CBAUD, CHAR_SIZES, CIBAUD, CONTROL_CHARS, CSIZE,
                                      LINE_DISCIPLINES,
                                      EV_TYPES, FIEMAP_FLAGS, FS_IOC_FLAGS, FS_XFLAGS, HWADDR_SIZES, IBSHIFT, IFF_FLAGS,
                                      IOC_DIRS, MODEM_FLAGS, NAMESPACE_TYPES, REQUEST_NAMES,
                                      TCFLSH_QUEUES, TCXONC_ACTIONS, TERM_CFLAGS, TERM_IFLAGS,
                                      TERM_LFLAGS, TERM_ODELAYS, TERM_OFLAGS)
from sysrec.decode.xlat.net import ARP_HARDWARE

ArgFn = Callable[[Call], Node]

# --- the structures (x86-64 kernel layout) -----------------------------------------------------

TERMIOS_SIZE, TERMIOS2_SIZE, TERMIO_SIZE = 36, 44, 18
termios_flags = compiled_later(Struct("c_iflag" / Int32ul, "c_oflag" / Int32ul, "c_cflag" / Int32ul,
                                      "c_lflag" / Int32ul))
termio_flags = compiled_later(Struct("c_iflag" / Int16ul, "c_oflag" / Int16ul, "c_cflag" / Int16ul,
                                     "c_lflag" / Int16ul))
winsize = compiled_later(Struct("ws_row" / Int16ul, "ws_col" / Int16ul, "ws_xpixel" / Int16ul,
                                "ws_ypixel" / Int16ul))
WINSIZE_SIZE = 8

# struct ifreq: the interface name, then a union whose member depends on the request.
IFNAMSIZ = 16
IFREQ_SIZE = 40
ifreq_int = compiled_later(Struct(Padding(IFNAMSIZ), "value" / Int32sl))
ifreq_flags = compiled_later(Struct(Padding(IFNAMSIZ), "value" / Int16ul))
ifreq_hwaddr = compiled_later(Struct(Padding(IFNAMSIZ), "family" / Int16ul, "data" / Bytes(14)))
ifreq_map = compiled_later(Struct(Padding(IFNAMSIZ), "mem_start" / Int64ul, "mem_end" / Int64ul,
                                  "base_addr" / Int16ul, "irq" / Int8ul, "dma" / Int8ul,
                                  "port" / Int8ul))
ifconf = compiled_later(Struct("ifc_len" / Int32sl, Padding(4), "ifc_buf" / Int64ul))
IFCONF_SIZE = 16
fiemap = compiled_later(Struct("fm_start" / Int64ul, "fm_length" / Int64ul, "fm_flags" / Int32ul,
                               "fm_mapped_extents" / Int32ul, "fm_extent_count" / Int32ul))
FIEMAP_SIZE = 32  # the header; the extents follow
fstrim_range = compiled_later(Struct("start" / Int64ul, "len" / Int64ul, "minlen" / Int64ul))
FSTRIM_RANGE_SIZE = 24
fsxattr = compiled_later(Struct("fsx_xflags" / Int32ul, "fsx_extsize" / Int32ul, "fsx_nextents" / Int32ul,
                                "fsx_projid" / Int32ul, "fsx_cowextsize" / Int32ul))
FSXATTR_SIZE = 28
rand_pool_info = compiled_later(Struct("entropy_count" / Int32sl, "buf_size" / Int32sl))
int32 = compiled_later(Int32sl)
uint32 = compiled_later(Int32ul)
uint16 = compiled_later(Int16ul)
int64 = compiled_later(Int64sl)
uint64 = compiled_later(Int64ul)
uint64_pair = compiled_later(Array(2, Int64ul))


# --- reading the argument -------------------------------------------------------------------------

def _fetch(call: Call, size: int) -> bytes | Node:
    """The argument's `size` bytes, or the node strace prints instead: NULL, the address when it
    cannot be read, or when a get request failed (the kernel wrote nothing)."""
    return struct_at(call, call.u(2), size, bytes, written=True)


def _flags(v: int, table: dict[int, str], unknown: str | None = None) -> str:
    """strace's printflags: a zero with no name prints `0` when the table has a fallback name,
    else nothing at all (`c_iflag=`)."""
    if v == 0:
        return table.get(0) or ("0" if unknown else "")
    return xlat_flags(v, table, unknown)


def _cstring(raw: bytes) -> Node:
    """A fixed-size char array up to its NUL, quoted and never cut by -s (ifr_name). Without a
    NUL strace shows all but the last byte, then `...`: no node prints that, hence the text."""
    end = raw.find(b"\0")
    if end < 0:
        return quote_bytes(raw[:-1]) + "..."
    return {"$path": raw[:end].decode("latin-1")}


# --- terminals ---------------------------------------------------------------------------------

def _oflag(v: int) -> str:
    parts = []
    for mask, names, unknown in TERM_ODELAYS:
        parts.append(value(v & mask, names, unknown))
        v &= ~mask
    return "|".join(parts + [_flags(v, TERM_OFLAGS)])


def _cflag(v: int) -> str:
    parts = [value(v & CBAUD, BAUD_RATES, "B???")]
    if v & CIBAUD:
        parts.append(f"{value((v & CIBAUD) >> IBSHIFT, BAUD_RATES, 'B???')}<<IBSHIFT")
    parts.append(value(v & CSIZE, CHAR_SIZES, "CS?"))
    return "|".join(parts + [_flags(v & ~(CBAUD | CIBAUD | CSIZE), TERM_CFLAGS)])


def _termios_node(fl) -> Node:
    """strace abbreviates a termios to its four flag words and `...` (no -v)."""
    return {"c_iflag": _flags(fl.c_iflag, TERM_IFLAGS), "c_oflag": _oflag(fl.c_oflag),
            "c_cflag": _cflag(fl.c_cflag), "c_lflag": _flags(fl.c_lflag, TERM_LFLAGS),
            "$more": True}


def _termios_full(fl, data: bytes) -> Node:
    """-v: the flags, c_line, every c_cc slot (`[VINTR]=0x3`, `[17]=0`), and termios2's
    speeds."""
    node = _termios_node(fl)
    del node["$more"]
    node["c_line"] = value(data[16], LINE_DISCIPLINES, "N_???")
    node["c_cc"] = "[" + ", ".join(f"[{CONTROL_CHARS.get(i, i)}]={c_hex(c)}"
                                   for i, c in enumerate(data[17:36])) + "]"
    if len(data) >= TERMIOS2_SIZE:
        node["c_ispeed"] = int.from_bytes(data[36:40], "little")
        node["c_ospeed"] = int.from_bytes(data[40:44], "little")
    return node


def _termios(size: int, layout) -> ArgFn:
    def decode(call: Call) -> Node:
        data = _fetch(call, size)
        if not isinstance(data, bytes):
            return data
        fl = layout.parse(data)
        if size < TERMIOS_SIZE:  # struct termio: sysrec prints it abbreviated only
            return _termios_node(fl)
        return abbreviable(call, _termios_node(fl), lambda: _termios_full(fl, data))
    return decode


def _winsize(call: Call) -> Node:
    data = _fetch(call, WINSIZE_SIZE)
    if not isinstance(data, bytes):
        return data
    ws = winsize.parse(data)
    return {"ws_row": ws.ws_row, "ws_col": ws.ws_col, "ws_xpixel": ws.ws_xpixel,
            "ws_ypixel": ws.ws_ypixel}


def _number_ptr(layout, size: int) -> ArgFn:
    """`[0]`: a number the argument points to (`[0, 4096]` for a pair)."""
    def decode(call: Call) -> Node:
        data = _fetch(call, size)
        if not isinstance(data, bytes):
            return data
        parsed = layout.parse(data)
        return list(parsed) if isinstance(parsed, list) else [parsed]
    return decode


_int_ptr = _number_ptr(int32, 4)


def _flags_ptr(table: dict[int, str], unknown: str) -> ArgFn:
    """`[TIOCM_DTR|TIOCM_RTS]`: a bit set the argument points to."""
    def decode(call: Call) -> Node:
        data = _fetch(call, 4)
        return [_flags(uint32.parse(data), table, unknown)] if isinstance(data, bytes) else data
    return decode


def _const(table: dict[int, str], unknown: str) -> ArgFn:
    """A constant passed as the argument itself (TCFLSH's queue)."""
    return lambda call: value(call.u(2), table, unknown)


def _int(call: Call) -> Node:
    return call.s32(2)


def _ulong(call: Call) -> Node:
    return call.u(2)


def _char(call: Call) -> Node:
    """TIOCSTI's one character, as a string."""
    return read_string(call, call.u(2), 1)


def _address(call: Call) -> Node:
    return ptr(call.u(2))


def _hex(call: Call) -> Node:
    v = call.u(2)
    return f"{v:#x}" if v else "0"


# --- sockets: struct ifreq and struct ifconf ---------------------------------------------------

def _hwaddr(raw: bytes) -> Node:
    hw = ifreq_hwaddr.parse(raw)
    size = min(len(hw.data), HWADDR_SIZES.get(hw.family, 255))
    return {"sa_family": value(hw.family, ARP_HARDWARE, "ARPHRD_???"),
            "sa_data": ":".join(f"{b:02x}" for b in hw.data[:size])}


def _ifmap(raw: bytes) -> Node:
    m = ifreq_map.parse(raw)
    return {k: (f"{getattr(m, k):#x}" if getattr(m, k) else "0")
            for k in ("mem_start", "mem_end", "base_addr", "irq", "dma", "port")}


IFREQ_MEMBERS: dict[str, Callable[[bytes], Node]] = {
    "ifr_addr": lambda raw: decode_sockaddr_bytes(raw[IFNAMSIZ:IFNAMSIZ + 16]),
    "ifr_dstaddr": lambda raw: decode_sockaddr_bytes(raw[IFNAMSIZ:IFNAMSIZ + 16]),
    "ifr_broadaddr": lambda raw: decode_sockaddr_bytes(raw[IFNAMSIZ:IFNAMSIZ + 16]),
    "ifr_netmask": lambda raw: decode_sockaddr_bytes(raw[IFNAMSIZ:IFNAMSIZ + 16]),
    "ifr_hwaddr": _hwaddr,
    "ifr_flags": lambda raw: _flags(ifreq_flags.parse(raw).value, IFF_FLAGS, "IFF_???"),
    "ifr_ifindex": lambda raw: ifreq_int.parse(raw).value,
    "ifr_metric": lambda raw: ifreq_int.parse(raw).value,
    "ifr_mtu": lambda raw: ifreq_int.parse(raw).value,
    "ifr_qlen": lambda raw: ifreq_int.parse(raw).value,
    "ifr_slave": lambda raw: _cstring(raw[IFNAMSIZ:IFNAMSIZ * 2]),
    "ifr_newname": lambda raw: _cstring(raw[IFNAMSIZ:IFNAMSIZ * 2]),
    "ifr_name": lambda raw: _cstring(raw[:IFNAMSIZ]),
    "ifr_map": _ifmap,
}


def _ifreq_set(member: str) -> ArgFn:
    """`{ifr_name="eth0", ifr_mtu=1500}`: what the program asks the kernel to set."""
    def decode(call: Call) -> Node:
        data = _fetch(call, IFREQ_SIZE)
        if not isinstance(data, bytes):
            return data
        return {"ifr_name": _cstring(data[:IFNAMSIZ]), member: IFREQ_MEMBERS[member](data)}
    return decode


def _ifreq_get(key: str, member: str):
    """A get request on an ifreq: strace prints the key (ifr_name, or ifr_ifindex for
    SIOCGIFNAME) at entry and the answer at exit, leaving it out when the call failed.
    Returns (entry snapshot, exit decoder)."""
    def snapshot(call: Call) -> None:
        addr = call.u(2)
        data = call.read(addr, IFREQ_SIZE)
        call.saved["ifreq"] = ptr(addr) if data is None else {key: IFREQ_MEMBERS[key](data)}

    def decode(call: Call) -> Node:
        head = call.saved.get("ifreq")
        if not isinstance(head, dict):
            return head if head is not None else ptr(call.u(2))
        node = dict(head)
        data = None if call.failed else call.read(call.u(2), IFREQ_SIZE)
        if data is not None:
            node[member] = IFREQ_MEMBERS[member](data)
        return node
    return snapshot, decode


def _bridge_name(call: Call) -> Node:
    """SIOCBRADDBR's name: at most IFNAMSIZ bytes up to a NUL (`...` when there is none)."""
    addr = call.u(2)
    data = read_cstring(call, addr, IFNAMSIZ - 1)
    if data is None:
        return ptr(addr)
    return bytes_node(data, IFNAMSIZ + 1 if len(data) == IFNAMSIZ else None)


def _bridge_port(call: Call) -> Node:
    """SIOCBRADDIF's interface: `{ifr_ifindex=if_nametoindex("eth0")}`."""
    data = _fetch(call, IFREQ_SIZE)
    if not isinstance(data, bytes):
        return data
    return {"ifr_ifindex": interface(ifreq_int.parse(data).value)}


def _ifc_len(n: int) -> Node:
    """`80 /* 2 * sizeof(struct ifreq) */` when the length is a whole number of ifreqs."""
    if n > 0 and n % IFREQ_SIZE == 0:
        return f"{n} /* {n // IFREQ_SIZE} * sizeof(struct ifreq) */"
    return n


def _snapshot_ifconf(call: Call) -> None:
    data = call.read(call.u(2), IFCONF_SIZE)
    call.saved["ifconf"] = None if data is None else ifconf.parse(data)


def _ifconf_entries(call: Call, addr: int, length: int) -> Node:
    count, more = limited(max(length, 0) // IFREQ_SIZE, call)
    entries: list[Node] = []
    for k in range(count):
        raw = call.read(addr + k * IFREQ_SIZE, IFREQ_SIZE)
        if raw is None:
            if k == 0:
                return ptr(addr)
            entries.append("...")
            return entries
        entries.append({"ifr_name": _cstring(raw[:IFNAMSIZ]),
                        "ifr_addr": IFREQ_MEMBERS["ifr_addr"](raw)})
    if more:
        entries.append("...")
    return entries


def _ifconf(call: Call) -> Node:
    """SIOCGIFCONF: `{ifc_len=320 /* 8 * ... */ => 80 /* 2 * ... */, ifc_buf=[...]}`; with
    ifc_buf NULL the program asks for the length only."""
    before = call.saved.get("ifconf")
    if before is None:
        return ptr(call.u(2))
    data = call.read(call.u(2), IFCONF_SIZE)
    if data is None:  # unreadable now: what was read at entry
        return {"ifc_len": _ifc_len(before.ifc_len), "ifc_buf": ptr(before.ifc_buf)}
    after = ifconf.parse(data)
    if before.ifc_buf and before.ifc_len != after.ifc_len:
        length: Node = {"$vr": [_ifc_len(before.ifc_len), _ifc_len(after.ifc_len)]}
    elif before.ifc_buf:
        length = _ifc_len(before.ifc_len)
    else:
        length = _ifc_len(after.ifc_len)
    if not before.ifc_buf or call.failed:
        buf: Node = ptr(before.ifc_buf)
        if before.ifc_buf != after.ifc_buf:
            buf = {"$vr": [buf, ptr(after.ifc_buf)]}
    else:
        buf = _ifconf_entries(call, after.ifc_buf, after.ifc_len)
    return {"ifc_len": length, "ifc_buf": buf}


# --- files: trim ranges and extended attributes; entropy -----------------------------------------

def _snapshot_fiemap(call: Call) -> None:
    data = _fetch(call, FIEMAP_SIZE)
    if isinstance(data, bytes):
        fm = fiemap.parse(data)
        data = {"fm_start": fm.fm_start, "fm_length": fm.fm_length,
                "fm_flags": _flags(fm.fm_flags, FIEMAP_FLAGS, "FIEMAP_FLAG_???"),
                "fm_extent_count": fm.fm_extent_count}
    call.saved["fiemap"] = data


def _fiemap(call: Call) -> Node:
    """FS_IOC_FIEMAP: the request as passed, then ` => ` what the kernel mapped (the extents
    abbreviated to `...`)."""
    asked = call.saved.get("fiemap", ptr(call.u(2)))
    if not isinstance(asked, dict) or call.failed:
        return asked
    data = call.read(call.u(2), FIEMAP_SIZE)
    if data is None:
        return {"$vr": [asked, ptr(call.u(2))]}
    fm = fiemap.parse(data)
    mapped = {"fm_flags": _flags(fm.fm_flags, FIEMAP_FLAGS, "FIEMAP_FLAG_???"),
              "fm_mapped_extents": fm.fm_mapped_extents, "$more": True}
    return {"$vr": [asked, mapped]}


def _fstrim_range(call: Call) -> Node:
    """FITRIM: `{start=0, len=18446744073709551615, minlen=0}`."""
    data = _fetch(call, FSTRIM_RANGE_SIZE)
    if not isinstance(data, bytes):
        return data
    r = fstrim_range.parse(data)
    return {"start": f"{r.start:#x}" if r.start else "0", "len": r.len, "minlen": r.minlen}


def _fsxattr(with_nextents: bool) -> ArgFn:
    """struct fsxattr; fsx_nextents only in the kernel's answer."""
    def decode(call: Call) -> Node:
        data = _fetch(call, FSXATTR_SIZE)
        if not isinstance(data, bytes):
            return data
        x = fsxattr.parse(data)
        node: dict[str, Node] = {"fsx_xflags": _flags(x.fsx_xflags, FS_XFLAGS, "FS_XFLAG_???"),
                                 "fsx_extsize": x.fsx_extsize}
        if with_nextents:
            node["fsx_nextents"] = x.fsx_nextents
        node["fsx_projid"] = f"{x.fsx_projid:#x}" if x.fsx_projid else "0"
        node["fsx_cowextsize"] = x.fsx_cowextsize
        return node
    return decode


def _entropy(call: Call) -> Node:
    """RNDADDENTROPY: `{entropy_count=8, buf_size=4, buf="..."}`, the bytes cut by -s."""
    data = _fetch(call, 8)
    if not isinstance(data, bytes):
        return data
    info = rand_pool_info.parse(data)
    return {"entropy_count": info.entropy_count, "buf_size": info.buf_size,
            "buf": read_string(call, call.u(2) + 8, info.buf_size)}


# --- namespaces (nsfs) -------------------------------------------------------------------------

def _owner_uid(call: Call) -> Node:
    """`[1000]`; the unmapped uid prints as -1."""
    data = _fetch(call, 4)
    if not isinstance(data, bytes):
        return data
    uid = uint32.parse(data)
    return [-1 if uid == 0xFFFFFFFF else uid]


def _returns_fd(call: Call) -> tuple[Node, Node]:
    return fd(call.ret or 0), None


def _namespace_type(call: Call) -> tuple[Node, Node]:
    """`= 1073741824 (CLONE_NEWNET)`: the type in decimal, its name beside it."""
    return None, NAMESPACE_TYPES.get(call.ret or 0)


# --- the request table -------------------------------------------------------------------------

@dataclass(frozen=True)
class Request:
    """How one request's argument prints. `arg` None: strace prints no third argument;
    `at_exit`: printed once the kernel answered; `snapshot`: what to remember at entry;
    `aux`: how a successful return value prints (a new fd, a name beside it)."""

    arg: ArgFn | None
    at_exit: bool = False
    snapshot: Callable[[Call], None] | None = None
    aux: AuxFn | None = None


def _get(arg: ArgFn) -> Request:
    return Request(arg, at_exit=True)


def _set(arg: ArgFn) -> Request:
    return Request(arg)


def _ifreq_get_row(key: str, member: str) -> Request:
    snapshot, decode = _ifreq_get(key, member)
    return Request(decode, at_exit=True, snapshot=snapshot)


NO_ARG = Request(None)
TERMIOS = _termios(TERMIOS_SIZE, termios_flags)
TERMIOS2 = _termios(TERMIOS2_SIZE, termios_flags)
TERMIO = _termios(TERMIO_SIZE, termio_flags)
MODEM_BITS = _flags_ptr(MODEM_FLAGS, "TIOCM_???")
FS_FLAGS = _flags_ptr(FS_IOC_FLAGS, "FS_???_FL")

# Keyed by the request's printed name (`SNDCTL_TMR_START or TCSETS` where names share a number).
REQUESTS: dict[str, Request] = {
    # struct termios, termios2, termio
    "TCGETS": _get(TERMIOS), "TIOCGLCKTRMIOS": _get(TERMIOS),
    "SNDCTL_TMR_START or TCSETS": _set(TERMIOS), "SNDCTL_TMR_STOP or TCSETSW": _set(TERMIOS),
    "SNDCTL_TMR_CONTINUE or TCSETSF": _set(TERMIOS), "TIOCSLCKTRMIOS": _set(TERMIOS),
    "TCGETS2": _get(TERMIOS2), "TCSETS2": _set(TERMIOS2), "TCSETSW2": _set(TERMIOS2),
    "TCSETSF2": _set(TERMIOS2),
    "TCGETA": _get(TERMIO), "TCSETA": _set(TERMIO), "TCSETAW": _set(TERMIO),
    "TCSETAF": _set(TERMIO),
    # window size
    "TIOCGWINSZ": _get(_winsize), "TIOCSWINSZ": _set(_winsize),
    # the argument itself
    "TCXONC": _set(_const(TCXONC_ACTIONS, "TC???")),
    "TCFLSH": _set(_const(TCFLSH_QUEUES, "TC???")),
    "TCSBRK": _set(_int), "TCSBRKP": _set(_int), "TIOCSCTTY": _set(_int),
    # modem lines
    "TIOCMGET": _get(MODEM_BITS), "TIOCMBIS": _set(MODEM_BITS), "TIOCMBIC": _set(MODEM_BITS),
    "TIOCMSET": _set(MODEM_BITS),
    # an int the argument points to, written by the kernel ...
    "TIOCGPGRP": _get(_int_ptr), "TIOCGSID": _get(_int_ptr), "TIOCGETD": _get(_int_ptr),
    "TIOCGSOFTCAR": _get(_int_ptr), "TIOCGPTN": _get(_int_ptr), "FIONREAD": _get(_int_ptr),
    "TIOCOUTQ": _get(_int_ptr), "TIOCGEXCL": _get(_int_ptr), "TIOCGDEV": _get(_int_ptr),
    # ... or read by it
    "TIOCSPGRP": _set(_int_ptr), "TIOCSETD": _set(_int_ptr), "FIONBIO": _set(_int_ptr),
    "FIOASYNC": _set(_int_ptr), "TIOCPKT": _set(_int_ptr), "TIOCSSOFTCAR": _set(_int_ptr),
    "TIOCSPTLCK": _set(_int_ptr),
    "TIOCSTI": _set(_char),
    # no argument at all
    "TIOCSBRK": NO_ARG, "TIOCCBRK": NO_ARG, "TIOCCONS": NO_ARG, "TIOCNOTTY": NO_ARG,
    "TIOCEXCL": NO_ARG, "TIOCNXCL": NO_ARG, "FIOCLEX": NO_ARG, "FIONCLEX": NO_ARG,
    "TIOCVHANGUP": NO_ARG, "TIOCSSERIAL": NO_ARG,
    # sockets
    "SIOCGIFCONF": Request(_ifconf, at_exit=True, snapshot=_snapshot_ifconf),
    "FIOGETOWN": _get(_int_ptr), "SIOCATMARK": _get(_int_ptr), "SIOCGIFENCAP": _get(_int_ptr),
    "SIOCGPGRP": _get(_int_ptr), "SIOCOUTQNSD": _get(_int_ptr),
    "FIOSETOWN": _set(_int_ptr), "SIOCSIFENCAP": _set(_int_ptr), "SIOCSPGRP": _set(_int_ptr),
    "SIOCBRADDBR": _set(_bridge_name), "SIOCBRDELBR": _set(_bridge_name),
    "SIOCBRADDIF": _set(_bridge_port), "SIOCBRDELIF": _set(_bridge_port),
    "SIOCGIFADDR": _ifreq_get_row("ifr_name", "ifr_addr"),
    "SIOCGIFDSTADDR": _ifreq_get_row("ifr_name", "ifr_dstaddr"),
    "SIOCGIFBRDADDR": _ifreq_get_row("ifr_name", "ifr_broadaddr"),
    "SIOCGIFNETMASK": _ifreq_get_row("ifr_name", "ifr_netmask"),
    "SIOCGIFHWADDR": _ifreq_get_row("ifr_name", "ifr_hwaddr"),
    "SIOCGIFFLAGS": _ifreq_get_row("ifr_name", "ifr_flags"),
    "SIOCGIFINDEX": _ifreq_get_row("ifr_name", "ifr_ifindex"),
    "SIOCGIFMETRIC": _ifreq_get_row("ifr_name", "ifr_metric"),
    "SIOCGIFMTU": _ifreq_get_row("ifr_name", "ifr_mtu"),
    "SIOCGIFSLAVE": _ifreq_get_row("ifr_name", "ifr_slave"),
    "SIOCGIFTXQLEN": _ifreq_get_row("ifr_name", "ifr_qlen"),
    "SIOCGIFMAP": _ifreq_get_row("ifr_name", "ifr_map"),
    "SIOCGIFNAME": _ifreq_get_row("ifr_ifindex", "ifr_name"),
    "SIOCSIFADDR": _set(_ifreq_set("ifr_addr")),
    "SIOCSIFDSTADDR": _set(_ifreq_set("ifr_dstaddr")),
    "SIOCSIFBRDADDR": _set(_ifreq_set("ifr_broadaddr")),
    "SIOCSIFNETMASK": _set(_ifreq_set("ifr_netmask")),
    "SIOCADDMULTI": _set(_ifreq_set("ifr_hwaddr")),
    "SIOCDELMULTI": _set(_ifreq_set("ifr_hwaddr")),
    "SIOCSIFHWADDR": _set(_ifreq_set("ifr_hwaddr")),
    "SIOCSIFHWBROADCAST": _set(_ifreq_set("ifr_hwaddr")),
    "SIOCSIFFLAGS": _set(_ifreq_set("ifr_flags")),
    "SIOCSIFMETRIC": _set(_ifreq_set("ifr_metric")),
    "SIOCSIFMTU": _set(_ifreq_set("ifr_mtu")),
    "SIOCSIFSLAVE": _set(_ifreq_set("ifr_slave")),
    "SIOCSIFNAME": _set(_ifreq_set("ifr_newname")),
    "SIOCSIFTXQLEN": _set(_ifreq_set("ifr_qlen")),
    "SIOCSIFMAP": _set(_ifreq_set("ifr_map")),
    # file attributes and clones
    "FS_IOC_GETFLAGS": _get(FS_FLAGS), "FS_IOC32_GETFLAGS": _get(FS_FLAGS),
    "FS_IOC_SETFLAGS": _set(FS_FLAGS), "FS_IOC32_SETFLAGS": _set(FS_FLAGS),
    "BTRFS_IOC_CLONE or FICLONE": _set(_int),
    "FS_IOC_FIEMAP": Request(_fiemap, at_exit=True, snapshot=_snapshot_fiemap),
    "FS_IOC_FSGETXATTR": _get(_fsxattr(True)), "FS_IOC_FSSETXATTR": _set(_fsxattr(False)),
    "FITRIM": _set(_fstrim_range), "FIFREEZE": NO_ARG, "FITHAW": NO_ARG,
    # entropy, inotify
    "RNDGETENTCNT": _get(_int_ptr), "RNDADDTOENTCNT": _set(_int_ptr),
    "RNDADDENTROPY": _set(_entropy), "FASTRPC_IOCTL_INIT_ATTACH or RNDZAPENTCNT": NO_ARG,
    "RNDCLEARPOOL": NO_ARG,
    "RNDRESEEDCRNG": NO_ARG, "INOTIFY_IOC_SETNEXTWD": _set(_int),
    # block devices
    "BLKRASET": _set(_ulong), "BLKFRASET": _set(_ulong),
    "BLKSECTGET": _get(_number_ptr(uint16, 2)), "BLKROTATIONAL": _get(_number_ptr(uint16, 2)),
    "BLKROGET": _get(_int_ptr), "BLKBSZGET": _get(_int_ptr), "BLKSSZGET": _get(_int_ptr),
    "BLKALIGNOFF": _get(_int_ptr), "BLKROSET": _set(_int_ptr), "BLKBSZSET": _set(_int_ptr),
    "BLKPBSZGET": _get(_number_ptr(uint32, 4)), "BLKIOMIN": _get(_number_ptr(uint32, 4)),
    "BLKIOOPT": _get(_number_ptr(uint32, 4)), "BLKDISCARDZEROES": _get(_number_ptr(uint32, 4)),
    "BLKGETZONESZ": _get(_number_ptr(uint32, 4)), "BLKGETNRZONES": _get(_number_ptr(uint32, 4)),
    "BLKRAGET": _get(_number_ptr(int64, 8)), "BLKFRAGET": _get(_number_ptr(int64, 8)),
    "BLKGETSIZE": _get(_number_ptr(uint64, 8)), "BLKGETSIZE64": _get(_number_ptr(uint64, 8)),
    "BLKGETDISKSEQ": _get(_number_ptr(uint64, 8)),
    "BLKDISCARD": _set(_number_ptr(uint64_pair, 16)),
    "BLKSECDISCARD": _set(_number_ptr(uint64_pair, 16)),
    "BLKZEROOUT": _set(_number_ptr(uint64_pair, 16)),
    "BLKRRPART": NO_ARG, "BLKFLSBUF": NO_ARG, "BLKTRACESTART": NO_ARG, "BLKTRACESTOP": NO_ARG,
    "BLKTRACETEARDOWN": NO_ARG,
    # namespaces
    "NS_GET_USERNS": Request(None, aux=_returns_fd),
    "NS_GET_PARENT": Request(None, aux=_returns_fd),
    "NS_GET_NSTYPE": Request(None, aux=_namespace_type),
    "NS_GET_OWNER_UID": _get(_owner_uid),
}
# Requests strace decodes only as far as printing the argument's address.
for _name in ("SIOCADDDLCI", "SIOCADDRT", "SIOCBONDCHANGEACTIVE", "SIOCBONDENSLAVE",
              "SIOCBONDINFOQUERY", "SIOCBONDRELEASE", "SIOCBONDSETHWADDR",
              "SIOCBONDSLAVEINFOQUERY", "SIOCDARP", "SIOCDELDLCI", "SIOCDELRT", "SIOCDIFADDR",
              "SIOCDRARP", "SIOCETHTOOL", "SIOCGARP", "SIOCGHWTSTAMP", "SIOCGIFBR",
              "SIOCGIFCOUNT", "SIOCGIFMEM", "SIOCGIFPFLAGS", "SIOCGIFVLAN", "SIOCGMIIPHY",
              "SIOCGMIIREG", "SIOCGRARP", "SIOCGSKNS", "SIOCGSTAMP_OLD", "SIOCGSTAMP_NEW",
              "SIOCGSTAMPNS_OLD", "SIOCGSTAMPNS_NEW", "SIOCRTMSG", "SIOCSARP", "SIOCSHWTSTAMP",
              "SIOCSIFBR", "SIOCSIFLINK", "SIOCSIFMEM", "SIOCSIFPFLAGS", "SIOCSIFVLAN",
              "SIOCSMIIREG", "SIOCSRARP", "SIOCWANDEV"):
    REQUESTS[_name] = _set(_address)

UNKNOWN = Request(_hex)  # strace prints the argument as a number


# --- the request itself ------------------------------------------------------------------------

IOC_READ, IOC_WRITE = 2, 1


@dataclass(frozen=True)
class NumberedRequest:
    """A request family strace names with a parameter taken from the number itself:
    `EVIOCGNAME(256)` (the size), `MIXER_READ(13)` (the number), `EVIOCGABS(ABS_X)`."""

    type: int
    direction: int
    first: int  # the range of _IOC_NR it covers
    last: int
    name: str
    param: Callable[[int, int], str]  # (nr - first, size) -> the text in parentheses


def _size(nr: int, size: int) -> str:
    return str(size)


def _nr(nr: int, size: int) -> str:
    return str(nr)


def _axis(nr: int, size: int) -> str:
    return str(value(nr, ABS_AXES, "ABS_???"))


def _event_bits(nr: int, size: int) -> str:
    return f"{value(nr, EV_TYPES, 'EV_???') if nr else 0}, {size}"


def _sized(type_: int, direction: int, nr: int, name: str) -> NumberedRequest:
    return NumberedRequest(type_, direction, nr, nr, name, _size)


E_, H_ = ord("E"), ord("H")
NUMBERED_REQUESTS: tuple[NumberedRequest, ...] = (
    NumberedRequest(E_, IOC_WRITE, 0xC0, 0xFF, "EVIOCSABS", _axis),
    NumberedRequest(E_, IOC_READ, 0x20, 0x3F, "EVIOCGBIT", _event_bits),
    NumberedRequest(E_, IOC_READ, 0x40, 0x7F, "EVIOCGABS", _axis),
    _sized(E_, IOC_READ, 0x06, "EVIOCGNAME"), _sized(E_, IOC_READ, 0x07, "EVIOCGPHYS"),
    _sized(E_, IOC_READ, 0x08, "EVIOCGUNIQ"), _sized(E_, IOC_READ, 0x09, "EVIOCGPROP"),
    _sized(E_, IOC_READ, 0x0A, "EVIOCGMTSLOTS"), _sized(E_, IOC_READ, 0x18, "EVIOCGKEY"),
    _sized(E_, IOC_READ, 0x19, "EVIOCGLED"), _sized(E_, IOC_READ, 0x1A, "EVIOCGSND"),
    _sized(E_, IOC_READ, 0x1B, "EVIOCGSW"),
    _sized(H_, IOC_READ, 0x04, "HIDIOCGRAWNAME"), _sized(H_, IOC_READ, 0x05, "HIDIOCGRAWPHYS"),
    _sized(H_, IOC_READ, 0x06, "HIDIOCSFEATURE"), _sized(H_, IOC_READ, 0x08, "HIDIOCGRAWUNIQ"),
    _sized(H_, IOC_READ, 0x12, "HIDIOCGPHYS"),
    _sized(H_, IOC_READ | IOC_WRITE, 0x06, "HIDIOCSFEATURE"),
    _sized(H_, IOC_READ | IOC_WRITE, 0x07, "HIDIOCGFEATURE"),
    NumberedRequest(ord("M"), IOC_WRITE, 0, 0xFF, "MIXER_WRITE", _nr),
    NumberedRequest(ord("M"), IOC_READ, 0, 0xFF, "MIXER_READ", _nr),
    _sized(ord("U"), IOC_READ, 0x2C, "UI_GET_SYSNAME"),
    _sized(ord("j"), IOC_READ, 0x13, "JSIOCGNAME"),
    _sized(ord("k"), IOC_WRITE, 0x00, "SPI_IOC_MESSAGE"),
)
# One number strace names although its direction bits are wrong.
MISNUMBERED_REQUESTS: dict[int, str] = {0x80082102: "SECCOMP_IOCTL_NOTIF_ID_VALID_WRONG_DIR"}


def numbered_request(code: int) -> str | None:
    """`EVIOCGNAME(256)` for a request of a parameterised family, else None."""
    name = MISNUMBERED_REQUESTS.get(code)
    if name is not None:
        return name
    type_, nr, direction, size = (code >> 8) & 0xFF, code & 0xFF, code >> 30, (code >> 16) & 0x3FFF
    for fam in NUMBERED_REQUESTS:
        if fam.type == type_ and fam.direction == direction and fam.first <= nr <= fam.last:
            return f"{fam.name}({fam.param(nr - fam.first, size)})"
    return None


@whole_constant()
def request_name(code: int) -> str:
    """`TCGETS`, `SNDCTL_TMR_START or TCSETS`, `EVIOCGNAME(256)`, `MIXER_READ(13) or OTPSELECT`,
    or `_IOC(_IOC_READ, 0x12, 0x34, 0x8)`."""
    name = REQUEST_NAMES.get(code)
    numbered = numbered_request(code)
    if numbered is not None:
        return numbered if name is None else f"{numbered} or {name}"
    if name is not None:
        return name
    direction = _flags(code >> 30, IOC_DIRS, "_IOC_???")
    fields = ", ".join(f"{v:#x}" if v else "0"
                       for v in ((code >> 8) & 0xFF, code & 0xFF, (code >> 16) & 0x3FFF))
    return f"_IOC({direction}, {fields})"


def request_arg(call: Call, i: int) -> Node:
    return request_name(call.u32(i))


def request_row(call: Call) -> Request:
    return REQUESTS.get(request_name.__wrapped__(call.u32(1)), UNKNOWN)  # the name, whatever -X says


def _arg_decoder(row: Request):
    fn = row.arg
    return lambda call, i: fn(call)


def _signature(row: Request) -> Signature:
    args = (E(fd_arg), E(request_arg))
    if row.arg is not None:
        args += ((X if row.at_exit else E)(_arg_decoder(row)),)
    # strace prints the separator with the argument: `ioctl(1, TCGETS <unfinished ...>` then
    # `<... ioctl resumed>, {...})`.
    return Signature(args, snapshot=row.snapshot, aux=row.aux, comma_at_exit=True)


# Each request's row, made at its first call (~190 rows: building them all cost ~4 ms of the
# decoders' import, which a full trace's first calls wait for). Keyed by the request row's
# identity: REQUESTS holds every row for the life of the process.
_SIGNATURES: dict[int, Signature] = {}


def signature_for(call: Call) -> Signature:
    """The signature of this ioctl call: its request decides the third argument."""
    row = request_row(call)
    sig = _SIGNATURES.get(id(row))
    if sig is None:
        sig = _SIGNATURES[id(row)] = _signature(row)
    return sig


def prints_at_exit(entry_args) -> bool:
    """Whether the third argument prints at exit, from the entry's printed request name."""
    name = entry_args[1] if entry_args and len(entry_args) > 1 else None
    row = REQUESTS.get(name) if isinstance(name, str) else None
    return bool(row and row.arg is not None and row.at_exit)


# --- the fixed row, for readers of records ------------------------------------------------------
# The tracer asks signature_for() for each call (signatures.PER_CALL_ROWS); this row stands for
# any request: the third argument printed at exit, a set request's read at entry.

def _snapshot_any(call: Call) -> None:
    row = request_row(call)
    if row.snapshot is not None:
        row.snapshot(call)
    if row.arg is not None and not row.at_exit:
        call.saved["ioctl_arg"] = row.arg(call)


def _any_arg(call: Call, i: int) -> Node:
    if "ioctl_arg" in call.saved:
        return call.saved["ioctl_arg"]
    row = request_row(call)
    return row.arg(call) if row.arg is not None else _hex(call)


def _any_aux(call: Call) -> tuple[Node, Node]:
    aux = request_row(call).aux
    return aux(call) if aux is not None else (None, None)


ROWS: dict[str, Signature] = {
    "ioctl": Signature((E(fd_arg), E(request_arg), X(_any_arg)), snapshot=_snapshot_any,
                       aux=_any_aux, comma_at_exit=True),
}
