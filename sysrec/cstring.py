"""Bytes as strace prints them in a string: shared by the renderer (arguments, -y paths) and the
tracer (the paths inside -yy socket endpoints, which the record stores as text).

C escapes for \\t \\n \\v \\f \\r \\" \\\\, printable ASCII as is, every other byte in octal with as few
digits as possible unless an octal digit follows (then three): "/tmp/u\\303\\251", "a\\0011".
"""

from __future__ import annotations

import re

_SIMPLE_ESCAPES = {ord('"'): '\\"', ord("\\"): "\\\\", ord("\f"): "\\f", ord("\n"): "\\n",
                   ord("\r"): "\\r", ord("\t"): "\\t", ord("\v"): "\\v"}


def escape(text: str, octal_too: str = "") -> str:
    """`text` holds one byte per code point (0-255); characters in `octal_too` are escaped in
    octal even when printable. No quotes around."""
    if (text.isascii() and text.isprintable() and '"' not in text and "\\" not in text
            and not (octal_too and any(c in text for c in octal_too))):
        return text  # nothing to escape (most paths): checked at C speed, no loop
    return escape_each(text, octal_too)


def escape_each(text: str, octal_too: str = "") -> str:
    """escape(), one character at a time (what its fast path must agree with)."""
    out = []
    n = len(text)
    for i, ch in enumerate(text):
        c = ord(ch)
        esc = _SIMPLE_ESCAPES.get(c)
        if esc is not None:
            out.append(esc)
        elif 0x20 <= c < 0x7F and ch not in octal_too:
            out.append(ch)
        elif i + 1 < n and "0" <= text[i + 1] <= "7":
            out.append(f"\\{c:03o}")
        else:
            out.append(f"\\{c:o}")
    return "".join(out)


def quote_bytes(raw: bytes) -> str:
    """`raw` in double quotes, escaped."""
    return '"' + escape(raw.decode("latin-1")) + '"'


_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _escape_control(match: re.Match[str]) -> str:
    c = ord(match.group())
    return f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}"


def terminal_safe(text: str, keep_newlines: bool = True) -> str:
    """`text` with every control character (escape sequences, carriage returns, bidi overrides)
    spelled out as `\\xNN`, so a value read from a file cannot drive the terminal it is printed
    on. Newlines stay (they end lines) unless `keep_newlines` is false."""
    if text.isprintable() or (keep_newlines and text.replace("\n", "").isprintable()):
        return text
    if keep_newlines:
        return "\n".join(_CONTROL.sub(_escape_control, part) for part in text.split("\n"))
    return _CONTROL.sub(_escape_control, text.replace("\n", "\\n"))
