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
    strsize: int = 32


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
    def failed(self) -> bool:
        """The call returned an error (or never returned)."""
        return self.ret is None or -4096 < self.ret < 0

    def read(self, addr: int, size: int) -> bytes | None:
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
    data = call.read(addr, shown)
    if data is None:
        return ptr(addr)
    return bytes_node(data, length)


def vr(before: int, after: int) -> Node:
    """A value-result integer: `16`, or `128 => 16` when the kernel changed it."""
    return before if before == after else {"$vr": [before, after]}


def limited(count: int, call: Call) -> tuple[int, bool]:
    """How many array elements to print (strace stops after -s elements, then `...`)."""
    limit = call.opts.strsize
    return (count, False) if count <= limit else (limit, True)


ArgDecoder = Callable[[Call, int], Node]
