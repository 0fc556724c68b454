"""The annotation table: each row fires where its failure mode happens, and only there."""

from __future__ import annotations

from pathlib import Path

import pytest

from sysrec.annotate import RULES, RULES_BY_ID, Annotator, Rule
from sysrec.annotate.engine import annotate_events
from sysrec.record import open_record
from sysrec.render.timeline import ordered_events

DATA = Path(__file__).parent / "data"
HANDMADE = DATA / "handmade"

ABORT = "net.ipv4.tcp_abort_on_overflow"


def header(**settings: object) -> dict:
    return {"ev": "header", "schema": 1, "start_ns": 0,
            "context": {"settings": {k.replace("__", "."): v for k, v in settings.items()}}}


def call(name: str, args: list, ret: int | None, errno: str | None = None, counters: dict | None = None,
         n_entry: int | None = None, raux: str | None = None) -> dict:
    ev = {"ev": "syscall", "seq": 1, "pid": 1, "tgid": 1, "name": name, "nr": 0, "raw": [0] * 6, "args": args,
          "n_entry": len(args) if n_entry is None else n_entry, "ret": ret, "errno": errno, "rtext": None,
          "raux": raux, "t0": 1, "t1": 2, "resumed": False}
    if counters:
        ev["ctx"] = {"counters": counters}
    return ev


def so_error(value: str | int, counters: dict | None = None) -> dict:
    return call("getsockopt", [{"$fd": 3}, "SOL_SOCKET", "SO_ERROR", [value], [4]], 0, counters=counters, n_entry=3)


def rule_for(head: dict, *events: dict) -> str | None:
    annotator = Annotator(head)
    result = None
    for event in events:
        result = annotator.annotate(event)
    return result.rule_id if result else None


def test_rule_ids_are_unique_and_every_row_cites_the_kernel():
    assert len(RULES_BY_ID) == len(RULES)
    for rule in RULES:
        assert isinstance(rule, Rule)
        assert rule.explain and rule.ref, rule.id
        assert "(" in rule.ref or "commit" in rule.ref, f"{rule.id}: reference names no kernel function"


def test_reset_with_abort_on_overflow_and_embryonic_rst_gets_the_overflow_explanation():
    rsts = {"TcpExtEmbryonicRsts": 1, "TcpExtListenOverflows": 1}
    assert rule_for(header(net__ipv4__tcp_abort_on_overflow=1), so_error("ECONNRESET", rsts)) == "so-error-reset-overflow"


@pytest.mark.parametrize("head, counters", [
    (header(net__ipv4__tcp_abort_on_overflow=0), {"TcpExtEmbryonicRsts": 1}),   # sysctl says no RST
    (header(net__ipv4__tcp_abort_on_overflow=1), {"TcpExtListenOverflows": 1}),  # no embryonic reset counted
    (header(), {"TcpExtEmbryonicRsts": 1}),                                      # a plain trace: no settings
])
def test_reset_without_the_overflow_evidence_gets_the_generic_explanation(head, counters):
    assert rule_for(head, so_error("ECONNRESET", counters)) == "so-error-reset"


def test_counters_accumulate_across_events():
    """The RST often lands while the client sleeps in select: the counter rises on an earlier stop."""
    head = header(net__ipv4__tcp_abort_on_overflow=1)
    wait = call("pselect6", [4, "NULL", [3], "NULL", "NULL", "NULL"], 1, raux="out [3]",
                counters={"TcpExtEmbryonicRsts": 1})
    assert rule_for(head, wait, so_error("ECONNRESET")) == "so-error-reset-overflow"


def test_select_timeout_with_listen_overflows_and_no_reset_is_a_dropped_syn():
    head = header(net__ipv4__tcp_abort_on_overflow=1)
    wait = call("pselect6", [4, "NULL", [3], "NULL", {"tv_sec": 2, "tv_nsec": 0}, "NULL"], 0, raux="Timeout",
                counters={"TcpExtListenOverflows": 2, "TcpExtListenDrops": 2})
    assert rule_for(head, wait) == "wait-timeout-syn-dropped"
    wait_rst = dict(wait, ctx={"counters": {"TcpExtListenOverflows": 2, "TcpExtEmbryonicRsts": 1}})
    assert rule_for(head, wait_rst) == "wait-timeout"


def test_so_error_zero_after_a_dropped_final_ack_with_abort_zero():
    """Packet evidence for this very socket beats namespace-wide counters; without it, say so."""
    head = header(net__ipv4__tcp_abort_on_overflow=0)
    overflow = {"TcpExtListenOverflows": 1}
    assert rule_for(head, so_error(0, overflow)) == "so-error-ok-maybe-ack-dropped"
    assert rule_for(head, so_error(0)) == "so-error-ok"
    mine = dict(so_error(0, overflow), fds={"3": {"yy": "TCP:[127.0.0.1:40000->127.0.0.1:10000]"}})
    connect = call("connect", [{"$fd": 3}, {"sin_port": "htons(10000)"}, 16], -1, "EINPROGRESS")
    synack = [packet(1, 10000, 40000, ["SYN", "ACK"], 9), packet(1001, 10000, 40000, ["SYN", "ACK"], 9)]
    other = [packet(1, 10000, 40001, ["SYN", "ACK"], 9), packet(1001, 10000, 40001, ["SYN", "ACK"], 9)]
    ids = [a.rule_id if a else None for a in annotate_events(head, [connect, synack[0], mine, synack[1]])]
    assert ids[2] == "so-error-ok-ack-dropped"
    ids = [a.rule_id if a else None for a in annotate_events(head, [connect, other[0], mine, other[1]])]
    assert ids[2] == "so-error-ok-maybe-ack-dropped", "another connection's retransmits prove nothing here"


