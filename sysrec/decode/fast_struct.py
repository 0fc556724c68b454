"""Fixed-layout structures parsed with the standard `struct` module, for the decoders' hot path.

construct's compiled parsers still cost ~10 us per struct (a stream, a Container, a dict per
field); a `struct.Struct` unpacked into a named tuple costs well under 1 us. Only structures made
of plain integers and padding qualify; each keeps its construct definition for everything else
(`build`, `sizeof`: tests and tools), and tests/test_fast_paths.py checks the two agree.
"""

from __future__ import annotations

import struct
from collections import namedtuple
from typing import Any


class FastStruct:
    """`parse(data)` like construct's (attribute access by field name), through struct.unpack;
    other attributes are the construct definition's."""

    __slots__ = ("_unpack", "_make", "size", "definition")

    def __init__(self, fmt: str, names: str, definition: Any) -> None:
        layout = struct.Struct(fmt)
        self._unpack = layout.unpack_from
        self._make = namedtuple("Parsed", names)._make  # type: ignore[misc]
        self.size = layout.size
        self.definition = definition

    def parse(self, data: bytes) -> Any:
        return self._make(self._unpack(data))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.definition, name)
