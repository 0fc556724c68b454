"""Starts N copies of a command at once and waits for all: `[client] count = N` under one tracer.

Usage: fanout.py N CMD [ARG...]. Exit status: the highest of the copies' (128+signal when
killed). Standard library only, run by the same interpreter as the probes.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str]) -> int:
    count, cmd = int(argv[0]), argv[1:]
    pids = []
    for _ in range(count):
        pid = os.fork()
        if pid == 0:
            try:
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