@pytest.mark.parametrize("event, expected", [
    (call("connect", [{"$fd": 3}, {"sin_port": "htons(1)"}, 16], -1, "EINPROGRESS"), "connect-inprogress"),
    (call("connect", [{"$fd": 3}, {"sin_port": "htons(1)"}, 16], -1, "ECONNREFUSED"), "connect-refused"),
    (call("connect", [{"$fd": 3}, {"sin_port": "htons(1)"}, 16], -1, "ETIMEDOUT"), "connect-timedout"),
    (call("connect", [{"$fd": 3}, {"sin_port": "htons(1)"}, 16], -1, "ETIMEDOUT",
          counters={"TcpExtListenOverflows": 3}), "connect-timedout-synretries"),
    (call("read", [{"$fd": 3}, {"$s": "", "n": 0}, 10], -1, "ECONNRESET"), "io-reset"),
    (call("read", [{"$fd": 3}, {"$s": "", "n": 0}, 10], 0), "io-eof"),
    (call("write", [{"$fd": 3}, {"$s": "x", "n": 1}, 1], -1, "EPIPE"), "io-epipe"),
    (call("recvfrom", [{"$fd": 3}], -1, "EAGAIN"), "io-eagain"),
    (call("close", [{"$fd": 3}], 0), None),
    (so_error("ECONNREFUSED"), "so-error-refused"),
    (so_error("ETIMEDOUT"), "so-error-timedout"),
])
def test_rows_for_plain_outcomes(event, expected):
    assert rule_for(header(), event) == expected


def packet(t_ms: float, sport: int, dport: int, flags: list[str], seq: int = 1) -> dict:
    return {"ev": "packet", "seq": 1, "t": int(t_ms * 1e6), "ifname": "lo", "dir": "out", "proto": "tcp",
            "src": "127.0.0.1", "dst": "127.0.0.1", "sport": sport, "dport": dport, "flags": flags,
            "seq_no": seq, "ack_no": 0, "win": 0, "len": 0, "opts": []}


def test_packet_rows_know_who_sent_what_and_retransmissions():
    head = header(net__ipv4__tcp_abort_on_overflow=1)
    connect = call("connect", [{"$fd": 3}, {"sin_port": "htons(10000)"}, 16], -1, "EINPROGRESS")
    events = [connect, packet(1, 40000, 10000, ["SYN"], 7), packet(1.001, 40000, 10000, ["SYN"], 7),
              packet(1001, 40000, 10000, ["SYN"], 7), packet(1002, 10000, 40000, ["SYN", "ACK"]),
              packet(1003, 40000, 10000, ["ACK"]), packet(1003.2, 10000, 40000, ["RST"])]
    got = [a.rule_id if a else None for a in annotate_events(head, events)]
    assert got == ["connect-inprogress", "pkt-syn", None, "pkt-syn-retransmit", "pkt-synack", "pkt-final-ack",
                   "pkt-rst-overflow"]
    rst = annotate_events(head, events)[-1]
    assert "0.20 ms after our final ACK" in rst.text


def test_a_reset_still_answers_the_final_ack_when_our_request_went_out_right_behind_it():
    # curl over a 50 ms link: final ACK and GET leave together; the RST comes a round trip later
    head = header(net__ipv4__tcp_abort_on_overflow=1)
    connect = call("connect", [{"$fd": 3}, {"sin_port": "htons(10000)"}, 16], -1, "EINPROGRESS")
    get = dict(packet(101.4, 40000, 10000, ["ACK", "PSH"], 6), len=78)
    events = [connect, packet(1, 40000, 10000, ["SYN"], 5), packet(101.1, 10000, 40000, ["SYN", "ACK"], 9),
              packet(101.2, 40000, 10000, ["ACK"], 6), get, packet(201.3, 10000, 40000, ["RST"], 10)]
    rst = annotate_events(head, events)[-1]
    assert rst.rule_id == "pkt-rst-overflow"
    assert "100.10 ms after our final ACK" in rst.text
    # once the server has answered after our ACK, a later RST is not the handshake's
    answered = events[:5] + [packet(150, 10000, 40000, ["ACK"], 10), packet(201.3, 10000, 40000, ["RST"], 10)]
    assert annotate_events(head, answered)[-1].rule_id != "pkt-rst-overflow"


def timeline_rule_ids(path: Path) -> list[str]:
    record = open_record(path)
    events = ordered_events(record)
    return [a.rule_id for a in annotate_events(record.header, events) if a]


@pytest.mark.parametrize("name, must_have, must_not_have", [
    ("deferred-abort1.jsonl", ["connect-inprogress", "client-defer-accept", "pkt-rst-overflow",
                               "so-error-reset-overflow"], ["so-error-ok-ack-dropped"]),
    ("deferred-abort0.jsonl", ["connect-inprogress", "so-error-ok-ack-dropped", "pkt-synack-retransmit",
                               "io-eagain"], ["so-error-reset-overflow", "pkt-rst-overflow"]),
    ("syn-dropped.jsonl", ["wait-timeout-syn-dropped", "pkt-syn-retransmit"], ["so-error-reset-overflow"]),
    ("refused.jsonl", ["connect-refused"], []),
])
def test_hand_made_records_get_their_explanations(name, must_have, must_not_have):
    ids = timeline_rule_ids(HANDMADE / name)
    for rule_id in must_have:
        assert rule_id in ids
    for rule_id in must_not_have:
        assert rule_id not in ids


