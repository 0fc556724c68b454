"""Annotated timelines of stored records: golden text, --around, collapsing, colour only on terminals."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sysrec.record import open_record
from sysrec.render.timeline import Gap, build_timeline, render_timeline, select_around, timeline_text

DATA = Path(__file__).parent / "data"
GOLDEN = DATA / "golden"
UPDATE = os.environ.get("SYSREC_UPDATE_GOLDEN") == "1"


def stored_records() -> list[Path]:
    return sorted((DATA / "handmade").glob("*.jsonl")) + sorted((DATA / "real").glob("**/*.jsonl"))


def golden_path(record: Path) -> Path:
    rel = record.relative_to(DATA).with_suffix("")
    return GOLDEN / ("__".join(rel.parts) + ".timeline.txt")


@pytest.mark.parametrize("record", stored_records(), ids=lambda p: str(p.relative_to(DATA)))
def test_timeline_matches_golden(record: Path):
    text = timeline_text(build_timeline(open_record(record)))
    golden = golden_path(record)
    if UPDATE:
        golden.write_text(text, encoding="utf-8")
    assert golden.exists(), f"no golden file {golden}; run with SYSREC_UPDATE_GOLDEN=1 and review it"
    assert text == golden.read_text(encoding="utf-8")


def test_abort1_timeline_says_why_the_client_saw_econnreset():
    text = timeline_text(build_timeline(open_record(DATA / "handmade" / "deferred-abort1.jsonl")))
    lines = text.splitlines()
    marked = [line for line in lines if "! getsockopt" in line]
    assert len(marked) == 1 and "[ECONNRESET]" in marked[0], "first error not marked"
    reset = lines.index(marked[0])
    assert "+1 TcpExtEmbryonicRsts" in lines[reset + 1]
    assert "tcp_abort_on_overflow=1 made it answer with RST" in lines[reset + 2]
    assert "tcp_check_req()" in lines[reset + 3]


def test_repeated_identical_events_collapse():
    timeline = build_timeline(open_record(DATA / "handmade" / "deferred-abort0.jsonl"))
    eagain = [row for row in timeline.rows if row.name == "recvfrom"]
    assert len(eagain) == 1 and eagain[0].repeat == 4
    full = build_timeline(open_record(DATA / "handmade" / "deferred-abort0.jsonl"), collapse=False)
    assert len([row for row in full.rows if row.name == "recvfrom"]) == 4


def test_around_keeps_neighbours_of_interesting_rows_and_counts_the_rest():
    timeline = build_timeline(open_record(DATA / "handmade" / "deferred-abort1.jsonl"))
    items = select_around(timeline.rows, 1)
    shown = [item for item in items if not isinstance(item, Gap)]
    hidden = sum(item.hidden for item in items if isinstance(item, Gap))
    assert any(row.first_error for row in shown)
    assert len(shown) < len(timeline.rows)
    assert len(shown) + hidden == sum(row.repeat for row in timeline.rows)
    for i, row in enumerate(timeline.rows):
        near = any(r.interesting for r in timeline.rows[max(0, i - 1):i + 2])
        assert (row in shown) == near
    text = timeline_text(timeline, around=1)
    assert text.splitlines()[2].strip() == "… 8 events …" and "socket(" not in text


def test_plain_text_when_not_a_terminal_and_colour_on_one():
    from rich.console import Console

    record = open_record(DATA / "handmade" / "deferred-abort1.jsonl")
    plain = io.StringIO()
    render_timeline(record, console=Console(file=plain, force_terminal=False, width=200))
    assert "\x1b[" not in plain.getvalue()
    assert plain.getvalue() == timeline_text(build_timeline(record))
    tty = io.StringIO()
    render_timeline(record, console=Console(file=tty, force_terminal=True, color_system="truecolor", width=200))
    out = tty.getvalue()
    assert "\x1b[" in out
    assert "ECONNRESET" in out and "TcpExtEmbryonicRsts" in out


def test_show_timeline_from_the_command_line_when_show_is_wired():
    if not (Path(__file__).parents[1] / "sysrec" / "commands" / "show.py").exists():
        pytest.skip("sysrec show is not wired yet")
    proc = subprocess.run([sys.executable, "-m", "sysrec", "show", "--format", "timeline",
                           str(DATA / "handmade" / "deferred-abort1.jsonl")], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == timeline_text(build_timeline(open_record(DATA / "handmade" / "deferred-abort1.jsonl")))


def test_waits_that_differ_only_in_time_left_collapse():
    from sysrec.render.timeline import TimelineRow, collapse_repeats

    def wait(left: int) -> TimelineRow:
        return TimelineRow(seq=left, t_ms=float(left), pid=1, kind="syscall",
                           call="pselect6(4, NULL, [3], NULL, {tv_sec=1, tv_nsec=0}, NULL)",
                           result=f"1 (out [3], left {{tv_sec=0, tv_nsec={left}}})")

    rows = collapse_repeats([wait(5), wait(7), wait(9)])
    assert len(rows) == 1 and rows[0].repeat == 3 and rows[0].t_last_ms == 9.0
    other = TimelineRow(seq=10, t_ms=10.0, pid=1, kind="syscall", call=wait(1).call, result="0 (Timeout)")
    assert len(collapse_repeats([wait(5), other])) == 2


def test_job_control_and_execve_lines_read_as_strace_prints_them():
    from sysrec.render.timeline import exit_line, signal_line
    assert signal_line({"ev": "signal", "sig": "SIGSTOP", "stopped": True}) == "--- stopped by SIGSTOP ---"
    assert signal_line({"ev": "signal", "sig": "SIGCONT"}) == "--- SIGCONT ---"
    assert exit_line({"ev": "exit", "superseded_by": 4242}) == "+++ superseded by execve in pid 4242 +++"
    assert exit_line({"ev": "exit", "status": 3}) == "+++ exited with 3 +++"
