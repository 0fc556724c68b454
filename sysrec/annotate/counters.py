"""The kernel counters that explain a client's failure, with what each one counts.

A record holds every field of /proc/net/netstat and /proc/net/snmp; most of them (octets,
segments, IP deliveries) change on every packet and explain nothing. Timelines, diffs, the
report and the Perfetto export show these; the record keeps the rest.
"""

from __future__ import annotations

from typing import Any, Mapping

# name → (what it counts, where the kernel counts it)
KEY_COUNTERS: dict[str, tuple[str, str]] = {
    "TcpExtListenOverflows": ("the accept queue was full when a SYN or a final ACK arrived",
                              "tcp_conn_request() / tcp_v4_syn_recv_sock()"),
    "TcpExtListenDrops": ("a listener dropped a SYN or a final ACK (overflows and other drops)",
                          "tcp_listendrop()"),
    "TcpExtEmbryonicRsts": ("a listener answered with RST for a connection still in SYN-RECV",
                            "tcp_check_req() embryonic_reset"),
    "TcpExtTCPReqQFullDoCookies": ("the SYN queue was full and a SYN cookie was sent instead",
                                   "tcp_syn_flood_action()"),
    "TcpExtTCPReqQFullDrop": ("the SYN queue was full and the SYN was dropped (no cookies)",
                              "tcp_syn_flood_action()"),
    "TcpExtSyncookiesSent": ("SYN cookies sent", "tcp_conn_request() → cookie_init_sequence()"),
    "TcpExtSyncookiesRecv": ("valid SYN cookies received in a final ACK", "cookie_v4_check()"),
    "TcpExtSyncookiesFailed": ("final ACKs whose cookie did not check out", "cookie_v4_check()"),
    "TcpExtTCPDeferAcceptDrop": ("final ACKs dropped by a listener's TCP_DEFER_ACCEPT", "tcp_check_req()"),
    "TcpExtTCPTimeouts": ("retransmission timer expirations (SYN, SYN-ACK or data)", "tcp_retransmit_timer()"),
    "TcpExtTCPSynRetrans": ("SYN and SYN-ACK retransmissions", "tcp_retransmit_skb()"),
    "TcpRetransSegs": ("segments retransmitted", "tcp_retransmit_skb()"),
    "TcpAttemptFails": ("connections that went from SYN_SENT/SYN_RECV to CLOSED", "tcp_done()"),
    "TcpEstabResets": ("connections reset from ESTABLISHED or CLOSE_WAIT", "tcp_set_state()"),
    "TcpOutRsts": ("RST segments sent", "tcp_v4_send_reset()"),
    "TcpActiveOpens": ("connect()s that sent a SYN", "tcp_connect()"),
    "TcpPassiveOpens": ("connections a listener created from a final ACK", "tcp_create_openreq_child()"),
    "TcpExtTCPAbortOnData": ("connections reset: data arrived after close(), or close() with SO_LINGER 0",
                             "tcp_rcv_state_process() / __tcp_close()"),
    "TcpExtTCPAbortOnClose": ("connections reset by close() with unread data", "__tcp_close()"),
    "TcpExtTCPAbortOnTimeout": ("connections given up after too many retransmissions", "tcp_write_timeout()"),
    "TcpExtTCPKeepAlive": ("keepalive probes sent", "tcp_keepalive_timer() → tcp_write_wakeup()"),
    "TcpExtTCPWinProbe": ("zero-window probes sent by the persist timer", "tcp_probe_timer() → tcp_send_probe0()"),
    "TcpExtTCPToZeroWindowAdv": ("times this host's receive window closed (advertised 0)", "tcp_select_window()"),
    "TcpExtTCPAbortOnLinger": ("connections reset in FIN_WAIT2 because TCP_LINGER2 is negative",
                               "__tcp_close() / tcp_rcv_state_process()"),
    "IcmpInDestUnreachs": ("ICMP destination unreachable received (port or host unreachable, "
                           "fragmentation needed)", "icmp_unreach()"),
    "TcpExtTCPMTUPSuccess": ("path-MTU probes acknowledged: the MSS grew", "tcp_mtup_probe_success()"),
    "TcpExtTCPMTUPFail": ("path-MTU probes lost: the search range shrank", "tcp_mtup_probe_failed()"),
}


def key_counters(values: Mapping[str, int]) -> dict[str, int]:
    """Only the counters in KEY_COUNTERS, non-zero, in the table's order."""
    return {name: int(values[name]) for name in KEY_COUNTERS if values.get(name)}


class CounterDeltas:
    """`all_counter_deltas` one event at a time (one pass, memory: one snapshot and the sums)."""

    def __init__(self) -> None:
        self.start: dict[str, Any] | None = None
        self.end: dict[str, Any] | None = None
        self.sums: dict[str, int] = {}

    def feed(self, event: Mapping[str, Any]) -> None:
        kind = event.get("ev")
        if kind == "counters":
            if event.get("phase") == "start" and self.start is None:
                self.start = event.get("values") or {}
            elif event.get("phase") == "end":
                self.end = event.get("values") or {}
        elif kind == "syscall":  # only syscalls carry a ctx (the reader checked its shape)
            for name, value in ((event.get("ctx") or {}).get("counters") or {}).items():
                self.sums[name] = self.sums.get(name, 0) + int(value)

    def all_deltas(self) -> dict[str, int]:
        if self.start is not None and self.end is not None:
            totals = {}
            for name, value in self.end.items():
                delta = int(value) - int(self.start.get(name, 0))
                if delta:
                    totals[name] = delta
            return totals
        return {k: v for k, v in self.sums.items() if v}

    def key_deltas(self) -> dict[str, int]:
        return key_counters(self.all_deltas())
