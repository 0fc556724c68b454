"""A record as Chrome trace-event JSON, which ui.perfetto.dev and chrome://tracing open.

Layout: one process track per traced process (tgid) with a thread track per pid; each syscall a
complete slice ("X") carrying its decoded arguments, result and explanation; failed calls also an
instant event ("i") so errors stand out when zoomed out. The network namespace is a process of
its own: kernel counters (cumulative change since the record began) and the listener's accept
queue as counter tracks ("C"), packets as instant events on a "packets" thread.
"""

from __future__ import annotations

import json
import os
from typing import Any, Iterator

from sysrec.annotate.counters import key_counters
from sysrec.atomic_file import atomic_output
from sysrec.record import Record
from sysrec.render.stream import RecordScan, ordered_events, scan_record
from sysrec.render.timeline import EXPECTED_ERRNOS, call_and_result, exit_line, signal_line, timeline_title

# Synthetic ids for the namespace track: far above any pid the kernel hands out (pid_max ≤ 2^22).
NETNS_PID = 1 << 30
PACKETS_TID = NETNS_PID + 1


def _us(ns: int, start: int) -> float:
    return round((ns - start) / 1000, 3)


def perfetto_trace(record: Record) -> dict[str, Any]:
    """The whole trace as one dict (small records, tests); `write_perfetto` streams the same."""
    scan = scan_record(record)
    return {"traceEvents": list(trace_events(record, scan)), **trace_trailer(record, scan)}


def trace_trailer(record: Record, scan: RecordScan) -> dict[str, Any]:
    """Everything of the trace but its events."""
    header = record.header
    context = header.get("context") or {}
    return {
        "displayTimeUnit": "ms",
        "otherData": {"sysrec_title": timeline_title(header, record.footer), "kernel": header.get("kernel"),
                      "settings": context.get("settings") or {}, "start_ns": scan.start(header)},
    }


def trace_events(record: Record, scan: RecordScan) -> Iterator[dict[str, Any]]:
    """Metadata first (from the scan), then one or two trace events per record event, in time order."""
    header = record.header
    start = scan.start(header)
    yield from _metadata(header, scan)
    strsize = int((header.get("options") or {}).get("strsize") or 32)
    annotator = scan.annotator(header)
    totals: dict[str, int] = {}
    last_listener: dict[Any, dict[str, Any]] = {}

    for event in ordered_events(record, scan):
        kind = event.get("ev")
        annotation = annotator.annotate(event)
        if kind == "syscall":
            pid = int(event.get("pid", 0))
            tgid = int(event.get("tgid", pid))
            t0 = int(event.get("t0") or event.get("t1") or start)
            t1 = int(event.get("t1") or t0)
            call, result = call_and_result(event, fd_decode=2, strsize=strsize)
            args: dict[str, Any] = {"call": call, "result": result, "args": event.get("args"),
                                    "ret": event.get("ret"), "errno": event.get("errno"), "seq": event.get("seq")}
            ctx = event.get("ctx") or {}
            if ctx.get("tcp_state"):
                args["tcp_state"] = ctx["tcp_state"]
            if annotation is not None:
                args["why"] = annotation.text
                args["kernel"] = annotation.ref
            yield {"ph": "X", "cat": "syscall", "name": event.get("name", "?"), "pid": tgid, "tid": pid,
                   "ts": _us(t0, start), "dur": max(_us(t1, start) - _us(t0, start), 0.001), "args": args}
            errno = event.get("errno")
            if (errno and errno not in EXPECTED_ERRNOS) or (annotation is not None and annotation.key):
                label = errno or (annotation.rule_id if annotation else "?")
                yield {"ph": "i", "s": "t", "cat": "error" if errno else "explained", "name": label,
                       "pid": tgid, "tid": pid, "ts": _us(t1, start),
                       "args": {"call": f"{call} = {result}",
                                "why": annotation.text if annotation else None}}
            changed = key_counters(ctx.get("counters") or {})
            if changed:
                for name, delta in changed.items():
                    totals[name] = totals.get(name, 0) + delta
                yield {"ph": "C", "name": "TCP counters (change since start)", "pid": NETNS_PID,
                       "ts": _us(t1, start), "args": {k: totals[k] for k in sorted(totals)}}
            listener = ctx.get("listener")
            if listener and listener != last_listener.get(listener.get("addr")):
                last_listener[listener.get("addr")] = listener
                yield {"ph": "C", "name": f"listener {listener.get('addr', '')}", "pid": NETNS_PID,
                       "ts": _us(t1, start),
                       "args": {"accept queue": int(listener.get("queue") or 0),
                                "backlog": int(listener.get("backlog") or 0),
                                "SYN-RECV": int(listener.get("synrecv") or 0)}}
        elif kind == "packet":
            facts = annotator.last_facts
            if facts is not None and facts.extra.get("duplicate"):
                continue
            flags = ("ICMP " + str(event["icmp"])) if event.get("icmp") else "|".join(event.get("flags") or []) or "-"
            yield {"ph": "i", "s": "t", "cat": "packet", "name": flags, "pid": NETNS_PID, "tid": PACKETS_TID,
                   "ts": _us(int(event.get("t") or start), start),
                   "args": {k: event.get(k) for k in ("ifname", "dir", "src", "sport", "dst", "dport",
                                                      "seq_no", "ack_no", "win", "len", "opts", "mtu", "inner", "at")
                            if k in event or k in ("ifname", "dir", "src", "sport", "dst", "dport")}
                   | ({"why": annotation.text} if annotation else {})}
        elif kind in ("signal", "exit"):
            pid = int(event.get("pid", 0))
            tgid = int(event.get("tgid", pid))
            text = signal_line(event) if kind == "signal" else exit_line(event)
            yield {"ph": "i", "s": "t", "cat": kind, "name": text, "pid": tgid, "tid": pid,
                   "ts": _us(int(event.get("t") or start), start)}
        elif kind == "warning":
            yield {"ph": "i", "s": "g", "cat": "warning", "name": str(event.get("msg", "")),
                   "pid": NETNS_PID, "ts": _us(int(event.get("t") or start), start)}


