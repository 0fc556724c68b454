"""A record's packets as a pcap file (`tcpdump -r`, Wireshark).

Classic pcap, nanosecond variant (magic 0xa1b23c4d), link type LINKTYPE_RAW: each record is the
IP packet stored in the `packet` event's `raw` (its first `raw_snaplen` bytes; the original length
is the IP length). The file is written to a temporary name and renamed, so a failed export never
leaves a half-written capture.
"""

from __future__ import annotations

import os
from sysrec.atomic_file import atomic_output
from functools import cache
from typing import Any, Iterable

from sysrec.errors import InputError

PCAP_MAGIC_NS = 0xA1B23C4D
PCAP_VERSION = (2, 4)
LINKTYPE_RAW = 101          # raw IPv4/IPv6, the version nibble says which
SNAPLEN = 262144


@cache
def _structs() -> Any:
    from types import SimpleNamespace

    from construct import Bytes, Const, Int16ul, Int32sl, Int32ul, Struct, this

    file_header = Struct(
        "magic" / Const(PCAP_MAGIC_NS, Int32ul),
        "version_major" / Int16ul,
        "version_minor" / Int16ul,
        "thiszone" / Int32sl,
        "sigfigs" / Int32ul,
        "snaplen" / Int32ul,
        "linktype" / Int32ul,
    )
    record = Struct(
        "ts_sec" / Int32ul,
        "ts_nsec" / Int32ul,
        "incl_len" / Int32ul,
        "orig_len" / Int32ul,
        "data" / Bytes(this.incl_len),
    )
    return SimpleNamespace(file_header=file_header, record=record)


def _events(record_or_events: Any) -> Iterable[dict[str, Any]]:
    if isinstance(record_or_events, (str, os.PathLike)):
        from sysrec.record import open_record
        return open_record(record_or_events).events()
    if hasattr(record_or_events, "events"):
        return record_or_events.events()
    return record_or_events


def write_pcap(record_or_events: Any, path: str | os.PathLike[str]) -> int:
    """Writes every `packet` event that carries `raw` bytes; returns how many were written.

    Accepts a Record, a record's path, or an iterable of events. Raises InputError when there is
    no packet to write (capture was off, or the record predates packet capture).
    """
    s = _structs()
    written = 0
    without_raw = 0
    with atomic_output(path, binary=True, label="--pcap ") as out:
        out.write(s.file_header.build(dict(
            version_major=PCAP_VERSION[0], version_minor=PCAP_VERSION[1], thiszone=0,
            sigfigs=0, snaplen=SNAPLEN, linktype=LINKTYPE_RAW)))
        for ev in _events(record_or_events):
            if ev.get("ev") != "packet":
                continue
            if not ev.get("raw"):
                without_raw += 1
                continue
            try:
                data = bytes.fromhex(ev["raw"])
            except (TypeError, ValueError):
                raise InputError(f"packet event seq {ev.get('seq')}: 'raw' is not hex") from None
            t = int(ev["t"])
            out.write(s.record.build(dict(
                ts_sec=t // 1_000_000_000, ts_nsec=t % 1_000_000_000, incl_len=len(data),
                orig_len=max(int(ev.get("ip_len") or 0), len(data)), data=data)))
            written += 1
        if written == 0:
            why = (f"its {without_raw} packet events carry no raw bytes" if without_raw
                   else "it has no packet events (was the run made with --no-capture?)")
            raise InputError(f"{path}: nothing to export: {why}")
    return written
