"""Matches record events against the rule table, carrying the context rules need.

Context is what a single event does not hold: the scenario's sysctls (record header), the
kernel counter deltas accumulated so far, which ports are the server's, the previous packets of
a flow (retransmissions), and what the whole record proves about each connection (`flow_evidence`:
its SYN went unanswered, its SYN-ACK was retransmitted, the server reset it). Events must be fed
in time order (see `event_time`).
"""

from __future__ import annotations

import operator
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Mapping, Sequence

from sysrec.annotate.facts import (
    READ_CALLS, READINESS_CALLS, WAITED_MS, WRITE_CALLS, Facts, connected_port, packet_flags, syscall_outcome,
    sockopt_name, waited_ms,
)
from sysrec.annotate.rules import RULES, Rule

_OPS: dict[str, Callable[[int, int], bool]] = {
    ">": operator.gt, ">=": operator.ge, "==": operator.eq, "<": operator.lt, "<=": operator.le,
}

# Calls whose result is caused by what happened while they waited: placed at their exit time.
WAITING_CALLS = READINESS_CALLS | READ_CALLS | {"accept", "accept4"}

# Two captures of one packet (loopback shows it leaving and arriving) are closer than this;
# TCP's own retransmissions never are (the minimum RTO is 200 ms).
_RETRANSMIT_MIN_NS = 100_000_000


# What a RST from the server answers, by the client's previous packet on that connection.
_RST_ROLES = {"final-ack": "reset-after-final-ack", "SYN": "syn-refused"}


@dataclass(frozen=True)
class Annotation:
    rule_id: str
    text: str
    ref: str
    key: bool


INJECTED_TEXT = ("injected by the scenario, not the network: the tracer skipped this call and handed "
                 "back {result} (`[client] inject`); no packet or kernel path caused it")
INJECTED_REF = "sysrec.tracer.inject (strace -e inject=): syscall number set to -1 at entry, result written at exit"


def injected_annotation(event: Mapping[str, Any]) -> Annotation:
    """The explanation of a call whose result `[client] inject` (-e inject=) made."""
    result = event.get("errno") if event.get("injected") == "error" else f"the value {event.get('ret')}"
    return Annotation("injected", INJECTED_TEXT.format(result=result), INJECTED_REF, True)


def waits(event: Mapping[str, Any]) -> bool:
    """Whether a call's result was decided by what happened while it blocked (not by its entry)."""
    name = event.get("name")
    if name == "connect":  # a blocking connect returns when the handshake ends
        return event.get("errno") not in ("EINPROGRESS", "EALREADY")
    if name in WRITE_CALLS:  # a send that blocked (full send buffer) ends with what happened meanwhile
        return (waited_ms(event) or 0.0) >= WAITED_MS
    return name in WAITING_CALLS


def event_time(event: Mapping[str, Any]) -> int:
    """When an event belongs on the timeline (ns): calls that wait at their exit, others at entry."""
    if event.get("ev") == "syscall":
        if waits(event) and event.get("t1") is not None:
            return int(event["t1"])
        return int(event.get("t0") or event.get("t1") or 0)
    return int(event.get("t") or 0)


def header_settings(header: Mapping[str, Any]) -> dict[str, str]:
    """The sysctls a scenario cell ran with, values as strings (`"1"`)."""
    context = header.get("context") or {}
    settings = context.get("settings") or {}
    return {str(k): str(v) for k, v in settings.items()}


def _port_of(addr: str | None) -> int | None:
    if not addr or ":" not in addr:
        return None
    tail = addr.rsplit(":", 1)[1]
    return int(tail) if tail.isdigit() else None


def server_ports(events: Iterable[Mapping[str, Any]]) -> set[int]:
    """Ports the client connected to, and the listener's port: packets from them are the server's."""
    ports: set[int] = set()
    for event in events:
        add_server_ports(event, ports)
    return ports


