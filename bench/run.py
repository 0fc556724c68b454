#!/usr/bin/env python3
"""sysrec's speed and memory, measured against strace in the same run, printed as ratios.

    python3 bench/run.py [--quick] [--memory] [--big]

Not a test: it prints numbers. Targets (issue #11; #10: never slower than strace):
- untraced syscalls (dd, 4M syscalls none of them traced): sysrec / strace --seccomp-bpf <= 1.05
- traced syscalls (20,000 getsockopt(SO_ERROR), all traced, sysrec writing a record):
  sysrec / strace <= 0.5 (and (sysrec - bare) / (strace - bare), as before)
- full trace (no -e, -f) of `find /usr/share/doc -name '*.gz'` (~13,000 syscalls, every one
  traced and printed): sysrec trace -f / strace -f <= 0.5, with where a call's time goes
- start-up: `true` with no traced call and fully traced, and the time to a fully traced
  program's main(), against strace (#11: sysrec's start and end <= ~40 ms above strace's)
- `sysrec --help` < 0.15 s
- `sysrec show` peak memory flat in the number of events (1,000,000 vs 100,000)
- every renderer (show strace/json/timeline, export perfetto/pcap, report --from) at
  2,000,000 events (`--big`; 200,000 by default): peak RSS <= 100 MB, flat against a record
  ten times smaller; `sysrec diff` of two 200,000-event records < 10 s and <= 200 MB
Every figure is the median of a few runs (wall clock). `--memory` runs only the renderer section.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# The repository's own environment when there is one (install.sh makes it): another Python may
# lack sysrec's dependencies, and every sysrec run would fail at once.
PY = str(REPO / ".venv" / "bin" / "python") if (REPO / ".venv" / "bin" / "python").exists() else sys.executable
ENV = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
# Measure sysrec as installed (byte-compiled), even where the environment says not to write
# bytecode: compiled modules go to a private cache, not into the source tree.
ENV.pop("PYTHONDONTWRITEBYTECODE", None)
SYSREC = [PY, "-m", "sysrec"]

# sysrec through its API, same_cpu=False: what the CLI does too since the tracee keeps its CPUs
# (kept to show that the API and the CLI cost the same).
UNPINNED = """
import sys
from sysrec.record import RecordWriter
from sysrec.syscalls import NETWORK
from sysrec.tracer import TraceOptions, trace
with RecordWriter(sys.argv[1]) as w:
    w.header(sys.argv[2:], list(NETWORK), True, {})
    r = trace(sys.argv[2:], TraceOptions(trace_set=NETWORK, follow=True, same_cpu=False), w.event)
    w.footer(r.end, r.exit_status)
"""


# Where a traced call's time goes: the engine with trivial decoders, then the real decoders,
# the record and the strace text added one by one (in-process, per call, start-up excluded).
# Arguments: mode, record path, "network" or "all" (the trace set), calls, command...
BREAKDOWN = """
import sys, time
from sysrec import decode
from sysrec.record import RecordWriter
from sysrec.syscalls import NETWORK
from sysrec.tracer import TraceOptions, trace
import sysrec.tracer.engine as engine
mode, path, which, n, cmd = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5:]
tset = list(NETWORK) if which == "network" else None
if mode == "engine":
    class Trivial:
        enter = staticmethod(lambda name, raw, mem, opts, previous=None: decode.EntryState(name=name, raw=tuple(raw), args=list(raw)))
        leave = staticmethod(lambda st, ret, mem, opts: decode.Decoded(args=st.args, n_entry=len(st.args)))
        errno_name, signal_name = staticmethod(decode.errno_name), staticmethod(decode.signal_name)
        decode_siginfo, fds_in = staticmethod(decode.decode_siginfo), staticmethod(decode.fds_in)
        arity, EntryState = staticmethod(lambda name, raw: len(raw)), decode.EntryState
        PER_CALL_ROWS = {}
    engine.Tracer._decoders = lambda self: setattr(self, "dec", Trivial) or Trivial
