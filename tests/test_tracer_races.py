"""Races between tracees that the engine must survive: found by running scenarios, kept here.

A child can stop, run and exit before its parent's PTRACE_EVENT_FORK stop is reported (the parent
preempted right after fork, the child quick and on another CPU). The engine then adopts the
child, reaps it, and must not re-create it when the late fork event arrives: a task nobody will
ever reap makes waitpid() block forever. CPU hogs make the parent's preemption likely; before the
fix this workload hung in 3 of 4 runs here.
"""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest

from sysrec.tracer import TraceOptions, trace

pytestmark = pytest.mark.kernel


def test_children_that_exit_before_their_fork_event_do_not_hang_the_tracer() -> None:
    hogs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(3)]
    events: list[dict[str, Any]] = []
    try:
        argv = ["sh", "-c", "for i in $(seq 300); do (x=$(printf %d $i)) & done; wait"]
        result = trace(argv, TraceOptions(trace_set=["connect"], follow=True, same_cpu=False),
                       events.append, timeout=60)
    finally:
        for hog in hogs:
            hog.kill()
            hog.wait()
    assert (result.end, result.exit_status) == ("exited", 0)
    spawned = {e["pid"] for e in events if e["ev"] == "spawn"}
    exited = {e["pid"] for e in events if e["ev"] == "exit"}
    assert len(spawned) >= 600  # 300 subshells, each with its command substitution
    assert spawned <= exited
