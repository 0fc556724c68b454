"""The record: a JSONL stream of events, the interface every later stage reads.

See docs/record-format.md for the schema.
"""

from sysrec.record.reader import Record, RecordError, open_record
from sysrec.record.writer import RecordWriter, SCHEMA_VERSION

__all__ = ["Record", "RecordError", "RecordWriter", "SCHEMA_VERSION", "open_record"]
