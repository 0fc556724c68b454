"""Bad records given to the readers of records (diff, export, the timeline): one clear line, exit 2."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
GOOD = DATA / "handmade" / "deferred-abort1.jsonl"


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sysrec", *args], capture_output=True, text=True)


def commands(bad: Path, tmp_path: Path) -> list[list[str]]:
    return [["diff", str(GOOD), str(bad)], ["diff", "--json", str(bad), str(GOOD)],
            ["export", str(bad), "--perfetto", str(tmp_path / "out.json")],
            ["show", "--format", "timeline", str(bad)]]


def corrupt_middle(tmp_path: Path) -> tuple[Path, str]:
    lines = GOOD.read_text().splitlines(keepends=True)
    lines[4] = lines[4][: len(lines[4]) // 2] + "\n"  # a line cut in the middle of the record
    bad = tmp_path / "corrupt.jsonl"
    bad.write_text("".join(lines))
    return bad, f"{bad}:5:"


def wrong_schema(tmp_path: Path) -> tuple[Path, str]:
    lines = GOOD.read_text().splitlines(keepends=True)
    lines[0] = lines[0].replace('"schema":1', '"schema":99')
    bad = tmp_path / "schema99.jsonl"
    bad.write_text("".join(lines))
    return bad, f"{bad}:1: record schema 99 is not supported"


def missing(tmp_path: Path) -> tuple[Path, str]:
    bad = tmp_path / "nope.jsonl"
    return bad, f"{bad}: no such record file"


@pytest.mark.parametrize("make", [corrupt_middle, wrong_schema, missing])
def test_bad_record_names_file_and_line_and_exits_2(make, tmp_path: Path):
    bad, message = make(tmp_path)
    for argv in commands(bad, tmp_path):
        proc = run_cli(*argv)
        assert proc.returncode == 2, (argv, proc.stdout, proc.stderr)
        assert message in proc.stderr, (argv, proc.stderr)
        assert "Traceback" not in proc.stderr
        assert not (tmp_path / "out.json").exists()


def test_truncated_last_line_is_tolerated(tmp_path: Path):
    """A run killed mid-write: everything up to the last complete line is still a valid record."""
    text = GOOD.read_text()
    cut = tmp_path / "cut.jsonl"
    cut.write_text(text[: text.rindex('{"ev":"exit"') + 20])
    proc = run_cli("diff", str(GOOD), str(cut))
    assert proc.returncode == 1, proc.stderr
    assert "truncated" in proc.stdout
