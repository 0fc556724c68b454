"""`sysrec show RECORD`: render a record as strace text, JSON lines, or an annotated timeline."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from sysrec.errors import InputError


def _render_strace(record: Any, ns: argparse.Namespace) -> None:
    from sysrec.commands import output_options as outopts
    from sysrec.commands.trace import load_strace_renderer, make_render_options

    recorded = record.header.get("options") or {}
    opts = make_render_options(
        strsize=ns.strsize if ns.strsize is not None else recorded.get("strsize", 32),
        fd_decode=ns.fd_decode or recorded.get("fd_decode", 0),
        timestamps=ns.timestamps or recorded.get("timestamps", 0),
        syscall_times=ns.syscall_times or recorded.get("syscall_times", False),
        relative=ns.relative or recorded.get("relative", False),
        follow=bool(recorded.get("follow", False)),
        **outopts.display_values(ns, recorded),
    )
    import dataclasses

    output = getattr(ns, "output", None)
    separate = output if output and recorded.get("output_separately") else None
    target = sys.stdout if not output or separate else outopts.open_output(output)
    renderer = outopts.wrap_renderer(
        lambda **over: load_strace_renderer()(dataclasses.replace(opts, **over), bool(recorded.get("to_file", False))),
        outopts.recorded_qualifiers(recorded), separate=separate,
        colour=not output and outopts.colour_wanted(ns, sys.stdout))
    write = target.write
    try:
        for event in record.events():
            text = renderer.feed(event)
            if text:
                write(text)
        tail = renderer.finish() if hasattr(renderer, "finish") else ""
        if tail:
            write(tail)
    finally:
        if target is not sys.stdout:
            target.close()


def _render_json(record: Any) -> None:
    dump = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
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


def main(ns: argparse.Namespace) -> int:
    from sysrec.record import open_record

    if ns.around is not None and ns.around < 0:
        raise InputError(f"--around {ns.around}: expected a number of events >= 0")
    if ns.strsize is not None and ns.strsize < 0:
        raise InputError(f"-s {ns.strsize}: the string size must be >= 0")
    record = open_record(ns.record)
    fmt = ns.format or ("timeline" if record.header.get("context") else "strace")
    try:
        if fmt == "strace":
            _render_strace(record, ns)
        elif fmt == "json":
            _render_json(record)
        else:
            _render_timeline(record, ns)
        sys.stdout.flush()
    except BrokenPipeError:
        # `sysrec show big.jsonl | head`: stop quietly, like other Unix tools
        sys.stderr.close()
        return 0
    return 0
