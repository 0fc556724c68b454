"""Command line: parses arguments and hands them to one command module.

Kept free of heavy imports (rich, construct, ptrace, even typing) so that `sysrec --help` stays
fast and `sysrec trace` starts the traced program soon; each command module imports what it
needs when it runs.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from sysrec import __version__
from sysrec.errors import SysrecError, stop_like_ctrl_c

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence


class _HelpFormatter(argparse.HelpFormatter):
    """argparse's formatter, with the terminal width found without importing shutil (argparse
    builds a formatter for every add_argument; shutil and its compression modules cost ~1.5 ms),
    once per parser built (`columns`, set by build_parser) rather than once per formatter."""

    columns: int | None = None

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24,
                 width: int | None = None) -> None:
        if width is None:
            width = (self.columns or _terminal_columns()) - 2
        super().__init__(prog, indent_increment, max_help_position, width)


def _terminal_columns() -> int:
    """shutil.get_terminal_size().columns: $COLUMNS, else the terminal on stdout, else 80."""
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns or 80


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


class _StoreWithSpelling(argparse.Action):
    """Stores the value and, in DEST_flag, the option as typed (strace's message for a bad
    value names `-O` or `--summary-syscall-overhead`, whichever was given)."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: object, option_string: str | None = None) -> None:
        setattr(namespace, self.dest, values)
        setattr(namespace, f"{self.dest}_flag", option_string)


def _add_summary_options(p: argparse.ArgumentParser) -> None:
    """strace's call summary flags (sysrec.render.summary), shared by `trace` and `show`."""
    p.add_argument("-c", "--summary-only", dest="summary_only", action="store_true",
                   help="count calls, errors and time per syscall; print the table instead of the lines")
    p.add_argument("-C", "--summary", dest="summary_both", action="store_true",
                   help="like -c, but print the lines too")
    p.add_argument("-S", "--summary-sort-by", dest="summary_sort", metavar="SORTBY",
                   help="sort the table by time (default), min-time, max-time, avg-time, calls, errors, name, nothing")
    p.add_argument("-U", "--summary-columns", dest="summary_columns", metavar="COLUMNS",
                   help="table columns: time-percent, total-time, min-time, max-time, avg-time, calls, errors, name")
    p.add_argument("-w", "--summary-wall-clock", dest="summary_wall_clock", action="store_true",
                   help="summarise wall-clock time (sysrec's times are always wall-clock: see docs)")
    p.add_argument("-O", "--summary-syscall-overhead", dest="summary_overhead", metavar="OVERHEAD[UNIT]",
                   action=_StoreWithSpelling,
                   help="subtract OVERHEAD (default unit: us; s, ms, us, ns) from each call's time")


class _NoAbbrev(argparse.Action):
    """-v: on `trace`, strace's `-e abbrev=none` in its place among the -e arguments (a later
    -e abbrev= overrides it, an earlier one is overridden); on `show`, print the record's full
    forms."""

    def __call__(self, parser: argparse.ArgumentParser, ns: argparse.Namespace, values: object,
                 option: str | None = None) -> None:
        expressions = getattr(ns, "expr", None)
        if isinstance(expressions, list):
            ns.expr = [*expressions, "abbrev=none"]
        else:
            ns.verbose = True


def _add_output_options(p: argparse.ArgumentParser) -> None:
    """strace's output-form flags (sysrec.render.filters, issue #12), shared by trace and show."""
    p.add_argument("-x", dest="xflag", action="count", default=0,
                   help="print non-ASCII strings in hex (-xx: every string)")
    p.add_argument("-a", dest="acolumn", metavar="COLUMN", default=None,
                   help="alignment COLUMN for the return value (default 40)")
    p.add_argument("-n", dest="syscall_numbers", action="store_true",
                   help="print the syscall number")
    p.add_argument("-v", "--no-abbrev", dest="verbose", action=_NoAbbrev, nargs=0, default=False,
                   help="print structs, arrays and environments unabbreviated (show: what the record holds)")
    p.add_argument("--color", "--colour", dest="color", choices=["auto", "always", "never"], default=None,
                   help="colour failed calls, signals and exits (auto: on a terminal without NO_COLOR)")


