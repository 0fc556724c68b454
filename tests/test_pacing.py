"""`[pacing]` and the inconclusive state: a run that did not achieve the timing a scenario relies
on is inconclusive (its own state, exit 3), never a false failure. The integration test makes
the pacing impossible on purpose (a real client sleeps between its connects), so no loaded host
or emulated guest is needed to see the state."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

from sysrec.errors import InputError
from sysrec.scenario.expect import RunFacts
from sysrec.scenario.model import Pacing
from sysrec.scenario.pacing import (
    STATE_EXIT, check_pacing, combined_state, connect_gap_ms, connect_spread_ms, connect_to_end_ms, fifth_connect_ms,
    state_of, state_of_run,
)
from sysrec.scenario.parse import parse_scenario

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MS = 1_000_000


def connect(t0_ms: float, family: str = "AF_INET", tgid: int = 100) -> dict:
    return {"ev": "syscall", "name": "connect", "tgid": tgid, "pid": tgid, "t0": int(t0_ms * MS),
            "t1": int(t0_ms * MS) + 1000, "ret": -1, "errno": "EINPROGRESS",
            "args": [{"$fd": 3}, {"sa_family": family}, 16]}


def facts(*events: dict) -> RunFacts:
    return RunFacts(syscalls=list(events), counters_start=None, counters_end=None, end="exited", exit_status=0)


def test_connect_spread_counts_ip_connects_only():
    # nscd's AF_UNIX connect 5 s earlier says nothing about the burst
    got = connect_spread_ms(facts(connect(0, "AF_UNIX"), connect(5000), connect(5120, "AF_INET6", 101), connect(5040)))
    assert got == pytest.approx(120)
    assert connect_spread_ms(facts(connect(10))) is None


def test_missed_pacing_is_inconclusive_whatever_the_expectations_said():
    pacing = Pacing("the burst lands within 400 ms", (("connect_spread_ms", 400.0),))
    slow = check_pacing(pacing, facts(*(connect(i * 180) for i in range(16))))   # 2700 ms, as under TCG
    assert not slow.achieved and slow.measured == {"connect_spread_ms": 2700.0}
    assert "2700 ms" in slow.reason and "400 ms" in slow.reason
    assert state_of_run(False, slow) == state_of_run(True, slow) == "inconclusive"
    fast = check_pacing(pacing, facts(*(connect(i * 10) for i in range(16))))
    assert fast.achieved and fast.reason == ""
    assert (state_of_run(True, fast), state_of_run(False, fast)) == ("passed", "failed")
    # nothing to measure (the client never connected): the expectations judge that run
    assert check_pacing(pacing, facts()).achieved
    assert check_pacing(None, facts()).achieved


def test_states_combine_failure_first():
    assert combined_state(["passed", "inconclusive", "passed"]) == "inconclusive"
    assert combined_state(["inconclusive", "failed"]) == "failed"
    assert combined_state(["skipped", "passed"]) == "passed"
    assert STATE_EXIT == {"passed": 0, "failed": 1, "inconclusive": 3}
    assert state_of({"passed": True}) == "passed" and state_of({"passed": False}) == "failed"   # older summaries


BASE = {"name": "x", "description": "d", "client": {"command": ["true"]}}


@pytest.mark.parametrize("pacing, key", [
    ({"connect_spread_ms": "fast"}, "pacing.connect_spread_ms"),
    ({"connect_spread_ms": 0}, "pacing.connect_spread_ms"),
    ({"says": "x"}, "pacing"),
    ({"syn_spread": 3}, "pacing.syn_spread"),
    ("400", "pacing"),
])
def test_bad_pacing_names_the_key(pacing, key):
    with pytest.raises(InputError) as err:
        parse_scenario({**BASE, "pacing": pacing}, "x.toml", check_programs=False)
    assert f"key '{key}'" in str(err.value)


def test_burst_declares_its_pacing():
    from sysrec.scenario.parse import load_scenario
    scenario = load_scenario(os.path.join(ROOT, "scenarios", "burst-over-latency.toml"), check_programs=False)
    assert dict(scenario.pacing.bounds) == {"connect_spread_ms": 600.0, "fifth_connect_ms": 120.0}


def test_the_fifth_connect_measures_the_head_of_a_burst():
    # this host, quiet: the run that failed (two handshakes, no curl reset) and one that held
    failed = [0, 30, 91, 105, 139, 160]
    held = [0, 25, 49, 88, 108, 117]
    for starts, ms in ((failed, 139), (held, 108)):
        assert fifth_connect_ms(facts(*(connect(t, tgid=100 + i) for i, t in enumerate(starts)))) == pytest.approx(ms)
    assert fifth_connect_ms(facts(*(connect(t) for t in (0, 1, 2, 3)))) is None


def test_the_longest_pause_between_connects():
    # the host run that failed: the second client came 112 ms after the first, past the round trip
    starts = [0, 112, 162, 184, 194, 217, 236, 245]
    assert connect_gap_ms(facts(*(connect(t, tgid=100 + i) for i, t in enumerate(starts)))) == pytest.approx(112)
    assert connect_gap_ms(facts(connect(5))) is None


SLOW_CLIENT = textwrap.dedent("""\
    name = "slow-pacing"
    description = "two connects 300 ms apart where the scenario relies on 50 ms"

    [client]
    command = ["sh", "-c", "nc -z 127.0.0.1 9; sleep 0.3; nc -z 127.0.0.1 9; exit 0"]
    trace = ["%network"]
    timeout = 10

    [pacing]
    says = "both connects within 50 ms"
    connect_spread_ms = 50

    [[expect]]
    says = "both connects are refused"
    count = { syscall = "getsockopt", so_error = "ECONNREFUSED" }
    times = 2
