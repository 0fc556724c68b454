"""Annotated timeline: a record's events in time order, each with what it means for the client.

Data first (`build_timeline` → `Timeline` of `TimelineRow`s), then two views of it: plain text
(`timeline_text`, used for pipes, golden files and the Markdown report) and a rich table
(`timeline_table`, for terminals). rich is imported only when a table is drawn.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from collections import deque
from typing import Any, Callable, Iterable, Iterator, Mapping, Sequence

from sysrec.annotate import Annotation, event_time
from sysrec.annotate.counters import key_counters
from sysrec.annotate.engine import fd_endpoint, waits
from sysrec.annotate.facts import OUTCOME_READY_ERROR, READINESS_CALLS, so_error_value, syscall_outcome
from sysrec.cstring import terminal_safe
from sysrec.record import Record
from sysrec.render.stream import RecordScan, ordered_events as stream_order, scan_record

# Errors that a non-blocking client expects on its normal path: not "the first error".
EXPECTED_ERRNOS = frozenset({"EINPROGRESS", "EAGAIN", "EWOULDBLOCK", "EALREADY"})

SHOWN_EVENTS = frozenset({"syscall", "packet", "signal", "exit", "warning"})

_TIME_LEFT = re.compile(r"left \{tv_sec=\d+, tv_nsec=\d+\}")

# A blocking call's wait is worth a mention from here on (shorter ones are tracer overhead).
WAIT_SHOWN_MS = 1.0


@dataclass
class TimelineRow:
    seq: int
    t_ms: float
    pid: int | None
    kind: str                                  # syscall, packet, signal, exit, warning
    call: str                                  # strace form without the result
    result: str                                # what follows " = " (empty for non-syscalls)
    error: bool = False
    annotation: Annotation | None = None
    counters: dict[str, int] = field(default_factory=dict)
    listener: dict[str, Any] | None = None
    tcp_state: str | None = None
    name: str = ""
    repeat: int = 1
    t_last_ms: float | None = None
    first_error: bool = False
    waited_ms: float | None = None             # a call that blocked: how long

    @property
    def interesting(self) -> bool:
        """What `--around` and report excerpts centre on."""
        return self.error or (self.annotation is not None and self.annotation.key)

    @property
    def line(self) -> str:
        return f"{self.call} = {self.result}" if self.kind == "syscall" else self.call

    def collapse_key(self) -> tuple[Any, ...]:
        """Equal for repeats: the time a wait had left is not a difference worth a row."""
        rule = self.annotation.rule_id if self.annotation else None
        return (self.pid, self.kind, self.call, _TIME_LEFT.sub("left", self.result), rule, self.tcp_state)


@dataclass
class Gap:
    """Rows left out by `--around`."""

    hidden: int


@dataclass
class Timeline:
    header: dict[str, Any]
    footer: dict[str, Any]
    rows: list[TimelineRow]
    events: int                                # events shown before collapsing

    @property
    def title(self) -> str:
        return timeline_title(self.header, self.footer)


def _kernel_detail(kernel: Any) -> str:
    """` (6.1.192-2, tcg)` from context.kernel of a `run --kernel` record: which package and how
    it ran, since uname -r alone does not tell the behaviour; nothing for the host or plain runs."""
    if not isinstance(kernel, Mapping):
        return ""
    extra = [str(kernel[k]) for k in ("package_version", "accel") if kernel.get(k) and kernel.get(k) != "host"]
    return f" ({', '.join(extra)})" if extra else ""


def timeline_title(header: Mapping[str, Any], footer: Mapping[str, Any] | None = None) -> str:
    context = header.get("context") or {}
    parts = []
    if context.get("scenario"):
        parts.append(str(context["scenario"]))
    if context.get("cell"):
        parts.append(str(context["cell"]))
    if context.get("run") is not None:
        parts.append(f"run {context['run']}")
    if not parts:
        parts.append(" ".join(header.get("argv") or []) or "record")
    title = " / ".join(parts) + f" — kernel {header.get('kernel', '?')}" + _kernel_detail(context.get("kernel"))
    if context.get("same_cpu"):
        title += " — client pinned to the tracer's CPU"
    if footer:
        title += f" — ended: {footer.get('end', '?')}"
        if footer.get("exit_status") is not None:
            title += f" (exit {footer['exit_status']})"
    return title


# Endpoints that are not the network the client is studied on: failures there (glibc probing
# nscd's UNIX socket, a missing file) are shown but never "the first error".
NON_NETWORK_ENDPOINTS = ("UNIX", "/")


def _is_error(event: Mapping[str, Any]) -> bool:
    if str(fd_endpoint(event) or "").startswith(NON_NETWORK_ENDPOINTS):
        return False
    errno = event.get("errno")
    if errno and errno not in EXPECTED_ERRNOS:
        return True
    if syscall_outcome(event) == OUTCOME_READY_ERROR:  # poll() woken by POLLERR/POLLHUP
        return True
    value = so_error_value(event)
    return value is not None and value != "0"


def icmp_text(event: Mapping[str, Any]) -> str:
    """`ICMP fragmentation-needed mtu 1280 10.0.0.254 > 10.0.0.1, for tcp 10.0.0.1:10000 > 10.0.0.2:43790`:
    the message, and for an error the packet it answers (the errno it explains is about that one)."""
    text = f"ICMP {event.get('icmp')}"
    if event.get("mtu") is not None:
        text += f" mtu {event.get('mtu')}"
    text += f" {event.get('src')} > {event.get('dst')}"
    inner = event.get("inner")
    if isinstance(inner, Mapping):
        ports = "sport" in inner and "dport" in inner
        text += (f", for {inner.get('proto')} {inner.get('src')}{':' + str(inner.get('sport')) if ports else ''}"
                 f" > {inner.get('dst')}{':' + str(inner.get('dport')) if ports else ''}")
    return text


def _packet_text(event: Mapping[str, Any], ports: set[int]) -> str:
    if event.get("icmp"):
        if event.get("at") == "server":
            return f"⇢ at the server: {icmp_text(event)}"
        return f"{'←' if event.get('dir') == 'in' else '→'} {icmp_text(event)}"
    flags = "|".join(event.get("flags") or []) or "-"
    arrow = "←" if event.get("sport") in ports else "→"
    text = (f"{arrow} {flags} {event.get('src')}:{event.get('sport')} > {event.get('dst')}:{event.get('dport')}"
            f" seq {event.get('seq_no')}")
    if "ACK" in (event.get("flags") or []):
        text += f" ack {event.get('ack_no')}"
    text += f" win {event.get('win')}"
    if event.get("len"):
        text += f" len {event.get('len')}"
    return text


def _other_text(event: Mapping[str, Any]) -> str:
    kind = event.get("ev")
    if kind == "signal":
        return signal_line(event)
    if kind == "exit":
        return exit_line(event)
    return f"warning: {event.get('msg', '')}"


def ordered_events(record: Record) -> list[dict[str, Any]]:
    """The events a timeline shows, in timeline order, as a list (small records, tests)."""
    return list(shown_events(record))


def shown_events(record: Record, scan: RecordScan | None = None) -> Iterator[dict[str, Any]]:
    """The events a timeline shows, in timeline order, streaming (see sysrec.render.stream)."""
    return stream_order(record, scan, keep=lambda e: e.get("ev") in SHOWN_EVENTS)


def build_timeline(record: Record, *, collapse: bool = True, fd_decode: int = 2) -> Timeline:
    """The whole timeline as a list of rows (for tests and short records; renderers stream)."""
    rows = list(timeline_rows(record, fd_decode=fd_decode))
    footer = record.footer or {"end": "truncated"}
    timeline = Timeline(header=record.header, footer=footer, rows=rows, events=len(rows))
    if collapse:
        timeline.rows = collapse_repeats(timeline.rows)
    return timeline


def timeline_rows(record: Record, scan: RecordScan | None = None, *, fd_decode: int = 2,
                  on_event: Callable[[dict[str, Any]], None] | None = None) -> Iterator[TimelineRow]:
    """One row per shown event, in timeline order, streaming: two passes over the file (scan, rows).

    `on_event` sees every shown event in order, for a caller that derives more from the same pass."""
    if scan is None:
        scan = scan_record(record)
    start = scan.start(record.header, SHOWN_EVENTS)
    ports = scan.ports
    annotator = scan.annotator(record.header)
    strsize = int((record.header.get("options") or {}).get("strsize") or 32)
    first_error_seen = False
    for event in shown_events(record, scan):
        if on_event is not None:
            on_event(event)
        annotation = annotator.annotate(event)
        kind = event["ev"]
        row = TimelineRow(seq=int(event.get("seq", 0)), t_ms=(event_time(event) - start) / 1e6,
                          pid=event.get("pid"), kind=kind, call="", result="",
                          annotation=annotation, name=event.get("name", kind))
        if kind == "syscall":
            row.call, row.result = call_and_result(event, fd_decode=fd_decode, strsize=strsize)
            row.error = _is_error(event)
            ctx = event.get("ctx") or {}
            row.counters = key_counters(ctx.get("counters") or {})
            row.listener = ctx.get("listener")
            row.tcp_state = ctx.get("tcp_state")
            if waits(event) and event.get("t0") is not None and event.get("t1") is not None:
                waited = (int(event["t1"]) - int(event["t0"])) / 1e6
                row.waited_ms = waited if waited >= WAIT_SHOWN_MS else None
        elif kind == "packet":
            facts = annotator.last_facts
            if facts is not None and facts.extra.get("duplicate"):
                continue  # the same packet captured twice (loopback: leaving and arriving)
            row.call = _packet_text(event, ports)
        else:
            row.call = _other_text(event)
        if (kind == "syscall" and annotation is not None and annotation.key
                and event.get("name") in READINESS_CALLS and event.get("ret") == 0):
            row.error = True  # a connect that never completed: the wait timed out
        if row.error and not first_error_seen:
            row.first_error = first_error_seen = True
        yield row


def collapse_repeats(rows: Iterable[TimelineRow]) -> list[TimelineRow]:
    """Runs of identical events (same pid, line, result, explanation, no counter change) → one row ×N."""
    return list(iter_collapsed(rows))


def iter_collapsed(rows: Iterable[TimelineRow]) -> Iterator[TimelineRow]:
    """`collapse_repeats`, streaming: a row is yielded once the next one differs from it."""
    last: TimelineRow | None = None
    for row in rows:
        if (last is not None and not row.counters and not last.first_error and not row.first_error
                and last.collapse_key() == row.collapse_key()):
            last.repeat += 1
            last.t_last_ms = row.t_ms
            continue
        if last is not None:
            yield last
        last = row
    if last is not None:
        yield last


def _centred_on_annotations(row: TimelineRow) -> bool:
    return row.annotation is not None


def _interesting(row: TimelineRow) -> bool:
    return bool(row.interesting)


def select_around(rows: Sequence[TimelineRow], n: int | None) -> list[TimelineRow | Gap]:
    """Rows within `n` of an interesting row (errors, key explanations); gaps for the rest.

    A record where nothing went wrong centres on its explained rows instead, so an excerpt
    of a healthy cell still shows the handshake rather than one gap.
    """
    return list(iter_around(lambda: iter(rows), n))


def iter_around(make_rows: Callable[[], Iterable[TimelineRow]], n: int | None) -> Iterator[TimelineRow | Gap]:
    """`select_around`, streaming: `make_rows()` gives the rows afresh, and is called a second time
    only when no row was interesting but some was explained (the excerpt then centres on those).
    Nothing is yielded before the first centre, so the second pass never follows output of the first."""
    if n is None:
        yield from make_rows()
        return
    found: list[bool] = []
    explained: list[bool] = []

    def noting(rows: Iterable[TimelineRow]) -> Iterator[TimelineRow]:
        for row in rows:
            if not explained and row.annotation is not None:
                explained.append(True)
            yield row

    for item in _around(noting(make_rows()), n, _interesting, found):
        if not found:   # the one trailing gap of a record with no interesting row
            if not explained:
                yield item  # centring on explained rows would hide the same rows
                return
            break
        yield item
    else:
        return
    yield from _around(make_rows(), n, _centred_on_annotations, [])


def _around(rows: Iterable[TimelineRow], n: int, centre: Callable[[TimelineRow], bool],
            found: list[bool]) -> Iterator[TimelineRow | Gap]:
    """Rows within `n` of a centre; at most `n` undecided rows held. Appends to `found` at a centre."""
    pending: deque[TimelineRow] = deque()
    hidden = 0
    keep_until = -1
    for i, row in enumerate(rows):
        if centre(row):
            if not found:
                found.append(True)
            if hidden:
                yield Gap(hidden)
                hidden = 0
            yield from pending
            pending.clear()
            yield row
            keep_until = i + n
        elif i <= keep_until:
            yield row
        else:
            pending.append(row)
            if len(pending) > n:
                hidden += pending.popleft().repeat
    hidden += sum(row.repeat for row in pending)
    if hidden:
        yield Gap(hidden)


# --- strace form ----------------------------------------------------------------------
# Node and return-value formatting belongs to the strace renderer; the timeline only splits the
# line into the call and its result, with `-yy` endpoints by default.

def call_and_result(event: Mapping[str, Any], *, fd_decode: int = 2, strsize: int = 32) -> tuple[str, str]:
    """`connect(3<TCP:[…]>, {…}, 16)` and `-1 EINPROGRESS (Operation now in progress)`."""
    from sysrec.render.strace_text import RenderOptions, render_args, return_text, tampering_note

    opts = RenderOptions(strsize=strsize, fd_decode=fd_decode)
    call = f"{event.get('name', '?')}({render_args(event.get('args') or [], opts, event.get('fds'))})"
    result = return_text(event, opts)
    if event.get("injected") or event.get("delayed"):  # [client] inject: ` (INJECTED)` as strace
        result += tampering_note(event)
    return call, result


def signal_line(event: Mapping[str, Any]) -> str:
    from sysrec.render.strace_text import RenderOptions, render_node

    info = event.get("info")
    body = f" {render_node(info, RenderOptions())}" if info else ""
    return f"--- {'stopped by ' if event.get('stopped') else ''}{event.get('sig', '?')}{body} ---"


def exit_line(event: Mapping[str, Any]) -> str:
    if event.get("superseded_by") is not None:
        return f"+++ superseded by execve in pid {event['superseded_by']} +++"
    if event.get("signal"):
        core = " (core dumped)" if event.get("core") else ""
        return f"+++ killed by {event['signal']}{core} +++"
    return f"+++ exited with {event.get('status', '?')} +++"


# --- plain text --------------------------------------------------------------------------

def format_counters(counters: Mapping[str, int]) -> str:
    return ", ".join(f"{v:+d} {k}" for k, v in counters.items())


def format_listener(listener: Mapping[str, Any] | None) -> str:
    if not listener:
        return ""
    text = f"queue {listener.get('queue', '?')}/{listener.get('backlog', '?')}"
    if listener.get("synrecv"):
        text += f" syn-recv {listener['synrecv']}"
    return text


def _row_details(row: TimelineRow, previous: tuple[str, str] | None) -> str:
    """State and queue only where they changed since the previous row of that pid; counters always."""
    parts = []
    if row.waited_ms is not None:
        parts.append(f"blocked {row.waited_ms:.1f} ms")
    listener = format_listener(row.listener)
    if previous is None or previous != (row.tcp_state or "", listener):
        if row.tcp_state:
            parts.append(f"state {row.tcp_state}")
        if listener:
            parts.append(listener)
    if row.counters:
        parts.append(format_counters(row.counters))
    return " · ".join(parts)


def timeline_lines(timeline: Timeline, *, around: int | None = None,
                   show_refs: bool = True) -> list[str]:
    """The plain-text timeline: one line per event, its state and explanation indented below."""
    return list(iter_timeline_lines(timeline.title, lambda: timeline.rows, around=around, show_refs=show_refs))


def iter_timeline_lines(title: str, make_rows: Callable[[], Iterable[TimelineRow]], *,
                        around: int | None = None, show_refs: bool = True) -> Iterator[str]:
    """`timeline_lines`, streaming (`make_rows` as for `iter_around`)."""
    yield f"# {title}"
    yield f"{'ms':>10} {'pid':>7}  event"
    indent = " " * 20
    shown_state: dict[int | None, tuple[str, str]] = {}
    for item in iter_around(make_rows, around):
        if isinstance(item, Gap):
            shown_state.clear()
            yield f"{'':>10} {'':>7}  … {item.hidden} event{'s' if item.hidden != 1 else ''} …"
            continue
        row = item
        mark = "!" if row.first_error else " "
        pid = "" if row.pid is None else str(row.pid)
        line = f"{row.t_ms:>10.3f} {pid:>7}{mark} {row.line}"
        if row.repeat > 1:
            line += f"   ×{row.repeat} (until {row.t_last_ms:.3f} ms)"
        yield line
        details = _row_details(row, shown_state.get(row.pid))
        if row.kind == "syscall":
            shown_state[row.pid] = (row.tcp_state or "", format_listener(row.listener))
        if details:
            yield indent + details
        if row.annotation is not None:
            yield indent + "↳ " + row.annotation.text
            if show_refs:
                yield indent + "  kernel: " + row.annotation.ref


def timeline_text(timeline: Timeline, *, around: int | None = None, show_refs: bool = True) -> str:
    return terminal_safe("\n".join(timeline_lines(timeline, around=around, show_refs=show_refs))) + "\n"


# --- rich --------------------------------------------------------------------------------

TABLE_ROWS = 2000   # rows per rich table: a longer timeline is printed as consecutive tables


def timeline_table(timeline: Timeline, *, around: int | None = None) -> Any:
    """A rich Table of the timeline (a renderable; nothing is printed here)."""
    table = _new_table(timeline.title)
    for item in select_around(timeline.rows, around):
        _add_table_row(table, item)
    return table


def _new_table(title: str | None) -> Any:
    from rich.table import Table
    from rich.text import Text

    table = Table(title=Text(terminal_safe(title, keep_newlines=False)) if title is not None else None,
                  title_justify="left", expand=False, show_lines=False, header_style="bold")
    table.add_column("ms", justify="right", no_wrap=True)
    table.add_column("pid", justify="right", no_wrap=True)
    table.add_column("event and why", overflow="fold", ratio=1)
    table.add_column("Δ counters", overflow="fold")
    table.add_column("queue", no_wrap=True)
    table.add_column("state", no_wrap=True)
    return table


def _add_table_row(table: Any, item: TimelineRow | Gap) -> None:
    from rich.text import Text

    if isinstance(item, Gap):
        plural = "s" if item.hidden != 1 else ""
        table.add_row("", "", Text(f"… {item.hidden} event{plural} …", style="dim"), "", "", "")
        return
    row = item
    if row.first_error:
        style = "bold red"
    elif row.error:
        style = "red"
    elif row.kind == "packet":
        style = "cyan"
    else:
        style = ""
    cell = Text(("! " if row.first_error else "") + terminal_safe(row.line, keep_newlines=False), style=style)
    if row.repeat > 1:
        cell.append(f"  ×{row.repeat}", style="bold")
    if row.annotation is not None:
        cell.append("\n↳ " + row.annotation.text, style="italic yellow" if row.annotation.key else "italic")
        cell.append("\n  " + row.annotation.ref, style="dim")
    counters = Text(terminal_safe(format_counters(row.counters)).replace(", ", "\n"), style="magenta")
    table.add_row(f"{row.t_ms:.3f}", "" if row.pid is None else str(row.pid), cell, counters,
                  Text(terminal_safe(format_listener(row.listener).replace("queue ", ""), keep_newlines=False)),
                  Text(terminal_safe(row.tcp_state or "", keep_newlines=False)))


def render_timeline(record: Record, *, around: int | None = None, console: Any = None) -> None:
    """Print a record's annotated timeline: a rich table on a terminal, plain text otherwise.

    Streams: the record is read twice (a scan, then the rows) and never held; a terminal gets
    one table per `TABLE_ROWS` rows.
    """
    scan = scan_record(record)
    title = timeline_title(record.header, record.footer or {"end": "truncated"})

    def rows() -> Iterator[TimelineRow]:
        return iter_collapsed(timeline_rows(record, scan))

    if console is None:
        if not sys.stdout.isatty():
            _write_lines(sys.stdout, iter_timeline_lines(title, rows, around=around))
            return
        from rich.console import Console
        console = Console()
    if not console.is_terminal:
        _write_lines(console.file, iter_timeline_lines(title, rows, around=around))
        return
    table = _new_table(title)
    for item in iter_around(rows, around):
        if table.row_count >= TABLE_ROWS:
            console.print(table)
            table = _new_table(None)
        _add_table_row(table, item)
    console.print(table)


def _write_lines(out: Any, lines: Iterable[str]) -> None:
    """Lines to a file, made terminal-safe, in batches (a write per line is slow at millions)."""
    batch: list[str] = []
    for line in lines:
        batch.append(line)
        if len(batch) >= 1000:
            out.write(terminal_safe("\n".join(batch)) + "\n")
            batch.clear()
    if batch:
        out.write(terminal_safe("\n".join(batch)) + "\n")