sink = lambda e: None
if mode in ("record", "text"):
    w = RecordWriter(path)
    w.header(cmd, tset, tset is not None, {})
    sink = w.event
if mode == "text":
    from sysrec.render.strace_text import RenderOptions, StraceRenderer
    r, out, record = StraceRenderer(RenderOptions(follow=True)), open("/dev/null", "w"), w.event
    def sink(e):
        record(e)
        out.write(r.feed(e))
import sysrec.render.strace_text
null = open("/dev/null", "w")
t = time.perf_counter()
trace(cmd, TraceOptions(trace_set=tset, follow=True), sink, stdout=null, live_output=False)
print((time.perf_counter() - t) / n * 1e6)
"""


def breakdown(which: str, calls: int, cmd: list[str], rec: Path, runs: int,
              env: dict[str, str] | None = None) -> dict[str, float]:
    """us per traced call for each BREAKDOWN mode, the best of `runs` (in-process)."""
    parts = {}
    for mode in ("engine", "decoders", "record", "text"):
        runs_us = []
        for _ in range(runs):
            out = subprocess.run([PY, "-c", BREAKDOWN, mode, str(rec), which, str(calls), *cmd],
                                 capture_output=True, text=True, env=env or ENV)
            if out.returncode != 0:
                raise SystemExit(f"bench: the {mode} breakdown failed (exit {out.returncode}):\n"
                                 f"{out.stderr.strip()}")
            runs_us.append(float(out.stdout.strip()))
        parts[mode] = min(runs_us)
    return parts


def print_breakdown(parts: dict[str, float], strace_us: float) -> None:
    print(f"    engine (trivial decoders) {parts['engine']:.1f}, + decoders {parts['decoders']:.1f}, "
          f"+ record {parts['record']:.1f}, + strace text {parts['text']:.1f}   (strace: {strace_us:.1f})")


# A variant to measure: the command, or (command, environment overrides).
Variant = "list[str] | tuple[list[str], dict[str, str]]"


def run_once(argv: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """Wall time and CPU time (user + system of the command and its children, from wait4) of
    one run. A command that fails is no measurement: the bench stops and says why."""
    t = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            env=dict(ENV, **(env or {})))
    err = proc.stderr.read() if proc.stderr is not None else b""
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"bench: {' '.join(argv)} failed (exit {proc.returncode}):\n"
                         f"{err.decode(errors='replace').strip()[-2000:]}")
    return seconds, usage.ru_utime + usage.ru_stime


def wall(argv: list[str], runs: int) -> float:
    return statistics.median(run_once(argv)[0] for _ in range(runs))


CPU: dict[str, float] = {}  # the median CPU time of each variant of the last compare()


def compare(variants: dict[str, Variant], rounds: int) -> dict[str, float]:
    """Median wall time of each variant (their median CPU time in CPU); rounds interleave the
    variants, so that a load change on this shared machine hits them all alike."""
    times: dict[str, list[float]] = {name: [] for name in variants}
    cpus: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(rounds):
        for name, spec in variants.items():
            argv, env = spec if isinstance(spec, tuple) else (spec, None)
            seconds, cpu = run_once(argv, env)
            times[name].append(seconds)
            cpus[name].append(cpu)
    CPU.clear()
    CPU.update({name: statistics.median(c) for name, c in cpus.items()})
    return {name: statistics.median(ts) for name, ts in times.items()}


# The stop loops sysrec can run (sysrec.tracer.cloop): the default, then the others alike.
LOOPS = {"python": {"SYSREC_LOOP": "python"}, "c": {"SYSREC_LOOP": "c"}}


def loop_line(m: dict[str, float], strace: float) -> str:
    """Wall and CPU time of the loop variants against strace's."""
    parts = [f"{name} {m[name]:.3f} s ({CPU[name]:.2f} s CPU, {m[name] / strace:.2f}x)"
             for name in m if name.startswith("sysrec")]
    return "   ".join(parts)