# Every row of the table, with the smallest record fragment that makes it fire. A new row needs a
# new case here (the completeness test below fails otherwise), so no row is dead or shadowed.
FD3 = {"3": {"yy": "TCP:[127.0.0.1:40000->127.0.0.1:10000]"}}
CONNECT = call("connect", [{"$fd": 3}, {"sin_port": "htons(10000)"}, 16], -1, "EINPROGRESS")
OVERFLOW_RST = {"TcpExtEmbryonicRsts": 1, "TcpExtListenOverflows": 1}
A0, A1 = {ABORT: 0}, {ABORT: 1}


def with_fd3(event: dict) -> dict:
    return dict(event, fds=FD3)


def poll(ret: int, raux: str | None, counters: dict | None = None) -> dict:
    return call("poll", [[{"fd": {"$fd": 3}, "events": "POLLIN"}], 1, 2000], ret, raux=raux, counters=counters)


HANDSHAKE = [CONNECT, packet(1, 40000, 10000, ["SYN"], 5), packet(1.1, 10000, 40000, ["SYN", "ACK"], 9),
             packet(201, 40000, 10000, ["ACK"], 6)]

def in_state(event: dict, state: str) -> dict:
    return dict(event, fds=FD3, ctx=dict(event.get("ctx") or {}, tcp_state=state))


# connect()'s endpoint is looked up before the port is bound: its evidence reaches the connection
# through the next call on the same fd that shows the port.
SYNQ_DROP_CONNECT = dict(CONNECT, fds={"3": {"yy": "TCP:[777]"}}, ctx={"counters": {"TcpExtTCPReqQFullDrop": 1}})
COOKIE_CONNECT = dict(with_fd3(CONNECT), ctx={"counters": {"TcpExtSyncookiesSent": 1}})

def icmp(t_ms: float, name: str, inner: dict, at: str | None = None) -> dict:
    """An ICMP error as the capture records it (sysrec.capture.decode)."""
    event = {"ev": "packet", "seq": 1, "t": int(t_ms * 1e6), "ifname": "lo", "dir": "in", "proto": "icmp",
             "src": "10.0.0.254", "dst": "10.0.0.1", "icmp_type": 3, "icmp": name, "len": 28, "inner": inner}
    return event | ({"at": at} if at else {})


SYN_QUOTED = {"proto": "tcp", "src": "127.0.0.1", "dst": "127.0.0.1", "sport": 40000, "dport": 10000, "seq_no": 5}
BLOCKED = {"link.icmp": "blocked"}