def _add_output_trace_options(p: argparse.ArgumentParser) -> None:
    """strace's output filters and program-environment flags (issue #12), for trace only."""
    p.add_argument("-A", dest="append", action="store_true",
                   help="open the -o file(s) in append mode")
    p.add_argument("-z", dest="status_flags", action="append_const", const="z",
                   help="print only syscalls that returned without an error")
    p.add_argument("-Z", dest="status_flags", action="append_const", const="Z",
                   help="print only syscalls that returned with an error")
    p.add_argument("-q", dest="quiet", action="count", default=0,
                   help="suppress attach messages (-qq: exit messages too, -qqq: everything)")
    p.add_argument("-E", dest="env", action="append", default=[], metavar="VAR[=VAL]",
                   help="put VAR=VAL in the command's environment, or remove VAR")
    p.add_argument("-i", dest="instruction_pointer", action="store_true",
                   help="print the instruction pointer at the time of the syscall")
    p.add_argument("-Y", dest="decode_comm", action="store_true",
                   help="print command names beside pids (--decode-pids=comm)")
    p.add_argument("--decode-pids", dest="decode_pids", metavar="comm",
                   help="comm: as -Y")
    p.add_argument("-X", "--const-print-style", dest="xlat_style", metavar="FORMAT", default=None,
                   help="constants and flags: raw (numbers), abbrev (names, the default), verbose (both)")
    p.add_argument("-u", dest="username", metavar="USERNAME",
                   help="run the command as USERNAME (root only)")
    p.add_argument("-P", dest="paths", action="append", default=[], metavar="PATH",
                   help="trace only syscalls that touch PATH (a path argument, or an fd open on it)")


class _PrefixedExpression(argparse.Action):
    """--inject=SPEC / --fault=SPEC: the same as -e inject=SPEC / -e fault=SPEC."""

    def __call__(self, parser: argparse.ArgumentParser, ns: argparse.Namespace, value: object,
                 option: str | None = None) -> None:
        getattr(ns, self.dest).append(f"{self.const}={value}")


def _add_inject_options(p: argparse.ArgumentParser) -> None:
    """strace's syscall tampering (sysrec.tracer.inject), for trace only."""
    p.add_argument("--inject", dest="expr", action=_PrefixedExpression, const="inject",
                   metavar="SET:...",
                   help="as -e inject=SET:error=ERRNO|retval=N[:signal=SIG][:syscall=NAME][:delay_enter=D]"
                        "[:delay_exit=D][:poke_enter=@argN=HEX,...][:poke_exit=...][:when=EXPR]")
    p.add_argument("--fault", dest="expr", action=_PrefixedExpression, const="fault",
                   metavar="SET:...",
                   help="as -e fault=SET[:error=ERRNO][:when=EXPR] (default error ENOSYS)")
    p.add_argument("--abbrev", dest="expr", action=_PrefixedExpression, const="abbrev", metavar="SET",
                   help="as -e abbrev=SET: abbreviate the structs of these syscalls only (-v: none)")
    p.add_argument("--verbose", dest="expr", action=_PrefixedExpression, const="verbose", metavar="SET",
                   help="as -e verbose=SET: decode the structs of these syscalls only (others: addresses)")


def _add_attach_options(p: argparse.ArgumentParser) -> None:
    """strace's -p (sysrec.tracer.attach, issue #12), for trace only."""
    p.add_argument("-p", dest="attach", action="append", default=[], metavar="PID",
                   help="trace the running process PID (repeatable, or PID,PID...; -f: all its threads "
                        "and new children); Ctrl-C detaches and leaves it running")


def _trace_arguments(trace: argparse.ArgumentParser) -> None:
    trace.add_argument("-f", dest="follow", action="count", default=0,
                       help="follow forks, vforks, clones and threads (-ff with -o FILE: FILE.PID per process)")
    trace.add_argument("-e", dest="expr", action="append", default=[], metavar="trace=SET",
                       help="syscalls to trace, as strace: names, %%classes, /regex, !negation, ?optional; "
                            "default: all (a set is filtered by a seccomp-BPF filter)")
    trace.add_argument("-o", dest="output", metavar="FILE", help="write the trace to FILE instead of stderr")
    _add_render_options(trace)
    _add_summary_options(trace)
    _add_output_options(trace)
    _add_output_trace_options(trace)
    _add_inject_options(trace)
    _add_attach_options(trace)
    trace.add_argument("--record", metavar="FILE.jsonl", help="also write a structured record")
    trace.add_argument("--no-seccomp", dest="seccomp", action="store_false",
                       help="stop at every syscall (PTRACE_SYSCALL) instead of a seccomp-BPF filter")
    trace.add_argument("cmd", nargs=argparse.REMAINDER, metavar="CMD [ARG...]")