def peak_rss_kb(argv: list[str]) -> int:
    """Peak RSS of one child run (ru_maxrss of a fresh wrapper process, so earlier runs do not count)."""
    code = ("import resource, subprocess, sys\n"
            "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL)\n"
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n")
    out = subprocess.run([PY, "-c", code, *argv], capture_output=True, text=True, env=ENV, check=True)
    return int(out.stdout.strip())


def make_record(path: Path, n: int) -> None:
    sys.path.insert(0, str(REPO))
    from sysrec.record import RecordWriter

    with RecordWriter(path) as w:
        w.header(["bench"], ["getsockopt"], True, {"strsize": 32, "fd_decode": 0, "follow": False})
        for i in range(n):
            w.event({"ev": "syscall", "pid": 4242, "tgid": 4242, "name": "getsockopt", "nr": 55,
                     "raw": [3, 1, 4, 140737488346000, 140737488346008, 0],
                     "args": [{"$fd": 3}, "SOL_SOCKET", "SO_ERROR", ["ECONNREFUSED"], [4]], "n_entry": 3,
                     "ret": 0, "errno": None, "rtext": None, "raux": None, "t0": i * 1000, "t1": i * 1000 + 500,
                     "resumed": False})
        w.footer("exited", 0)


FIND_ROOT = "/usr/share/doc"
GETSOCKOPT_NR = 55  # x86_64


def print_floor(floor: float, colocated: float, strace: float) -> None:
    """The ptrace floor (bench/ptrace_floor.c: two stops per call, PTRACE_GET_SYSCALL_INFO,
    resume; nothing read, decoded or written): no tracer that stops twice per call goes below
    it on this machine; colocated, the best placement without pinning the tracee (the tracer on
    one CPU, the others kept busy, so the tracee is woken where the tracer runs)."""
    print(f"  the ptrace floor (ptrace_floor.c: stop, GET_SYSCALL_INFO, resume; nothing else): "
          f"{floor:.3f} s = {floor / strace:.2f}x strace; colocated {colocated:.3f} s = "
          f"{colocated / strace:.2f}x strace")


def time_to_main(argv: list[str]) -> float:
    """Seconds from starting `argv` (a tracer running bench/clock_now.c) to that program's main()."""
    t = time.monotonic_ns()
    out = subprocess.run(argv, capture_output=True, text=True, env=ENV)
    if out.returncode != 0:
        raise SystemExit(f"bench: {' '.join(argv)} failed (exit {out.returncode}):\n{out.stderr.strip()[-2000:]}")
    return (int(out.stdout.split()[-1]) - t) / 1e9


def start_up(runs: int, tmp: Path) -> None:
    """What sysrec adds before and after a program: `true` with no traced call (seccomp: the
    exit line only) and fully traced (the decoders load before its execve line), and how long
    the traced program waits for its main() under a full trace."""
    now = tmp / "clock_now"
    subprocess.run(["gcc", "-O2", "-o", str(now), str(REPO / "bench" / "clock_now.c")], check=True)
    m = compare({"strace": ["strace", "-o", "/dev/null", "true"],
                 "untraced": [*SYSREC, "trace", "-e", "trace=%network", "-o", "/dev/null", "--", "true"],
                 "full": [*SYSREC, "trace", "-o", "/dev/null", "--", "true"]}, max(runs, 3))
    tools = {"bare": [str(now)], "strace": ["strace", "-f", "-o", "/dev/null", str(now)],
             "sysrec": [*SYSREC, "trace", "-f", "-o", "/dev/null", "--", str(now)]}
    mains: dict[str, list[float]] = {name: [] for name in tools}
    for _ in range(max(runs, 3)):
        for name, argv in tools.items():
            mains[name].append(time_to_main(argv))
    main = {name: statistics.median(times) * 1e3 for name, times in mains.items()}
    print(f"start-up: `true` with no traced call (-e trace=%network) {m['untraced']:.3f} s, fully traced "
          f"{m['full']:.3f} s   (strace -o /dev/null true {m['strace']:.3f} s)")
    print(f"  full trace, from starting the tracer to the program's main(): sysrec {main['sysrec']:.1f} ms, "
          f"strace {main['strace']:.1f} ms, bare {main['bare']:.1f} ms")


def full_trace(runs: int, tmp: Path, rec: Path, floor: Path) -> None:
    """Every syscall traced and printed (no -e), as `strace -f CMD` does: sysrec's decoders and
    renderer on every call of an ordinary program, not only the tracer's stops."""
    find = ["find", FIND_ROOT, "-name", "*.gz"]
    lines = tmp / "find.strace"
    subprocess.run(["strace", "-f", "-o", str(lines), *find], stdout=subprocess.DEVNULL, check=False)
    calls = sum(1 for line in lines.read_text(errors="replace").splitlines() if "(" in line)
    sysrec = [*SYSREC, "trace", "-f", "-o", "/dev/null", "--", *find]
    m = compare({"bare": find, "strace": ["strace", "-f", "-o", "/dev/null", *find], "sysrec": sysrec,
                 **{f"sysrec_{name}": (sysrec, env) for name, env in LOOPS.items()},
                 "floor": [str(floor), *find], "floor_colocated": [str(floor), "--colocate", *find]}, runs)
    bare, st, sr = m["bare"], m["strace"], m["sysrec"]
    print(f"full trace (no -e): find {FIND_ROOT} -name '*.gz' ({calls:,} syscalls, all traced and printed)")
    print(f"  bare {bare:.3f} s   strace -f {st:.3f} s ({CPU['strace']:.2f} s CPU)   sysrec trace -f {sr:.3f} s "
          f"({CPU['sysrec']:.2f} s CPU)")
    print(f"  stop loops (SYSREC_LOOP; sysrec = the default): {loop_line(m, st)}")
    print(f"  sysrec/strace = {sr / st:.2f}   (target <= 0.5; #10: <= 1.0)   above bare, per call: "
          f"strace {(st - bare) / calls * 1e6:.1f} us, sysrec {(sr - bare) / calls * 1e6:.1f} us   "
          f"((sysrec - bare)/(strace - bare) = {(sr - bare) / (st - bare):.2f})")
    print_floor(m["floor"], m["floor_colocated"], st)
    print("  where a call's time goes (in-process, best of the rounds, us/call, start-up excluded):")
    print_breakdown(breakdown("all", calls, find, rec, runs), (st - bare) / calls * 1e6)
    print("  the same with the Python stop loop:")
    print_breakdown(breakdown("all", calls, find, rec, runs, dict(ENV, **LOOPS["python"])),
                    (st - bare) / calls * 1e6)


def big_record(path: Path, events: int, **kw) -> None:
    sys.path.insert(0, str(REPO / "bench"))
    from big_record import write_big_record

    write_big_record(str(path), events, **kw)


def timed_peak(argv: list[str], ok: tuple[int, ...] = (0, 1)) -> tuple[float, int]:
    """Wall time and peak RSS (KiB) of one run: the largest of the process and its children."""
    code = ("import resource, subprocess, sys\n"
            "rc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode\n"
            "print(rc, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n")
    t = time.perf_counter()
    out = subprocess.run([PY, "-c", code, *argv], capture_output=True, text=True, env=ENV, check=True)
    seconds = time.perf_counter() - t
    rc, kb = map(int, out.stdout.split())
    if rc not in ok:
        raise SystemExit(f"bench: {' '.join(argv[2:4])} exited {rc}: {out.stderr.strip()}")
    return seconds, kb


def renderer_memory(tmp: Path, events: int) -> None:
    """Peak RSS of every renderer on a `sysrec run`-shaped record of `events` events (a tenth of them
    packets) and on one ten times smaller: flat memory shows as a ratio near 1."""
    sizes = (events // 10, events)
    runs_dir = tmp / "run"
    scenario = tmp / "bench.toml"
    scenario.write_text('# A generated record (bench/big_record.py), not a real run.\nname = "bench"\n')
    renderers = {
        "show --format strace": lambda rec: [*SYSREC, "show", str(rec), "--format", "strace"],
        "show --format json": lambda rec: [*SYSREC, "show", str(rec), "--format", "json"],
        "show --format timeline": lambda rec: [*SYSREC, "show", str(rec), "--format", "timeline"],
        "export --perfetto": lambda rec: [*SYSREC, "export", str(rec), "--perfetto", str(tmp / "t.json")],
        "export --pcap": lambda rec: [*SYSREC, "export", str(rec), "--pcap", str(tmp / "t.pcap")],
        "report --from": lambda rec: [*SYSREC, "report", str(scenario), "--from", str(runs_dir),
                                      "-o", str(tmp / "report.md")],
    }
    figures: dict[str, list[tuple[float, int]]] = {name: [] for name in renderers}
    for size in sizes:
        cell = runs_dir / "default"
        cell.mkdir(parents=True, exist_ok=True)
        rec = cell / "run-1.jsonl"
        big_record(rec, size - size // 10 - 1, packets=size // 10)   # + the exit event
        (runs_dir / "summary.json").write_text(json.dumps({
            "scenario": "bench", "description": "generated", "kernel": "bench", "repeat": 1,
            "cells": [{"name": "default", "settings": {}, "runs": 1, "passed_runs": 1, "passed": True,
                       "expectations": [], "records": ["default/run-1.jsonl"]}]}))
        mb = rec.stat().st_size / 1e6
        print(f"  record of {size:,} events ({mb:.0f} MB):", flush=True)
        for name, argv in renderers.items():
            seconds, kb = timed_peak(argv(rec))
            figures[name].append((seconds, kb))
            print(f"    {name:<24} peak RSS {kb / 1024:6.1f} MiB   {seconds:6.1f} s", flush=True)
    print(f"  peak RSS at {sizes[1]:,} / at {sizes[0]:,} events (flat = ~1.0; target <= 100 MB at 2,000,000):")
    for name, ((_, small), (_, large)) in figures.items():
        print(f"    {name:<24} {large / small:.2f}   ({large / 1024:.1f} MiB)")


def shuffled_timeline(tmp: Path, events: int) -> None:
    """The fallback: a record whose events are in no order is sorted through spilled runs."""
    import random

    rec = tmp / "shuffled.jsonl"
    big_record(rec, events - events // 10 - 1, packets=events // 10)
    lines = rec.read_text().splitlines()
    body = lines[1:-1]
    random.Random(1).shuffle(body)
    rec.write_text("\n".join([lines[0], *body, lines[-1]]) + "\n")
    del lines, body
    seconds, kb = timed_peak([*SYSREC, "show", str(rec), "--format", "timeline"])
    print(f"  show --format timeline, {events:,} events in random file order (external sort): "
          f"peak RSS {kb / 1024:.1f} MiB   {seconds:.1f} s", flush=True)


def diff_memory(tmp: Path, events: int) -> None:
    a, b = tmp / "diff-a.jsonl", tmp / "diff-b.jsonl"
    big_record(a, events)
    big_record(b, events, variant=1001)            # a short read every 1001 calls
    seconds, kb = timed_peak([*SYSREC, "diff", str(a), str(b)])
    print(f"sysrec diff, two {events:,}-event records differing every ~2,000 events: {seconds:.1f} s "
          f"(target < 10 s), peak RSS {kb / 1024:.1f} MiB per process (two processes read the two "
          f"records; together <= {2 * kb / 1024:.0f} MiB, target <= 200 MB)", flush=True)
    c = tmp / "diff-c.jsonl"
    big_record(c, events // 10)
    small_s, small_kb = timed_peak([*SYSREC, "diff", str(c), str(c)])
    same_s, _ = timed_peak([*SYSREC, "diff", str(a), str(a)])
    print(f"  time ratio, identical records of {events:,} vs {events // 10:,} events: {same_s / small_s:.1f} "
          f"(linear = ~10; difflib alone was quadratic: ~100)")


def memory_section(tmp: Path, big: bool) -> None:
    events = 2_000_000 if big else 200_000
    more = "" if big else "; --big for 2,000,000"
    print(f"renderers on big records ({events:,} events{more}):", flush=True)
    renderer_memory(tmp, events)
    shuffled_timeline(tmp, 200_000)
    diff_memory(tmp, 200_000)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="smaller workloads, one run each")
    ap.add_argument("--memory", action="store_true", help="only the renderers' memory and diff's time")
    ap.add_argument("--big", action="store_true", help="renderers at 2,000,000 events (slow: minutes each)")
    args = ap.parse_args()
    if args.memory:
        tmp = Path(tempfile.mkdtemp(prefix="sysrec-bench-"))
        ENV["PYTHONPYCACHEPREFIX"] = str(tmp / "pycache")
        try:
            memory_section(tmp, args.big)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        return 0
    runs = 1 if args.quick else 5
    for tool in ("strace", "dd", "gcc", "find"):
        if shutil.which(tool) is None:
            print(f"bench: needs {tool}", file=sys.stderr)
            return 2
    load = os.getloadavg()[0]
    print(f"load average {load:.2f} on {os.cpu_count()} CPUs" + ("   (busy machine: figures are noisy)"
                                                             if load > 0.5 * (os.cpu_count() or 1) else ""))
    tmp = Path(tempfile.mkdtemp(prefix="sysrec-bench-"))
    ENV["PYTHONPYCACHEPREFIX"] = str(tmp / "pycache")
    try:
        # warm-up: byte-compile everything sysrec imports, so start-up is measured as installed
        wall([*SYSREC, "trace", "-e", "trace=%network", "-o", "/dev/null", "--", "true"], 1)
        wall([*SYSREC, "show", "--help"], 1)
        prog = tmp / "getsockopt_loop"
        subprocess.run(["gcc", "-O2", "-o", str(prog), str(REPO / "bench" / "getsockopt_loop.c")], check=True)
        floor = tmp / "ptrace_floor"
        subprocess.run(["gcc", "-O2", "-pthread", "-o", str(floor), str(REPO / "bench" / "ptrace_floor.c")], check=True)
        rec = tmp / "r.jsonl"
        strace = ["strace", "-f", "--seccomp-bpf", "-e", "trace=%network", "-o", "/dev/null"]
        sysrec = [*SYSREC, "trace", "-e", "trace=%network", "-o", "/dev/null"]

        count = "200000" if args.quick else "2000000"
        dd = ["dd", "if=/dev/zero", "of=/dev/null", "bs=1", f"count={count}"]
        m = compare({"bare": dd, "strace": [*strace, *dd], "sysrec": [*sysrec, "--record", str(rec), "--", *dd]},
                    runs)
        bare, st, sr = m["bare"], m["strace"], m["sysrec"]
        print(f"untraced syscalls: dd bs=1 count={count} ({2 * int(count):,} syscalls, none traced)")
        print(f"  bare {bare:.3f} s   strace --seccomp-bpf {st:.3f} s   sysrec {sr:.3f} s")
        print(f"  sysrec/strace = {sr / st:.2f}   (target <= 1.05)")

        n = "2000" if args.quick else "20000"
        gso = [str(prog), n]
        m = compare({
            "bare": gso,
            "strace": [*strace, *gso],
            "strace_pinned": ["taskset", "-c", "0", *strace, *gso],
            "sysrec": [*sysrec, "-f", "--record", str(rec), "--", *gso],
            **{f"sysrec_{name}": ([*sysrec, "-f", "--record", str(rec), "--", *gso], env)
               for name, env in LOOPS.items()},
            "sysrec_free": [PY, "-c", UNPINNED, str(rec), *gso],
            "floor": [str(floor), "--seccomp", str(GETSOCKOPT_NR), *gso],
            "floor_colocated": [str(floor), "--colocate", "--seccomp", str(GETSOCKOPT_NR), *gso],
            "start": [*SYSREC, "trace", "-e", "trace=%network", "-o", "/dev/null", "--", "true"],
        }, runs)
        bare, st, st1, sr, sr_free, start = (m[k] for k in ("bare", "strace", "strace_pinned", "sysrec",
                                                              "sysrec_free", "start"))
        print(f"traced syscalls: {n} getsockopt(SO_ERROR), all traced, sysrec writing a record")
        print(f"  bare {bare:.3f} s   strace -f --seccomp-bpf {st:.3f} s ({CPU['strace']:.2f} s CPU)   "
              f"sysrec trace -f {sr:.3f} s ({CPU['sysrec']:.2f} s CPU)")
        print(f"  stop loops (SYSREC_LOOP; sysrec = the default): "
              f"{loop_line({k: v for k, v in m.items() if k.startswith('sysrec_') or k == 'sysrec'}, st)}")
        per = 1e6 / int(n)
        print(f"  above bare, per call: strace {(st - bare) * per:.1f} us, sysrec {(sr - bare) * per:.1f} us "
              f"(sysrec start-up alone: {start:.3f} s)")
        print(f"  sysrec/strace = {sr / st:.2f}   (target <= 0.5)   (sysrec - bare)/(strace - bare) = "
              f"{(sr - bare) / (st - bare):.2f}; without sysrec's start-up: {(sr - start) / (st - bare):.2f}")
        print_floor(m["floor"], m["floor_colocated"], st)
        print(f"  same CPU for both tools: strace under taskset -c 0 {(st1 - bare) * per:.1f} us/call; "
              f"sysrec on different CPUs (API, same_cpu=False) {(sr_free - bare) * per:.1f} us/call")
        print(f"  like for like: sysrec/strace both pinned = {(sr - bare) / (st1 - bare):.2f}, "
              f"both free = {(sr_free - bare) / (st - bare):.2f}")

        print("  where a traced call's time goes (in-process, best of the rounds, us/call):")
        print_breakdown(breakdown("network", int(n), [str(prog), n], rec, runs), (st - bare) * per)
        print("  the same with the Python stop loop:")
        print_breakdown(breakdown("network", int(n), [str(prog), n], rec, runs, dict(ENV, **LOOPS["python"])),
                        (st - bare) * per)

        if Path(FIND_ROOT).is_dir():
            full_trace(runs, tmp, rec, floor)

        start_up(runs, tmp)
        helps = wall([*SYSREC, "--help"], 5)
        print(f"sysrec --help: {helps:.3f} s   (target < 0.15 s)")

        sizes = (10_000, 100_000) if args.quick else (100_000, 1_000_000)
        peaks = []
        for size in sizes:
            path = tmp / f"show-{size}.jsonl"
            make_record(path, size)
            kb = peak_rss_kb([*SYSREC, "show", str(path), "--format", "strace"])
            mb = path.stat().st_size / 1e6
            peaks.append(kb)
            print(f"sysrec show --format strace, {size:,} events ({mb:.0f} MB): peak RSS {kb / 1024:.1f} MiB")
        print(f"  peak memory ratio {sizes[1] // sizes[0]}x events: {peaks[1] / peaks[0]:.2f}   (flat = ~1.0)")
        memory_section(tmp, args.big)
        print(f"load average at the end {os.getloadavg()[0]:.2f}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
