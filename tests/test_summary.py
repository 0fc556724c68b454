"""The call summary (-c, -C, -S, -U, -w): the table's layout from hand-worked figures, and real
programs under strace 6.1 and `sysrec trace`, whose calls and errors per syscall must agree
(the time columns are each tracer's own clock, so only their layout is compared)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sysrec.errors import InputError
from sysrec.render.summary import CallCounter, CallStats, parse_columns, parse_sort, render_table

REPO = Path(__file__).resolve().parent.parent
ENV = dict(os.environ, PYTHONPATH=str(REPO))
SYSTEM_PYTHON = "/usr/bin/python3"  # never a shim: the same program under both tracers
RULE = "------ ----------- ----------- --------- --------- ----------------"
HEADING = "% time     seconds  usecs/call     calls    errors syscall"

# A program whose calls fail in several ways: ENOENT, EBADF, ECONNREFUSED.
FAILING = """\
import os, socket
for path in ("/nonexistent/a", "/etc/hostname", "/proc/self/nonexistent"):
    try:
        os.stat(path)
    except OSError:
        pass
for _ in range(3):
    try:
        os.close(999)
    except OSError:
        pass
s = socket.socket()
try:
    s.connect(("127.0.0.1", 1))
except OSError:
    pass
s.close()
"""


# --- the table, from figures worked out by hand --------------------------------------------

def _stats(nr, name, calls, errors, total_ns, min_ns=0, max_ns=0):
    return CallStats(nr, name, calls, errors, total_ns, min_ns, max_ns)


READ = _stats(0, "read", 3, 0, 1_500_000, 400_000, 700_000)
OPENAT = _stats(257, "openat", 4, 1, 500_000, 100_000, 200_000)
CLOSE = _stats(3, "close", 2, 0, 0, 0, 0)


def test_default_table_sorted_by_time_with_blank_zero_errors():
    # 1.5 ms of 2 ms is 75 %; read's average is 1.5 ms / 3 = 500 us; the total's 2 ms / 9 calls
    # is 222.2 us, truncated.
    assert render_table([CLOSE, OPENAT, READ]) == "\n".join([
        HEADING,
        RULE,
        " 75.00    0.001500         500         3           read",
        " 25.00    0.000500         125         4         1 openat",
        "  0.00    0.000000           0         2           close",
        RULE,
        "100.00    0.002000         222         9         1 total",
    ]) + "\n"


def test_no_counted_call_prints_no_table():
    # strace -c -e trace=socket true: nothing was counted, nothing is printed
    assert render_table([]) == ""
    counter = CallCounter()
    counter.add({"ev": "syscall", "name": "exit_group", "nr": 231, "ret": None, "t0": 1, "t1": 2})
    counter.add({"ev": "exit", "pid": 1, "status": 0})
    assert counter.stats == {}


def test_counter_counts_at_exit_errors_by_errno_and_clamps_negative_times():
    counter = CallCounter()
    counter.add({"ev": "syscall", "name": "openat", "nr": 257, "ret": -2, "errno": "ENOENT", "t0": 100, "t1": 350})
    counter.add({"ev": "syscall", "name": "openat", "nr": 257, "ret": 3, "errno": None, "t0": 400, "t1": 500})
    counter.add({"ev": "syscall", "name": "close", "nr": 3, "ret": 0, "errno": None, "t0": 900, "t1": 800})
    openat, close = counter.stats[257], counter.stats[3]
    assert (openat.calls, openat.errors, openat.total_ns, openat.min_ns, openat.max_ns) == (2, 1, 350, 100, 250)
    assert (close.calls, close.errors, close.total_ns) == (1, 0, 0)


def test_widths_grow_with_the_data():
    big = _stats(0, "read", 1_234_567_890, 0, 12_345 * 10**9)
    long_name = _stats(1, "a_syscall_named_at_length", 1, 1, 0)
    text = render_table([big, long_name])
    lines = text.splitlines()
    # seconds: 12345.000000 is 12 wide; calls: 1234567891 is 10 wide; usecs/call: the largest
    # average, 12345 s / 1234567890 calls = 9.99 us -> 9 (narrower than the minimum 11);
    # syscall: 25 characters and one more.
    assert lines[1] == "------ ------------ ----------- ---------- --------- " + "-" * 26
    assert lines[0] == "% time      seconds  usecs/call      calls    errors syscall"
    assert lines[2] == "100.00 12345.000000           9 1234567890           read"
    assert lines[3] == "  0.00     0.000000           0          1         1 a_syscall_named_at_length"
    assert lines[5] == "100.00 12345.000000           9 1234567891         1 total"


def test_all_zero_times_are_zero_percent_and_the_total_still_100():
    text = render_table([_stats(0, "read", 2, 0, 0), _stats(1, "write", 1, 0, 0)])
    assert text.splitlines()[2:] == [
        "  0.00    0.000000           0         2           read",
        "  0.00    0.000000           0         1           write",
        RULE,
        "100.00    0.000000           0         3           total",
    ]


def test_averages_round_like_ts_div_and_truncate_to_microseconds():
    # 2999999 ns in one call is 2999 us (truncated, not rounded); 5 ns over 2 calls is 3 ns
    rows = render_table([_stats(0, "read", 1, 0, 2_999_999), _stats(1, "write", 2, 0, 5)],
                        columns=("avg-time", "name")).splitlines()
    assert rows[2] == "       2999 read" and rows[3] == "          0 write"


def test_min_max_columns_and_name_not_last():
    rows = render_table([READ, OPENAT], columns=("name", "min-time", "max-time", "calls"), sort="calls")
    assert rows.splitlines() == [
        "syscall          shortest  longest     calls",
        "---------------- -------- -------- ---------",
        "openat           0.000100 0.000200         4",
        "read             0.000400 0.000700         3",
        "---------------- -------- -------- ---------",
        "total            0.000100 0.000700         7",
    ]


@pytest.mark.parametrize("sort, order", [
    ("calls", ["openat", "read", "write", "close"]),      # ties keep syscall number order
    ("errors", ["write", "openat", "read", "close"]),
    ("name", ["close", "openat", "read", "write"]),
    ("nothing", ["read", "write", "close", "openat"]),   # by syscall number
    ("time", ["read", "openat", "write", "close"]),
    ("min-time", ["read", "openat", "write", "close"]),
    ("longest", ["read", "write", "openat", "close"]),
    ("avg_time", ["read", "openat", "write", "close"]),
])
def test_sort_orders(sort, order):
    write = _stats(1, "write", 2, 1, 80_000, 40_000, 600_000)
    table = render_table([READ, OPENAT, CLOSE, write], columns=("name",), sort=parse_sort(sort))
    assert table.splitlines()[2:-2] == order


def test_column_names_and_their_errors():
    assert parse_columns("count,error,shortest") == ("calls", "errors", "min-time", "name")
    assert parse_columns("syscall,time-total") == ("name", "total-time")
    for bad, message in [("min", "unknown column name: 'min'"), ("calls,", "unknown column name: ''"),
                         ("none", "unknown column name: 'none'"),
                         ("calls,name,count", "call summary column has been provided more than once: "
                                              "'count' (-U option residual: 'count')")]:
        with pytest.raises(InputError) as err:
            parse_columns(bad)
        assert str(err.value) == message


# --- against strace -----------------------------------------------------------------------

needs_strace = pytest.mark.skipif(shutil.which("strace") is None, reason="strace not installed")


def _strace(args: list[str], cmd: list[str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(["strace", *args, *cmd], capture_output=True, text=True, cwd=cwd, timeout=120)


def _sysrec(args: list[str], cmd: list[str] | None, cwd: Path) -> subprocess.CompletedProcess:
    tail = ["--", *cmd] if cmd is not None else []
    return subprocess.run([sys.executable, "-m", "sysrec", *args, *tail], capture_output=True, text=True,
                          cwd=cwd, env=ENV, timeout=120)


def _trace_pair(tmp_path: Path, flags: list[str], cmd: list[str], follow: bool = False) -> tuple[str, str]:
    """The -o files of strace and of `sysrec trace` (every syscall traced) with the same flags."""
    f = ["-f"] if follow else []
    strace = _strace([*f, *flags, "-o", str(tmp_path / "strace.txt")], cmd, tmp_path)
    assert strace.returncode == 0, strace.stderr
    sysrec = _sysrec(["trace", *f, "-e", "trace=all", *flags, "-o", str(tmp_path / "sysrec.txt")], cmd, tmp_path)
    assert sysrec.returncode == 0, sysrec.stderr
    return (tmp_path / "strace.txt").read_text(), (tmp_path / "sysrec.txt").read_text()


_ROW = re.compile(r"^ *(\d+\.\d\d) +(\d+\.\d{6}) +(\d+) +(\d+) ( +\d+| *) (\S+)$")


def _rows(table: str) -> tuple[dict[str, tuple[int, int]], list[str]]:
    """The default table's rows: name -> (calls, errors), and the table's frame (heading, rules,
    the total's calls and errors) for comparison."""
    lines = table.splitlines()
    assert lines[0] == HEADING and lines[1] == lines[-2] and set(lines[1]) == {"-", " "}
    rows = {}
    for line in lines[2:-2] + [lines[-1]]:
        m = _ROW.match(line)
        assert m, line
        rows[m.group(6)] = (int(m.group(4)), int(m.group(5).strip() or 0))
    return rows, [lines[0], lines[1], lines[-2]]


def _fixed_directory(tmp_path: Path) -> Path:
    where = tmp_path / "listed"
    where.mkdir()
    for name in ("a", "b", "c d"):
        (where / name).write_text(name)
    os.symlink("a", where / "link")
    return where


@needs_strace
def test_ls_la_counts_equal_strace_and_table_is_identical_without_times(tmp_path):
    cmd = ["ls", "-la", str(_fixed_directory(tmp_path))]
    # without time columns every byte of the table is the same, sorted by calls
    strace, sysrec = _trace_pair(tmp_path, ["-c", "-U", "calls,errors,name", "-S", "calls"], cmd)
    assert sysrec == strace
    # the default table: the same rows with the same calls and errors, the same frame
    strace, sysrec = _trace_pair(tmp_path, ["-c"], cmd)
    assert _rows(sysrec) == _rows(strace)
    assert len(_rows(strace)[0]) > 20


@needs_strace
def test_whole_default_table_identical_when_overhead_takes_every_call_time(tmp_path):
    """-O 10s: each call's time less the overhead is clamped to 0 by both tracers, so even the
    time columns agree, and the default table is the same byte for byte."""
    (tmp_path / "prog.py").write_text(FAILING)
    strace, sysrec = _trace_pair(tmp_path, ["-c", "-w", "-O", "10s", "-S", "errors"],
                                 [SYSTEM_PYTHON, "-I", "-S", "prog.py"])
    assert sysrec == strace
    assert strace.splitlines()[-1].startswith("100.00    0.000000           0 ")


@needs_strace
@pytest.mark.parametrize("sort", ["name", "nothing", "errors"])
def test_failing_python_program_counts_and_orders_equal_strace(tmp_path, sort):
    (tmp_path / "prog.py").write_text(FAILING)
    cmd = [SYSTEM_PYTHON, "-I", "-S", "prog.py"]
    strace, sysrec = _trace_pair(tmp_path, ["-c", "-S", sort, "-U", "name,calls,errors"], cmd)
    assert sysrec == strace
    errors = {line.split()[0]: line.split()[2] for line in strace.splitlines()[2:-2] if len(line.split()) == 3}
    assert {"connect", "close", "newfstatat"} <= set(errors)


def _without_signal_returns(table: str) -> dict[str, tuple[int, int]]:
    """Rows but rt_sigreturn and clone's errors: with SIGCHLD handlers, rt_sigreturn's count
    and errors (the interrupted call's return, restored) depend on when the children end, and
    so does a fork that a SIGCHLD interrupts (clone = ERESTARTNOINTR, restarted: one call and
    one error more), under strace as under sysrec."""
    rows, _ = _rows(table)
    signal = rows.pop("rt_sigreturn", (0, 0))
    clone_calls, clone_errors = rows.get("clone", (0, 0))
    rows["clone"] = (clone_calls - clone_errors, 0)
    calls, errors = rows.pop("total")
    rows["total"] = (calls - signal[0] - clone_errors, errors - signal[1] - clone_errors)
    return rows


@needs_strace
def test_shell_pipeline_with_follow_counts_equal_strace(tmp_path):
    cmd = ["sh", "-c", f"ls -la {_fixed_directory(tmp_path)} | wc -l | cat; echo done | tr d D"]
    strace, sysrec = _trace_pair(tmp_path, ["-c"], cmd, follow=True)
    assert _without_signal_returns(sysrec) == _without_signal_returns(strace)
    assert {"clone", "wait4", "pipe2", "execve"} <= set(_rows(strace)[0])


@needs_strace
def test_summary_only_goes_to_stderr_alone(tmp_path):
    """-c without -o: the program's output untouched, stderr holds the table and nothing else."""
    (tmp_path / "prog.py").write_text(FAILING + "print('out')\n")
    cmd = [SYSTEM_PYTHON, "-I", "-S", "prog.py"]
    flags = ["-f", "-c", "-U", "name,calls,errors", "-S", "calls"]
    strace = _strace(flags, cmd, tmp_path)
    sysrec = _sysrec(["trace", "-e", "trace=all", *flags], cmd, tmp_path)
    assert (sysrec.returncode, sysrec.stdout) == (strace.returncode, strace.stdout) == (0, "out\n")
    assert sysrec.stderr == strace.stderr and strace.stderr.startswith("syscall ")


def _joined_lines(text: str) -> list[str]:
    from test_oracle import normalize
    return normalize(text.splitlines())


@needs_strace
def test_summary_with_lines_prints_both_as_strace(tmp_path):
    """-C: the usual lines, then the table; a syscall filter applies to both."""
    (tmp_path / "prog.py").write_text(FAILING)
    cmd = [SYSTEM_PYTHON, "-I", "-S", "prog.py"]
    flags = ["-C", "-e", "trace=socket,connect,close", "-U", "calls,errors,name", "-S", "name"]
    strace = _strace([*flags, "-o", str(tmp_path / "s.txt")], cmd, tmp_path)
    sysrec = _sysrec(["trace", *flags, "-o", str(tmp_path / "y.txt")], cmd, tmp_path)
    assert strace.returncode == sysrec.returncode == 0
    expected, got = (tmp_path / "s.txt").read_text(), (tmp_path / "y.txt").read_text()
    cut = expected.index("    calls")
    assert got.index("    calls") == cut
    assert _joined_lines(got[:cut]) == _joined_lines(expected[:cut])
    assert got[cut:] == expected[cut:]
    assert expected[:cut].splitlines()[-1] == "+++ exited with 0 +++"


@needs_strace
def test_show_prints_the_table_from_the_record(tmp_path):
    (tmp_path / "prog.py").write_text(FAILING)
    cmd = [SYSTEM_PYTHON, "-I", "-S", "prog.py"]
    rec = tmp_path / "r.jsonl"
    live = _sysrec(["trace", "-e", "trace=all", "-c", "-S", "calls", "--record", str(rec)], cmd, tmp_path)
    assert live.returncode == 0
    header = json.loads(rec.read_text().splitlines()[0])
    assert header["options"]["summary"] == "only" and header["options"]["summary_sort"] == "calls"
    shown = _sysrec(["show", str(rec)], None, tmp_path)
    assert shown.returncode == 0 and shown.stdout == live.stderr  # the same text, times included
    # a record made without -c gives the same counts as strace, from the record alone
    plain = tmp_path / "plain.jsonl"
    assert _sysrec(["trace", "-e", "trace=all", "--record", str(plain)], cmd, tmp_path).returncode == 0
    flags = ["-c", "-U", "calls,errors,name", "-S", "calls"]
    shown = _sysrec(["show", str(plain), *flags], None, tmp_path)
    strace = _strace(flags, cmd, tmp_path)
    assert shown.stdout == strace.stderr
    # -C on show: the lines, then the table
    both = _sysrec(["show", str(plain), "-C"], None, tmp_path).stdout
    assert both.index("+++ exited with 0 +++\n% time") > 0


# Bad input: strace's message (after `strace: `), and exit 2 where strace exits 1.
@needs_strace
@pytest.mark.parametrize("flags", [
    ["-c", "-S", "bogus"],
    ["-c", "-U", "min"],
    ["-c", "-U", "calls,"],
    ["-c", "-U", "calls,count"],
    ["-c", "-C"],
    ["-C", "-c"],
    ["-w"],
    ["-U", "calls"],
    ["-c", "-O", "1x"],
    ["-c", "-O", "-1"],
    ["-c", "--summary-syscall-overhead=x"],
    ["-c", "--summary-sort=x"],
])
def test_bad_summary_flags_fail_with_strace_words(tmp_path, flags):
    strace = _strace(flags, ["true"], tmp_path)
    sysrec = _sysrec(["trace", *flags], ["true"], tmp_path)
    assert strace.returncode == 1 and sysrec.returncode == 2
    assert sysrec.stderr.splitlines() == [strace.stderr.splitlines()[0].replace("strace: ", "sysrec: ", 1)]


@needs_strace
@pytest.mark.parametrize("flags", [["-S", "calls"], ["-c", "-r", "-t", "-T", "-y"]])
def test_flags_without_effect_are_warned_about_as_strace_does(tmp_path, flags):
    strace = _strace(flags + ["-e", "trace=none"], ["true"], tmp_path)
    sysrec = _sysrec(["trace", *flags, "-e", "trace=socket"], ["true"], tmp_path)
    assert strace.returncode == sysrec.returncode == 0
    warnings = [line.replace("strace: ", "sysrec: ", 1) for line in strace.stderr.splitlines()
                if line.startswith("strace: ")]
    assert warnings and [line for line in sysrec.stderr.splitlines() if line.startswith("sysrec: ")] == warnings


def test_long_option_spellings(tmp_path):
    sysrec = _sysrec(["trace", "--summary-only", "--summary-sort-by=calls", "--summary-columns=calls,name",
                      "--summary-wall-clock", "-e", "trace=openat"], [SYSTEM_PYTHON, "-I", "-S", "-c", "pass"],
                     tmp_path)
    assert sysrec.returncode == 0
    lines = sysrec.stderr.splitlines()
    assert lines[0] == "    calls syscall" and lines[2].split()[1] == "openat" and lines[-1].endswith(" total")


def test_show_summary_of_a_scenario_record_counts_its_syscall_events(tmp_path):
    """A `sysrec run` record shows as a timeline by default; -c asks for strace's table."""
    record = next((REPO / "tests" / "data" / "real").rglob("*.jsonl"))
    events = [json.loads(line) for line in record.read_text().splitlines()]
    expected: dict[str, list[int]] = {}
    for e in events:
        if e.get("ev") == "syscall" and e.get("ret") is not None:
            calls_errors = expected.setdefault(e["name"], [0, 0])
            calls_errors[0] += 1
            calls_errors[1] += 1 if -4096 < e["ret"] < 0 else 0
    shown = _sysrec(["show", str(record), "-c", "-U", "name,calls,errors", "-S", "name"], None, tmp_path)
    assert shown.returncode == 0
    rows = [line.split() for line in shown.stdout.splitlines()[2:-2]]
    assert [(r[0], int(r[1]), int(r[2]) if len(r) > 2 else 0) for r in rows] == \
        [(name, *expected[name]) for name in sorted(expected)]
