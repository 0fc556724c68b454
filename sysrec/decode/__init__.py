"""Decoders: raw syscall arguments + tracee memory -> JSON nodes (see docs/record-format.md).

The tracer calls `enter()` at a syscall's entry stop and `leave()` at its exit stop. Everything
the kernel writes back is read in `leave()`. Decoders never raise on bad memory or odd values:
an unreadable pointer becomes a `{"$ptr": addr}` node.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol, Sequence

Node = Any  # int | str | list | dict — see docs/record-format.md, "Nodes"


class Memory(Protocol):
    """Reads the tracee's memory; returns None when the range is not readable."""

    def read(self, addr: int, size: int) -> bytes | None: ...


@dataclass
class DecodeOptions:
    strsize: int = 32


@dataclass
class EntryState:
    """What a decoder learned at entry and needs again at exit."""

    name: str
    raw: tuple[int, ...]
    args: list[Node]  # nodes printed at entry
    private: dict[str, Any] = field(default_factory=dict)


@dataclass
class Decoded:
    args: list[Node]
    n_entry: int
    rtext: Node | None = None
    raux: Node | None = None


def _raw_node(value: int) -> Node:
    """Undecoded argument: small values in decimal, anything address-like as a pointer."""
    return value if value < 0x10000 else {"$ptr": value}


def enter(name: str, raw: Sequence[int], mem: Memory, opts: DecodeOptions) -> EntryState:
    """Decode what is printed at entry. (Raw placeholder until the family decoders land.)"""
    return EntryState(name=name, raw=tuple(raw), args=[_raw_node(v) for v in raw[:6]])


def leave(state: EntryState, ret: int | None, mem: Memory, opts: DecodeOptions) -> Decoded:
    """Complete the decoding at exit; `ret` is the signed return value, None if it never returned."""
    return Decoded(args=list(state.args), n_entry=len(state.args))
