"""Every reader of files that users hand sysrec — records, summary.json, scenario files — given
random bytes and random JSON/TOML shapes: a one-line InputError at worst, never another exception
(which the CLI would show as a traceback)."""

from __future__ import annotations

import io
import json
import string
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sysrec.errors import InputError
from sysrec.record import open_record
from sysrec.record.schema import EVENTS

DATA = Path(__file__).parent / "data"
GOOD = DATA / "handmade" / "deferred-abort1.jsonl"
HEADER = GOOD.read_text().splitlines()[0]
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

scalars = st.one_of(st.none(), st.booleans(), st.integers(-2**70, 2**70),
                    st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=12))
keys = st.one_of(st.sampled_from(["$fd", "$s", "$path", "$ptr", "$vr", "$set", "$inet_pton", "n", "x",
                                  "neg", "abstract", "y", "yy", "counters", "listener", "tcp_state", "addr",
                                  "queue", "backlog", "3"]),
                 st.text(string.ascii_letters, max_size=6))
json_values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(keys, inner, max_size=4)), max_leaves=12)

field_names = sorted({key for fields in EVENTS.values() for key in fields} | {"seq", "tgid", "t"})
events = st.builds(
    lambda kind, fields: {"ev": kind, **fields},
    st.sampled_from(sorted(EVENTS) + ["other"]),
    st.dictionaries(st.sampled_from(field_names), json_values, max_size=10),
)


def _exercise_record(path: Path) -> None:
    """What show (strace, timeline, json), diff and export do with a record, in-process."""
    from sysrec.render.diff import diff_records
    from sysrec.render.perfetto import perfetto_trace
    from sysrec.render.strace_text import RenderOptions, StraceRenderer
    from sysrec.render.timeline import build_timeline, timeline_text

    record = open_record(path)
    for opts in (RenderOptions(), RenderOptions(fd_decode=2, timestamps=2, syscall_times=True, relative=True,
                                                follow=True)):
        renderer = StraceRenderer(opts, to_file=True)
        for event in record.events():
            renderer.feed(event)
    timeline_text(build_timeline(open_record(path)))
    diff_records(open_record(path), open_record(GOOD))
    perfetto_trace(open_record(path))


def _write(lines: list[bytes]) -> Path:
    handle = tempfile.NamedTemporaryFile(suffix=".jsonl", delete=False)
    with handle:
        handle.write(b"".join(line + b"\n" for line in lines))
    return Path(handle.name)


def _only_input_errors(path: Path) -> None:
    try:
        _exercise_record(path)
    except InputError:
        pass
    finally:
        path.unlink()


@SETTINGS
@given(st.lists(events, min_size=1, max_size=6))
def test_random_events_never_crash_a_renderer(batch: list[dict]) -> None:
    lines = [HEADER.encode()] + [json.dumps(e).encode() for e in batch]
    _only_input_errors(_write(lines))


@SETTINGS
@given(st.binary(max_size=200), st.booleans())
def test_random_bytes_never_crash_a_reader(blob: bytes, after_header: bool) -> None:
    lines = ([HEADER.encode()] if after_header else []) + [blob]
    _only_input_errors(_write(lines))


@SETTINGS
@given(json_values)
def test_random_summaries_are_one_line_errors(value) -> None:
    from sysrec.render.report import load_run

    with tempfile.TemporaryDirectory() as tmp:
        summary = Path(tmp) / "summary.json"
        summary.write_text(json.dumps(value))
        scenario = Path(tmp) / "s.toml"
        scenario.write_text('# x\nname = "s"\n')
        try:
            load_run(scenario, summary)
        except InputError:
            pass


toml_scalars = st.one_of(st.booleans(), st.integers(-2**40, 2**40), st.floats(), st.text(max_size=10))
toml_keys = st.sampled_from(["name", "description", "server", "client", "preload", "expect", "matrix",
                             "sysctl", "link", "command", "probe", "args", "ready", "listen", "delay",
                             "timeout", "start_timeout", "count", "stagger_ms", "trace", "follow", "keep",
                             "until_queue", "delay_ms", "loss", "seed", "kind", "says", "when", "calls",
                             "net.ipv4.tcp_syncookies", "net.core.somaxconn", "times", "exit"])
toml_values = st.recursive(toml_scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(toml_keys, inner, max_size=4)), max_leaves=10)


@SETTINGS
@given(st.dictionaries(toml_keys, toml_values, max_size=8))
def test_random_scenario_shapes_are_file_key_errors(data: dict) -> None:
    from sysrec.scenario.parse import parse_scenario

    base = {"name": "fuzz", "description": "d", "client": {"command": ["true"]}}
    for candidate in (data, {**base, **data}):
        try:
            parse_scenario(candidate, "fuzz.toml", check_programs=False)
        except InputError:
            pass


@SETTINGS
@given(st.binary(max_size=300))
def test_random_scenario_bytes_are_one_line_errors(blob: bytes) -> None:
    from sysrec.scenario.parse import load_scenario

    with tempfile.NamedTemporaryFile(suffix=".toml") as handle:
        handle.write(blob)
        handle.flush()
        try:
            load_scenario(handle.name, check_programs=False)
        except InputError:
            pass


def test_the_fuzzers_reach_the_renderers() -> None:
    """A well-formed record goes all the way through: the harness is not vacuous."""
    out = io.StringIO()
    from sysrec.render.timeline import build_timeline, timeline_text
    out.write(timeline_text(build_timeline(open_record(GOOD))))
    assert "connect" in out.getvalue()