CASES: dict[str, tuple[dict, list[dict]]] = {
    "pkt-icmp-frag-needed": ({}, HANDSHAKE + [icmp(202, "fragmentation-needed", dict(
        SYN_QUOTED, sport=10000, dport=40000), at="server") | {"mtu": 1280}]),
    "pkt-icmp-port-unreachable": ({}, [CONNECT, packet(1, 40000, 10000, ["SYN"]),
                                       icmp(1.1, "port-unreachable", SYN_QUOTED)]),
    "pkt-icmp-host-unreachable": ({}, [CONNECT, packet(1, 40000, 10000, ["SYN"]),
                                       icmp(1.1, "host-unreachable", SYN_QUOTED)]),
    "io-read-through-blackhole": (BLOCKED, HANDSHAKE + [with_fd3(call("recvfrom", [{"$fd": 3}], 1024,
                                                                      counters={"TcpExtTCPTimeouts": 2}))]),
    "wait-timeout-pmtu-blackhole": (BLOCKED, HANDSHAKE + [dict(poll(0, "Timeout", {"TcpExtTCPTimeouts": 1}),
                                                               fds=FD3)]),
    "wait-timeout-synq-drop": ({}, [SYNQ_DROP_CONNECT, dict(poll(0, "Timeout"), fds=FD3)]),
    "so-error-ok-synq-drop": ({}, [SYNQ_DROP_CONNECT, in_state(so_error(0), "SYN_SENT")]),
    "so-error-ok-still-connecting": ({}, [in_state(so_error(0), "SYN_SENT")]),
    "so-error-ok-server-closed": ({}, [in_state(so_error(0), "CLOSE_WAIT")]),
    "so-error-zero": ({}, [in_state(so_error(0), "FIN_WAIT2")]),
    "pkt-synack-cookie": ({}, [COOKIE_CONNECT, packet(1, 40000, 10000, ["SYN"]),
                               packet(1.1, 10000, 40000, ["SYN", "ACK"])]),
    "connect-inprogress": ({}, [CONNECT]),
    "connect-ok": ({}, [call("connect", [{"$fd": 3}, {"sin_port": "htons(1)"}, 16], 0)]),
    "connect-refused": ({}, [call("connect", [{"$fd": 3}, {}, 16], -1, "ECONNREFUSED")]),
    "connect-timedout-synretries": ({}, [call("connect", [{"$fd": 3}, {}, 16], -1, "ETIMEDOUT",
                                              counters={"TcpExtListenOverflows": 1})]),
    "connect-no-nscd": ({}, [call("connect", [{"$fd": 3}, {"sa_family": "AF_UNIX"}, 110], -1, "ENOENT")]),
    "connect-timedout": ({}, [call("connect", [{"$fd": 3}, {}, 16], -1, "ETIMEDOUT")]),
    "client-defer-accept": ({}, [call("setsockopt", [{"$fd": 3}, "SOL_TCP", "TCP_DEFER_ACCEPT", [1], 4], 0)]),
    "listen": ({}, [call("listen", [{"$fd": 3}, 2], 0)]),
    "wait-timeout-syn-dropped": (A1, [call("pselect6", [4, "NULL", [3], "NULL", {}, "NULL"], 0, raux="Timeout",
                                           counters={"TcpExtListenOverflows": 1})]),
    "wait-timeout": ({}, [poll(0, "Timeout")]),
    "wait-timeout-idle": ({}, [in_state(poll(0, "Timeout"), "ESTABLISHED")]),
    "wait-timeout-half-open": (A0, HANDSHAKE + [packet(1101, 10000, 40000, ["SYN", "ACK"], 9),
                                                in_state(poll(0, "Timeout"), "ESTABLISHED")]),
    "wait-timeout-idle-answered": ({}, HANDSHAKE + [dict(poll(0, "Timeout"), fds=FD3)]),
    "wait-readable": ({}, [poll(1, "[{fd=3, revents=POLLIN}]")]),
    "wait-timeout-syn-unanswered": (A1, [CONNECT, packet(1, 40000, 10000, ["SYN"]),
                                         packet(1001, 40000, 10000, ["SYN"]),
                                         dict(poll(0, "Timeout", OVERFLOW_RST), fds=FD3)]),
    "wait-reset-overflow": (A1, [poll(1, "[{fd=3, revents=POLLIN|POLLERR|POLLHUP}]", OVERFLOW_RST)]),
    "wait-error": ({}, [poll(1, "[{fd=3, revents=POLLERR|POLLHUP}]")]),
    "wait-ready": ({}, [poll(1, "[{fd=3, revents=POLLOUT}]")]),
    "so-error-reset-overflow": (A1, [so_error("ECONNRESET", OVERFLOW_RST)]),
    "so-error-reset": ({}, [so_error("ECONNRESET")]),
    "so-error-refused": ({}, [so_error("ECONNREFUSED")]),
    "so-error-timedout": ({}, [so_error("ETIMEDOUT")]),
    "so-error-ok-ack-dropped": (A0, HANDSHAKE + [packet(1101, 10000, 40000, ["SYN", "ACK"], 9),
                                                 with_fd3(so_error(0))]),
    "so-error-ok-maybe-ack-dropped": (A0, [so_error(0, {"TcpExtListenOverflows": 1})]),
    "so-error-ok-reset-later": (A1, HANDSHAKE + [with_fd3(so_error(0)), packet(202, 10000, 40000, ["RST"])]),
    "so-error-ok": ({}, [so_error(0)]),
    "so-error-ok-accepted": ({}, HANDSHAKE + [with_fd3(so_error(0)),
                                              packet(202, 40000, 10000, ["PSH", "ACK"], 6) | {"len": 1},
                                              packet(202.1, 10000, 40000, ["ACK"], 10) | {"ack_no": 7}]),
    "io-send-into-overflow": (A0, [call("sendto", [{"$fd": 3}, {"$s": "x", "n": 1}, 1], 1,
                                        counters={"TcpExtListenOverflows": 1})]),
    "io-reset-overflow": (A1, [call("recvfrom", [{"$fd": 3}], -1, "ECONNRESET", counters=OVERFLOW_RST)]),
    "io-reset": ({}, [call("read", [{"$fd": 3}], -1, "ECONNRESET")]),
    "io-epipe-after-overflow-reset": (A1, [call("sendto", [{"$fd": 3}], -1, "EPIPE", counters=OVERFLOW_RST)]),
    "io-epipe": ({}, [call("write", [{"$fd": 3}], -1, "EPIPE")]),
    "io-eagain": ({}, [call("read", [{"$fd": 3}], -1, "EAGAIN")]),
    "io-eof": ({}, [call("read", [{"$fd": 3}], 0)]),
    "pkt-rst-overflow": (A1, HANDSHAKE + [packet(201.1, 10000, 40000, ["RST"])]),
    "pkt-rst-refused": ({}, [CONNECT, packet(1, 40000, 10000, ["SYN"]), packet(1.1, 10000, 40000, ["RST", "ACK"])]),
    "pkt-rst": (A0, HANDSHAKE + [packet(201.1, 10000, 40000, ["RST"])]),
    "pkt-syn-retransmit": ({}, [CONNECT, packet(1, 40000, 10000, ["SYN"]), packet(1001, 40000, 10000, ["SYN"])]),
    "pkt-synack-retransmit": ({}, HANDSHAKE + [packet(1101, 10000, 40000, ["SYN", "ACK"], 9)]),
    "pkt-final-ack": ({}, HANDSHAKE),
    "pkt-syn": ({}, HANDSHAKE[:2]),
    "pkt-synack": ({}, HANDSHAKE[:3]),
    "connect-tw-recycled": ({}, [call("connect", [{"$fd": 3}], 0, counters={"TcpExtTWRecycled": 1})]),
    "connect-addrnotavail-no-timestamps": ({"net.ipv4.tcp_timestamps": "0"},
                                           [call("connect", [{"$fd": 3}], -1, "EADDRNOTAVAIL")]),
    "connect-addrnotavail": ({}, [call("connect", [{"$fd": 3}], -1, "EADDRNOTAVAIL")]),
    "bind-addrinuse": ({}, [call("bind", [{"$fd": 3}], -1, "EADDRINUSE")]),
    "io-reset-listener-closed": ({}, [call("poll", [{"$fd": 3}], 0) | {"ctx": {"listener": {"queue": 1}}},
                                      call("recvfrom", [{"$fd": 3}], -1, "ECONNRESET") | {"ctx": {"tcp_state": "CLOSE"}}]),
    "io-reset-unread": ({}, [call("recvfrom", [{"$fd": 3}], -1, "ECONNRESET", counters={"TcpExtTCPAbortOnClose": 1})]),
    "io-reset-abort": ({}, [call("read", [{"$fd": 3}], -1, "ECONNRESET", counters={"TcpExtTCPAbortOnData": 1})]),
    "io-epipe-reset-after-fin": ({}, [call("sendto", [{"$fd": 3}], -1, "EPIPE",
                                           counters={"TcpExtTCPAbortOnClose": 1})]),
    "io-write-after-fin": ({}, [call("sendto", [{"$fd": 3}], 1) | {"ctx": {"tcp_state": "CLOSE_WAIT"}}]),
    "so-error-refused-firewall": ({}, [
        call("connect", [{"$fd": 3}, {"sin_port": "htons(10000)", "sin_addr": 'inet_addr("127.0.0.1")'}, 16],
             -1, "EINPROGRESS") | {"ctx": {"listener": {"addr": "127.0.0.1:10000", "queue": 0}}},
        so_error("ECONNREFUSED") | {"ctx": {"listener": {"addr": "127.0.0.1:10000", "queue": 0}}}]),
    "so-error-hostunreach": ({}, [so_error("EHOSTUNREACH")]),
    "connect-hostunreach": ({}, [call("connect", [{"$fd": 3}, {}, 16], -1, "EHOSTUNREACH")]),
    "pkt-rst-refused-firewall": ({}, [call("socket", ["AF_INET"], 3) | {"ctx": {"listener": {"addr": "127.0.0.1:10000"}}},
                                      CONNECT, packet(1, 40000, 10000, ["SYN"]),
                                      packet(1.1, 10000, 40000, ["RST", "ACK"])]),
}


