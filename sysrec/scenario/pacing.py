"""`[pacing]`: timing a scenario relies on, measured from each run's record.

A burst that was meant to land within a round trip but was spread over seconds (an emulated
guest, a loaded host) tests something else than the scenario describes: such a run is
*inconclusive*, its own state beside passed and failed, never a false "fail".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from sysrec.scenario.expect import RunFacts
from sysrec.scenario.model import Pacing

INET_FAMILIES = {"AF_INET", "AF_INET6"}


def _connect_starts(facts: RunFacts) -> list[int]:
    """Entry times of connect() to an IP address, in every traced process, in order. connect()
    to a UNIX socket (nscd, syslog) says nothing about the network's pacing."""
    return sorted(event["t0"] for event in facts.syscalls
                  if event.get("name") == "connect" and isinstance(event.get("t0"), int) and _to_inet(event))


def connect_spread_ms(facts: RunFacts) -> float | None:
    """Milliseconds from the first connect() to the last; None with fewer than two."""
    starts = _connect_starts(facts)
    if len(starts) < 2:
        return None
    return (starts[-1] - starts[0]) / 1e6


def connect_gap_ms(facts: RunFacts) -> float | None:
    """The longest wait between one connect() and the next: a burst with a gap longer than a
    round trip lets handshakes complete in between, and the queue it meant to fill drains."""
    starts = _connect_starts(facts)
    if len(starts) < 2:
        return None
    return max(b - a for a, b in zip(starts, starts[1:])) / 1e6


def fifth_connect_ms(facts: RunFacts) -> float | None:
    """Milliseconds from the first connect() to the fifth: how much of a burst's head arrives
    within a round trip (five SYNs fill a SYN queue of five before the first final ACK is back)."""
    starts = _connect_starts(facts)
    if len(starts) < 5:
        return None
    return (starts[4] - starts[0]) / 1e6


def connect_to_end_ms(facts: RunFacts) -> float | None:
    """Milliseconds from the first connect() to an IP address to the exit of the last traced
    call: how long the client took to look at what it started (e.g. before a dropped SYN's
    retransmission, 1 s later, changes what it would see). None without such a connect()."""
    starts = _connect_starts(facts)
    ends = [event["t1"] for event in facts.syscalls if isinstance(event.get("t1"), int)]
    if not starts or not ends:
        return None
    return (max(ends) - min(starts)) / 1e6


def _to_inet(event: dict[str, Any]) -> bool:
    args = event.get("args") or []
    address = args[1] if len(args) > 1 else None
    return isinstance(address, dict) and address.get("sa_family") in INET_FAMILIES


@dataclass(frozen=True)
class Measure:
    """One kind of pacing: how it is measured and how a miss reads."""

    measure: Callable[[RunFacts], float | None]
    what: str    # "the connect() calls spread over"


# `[pacing]` key → its measure; a new kind of pacing is a row here and a sentence in docs/scenarios.md.
MEASURES: dict[str, Measure] = {
    "connect_spread_ms": Measure(connect_spread_ms, "the clients' connect() calls spread over"),
    "connect_gap_ms": Measure(connect_gap_ms, "the longest pause between two connect() calls was"),
    "fifth_connect_ms": Measure(fifth_connect_ms, "the fifth connect() came"),
    "connect_to_end_ms": Measure(connect_to_end_ms, "from the first connect() to the client's last call took"),
}


@dataclass(frozen=True)
class PacingVerdict:
    achieved: bool
    measured: dict[str, float | None]
    reason: str   # empty when achieved


def check_pacing(pacing: Pacing | None, facts: RunFacts, settings: dict[str, Any] | None = None) -> PacingVerdict:
    """Whether one run achieved every bound of `[pacing]` (a cell its `when` leaves out relies on
    none). A measure that finds nothing to measure (the client never connected) is not a miss:
    the expectations judge such a run."""
    if pacing is None or (settings is not None and not pacing.applies_to(settings)):
        return PacingVerdict(True, {}, "")
    measured: dict[str, float | None] = {}
    misses = []
    for key, bound in pacing.bounds:
        value = MEASURES[key].measure(facts)
        measured[key] = None if value is None else round(value, 1)
        if value is not None and value > bound:
            misses.append(f"{MEASURES[key].what} {value:.0f} ms, the scenario relies on at most {bound:g} ms")
    return PacingVerdict(not misses, measured, "; ".join(misses))


def state_of_run(expectations_held: bool, pacing: PacingVerdict) -> str:
    """passed / failed / inconclusive for one run: a run without its pacing proves nothing either way."""
    if not pacing.achieved:
        return "inconclusive"
    return "passed" if expectations_held else "failed"


def combined_state(states: list[str]) -> str:
    """A cell's (or a summary's) state from its runs' (cells'): one real failure is a failure;
    otherwise one inconclusive run makes the whole inconclusive. Skipped cells do not count."""
    counted = [s for s in states if s != "skipped"]
    for state in ("failed", "inconclusive"):
        if state in counted:
            return state
    return "passed"


# `sysrec run`'s exit status per state (2 is bad input, 128+N a signal): inconclusive is neither a
# pass nor a failure, so scripts can tell "the kernel did this" from "this run could not tell".
STATE_EXIT = {"passed": 0, "failed": 1, "inconclusive": 3}
INCONCLUSIVE_EXIT = STATE_EXIT["inconclusive"]


def state_of(entry: dict[str, Any]) -> str:
    """A summary's, cell's or run's state; summaries written before `state` existed have `passed`."""
    state = entry.get("state")
    if isinstance(state, str) and state:
        return state
    return "passed" if entry.get("passed") else "failed"
