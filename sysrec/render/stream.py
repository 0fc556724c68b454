"""A record's events in timeline order, in memory that does not grow with the record.

Renderers show events by `event_time` (then `seq`), which is not file order: `sysrec run` writes
the client's syscalls first and its packets after them, and a call that waits sits at its exit
time. Sorting a list of every event costs gigabytes at millions of events, so instead:

1. `scan_record` reads the record once, keeping only small summaries: the server's ports, each
   connection's packet evidence (for the annotator), which processes and counters appear, and
   whether the packets and the other events are each already in timeline order (they are in
   every record sysrec writes: one thread's calls follow each other, packets arrive in order).
2. `ordered_events` then merges two lazy readers, one of the record for everything but packets and
   one of the packets, which the scan copied to a temporary file as it met them (`heapq.merge`:
   one event of each in memory; the record is parsed twice, not three times). A record whose streams are not each in
   order (threads whose waits overlap, a hand-edited file) falls back to an external merge sort:
   sorted runs of `RUN_EVENTS` events spilled to temporary files, then merged.
"""

from __future__ import annotations

import heapq
import json
import os
import tempfile
import weakref
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator, Mapping

from sysrec.annotate import Annotator, event_time
from sysrec.annotate.counters import CounterDeltas, key_counters
from sysrec.annotate.engine import FlowEvidence, add_server_ports, flow_evidence
from sysrec.record import Record

Event = dict[str, Any]
RUN_EVENTS = 10_000          # events sorted in memory at once when a record must be sorted
MAX_RUNS = 64                # spilled runs merged at once (open files); more are merged first


_dump = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def timeline_key(event: Mapping[str, Any]) -> tuple[int, int]:
    """Where an event sits on the timeline: its time, then its place in the file."""
    return (event_time(event), int(event.get("seq", 0)))


@dataclass
class RecordScan:
    """What one pass over a record learns that rendering in order needs up front."""

    ports: set[int] = field(default_factory=set)
    flows: dict[int, dict[str, bool]] = field(default_factory=dict)
    packets: int = 0
    in_order: bool = True                     # packets and other events each in timeline order
    first_time: dict[str, int] = field(default_factory=dict)    # event kind → earliest event_time
    processes: dict[int, set[int]] = field(default_factory=dict)  # tgid → pids (syscall/signal/exit)
    key_counter_names: set[str] = field(default_factory=set)     # key counters some syscall changed
    counters: CounterDeltas = field(default_factory=CounterDeltas)   # the run's counter changes
    packet_file: str | None = None            # the packets, one JSON line each, in file order
    _packet_out: Any = field(default=None, repr=False)

    def spill_packet(self, event: Mapping[str, Any]) -> None:
        if self.packet_file is None:
            fd, self.packet_file = tempfile.mkstemp(prefix="sysrec-packets-", suffix=".jsonl")
            self._packet_out = os.fdopen(fd, "w", encoding="utf-8")
            weakref.finalize(self, _remove, self.packet_file)
        self._packet_out.write(_dump(event) + "\n")

    def close_spill(self) -> None:
        if self.packet_file is not None:
            self._packet_out.close()

    def spilled_packets(self) -> Iterator[Event]:
        """The packets the scan met, in file order (already checked by the reader)."""
        if self.packet_file is None:
            return
        with open(self.packet_file, encoding="utf-8") as fh:
            for line in fh:
                yield json.loads(line)

    @property
    def captured(self) -> bool:
        return self.packets > 0

    def start(self, header: Mapping[str, Any], kinds: Iterable[str] | None = None) -> int:
        """The record's time zero: the header's start, else the earliest event of `kinds`."""
        if header.get("start_ns"):
            return int(header["start_ns"])
        times = [t for kind, t in self.first_time.items() if kinds is None or kind in kinds]
        return min(times) if times else 0

    def annotator(self, header: Mapping[str, Any]) -> Annotator:
        """An annotator that knows the whole record's ports and packet evidence, as `for_events` does."""
        return Annotator(header, self.ports, flows=self.flows, captured=self.captured)


