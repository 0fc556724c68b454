"""Expectations read record files: written here by hand with the record writer, checked by expect.py."""

from __future__ import annotations

from sysrec.record import RecordWriter
from sysrec.scenario.expect import evaluate_run, load_facts
from sysrec.scenario.parse import parse_scenario

BASE = {"name": "t", "description": "d", "client": {"command": ["true"]},
        "matrix": {"net.ipv4.tcp_abort_on_overflow": [0, 1]}}


def syscall(name, ret, errno=None, args=None, ctx=None, raux=None):
    event = {"ev": "syscall", "pid": 100, "tgid": 100, "name": name, "nr": 0, "raw": [3, 0, 0, 0, 0, 0],
             "args": args or [], "n_entry": 0, "ret": ret, "errno": errno, "rtext": None,
             "raux": raux, "t0": 1, "t1": 2, "resumed": False}
    if ctx:
        event["ctx"] = ctx
    return event


def sockopt(value, state="ESTABLISHED"):
    return syscall("getsockopt", 0, args=[{"$fd": 3}, "SOL_SOCKET", "SO_ERROR", [value], [4]],
                   ctx={"tcp_state": state, "listener": {"addr": "127.0.0.1:1", "queue": 3, "backlog": 2, "synrecv": 1}})


RESET_RUN = [
    syscall("connect", -1, "EINPROGRESS"),
    syscall("pselect6", 1, raux="out [3]"),
    sockopt("ECONNRESET", "CLOSE"),
    syscall("sendto", -1, "EPIPE"),
]


def record(tmp_path, events, start=None, end=None, exit_status=1, name="r.jsonl"):
    path = str(tmp_path / name)
    with RecordWriter(path) as writer:
        writer.header(["x"], None, True, {}, context={"scenario": "t", "cell": "c", "settings": {}, "run": 1,
                                                       "role": "client"})
        if start is not None:
            writer.event({"ev": "counters", "t": 1, "netns": "net:[1]", "values": start, "phase": "start"})
        for event in events:
            writer.event(dict(event))
        if end is not None:
            writer.event({"ev": "counters", "t": 3, "netns": "net:[1]", "values": end, "phase": "end"})
        writer.footer("exited", exit_status)
    return path


def check(tmp_path, expect, events, settings=None, **kw):
    scenario = parse_scenario({**BASE, "expect": [expect]}, "t.toml")
    verdicts = evaluate_run(scenario.expectations, settings or {"net.ipv4.tcp_abort_on_overflow": 1},
                            record(tmp_path, events, **kw))
    assert len(verdicts) == 1
    return verdicts[0]


def test_sequence_in_order_not_adjacent(tmp_path):
    expect = {"sequence": [{"syscall": "connect", "errno": "EINPROGRESS"},
                           {"syscall": "getsockopt", "so_error": "ECONNRESET", "tcp_state": "CLOSE"}]}
    verdict = check(tmp_path, expect, RESET_RUN)
    assert verdict.passed, verdict.reason
    assert "seq 1" in verdict.reason and "seq 3" in verdict.reason


def test_sequence_out_of_order_fails_with_the_missing_step(tmp_path):
    expect = {"sequence": [{"syscall": "getsockopt", "so_error": "ECONNRESET"},
                           {"syscall": "connect", "errno": "EINPROGRESS"}]}
    verdict = check(tmp_path, expect, RESET_RUN)
    assert not verdict.passed
    assert verdict.reason.startswith("step 2 of 2: no event matching {syscall=connect, errno=EINPROGRESS} after seq 3")


