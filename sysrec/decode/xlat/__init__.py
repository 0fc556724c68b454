"""Constant and flag tables as data, and the two ways strace prints them.

A table is a `dict[int, str]`. `value()` prints one constant (unknown: `0x2e /* AF_??? */`),
`flags()` prints a bit set (`SOCK_CLOEXEC|SOCK_NONBLOCK|0xf`). The tables live in the
sibling modules, one per family.
"""

from __future__ import annotations

from functools import wraps

TYPE_CHECKING = False  # typing stays off the start-up path of `sysrec trace` (annotations only)
if TYPE_CHECKING:
    from typing import Any, Callable, Mapping

# -X: how constants print: "abbrev" (names, strace's default), "raw" (numbers), "verbose"
# (`0x3 /* PROT_READ|PROT_WRITE */`). One trace per process: set once by DecodeOptions.
_STYLE = {"now": "abbrev"}


def set_style(style: str) -> None:
    _STYLE["now"] = style


def style() -> str:
    return _STYLE["now"]


def c_hex(v: int) -> str:
    """C's `%#x`: `0x2e`, but plain `0` for zero."""
    return f"{v:#x}" if v else "0"


def styled(number: str, text: str) -> str:
    """A constant's abbrev `text` as -X asks: the `number` (raw), or both (verbose); a text that
    is only the number, or already carries its comment, stays as it is."""
    now = _STYLE["now"]
    if now == "abbrev" or text == number or text.endswith("*/"):
        return text
    return number if now == "raw" else f"{number} /* {text} */"


def whole_constant(number: Callable[[int], str] = c_hex) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """For a function that builds one constant's text from several tables (open flags with
    their access mode, a file mode): -X styles the whole text once, printed as `number(v)`."""
    def wrap(build: Callable[..., Any]) -> Callable[..., Any]:
        texts: dict[int, Any] = {}  # the abbrev text of each value seen, for the hot path

        @wraps(build)
        def styled_build(v: int, *args: Any, **kwargs: Any) -> Any:
            if _STYLE["now"] == "abbrev":
                if args or kwargs:
                    return build(v, *args, **kwargs)
                text = texts.get(v)
                if text is None:
                    text = build(v)
                    if len(texts) < MEMO_SIZE:
                        texts[v] = text
                return text
            saved, _STYLE["now"] = _STYLE["now"], "abbrev"
            try:
                text = build(v, *args, **kwargs)
            finally:
                _STYLE["now"] = saved
            return styled(number(v), str(text))
        return styled_build
    return wrap


def value(v: int, table: Mapping[int, str], unknown: str | None = None) -> str | int:
    """A constant by name; an unknown one as hex with strace's `/* X_??? */` comment.

    Without `unknown` an unknown value stays a plain decimal int.
    """
    name = table.get(v)
    if name is not None:
        return name if _STYLE["now"] == "abbrev" else styled(c_hex(v) if v >= 0 else str(v), name)
    if unknown is None:
        return v
    return f"{c_hex(v)} /* {unknown} */" if v >= 0 else f"{v} /* {unknown} */"


# A table's texts already made, by the table's id (the table is kept with them, so that its id
# cannot be reused): a trace prints the same few bit sets over and over. Bounded.
MEMO_SIZE = 1024
_FLAG_TEXTS: dict[int, tuple[Mapping[int, str], dict[tuple[int, str | None, str], str]]] = {}


def flags(v: int, table: Mapping[int, str], unknown: str | None = None, zero: str = "0") -> str:
    """Bits by name in table order, leftover bits as one hex number; 0 prints as `zero`."""
    if _STYLE["now"] != "abbrev":
        return styled(c_hex(v), _flag_names(v, table, unknown, zero))
    memo = _FLAG_TEXTS.get(id(table))
    if memo is None:
        if len(_FLAG_TEXTS) >= MEMO_SIZE:
            return _flag_names(v, table, unknown, zero)
        memo = _FLAG_TEXTS[id(table)] = (table, {})
    texts = memo[1]
    key = (v, unknown, zero)
    text = texts.get(key)
    if text is None:
        text = _flag_names(v, table, unknown, zero)
        if len(texts) < MEMO_SIZE:
            texts[key] = text
    return text


def _flag_names(v: int, table: Mapping[int, str], unknown: str | None, zero: str) -> str:
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