def scan_record(record: Record) -> RecordScan:
    """One streaming pass; also sets `record.footer`."""
    scan = RecordScan()
    evidence = FlowEvidence(scan.ports)   # reads the port set while it fills
    last_key = {True: (-1, -1), False: (-1, -1)}
    ports_after_packets = False
    for event in record.events():
        kind = event.get("ev")
        is_packet = kind == "packet"
        key = timeline_key(event)
        if key < last_key[is_packet]:
            scan.in_order = False
        last_key[is_packet] = key
        if kind not in scan.first_time or key[0] < scan.first_time[kind]:
            scan.first_time[str(kind)] = key[0]
        if is_packet:
            scan.packets += 1
            scan.spill_packet(event)
        elif kind == "syscall":
            before = len(scan.ports)
            add_server_ports(event, scan.ports)
            ports_after_packets |= scan.packets > 0 and len(scan.ports) != before
            changed = key_counters((event.get("ctx") or {}).get("counters") or {})
            scan.key_counter_names.update(changed)
        if kind in ("syscall", "signal", "exit"):
            pid = int(event.get("pid", 0))
            scan.processes.setdefault(int(event.get("tgid", pid)), set()).add(pid)
        evidence.feed(event)
        scan.counters.feed(event)
    scan.close_spill()
    scan.flows = evidence.flows
    if ports_after_packets or not scan.in_order:
        # the evidence above saw some packets before all ports were known, or out of order: redo it
        scan.flows = flow_evidence(ordered_events(record, scan), set(scan.ports))
    return scan


def ordered_events(record: Record, scan: RecordScan | None = None,
                   keep: Callable[[Event], bool] | None = None) -> Iterator[Event]:
    """The record's events (those `keep` accepts) in timeline order, streaming."""
    if scan is None:
        scan = scan_record(record)

    def selected(packets: bool | None) -> Iterator[Event]:
        events = scan.spilled_packets() if packets else record.events()
        for event in events:
            if packets is False and event.get("ev") == "packet":
                continue
            if keep is None or keep(event):
                yield event

    if not scan.in_order:
        return external_sort(selected(None), timeline_key)
    if not scan.packets:
        return selected(None)
    return heapq.merge(selected(False), selected(True), key=timeline_key)


def external_sort(events: Iterable[Event], key: Callable[[Event], tuple[int, int]],
                  run_events: int | None = None) -> Iterator[Event]:
    """`sorted(events, key=key)` (stable) holding at most `run_events` (RUN_EVENTS) events in memory."""
    run_events = run_events or RUN_EVENTS
    runs: list[Any] = []
    buffer: list[tuple[tuple[int, int], int, Event]] = []
    for index, event in enumerate(events):
        buffer.append((key(event), index, event))
        if len(buffer) >= run_events:
            buffer.sort(key=_first_two)
            runs.append(_spill(buffer))
            buffer = []
            if len(runs) >= MAX_RUNS:
                runs = [_spill(_merge_runs(runs))]
    buffer.sort(key=_first_two)
    if not runs:
        return (event for _, _, event in buffer)
    runs.append(_spill(buffer))
    del buffer
    return (event for _, _, event in _merge_runs(runs))


def _first_two(item: tuple[Any, int, Event]) -> tuple[Any, int]:
    return item[0], item[1]


def _spill(items: Iterable[tuple[tuple[int, int], int, Event]]) -> Any:
    run = tempfile.TemporaryFile(mode="w+", encoding="utf-8", prefix="sysrec-sort-")
    for sort_key, index, event in items:
        run.write(_dump([sort_key[0], sort_key[1], index, event]) + "\n")
    run.seek(0)
    return run


def _read_run(run: Any) -> Iterator[tuple[tuple[int, int], int, Event]]:
    with run:
        for line in run:
            t, seq, index, event = json.loads(line)
            yield (t, seq), index, event


def _merge_runs(runs: list[Any]) -> Iterator[tuple[tuple[int, int], int, Event]]:
    return heapq.merge(*(_read_run(run) for run in runs), key=_first_two)
