"""The record stream: written whole line by line, read back lazily, tolerant of a cut last line."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from sysrec.record import RecordError, RecordWriter, open_record


def write_record(path: Path, n: int, footer: bool = True) -> None:
    with RecordWriter(path) as w:
        w.header(["nc", "-z", "127.0.0.1", "1"], ["connect"], True, {"strsize": 32, "fd_decode": 0, "follow": False})
        for i in range(n):
            w.event({"ev": "syscall", "pid": 1, "tgid": 1, "name": "connect", "nr": 42, "raw": [3, 0, 16, 0, 0, 0],
                     "args": [{"$fd": 3}, {"$s": "é\x00\xff", "n": 3}], "n_entry": 2, "ret": i, "errno": None,
                     "rtext": None, "raux": None, "t0": i, "t1": i + 1, "resumed": False})
        if footer:
            w.footer("exited", 0)


def test_round_trip_numbers_events_and_keeps_bytes_as_code_points(tmp_path):
    path = tmp_path / "r.jsonl"
    write_record(path, 3)
    rec = open_record(path)
    events = list(rec.events())
    assert [e["seq"] for e in events] == [1, 2, 3]
    assert events[0]["args"][1]["$s"] == "é\x00\xff"
    assert rec.footer == {**rec.footer, "end": "exited", "events": 3, "syscalls": 3}


def test_a_cut_last_line_is_tolerated(tmp_path):
    path = tmp_path / "r.jsonl"
    write_record(path, 5, footer=False)
    lines = path.read_bytes().splitlines(keepends=True)
    assert json.loads(lines[-1])["end"] == "error"  # close() without footer() says so
    path.write_bytes(b"".join(lines[:-2]) + lines[-2][:30])  # footer gone, fifth event half-written
    rec = open_record(path)
    events = list(rec.events())
    assert [e["ret"] for e in events] == [0, 1, 2, 3]
    assert rec.footer["end"] == "truncated"


def test_a_record_without_footer_ended_abnormally(tmp_path):
    path = tmp_path / "r.jsonl"
    with RecordWriter(path) as w:
        w.header(["x"], None, False, {})
        w.event({"ev": "exit", "pid": 1, "tgid": 1, "t": 0, "status": 0})
        w._out.flush()
        complete = path.read_text()
        w._footer_written = True  # simulate sysrec being killed before the footer
    path.write_text(complete)
    rec = open_record(path)
    assert len(list(rec.events())) == 1 and rec.footer["end"] == "truncated"


def test_closing_without_footer_says_error(tmp_path):
    path = tmp_path / "r.jsonl"
    w = RecordWriter(path)
    w.header(["x"], None, False, {})
    w.close()
    last = json.loads(path.read_text().splitlines()[-1])
    assert last["ev"] == "footer" and last["end"] == "error"


def test_garbage_in_the_middle_names_file_and_line(tmp_path):
    path = tmp_path / "r.jsonl"
    write_record(path, 3)
    lines = path.read_text().splitlines(keepends=True)
    lines[2] = "{not json\n"
    path.write_text("".join(lines))
    with pytest.raises(RecordError, match=r"r\.jsonl:3: not a JSON object"):
        list(open_record(path).events())


def test_reading_is_lazy(tmp_path):
    path = tmp_path / "r.jsonl"
    write_record(path, 10)
    lines = path.read_text().splitlines(keepends=True)
    path.write_text("".join(lines[:-1]))  # no footer yet: a run still going
    it = open_record(path).events()
    assert next(it)["seq"] == 1
    with open(path, "a") as fh:  # written after reading began, still seen: the file is read as we go
        fh.write(lines[-1])
    rest = list(it)
    assert len(rest) == 9 and rest[-1]["seq"] == 10


def test_writer_streams_to_a_text_stream():
    buf = io.StringIO()
    w = RecordWriter(stream=buf)
    w.header(["x"], None, False, {})
    w.event({"ev": "signal", "pid": 1, "tgid": 1, "t": 0, "sig": "SIGCHLD", "info": {}})
    w.footer("interrupted", 130)
    w.close()
    kinds = [json.loads(l)["ev"] for l in buf.getvalue().splitlines()]
    assert kinds == ["header", "signal", "footer"]
    assert json.loads(buf.getvalue().splitlines()[-1])["end"] == "interrupted"


def test_line_break_characters_in_strings_stay_inside_their_line(tmp_path):
    """Bytes such as \\x85 (NEL) come back from the tracee as code points; str.splitlines() ends
    a line there, so the writer escapes them: still one event per line, and the same strings."""
    path = tmp_path / "r.jsonl"
    strings = ["a\x85b", "\u2028\u2029", "plain", "\xe9\x85"]
    with RecordWriter(path) as w:
        w.header(["x\x85y"], None, False, {})
        for s in strings:
            w.event({"ev": "syscall", "name": "getrandom", "args": [{"$s": s}]})
        w.footer("exited", 0)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(strings) + 2
    events = [json.loads(line) for line in lines]
    assert events[0]["argv"] == ["x\x85y"]
    assert [e["args"][0]["$s"] for e in events[1:-1]] == strings


def test_show_json_keeps_one_event_per_line_with_unicode_line_breaks(tmp_path):
    """Bytes from a tracee (getrandom) may hold \\x85, which str.splitlines() takes for a line end:
    `show --format json` escapes it as the record does."""
    import subprocess
    import sys

    path = tmp_path / "r.jsonl"
    with RecordWriter(path) as w:
        w.header(["x"], None, False, {})
        w.event({"ev": "syscall", "pid": 1, "tgid": 1, "name": "getrandom", "args": [{"$s": "a\x85b\u2028c"}, 3, 0],
                 "ret": 3, "t0": 1, "t1": 2})
        w.footer("exited", 0)
    shown = subprocess.run([sys.executable, "-m", "sysrec", "show", str(path), "--format", "json"],
                           capture_output=True, text=True)
    lines = shown.stdout.splitlines()
    assert len(lines) == 3, lines
    assert json.loads(lines[1])["args"][0]["$s"] == "a\x85b\u2028c"