def test_so_error_zero_and_ret_comparisons(tmp_path):
    events = [sockopt(0), sockopt(0), syscall("poll", 0, raux="Timeout")]
    assert check(tmp_path, {"count": {"syscall": "getsockopt", "so_error": 0}, "times": 2}, events).passed
    assert check(tmp_path, {"count": {"syscall": "getsockopt", "so_error": "0", "queue": ">= 3"}, "times": 2}, events).passed
    verdict = check(tmp_path, {"count": {"syscall": "poll", "ret": "> 0"}, "times": ">= 1"}, events)
    assert not verdict.passed and verdict.reason == "0 events match {syscall=poll, ret=> 0}, expected >= 1"
    assert check(tmp_path, {"count": {"raux": "^Time"}, "times": 1}, events).passed
    either = {"syscall": "getsockopt", "tcp_state": ["CLOSE_WAIT", "ESTABLISHED"]}
    assert check(tmp_path, {"count": either, "times": 2}, events).passed
    assert not check(tmp_path, {"count": {"tcp_state": "CLOSE_WAIT"}, "times": ">= 1"}, events).passed


def test_absent_names_the_offending_event(tmp_path):
    verdict = check(tmp_path, {"absent": [{"errno": "ECONNRESET"}, {"so_error": "ECONNRESET"}]}, RESET_RUN)
    assert not verdict.passed
    assert "seq 3" in verdict.reason and "getsockopt" in verdict.reason
    assert check(tmp_path, {"absent": {"errno": "ETIMEDOUT"}}, RESET_RUN).passed


def test_counter_deltas_are_end_minus_start(tmp_path):
    start = {"TcpExtEmbryonicRsts": 5, "TcpExtListenOverflows": 1}
    end = {"TcpExtEmbryonicRsts": 7, "TcpExtListenOverflows": 1}
    ok = check(tmp_path, {"counters": {"TcpExtEmbryonicRsts": 2, "TcpExtListenOverflows": "== 0"}}, RESET_RUN,
               start=start, end=end)
    assert ok.passed, ok.reason
    bad = check(tmp_path, {"counters": {"TcpExtEmbryonicRsts": ">= 3"}}, RESET_RUN, start=start, end=end)
    assert not bad.passed and bad.reason == "TcpExtEmbryonicRsts changed by +2, expected >= 3"
    missing = check(tmp_path, {"counters": {"TcpExtEmbryonicRsts": 0}}, RESET_RUN)
    assert not missing.passed and "no start/end counters" in missing.reason


def test_exit_status_and_cell_selection(tmp_path):
    assert check(tmp_path, {"exit": 1}, RESET_RUN).passed
    verdict = check(tmp_path, {"exit": "!= 1"}, RESET_RUN)
    assert not verdict.passed and "client exit status 1" in verdict.reason
    scenario = parse_scenario({**BASE, "expect": [
        {"when": {"net.ipv4.tcp_abort_on_overflow": 1}, "exit": 0},
        {"when": {"net.ipv4.tcp_abort_on_overflow": [0, 1]}, "exit": 1}]}, "t.toml")
    path = record(tmp_path, RESET_RUN)
    assert [v.passed for v in evaluate_run(scenario.expectations, {"net.ipv4.tcp_abort_on_overflow": 0}, path)] == [True]
    assert [v.passed for v in evaluate_run(scenario.expectations, {"net.ipv4.tcp_abort_on_overflow": 1}, path)] == [False, True]


def test_truncated_record_has_no_exit_status_to_satisfy(tmp_path):
    path = tmp_path / "cut.jsonl"
    full = record(tmp_path, RESET_RUN, name="full.jsonl")
    lines = open(full).read().splitlines(keepends=True)
    path.write_text("".join(lines[:-1]) + lines[-1][:10])
    facts = load_facts(str(path))
    assert facts.end == "truncated" and len(facts.syscalls) == len(RESET_RUN)


def packet(t_s: float, flags: list[str], direction: str = "out", length: int = 0) -> dict:
    return {"ev": "packet", "t": int(t_s * 1e9), "ifname": "veth-client", "dir": direction, "family": "inet",
            "proto": "tcp", "src": "10.0.0.2", "dst": "10.0.0.1", "sport": 40000, "dport": 10000,
            "flags": flags, "seq_no": 1, "ack_no": 0, "win": 0, "len": length, "opts": []}


SYN_SCHEDULE = [packet(10.0, ["SYN"]), packet(11.02, ["SYN"]), packet(12.05, ["SYN"]),
                packet(12.06, ["SYN", "ACK"], "in"), packet(12.07, ["ACK"]), packet(12.08, ["ACK", "PSH"], length=4)]