# --- the handshake catalogue (#13): SYNs and final ACKs lost on the way, TCP_USER_TIMEOUT ---------

def at_listener(event: dict, synrecv: int = 0, queue: int = 0, backlog: int = 4) -> dict:
    """The event with a reading of the scenario's listener at its stop (ctx.listener)."""
    listener = {"addr": "127.0.0.1:10000", "queue": queue, "backlog": backlog, "synrecv": synrecv}
    return dict(event, ctx=dict(event.get("ctx") or {}, listener=listener))


USER_TIMEOUT = call("setsockopt", [{"$fd": 3}, "SOL_TCP", "TCP_USER_TIMEOUT", [1500], 4], 0)
TIMED_OUT = call("connect", [{"$fd": 3}, {"sin_port": "htons(10000)"}, 16], -1, "ETIMEDOUT")
CONNECTED = with_fd3(call("connect", [{"$fd": 3}, {"sin_port": "htons(10000)"}, 16], 0))
SOCKET_ROOM = at_listener(call("socket", ["AF_INET"], 3))
SYNACK_AGAIN = packet(1101, 10000, 40000, ["SYN", "ACK"], 9)
SEND = with_fd3(call("sendto", [{"$fd": 3}, {"$s": "ping", "n": 4}, 4], 4))
SERVER_RST = packet(5000, 10000, 40000, ["RST"], 10)

HANDSHAKE_CASES: dict[str, tuple[dict, list[dict]]] = {
    "sockopt-user-timeout": ({}, [USER_TIMEOUT]),
    "connect-timedout-user-timeout": ({}, [USER_TIMEOUT, at_listener(TIMED_OUT)]),
    "connect-timedout-unheard": ({}, [at_listener(TIMED_OUT)]),
    "connect-ok-ack-unheard": ({}, [at_listener(CONNECTED, synrecv=1)]),
    "wait-timeout-ack-lost-held": ({}, [SOCKET_ROOM] + HANDSHAKE + [
        SYNACK_AGAIN, at_listener(in_state(poll(0, "Timeout"), "ESTABLISHED"), synrecv=1)]),
    "wait-timeout-ack-lost-expired": ({}, [SOCKET_ROOM] + HANDSHAKE + [
        SYNACK_AGAIN, at_listener(in_state(poll(0, "Timeout"), "ESTABLISHED"), synrecv=0)]),
    "io-reset-synrecv-expired": ({}, [SOCKET_ROOM] + HANDSHAKE + [
        SYNACK_AGAIN, SERVER_RST, at_listener(with_fd3(call("recvfrom", [{"$fd": 3}], -1, "ECONNRESET")))]),
    "io-send-to-forgotten": ({}, [at_listener(CONNECTED, synrecv=1), at_listener(SEND), SERVER_RST]),
    "io-send-completes-handshake": ({}, [at_listener(CONNECTED, synrecv=1), at_listener(SEND, synrecv=1)]),
    "pkt-rst-synrecv-expired": ({}, [SOCKET_ROOM] + HANDSHAKE + [SYNACK_AGAIN, SERVER_RST]),
    "pkt-synack-retransmit-ack-lost": ({}, [SOCKET_ROOM] + HANDSHAKE + [SYNACK_AGAIN]),
    "pkt-final-ack-lost": ({}, [SOCKET_ROOM] + HANDSHAKE + [SYNACK_AGAIN]),
    "pkt-final-ack-unheard": ({}, HANDSHAKE[1:] + [at_listener(CONNECTED, synrecv=1),
                                                   call("getsockname", [{"$fd": 3}], 0) | {"fds": FD3}]),
    "pkt-syn-retransmit-unheard": ({}, [SOCKET_ROOM, CONNECT, packet(1, 40000, 10000, ["SYN"]),
                                        packet(1001, 40000, 10000, ["SYN"])]),
}
CASES.update(HANDSHAKE_CASES)


def last_ids(events: list[dict], settings: dict | None = None) -> list[str | None]:
    head = {"ev": "header", "schema": 1, "start_ns": 0, "context": {"settings": settings or {}}}
    return [a.rule_id if a else None for a in annotate_events(head, events)]


@pytest.mark.parametrize("queue, backlog", [(4, 4), (5, 4)])
def test_a_listener_at_its_backlog_is_no_proof_that_the_packet_was_lost_on_the_way(queue, backlog):
    """A queue that is (nearly) full may have dropped the SYN or the final ACK itself: the general rows."""
    full = at_listener(call("socket", ["AF_INET"], 3), queue=queue, backlog=backlog)
    ids = last_ids([full] + HANDSHAKE + [SYNACK_AGAIN])
    assert ids[-1] == "pkt-synack-retransmit" and "pkt-final-ack" in ids
    ids = last_ids([full, CONNECT, packet(1, 40000, 10000, ["SYN"]), packet(1001, 40000, 10000, ["SYN"])])
    assert ids[-1] == "pkt-syn-retransmit"
    assert last_ids([at_listener(CONNECTED, synrecv=1, queue=queue, backlog=backlog)]) == ["connect-ok"]


