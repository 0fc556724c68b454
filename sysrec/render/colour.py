"""Colour for a terminal (`--color=auto|always|never`, auto by default): failed calls' results,
signal lines and process ends stand out. auto colours only when the text goes to a terminal and
NO_COLOR is unset (https://no-color.org); files and pipes never get escape sequences.

A wrapper around a renderer: the record is unaffected, `sysrec show` decides for its own output.
"""

from __future__ import annotations

import os
import re

TYPE_CHECKING = False  # typing stays off the way to `sysrec trace`'s first line (annotations only)
if TYPE_CHECKING:
    from typing import Any, Mapping

RESET = "\x1b[0m"
FAILED = "\x1b[31m"          # red: `= -1 ENOENT (...)`
INTERRUPTED = "\x1b[33m"     # yellow: `= ? ERESTARTSYS (...)`
SIGNAL = "\x1b[35m"          # magenta: `--- SIGCHLD {...} ---`
KILLED = "\x1b[1;31m"        # bold red: `+++ killed by SIGKILL +++`
EXITED = "\x1b[1m"           # bold: `+++ exited with 0 +++`
EXITED_NONZERO = "\x1b[1;33m"

CHOICES = ("auto", "always", "never")
_RESULT = re.compile(r"= (-1|\?) [A-Z_0-9]+ \(.*\)( <[^>]*>)?$")


def wanted(choice: str | None, stream: Any) -> bool:
    choice = choice or "auto"
    if choice == "always":
        return True
    if choice == "never" or os.environ.get("NO_COLOR"):
        return False
    try:
        return os.isatty(stream.fileno())
    except (AttributeError, ValueError, OSError):
        return False


class ColourRenderer:
    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def feed(self, event: Mapping[str, Any]) -> str:
        text = self.inner.feed(event)
        if not text:
            return text
        kind = event.get("ev")
        if kind == "signal":
            return _each_line(text, SIGNAL)
        if kind == "exit":
            if event.get("signal"):
                return _each_line(text, KILLED)
            return _each_line(text, EXITED if not event.get("status") else EXITED_NONZERO)
        if kind == "syscall" and (event.get("errno") or (event.get("ret") or 0) < 0):
            first, sep, rest = text.partition("\n")
            m = _RESULT.search(first)
            if m:
                colour = INTERRUPTED if m.group(1) == "?" else FAILED
                first = first[:m.start()] + colour + first[m.start():] + RESET
            return first + sep + rest
        return text

    def finish(self) -> str:
        return self.inner.finish() if hasattr(self.inner, "finish") else ""


def _each_line(text: str, colour: str) -> str:
    return "".join(f"{colour}{line}{RESET}\n" for line in text.splitlines())