def add_server_ports(event: Mapping[str, Any], ports: set[int]) -> None:
    """`server_ports` one event at a time, for a reader that streams the record."""
    if event.get("ev") != "syscall":
        return
    port = connected_port(event)
    if port is not None:
        ports.add(port)
    listener = (event.get("ctx") or {}).get("listener") or {}
    port = _port_of(listener.get("addr"))
    if port is not None:
        ports.add(port)


_LOCAL_PORT = re.compile(r"^(?:TCP|TCPv6):\[.*?:(\d+)->")


def _first_fd(node: Any) -> int | None:
    if isinstance(node, dict):
        if "$fd" in node:
            return int(node["$fd"])
        children: Iterable[Any] = node.values()
    elif isinstance(node, list):
        children = node
    else:
        return None
    for child in children:
        fd = _first_fd(child)
        if fd is not None:
            return fd
    return None


def fd_endpoint(event: Mapping[str, Any]) -> str | None:
    """What the call's first fd (also inside a pollfd array or an fd_set) refers to: `-yy` text, else `-y`."""
    fd = _first_fd(event.get("args") or [])
    if fd is None:
        return None
    info = (event.get("fds") or {}).get(str(fd)) or {}
    return info.get("yy") or info.get("y") if isinstance(info, dict) else str(info)


_INET_ADDR = re.compile(r'^inet_addr\("([0-9.]+)"\)$')
_HTONS = re.compile(r"^htons\((\d+)\)$")


def connect_destination(event: Mapping[str, Any]) -> str | None:
    """`ADDR:PORT` of an IPv4 connect()'s sockaddr, as listener readings spell it; None otherwise."""
    args = event.get("args") or []
    sockaddr = args[1] if len(args) > 1 and isinstance(args[1], dict) else {}
    addr = _INET_ADDR.match(str(sockaddr.get("sin_addr", "")))
    port = _HTONS.match(str(sockaddr.get("sin_port", "")))
    return f"{addr.group(1)}:{port.group(1)}" if addr and port else None


def socket_port(event: Mapping[str, Any]) -> int | None:
    """The client-side port of the TCP socket a call is about, from its `-yy` endpoint."""
    match = _LOCAL_PORT.match(str(fd_endpoint(event) or ""))
    return int(match.group(1)) if match else None


# What a connect()'s own counter delta says about how the listener treated its SYN (on loopback
# the SYN is processed before connect() returns, so the delta belongs to this connection).
CONNECT_DELTA_EVIDENCE = {
    "TcpExtSyncookiesSent": "cookie",
    "TcpExtTCPReqQFullDrop": "syn_queue_full_drop",
}


def flow_evidence(events: Iterable[Mapping[str, Any]], ports: set[int]) -> dict[int, dict[str, bool]]:
    """What the packet capture proves about each client connection (by client port), over the whole record.

    Lets a syscall's explanation rest on its own connection's packets (this socket's SYN-ACK was
    retransmitted) rather than on namespace-wide counters.
    """
    evidence = FlowEvidence(ports)
    for event in events:
        evidence.feed(event)
    return evidence.flows