def _show_arguments(show: argparse.ArgumentParser) -> None:
    show.add_argument("record", metavar="RECORD.jsonl")
    show.add_argument("--format", choices=["strace", "json", "timeline", "ladder"], default=None,
                      help="strace (default for `sysrec trace` records), timeline (default for scenario records), "
                           "json, ladder (an SVG sequence diagram of syscalls and packets)")
    show.add_argument("--around", type=int, default=None, metavar="N",
                      help="timeline: only N events around each interesting event")
    _add_render_options(show)
    _add_summary_options(show)
    _add_output_options(show)
    show.add_argument("-o", dest="output", metavar="FILE", default=None,
                      help="write to FILE: the strace text (a record of `trace -ff -o`: FILE.PID per "
                           "process), or the ladder diagram (--format ladder, or a FILE.svg)")


def _run_arguments(run: argparse.ArgumentParser) -> None:
    run.add_argument("scenarios", nargs="+", metavar="SCENARIO",
                     help="a scenario file, or the name of a shipped scenario (see `sysrec scenarios`); "
                          "several with --kernel (all run in one boot per kernel)")
    run.add_argument("--set", dest="pins", action="append", default=[], metavar="NAME=VALUE",
                     help="pin a sysctl, or a [matrix] \"var.NAME\", to one value (shrinks the matrix)")
    run.add_argument("--repeat", type=int, default=1, metavar="N", help="runs per cell")
    run.add_argument("--out", metavar="DIR", help="write records and summary.json under DIR")
    run.add_argument("--json", action="store_true", help="print the summary as JSON instead of the table")
    run.add_argument("--jobs", type=int, default=1, metavar="N", help="cells run in parallel")
    run.add_argument("--diff", action="store_true",
                     help="after the run, diff the matrix cells pairwise (with several --kernel: each cell across kernels)")
    run.add_argument("--no-capture", dest="capture", action="store_false",
                     help="do not capture packets in the namespace")
    run.add_argument("--allow-foreign-out", action="store_true",
                     help="as root, write into an --out directory that belongs to another user")
    run.add_argument("--kernel", dest="kernels", action="append", default=[], metavar="SPEC",
                     help="run in a guest booting this kernel (repeatable): host, 6.1, 6.12, a Debian "
                          "linux-image-… package, or a path to a vmlinuz with lib/modules beside it; "
                          "needs qemu and virtme-ng (pip install 'sysrec[kernels]')")


def _diff_arguments(diff: argparse.ArgumentParser) -> None:
    diff.add_argument("a", metavar="A")
    diff.add_argument("b", metavar="B")
    diff.add_argument("--json", action="store_true", help="machine-readable diff")


def _report_arguments(report: argparse.ArgumentParser) -> None:
    report.add_argument("scenarios", nargs="+", metavar="SCENARIO",
                        help="scenario files, or names of shipped scenarios (see `sysrec scenarios`)")
    report.add_argument("-o", dest="output", metavar="FILE.md",
                        help="write the Markdown to FILE.md instead of stdout, and each cell's ladder "
                             "diagram to img/<scenario>-<cell>.svg beside it")
    report.add_argument("--html", metavar="FILE.html",
                        help="also (or only) write one self-contained HTML page: tables, ladder diagrams, "
                             "timelines and diffs")
    report.add_argument("--from", dest="from_dir", metavar="DIR",
                        help="read records of an earlier `sysrec run --out DIR` (with --kernel: a kernel × cell table)")
    report.add_argument("--kernels", dest="kernels_dir", metavar="DIR",
                        help="add the kernel × cell table of a `sysrec run --kernel … --out DIR` (or of its "
                             "compact copy, docs/data/kernels) to the report")
    report.add_argument("--repeat", type=int, default=1, metavar="N", help="runs per cell when running")


def _scenarios_arguments(scenarios: argparse.ArgumentParser) -> None:
    scenarios.add_argument("--paths", action="store_true", help="print each scenario's file instead of its description")


def _doctor_arguments(doctor: argparse.ArgumentParser) -> None:
    pass


def _export_arguments(export: argparse.ArgumentParser) -> None:
    export.add_argument("record", metavar="RECORD.jsonl")
    export.add_argument("--perfetto", metavar="FILE.json", help="Chrome trace-event JSON for ui.perfetto.dev")
    export.add_argument("--pcap", metavar="FILE.pcap", help="the record's packets as a pcap file")


