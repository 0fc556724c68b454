"""What every family decoder shares: the call context and the node builders.

Nodes are the JSON trees described in docs/record-format.md ("Nodes").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Protocol

Node = Any


class Memory(Protocol):
    """Reads the tracee's memory; returns None when the range is not readable."""

    def read(self, addr: int, size: int) -> bytes | None: ...


@dataclass
class DecodeOptions:
    """How the decoders print: the strace options that change what is read and how it reads."""

    strsize: int = 32
    # The syscalls strace prints unabbreviated (-v, -e abbrev=SET's complement), None: none.
    # Their decoders record the full form too (`abbreviable`), arrays whole (`limited`).
    unabbreviated: Any = None
    xlat_style: str = "abbrev"  # -X raw|abbrev|verbose (sysrec.decode.xlat.styled)
    # -e verbose=SET: the syscalls whose structs are read (None: all, strace's default); the
    # others print the addresses, strings still quoted (strace's umove_or_printaddr).
    verbose: Any = None

    def __post_init__(self) -> None:
        from sysrec.decode.xlat import set_style
        set_style(self.xlat_style)


NULL = "NULL"
MASK64 = (1 << 64) - 1


@dataclass(slots=True)
class Call:
    """One syscall being decoded: raw registers, memory, and (at exit) the return value."""

    name: str
    raw: tuple[int, ...]
    mem: Memory
    opts: DecodeOptions
    ret: int | None = None
    exiting: bool = False
    saved: dict[str, Any] = field(default_factory=dict)
    previous: str | None = None  # this task's last traced syscall (restart_syscall names it)

    def u(self, i: int) -> int:
        """Argument i as an unsigned 64-bit value."""
        return self.raw[i] & MASK64 if i < len(self.raw) else 0

    def s32(self, i: int) -> int:
        """Argument i as a C int (low 32 bits, signed)."""
        raw = self.raw
        v = raw[i] & 0xFFFFFFFF if i < len(raw) else 0
        return v - 0x100000000 if v & 0x80000000 else v

    def u32(self, i: int) -> int:
        raw = self.raw
        return raw[i] & 0xFFFFFFFF if i < len(raw) else 0

    def s64(self, i: int) -> int:
        v = self.u(i)
        return v - (1 << 64) if v & (1 << 63) else v

    @property
    def full(self) -> bool:
        """strace would print this call unabbreviated (-v): record the full forms."""
        wanted = self.opts.unabbreviated
        return wanted is not None and self.name in wanted

    @property
    def failed(self) -> bool:
        """The call returned an error (or never returned)."""
        return self.ret is None or -4096 < self.ret < 0

    def read(self, addr: int, size: int) -> bytes | None:
        """A struct or array argument's bytes; None (print the address) when unreadable, or
        when -e verbose= leaves this call out."""
        verbose = self.opts.verbose
        if verbose is not None and self.name not in verbose:
            return None
        return self.read_bytes(addr, size)

    def read_bytes(self, addr: int, size: int) -> bytes | None:
        """The bytes of a string the call passes (read whatever -e verbose= says)."""
        if addr == 0 or size <= 0:
            return b"" if size == 0 and addr != 0 else None
        try:
            data = self.mem.read(addr, size)
        except (OSError, ValueError, OverflowError):
            return None
        if data is None or len(data) < size:
            return None
        return data if type(data) is bytes else bytes(data)


def ptr(addr: int) -> Node:
    """An address as strace prints one it did not (or could not) read."""
    return NULL if addr == 0 else {"$ptr": addr}


def struct_at(call: Call, addr: int, size: int, parse: Callable[[bytes], Node],
              written: bool = False) -> Node:
    """The `size`-byte struct at addr as `parse` makes it a node, or what strace prints instead:
    NULL, the address when it cannot be read, and for what the kernel writes (`written`) the
    address when the call failed."""
    if addr == 0:
        return NULL
    if written and call.exiting and call.failed:
        return ptr(addr)
    data = call.read(addr, size)
    return ptr(addr) if data is None else parse(data)


