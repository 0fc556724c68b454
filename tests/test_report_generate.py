"""`sysrec report`: the Markdown built from a run's records, and docs/failure-modes.md kept current."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from sysrec.errors import InputError
from sysrec.render.report import build_report, client_outcome, find_summary, runs_from_dir
from sysrec.record import open_record

ROOT = Path(__file__).parents[1]
DATA = Path(__file__).parent / "data"
SCENARIO = ROOT / "scenarios" / "accept-queue-overflow.toml"
HANDMADE_RUN = DATA / "handmade-run"
REAL = DATA / "real"
DOC = ROOT / "docs" / "failure-modes.md"

pytestmark = pytest.mark.skipif(not SCENARIO.exists(), reason="the headline scenario is not shipped yet")


def run_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sysrec", *args], capture_output=True, text=True, cwd=cwd)


def test_client_outcome_counts_what_the_client_acted_on():
    outcome = client_outcome(open_record(DATA / "handmade" / "deferred-abort1.jsonl"))
    assert outcome == "connect EINPROGRESS · pselect6 writable · getsockopt SO_ERROR=ECONNRESET · exit 1"
    outcome = client_outcome(open_record(DATA / "handmade" / "deferred-abort0.jsonl"))
    assert outcome == ("connect EINPROGRESS · pselect6 writable · getsockopt SO_ERROR=0 · recvfrom EAGAIN ×4 · exit 0")


def test_report_from_a_run_directory_has_every_part():
    text = build_report(runs_from_dir([str(SCENARIO)], HANDMADE_RUN))
    assert text.startswith("# Failure modes a TCP client sees\n")
    # the seed next to this kernel, stated plainly
    assert "5ea8ea2cb7f1" in text and "2.6.32" in text and "6.18.0-test" in text
    section = text[text.index("## accept-queue-overflow"):]
    assert "> hand-made records" in section
    rows = [line for line in section.splitlines() if line.startswith("| `tcp_abort_on_overflow=")]
    assert rows[0].startswith("| `tcp_abort_on_overflow=0` | connect EINPROGRESS") and "✔" in rows[0]
    assert "SO_ERROR=ECONNRESET" in rows[1] and "✘" in rows[1]
    why = section[section.index("### Why"):section.index("### Kernel counters")]
    assert "tcp_abort_on_overflow=1 made it answer with RST" in why
    assert "`tcp_check_req(): syn_recv_sock() fails on a full queue" in why
    assert "dropped our final ACK silently" in why
    counters = section[section.index("### Kernel counters"):section.index("### Timelines")]
    assert "| TcpExtEmbryonicRsts | +0 | +1 |" in counters
    assert "IpExtInOctets" not in counters
    timelines = section[section.index("### Timelines"):section.index("### Diff between cells")]
    assert timelines.count("```text") == 2
    assert "! getsockopt(3<TCP:[127.0.0.1:43650->127.0.0.1:10000]>, SOL_SOCKET, SO_ERROR, [ECONNRESET]" in timelines
    diff = section[section.index("### Diff between cells"):]
    assert "getsockopt(4, SOL_SOCKET, SO_ERROR, [0], [4]) = 0" in diff
    assert "getsockopt(3, SOL_SOCKET, SO_ERROR, [ECONNRESET], [4]) = 0" in diff
    assert str(DATA) not in text, "report leaks local paths"


def test_report_cli_writes_the_file_only_when_complete(tmp_path: Path):
    out = tmp_path / "report.md"
    proc = run_cli("report", str(SCENARIO), "--from", str(HANDMADE_RUN), "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    assert out.read_text() == build_report(runs_from_dir([str(SCENARIO)], HANDMADE_RUN))
    proc = run_cli("report", str(SCENARIO), "--from", str(tmp_path / "missing"), "-o", str(tmp_path / "x.md"))
    assert proc.returncode == 2 and "--from" in proc.stderr and "not a directory" in proc.stderr
    assert not (tmp_path / "x.md").exists()
    proc = run_cli("report", str(tmp_path / "nope.toml"), "--from", str(HANDMADE_RUN))
    assert proc.returncode == 2 and "nope.toml: no such scenario file" in proc.stderr


def test_summary_for_another_scenario_is_a_clear_error(tmp_path: Path):
    (tmp_path / "summary.json").write_text('{"scenario": "other", "cells": []}')
    with pytest.raises(InputError, match="no summary.json for scenario 'accept-queue-overflow' \\(found: other\\)"):
        find_summary(tmp_path, "accept-queue-overflow")
    (tmp_path / "summary.json").write_text('{"scenario": ')
    with pytest.raises(InputError, match="summary.json: not a summary.json"):
        find_summary(tmp_path, "accept-queue-overflow")


# --- docs/failure-modes.md is current ------------------------------------------------------

_CODE_BLOCK = re.compile(r"```text\n.*?```", re.S)
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


_MILLISECONDS = re.compile(r"\d+(?:\.\d+)? ms\b")


def without_timings(markdown: str) -> str:
    """Numbers inside the timeline and diff excerpts (times, ports, sequence numbers, pids) and
    durations in the explanations vary from run to run; everything else — prose, tables, counters,
    explanations — must match."""
    masked = _CODE_BLOCK.sub(lambda m: _NUMBER.sub("N", m.group(0)), markdown)
    return _MILLISECONDS.sub("N ms", masked)


def shipped_scenarios() -> list[str]:
    return sorted(str(p.relative_to(ROOT)) for p in (ROOT / "scenarios").glob("*.toml"))


def test_failure_modes_doc_is_current():
    """Regenerate from the stored records of every shipped scenario and compare with the committed doc.

    Fails when a scenario was added or changed (description, comment, cells), or the annotation
    rules changed, without storing records under tests/data/real/<scenario>/ and regenerating:
        python3 tests/data/real/refresh.py [scenarios/X.toml]
    """
    assert DOC.exists(), "docs/failure-modes.md is missing"
    regenerated = subprocess.run([sys.executable, "-m", "sysrec", "report", *shipped_scenarios(),
                                  "--from", str(REAL.relative_to(ROOT)), "--kernels", "docs/data/kernels"],
                                 capture_output=True, text=True, cwd=ROOT)
    assert regenerated.returncode == 0, regenerated.stderr
    assert without_timings(regenerated.stdout) == without_timings(DOC.read_text(encoding="utf-8")), (
        "docs/failure-modes.md is stale: regenerate it with `sysrec report $(ls scenarios/*.toml) "
        "--from tests/data/real --kernels docs/data/kernels -o docs/failure-modes.md` (or re-record: python3 tests/data/real/refresh.py)")


def test_masking_keeps_what_matters():
    a = "| TcpExtEmbryonicRsts | +0 | +2 |\n```text\n  300.000  4242 x\n```\n"
    b = "| TcpExtEmbryonicRsts | +0 | +2 |\n```text\n  301.120  4343 x\n```\n"
    c = "| TcpExtEmbryonicRsts | +0 | +1 |\n```text\n  300.000  4242 x\n```\n"
    assert without_timings(a) == without_timings(b)
    assert without_timings(a) != without_timings(c)
    assert without_timings("RST 0.01 ms after") == without_timings("RST 0.20 ms after")


@pytest.mark.kernel
def test_report_runs_the_scenario_when_no_records_are_given(tmp_path: Path):
    """Without --from the report runs each cell in its own namespace, then renders those records."""
    out = tmp_path / "report.md"
    proc = run_cli("report", str(SCENARIO), "-o", str(out), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    text = out.read_text()
    assert "| `tcp_abort_on_overflow=0` |" in text and "| `tcp_abort_on_overflow=1` |" in text
    counters = text[text.index("### Kernel counters"):text.index("### Timelines")]
    embryonic = next(line for line in counters.splitlines() if line.startswith("| TcpExtEmbryonicRsts |"))
    assert embryonic.split("|")[2].strip() == "+0" and embryonic.split("|")[3].strip() != "+0"
    # the report and its ladder diagrams; the run's records must not be left behind
    assert sorted(p.name for p in tmp_path.iterdir()) == ["img", "report.md"]
    assert sorted(p.suffix for p in (tmp_path / "img").iterdir()) == [".svg", ".svg"]
