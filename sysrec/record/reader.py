"""Reads records back, streaming, tolerant of a truncated last line."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from typing import Any, Iterator

from sysrec.errors import InputError
from sysrec.record.schema import event_problem, header_problem

SUPPORTED_SCHEMAS = (1,)


class RecordError(InputError):
    """A record that cannot be read; the message names the file and line."""


@dataclass
class Record:
    """A record file: header read eagerly, events streamed on demand.

    `footer` is known once the events have been iterated (or after `scan_footer()`); a record
    whose last complete line is not a footer gets a synthetic one with `end = "truncated"`.
    """

    path: str
    header: dict[str, Any]
    footer: dict[str, Any] | None = field(default=None)

    def events(self) -> Iterator[dict[str, Any]]:
        """Every event after the header, footer excluded."""
        with _open(self.path) as fh:
            fh.readline()
            lineno = 1
            pending: tuple[int, bytes] | None = None
            for line in fh:
                lineno += 1
                if pending is not None:
                    yield self._parse(*pending, last=False)
                pending = (lineno, line)
            if pending is None:
                self.footer = {"ev": "footer", "end": "truncated", "exit_status": 1}
                return
            try:
                obj = self._parse(*pending, last=True)
            except _TruncatedLine:
                self.footer = {"ev": "footer", "end": "truncated", "exit_status": 1}
                return
            if obj.get("ev") == "footer":
                self.footer = obj
            else:
                yield obj
                self.footer = {"ev": "footer", "end": "truncated", "exit_status": 1}

    def _parse(self, lineno: int, raw: bytes, last: bool) -> dict[str, Any]:
        where = f"{self.path}:{lineno}"
        try:
            obj = _loads(raw, where)
        except _BadJSON as err:
            if last and not raw.endswith(b"\n"):
                raise _TruncatedLine() from None
            raise RecordError(f"{where}: not a JSON object ({err})") from None
        if not isinstance(obj, dict) or "ev" not in obj:
            raise RecordError(f"{where}: not a record event (no 'ev' key)")
        problem = event_problem(obj)
        if problem is not None:
            raise RecordError(f"{where}: malformed {_short(obj['ev'])} event: {problem}")
        if obj["ev"] == "footer" and not last:
            raise RecordError(f"{where}: footer before the end of the record")
        return obj

    def scan_footer(self) -> dict[str, Any]:
        """Iterate to the end (constant memory) and return the footer."""
        for _ in self.events():
            pass
        assert self.footer is not None
        return self.footer


class _TruncatedLine(Exception):
    pass


class _BadJSON(Exception):
    pass


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


_decode = json.JSONDecoder(parse_constant=_reject_constant).decode


def _loads(raw: bytes, where: str) -> Any:
    """One line's JSON; bytes that are not UTF-8, NaN/Infinity and absurd nesting are errors
    that name the line, never a traceback."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise RecordError(f"{where}: not UTF-8 (byte {err.start + 1} of the line)") from None
    try:
        return _decode(text)
    except RecursionError:
        raise RecordError(f"{where}: JSON nested too deeply") from None
    except ValueError as err:  # JSONDecodeError is a ValueError, as is a rejected constant
        raise _BadJSON(getattr(err, "msg", None) or str(err)) from None


def _open(path: str) -> Any:
    try:
        return open(path, "rb")
    except FileNotFoundError:
        raise RecordError(f"{path}: no such record file") from None
    except IsADirectoryError:
        raise RecordError(f"{path}: is a directory, not a record file") from None
    except OSError as err:
        raise RecordError(f"{path}: cannot read: {err.strerror}") from None


def open_record(path: str | os.PathLike[str]) -> Record:
    path = os.fspath(path)
    with _open(path) as fh:
        try:
            first = fh.readline()
        except OSError as err:
            raise RecordError(f"{path}: cannot read: {err.strerror}") from None
    if not first.strip():
        raise RecordError(f"{path}:1: empty file, not a sysrec record")
    try:
        header = _loads(first, f"{path}:1")
    except _BadJSON:
        raise RecordError(f"{path}:1: not a sysrec record (the first line is not JSON)") from None
    if not isinstance(header, dict) or header.get("ev") != "header":
        raise RecordError(f"{path}:1: not a sysrec record (the first line is not a header)")
    schema = header.get("schema")
    if type(schema) is not int or schema not in SUPPORTED_SCHEMAS:
        raise RecordError(f"{path}:1: record schema {_short(schema)} is not supported "
                          f"(this sysrec reads schema {', '.join(map(str, SUPPORTED_SCHEMAS))})")
    problem = header_problem(header)
    if problem is not None:
        raise RecordError(f"{path}:1: malformed header: {problem}")
    return Record(path=path, header=header)


def _short(value: Any) -> str:
    """A value from a file, for a message: JSON-spelled, cut, safe for a terminal."""
    text = json.dumps(value)
    return text if len(text) <= 20 else text[:17] + "..."
