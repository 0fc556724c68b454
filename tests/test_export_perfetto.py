"""`sysrec export --perfetto`: Chrome trace-event JSON with the structure ui.perfetto.dev expects."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from sysrec.record import open_record
from sysrec.render.perfetto import NETNS_PID, perfetto_trace

DATA = Path(__file__).parent / "data"
RECORDS = sorted((DATA / "handmade").glob("*.jsonl")) + sorted((DATA / "real").glob("**/*.jsonl"))

REQUIRED = {"X": {"name", "ts", "dur", "pid", "tid", "args"}, "i": {"name", "ts", "pid", "s"},
            "C": {"name", "ts", "pid", "args"}, "M": {"name", "pid", "args"}}


def validate(trace: dict) -> None:
    assert set(trace) >= {"traceEvents"}
    assert isinstance(trace["traceEvents"], list)
    named_pids = {e["pid"] for e in trace["traceEvents"] if e["ph"] == "M" and e["name"] == "process_name"}
    for event in trace["traceEvents"]:
        assert event["ph"] in REQUIRED, event
        missing = REQUIRED[event["ph"]] - set(event)
        assert not missing, (missing, event)
        assert isinstance(event["pid"], int)
        if event["ph"] != "M":
            assert isinstance(event["ts"], (int, float)) and event["ts"] >= 0
            assert event["pid"] in named_pids, f"pid {event['pid']} has no process_name"
        if event["ph"] == "X":
            assert event["dur"] > 0
        if event["ph"] == "C":
            assert all(isinstance(v, (int, float)) for v in event["args"].values())
        if event["ph"] == "i":
            assert event["s"] in ("t", "p", "g")


@pytest.mark.parametrize("record", RECORDS, ids=lambda p: p.name)
def test_every_stored_record_exports_a_valid_trace(record: Path):
    trace = perfetto_trace(open_record(record))
    validate(trace)
    json.dumps(trace)  # serializable as is
    syscalls = [e for e in trace["traceEvents"] if e["ph"] == "X"]
    n_syscalls = sum(1 for e in open_record(record).events() if e["ev"] == "syscall")
    assert len(syscalls) == n_syscalls


def test_headline_trace_has_error_instant_counters_and_packets():
    trace = perfetto_trace(open_record(DATA / "handmade" / "deferred-abort1.jsonl"))
    events = trace["traceEvents"]
    getsockopt = next(e for e in events if e["ph"] == "X" and e["name"] == "getsockopt")
    assert "[ECONNRESET]" in getsockopt["args"]["call"]
    assert "tcp_abort_on_overflow=1" in getsockopt["args"]["why"]
    assert getsockopt["pid"] == 4242 and getsockopt["tid"] == 4242
    instants = [e for e in events if e["ph"] == "i" and e["pid"] == 4242]
    assert any(e["name"] == "so-error-reset-overflow" for e in instants)
    counters = [e for e in events if e["ph"] == "C" and e["name"].startswith("TCP counters")]
    assert counters[0]["ts"] == 0 and counters[0]["args"]["TcpExtEmbryonicRsts"] == 0
    assert counters[-1]["args"]["TcpExtEmbryonicRsts"] == 1
    packets = [e["name"] for e in events if e["ph"] == "i" and e.get("cat") == "packet"]
    assert packets == ["SYN", "SYN|ACK", "ACK", "RST"]
    assert all(e["pid"] == NETNS_PID for e in events if e.get("cat") == "packet")


def test_export_cli_writes_the_file_and_refuses_without_a_target(tmp_path: Path):
    out = tmp_path / "trace.json"
    proc = subprocess.run([sys.executable, "-m", "sysrec", "export", str(DATA / "handmade" / "syn-dropped.jsonl"),
                           "--perfetto", str(out)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    validate(json.loads(out.read_text()))
    proc = subprocess.run([sys.executable, "-m", "sysrec", "export", str(DATA / "handmade" / "syn-dropped.jsonl")],
                          capture_output=True, text=True)
    assert proc.returncode == 2 and "--perfetto" in proc.stderr
    assert list(tmp_path.iterdir()) == [out]


def test_export_pcap_goes_through_the_pcap_writer(tmp_path: Path):
    """--pcap hands the record to sysrec.render.pcap; a record without raw packet bytes is refused."""
    real = sorted((DATA / "real").glob("accept-queue-overflow/**/run-1.jsonl"))
    if not real:
        pytest.skip("no stored real record")
    out = tmp_path / "c.pcap"
    proc = subprocess.run([sys.executable, "-m", "sysrec", "export", str(real[0]), "--pcap", str(out)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    packets = sum(1 for e in open_record(real[0]).events() if e["ev"] == "packet" and e.get("raw"))
    assert f"{packets} packets" in proc.stderr
    assert out.read_bytes()[:4] == bytes.fromhex("4d3cb2a1")  # pcap, nanosecond timestamps, little endian
    bad = tmp_path / "none.pcap"
    proc = subprocess.run([sys.executable, "-m", "sysrec", "export", str(DATA / "handmade" / "deferred-abort1.jsonl"),
                           "--pcap", str(bad)], capture_output=True, text=True)
    assert proc.returncode == 2 and "no raw bytes" in proc.stderr
    assert not bad.exists()
