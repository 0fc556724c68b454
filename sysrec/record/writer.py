"""Streams events to a JSONL file; every line is written whole, so the file stays valid."""

from __future__ import annotations

import os
import time

from sysrec import __version__

TYPE_CHECKING = False  # typing and json stay off `sysrec trace`'s start-up path
if TYPE_CHECKING:
    from typing import IO, Any

SCHEMA_VERSION = 1

# Characters that JSON leaves raw in strings (ensure_ascii off) but that str.splitlines() and
# some editors take for line ends: a byte string from the tracee (latin-1, one code point per
# byte) may hold \x85. Escaped, so that a record is one event per line for every reader.
LINE_BREAKS = {0x85: "\\u0085", 0x2028: "\\u2028", 0x2029: "\\u2029"}


def _no_follow(path: str, flags: int) -> int:
    return os.open(path, flags | os.O_NOFOLLOW, 0o666)


def _line_encoder() -> Any:
    """JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False).encode, by
    the C encoder it would make for each line, made once: a line's text without encode()'s and
    iterencode()'s Python steps (every event comes here)."""
    import json
    from json import encoder as json_encoder

    # check_circular off: events are trees the tracer built, never cyclic
    encoder = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False)
    make = json_encoder.c_make_encoder
    if make is None:  # no C accelerator: the encoder's own way
        return encoder.encode
    chunks = make(None, encoder.default, json_encoder.encode_basestring, None, encoder.key_separator,
                  encoder.item_separator, False, False, True)
    join = "".join

    def encode(obj: Any) -> str:
        if type(obj) is not dict:
            return encoder.encode(obj)
        return join(chunks(obj, 0))
    return encode


class RecordWriter:
    """Writes a header, events (numbered by `seq`), then a footer.

    Nothing is kept in memory per event. `close()` without a footer writes one saying the run
    ended in an error, so a record always says how it ended unless sysrec itself was killed.
    The header is encoded (and json imported) with the first line after it: `sysrec trace`
    writes it before the traced program starts, and that start should not wait for json.
    """

    def __init__(self, path: str | os.PathLike[str] | None = None, stream: IO[str] | None = None,
                 nofollow: bool = False) -> None:
        """`nofollow`: a link at `path` is an error, never written through (`sysrec run`'s
        records under --out; `sysrec trace --record` writes where the user points it)."""
        if (path is None) == (stream is None):
            raise ValueError("give exactly one of path or stream")
        self._own = stream is None
        opener = _no_follow if nofollow else None
        self._out: IO[str] = open(path, "w", encoding="utf-8", opener=opener) if path is not None else stream  # type: ignore[arg-type]
        self.path = path
        self.seq = 0
        self.syscalls = 0
        self.closed = False
        self.failed = False  # a write failed (disk full): the record ends at its last whole line
        self._footer_written = False
        self._encode: Any = None
        self._header: dict[str, Any] | None = None

    def header(self, argv: list[str], trace_set: list[str] | None, seccomp: bool,
               options: dict[str, Any], context: dict[str, Any] | None = None,
               start_ns: int | None = None) -> None:
        head: dict[str, Any] = {
            "ev": "header", "schema": SCHEMA_VERSION, "sysrec": __version__,
            "kernel": os.uname().release, "argv": list(argv),
            "start_ns": start_ns if start_ns is not None else time.time_ns(),
            "trace_set": list(trace_set) if trace_set is not None else None,
            "seccomp": seccomp, "options": options,
        }
        if context:
            head["context"] = context
        self._header = head

    def event(self, event: dict[str, Any]) -> dict[str, Any]:
        """Numbers and writes one event; returns it (with `seq`) for renderers that stream alongside."""
        self.seq = seq = self.seq + 1
        event["seq"] = seq
        if event.get("ev") == "syscall":
            self.syscalls += 1
        self._line(event)
        return event

    def footer(self, end: str, exit_status: int, error: str | None = None) -> None:
        if self._footer_written:
            return
        foot: dict[str, Any] = {"ev": "footer", "end": end, "exit_status": exit_status,
                                "events": self.seq, "syscalls": self.syscalls, "end_ns": time.time_ns()}
        if error:
            foot["error"] = error
        self._line(foot)
        self._footer_written = True
        self._out.flush()

    def flush(self) -> None:
        if self._header is not None:
            self._start()
        self._out.flush()

    def close(self) -> None:
        if self.closed:
            return
        try:
            if not self._footer_written and not self.failed:
                self.footer("error", 1, error="recorder closed without a footer")
            self.closed = True
            if self._own:
                self._out.close()
            else:
                self._out.flush()
        except OSError:
            if not self.failed:  # the first write error was reported; closing cannot do better
                raise

    def _line(self, obj: dict[str, Any]) -> None:
        encode = self._encode if self._header is None else self._start()
        text = encode(obj)
        if not text.isascii():
            text = text.translate(LINE_BREAKS)
        try:
            self._out.write(text + "\n")
        except OSError:
            self.failed = True
            raise

    def _start(self) -> Any:
        """The encoder, and the header line if it is still owed."""
        if self._encode is None:
            self._encode = _line_encoder()
        head, self._header = self._header, None
        if head is not None:
            self._out.write(self._encode(head).translate(LINE_BREAKS) + "\n")
        return self._encode

    def __enter__(self) -> "RecordWriter":
        return self

    def __exit__(self, kind: object, exc: object, tb: object) -> None:
        if isinstance(exc, KeyboardInterrupt) and not self._footer_written and not self.failed:
            # Ctrl-C, or SIGTERM/SIGHUP taken like it (sysrec.errors.Interrupted)
            self.footer("interrupted", 128 + getattr(exc, "signum", 2))
        self.close()