# command -> (help, description, its arguments)
COMMANDS: dict[str, tuple[str, str, Callable[[argparse.ArgumentParser], None]]] = {
    "trace": ("trace a command like strace",
              "Trace CMD under ptrace; print strace-identical lines and optionally a JSONL record.",
              _trace_arguments),
    "show": ("render a record",
             "Render a JSONL record as strace text, an annotated timeline, or JSON.",
             _show_arguments),
    "run": ("run a scenario's matrix of kernel settings",
            "Run every cell of a scenario in its own network namespace, trace the client, check expectations.",
            _run_arguments),
    "diff": ("diff two records or two cells of a run",
             "Align two records by syscall sequence and show where they diverge. Exit 0 when equal, 1 when different.",
             _diff_arguments),
    "report": ("write the failure-mode report (Markdown, HTML)",
               "Run scenarios (or read --from DIR) and write a Markdown report (-o) or an HTML page (--html).",
               _report_arguments),
    "scenarios": ("list the shipped scenarios",
                  "List the scenarios shipped with sysrec, by name, with their descriptions. "
                  "`sysrec run NAME` runs one.",
                  _scenarios_arguments),
    "doctor": ("check what this machine can do for sysrec",
               "Probe namespaces, tracing, NFQUEUE, packet capture, veth, tools, qemu, KVM and virtme-ng; "
               "each line ok or missing with a fix. Exit 0 when the core (namespaces and tracing) works.",
               _doctor_arguments),
    "export": ("export a record for other tools",
               "Export a record as Perfetto/Chrome trace JSON or as a pcap capture.",
               _export_arguments),
}


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The whole command line; with `only`, the other commands are left out (each subparser
    costs ~0.3 ms of argparse and gettext lookups, on the way to a traced program's start)."""
    _HelpFormatter.columns = _terminal_columns()
    parser = argparse.ArgumentParser(
        prog="sysrec", formatter_class=_HelpFormatter,
        description="Record what a TCP client asks the kernel and what comes back, and explain why.",
    )
    parser.add_argument("--version", action="version", version=f"sysrec {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name, (help_text, description, add_arguments) in COMMANDS.items():
        if only is None or only == name:
            command = sub.add_parser(name, help=help_text, description=description,
                                     formatter_class=_HelpFormatter)
            add_arguments(command)
    return parser


def _command_in(argv: Sequence[str]) -> str | None:
    """The command argparse will pick when it comes first; None when a top-level option comes
    before it (`sysrec -h trace` lists every command)."""
    return argv[0] if argv and argv[0] in COMMANDS else None


def main(argv: Sequence[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(only=_command_in(args))
    ns = parser.parse_args(args)
    module = importlib.import_module(f"sysrec.commands.{ns.command}")
    if ns.command != "trace":  # the tracer handles signals itself (its tracees must not be left)
        stop_like_ctrl_c()
    try:
        if ns.command == "run":  # a shipped scenario's name works as well as a path
            from sysrec.scenario.catalog import resolve_scenario
            ns.scenarios = [resolve_scenario(name) for name in ns.scenarios]
            ns.scenario = ns.scenarios[0]
        code = int(module.main(ns))
    except SysrecError as err:
        print(f"sysrec: {err}", file=sys.stderr)
        code = err.exit_status
    except KeyboardInterrupt as stop:
        code = 128 + getattr(stop, "signum", 2)
    except BrokenPipeError:
        code = _reader_left()
    except OSError as err:  # a disk that filled up, an output that went away
        where = f"{err.filename}: " if err.filename else ""
        print(f"sysrec: {where}{err.strerror or err}", file=sys.stderr)
        code = 2
    if argv is None and getattr(module, "EXIT_WITHOUT_TEARDOWN", False):
        _exit_now(code)
    return code


def _reader_left() -> int:
    """stdout's reader went away (`sysrec ... | head -1`): end quietly, as a program killed by
    SIGPIPE does, with 128 + SIGPIPE. Later flushes must not fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass
    return 128 + 13


def _exit_now(code: int) -> None:
    """End the process without the interpreter's teardown (freeing every module and object:
    ~10 ms after a trace, added to the traced program's run time). Only for commands that
    close what they write before returning; stdout and stderr are flushed here."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(code)


if __name__ == "__main__":
    raise SystemExit(main())