def test_listener_drops_counted_in_the_run_keep_the_listener_explanations():
    dropped = at_listener(dict(TIMED_OUT, ctx={"counters": {"TcpExtListenDrops": 2, "TcpExtListenOverflows": 2}}))
    assert last_ids([dropped]) == ["connect-timedout-synretries"]
    overflowed = dict(SOCKET_ROOM, ctx=dict(SOCKET_ROOM["ctx"], counters={"TcpExtListenOverflows": 1}))
    assert last_ids([overflowed] + HANDSHAKE + [SYNACK_AGAIN])[-1] == "pkt-synack-retransmit"


def test_user_timeout_belongs_to_its_socket():
    """TCP_USER_TIMEOUT 0 restores the default; a close() ends what the fd's setsockopt said."""
    zero = call("setsockopt", [{"$fd": 3}, "SOL_TCP", "TCP_USER_TIMEOUT", [0], 4], 0)
    assert last_ids([USER_TIMEOUT, zero, at_listener(TIMED_OUT)])[-1] == "connect-timedout-unheard"
    closed = call("close", [{"$fd": 3}], 0)
    assert last_ids([USER_TIMEOUT, closed, TIMED_OUT])[-1] == "connect-timedout"
    other_fd = call("setsockopt", [{"$fd": 4}, "SOL_TCP", "TCP_USER_TIMEOUT", [1500], 4], 0)
    assert last_ids([other_fd, TIMED_OUT])[-1] == "connect-timedout"


def test_a_send_after_the_lost_ack_says_what_became_of_it():
    """The same send completes the handshake, or meets a listener that forgot it (the RST proves which)."""
    assert last_ids([CONNECTED, SEND]) == ["connect-ok", None]
    assert last_ids([at_listener(CONNECTED, synrecv=1), SEND])[-1] == "io-send-completes-handshake"
    assert last_ids([at_listener(CONNECTED, synrecv=1), SEND, SERVER_RST])[1] == "io-send-to-forgotten"


def test_every_rule_has_a_case():
    assert set(CASES) == set(RULES_BY_ID)


@pytest.mark.parametrize("rule_id", list(CASES))
def test_rule_fires_on_its_case(rule_id: str):
    settings, events = CASES[rule_id]
    head = {"ev": "header", "schema": 1, "start_ns": 0, "context": {"settings": settings}}
    annotations = annotate_events(head, events)
    fired = [a.rule_id for a in annotations if a]
    assert rule_id in fired, fired


def test_connect_evidence_does_not_leak_to_a_reused_fd():
    """close(3) ends what connect(3) proved; a new socket on fd 3 starts clean."""
    closed = call("close", [{"$fd": 3}], 0)
    events = [SYNQ_DROP_CONNECT, closed, dict(CONNECT, fds=FD3), in_state(so_error(0), "SYN_SENT")]
    ids = [a.rule_id if a else None for a in annotate_events(header(), events)]
    assert ids[-1] == "so-error-ok-still-connecting"
    events = [SYNQ_DROP_CONNECT, in_state(so_error(0), "SYN_SENT")]
    assert [a.rule_id for a in annotate_events(header(), events) if a][-1] == "so-error-ok-synq-drop"


# --- the failure-mode catalogue (#13): closes, resets and ports --------------------------------

def with_ctx(event: dict, **ctx: object) -> dict:
    return dict(event, ctx={**event.get("ctx", {}), **ctx})


LISTENER = {"addr": "127.0.0.1:10000", "queue": 1, "backlog": 8, "synrecv": 0}
RECV_RESET = call("recvfrom", [{"$fd": 3}], -1, "ECONNRESET")


def test_reset_after_the_listener_disappeared_is_blamed_on_the_closed_listener():
    waiting = with_ctx(call("poll", [[{"fd": 3}], 1, 1000], 1, raux="[{fd=3, revents=POLLIN}]"), listener=LISTENER)
    gone = with_ctx(RECV_RESET, tcp_state="CLOSE")
    assert rule_for(header(), waiting, gone) == "io-reset-listener-closed"
    # the listener is still there: an ordinary reset
    assert rule_for(header(), waiting, with_ctx(RECV_RESET, listener=LISTENER)) == "io-reset"
    # never saw a listener (a plain `sysrec trace`): nothing can be said about one
    assert rule_for(header(), gone) == "io-reset"


@pytest.mark.parametrize("counter, expected", [
    ("TcpExtTCPAbortOnClose", "io-reset-unread"),
    ("TcpExtTCPAbortOnData", "io-reset-abort"),
    ("TcpOutRsts", "io-reset"),
])
def test_reset_explained_by_how_the_server_closed(counter, expected):
    assert rule_for(header(), with_ctx(RECV_RESET, counters={counter: 1})) == expected


def test_linger_explanation_renders_its_braces():
    annotation = Annotator(header()).annotate(with_ctx(RECV_RESET, counters={"TcpExtTCPAbortOnData": 1}))
    assert annotation is not None and "SO_LINGER {on, 0 s}" in annotation.text