""")


@pytest.mark.kernel
def test_a_run_that_misses_its_pacing_is_inconclusive_exit_3(tmp_path):
    path = tmp_path / "slow-pacing.toml"
    path.write_text(SLOW_CLIENT)
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "sysrec", "run", str(path), "--out", str(out), "--no-capture"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "COLUMNS": "300"})
    assert proc.returncode == 3, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "INCONCLUSIVE" in proc.stdout and "the scenario relies on at most 50 ms" in proc.stdout
    summary = json.loads((out / "summary.json").read_text())
    assert summary["state"] == "inconclusive" and summary["passed"] is False
    cell = summary["cells"][0]
    assert cell["state"] == "inconclusive" and cell["failed"] == []   # the expectation itself held
    run = cell["outcomes"][0]
    assert run["state"] == "inconclusive" and run["pacing"]["connect_spread_ms"] >= 300
    assert summary["pacing"] == {"says": "both connects within 50 ms", "bounds_ms": {"connect_spread_ms": 50.0}}


def test_connect_to_end_runs_to_the_last_calls_exit():
    poll = {"ev": "syscall", "name": "poll", "tgid": 100, "pid": 100, "t0": 900 * MS, "t1": 1020 * MS, "args": []}
    got = connect_to_end_ms(facts(connect(0, "AF_UNIX"), connect(20), connect(40), poll))
    assert got == pytest.approx(1000)
    assert connect_to_end_ms(facts(poll)) is None


def test_syn_queue_cookies_declares_its_pacing():
    from sysrec.scenario.parse import load_scenario
    scenario = load_scenario(os.path.join(ROOT, "scenarios", "syn-queue-cookies.toml"), check_programs=False)
    assert dict(scenario.pacing.bounds) == {"connect_spread_ms": 150.0, "connect_to_end_ms": 1000.0}
    # cookies for every SYN (2) do not hang on the timing
    late = facts(*(connect(i * 100) for i in range(6)))
    assert not check_pacing(scenario.pacing, late, {"net.ipv4.tcp_syncookies": 1}).achieved
    cookies = check_pacing(scenario.pacing, late, {"net.ipv4.tcp_syncookies": 2})
    assert cookies.achieved and cookies.measured == {}


def test_pacing_when_names_a_setting_of_the_scenario():
    with pytest.raises(InputError) as err:
        parse_scenario({**BASE, "pacing": {"connect_gap_ms": 5, "when": {"net.ipv4.tcp_syncookies": 1}}}, "x.toml",
                       check_programs=False)
    assert "key 'pacing.when.net.ipv4.tcp_syncookies'" in str(err.value)


def test_a_stored_run_is_judged_again_under_the_current_pacing(tmp_path):
    """sysrec.kernels.compact re-checks a stored run against the scenario's [pacing] as it reads
    now: here a burst whose connects spread over 2.7 s (as under TCG) that was stored as failed."""
    from sysrec.kernels.compact import rejudge_pacing
    from sysrec.scenario.parse import load_scenario
    pacing = load_scenario(os.path.join(ROOT, "scenarios", "burst-over-latency.toml"), check_programs=False).pacing
    record = tmp_path / "c" / "run-1.jsonl"
    record.parent.mkdir()
    events = [{"ev": "header", "schema": 1, "kernel": "6.1.0-56-amd64", "argv": ["sh"], "start_ns": 0}]
    events += [dict(connect(i * 180, tgid=100 + i), seq=i) for i in range(16)]
    events.append({"ev": "footer", "seq": 99, "end": "exited", "exit_status": 28})
    record.write_text("".join(json.dumps(e) + "\n" for e in events))
    fast = tmp_path / "c" / "run-2.jsonl"
    fast.write_text("".join(json.dumps(e) + "\n" for e in
                            [events[0], *(dict(connect(i * 10, tgid=100 + i), seq=i) for i in range(16)), events[-1]]))
    cell = {"name": "c", "settings": {"net.ipv4.tcp_abort_on_overflow": 1}, "state": "failed", "passed": False,
            "runs": 2, "passed_runs": 1, "failed": [{"expectation": "expect[6]", "run": 1, "reason": "exit 28"}],
            "outcomes": [{"run": 1, "passed": False, "record": "c/run-1.jsonl"},
                         {"run": 2, "passed": True, "record": "c/run-2.jsonl"}]}
    summary = {"scenario": "burst-over-latency", "passed": False, "cells": [cell]}
    rejudge_pacing(summary, tmp_path, pacing)
    assert [o["state"] for o in cell["outcomes"]] == ["inconclusive", "passed"]
    assert "spread over 2700 ms" in cell["outcomes"][0]["inconclusive"] and "inconclusive" not in cell["outcomes"][1]
    assert (cell["state"], cell["passed_runs"], summary["state"], summary["passed"]) == ("inconclusive", 1, "inconclusive", False)
