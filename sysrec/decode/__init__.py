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
