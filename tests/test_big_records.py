"""Big records: every renderer streams, and diff aligns in near-linear work.

Bounds are operation counts and laziness (how much of a record has been read when the first
event comes out), never wall clock or RSS: the memory figures live in bench/run.py.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path
from typing import Any, Iterator

import pytest

from sysrec.record import open_record
from sysrec.render import align, diff, stream
from sysrec.render.stream import ordered_events, scan_record, timeline_key
from sysrec.render.timeline import Gap, TimelineRow, iter_around

DATA = Path(__file__).parent / "data"
REAL = sorted((DATA / "real").glob("**/*.jsonl"))
sys.path.insert(0, str(Path(__file__).parents[1] / "bench"))
from big_record import write_big_record  # noqa: E402


class CountingRecord:
    """A record whose readers count the events they have parsed so far."""

    def __init__(self, path: Path) -> None:
        self.inner = open_record(path)
        self.header = self.inner.header
        self.path = self.inner.path
        self.read = 0

    @property
    def footer(self) -> Any:
        return self.inner.footer

    def events(self) -> Iterator[dict[str, Any]]:
        for event in self.inner.events():
            self.read += 1
            yield event


def with_packets() -> Path:
    for path in REAL:
        if any(e["ev"] == "packet" for e in open_record(path).events()):
            return path
    pytest.skip("no stored record with packets")


# --- timeline order -------------------------------------------------------------------------

@pytest.mark.parametrize("path", REAL[:6], ids=lambda p: p.parent.name)
def test_streamed_order_is_the_sorted_order(path: Path):
    record = open_record(path)
    assert list(ordered_events(record)) == sorted(record.events(), key=timeline_key)


def test_packets_are_merged_without_reading_ahead():
    """The first event out of the merge costs one syscall read, however long the record."""
    record = CountingRecord(with_packets())
    scan = scan_record(record)  # type: ignore[arg-type]
    assert scan.in_order and scan.packets
    record.read = 0
    events = ordered_events(record, scan)  # type: ignore[arg-type]
    first = next(events)
    assert record.read <= 2, f"{record.read} events read before the first came out"
    rest = list(events)
    assert [first] + rest == sorted(open_record(record.path).events(), key=timeline_key)


def test_out_of_order_records_are_sorted_through_spilled_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    source = with_packets()
    lines = source.read_text().splitlines()
    body = lines[1:-1]
    random.Random(7).shuffle(body)     # threads, hand edits: file order says nothing
    shuffled = tmp_path / "shuffled.jsonl"
    shuffled.write_text("\n".join([lines[0], *body, lines[-1]]) + "\n")
    spills: list[int] = []
    real_spill = stream._spill
    monkeypatch.setattr(stream, "_spill", lambda items: spills.append(1) or real_spill(items))
    monkeypatch.setattr(stream, "RUN_EVENTS", 5)
    monkeypatch.setattr(stream, "MAX_RUNS", 3)   # forces runs to be merged before the end, too
    record = open_record(shuffled)
    scan = scan_record(record)
    assert not scan.in_order
    spills.clear()
    got = list(ordered_events(record, scan))
    assert got == sorted(open_record(shuffled).events(), key=timeline_key)
    assert len(spills) > len(body) // 5, "the sort held the record in memory instead of spilling"
    # and the evidence the annotator needs does not depend on file order
    assert scan.flows == scan_record(open_record(source)).flows


def test_timeline_of_a_shuffled_record_reads_as_the_original(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from sysrec.render.timeline import build_timeline, timeline_text

    source = with_packets()
    lines = source.read_text().splitlines()
    body = lines[1:-1]
    random.Random(3).shuffle(body)
    shuffled = tmp_path / "shuffled.jsonl"
    shuffled.write_text("\n".join([lines[0], *body, lines[-1]]) + "\n")
    monkeypatch.setattr(stream, "RUN_EVENTS", 7)
    assert timeline_text(build_timeline(open_record(shuffled))) == timeline_text(build_timeline(open_record(source)))


# --- --around as a streaming window ---------------------------------------------------------

def reference_around(rows: list[TimelineRow], n: int) -> list[Any]:
    """What --around meant when it had the whole list: keep rows within n of a centre."""
    centres = [bool(r.interesting) for r in rows]
    if not any(centres):
        centres = [r.annotation is not None for r in rows]
    keep = [any(centres[max(0, i - n):i + n + 1]) for i in range(len(rows))]
    out: list[Any] = []
    hidden = 0
    for row, kept in zip(rows, keep):
        if kept:
            if hidden:
                out.append(("gap", hidden))
                hidden = 0
            out.append(row)
        else:
            hidden += row.repeat
    if hidden:
        out.append(("gap", hidden))
    return out


@pytest.mark.parametrize("seed", range(40))
def test_around_window_matches_the_whole_list_definition(seed: int):
    from sysrec.annotate import Annotation

    rng = random.Random(seed)
    rows = []
    for i in range(rng.randrange(0, 40)):
        row = TimelineRow(seq=i, t_ms=float(i), pid=1, kind="syscall", call=f"c{i}", result="0",
                          repeat=rng.choice((1, 1, 2, 5)))
        row.error = rng.random() < 0.05 * (seed % 3)
        if rng.random() < 0.1:
            row.annotation = Annotation("r", "t", "ref", key=False)
        rows.append(row)
    calls = []

    def make_rows() -> Iterator[TimelineRow]:
        calls.append(1)
        return iter(rows)

    n = rng.randrange(0, 4)
    got = [("gap", item.hidden) if isinstance(item, Gap) else item for item in iter_around(make_rows, n)]
    assert got == reference_around(rows, n)
    rerun = not any(r.interesting for r in rows) and any(r.annotation is not None for r in rows)
    assert len(calls) == (2 if rerun else 1)


# --- perfetto, written as it goes -------------------------------------------------------------

def test_perfetto_file_is_the_trace_dict(tmp_path: Path):
    from sysrec.render.perfetto import perfetto_trace, write_perfetto

    path = with_packets()
    out = tmp_path / "trace.json"
    count = write_perfetto(open_record(path), out)
    written = json.loads(out.read_text())
    assert written == perfetto_trace(open_record(path))
    assert count == len(written["traceEvents"]) > 0


# --- diff: alignment work --------------------------------------------------------------------

def dd_keys(n: int) -> list[int]:
    return [i % 2 for i in range(n)]          # read, write, read, write…


def test_repetitive_sequences_align_without_quadratic_work():
    """difflib alone would look at about N·M = 4·10^10 key pairs here."""
    a = dd_keys(200_000)
    b = a[:120_000] + [5] + a[120_000:]        # one extra call in the middle
    stats = align.AlignStats()
    ops = align.opcodes(a, b, stats)
    assert [op for op in ops if op[0] != "equal"] == [("insert", 120_000, 120_000, 120_000, 120_001)]
    work = len(a) + len(b)
    assert stats.key_visits <= 4 * work and stats.window_cells <= 10 * work


def test_anchored_alignment_finds_every_match_of_distinct_keys():
    rng = random.Random(1)
    a = rng.sample(range(10**9), 100_000)
    b = list(a)
    removed = sorted(rng.sample(range(len(b)), 300), reverse=True)
    for i in removed:
        del b[i]
    for k in range(200):
        b.insert(rng.randrange(len(b)), -k - 1)   # keys a has not
    stats = align.AlignStats()
    ops = align.opcodes(a, b, stats)
    assert sum(i2 - i1 for op, i1, i2, _, _ in ops if op == "equal") == len(a) - 300
    for op, i1, i2, j1, j2 in ops:
        if op == "equal":
            assert a[i1:i2] == b[j1:j2]
    assert stats.window_cells <= align.WINDOW_SIDE * (len(a) + len(b))


def test_anchorless_regions_are_windowed_not_quadratic():
    rng = random.Random(2)
    a = [rng.randrange(3) for _ in range(20_000)]
    b = [rng.randrange(3) for _ in range(20_000)]
    stats = align.AlignStats()
    ops = align.opcodes(a, b, stats)
    assert stats.window_cells <= align.WINDOW_SIDE * (len(a) + len(b)) < len(a) * len(b) // 10
    i = j = 0
    for op, i1, i2, j1, j2 in ops:       # the opcodes still cover both sides exactly once
        assert (i1, j1) == (i, j)
        i, j = i2, j2
        if op == "equal":
            assert a[i1:i2] == b[j1:j2]
    assert (i, j) == (len(a), len(b))


def test_small_inputs_keep_difflibs_answer():
    import difflib

    rng = random.Random(4)
    a = [rng.randrange(5) for _ in range(300)]
    b = [rng.randrange(5) for _ in range(300)]
    assert align.opcodes(a, b) == difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes()


def test_generated_records_diff_in_bounded_work(tmp_path: Path):
    n = 20_000
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    write_big_record(str(a), n)
    write_big_record(str(b), n, variant=999)      # every 999th read comes back short
    stats = align.AlignStats()
    result = diff.diff_records(open_record(a), open_record(b), stats)
    changed = [item for item in result.items if item.op == "changed"]
    assert len(changed) == len(range(1, n + 1, 2 * 999))        # odd seqs that are 1 mod 999
    assert all('read(0, "", 1) = 0' == item.b.line for item in changed)
    assert all(item.op in ("same", "changed") for item in result.items)
    assert sum(item.count for item in result.items) == n + 1      # every syscall and the exit
    assert stats.window_cells == 0 and stats.key_visits <= 2 * (2 * n + 2)
    assert len(result.items) <= 2 * len(changed) + 1              # the equal runs are folded


def test_diff_read_side_by_side_says_the_same(monkeypatch: pytest.MonkeyPatch):
    abort0, abort1 = DATA / "handmade" / "deferred-abort0.jsonl", DATA / "handmade" / "deferred-abort1.jsonl"
    alone = diff.diff_records(open_record(abort0), open_record(abort1))
    monkeypatch.setattr(diff, "PARALLEL_BYTES", 0)
    paired = diff.diff_records(open_record(abort0), open_record(abort1))
    assert paired.to_json() == alone.to_json() and diff.diff_text(paired) == diff.diff_text(alone)