def test_epipe_after_a_half_close_reset_and_the_write_before_it():
    sent = call("sendto", [{"$fd": 3}, {"$s": "a", "n": 1}, 1, "0", "NULL", 0], 1)
    assert rule_for(header(), with_ctx(sent, tcp_state="CLOSE_WAIT")) == "io-write-after-fin"
    assert rule_for(header(), with_ctx(sent, tcp_state="ESTABLISHED")) is None
    epipe = call("sendto", [{"$fd": 3}, {"$s": "b", "n": 1}, 1, "0", "NULL", 0], -1, "EPIPE")
    assert rule_for(header(), with_ctx(epipe, counters={"TcpExtTCPAbortOnClose": 1})) == "io-epipe-reset-after-fin"
    assert rule_for(header(), epipe) == "io-epipe"


CONNECT_ARGS = [{"$fd": 3}, {"sin_port": "htons(10000)"}, 16]


@pytest.mark.parametrize("head, event, expected", [
    (header(), call("connect", CONNECT_ARGS, -1, "EADDRNOTAVAIL"), "connect-addrnotavail"),
    (header(net__ipv4__tcp_timestamps=0), call("connect", CONNECT_ARGS, -1, "EADDRNOTAVAIL"),
     "connect-addrnotavail-no-timestamps"),
    (header(), call("connect", CONNECT_ARGS, 0, counters={"TcpExtTWRecycled": 1}), "connect-tw-recycled"),
    (header(), call("connect", CONNECT_ARGS, -1, "EINPROGRESS", counters={"TcpExtTWRecycled": 1}),
     "connect-tw-recycled"),
    (header(), call("bind", [{"$fd": 3}, {"sin_port": "htons(40000)"}, 16], -1, "EADDRINUSE"), "bind-addrinuse"),
])
def test_port_rows(head, event, expected):
    assert rule_for(head, event) == expected


def test_tw_recycled_is_this_connects_own_delta_not_an_earlier_one():
    earlier = call("connect", CONNECT_ARGS, 0, counters={"TcpExtTWRecycled": 1})
    assert rule_for(header(), earlier, call("connect", CONNECT_ARGS, 0)) == "connect-ok"


# --- a firewall between client and server (#13, firewall-reject) -------------------------------

FW_LISTENER = {"addr": "10.0.0.1:10000", "queue": 0, "backlog": 4, "synrecv": 0}


def fw_connect(port: int = 10000) -> dict:
    aimed = {"sa_family": "AF_INET", "sin_port": f"htons({port})", "sin_addr": 'inet_addr("10.0.0.1")'}
    return with_ctx(call("connect", [{"$fd": 3}, aimed, 16], -1, "EINPROGRESS"), listener=FW_LISTENER)


def test_a_refusal_while_the_aimed_at_listener_is_up_is_blamed_on_a_firewall():
    refused = with_ctx(so_error("ECONNREFUSED"), listener=FW_LISTENER)
    assert rule_for(header(), fw_connect(), refused) == "so-error-refused-firewall"
    # aimed at another port: the listener being up says nothing about this refusal
    assert rule_for(header(), fw_connect(10001), refused) == "so-error-refused"
    # no listener reading (a plain `sysrec trace`): the ordinary explanation
    assert rule_for(header(), call("connect", [{"$fd": 3}, {"sin_port": "htons(10000)"}, 16], -1, "EINPROGRESS"),
                    so_error("ECONNREFUSED")) == "so-error-refused"


def test_a_syn_refused_from_the_listeners_port_while_it_listens_is_a_forged_reset():
    listening = with_ctx(call("socket", ["AF_INET"], 3), listener=LISTENER)
    refused = [packet(1, 40000, 10000, ["SYN"]), packet(1.1, 10000, 40000, ["RST", "ACK"])]
    got = [a.rule_id if a else None for a in annotate_events(header(), [listening, CONNECT, *refused])]
    assert got[-1] == "pkt-rst-refused-firewall"
    got = [a.rule_id if a else None for a in annotate_events(header(), [CONNECT, *refused])]
    assert got[-1] == "pkt-rst-refused"


# Established connections whose peer vanished or stopped reading (idle-vanished-peer,
# busy-vanished-peer, zero-window-persist): keepalive and window probes are told apart by the
# window the server last advertised, both by their sequence number one below what we have sent.
def seg(t_ms: float, sport: int, dport: int, flags: list[str], seq: int, length: int = 0, win: int = 100) -> dict:
    return dict(packet(t_ms, sport, dport, flags, seq), len=length, win=win)


def timed_call(name: str, ret: int, errno: str | None, ms: float, counters: dict | None = None,
               state: str | None = None) -> dict:
    event = dict(call(name, [{"$fd": 3}], ret, errno, counters=counters), fds=FD3, t0=1_000_000, t1=1_000_000 + int(ms * 1e6))
    if state:
        event["ctx"] = dict(event.get("ctx") or {}, tcp_state=state)
    return event


ESTABLISHED = [call("connect", [{"$fd": 3}, {"sin_port": "htons(10000)"}, 16], 0),
               seg(1, 40000, 10000, ["SYN"], 100), seg(1.1, 10000, 40000, ["SYN", "ACK"], 900),
               seg(1.2, 40000, 10000, ["ACK"], 101)]
KEEPALIVE = ESTABLISHED + [seg(1001.2, 40000, 10000, ["ACK"], 100), seg(2001.2, 40000, 10000, ["ACK"], 100),
                           seg(3001.2, 40000, 10000, ["RST", "ACK"], 101)]
DATA = ESTABLISHED + [seg(2, 40000, 10000, ["PSH", "ACK"], 101, 1000), seg(2.5, 10000, 40000, ["ACK"], 901, win=0)]
WINDOW_PROBES = DATA + [seg(202.5, 40000, 10000, ["ACK"], 1100), seg(202.6, 10000, 40000, ["ACK"], 901, win=0)]
RETRANSMITS = ESTABLISHED + [seg(2, 40000, 10000, ["PSH", "ACK"], 101, 5), seg(250, 40000, 10000, ["PSH", "ACK"], 101, 5),
                             timed_call("recvfrom", -1, "ETIMEDOUT", 4000, {"TcpExtTCPTimeouts": 4})]
