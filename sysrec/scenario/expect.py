"""Expectations checked against a run's record file (records are the interface, not live state)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any, Iterable

from sysrec.scenario.model import Expectation, Matcher, PacketMatcher

NS_PER_S = 1_000_000_000


@dataclass(frozen=True)
class Verdict:
    expectation: Expectation
    passed: bool
    reason: str  # why it failed, or what matched when it held


@dataclass
class RunFacts:
    """What expectations read from one record: syscalls, counter snapshots, how it ended."""

    syscalls: list[dict[str, Any]]
    counters_start: dict[str, int] | None
    counters_end: dict[str, int] | None
    end: str
    exit_status: int | None
    packets: list[dict[str, Any]] = field(default_factory=list)   # captured, in time order


def load_facts(record_path: str) -> RunFacts:
    from sysrec.record import open_record
    record = open_record(record_path)
    syscalls: list[dict[str, Any]] = []
    packets: list[dict[str, Any]] = []
    start = end = None
    for event in record.events():
        kind = event.get("ev")
        if kind == "syscall":
            syscalls.append(event)
        elif kind == "packet":
            packets.append(event)
        elif kind == "counters":
            if event.get("phase") == "start":
                start = event.get("values")
            elif event.get("phase") == "end":
                end = event.get("values")
    footer = record.footer or {}
    packets.sort(key=lambda p: p.get("t", 0))
    return RunFacts(syscalls=syscalls, counters_start=start, counters_end=end,
                    end=str(footer.get("end", "truncated")), exit_status=footer.get("exit_status"),
                    packets=packets)


def so_error_of(event: dict[str, Any]) -> str | None:
    """The SO_ERROR value a getsockopt(…, SOL_SOCKET, SO_ERROR, [X], …) call returned, as text."""
    if event.get("name") != "getsockopt":
        return None
    args = event.get("args") or []
    if len(args) < 4 or args[2] != "SO_ERROR":
        return None
    value = args[3]
    if isinstance(value, dict) and "$vr" in value:
        value = value["$vr"][-1]
    if isinstance(value, list) and len(value) == 1:
        return str(value[0])
    return None


def duration_of(event: dict[str, Any]) -> float | None:
    """Seconds from the call's entry to its exit, as the tracer saw them; None for a call that
    never returned (the annotation's `waited_ms`, in seconds)."""
    from sysrec.annotate.facts import waited_ms
    ms = waited_ms(event)
    return None if ms is None else ms / 1000


def matches(matcher: Matcher, event: dict[str, Any]) -> bool:
    if matcher.syscall and event.get("name") not in matcher.syscall:
        return False
    ret = event.get("ret")
    if matcher.ret is not None and (ret is None or not matcher.ret.holds(ret)):
        return False
    if matcher.errno is not None:
        if matcher.errno == "none":
            if event.get("errno") is not None or ret is None:
                return False
        elif event.get("errno") != matcher.errno:
            return False
    if matcher.so_error is not None and so_error_of(event) != matcher.so_error:
        return False
    if matcher.raux is not None:
        raux = event.get("raux")
        if raux is None or not re.search(matcher.raux, raux if isinstance(raux, str) else str(raux)):
            return False
    if matcher.injected is not None and bool(event.get("injected")) != matcher.injected:
        return False
    if matcher.duration:
        seconds = duration_of(event)
        if seconds is None or not all(bound.holds(seconds) for bound in matcher.duration):
            return False
    ctx = event.get("ctx") or {}
    if matcher.tcp_state and ctx.get("tcp_state") not in matcher.tcp_state:
        return False
    listener = ctx.get("listener") or {}
    for name in ("queue", "synrecv"):
        cmp = getattr(matcher, name)
        if cmp is not None and (not isinstance(listener.get(name), int) or not cmp.holds(listener[name])):
            return False
    return True


def packet_matches(matcher: PacketMatcher, packet: dict[str, Any]) -> bool:
    if matcher.dir is not None and packet.get("dir") != matcher.dir:
        return False
    if matcher.flags is not None and frozenset(packet.get("flags") or ()) != matcher.flags:
        return False
    length = packet.get("len")
    return matcher.len is None or (isinstance(length, int) and matcher.len.holds(length))


def describe(event: dict[str, Any]) -> str:
    """`seq 12 connect = -1 EINPROGRESS` — enough to find the line in `sysrec show`."""
    ret = event.get("ret")
    result = "?" if ret is None else str(ret)
    if event.get("errno"):
        result += f" {event['errno']}"
    so_error = so_error_of(event)
    extra = f" [SO_ERROR {so_error}]" if so_error is not None else ""
    seconds = duration_of(event)
    took = f" <{seconds:.3f} s>" if seconds is not None and seconds >= 0.1 else ""
    return f"seq {event.get('seq')} pid {event.get('pid')} {event.get('name')}(){extra} = {result}{took}"


def evaluate(expectation: Expectation, facts: RunFacts) -> Verdict:
    kind = expectation.kind
    if kind == "sequence":
        return _sequence(expectation, facts.syscalls)
    if kind == "absent":
        for event in facts.syscalls:
            for matcher in expectation.absent:
                if matches(matcher, event):
                    return Verdict(expectation, False, f"{describe(event)} matches {matcher}, which must not occur")
        return Verdict(expectation, True, "no matching event")
    if kind == "count":
        assert expectation.count is not None and expectation.times is not None
        found = [e for e in facts.syscalls if matches(expectation.count, e)]
        ok = expectation.times.holds(len(found))
        return Verdict(expectation, ok, f"{len(found)} events match {expectation.count}, expected {expectation.times}")
    if kind == "counters":
        return _counters(expectation, facts)
    if kind == "packets":
        return _packets(expectation, facts.packets)
    assert expectation.exit is not None
    if facts.exit_status is None:
        return Verdict(expectation, False, f"the record has no exit status (run ended: {facts.end})")
    ok = expectation.exit.holds(facts.exit_status)
    return Verdict(expectation, ok, f"client exit status {facts.exit_status} (run ended: {facts.end}), "
                                    f"expected {expectation.exit}")


def _sequence(expectation: Expectation, syscalls: list[dict[str, Any]]) -> Verdict:
    """Ordered, not necessarily adjacent: each step matches the first event after the previous."""
    position = 0
    found: list[dict[str, Any]] = []
    for step, matcher in enumerate(expectation.sequence):
        hit = next((i for i in range(position, len(syscalls)) if matches(matcher, syscalls[i])), None)
        if hit is None:
            after = f" after {describe(found[-1])}" if found else ""
            return Verdict(expectation, False,
                           f"step {step + 1} of {len(expectation.sequence)}: no event matching {matcher}{after}"
                           + _durations_of_near_misses(matcher, syscalls[position:]))
        found.append(syscalls[hit])
        position = hit + 1
    return Verdict(expectation, True, "; ".join(describe(e) for e in found))


def _durations_of_near_misses(matcher: Matcher, syscalls: list[dict[str, Any]]) -> str:
    """` (the calls that match all but duration lasted 1.520 s)`: why a timed pattern missed."""
    if not matcher.duration:
        return ""
    untimed = replace(matcher, duration=())
    lasted = [f"{seconds:.3f}" for seconds in (duration_of(e) for e in syscalls if matches(untimed, e))
              if seconds is not None]
    return f" (the calls that match all but duration lasted {', '.join(lasted)} s)" if lasted else ""


def _packets(expectation: Expectation, packets: list[dict[str, Any]]) -> Verdict:
    """How many captured packets match, or whether they came at the times written (seconds after
    the first of them, within the tolerance): a retransmission schedule."""
    assert expectation.packets is not None
    found = [p for p in packets if packet_matches(expectation.packets, p)]
    times = [(p["t"] - found[0]["t"]) / NS_PER_S for p in found]
    seen = ", ".join(f"{t:.3f}" for t in times)
    if expectation.times is not None:
        ok = expectation.times.holds(len(found))
        return Verdict(expectation, ok, f"{len(found)} packets match {expectation.packets} (at {seen or '-'} s), "
                                        f"expected {expectation.times}")
    wanted = expectation.at
    shown = f"packets {expectation.packets} at {seen or '-'} s"
    if len(found) != len(wanted):
        return Verdict(expectation, False, f"{len(found)} {shown}, expected {len(wanted)} at "
                       f"{', '.join(f'{t:g}' for t in wanted)} s")
    off = [(t, w) for t, w in zip(times, wanted) if abs(t - w) > expectation.tolerance]
    if off:
        t, w = off[0]
        return Verdict(expectation, False, f"{shown}: {t:.3f} s is more than {expectation.tolerance:g} s "
                                           f"from {w:g} s")
    return Verdict(expectation, True, f"{shown} (each within {expectation.tolerance:g} s)")


def _counters(expectation: Expectation, facts: RunFacts) -> Verdict:
    if facts.counters_start is None or facts.counters_end is None:
        return Verdict(expectation, False, "the record has no start/end counters events")
    failures, shown = [], []
    for name, cmp in expectation.counters:
        delta = facts.counters_end.get(name, 0) - facts.counters_start.get(name, 0)
        shown.append(f"{name} {delta:+d}")
        if not cmp.holds(delta):
            failures.append(f"{name} changed by {delta:+d}, expected {cmp}")
    if failures:
        return Verdict(expectation, False, "; ".join(failures))
    return Verdict(expectation, True, ", ".join(shown))


def evaluate_run(expectations: Iterable[Expectation], settings: dict[str, Any], record_path: str) -> list[Verdict]:
    """Every expectation that applies to this cell, checked against one record."""
    facts = load_facts(record_path)
    return [evaluate(e, facts) for e in expectations if e.applies_to(settings)]
