"""`sysrec trace [strace flags] -- CMD`: strace's lines for every syscall (no -e, as strace) or the
`-e trace=` set, plus an optional record."""

from __future__ import annotations

import argparse
import sys

from sysrec.errors import InputError
from sysrec.syscalls import parse_trace_expressions

TYPE_CHECKING = False  # typing is not imported at run time: it is on the start-up path
if TYPE_CHECKING:
    from typing import IO, Any, Callable

# `sysrec.cli` may end the process as soon as main() returns (no interpreter teardown): every
# file main() writes is closed before it returns.
EXIT_WITHOUT_TEARDOWN = True


def load_strace_renderer() -> Callable[..., Any]:
    from sysrec.render.strace_text import StraceRenderer
    return StraceRenderer


def make_render_options(**values: Any) -> Any:
    from sysrec.render.strace_text import RenderOptions
    return RenderOptions(**values)


def render_values(ns: argparse.Namespace, follow: bool) -> dict[str, Any]:
    """The display options a StraceRenderer reads, from the command line."""
    return dict(strsize=ns.strsize if ns.strsize is not None else 32, fd_decode=min(ns.fd_decode, 2),
                timestamps=min(ns.timestamps, 3), syscall_times=ns.syscall_times, relative=ns.relative,
                follow=follow)


def summary_options(ns: argparse.Namespace, recorded: Any = None) -> Any:
    """-c/-C/-S/-U/-w checked as strace checks them, its warnings printed; None without a
    summary. The summary module is imported only when one of its flags is given."""
    if not (ns.summary_only or ns.summary_both or ns.summary_sort is not None
            or ns.summary_columns is not None or ns.summary_wall_clock or ns.summary_overhead is not None
            or recorded is not None):
        return None
    from sysrec.render.summary import options_from_args
    options, warnings = options_from_args(ns, recorded)
    for warning in warnings:
        print(f"sysrec: {warning}", file=sys.stderr)
    return options


def with_summary(renderer: Any, summary: Any) -> Any:
    """The renderer that -c/-C ask for: the lines, the table, or both."""
    if summary is None:
        return renderer
    from sysrec.render.summary import SummaryRenderer
    return SummaryRenderer(summary, renderer)


def _cannot_write(option: str, path: str, err: OSError) -> InputError:
    return InputError(f"{option} {path}: cannot write: {err.strerror or err}")


def _command(ns: argparse.Namespace) -> list[str]:
    cmd = list(ns.cmd)
    if cmd and cmd[0] == "--":
        cmd = cmd[1:]
    if not cmd:
        raise InputError("trace: no command given (usage: sysrec trace [OPTIONS] [--] CMD [ARG...])")
    return cmd


def _injector(quals: Any, path_filter: Any) -> Any:
    """-e inject=/fault=: the tracer's Injector (strace's warnings printed), or None."""
    if quals.inject is None:
        return None
    from sysrec.commands.output_options import warn
    from sysrec.tracer.inject import Injector
    warn(quals.inject_warnings)
    return Injector(quals.inject, selects=path_filter.matches if path_filter is not None else None)


def _attach_pids(ns: argparse.Namespace) -> list[int] | None:
    """-p PID...: the pids to attach to (None: a command is spawned)."""
    if not getattr(ns, "attach", None):
        return None
    from sysrec.tracer.attach import parse_pids
    pids = parse_pids(ns.attach)
    if not pids:  # -p '': nothing to attach to, nothing to run
        raise InputError("must have PROG [ARGS] or -p PID")
    if [c for c in ns.cmd if c != "--"]:
        raise InputError("trace: -p PID and a command cannot be combined")
    return pids


def _note(text: str) -> None:
    """strace's attach/detach messages: stderr, whatever -o says."""
    print(f"sysrec: {text}", file=sys.stderr, flush=True)


