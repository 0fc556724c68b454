"""Command line: parses arguments and hands them to one command module.

Kept free of heavy imports (rich, construct, ptrace) so that `sysrec --help` stays fast; each
command module imports what it needs when it runs.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from typing import Sequence

from sysrec import __version__
from sysrec.errors import SysrecError


def _add_render_options(p: argparse.ArgumentParser) -> None:
    """strace's display flags, shared by `trace` and `show`."""
    p.add_argument("-s", dest="strsize", type=int, default=None, metavar="N",
                   help="maximum string size to print (default 32)")
    p.add_argument("-y", dest="fd_decode", action="count", default=0,
                   help="print paths for fds (-yy: protocol endpoints, from the tracee's netns)")
    p.add_argument("-t", dest="timestamps", action="count", default=0,
                   help="prefix lines with the time of day (-tt: with microseconds, -ttt: epoch)")
    p.add_argument("-T", dest="syscall_times", action="store_true",
                   help="show the time spent in each syscall")
    p.add_argument("-r", dest="relative", action="store_true",
                   help="prefix lines with the time since the previous line")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sysrec",
        description="Record what a TCP client asks the kernel and what comes back, and explain why.",
    )
    parser.add_argument("--version", action="version", version=f"sysrec {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    trace = sub.add_parser(
        "trace", help="trace a command like strace, on the network syscall set",
        description="Trace CMD under ptrace; print strace-identical lines and optionally a JSONL record.",
    )
    trace.add_argument("-f", dest="follow", action="store_true",
                       help="follow forks, vforks, clones and threads")
    trace.add_argument("-e", dest="expr", action="append", default=[], metavar="trace=SET",
                       help="syscalls to trace: names and classes %%network/%%net, comma separated")
    trace.add_argument("-o", dest="output", metavar="FILE", help="write the trace to FILE instead of stderr")
    _add_render_options(trace)
    trace.add_argument("--record", metavar="FILE.jsonl", help="also write a structured record")
    trace.add_argument("--no-seccomp", dest="seccomp", action="store_false",
                       help="stop at every syscall (PTRACE_SYSCALL) instead of a seccomp-BPF filter")
    trace.add_argument("cmd", nargs=argparse.REMAINDER, metavar="CMD [ARG...]")

    show = sub.add_parser("show", help="render a record",
                          description="Render a JSONL record as strace text, an annotated timeline, or JSON.")
    show.add_argument("record", metavar="RECORD.jsonl")
    show.add_argument("--format", choices=["strace", "json", "timeline"], default=None,
                      help="strace (default for `sysrec trace` records), timeline (default for scenario records), json")
    show.add_argument("--around", type=int, default=None, metavar="N",
                      help="timeline: only N events around each interesting event")
    _add_render_options(show)

    run = sub.add_parser("run", help="run a scenario's matrix of kernel settings",
                         description="Run every cell of a scenario in its own network namespace, trace the client, check expectations.")
    run.add_argument("scenario", metavar="SCENARIO.toml")
    run.add_argument("--set", dest="pins", action="append", default=[], metavar="NAME=VALUE",
                     help="pin a sysctl to one value (shrinks the matrix)")
    run.add_argument("--repeat", type=int, default=1, metavar="N", help="runs per cell")
    run.add_argument("--out", metavar="DIR", help="write records and summary.json under DIR")
    run.add_argument("--json", action="store_true", help="print the summary as JSON instead of the table")
    run.add_argument("--jobs", type=int, default=1, metavar="N", help="cells run in parallel")
    run.add_argument("--diff", action="store_true", help="after the run, diff the matrix cells pairwise")
    run.add_argument("--no-capture", dest="capture", action="store_false",
                     help="do not capture packets in the namespace")

    diff = sub.add_parser("diff", help="diff two records or two cells of a run",
                          description="Align two records by syscall sequence and show where they diverge. Exit 0 when equal, 1 when different.")
    diff.add_argument("a", metavar="A")
    diff.add_argument("b", metavar="B")
    diff.add_argument("--json", action="store_true", help="machine-readable diff")

    report = sub.add_parser("report", help="write the failure-mode report (Markdown)",
                            description="Run scenarios (or read --from DIR) and write a Markdown report.")
    report.add_argument("scenarios", nargs="+", metavar="SCENARIO.toml")
    report.add_argument("-o", dest="output", metavar="FILE.md", help="write to FILE.md instead of stdout")
    report.add_argument("--from", dest="from_dir", metavar="DIR", help="read records of an earlier `sysrec run --out DIR`")
    report.add_argument("--repeat", type=int, default=1, metavar="N", help="runs per cell when running")

    export = sub.add_parser("export", help="export a record for other tools",
                            description="Export a record as Perfetto/Chrome trace JSON or as a pcap capture.")
    export.add_argument("record", metavar="RECORD.jsonl")
    export.add_argument("--perfetto", metavar="FILE.json", help="Chrome trace-event JSON for ui.perfetto.dev")
    export.add_argument("--pcap", metavar="FILE.pcap", help="the record's packets as a pcap file")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    ns = parser.parse_args(argv)
    module = importlib.import_module(f"sysrec.commands.{ns.command}")
    try:
        return int(module.main(ns))
    except SysrecError as err:
        print(f"sysrec: {err}", file=sys.stderr)
        return err.exit_status
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
