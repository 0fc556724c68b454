"""Starts N copies of a command and waits for all: `[client] count = N` under one tracer.

Usage: fanout.py [--stagger-ms MS] N CMD [ARG...]. Copy i (0-based) starts i × MS after the first,
on one monotonic clock: a copy that forks late under the tracer does not push the others back,
so a burst keeps its pace however slow the start-ups are. Each copy finds its index in
SYSREC_CLIENT_INDEX (a shell command can pick its program by it). Exit status: the highest of
the copies' (128+signal when killed). Standard library only, run by the same interpreter as the
probes.
"""

from __future__ import annotations

import os
import sys
import time

INDEX_VARIABLE = "SYSREC_CLIENT_INDEX"


def main(argv: list[str]) -> int:
    stagger_s = 0.0
    if argv[:1] == ["--stagger-ms"]:
        stagger_s, argv = float(argv[1]) / 1000, argv[2:]
    count, cmd = int(argv[0]), argv[1:]
    start = time.monotonic()
    pids = []
    for index in range(count):
        delay = start + index * stagger_s - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        pid = os.fork()
        if pid == 0:
            try:
                os.environ[INDEX_VARIABLE] = str(index)
                os.execvp(cmd[0], cmd)
            finally:
                os._exit(127)
        pids.append(pid)
    worst = 0
    for pid in pids:
        _, status = os.waitpid(pid, 0)
        code = os.waitstatus_to_exitcode(status)
        worst = max(worst, code if code >= 0 else 128 - code)
    return worst


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