def main(ns: argparse.Namespace) -> int:
    from sysrec.record import RecordWriter
    from sysrec.tracer import TraceOptions, resolve_command, trace

    from sysrec.commands import output_options as outopts

    trace_exprs, quals, warnings = outopts.trace_qualifiers(ns)
    names = parse_trace_expressions(trace_exprs)
    separately = ns.follow >= 2 and bool(ns.output)  # -ff -o FILE: FILE.PID per process
    ns.follow = ns.follow >= 1
    pids = _attach_pids(ns)  # -p: trace running processes (sysrec.tracer.attach)
    cmd = _command(ns) if pids is None else []
    if ns.strsize is not None and ns.strsize < 0:
        raise InputError(f"-s {ns.strsize}: the string size must be >= 0")
    if ns.fd_decode > 2:
        ns.fd_decode = 2
    summary = summary_options(ns)
    env = outopts.program_environment(ns.env)
    if pids is None:
        program = resolve_command(cmd, env)  # exit 127 before anything is created
        credentials = outopts.run_as(ns.username, program)
    display = render_values(ns, ns.follow or (pids is not None and len(pids) > 1))
    comm_tracker = outopts.comm_tracker(outopts.decode_comm_wanted(ns, quals))
    display.update(outopts.display_values(ns))
    display.update(outopts.abbrev_values(ns, quals))
    path_filter = outopts.path_filter(ns.paths, quals)
    outopts.warn(warnings)
    injector = _injector(quals, path_filter)
    options = TraceOptions(trace_set=names, follow=ns.follow,
                           seccomp=ns.seccomp and not (injector and injector.rules.needs_syscall_stops),
                           strsize=display["strsize"], fd_decode=ns.fd_decode,
                           instruction_pointer=ns.instruction_pointer, report_exec=comm_tracker is not None,
                           unabbreviated=outopts.unabbreviated(quals), xlat_style=ns.xlat_style or "abbrev",
                           verbose=outopts.dereferenced(quals))

    out: IO[str]
    if ns.output and separately:
        out = sys.stderr  # nothing is written to it: every process has its own file
    elif ns.output:
        try:
            out = open(ns.output, "a" if ns.append else "w", encoding="utf-8", errors="surrogateescape")
        except OSError as err:
            raise InputError(f"-o {ns.output}: cannot write: {err.strerror}") from None
    else:
        out = sys.stderr
    writer = None
    try:
        if ns.record:
            try:
                writer = RecordWriter(ns.record)
            except OSError as err:
                raise InputError(f"--record {ns.record}: cannot write: {err.strerror}") from None
            writer.header(cmd, list(names) if names is not None else None, options.seccomp and names is not None,
                          {"strsize": display["strsize"], "fd_decode": ns.fd_decode, "follow": display["follow"],
                           "timestamps": ns.timestamps, "syscall_times": ns.syscall_times,
                           "relative": ns.relative, "to_file": bool(ns.output),
                           **(summary.to_record() if summary is not None else {}),
                           **outopts.header_values(display, quals, separately),
                           **({"paths": ns.paths} if ns.paths else {}),
                           **({"inject": quals.inject.to_json()} if injector is not None else {}),
                           **({"attach": pids} if pids is not None else {})})
        # The renderer (and the decoders it shares tables with) is imported in the background
        # while the program starts, and made at the first event.
        renderer: Any = None
        record_event = writer.event if writer is not None else None
        write = out.write
        notes = outopts.child_notes(ns.follow, quals, pids is not None)
        write_note = write if out is sys.stderr else sys.stderr.write

        def sink(event: dict[str, Any]) -> None:
            nonlocal renderer
            if path_filter is not None and event["ev"] in ("syscall", "enter") and not path_filter.matches(event):
                return
            if comm_tracker is not None:
                comm_tracker.annotate(event)
            if record_event is not None:
                try:
                    record_event(event)
                except BrokenPipeError:
                    raise
                except OSError as err:
                    raise _cannot_write("--record", ns.record, err) from None
            if renderer is None:
                renderer = outopts.wrap_renderer(
                    lambda **over: load_strace_renderer()(make_render_options(**{**display, **over}),
                                                          bool(ns.output)),
                    quals, ns.output if separately else None, ns.append,
                    colour=not separately and outopts.colour_wanted(ns, out))
                renderer = with_summary(renderer, summary)
            if notes is not None:
                note = notes.before(event)
                if note:
                    write_note(note)
            text = renderer.feed(event)
            if notes is not None:
                note = notes.after(event)
                if note and out is sys.stderr:  # after the line that ends the parent's clone
                    text += note
                elif note:
                    write_note(note)
            if text:
                try:
                    write(text)
                except BrokenPipeError:
                    raise
                except OSError as err:
                    raise _cannot_write("-o", ns.output or "stderr", err) from None

        try:
            preload = ("sysrec.render.strace_text", "sysrec.render.filters", "sysrec.render.colour",
                       *(("json",) if writer is not None else ()))
            if pids is not None:
                from sysrec.tracer.attach import attach
                quiet_attach = quals.quiet is not None and "attach" in quals.quiet  # -q, -e quiet=attach
                result = attach(pids, options, sink, note=(lambda _text: None) if quiet_attach else _note,
                                preload=preload,
                                context_hook=outopts.io_capture_hook(quals),
                                annotate_fds=path_filter is not None, inject=injector)
            else:
                result = trace(cmd, options, sink, preload=preload, env=env, credentials=credentials,
                               context_hook=outopts.io_capture_hook(quals), annotate_fds=path_filter is not None,
                               inject=injector, live_output=out is sys.stderr)
        except BaseException as err:
            if writer is not None:
                try:  # the disk may still be full: the record then ends at its last whole line
                    writer.footer("error", 1, error=str(err) or type(err).__name__)
                except OSError:
                    pass
            raise
        tail = renderer.finish() if renderer is not None and hasattr(renderer, "finish") else ""
        if tail:
            write(tail)
        if writer is not None:
            writer.footer(result.end, result.exit_status)
        return result.exit_status
    finally:
        if writer is not None:
            try:
                writer.close()
            except BrokenPipeError:
                raise
            except OSError as err:
                raise _cannot_write("--record", ns.record, err) from None
        try:
            if out is not sys.stderr:
                out.close()
            else:
                out.flush()
        except BrokenPipeError:
            raise
        except OSError as err:
            raise _cannot_write("-o", ns.output or "stderr", err) from None