WIN_PROBE = {"TcpExtTCPWinProbe": 3}

CASES.update({
    "sockopt-keepcnt": ({}, [call("setsockopt", [{"$fd": 3}, "SOL_TCP", "TCP_KEEPCNT", [3], 4], 0)]),
    "sockopt-user-timeout": ({}, [call("setsockopt", [{"$fd": 3}, "SOL_TCP", "TCP_USER_TIMEOUT", [1500], 4], 0)]),
    "sockopt-rcvtimeo": ({}, [call("setsockopt", [{"$fd": 3}, "SOL_SOCKET", "SO_RCVTIMEO_OLD", "x", 16], 0)]),
    "sockopt-sndtimeo": ({}, [call("setsockopt", [{"$fd": 3}, "SOL_SOCKET", "SO_SNDTIMEO_OLD", "x", 16], 0)]),
    "sockopt-sndbuf": ({}, [call("setsockopt", [{"$fd": 3}, "SOL_SOCKET", "SO_SNDBUF", [4096], 4], 0)]),
    "sockopt-rcvbuf": ({}, [call("setsockopt", [{"$fd": 3}, "SOL_SOCKET", "SO_RCVBUF", [4096], 4], 0)]),
    "wait-timeout-zero-window": ({}, [poll(0, "Timeout", WIN_PROBE)]),
    "wait-error-timed-out": ({}, [poll(1, "[{fd=3, revents=POLLOUT|POLLHUP}]", {"TcpExtTCPAbortOnTimeout": 1})]),
    "io-timedout-zero-window": ({}, [timed_call("sendto", -1, "ETIMEDOUT", 1800, WIN_PROBE)]),
    "io-timedout-keepalive": ({}, [timed_call("recvfrom", -1, "ETIMEDOUT", 4000, {"TcpExtTCPKeepAlive": 3})]),
    "io-timedout-retransmit": ({}, [timed_call("recvfrom", -1, "ETIMEDOUT", 4000, {"TcpExtTCPTimeouts": 4})]),
    "io-timedout": ({}, [timed_call("read", -1, "ETIMEDOUT", 1)]),
    "io-epipe-after-timeout": ({}, [call("sendto", [{"$fd": 3}], -1, "EPIPE", counters={"TcpExtTCPAbortOnTimeout": 1})]),
    "io-eagain-rcvtimeo": ({}, [timed_call("recvfrom", -1, "EAGAIN", 7000, state="ESTABLISHED")]),
    "io-eagain-sndtimeo-zero-window": ({}, [timed_call("sendto", -1, "EAGAIN", 2000, WIN_PROBE)]),
    "io-eagain-sndtimeo": ({}, [timed_call("sendto", -1, "EAGAIN", 2000)]),
    "pkt-keepalive-probe": ({}, KEEPALIVE[:5]),
    "pkt-keepalive-reset": ({}, KEEPALIVE),
    "pkt-window-probe": ({}, WINDOW_PROBES[:7]),
    "pkt-zero-window": ({}, DATA),
    "pkt-zero-window-again": ({}, WINDOW_PROBES),
    "pkt-data-retransmit": ({}, RETRANSMITS),
    "pkt-rst-after-timeout": ({}, RETRANSMITS + [seg(4001, 10000, 40000, ["ACK"], 901),
                                                 seg(4001.1, 40000, 10000, ["RST"], 106)]),
})


def test_probes_are_told_apart_by_sequence_and_window():
    head = header()
    ids = [a.rule_id if a else None for a in annotate_events(head, KEEPALIVE)]
    assert ids[-3:] == ["pkt-keepalive-probe", "pkt-keepalive-probe", "pkt-keepalive-reset"]
    assert annotate_events(head, KEEPALIVE)[-3].text.startswith("keepalive probe, 1000.00 ms after our previous packet")
    # the final ACK, a data segment and an ACK at the next sequence number are no probes
    ids = [a.rule_id if a else None for a in annotate_events(head, WINDOW_PROBES)]
    assert ids[3:] == ["pkt-final-ack", None, "pkt-zero-window", "pkt-window-probe", "pkt-zero-window-again"]
    caught_up = DATA + [seg(202.5, 40000, 10000, ["ACK"], 1101)]
    assert annotate_events(head, caught_up)[-1] is None


def test_a_quick_eagain_is_not_a_timeout_and_a_blocked_send_sits_at_its_exit():
    from sysrec.annotate.engine import event_time
    quick = timed_call("recvfrom", -1, "EAGAIN", 0.02, state="ESTABLISHED")
    assert rule_for(header(), quick) == "io-eagain"
    blocked = timed_call("sendto", -1, "EAGAIN", 2000)
    assert event_time(blocked) == blocked["t1"]
    assert event_time(timed_call("sendto", 5, None, 0.01)) == 1_000_000


def test_a_data_segment_at_the_final_acks_sequence_number_is_no_duplicate_of_it():
    # the first full-sized segment has no PSH: same flags and sequence number as the final ACK
    from sysrec.annotate.engine import Annotator
    annotator = Annotator(header(), {10000})
    for event in ESTABLISHED[1:]:
        annotator.annotate(event)
    annotator.annotate(seg(1.3, 40000, 10000, ["ACK"], 101, 1448))
    assert annotator.last_facts is not None and not annotator.last_facts.extra["duplicate"]
    annotator.annotate(seg(1.31, 40000, 10000, ["ACK"], 101, 1448))
    assert annotator.last_facts.extra["duplicate"]