class FlowEvidence:
    """`flow_evidence` one event at a time (time order within syscalls and within packets).

    Syscalls and packets feed separate state, so a record whose syscalls and packets are each in
    order gives the same evidence in file order as in timeline order. `ports` is read live: a
    streaming reader may pass the set it is still filling (see sysrec.render.stream).
    """

    def __init__(self, ports: set[int]) -> None:
        self.scanner = Annotator({}, ports)
        self.scanner.ports = ports
        self.flows: dict[int, dict[str, bool]] = {}
        self.data_end: dict[int, int] = {}  # client port → sequence number just after its first data segment
        # A connect()'s endpoint is often looked up before the port is bound (`TCP:[inode]`): its
        # evidence waits, by (process, fd), for the next call on that fd that shows the port.
        self.waiting: dict[tuple[Any, int], set[str]] = {}

    def feed(self, event: Mapping[str, Any]) -> None:
        flows, waiting, data_end = self.flows, self.waiting, self.data_end
        if event.get("ev") == "syscall":
            key = (event.get("tgid"), _first_fd(event.get("args") or []))
            port = socket_port(event)
            if event.get("name") == "connect" and key[1] is not None:
                delta = (event.get("ctx") or {}).get("counters") or {}
                facts = {fact for counter, fact in CONNECT_DELTA_EVIDENCE.items() if delta.get(counter)}
                if event.get("ret") == 0 and _final_ack_unheard((event.get("ctx") or {}).get("listener")):
                    facts.add("final_ack_unheard")
                if facts:
                    waiting[key] = facts  # type: ignore[index]
            if port is not None and event.get("errno") == "ETIMEDOUT":
                flows.setdefault(port, {})["timed_out"] = True
            if port is not None and key in waiting:
                for fact in waiting.pop(key):  # type: ignore[arg-type]
                    flows.setdefault(port, {})[fact] = True
            elif event.get("name") == "close":
                waiting.pop(key, None)  # type: ignore[arg-type]
            return
        if event.get("ev") != "packet":
            return
        facts = self.scanner.facts(event)
        if facts is None or facts.from_server is None:
            return
        port = event.get("dport") if facts.from_server else event.get("sport")
        if not isinstance(port, int):
            return
        flow = flows.setdefault(port, {})
        if facts.from_server:
            if "RST" in facts.flags.split("|"):
                flow["reset_by_server"] = True
            if facts.flags == "SYN|ACK":
                flow["syn_answered"] = True
                if facts.retransmit:
                    flow["synack_retransmitted"] = True
        elif facts.flags == "SYN" and facts.retransmit:
            flow["syn_retransmitted"] = True
        length = int(event.get("len") or 0)
        if not facts.from_server and length and isinstance(event.get("seq_no"), int):
            data_end.setdefault(port, (event["seq_no"] + length) % 2**32)
        elif facts.from_server and "ACK" in facts.flags.split("|") and port in data_end:
            if (int(event.get("ack_no") or 0) - data_end[port]) % 2**32 < 2**31:
                flow["data_acked"] = True


def _listener_readings(listener: Any) -> dict[str, bool]:
    """What one listener reading (ctx.listener) says: its accept queue has room — below its backlog,
    a margin over the kernel's sk_acceptq_is_full() (queue > backlog), since a queue at the limit
    may have been full a moment earlier — and whether it holds SYN-RECV requests."""
    if not isinstance(listener, dict):
        return {}
    readings: dict[str, bool] = {}
    queue, backlog, synrecv = listener.get("queue"), listener.get("backlog"), listener.get("synrecv")
    if isinstance(queue, int) and isinstance(backlog, int):
        readings["listener_has_room"] = queue < backlog
    if isinstance(synrecv, int):
        readings["listener_synrecv"] = synrecv > 0
    return readings


def _final_ack_unheard(listener: Any) -> bool:
    """A connect() that returned 0 while the listener, with room, still held a SYN-RECV request:
    the handshake's final ACK had not reached it."""
    readings = _listener_readings(listener)
    return bool(readings.get("listener_synrecv") and readings.get("listener_has_room"))


