"""Ladder diagrams: `sysrec show RECORD --format ladder [-o FILE.svg]` and `sysrec.render.ladder`."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from sysrec.record import open_record
from sysrec.render.timeline import build_timeline
from sysrec.render.ladder import (
    FAILURE_BAND, LOOPBACK_SLOPE_PX, PALETTE, PX_PER_MS, WIDTH, build_ladder, ladder_svg, record_ladder_svg, tcpdump_flags,
)

DATA = Path(__file__).parent / "data"
HANDMADE = DATA / "handmade" / "deferred-abort1.jsonl"
BURST = DATA / "real" / "burst-over-latency" / "burst-over-latency" / "tcp_abort_on_overflow=1" / "run-1.jsonl"
SVG = "{http://www.w3.org/2000/svg}"


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sysrec", *args], capture_output=True, text=True)


def rewritten(tmp_path: Path, source: Path, change) -> Path:
    """A copy of a record with each parsed line passed through `change` (None drops the line)."""
    lines = []
    for raw in source.read_text().splitlines():
        obj = change(json.loads(raw))
        if obj is not None:
            lines.append(json.dumps(obj))
    out = tmp_path / source.name
    out.write_text("\n".join(lines) + "\n")
    return out


def arrows(root: ET.Element) -> list[ET.Element]:
    return [e for e in root.iter(f"{SVG}line") if e.get("stroke") in PALETTE]


def test_tcpdump_flag_letters():
    assert tcpdump_flags(["SYN"]) == "S"
    assert tcpdump_flags(["SYN", "ACK"]) == "S."
    assert tcpdump_flags(["ACK", "PSH", "FIN"]) == "FP."
    assert tcpdump_flags(["RST", "ACK"]) == "R."
    assert tcpdump_flags([]) == "none"


def test_rows_packets_and_first_failure_of_a_loopback_record():
    ladder = build_ladder(open_record(HANDMADE))
    packets = [r for r in ladder.rows if r.kind == "packet"]
    # SYN seq 1000, SYN-ACK seq 5000 ack 1001, final ACK seq 1001 ack 5001, RST seq 5001 in the record
    assert [(p.outgoing, p.label) for p in packets] == [
        (True, "[S] seq 0, win 65495, length 0"),
        (False, "[S.] seq 0, ack 1, win 65495, length 0"),
        (True, "[.] ack 1, win 65495, length 0"),
        (False, "[R] seq 1, win 0, length 0"),
    ]
    assert [p.rst for p in packets] == [False, False, False, True]
    assert ladder.client_lane == "client 127.0.0.1 port 43650"
    assert ladder.server_lane == "listener 127.0.0.1:10000"
    assert ladder.delay_ms is None
    failures = [r for r in ladder.rows if r.first_error]
    assert len(failures) == 1 and failures[0].label.startswith("getsockopt(3) = 0")
    assert "ECONNRESET" in failures[0].label and failures[0].error
    connect = next(r for r in ladder.rows if r.label.startswith("connect("))
    assert connect.label == "connect(3) = -1 EINPROGRESS" and not connect.error
    # the socket's syscalls belong to the one connection, the exit row to none
    assert {r.connection.client_port for r in ladder.rows if r.kind == "syscall" and r.connection} == {43650}
    times = [r.t_ms for r in ladder.rows]
    assert times == sorted(times)


def test_svg_is_well_formed_time_runs_down_and_the_failure_is_banded():
    svg = record_ladder_svg(open_record(HANDMADE))
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg" and root.get("width") == str(WIDTH)
    lines = arrows(root)
    assert len(lines) == 4  # one arrow per packet
    # loopback: every arrow slopes by the same small amount; outgoing down to the server, incoming up from it
    for line in lines:
        assert abs(float(line.get("y2")) - float(line.get("y1"))) <= LOOPBACK_SLOPE_PX
    bands = [e for e in root.iter(f"{SVG}rect") if e.get("fill") == FAILURE_BAND]
    assert len(bands) == 1
    body = next(g for g in root.iter(f"{SVG}g") if (g.get("transform") or "").startswith("translate"))
    labels = [(t.text or "", float(t.get("y"))) for t in body.iter(f"{SVG}text")]
    failure_y = next(y for text, y in labels if text.startswith("! getsockopt"))
    band_y = float(bands[0].get("y"))
    assert band_y < failure_y < band_y + float(bands[0].get("height")) + 4
    order = [y for text, y in labels if text.startswith(("socket(", "connect(", "pselect6(", "! getsockopt"))]
    assert order == sorted(order) and len(order) == 4


def test_link_record_slopes_by_the_delay_and_colours_sixteen_connections():
    ladder = build_ladder(open_record(BURST))
    assert ladder.delay_ms == 50.0
    assert "veth-client" in ladder.client_lane and "10.0.0.2" in ladder.client_lane
    assert ladder.server_lane is not None and "10.0.0.1" in ladder.server_lane
    assert len(ladder.connections) == 16
    assert len({c.colour for c in ladder.connections[:len(PALETTE)]}) == len(PALETTE)
    root = ET.fromstring(ladder_svg(ladder))
    lines = arrows(root)
    assert len(lines) == sum(1 for r in ladder.rows if r.kind == "packet")
    # 50 ms one way at PX_PER_MS (2) or more, also into a shortened gap: steeper than loopback's
    assert all(abs(float(e.get("y2")) - float(e.get("y1"))) > 50 * PX_PER_MS * 0.9 for e in lines)
    packet_texts = [t.text for t in root.iter(f"{SVG}text") if (t.text or "")[:1] in "→←"]
    ports = {str(c.client_port) for c in ladder.connections}
    assert packet_texts and all(text.split()[1] in ports for text in packet_texts)


def test_relative_sequence_numbers_wrap_around(tmp_path: Path):
    top = 2**32 - 1

    def change(obj):
        if obj.get("ev") == "packet" and obj["sport"] == 43650:
            obj["seq_no"] = (obj["seq_no"] - 1000 + top) % 2**32
        if obj.get("ev") == "packet" and obj["dport"] == 43650:
            obj["ack_no"] = (obj["ack_no"] - 1000 + top) % 2**32 if obj["ack_no"] else 0
        return obj

    ladder = build_ladder(open_record(rewritten(tmp_path, HANDMADE, change)))
    labels = [r.label for r in ladder.rows if r.kind == "packet"]
    assert labels[1] == "[S.] seq 0, ack 1, win 65495, length 0"
    assert labels[2] == "[.] ack 1, win 65495, length 0"


def test_record_without_packets_draws_the_client_lane_only(tmp_path: Path):
    record = rewritten(tmp_path, HANDMADE, lambda obj: None if obj.get("ev") == "packet" else obj)
    ladder = build_ladder(open_record(record))
    assert ladder.server_lane is None and not any(r.kind == "packet" for r in ladder.rows)
    root = ET.fromstring(ladder_svg(ladder))
    assert arrows(root) == []
    texts = " ".join(t.text or "" for t in root.iter(f"{SVG}text"))
    assert "no packets" in texts and "listener" not in texts


def test_text_from_the_record_is_escaped(tmp_path: Path):
    hostile = '</text><script>alert("x")</script>&\x1b[31m'

    def change(obj):
        if obj.get("ev") == "header":
            obj["context"]["cell"] = hostile
        return obj

    svg = record_ladder_svg(open_record(rewritten(tmp_path, HANDMADE, change)))
    root = ET.fromstring(svg)  # still well-formed
    assert not [e for e in root.iter() if e.tag.endswith("script")]
    assert "\x1b" not in svg
    title = next(root.iter(f"{SVG}title")).text
    assert '<script>alert("x")</script>&\\x1b[31m' in title


def test_show_writes_the_svg_to_a_file_or_stdout(tmp_path: Path):
    out = tmp_path / "ladder.svg"
    proc = run_cli("show", str(HANDMADE), "--format", "ladder", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    expected = record_ladder_svg(open_record(HANDMADE))
    assert out.read_text() == expected
    proc = run_cli("show", str(HANDMADE), "--format", "ladder")
    assert proc.returncode == 0 and proc.stdout == expected
    proc = run_cli("show", str(HANDMADE), "--format", "ladder", "-o", "-")  # `-` is stdout
    assert proc.returncode == 0 and proc.stdout == expected
    inferred = tmp_path / "inferred.svg"  # -o FILE.svg implies the ladder
    assert run_cli("show", str(HANDMADE), "-o", str(inferred)).returncode == 0
    assert inferred.read_text() == expected


def test_show_bad_output_is_one_line_and_exit_2(tmp_path: Path):
    proc = run_cli("show", str(HANDMADE), "--format", "timeline", "-o", str(tmp_path / "t.txt"))
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and "-o" in proc.stderr
    assert not (tmp_path / "t.txt").exists()
    proc = run_cli("show", str(HANDMADE), "--format", "ladder", "-o", str(tmp_path / "missing" / "x.svg"))
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
    bad = tmp_path / "bad.jsonl"
    bad.write_text("not a record\n")
    proc = run_cli("show", str(bad), "-o", str(tmp_path / "bad.svg"))
    assert proc.returncode == 2 and not (tmp_path / "bad.svg").exists()


@pytest.mark.parametrize("record", sorted((DATA / "real").glob("*/*/*/run-*.jsonl")), ids=lambda p: p.parts[-3])
def test_every_stored_record_draws(record: Path):
    root = ET.fromstring(record_ladder_svg(open_record(record)))
    # the packets the timeline shows: loopback's second capture of a packet is left out by both
    packets = sum(1 for row in build_timeline(open_record(record), collapse=False).rows if row.kind == "packet")
    assert len(arrows(root)) == packets  # none where the client failed before sending (EADDRNOTAVAIL)
    assert int(root.get("height")) > 100


def test_stored_records_with_packets_draw_arrows():
    drawn = [len(arrows(ET.fromstring(record_ladder_svg(open_record(record)))))
             for record in sorted((DATA / "real").glob("*/*/*/run-*.jsonl"))]
    assert sum(1 for n in drawn if n) >= len(drawn) // 2


@pytest.mark.parametrize("limit", [12, 40, 100])
def test_a_long_record_keeps_its_start_its_first_failure_and_counts_what_it_leaves_out(limit: int):
    full = build_ladder(open_record(BURST), max_rows=10**9)
    assert len(full.rows) > 200 and not any(row.kind == "gap" for row in full.rows)
    short = build_ladder(open_record(BURST), max_rows=limit)
    drawn = [row for row in short.rows if row.kind != "gap"]
    left_out = [int(row.label.split()[1].replace(",", "")) for row in short.rows if row.kind == "gap"]
    assert len(drawn) <= limit + 1 and left_out
    assert len(drawn) + sum(left_out) == len(full.rows)
    titles = [row.title for row in full.rows]
    assert [row.title for row in drawn[: limit // 4]] == titles[: limit // 4]     # the start, as is
    failure = next(row.title for row in full.rows if row.first_error)
    assert failure in [row.title for row in drawn if row.first_error]
    it = iter(titles)
    assert all(title in it for title in (row.title for row in drawn))           # in order, nothing made up
    root = ET.fromstring(ladder_svg(short))
    texts = ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]
    assert sum("rows not drawn" in t for t in texts) == len(left_out)