def fd(n: int) -> Node:
    return {"$fd": n}


def bytes_node(data: bytes, total: int | None = None, hexa: bool = False) -> Node:
    """A byte string node; `total` is the real length when only a prefix was read."""
    node: dict[str, Any] = {"$s": data.decode("latin-1")}
    if total is not None and total > len(data):
        node["n"] = total
    if hexa:
        node["x"] = True
    return node


def read_string(call: Call, addr: int, length: int) -> Node:
    """`length` bytes at addr, as strace's printstrn: at most -s bytes read, `...` beyond."""
    if addr == 0:
        return NULL
    length = max(length, 0)
    shown = min(length, call.opts.strsize)
    data = call.read_bytes(addr, shown)
    if data is None:
        return ptr(addr)
    return bytes_node(data, length)


def vr(before: int, after: int) -> Node:
    """A value-result integer: `16`, or `128 => 16` when the kernel changed it."""
    return before if before == after else {"$vr": [before, after]}


def abbreviable(call: Call, brief: Node, full: Callable[[], Node]) -> Node:
    """strace's abbreviated form, or with -v for this call both forms (`{"$a": brief, "$v":
    full}`), so that a record can be shown either way (docs/record-format.md)."""
    if not call.full:
        return brief
    return {"$a": brief, "$v": full()}


def limited(count: int, call: Call) -> tuple[int, bool]:
    """How many array elements to print (strace stops after -s elements, then `...`; with -v
    it prints them all)."""
    limit = call.opts.strsize
    if call.full:
        return (count, False)
    return (count, False) if count <= limit else (limit, True)


ArgDecoder = Callable[[Call, int], Node]


PATH_MAX = 4096
PAGE_SIZE = 4096


def read_cstring(call: Call, addr: int, limit: int) -> bytes | None:
    """The NUL-terminated string at addr, at most `limit` bytes (without the NUL); None when
    unreadable. A string longer than `limit` comes back `limit + 1` bytes long, so callers can
    tell it was cut."""
    if addr == 0:
        return None
    mem = call.mem
    upto = getattr(mem, "read_upto", None)
    if upto is not None:
        # Most strings end on the page they start on: read up to its end first (one page
        # for the kernel to map, not the two that PATH_MAX bytes usually span).
        head = min(limit + 1, PAGE_SIZE - (addr & (PAGE_SIZE - 1)))
        if head <= limit:
            try:
                data = upto(addr, head)
            except (OSError, ValueError, OverflowError):
                data = None
            if data:
                end = data.find(b"\0")
                if end >= 0:
                    return bytes(data[:end])
    try:
        data = upto(addr, limit + 1) if upto is not None else mem.read(addr, limit + 1)
    except (OSError, ValueError, OverflowError):
        data = None
    if data is None and upto is None:  # a plain Memory: shrink until the read fits
        size = limit + 1
        while data is None and size > 1:
            size //= 2
            data = call.read_bytes(addr, size)
    if not data:
        return None
    end = data.find(b"\0")
    return bytes(data[:end]) if end >= 0 else bytes(data[:limit + 1])


def path_node(call: Call, addr: int) -> Node:
    """A file name as strace's printpath prints it: quoted, never cut by -s; NULL or the address
    when it cannot be read."""
    data = read_cstring(call, addr, PATH_MAX - 1)
    if data is None:
        return ptr(addr)
    return {"$path": data[:PATH_MAX - 1].decode("latin-1")}


def cstring_node(call: Call, addr: int) -> Node:
    """A NUL-terminated string as strace's printstr prints it: cut to -s bytes, `...` after."""
    limit = call.opts.strsize
    data = read_cstring(call, addr, limit)
    if data is None:
        return ptr(addr)
    return bytes_node(data[:limit], len(data))
