#!/usr/bin/env python3
"""The decoder thread's cost per call, without the noise of the stops: a command is traced once
with the C loop and its decoder thread (the batches kept in memory), then the batches are
decoded again and again through `Tracer._replay`, as that thread decodes them, timed in CPU
time.

    .venv/bin/python bench/replay.py [--rounds N] [--set network] -- CMD...

Prints, in us of CPU per call (the best of the rounds): the decoders (with the event built),
then with the strace text (`-f -o FILE`'s renderer), with the record (JSONL), with both; all
written to /dev/null. Not a test: it prints numbers. Where `bench/run.py`'s BREAKDOWN measures
a live trace (ptrace stops, both threads, the machine's load), this measures only the Python
work per call that bounds the decoder thread, so that one change can be judged in seconds, also
on a busy machine.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sysrec.record import RecordWriter  # noqa: E402
from sysrec.render.strace_text import RenderOptions, StraceRenderer  # noqa: E402
from sysrec.syscalls import NETWORK  # noqa: E402
from sysrec.tracer import TraceOptions, trace  # noqa: E402
from sysrec.tracer.ptrace_ops import SyscallInfoReader  # noqa: E402
import sysrec.tracer.engine as engine  # noqa: E402

Batch = tuple[list, list[tuple[int, int]]]  # the C loop's records, and the tasks new by then


def capture(cmd: list[str], trace_set: list[str] | None) -> list[Batch]:
    """Trace `cmd` with the default loop (the C loop and its decoder thread, where there are
    two CPUs) and keep every batch it hands over, cut as the decoder thread gets them."""
    os.environ.pop("SYSREC_LOOP", None)
    batches: list[Batch] = []
    seen: set[int] = set()
    replay = engine.Tracer._replay

    def keep(self: engine.Tracer, batch: list) -> None:
        new = [(tid, task.tgid) for tid, task in self.tasks.items() if tid not in seen]
        seen.update(tid for tid, _ in new)
        batches.append((list(batch), new))
        replay(self, batch)

    engine.Tracer._replay = keep  # type: ignore[method-assign]
    try:
        with open(os.devnull, "w") as null:
            trace(cmd, TraceOptions(trace_set=trace_set, follow=True), lambda event: None,
                  stdout=null, live_output=False)
    finally:
        engine.Tracer._replay = replay  # type: ignore[method-assign]
    return batches


MODES = ("decoders", "text", "record", "both")


def sink_for(mode: str, out) -> engine.Sink:
    """What the decoder thread hands each event to: nothing, the text (`sysrec trace -f -o
    FILE`), the record, or both (`--record` too)."""
    if mode == "decoders":
        return lambda event: None
    renderer = StraceRenderer(RenderOptions(follow=True), True)
    write, feed = out.write, renderer.feed
    if mode == "text":
        return lambda event: write(feed(event))
    writer = RecordWriter(stream=out)
    writer.header(["bench"], None, False, {}, start_ns=0)
    if mode == "record":
        return writer.event
    record = writer.event

    def sink(event: engine.Event) -> None:
        record(event)
        write(feed(event))
    return sink


def replay_once(batches: list[Batch], mode: str, trace_set: list[str] | None) -> tuple[float, int]:
    """CPU seconds to decode every batch once with a fresh tracer, and the number of calls."""
    with open(os.devnull, "w") as out:
        tracer = engine.Tracer(["bench"], TraceOptions(trace_set=trace_set, follow=True), sink_for(mode, out))
        tracer.info = SyscallInfoReader()  # where _replay puts each stop's ip and sp
        tracer._decoders()
        records = 0
        start = time.process_time()
        for batch, new in batches:
            for tid, tgid in new:
                tracer.tasks[tid] = engine._Task(tid, tgid, False, True)
            tracer._replay(batch)
            records += len(batch)
        return time.process_time() - start, records // 2


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--set", choices=("all", "network"), default="all",
                    help="the trace set: every call (no -e), or the network calls")
    ap.add_argument("cmd", nargs="+")
    args = ap.parse_args()
    cmd = args.cmd[1:] if args.cmd[0] == "--" else args.cmd
    trace_set = None if args.set == "all" else list(NETWORK)
    batches = capture(cmd, trace_set)
    best = {}
    for _ in range(args.rounds):  # the modes interleaved: a load change hits them alike
        for mode in MODES:
            seconds, calls = replay_once(batches, mode, trace_set)
            best[mode] = min(best.get(mode, seconds), seconds)
    per = {mode: seconds / max(calls, 1) * 1e6 for mode, seconds in best.items()}
    print(f"{calls:,} calls from the C loop, us of CPU per call (best of {args.rounds}): decoders "
          f"{per['decoders']:.1f}, + strace text {per['text']:.1f}, + record {per['record']:.1f}, "
          f"+ record and text {per['both']:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
