"""The delay process: holds every queued packet for the link's delay, then accepts it (or drops
it, with the link's loss probability, as soon as it arrives).

A constant delay keeps packets in order, so a FIFO is the whole schedule. Protocol with the parent
(`LinkHandle`): we print `ready` on stdout once the queue is bound; a line or EOF on stdin stops
us: held packets are accepted at once, then we print one JSON line of counts and exit 0.
"""

from __future__ import annotations

import argparse
import json
import random
import selectors
import signal
import sys
import time
from collections import deque

from sysrec.capture.helper import die_with_parent
from sysrec.link.nfqueue import NF_ACCEPT, NF_DROP, NfQueue

# epoll waits in whole milliseconds, rounded up; wake this much early and spin the rest.
EARLY_WAKE_S = 0.0015


def hold_and_release(queue: NfQueue, control_fd: int, delay_s: float, loss: float,
                     rng: random.Random) -> dict[str, int]:
    held: deque[tuple[float, int]] = deque()
    counts = {"accepted": 0, "dropped": 0}
    sel = selectors.DefaultSelector()
    sel.register(queue.fileno(), selectors.EVENT_READ)
    sel.register(control_fd, selectors.EVENT_READ)
    running = True
    while running:
        timeout = None
        if held:
            timeout = max(0.0, held[0][0] - time.monotonic() - EARLY_WAKE_S)
        ready = sel.select(timeout)
        decisions: list[tuple[int, int]] = []
        for key, _ in ready:
            if key.fd == control_fd:
                running = False
            else:
                arrived = time.monotonic()
                for packet_id in queue.receive():
                    if loss and rng.random() < loss:
                        decisions.append((packet_id, NF_DROP))
                        counts["dropped"] += 1
                    else:
                        held.append((arrived + delay_s, packet_id))
        if held and running:
            due = held[0][0]
            while time.monotonic() < due and due - time.monotonic() < EARLY_WAKE_S:
                pass
        now = time.monotonic()
        while held and (held[0][0] <= now or not running):
            decisions.append((held.popleft()[1], NF_ACCEPT))
            counts["accepted"] += 1
        if decisions:
            queue.verdicts(decisions)
    return counts


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="sysrec-link")
    ap.add_argument("--queue", type=int, required=True)
    ap.add_argument("--delay-ms", type=float, required=True)
    ap.add_argument("--loss", type=float, default=0.0)
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--parent", type=int, required=True)
    ns = ap.parse_args(argv)
    die_with_parent(ns.parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops us, after removing the rules
    try:
        queue = NfQueue(ns.queue)
    except OSError as err:
        print(f"cannot bind nfnetlink queue {ns.queue}: {err.strerror or err}", file=sys.stderr)
        return 1
    print("ready", flush=True)
    counts = hold_and_release(queue, sys.stdin.fileno(), ns.delay_ms / 1000.0, ns.loss, random.Random(ns.seed))
    queue.close()
    print(json.dumps(counts), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
