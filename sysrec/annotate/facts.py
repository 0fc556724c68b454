"""Facts about one event that annotation rules match on.

A rule never looks inside a record event directly: it matches on the small, flat `Facts` that
this module derives, so the rule table stays pure data and the record format can grow without
touching it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Mapping

# How a syscall's outcome is named when it is not just its errno: these names are what
# rules write in their `outcome` column.
OUTCOME_OK = "ok"
OUTCOME_TIMEOUT = "Timeout"
OUTCOME_EOF = "EOF"
OUTCOME_READY = "ready"
OUTCOME_READY_ERROR = "POLLERR|POLLHUP"  # a poll that woke because the connection failed
OUTCOME_WRITABLE = "writable"
OUTCOME_READABLE = "readable"
OUTCOME_UNFINISHED = "unfinished"

READINESS_CALLS = frozenset({"select", "pselect6", "poll", "ppoll", "epoll_wait", "epoll_pwait",
                             "epoll_pwait2"})
READ_CALLS = frozenset({"read", "recvfrom", "recvmsg", "recv", "readv"})
WRITE_CALLS = frozenset({"write", "sendto", "sendmsg", "send", "writev"})

_HTONS = re.compile(r"htons\((\d+)\)")


@dataclass
class Facts:
    """What rules may test. `counters_total` are the kernel counter deltas since the record began."""

    kind: str                       # "syscall" or "packet"
    name: str = ""                  # syscall name, or "packet"
    errno: str | None = None
    ret: int | None = None
    outcome: str = OUTCOME_OK       # errno, "SO_ERROR=<v>", "Timeout", "POLLERR|POLLHUP", "writable", ...
    sockopt: str | None = None      # option name of get/setsockopt
    settings: Mapping[str, str] = field(default_factory=dict)
    counters_total: Mapping[str, int] = field(default_factory=dict)
    counters_delta: Mapping[str, int] = field(default_factory=dict)
    tcp_state: str | None = None
    # packets
    flags: str = ""                 # "SYN", "SYN|ACK", "RST|ACK" in a fixed order
    from_server: bool | None = None  # sent by the port the client connected to
    retransmit: bool = False
    role: str | None = None         # packets: "final-ack" (the handshake's last segment)
    flow: Mapping[str, bool] = field(default_factory=dict)  # packet evidence for the call's socket
    dt_ms: float | None = None      # time since the packet a rule's text refers to
    waited_ms: float | None = None  # syscalls: entry to exit, as the tracer saw them
    extra: dict[str, Any] = field(default_factory=dict)


# A call that took this long blocked in the kernel (a timeout ran out, a timer fired): far above
# a tracer's own overhead per call, far below any timeout a scenario sets.
WAITED_MS = 100.0


def waited_ms(event: Mapping[str, Any]) -> float | None:
    """Milliseconds from the call's entry to its exit; None for a call that never returned."""
    t0, t1 = event.get("t0"), event.get("t1")
    if event.get("ret") is None or not isinstance(t0, int) or not isinstance(t1, int):
        return None
    return (t1 - t0) / 1e6


def sockopt_name(event: Mapping[str, Any]) -> str | None:
    args = event.get("args") or []
    if event.get("name") in ("getsockopt", "setsockopt") and len(args) >= 3 and isinstance(args[2], str):
        return args[2]
    return None


def _unwrap_value_result(node: Any) -> Any:
    """`{"$vr": [before, after]}` → after: what the kernel wrote back."""
    if isinstance(node, dict) and "$vr" in node:
        return node["$vr"][-1]
    return node


def so_error_value(event: Mapping[str, Any]) -> str | None:
    """The value getsockopt(SO_ERROR) returned, as strace names it (`0`, `ECONNRESET`)."""
    if sockopt_name(event) != "SO_ERROR" or event.get("ret") != 0:
        return None
    args = event.get("args") or []
    if len(args) < 4:
        return None
    value = _unwrap_value_result(args[3])
    if isinstance(value, list) and value:
        value = value[0]
    if isinstance(value, (int, str)):
        return str(value)
    return None


def syscall_outcome(event: Mapping[str, Any]) -> str:
    """One word for what the call came back with; the column rules match on."""
    name = event.get("name", "")
    ret = event.get("ret")
    if ret is None:
        return OUTCOME_UNFINISHED
    if event.get("errno"):
        return str(event["errno"])
    so_error = so_error_value(event)
    if so_error is not None:
        return f"SO_ERROR={so_error}"
    if name in READINESS_CALLS:
        if ret == 0:
            return OUTCOME_TIMEOUT
        raux = event.get("raux")
        if not isinstance(raux, str):
            return OUTCOME_READY
        if "POLLERR" in raux or "POLLHUP" in raux:
            return OUTCOME_READY_ERROR
        readable = "POLLIN" in raux or raux.startswith("in [") or ", in [" in raux
        writable = "POLLOUT" in raux or "out [" in raux
        if writable and not readable:
            return OUTCOME_WRITABLE
        if readable and not writable:
            return OUTCOME_READABLE
        return OUTCOME_READY
    if name in READ_CALLS and ret == 0:
        return OUTCOME_EOF
    return OUTCOME_OK


def connected_port(event: Mapping[str, Any]) -> int | None:
    """The destination port of a connect(), from its sockaddr node."""
    if event.get("name") != "connect":
        return None
    for node in event.get("args") or []:
        if isinstance(node, dict):
            port = node.get("sin_port") or node.get("sin6_port")
            if isinstance(port, str):
                match = _HTONS.fullmatch(port)
                if match:
                    return int(match.group(1))
    return None


FLAG_ORDER = ("SYN", "FIN", "RST", "PSH", "ACK", "URG", "ECE", "CWR")


def packet_flags(event: Mapping[str, Any]) -> str:
    """Flags in a fixed order so that rules can name them as one string: `SYN|ACK`, `RST|ACK`;
    an ICMP message by its name: `ICMP port-unreachable`, `ICMP fragmentation-needed`."""
    if event.get("icmp"):
        return f"ICMP {event['icmp']}"
    flags = set(event.get("flags") or [])
    return "|".join(f for f in FLAG_ORDER if f in flags)