def _metadata(header: dict[str, Any], scan: RecordScan) -> Iterator[dict[str, Any]]:
    """Track names, and the counter tracks' zero at the start: known from the scan, before any event."""
    argv = " ".join(header.get("argv") or [])

    def meta(name: str, pid: int, tid: int | None, value: str) -> dict[str, Any]:
        item: dict[str, Any] = {"ph": "M", "name": name, "pid": pid, "args": {"name": value}}
        if tid is not None:
            item["tid"] = tid
        return item

    for tgid, pids in sorted(scan.processes.items()):
        yield meta("process_name", tgid, None, f"{argv} [{tgid}]" if argv else str(tgid))
        for pid in sorted(pids):
            yield meta("thread_name", tgid, pid, f"{pid}")
    context = header.get("context") or {}
    yield meta("process_name", NETNS_PID, None, f"network namespace ({context.get('cell') or 'kernel'})")
    if scan.packets:
        yield meta("thread_name", NETNS_PID, PACKETS_TID, "packets")
    if scan.key_counter_names:  # counter tracks start from zero at the beginning of the record
        yield {"ph": "C", "name": "TCP counters (change since start)", "pid": NETNS_PID, "ts": 0,
               "args": {k: 0 for k in sorted(scan.key_counter_names)}}


def write_perfetto(record: Record, path: str | os.PathLike[str]) -> int:
    """Write the trace JSON atomically (temp file + rename), event by event; returns how many trace events."""
    scan = scan_record(record)
    dump = json.JSONEncoder(ensure_ascii=False).encode
    count = 0
    with atomic_output(path, label="--perfetto ") as fh:
        fh.write('{"traceEvents": [')
        batch: list[str] = []
        for event in trace_events(record, scan):
            batch.append(dump(event))
            count += 1
            if len(batch) >= 1000:
                fh.write(("" if count == len(batch) else ", ") + ", ".join(batch))
                batch.clear()
        if batch:
            fh.write(("" if count == len(batch) else ", ") + ", ".join(batch))
        fh.write("], " + dump(trace_trailer(record, scan))[1:])
    return count