class Annotator:
    """Feed events in time order; `annotate()` returns the first matching rule's explanation.

    `Annotator.for_events(header, events)` first scans the record for the server's ports and each
    connection's packet evidence; a bare `Annotator(header)` knows only what it has been fed.
    """

    def __init__(self, header: Mapping[str, Any], ports: set[int] | None = None,
                 rules: Sequence[Rule] = RULES, flows: Mapping[int, Mapping[str, bool]] | None = None,
                 captured: bool = False) -> None:
        self.settings = header_settings(header)
        self.rules = tuple(rules)
        self.ports = set(ports or ())
        link = (header.get("context") or {}).get("link")
        # With a link that delays packets, a connect() returns while its final ACK is still on the
        # way: a listener holding the request in SYN-RECV then says nothing about a lost ACK.
        self._ack_in_flight = isinstance(link, Mapping) and float(link.get("delay_ms") or 0) > 0
        self.flows = {port: ({k: v for k, v in facts.items() if k != "final_ack_unheard"}
                             if self._ack_in_flight else dict(facts))
                      for port, facts in (flows or {}).items()}
        self.captured = captured
        self.counters_total: Counter[str] = Counter()
        # hash of (addresses, ports, flags, sequence number) → when last seen: one small int per
        # distinct segment, not a tuple of fresh strings (a capture of 10^5 packets stays ~10 MB)
        self._seen_packets: dict[int, int] = {}
        self._last_from_client: dict[int, tuple[int, str]] = {}  # client port → (time, role or flags)
        self._synack: dict[int, int] = {}  # client port → time of the listener's SYN-ACK
        # client port → time of our final ACK, until the server sends anything after it: a RST then
        # still answers the handshake even if our first data went out right behind the ACK (curl)
        self._unanswered_final_ack: dict[int, int] = {}
        self._listener_seen = False  # an earlier stop found the scenario's listener in the namespace
        self._listener_addr: str | None = None   # its "ADDR:PORT" at the last stop that saw it
        self._destinations: dict[tuple[Any, int], str | None] = {}   # (tgid, fd) → where connect() aimed
        # whether the listener's accept queue had room at the last stop that read it: a SYN or ACK
        # that goes unanswered then was not dropped by the listener for want of room
        self._listener_room: bool | None = None
        self._user_timeout: set[tuple[Any, int]] = set()   # (tgid, fd) with TCP_USER_TIMEOUT > 0
        # (tgid, fd) whose connect() returned while the listener (with room) still held a SYN-RECV
        # request: the final ACK had not reached it
        self._ack_unheard: set[tuple[Any, int]] = set()
        self._client_next: dict[int, int] = {}   # client port → sequence number after what it has sent
        self._server_window: dict[int, int] = {}  # client port → the window the server last advertised
        self.last_facts: Facts | None = None

    @classmethod
    def for_events(cls, header: Mapping[str, Any], events: Sequence[Mapping[str, Any]],
                   rules: Sequence[Rule] = RULES) -> "Annotator":
        ports = server_ports(events)
        captured = any(event.get("ev") == "packet" for event in events)
        return cls(header, ports, rules, flow_evidence(events, ports), captured)

    def facts(self, event: Mapping[str, Any]) -> Facts | None:
        kind = event.get("ev")
        if kind == "syscall":
            ctx = event.get("ctx") or {}
            delta = {k: int(v) for k, v in (ctx.get("counters") or {}).items()}
            self.counters_total.update(delta)
            port = connected_port(event)
            if port is not None:
                self.ports.add(port)
            return Facts(kind="syscall", name=event.get("name", ""), errno=event.get("errno"),
                         ret=event.get("ret"), outcome=syscall_outcome(event),
                         sockopt=sockopt_name(event), settings=self.settings,
                         counters_total=dict(self.counters_total), counters_delta=delta,
                         tcp_state=ctx.get("tcp_state"), flow=self._flow_of(event, ctx),
                         waited_ms=waited_ms(event))
        if kind == "packet":
            return self._packet_facts(event)
        return None

    def _flow_of(self, event: Mapping[str, Any], ctx: Mapping[str, Any]) -> dict[str, bool]:
        """Packet evidence for the call's socket; `captured` when the record has packets and the port is known.

        `listener_closed`: the scenario's listener was seen at an earlier stop and is gone at this one;
        `listening`: it is there at this stop, and this socket was connected to its address.
        """
        evidence: dict[str, bool] = {}
        listener = ctx.get("listener")
        if listener is not None:
            self._listener_seen = True
            self._listener_addr = str(listener.get("addr")) if isinstance(listener, dict) else None
            evidence.update(_listener_readings(listener))
            self._listener_room = evidence.get("listener_has_room")
        elif self._listener_seen and ctx:
            evidence["listener_closed"] = True
        key = (event.get("tgid"), _first_fd(event.get("args") or []))
        if event.get("name") == "connect" and key[1] is not None:
            self._destinations[key] = connect_destination(event)  # type: ignore[index]
        self._track_socket(event, key, evidence)  # type: ignore[arg-type]
        if self._ack_in_flight:
            evidence["ack_in_flight"] = True
        if listener is not None and self._listener_addr is not None \
                and self._destinations.get(key) == self._listener_addr:  # type: ignore[arg-type]
            evidence["listening"] = True
        port = socket_port(event)
        if port is None:
            return evidence
        return {"captured": self.captured, **self.flows.get(port, {}), **evidence}

    def _track_socket(self, event: Mapping[str, Any], key: tuple[Any, int], evidence: dict[str, bool]) -> None:
        """Per-socket facts that later calls on the same fd need: a user timeout was set on it,
        its connect() returned before the listener had seen the final ACK."""
        name = event.get("name")
        if name == "close":
            self._user_timeout.discard(key)
            self._ack_unheard.discard(key)
            return
        if name == "setsockopt" and sockopt_name(event) == "TCP_USER_TIMEOUT" and event.get("ret") == 0:
            args = event.get("args") or []
            value = args[3] if len(args) > 3 else None
            value = value[0] if isinstance(value, list) and value else value
            if isinstance(value, int) and value > 0:
                self._user_timeout.add(key)
            else:
                self._user_timeout.discard(key)
        if (name == "connect" and event.get("ret") == 0 and not self._ack_in_flight
                and _final_ack_unheard((event.get("ctx") or {}).get("listener"))):
            self._ack_unheard.add(key)
        if key in self._user_timeout:
            evidence["user_timeout"] = True
        if key in self._ack_unheard:
            evidence["final_ack_unheard"] = True

    def _packet_facts(self, event: Mapping[str, Any]) -> Facts:
        t = int(event.get("t") or 0)
        flags = packet_flags(event)
        sport, dport = event.get("sport"), event.get("dport")
        from_server: bool | None = None
        if sport in self.ports:
            from_server = True
        elif dport in self.ports:
            from_server = False
        # An ICMP error is told apart by the segment it quotes and where it was captured; a data
        # segment from the final ACK's by its length.
        inner = event.get("inner") or {}
        flow = (event.get("src"), sport, event.get("dst"), dport, flags, event.get("seq_no"), event.get("len"),
                inner.get("seq_no"), inner.get("sport"), event.get("at"))
        flow_key = hash(flow)
        previous = self._seen_packets.get(flow_key)
        retransmit = previous is not None and t - previous >= _RETRANSMIT_MIN_NS
        dt_ms: float | None = None
        if previous is not None and retransmit:
            dt_ms = (t - previous) / 1e6
        if previous is None or retransmit:
            self._seen_packets[flow_key] = t
        role = None
        if from_server is False and isinstance(sport, int):
            synack_t = self._synack.pop(sport, None)
            last_sent = self._last_from_client.get(sport)
            if flags == "ACK" and not event.get("len") and synack_t is not None:
                role, dt_ms = "final-ack", (t - synack_t) / 1e6
            elif flags == "ACK" and not event.get("len") and self._is_probe(sport, event.get("seq_no")):
                role = "window-probe" if self._server_window.get(sport) == 0 else "keepalive-probe"
                if last_sent is not None:
                    dt_ms = (t - last_sent[0]) / 1e6
            elif "RST" in flags.split("|") and last_sent is not None and last_sent[1] == "keepalive-probe":
                role = "keepalive-reset"
            self._advance_client_seq(sport, event, flags)
            self._last_from_client[sport] = (t, role or flags)
            if role == "final-ack":
                self._unanswered_final_ack[sport] = t
        elif from_server and isinstance(dport, int):
            if flags == "SYN|ACK" and not retransmit and previous is None:
                self._synack[dport] = t
            last = self._last_from_client.get(dport)
            if last is not None and not retransmit:
                dt_ms = (t - last[0]) / 1e6
            if "RST" in flags.split("|"):
                role = _RST_ROLES.get(last[1] if last else "", "reset")
                final_ack_t = self._unanswered_final_ack.pop(dport, None)
                if role == "reset" and final_ack_t is not None and not retransmit:
                    role, dt_ms = "reset-after-final-ack", (t - final_ack_t) / 1e6
            elif not retransmit and previous is None:
                self._unanswered_final_ack.pop(dport, None)
            window = event.get("win")
            if flags == "ACK" and window == 0:
                role = "zero-window-again" if self._server_window.get(dport) == 0 else "zero-window"
            if isinstance(window, int):
                self._server_window[dport] = window
        client_port = dport if from_server else sport if from_server is False else None
        flow = dict(self.flows.get(client_port, {})) if isinstance(client_port, int) else {}
        if from_server and self._listener_addr is not None and self._listener_addr.endswith(f":{sport}"):
            flow["listening"] = True
        if self._listener_room is not None:
            flow["listener_has_room"] = self._listener_room
        return Facts(kind="packet", name="packet", outcome=flags, settings=self.settings,
                     counters_total=dict(self.counters_total), flags=flags,
                     from_server=from_server, retransmit=retransmit, dt_ms=dt_ms, role=role, flow=flow,
                     extra={"duplicate": previous is not None and not retransmit})

    def _is_probe(self, port: int, seq: Any) -> bool:
        """A pure ACK one below everything we have sent: a keepalive or zero-window probe."""
        following = self._client_next.get(port)
        return following is not None and isinstance(seq, int) and (following - 1 - seq) % 2**32 == 0

    def _advance_client_seq(self, port: int, event: Mapping[str, Any], flags: str) -> None:
        seq = event.get("seq_no")
        if not isinstance(seq, int):
            return
        names = flags.split("|")
        end = (seq + int(event.get("len") or 0) + ("SYN" in names) + ("FIN" in names)) % 2**32
        following = self._client_next.get(port)
        if following is None or 0 < (end - following) % 2**32 < 2**31:
            self._client_next[port] = end

    def matches(self, rule: Rule, facts: Facts) -> bool:
        if rule.kind != facts.kind:
            return False
        if rule.calls and facts.name not in rule.calls:
            return False
        if rule.states and facts.tcp_state not in rule.states:
            return False
        if rule.outcome and facts.outcome not in rule.outcome:
            return False
        if rule.waited is not None and (facts.waited_ms is not None and facts.waited_ms >= WAITED_MS) is not rule.waited:
            return False
        if rule.sockopt is not None and facts.sockopt != rule.sockopt:
            return False
        for name, value in rule.settings:
            if facts.settings.get(name) != value:
                return False
        for name, op, number in rule.counters:
            if not _OPS[op](facts.counters_total.get(name, 0), number):
                return False
        for name, op, number in rule.delta:
            if not _OPS[op](facts.counters_delta.get(name, 0), number):
                return False
        if rule.flags and facts.flags not in rule.flags:
            return False
        if rule.from_server is not None and facts.from_server is not rule.from_server:
            return False
        if rule.retransmit is not None and facts.retransmit is not rule.retransmit:
            return False
        if rule.role is not None and facts.role != rule.role:
            return False
        for name, wanted in rule.flow:
            if bool(facts.flow.get(name)) is not wanted:
                return False
        return True

    def annotate(self, event: Mapping[str, Any]) -> Annotation | None:
        facts = self.last_facts = self.facts(event)
        if facts is None or facts.extra.get("duplicate"):
            return None
        if event.get("injected"):  # no kernel path to explain: the tracer made this result
            return injected_annotation(event)
        for rule in self.rules:
            if self.matches(rule, facts):
                dt = f"{facts.dt_ms:.2f}" if facts.dt_ms is not None else "?"
                text = rule.explain.format(dt_ms=dt, state=facts.tcp_state or "unknown")
                return Annotation(rule.id, text, rule.ref, rule.key)
        return None


def annotate_events(header: Mapping[str, Any], events: Sequence[Mapping[str, Any]],
                    rules: Sequence[Rule] = RULES) -> list[Annotation | None]:
    """Annotations for `events` (already in time order), one per event."""
    annotator = Annotator.for_events(header, events, rules)
    return [annotator.annotate(event) for event in events]
