"""Reads records back, streaming, tolerant of a truncated last line."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from typing import Any, Iterator

from sysrec.errors import InputError

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
        with open(self.path, encoding="utf-8") as fh:
            fh.readline()
            lineno = 1
            pending: tuple[int, str] | None = None
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

    def _parse(self, lineno: int, line: str, last: bool) -> dict[str, Any]:
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as err:
            if last and not line.endswith("\n"):
                raise _TruncatedLine() from None
            raise RecordError(f"{self.path}:{lineno}: not a JSON object ({err.msg})") from None
        if not isinstance(obj, dict) or "ev" not in obj:
            raise RecordError(f"{self.path}:{lineno}: not a record event (no 'ev' key)")
        if obj["ev"] == "footer" and not last:
            raise RecordError(f"{self.path}:{lineno}: footer before the end of the record")
        return obj

    def scan_footer(self) -> dict[str, Any]:
        """Iterate to the end (constant memory) and return the footer."""
        for _ in self.events():
            pass
        assert self.footer is not None
        return self.footer


class _TruncatedLine(Exception):
    pass


def open_record(path: str | os.PathLike[str]) -> Record:
    path = os.fspath(path)
    try:
        fh = open(path, encoding="utf-8")
    except FileNotFoundError:
        raise RecordError(f"{path}: no such record file") from None
    except IsADirectoryError:
        raise RecordError(f"{path}: is a directory, not a record file") from None
    except OSError as err:
        raise RecordError(f"{path}: cannot read: {err.strerror}") from None
    with fh:
        first = fh.readline()
    if not first.strip():
        raise RecordError(f"{path}:1: empty file, not a sysrec record")
    try:
        header = json.loads(first)
    except json.JSONDecodeError:
        raise RecordError(f"{path}:1: not a sysrec record (the first line is not JSON)") from None
    if not isinstance(header, dict) or header.get("ev") != "header":
        raise RecordError(f"{path}:1: not a sysrec record (the first line is not a header)")
    schema = header.get("schema")
    if schema not in SUPPORTED_SCHEMAS:
        raise RecordError(f"{path}:1: record schema {schema!r} is not supported "
                          f"(this sysrec reads schema {', '.join(map(str, SUPPORTED_SCHEMAS))})")
    return Record(path=path, header=header)