def test_packets_are_counted_by_direction_flags_and_length(tmp_path):
    assert check(tmp_path, {"packets": {"dir": "out", "flags": "SYN"}, "times": 3}, SYN_SCHEDULE).passed
    assert check(tmp_path, {"packets": {"flags": "SYN|ACK"}, "times": 1}, SYN_SCHEDULE).passed
    assert check(tmp_path, {"packets": {"flags": "ACK", "len": 0}, "times": 1}, SYN_SCHEDULE).passed
    verdict = check(tmp_path, {"packets": {"dir": "in", "flags": "RST"}, "times": ">= 1"}, SYN_SCHEDULE)
    assert not verdict.passed and "0 packets match {dir=in, flags=RST}" in verdict.reason


def test_packet_times_are_seconds_after_the_first_within_the_tolerance(tmp_path):
    syns = {"packets": {"dir": "out", "flags": "SYN"}, "at": [0, 1, 2], "tolerance": 0.1}
    verdict = check(tmp_path, syns, SYN_SCHEDULE)
    assert verdict.passed and "at 0.000, 1.020, 2.050 s" in verdict.reason
    late = check(tmp_path, dict(syns, tolerance=0.04), SYN_SCHEDULE)
    assert not late.passed and "2.050 s is more than 0.04 s from 2 s" in late.reason
    fewer = check(tmp_path, dict(syns, at=[0, 1]), SYN_SCHEDULE)
    assert not fewer.passed and fewer.reason.startswith("3 packets {dir=out, flags=SYN} at")
    none = check(tmp_path, dict(syns, packets={"flags": "RST"}), SYN_SCHEDULE)
    assert not none.passed and "expected 3 at 0, 1, 2 s" in none.reason


def test_a_timed_step_that_misses_says_how_long_the_near_misses_took(tmp_path):
    timed_out = dict(syscall("connect", -1, "ETIMEDOUT"), t0=1_000_000_000, t1=4_020_000_000)
    expect = {"sequence": [{"syscall": "connect", "errno": "ETIMEDOUT", "duration": [">= 2.8", "<= 3.5"]}]}
    verdict = check(tmp_path, expect, [timed_out])
    assert verdict.passed and verdict.reason.endswith("= -1 ETIMEDOUT <3.020 s>")
    short = {"sequence": [{"syscall": "connect", "errno": "ETIMEDOUT", "duration": [">= 1.4", "<= 2"]}]}
    verdict = check(tmp_path, short, [timed_out])
    assert not verdict.passed and "(the calls that match all but duration lasted 3.020 s)" in verdict.reason
    unfinished = dict(timed_out, ret=None, errno=None)
    assert not check(tmp_path, {"count": {"syscall": "connect", "duration": ">= 0"}, "times": 1}, [unfinished]).passed


def timed(name, ret, errno, seconds):
    event = syscall(name, ret, errno)
    event["t0"], event["t1"] = 1_000_000_000, 1_000_000_000 + int(seconds * 1e9)
    return event


def test_duration_bounds_hold_or_fail_on_the_seconds_a_call_took(tmp_path):
    expect = {"sequence": [{"syscall": "recvfrom", "errno": "ETIMEDOUT", "duration": [">= 3.9", "< 5"]}]}
    held = check(tmp_path, expect, [timed("recvfrom", -1, "ETIMEDOUT", 4.098)])
    assert held.passed and "<4.098 s>" in held.reason
    early = check(tmp_path, expect, [timed("recvfrom", -1, "ETIMEDOUT", 3.07)], name="early.jsonl")
    late = check(tmp_path, expect, [timed("recvfrom", -1, "ETIMEDOUT", 5.2)], name="late.jsonl")
    assert not early.passed and not late.passed
    unfinished = timed("recvfrom", None, None, 9)
    assert not check(tmp_path, {"count": {"duration": ">= 1"}, "times": 1}, [unfinished], name="u.jsonl").passed
