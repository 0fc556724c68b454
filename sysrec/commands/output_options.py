"""The output-form and filter flags of `sysrec trace` / `sysrec show` (issue #12): checked
with strace's messages, turned into render options, header keys and renderer wrappers.

Kept out of trace.py so that the command stays a short pipeline: parse, trace, render.
"""

from __future__ import annotations

import argparse
import os
import sys

TYPE_CHECKING = False  # typing stays off `sysrec trace`'s start-up path
if TYPE_CHECKING:
    from typing import Any, Callable, Mapping

from sysrec.errors import InputError
from sysrec.qualify import (DECODE_PIDS, Qualifiers, TokenSet, apply_short_flags, parse_tokens,
                            split_expressions)


def display_values(ns: argparse.Namespace, recorded: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """-a, -x, -n as RenderOptions fields; on `show`, what the record says unless overridden."""
    recorded = recorded or {}
    values: dict[str, Any] = {}
    if ns.acolumn is not None:
        text = str(ns.acolumn)
        if not text.isdigit() or int(text) > 2**31 - 1:
            raise InputError(f"invalid -a argument: '{text}'")
        values["acolumn"] = int(text)
    elif "acolumn" in recorded:
        values["acolumn"] = int(recorded["acolumn"])
    values["xflag"] = min(ns.xflag, 2) if ns.xflag else int(recorded.get("xflag", 0))
    values["syscall_numbers"] = bool(ns.syscall_numbers or recorded.get("syscall_numbers", False))
    values["instruction_pointer"] = bool(getattr(ns, "instruction_pointer", False)
                                         or recorded.get("instruction_pointer", False))
    values["decode_comm"] = bool(getattr(ns, "decode_comm", False) or recorded.get("decode_comm", False))
    style = getattr(ns, "xlat_style", None) or recorded.get("xlat_style")
    if style in ("raw", "verbose"):  # what the decoders printed; the renderer's AT_FDCWD follows
        values["xlat_style"] = style
    return values


def decode_comm_wanted(ns: argparse.Namespace, quals: Qualifiers) -> bool:
    """-Y, --decode-pids=comm, -e decode-pids=comm."""
    if ns.decode_pids is not None:
        quals.decode_pids = parse_tokens(ns.decode_pids, lambda t: t if t in DECODE_PIDS else None,
                                         "decode-pids")
    wanted = bool(ns.decode_comm) or (quals.decode_pids is not None and "comm" in quals.decode_pids)
    ns.decode_comm = wanted
    return wanted


def header_values(display: Mapping[str, Any], quals: Qualifiers, separately: bool) -> dict[str, Any]:
    """Header `options` keys for the flags of this module (docs/record-format.md)."""
    out: dict[str, Any] = {}
    if "acolumn" in display:
        out["acolumn"] = display["acolumn"]
    if display.get("xflag"):
        out["xflag"] = display["xflag"]
    if display.get("syscall_numbers"):
        out["syscall_numbers"] = True
    if display.get("instruction_pointer"):
        out["instruction_pointer"] = True
    if display.get("decode_comm"):
        out["decode_comm"] = True
    if display.get("xlat_style"):
        out["xlat_style"] = display["xlat_style"]
    out.update(quals.to_json())
    if separately:
        out["output_separately"] = True
    return out


def trace_qualifiers(ns: argparse.Namespace) -> tuple[list[str], Qualifiers, list[str]]:
    """The `-e` arguments left for the trace= parser, the qualifiers, and strace's warnings."""
    trace_exprs, quals = split_expressions(ns.expr)
    flags = ns.status_flags or []
    warnings = apply_short_flags(
        quals, successful_only=flags.count("z"), failed_only=flags.count("Z"),
        quiet_level=ns.quiet, last_status_flag=flags[-1] if flags else None,
        to_file_with_command=bool(ns.output) and not getattr(ns, "attach", None))  # -p: no command
    if ns.xlat_style is not None:
        if ns.xlat_style not in ("raw", "abbrev", "verbose"):
            raise InputError(f"invalid -X argument: '{ns.xlat_style}'")
    if not ns.output and ns.append:
        warnings.append("-A/--output-append-mode has no effect without -o/--output")
    return trace_exprs, quals, warnings


def unabbreviated(quals: Qualifiers) -> TokenSet | None:
    """The syscalls strace prints in full (not in the abbrev set), whose decoders record the
    full forms too; None: every call is abbreviated (the default)."""
    abbrev = quals.abbrev
    if abbrev is None or abbrev.everything:
        return None
    return TokenSet(abbrev.members, not abbrev.inverted)


def dereferenced(quals: Qualifiers) -> TokenSet | None:
    """-e verbose=SET: the syscalls whose structs are decoded; None: all (strace's default)."""
    verbose = quals.verbose
    return None if verbose is None or verbose.everything else verbose


def abbrev_values(ns: argparse.Namespace, quals: Qualifiers) -> dict[str, Any]:
    """RenderOptions' `abbrev` (-e abbrev=SET, -v on `trace`); on `show`, -v overrides the
    record's set."""
    if getattr(ns, "verbose", False):
        return {"abbrev": TokenSet()}
    return {"abbrev": quals.abbrev} if quals.abbrev is not None and not quals.abbrev.everything else {}


def recorded_qualifiers(options: Mapping[str, Any]) -> Qualifiers:
    """The qualifiers a record's header kept, for `sysrec show`."""
    quals = Qualifiers()
    for key in ("status", "signal", "quiet", "read", "write", "abbrev", "verbose", "raw"):
        if key in options:
            try:
                setattr(quals, key, TokenSet.from_json(options[key]))
            except (ValueError, TypeError):
                raise InputError(f"record header: options.{key} is not a set") from None
    return quals


def program_environment(assignments: list[str]) -> dict[str, str] | None:
    """-E VAR=VAL / -E VAR, applied in order to sysrec's own environment; None: unchanged."""
    if not assignments:
        return None
    env = dict(os.environ)
    for item in assignments:
        name, sep, value = item.partition("=")
        if sep:
            env[name] = value
        else:
            env.pop(name, None)
    return env


def wrap_renderer(make_inner: Callable[..., Any], quals: Qualifiers, separate: str | None = None,
                  append: bool = False, colour: bool = False) -> Any:
    """The renderer a sink feeds: strace's filters around one renderer, or (-ff) one filtered
    renderer per process file; colour on top for a terminal."""
    from sysrec.render.filters import FilteredRenderer, SeparateOutputs

    if separate is not None:
        return SeparateOutputs(separate, lambda: FilteredRenderer(make_inner(follow=False), quals, whole_lines=True),
                               append=append)
    renderer: Any = FilteredRenderer(make_inner(), quals)
    if colour:
        from sysrec.render.colour import ColourRenderer
        renderer = ColourRenderer(renderer)
    return renderer


def colour_wanted(ns: argparse.Namespace, stream: Any) -> bool:
    from sysrec.render.colour import wanted
    return wanted(getattr(ns, "color", None), stream)


def io_capture_hook(quals: Qualifiers) -> Callable[[dict[str, Any]], None] | None:
    """A tracer context hook that copies the buffers `-e read=`/`-e write=` dump into the
    event's `io` key, at the call's exit stop (the tracee is stopped while it runs)."""
    reads, writes = quals.read, quals.write
    if (reads is None or reads.nothing) and (writes is None or writes.nothing):
        return None
    from sysrec.render.hexdump import capture_io
    from sysrec.tracer.memory import ProcMemory

    memories: dict[int, Any] = {}
    none = TokenSet()

    def hook(event: dict[str, Any]) -> None:
        pid = event["pid"]
        mem = memories.get(pid)
        if mem is None:
            mem = memories[pid] = ProcMemory(pid)
        try:
            buffers = capture_io(event, mem, reads or none, writes or none)
        finally:
            if event.get("name") in ("execve", "execveat"):
                mem.close()
                memories.pop(pid, None)
        if buffers is not None:
            event["io"] = buffers
        return None

    return hook


def path_filter(requested: list[str], quals: Qualifiers) -> Any:
    """-P PATH...: the filter, with strace's note for each path realpath() resolves elsewhere
    (unless -e quiet=path-resolution)."""
    if not requested:
        return None
    from sysrec.pathtrace import PathFilter, selected_paths

    paths, notes = selected_paths(requested)
    if quals.quiet is None or "path-resolution" not in quals.quiet:
        warn(notes)
    return PathFilter(paths)


def run_as(username: str | None, program: str) -> Any:
    """-u USERNAME: the credentials the program starts with (None: sysrec's own)."""
    if username is None:
        return None
    from sysrec.tracer.credentials import credentials_for
    return credentials_for(username, program)


def comm_tracker(wanted: bool) -> Any:
    if not wanted:
        return None
    from sysrec.pidcomm import CommTracker
    return CommTracker()


def open_output(path: str, append: bool = False) -> Any:
    try:
        return open(path, "a" if append else "w", encoding="utf-8", errors="surrogateescape")
    except OSError as err:
        raise InputError(f"-o {path}: cannot write: {err.strerror}") from None


def warn(messages: list[str]) -> None:
    for text in messages:
        print(f"sysrec: {text}", file=sys.stderr)


class ChildNotes:
    """-f: strace's `Process N attached` for each child or thread it follows. strace prints it
    at the child's first stop, which races with the parent's return from clone; sysrec prints
    it after the parent's clone line or before the child's first line, whichever comes first."""

    def __init__(self) -> None:
        self.waiting: dict[int, int | None] = {}  # child -> the parent whose clone made it

    def before(self, event: Mapping[str, Any]) -> str:
        waiting = self.waiting
        kind = event.get("ev")
        if not waiting and kind != "spawn":  # no child announced and not yet seen: most events
            return ""
        pid = event.get("pid")
        if kind == "spawn":
            self.waiting[pid] = event.get("parent")  # type: ignore[index]
            return ""
        if pid in self.waiting:
            del self.waiting[pid]  # type: ignore[arg-type]
            return _attached(pid)  # type: ignore[arg-type]
        return ""

    def after(self, event: Mapping[str, Any]) -> str:
        if not self.waiting:
            return ""
        child = event.get("ret")
        if event.get("ev") == "syscall" and child in self.waiting and self.waiting[child] == event.get("pid"):
            del self.waiting[child]
            return _attached(child)
        return ""


def _attached(pid: int) -> str:
    return f"sysrec: Process {pid} attached\n"


def child_notes(follow: bool, quals: Qualifiers, attaching: bool) -> ChildNotes | None:
    """The notes for spawned -f children unless -q / -e quiet=attach (or -o FILE, which implies
    it); -p prints its own (sysrec.tracer.attach)."""
    if not follow or attaching or (quals.quiet is not None and "attach" in quals.quiet):
        return None
    return ChildNotes()
