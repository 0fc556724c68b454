"""Constant and flag tables as data, and the two ways strace prints them.

A table is a `dict[int, str]`. `value()` prints one constant (unknown: `0x2e /* AF_??? */`),
`flags()` prints a bit set (`SOCK_CLOEXEC|SOCK_NONBLOCK|0xf`). The tables live in the
sibling modules, one per family.
"""

from __future__ import annotations

from typing import Mapping


def c_hex(v: int) -> str:
    """C's `%#x`: `0x2e`, but plain `0` for zero."""
    return f"{v:#x}" if v else "0"


def value(v: int, table: Mapping[int, str], unknown: str | None = None) -> str | int:
    """A constant by name; an unknown one as hex with strace's `/* X_??? */` comment.

    Without `unknown` an unknown value stays a plain decimal int.
    """
    name = table.get(v)
    if name is not None:
        return name
    if unknown is None:
        return v
    return f"{c_hex(v)} /* {unknown} */" if v >= 0 else f"{v} /* {unknown} */"


def flags(v: int, table: Mapping[int, str], unknown: str | None = None, zero: str = "0") -> str:
    """Bits by name in table order, leftover bits as one hex number; 0 prints as `zero`."""
    if v == 0:
        return zero
    names = []
    rest = v
    for bit, name in table.items():
        if bit and rest & bit == bit:
            names.append(name)
            rest &= ~bit
    if rest:
        if not names and unknown:
            return f"{rest:#x} /* {unknown} */"
        names.append(f"{rest:#x}")
    return "|".join(names)
