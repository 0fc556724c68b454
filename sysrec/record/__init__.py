"""The record: a JSONL stream of events, the interface every later stage reads.

See docs/record-format.md for the schema. The reader and the writer are imported on first use
(`sysrec trace` needs only the writer, and starts the traced program sooner for it).
"""

from __future__ import annotations

import importlib

TYPE_CHECKING = False  # typing stays off `sysrec trace`'s start-up path
if TYPE_CHECKING:
    from typing import Any

_WHERE = {"Record": "reader", "RecordError": "reader", "open_record": "reader",
          "RecordWriter": "writer", "SCHEMA_VERSION": "writer"}

__all__ = ["Record", "RecordError", "RecordWriter", "SCHEMA_VERSION", "open_record"]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'sysrec.record' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"sysrec.record.{module}"), name)
    globals()[name] = value
    return value
