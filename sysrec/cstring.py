"""Bytes as strace prints them in a string: shared by the renderer (arguments, -y paths) and the
tracer (the paths inside -yy socket endpoints, which the record stores as text).

C escapes for \\t \\n \\v \\f \\r \\" \\\\, printable ASCII as is, every other byte in octal with as few
digits as possible unless a digit follows (then three): "/tmp/u\\303\\251", "a\\0011".
"""

from __future__ import annotations

_SIMPLE_ESCAPES = {ord('"'): '\\"', ord("\\"): "\\\\", ord("\f"): "\\f", ord("\n"): "\\n",
                   ord("\r"): "\\r", ord("\t"): "\\t", ord("\v"): "\\v"}


def escape(text: str, octal_too: str = "") -> str:
    """`text` holds one byte per code point (0-255); characters in `octal_too` are escaped in
    octal even when printable. No quotes around."""
    out = []
    n = len(text)
    for i, ch in enumerate(text):
        c = ord(ch)
        esc = _SIMPLE_ESCAPES.get(c)
        if esc is not None:
            out.append(esc)
        elif 0x20 <= c < 0x7F and ch not in octal_too:
            out.append(ch)
        elif i + 1 < n and "0" <= text[i + 1] <= "9":
            out.append(f"\\{c:03o}")
        else:
            out.append(f"\\{c:o}")
    return "".join(out)


def quote_bytes(raw: bytes) -> str:
    """`raw` in double quotes, escaped."""
    return '"' + escape(raw.decode("latin-1")) + '"'
