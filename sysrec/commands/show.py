"""`sysrec show RECORD`: render a record as strace text, JSON lines, an annotated timeline, or a
ladder diagram (SVG, to stdout or `-o FILE.svg`)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from sysrec.errors import InputError


def _render_strace(record: Any, ns: argparse.Namespace) -> None:
    from sysrec.commands import output_options as outopts
    from sysrec.commands.trace import load_strace_renderer, make_render_options, with_summary

    recorded = record.header.get("options") or {}
    opts = make_render_options(
        strsize=ns.strsize if ns.strsize is not None else recorded.get("strsize", 32),
        fd_decode=ns.fd_decode or recorded.get("fd_decode", 0),
        timestamps=ns.timestamps or recorded.get("timestamps", 0),
        syscall_times=ns.syscall_times or recorded.get("syscall_times", False),
        relative=ns.relative or recorded.get("relative", False),
        follow=bool(recorded.get("follow", False)),
        **outopts.display_values(ns, recorded),
        **outopts.abbrev_values(ns, outopts.recorded_qualifiers(recorded)),
    )
    output = getattr(ns, "output", None)
    separate = output if output and recorded.get("output_separately") else None
    target = sys.stdout if not output or separate or output == "-" else outopts.open_output(output)
    renderer = outopts.wrap_renderer(
        lambda **over: load_strace_renderer()(opts.replace(**over), bool(recorded.get("to_file", False))),
        outopts.recorded_qualifiers(recorded), separate=separate,
        colour=not output and outopts.colour_wanted(ns, sys.stdout))
    renderer = with_summary(renderer, _summary(recorded, ns))
    write = target.write
    quals = outopts.recorded_qualifiers(recorded)
    # `sysrec trace` to stderr printed its `Process N attached` notes among the lines (a
    # scenario's record, without `to_file`, printed nothing)
    live_on_stderr = recorded.get("to_file") is False
    notes = outopts.child_notes(bool(recorded.get("follow")), quals, "attach" in recorded) if live_on_stderr else None
    try:
        for event in record.events():
            if notes is not None:
                write(notes.before(event))
            text = renderer.feed(event)
            if notes is not None:
                text += notes.after(event)
            if text:
                write(text)
        tail = renderer.finish() if hasattr(renderer, "finish") else ""
        if tail:
            write(tail)
    finally:
        if target is not sys.stdout:
            target.close()


def _summary(recorded: dict, ns: argparse.Namespace) -> Any:
    """-c/-C/-S/-U/-w given to `show`, over those the record was made with."""
    from sysrec.commands.trace import summary_options
    from sysrec.render.summary import SummaryOptions

    return summary_options(ns, SummaryOptions.from_record(recorded))


def _render_json(record: Any) -> None:
    from sysrec.record.writer import LINE_BREAKS

    encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode

    def dump(obj: Any) -> str:  # one event per line, as in the record (\x85 is a line end to some)
        return encode(obj).translate(LINE_BREAKS)
    write = sys.stdout.write
    write(dump(record.header) + "\n")
    for event in record.events():
        write(dump(event) + "\n")
    if record.footer is not None:
        write(dump(record.footer) + "\n")


def _render_timeline(record: Any, ns: argparse.Namespace) -> None:
    try:
        from sysrec.render.timeline import render_timeline
    except ImportError:
        raise InputError(f"{record.path}: the timeline renderer is not available in this sysrec "
                         f"(use --format strace or --format json)") from None
    render_timeline(record, around=ns.around)


def _render_ladder(record: Any, output: str) -> None:
    from sysrec.atomic_file import atomic_output
    from sysrec.render.ladder import record_ladder_svg

    svg = record_ladder_svg(record)  # the whole picture first: a bad record leaves no file behind
    with atomic_output(output, label="-o ") as fh:
        fh.write(svg)


def main(ns: argparse.Namespace) -> int:
    from sysrec.record import open_record

    if ns.around is not None and ns.around < 0:
        raise InputError(f"--around {ns.around}: expected a number of events >= 0")
    if ns.strsize is not None and ns.strsize < 0:
        raise InputError(f"-s {ns.strsize}: the string size must be >= 0")
    record = open_record(ns.record)
    output = getattr(ns, "output", None)
    asks_summary = ns.summary_only or ns.summary_both  # the table is strace's: strace format
    fmt = ns.format
    if fmt is None and output is not None:  # a file gets strace's text, or a picture
        fmt = "ladder" if output.endswith(".svg") else "strace"
    fmt = fmt or ("timeline" if record.header.get("context") and not asks_summary else "strace")
    if output is not None and fmt not in ("ladder", "strace"):
        raise InputError(f"-o {output}: only the strace text and the ladder diagram are written to a "
                         "file (the other formats print on stdout)")
    try:
        if fmt == "strace":
            _render_strace(record, ns)
        elif fmt == "json":
            _render_json(record)
        elif fmt == "ladder":
            _render_ladder(record, output or "-")
        else:
            _render_timeline(record, ns)
        sys.stdout.flush()
    except BrokenPipeError:
        # `sysrec show big.jsonl | head`: stop quietly, like other Unix tools
        sys.stderr.close()
        return 0
    return 0
