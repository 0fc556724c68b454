"""strace's call summary (`-c`, `-C`, `-S`, `-U`, `-w`): per-syscall counts and times, and the
table strace 6.1 prints at the end of a trace.

The counting (`CallCounter`) is apart from the table (`render_table`), so `sysrec trace` counts
live events and `sysrec show` counts a record's events into the same table.

Time: strace counts a call's system CPU time (from wait4's rusage) by default and its wall-clock
time with `-w`. sysrec's events carry wall-clock times only (`t0`, `t1`: when the tracer saw the
entry and the exit), so for sysrec a call's time is always `t1 - t0`, with or without `-w`: the
time the tracee spent between its entry and exit stops, tracer overhead included. Calls and
errors are exact; the time columns are sysrec's own clock.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

from sysrec.errors import InputError

NS_PER_S = 1_000_000_000


@dataclass(frozen=True)
class Column:
    """One column of the table: its heading, the width it never goes below, how it aligns."""

    heading: str
    min_width: int
    left: bool = False


# strace 6.1's columns (count.c); widths grow with the data (see `_widths`).
COLUMNS: dict[str, Column] = {
    "time-percent": Column("% time", 6),
    "total-time": Column("seconds", 11),
    "min-time": Column("shortest", 8),
    "max-time": Column("longest", 7),
    "avg-time": Column("usecs/call", 11),
    "calls": Column("calls", 9),
    "errors": Column("errors", 9),
    "name": Column("syscall", 16, left=True),
}

# Every spelling strace accepts for -U and -S -> the column; None: "no column" (-S: no sorting).
ALIASES: dict[str, str | None] = {
    "time": "time-percent", "time_percent": "time-percent", "time-percent": "time-percent",
    "time_total": "total-time", "time-total": "total-time", "total_time": "total-time",
    "total-time": "total-time",
    "min_time": "min-time", "min-time": "min-time", "shortest": "min-time", "time_min": "min-time",
    "time-min": "min-time",
    "longest": "max-time", "max_time": "max-time", "max-time": "max-time", "time_max": "max-time",
    "time-max": "max-time",
    "avg_time": "avg-time", "avg-time": "avg-time", "time_avg": "avg-time", "time-avg": "avg-time",
    "calls": "calls", "count": "calls",
    "error": "errors", "errors": "errors",
    "name": "name", "syscall": "name", "syscall_name": "name", "syscall-name": "name",
    "none": None, "nothing": None,
}

DEFAULT_COLUMNS = ("time-percent", "total-time", "avg-time", "calls", "errors", "name")
DEFAULT_SORT = "time-percent"


def parse_columns(text: str) -> tuple[str, ...]:
    """`-U name,calls,...` -> column keys, in strace's order of checks and with its messages;
    the name column is added at the end when missing (a table without names means nothing)."""
    columns: list[str] = []
    rest = text
    while True:
        item, comma, after = rest.partition(",")
        column = ALIASES.get(item)
        if column is None:
            raise InputError(f"unknown column name: '{item}'")
        if column in columns:
            raise InputError(f"call summary column has been provided more than once: '{item}' "
                             f"(-U option residual: '{rest}')")
        columns.append(column)
        if not comma:
            break
        rest = after
    if "name" not in columns:
        columns.append("name")
    return tuple(columns)


def parse_sort(text: str) -> str | None:
    """`-S SORTBY` -> the column to sort by; None (`none`, `nothing`): syscall number order."""
    if text not in ALIASES:
        raise InputError(f"invalid sortby: '{text}'")
    return ALIASES[text]


# -O's units: nanoseconds in one unit; a number without a unit is in microseconds.
_OVERHEAD_UNITS = {"": 1_000, "s": NS_PER_S, "ms": 1_000_000, "us": 1_000, "ns": 1}


def parse_overhead(text: str, flag: str = "-O") -> int:
    """`-O OVERHEAD[UNIT]` (the tracing overhead strace subtracts from each call's time) in
    nanoseconds, read as strace 6.1 reads it: a decimal fraction (`1.5ms`, `1e-5`) or an
    integer, then an optional unit."""
    import re

    flag = flag.split("=")[0]
    bad = InputError(f"invalid {flag} argument: '{text}'")
    float_len = len(text) - len(text.lstrip("eE.-+0123456789"))
    int_len = len(text) - len(text.lstrip("+0123456789"))
    is_float = float_len > int_len
    match = re.match(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?" if is_float else r"\+?\d+", text)
    if match is None:
        raise bad
    scale = _OVERHEAD_UNITS.get(text[match.end():])
    value: float | int = float(match.group()) if is_float else int(match.group())
    if scale is None or value < 0:
        raise bad
    per_second = NS_PER_S // scale
    if isinstance(value, float):  # strace's arithmetic: whole seconds, then the rest in units
        seconds = int(value / per_second)
        return seconds * NS_PER_S + int((value - seconds * per_second) * scale) % NS_PER_S
    return value // per_second * NS_PER_S + value % per_second * scale


@dataclass
class CallStats:
    """What strace keeps per syscall: calls, failed calls, and the total, shortest and longest
    times (integer nanoseconds, as strace's timespecs)."""

    nr: int
    name: str
    calls: int = 0
    errors: int = 0
    total_ns: int = 0
    min_ns: int = 0
    max_ns: int = 0

    @property
    def avg_ns(self) -> int:
        """strace's ts_div: the total over the calls, rounded to the nearest nanosecond."""
        return (self.total_ns + self.calls // 2) // self.calls


@dataclass
class CallCounter:
    """Counts syscall events as strace counts calls: at their exit (a call that never returned,
    `= ?`, is not counted), an error being a return of -4095..-1 (the event's `errno`)."""

    overhead_ns: int = 0
    stats: dict[int | str, CallStats] = field(default_factory=dict)

    def add(self, event: Mapping[str, Any]) -> None:
        if event.get("ev") != "syscall" or event.get("ret") is None:
            return
        name = _printable(event.get("name"))
        nr = event.get("nr")
        key = nr if type(nr) is int else name
        entry = self.stats.get(key)
        t0, t1 = event.get("t0"), event.get("t1")
        spent = max((t1 - t0 if type(t0) is int and type(t1) is int else 0) - self.overhead_ns, 0)
        if entry is None:
            entry = self.stats[key] = CallStats(nr if type(nr) is int else _number_of(name), name,
                                                min_ns=spent)
        entry.calls += 1
        if event.get("errno"):
            entry.errors += 1
        entry.total_ns += spent
        entry.min_ns = min(entry.min_ns, spent)
        entry.max_ns = max(entry.max_ns, spent)

def _printable(name: Any) -> str:
    """A syscall name from a record (which may hold anything), harmless on a terminal."""
    from sysrec.cstring import terminal_safe

    text = name if isinstance(name, str) else str(name)
    return text if text.isprintable() else terminal_safe(text, keep_newlines=False)


def _number_of(name: str) -> int:
    from sysrec.syscalls import SYSCALL_NUMBERS
    return SYSCALL_NUMBERS.get(name, 1 << 30)


def _seconds(ns: int) -> float:
    """strace's ts_float: whole seconds plus nanoseconds / 1e9, in a double."""
    return ns // NS_PER_S + (ns % NS_PER_S) / 1e9


def _usecs(ns: int) -> int:
    """A time in whole microseconds as strace's `(uint64_t) (ts_float(t) * 1e6)` truncates it."""
    return int(_seconds(ns) * 1e6)


# -S: the sort key of each column, all but the name in descending order.
_SORT_KEYS: dict[str, Any] = {
    "time-percent": lambda s: s.total_ns,
    "total-time": lambda s: s.total_ns,
    "min-time": lambda s: s.min_ns,
    "max-time": lambda s: s.max_ns,
    "avg-time": lambda s: s.avg_ns,
    "calls": lambda s: s.calls,
    "errors": lambda s: s.errors,
}


def sorted_rows(stats: Iterable[CallStats], sort: str | None) -> list[CallStats]:
    """Rows in strace's order: by syscall number, then stably by the -S column (qsort in glibc
    is a merge sort: ties keep the syscall number order)."""
    rows = sorted(stats, key=lambda s: s.nr)
    if sort == "name":
        return sorted(rows, key=lambda s: s.name)
    if sort is None:
        return rows
    return sorted(rows, key=_SORT_KEYS[sort], reverse=True)


def render_table(stats: Iterable[CallStats], columns: tuple[str, ...] = DEFAULT_COLUMNS,
                 sort: str | None = DEFAULT_SORT) -> str:
    """strace 6.1's summary table; empty when no call was counted (strace prints nothing then)."""
    rows = sorted_rows(stats, sort)
    if not rows:
        return ""
    total_ns = sum(s.total_ns for s in rows)
    calls = sum(s.calls for s in rows)
    errors = sum(s.errors for s in rows)
    total_s = _seconds(total_ns)
    min_ns = min(s.min_ns for s in rows)
    max_ns = max(s.max_ns for s in rows)
    widths = {
        "time-percent": 6,
        "total-time": len(f"{total_s:.6f}"),
        "min-time": len(f"{max(s.min_ns for s in rows) // NS_PER_S}.000000"),
        "max-time": len(f"{max_ns // NS_PER_S}.000000"),
        "avg-time": len(str(_usecs(max(s.avg_ns for s in rows)))),
        "calls": len(str(calls)),
        "errors": len(str(errors)),
        "name": max(len(s.name) for s in rows) + 1,
    }
    widths = {key: max(COLUMNS[key].min_width, width) for key, width in widths.items()}

    def line(cells: Mapping[str, str]) -> str:
        parts = []
        for i, key in enumerate(columns):
            text, width = cells[key], widths[key]
            if not COLUMNS[key].left:
                parts.append(text.rjust(width))
            else:
                parts.append(text if i == len(columns) - 1 else text.ljust(width))
        return " ".join(parts) + "\n"

    def row(percent: float, total: int, shortest: int, longest: int, avg_usecs: int,
            n_calls: int, n_errors: int, name: str) -> str:
        return line({
            "time-percent": f"{percent:.2f}",
            "total-time": f"{_seconds(total):.6f}",
            "min-time": f"{_seconds(shortest):.6f}",
            "max-time": f"{_seconds(longest):.6f}",
            "avg-time": str(avg_usecs),
            "calls": str(n_calls),
            "errors": str(n_errors) if n_errors else "",  # strace's %.0lu: nothing for 0
            "name": name,
        })

    rule = line({key: "-" * widths[key] for key in columns})
    out = [line({key: COLUMNS[key].heading for key in columns}), rule]
    for s in rows:
        percent = 100.0 * _seconds(s.total_ns)
        if percent != 0.0:  # strace divides only then (0/0 would be NaN)
            percent /= total_s
        out.append(row(percent, s.total_ns, s.min_ns, s.max_ns, _usecs(s.avg_ns), s.calls, s.errors,
                       s.name))
    out.append(rule)
    out.append(row(100.0, total_ns, min_ns, max_ns, int(total_s / calls * 1e6), calls, errors, "total"))
    return "".join(out)


@dataclass(frozen=True)
class SummaryOptions:
    """The summary flags: `only` (-c: the table instead of the lines) or `both` (-C)."""

    mode: str                                  # "only" or "both"
    sort: str | None = DEFAULT_SORT            # -S
    columns: tuple[str, ...] = DEFAULT_COLUMNS  # -U
    wall_clock: bool = False                   # -w (sysrec's times are wall-clock anyway)
    overhead_ns: int = 0                       # -O

    def to_record(self) -> dict[str, Any]:
        """The record header's `options` keys (docs/record-format.md)."""
        return {"summary": self.mode, "summary_sort": self.sort or "none",
                "summary_columns": list(self.columns), "summary_wall_clock": self.wall_clock,
                "summary_overhead_ns": self.overhead_ns}

    @classmethod
    def from_record(cls, options: Mapping[str, Any]) -> SummaryOptions | None:
        mode = options.get("summary")
        if mode not in ("only", "both"):
            return None
        sort = options.get("summary_sort", DEFAULT_SORT)
        columns = options.get("summary_columns") or DEFAULT_COLUMNS
        if (sort != "none" and sort not in COLUMNS) or not all(c in COLUMNS for c in columns):
            raise InputError("the record's summary options are not valid: "
                             f"sort {sort!r}, columns {columns!r}")
        overhead = options.get("summary_overhead_ns", 0)
        if not isinstance(overhead, int) or overhead < 0:
            raise InputError(f"the record's summary overhead is not valid: {overhead!r}")
        return cls(mode, None if sort == "none" else sort, tuple(columns),
                   bool(options.get("summary_wall_clock", False)), overhead)


class SummaryRenderer:
    """Wraps the strace renderer for -c/-C: every event is counted; with -C the lines are
    printed as usual, with -c not at all; the table comes last (`finish`)."""

    def __init__(self, options: SummaryOptions, lines: Any = None) -> None:
        self.options = options
        self.lines = lines if options.mode == "both" else None
        self.counter = CallCounter(options.overhead_ns)

    def feed(self, event: Mapping[str, Any]) -> str:
        if event.get("ev") == "syscall":
            self.counter.add(event)
        return self.lines.feed(event) if self.lines is not None else ""

    def finish(self) -> str:
        tail = self.lines.finish() if self.lines is not None and hasattr(self.lines, "finish") else ""
        return tail + render_table(self.counter.stats.values(), self.options.columns, self.options.sort)


_ONLY_STATS_IGNORES = (  # (option attribute, strace's name for it), in strace's order of warnings
    ("relative", "-r/--relative-timestamps"),
    ("timestamps", "-t/--absolute-timestamps"),
    ("syscall_times", "-T/--syscall-times"),
    ("fd_decode", "-y/--decode-fds"),
)
_NEEDS_SUMMARY = "(-c/--summary-only or -C/--summary)"


def options_from_args(ns: Any, recorded: SummaryOptions | None = None) -> tuple[SummaryOptions | None, list[str]]:
    """The summary flags of a command line checked as strace 6.1 checks them: the options (None
    without -c/-C, unless a record's `recorded` ones apply) and the warnings strace prints
    (for flags that change nothing). Bad combinations raise InputError with strace's words."""
    if ns.summary_only and ns.summary_both:
        raise InputError("-c/--summary-only and -C/--summary are mutually exclusive")
    sort = parse_sort(ns.summary_sort) if ns.summary_sort is not None else None
    columns = parse_columns(ns.summary_columns) if ns.summary_columns is not None else None
    overhead = (parse_overhead(ns.summary_overhead, getattr(ns, "summary_overhead_flag", None) or "-O")
                if ns.summary_overhead is not None else None)
    mode = "only" if ns.summary_only else "both" if ns.summary_both else None
    if mode is None and recorded is not None:
        mode = recorded.mode
    warnings: list[str] = []
    if mode is None:
        if ns.summary_wall_clock:
            raise InputError(f"-w/--summary-wall-clock must be given with {_NEEDS_SUMMARY}")
        if columns is not None:
            raise InputError(f"-U/--summary-columns must be given with {_NEEDS_SUMMARY}")
        if ns.summary_sort is not None:
            warnings.append(f"-S/--summary-sort-by has no effect without {_NEEDS_SUMMARY}")
        return None, warnings
    if mode == "only" and recorded is None:
        warnings += [f"{flag} has no effect with -c/--summary-only"
                     for attr, flag in _ONLY_STATS_IGNORES if getattr(ns, attr, None)]
    base = recorded or SummaryOptions(mode)
    return SummaryOptions(
        mode,
        sort if ns.summary_sort is not None else base.sort,
        columns or base.columns,
        bool(ns.summary_wall_clock) or base.wall_clock,
        overhead if overhead is not None else base.overhead_ns,
    ), warnings
