"""The annotation table against the stored records of every shipped scenario (tests/data/real).

Each cell must get the explanations of its failure mode, and none of another cell's: the reset
explanations only where the listener really sent RSTs, the SYN-drop ones only where SYNs went
unanswered, cookies only where the kernel sent them.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from sysrec.annotate.engine import annotate_events
from sysrec.record import open_record
from sysrec.render.timeline import ordered_events

ROOT = Path(__file__).parents[1]
REAL = Path(__file__).parent / "data" / "real"

RESET_RULES = {"so-error-reset-overflow", "io-reset-overflow", "io-epipe-after-overflow-reset", "pkt-rst-overflow",
               "wait-reset-overflow", "so-error-ok-reset-later"}

# a final ACK lost on the way (not dropped by a full listener)
ACK_LOST_RULES = {"pkt-final-ack-lost", "pkt-final-ack-unheard", "pkt-synack-retransmit-ack-lost", "wait-timeout-ack-lost-held",
                  "wait-timeout-ack-lost-expired", "connect-ok-ack-unheard", "io-send-completes-handshake",
                  "io-send-to-forgotten", "io-reset-synrecv-expired", "pkt-rst-synrecv-expired"}
USER_TIMEOUT_RULES = {"sockopt-user-timeout", "connect-timedout-user-timeout"}

# scenario → cell → (rules that must fire, rules that must not)
EXPECTED: dict[str, dict[str, tuple[set[str], set[str]]]] = {
    "accept-queue-overflow": {
        "tcp_abort_on_overflow=0": ({"connect-inprogress", "client-defer-accept", "pkt-final-ack",
                                     "so-error-ok-maybe-ack-dropped", "io-send-into-overflow"}, RESET_RULES),
        "tcp_abort_on_overflow=1": ({"connect-inprogress", "pkt-rst-overflow", "so-error-reset-overflow",
                                     "io-epipe-after-overflow-reset"},
                                    {"so-error-ok-maybe-ack-dropped", "io-send-into-overflow"}),
    },
    "accept-queue-overflow-send": {
        "tcp_abort_on_overflow=0": ({"connect-inprogress", "io-send-into-overflow"}, RESET_RULES),
        "tcp_abort_on_overflow=1": ({"pkt-rst-overflow", "wait-reset-overflow", "io-reset-overflow"},
                                    {"io-send-into-overflow", "io-epipe-after-overflow-reset"}),
    },
    "nc-replay": {
        cell: ({"connect-inprogress", "wait-timeout-syn-unanswered"}, RESET_RULES)
        for cell in ("tcp_abort_on_overflow=0", "tcp_abort_on_overflow=1")
    },
    "connection-refused": {"default": ({"pkt-rst-refused", "so-error-refused"}, RESET_RULES)},
    "syn-drop-timeout": {
        cell: ({"connect-timedout-synretries", "pkt-syn-retransmit"},
               RESET_RULES | {"pkt-synack", "pkt-syn-retransmit-unheard", "connect-timedout-unheard"})
        for cell in ("tcp_syn_retries=1", "tcp_syn_retries=2")
    },
    "syn-queue-cookies": {
        "tcp_syncookies=0": ({"wait-timeout-synq-drop", "so-error-ok-synq-drop"}, {"pkt-synack-cookie"}),
        "tcp_syncookies=1": ({"pkt-synack-cookie", "pkt-synack"}, {"wait-timeout-synq-drop", "so-error-ok-synq-drop"}),
        "tcp_syncookies=2": ({"pkt-synack-cookie"}, {"pkt-synack", "wait-timeout-synq-drop"}),
    },
    "listener-closed-queue": {"default": ({"io-reset-listener-closed", "pkt-rst"},
                                          RESET_RULES | {"io-reset-unread", "io-reset-abort"})},
    "close-unread-data": {"default": ({"io-reset-unread", "pkt-rst"},
                                      RESET_RULES | {"io-reset-listener-closed", "io-reset-abort", "io-eof"})},
    "linger-abort": {"default": ({"io-reset-abort", "io-eof", "pkt-rst"},
                                 RESET_RULES | {"io-reset-listener-closed", "io-reset-unread"})},
    "half-close-epipe": {"default": ({"io-eof", "io-write-after-fin", "io-epipe-reset-after-fin"},
                                     RESET_RULES | {"io-reset", "io-reset-unread", "io-epipe"})},
    "ephemeral-port-exhaustion": {
        "tcp_tw_reuse=0": ({"connect-addrnotavail"}, {"connect-tw-recycled", "connect-addrnotavail-no-timestamps"}),
        "tcp_tw_reuse=1": ({"connect-tw-recycled"}, {"connect-addrnotavail"}),
    },
    "time-wait-same-port": {
        "tcp_timestamps=0": ({"bind-addrinuse", "connect-addrnotavail-no-timestamps"}, {"connect-tw-recycled"}),
        "tcp_timestamps=1": ({"bind-addrinuse", "connect-tw-recycled"}, {"connect-addrnotavail-no-timestamps"}),
    },
    # one real reset (the server's RST, explained as such) and one injected (explained as injected)
    # (the server resets with SO_LINGER {on, 0}: the catalogue's abortive-close explanation)
    "injected-reset": {"default": ({"pkt-rst", "io-reset-abort", "injected"}, RESET_RULES)},
    # the listener is up behind the firewall: refusals are blamed on the firewall, never on a missing listener
    "firewall-reject": {
        "server_input=-p_tcp_-j_DROP": ({"connect-inprogress", "so-error-timedout", "pkt-syn-retransmit-unheard"},
                                        RESET_RULES | {"so-error-refused", "so-error-refused-firewall",
                                                       "so-error-hostunreach", "pkt-syn-retransmit"}),
        "server_input=-p_tcp_-j_REJECT_--reject-with_icmp-port-unreachable": (
            {"connect-inprogress", "so-error-refused-firewall", "pkt-icmp-port-unreachable"},
            {"so-error-refused", "pkt-rst-refused", "pkt-rst-refused-firewall", "pkt-syn-retransmit"}),
        "server_input=-p_tcp_-j_REJECT_--reject-with_icmp-host-unreachable": (
            {"connect-inprogress", "so-error-hostunreach", "pkt-icmp-host-unreachable"},
            {"so-error-refused-firewall", "pkt-rst-refused-firewall", "pkt-syn-retransmit"}),
        "server_input=-p_tcp_-j_REJECT_--reject-with_tcp-reset": (
            {"connect-inprogress", "pkt-rst-refused-firewall", "so-error-refused-firewall"},
            {"so-error-refused", "pkt-rst-refused", "pkt-syn-retransmit"}),
    },
    # the router's "fragmentation needed" explains the allowed cells; the blocked ones time out without it
    "pmtu-blackhole": {
        **{f"icmp=allowed,tcp_mtu_probing={p}": ({"pkt-icmp-frag-needed"},
                                                 {"wait-timeout-pmtu-blackhole", "io-read-through-blackhole"})
           for p in (0, 1, 2)},
        "icmp=blocked,tcp_mtu_probing=0": ({"wait-timeout-pmtu-blackhole"},
                                           {"pkt-icmp-frag-needed", "io-read-through-blackhole"}),
        **{f"icmp=blocked,tcp_mtu_probing={p}": ({"wait-timeout-pmtu-blackhole", "io-read-through-blackhole"},
                                                 {"pkt-icmp-frag-needed"})
           for p in (1, 2)},
    },
    "burst-over-latency": {
        "tcp_abort_on_overflow=0": ({"wait-timeout-syn-unanswered", "so-error-ok-ack-dropped",
                                     "pkt-synack-retransmit"}, RESET_RULES | ACK_LOST_RULES),
        "tcp_abort_on_overflow=1": ({"wait-timeout-syn-unanswered", "pkt-rst-overflow", "wait-reset-overflow"},
                                    {"so-error-ok-ack-dropped", "wait-timeout-half-open"}),
    },
    # SYNs dropped on the way: never blamed on the listener; the user timeout explains the end where set
    "syn-sent-user-timeout": {
        "user_timeout_ms=0": ({"pkt-syn-retransmit-unheard", "connect-timedout-unheard"},
                              USER_TIMEOUT_RULES | RESET_RULES | {"pkt-syn-retransmit", "connect-timedout-synretries",
                                                                  "pkt-synack"}),
        **{cell: ({"sockopt-user-timeout", "pkt-syn-retransmit-unheard", "connect-timedout-user-timeout"},
                  RESET_RULES | {"pkt-syn-retransmit", "connect-timedout-synretries", "connect-timedout-unheard",
                                 "pkt-synack"})
           for cell in ("user_timeout_ms=1500", "user_timeout_ms=5000")},
    },
    # the final ACK lost on the way: SYN-ACKs retransmitted; expired (RST) or completed by the data
    "synack-retries-ack-lost": {
        "tcp_synack_retries=1": ({"connect-ok-ack-unheard", "pkt-final-ack-lost", "pkt-synack-retransmit-ack-lost",
                                  "wait-timeout-ack-lost-expired", "io-send-to-forgotten", "pkt-rst-synrecv-expired",
                                  "io-reset-synrecv-expired"},
                                 RESET_RULES | {"wait-timeout-half-open", "pkt-synack-retransmit",
                                                "io-send-completes-handshake", "wait-timeout-ack-lost-held"}),
        "tcp_synack_retries=2": ({"connect-ok-ack-unheard", "pkt-final-ack-lost", "pkt-synack-retransmit-ack-lost",
                                  "wait-timeout-ack-lost-held", "io-send-completes-handshake"},
                                 RESET_RULES | {"wait-timeout-half-open", "pkt-synack-retransmit", "io-send-to-forgotten",
                                                "wait-timeout-ack-lost-expired", "io-reset-synrecv-expired"}),
    },
    # the final ACK lost, the client's data completes the handshake: no SYN-ACK retransmitted, no error
    "final-ack-lost-client-first": {
        "default": ({"connect-ok-ack-unheard", "io-send-completes-handshake", "pkt-final-ack-unheard"},
                    RESET_RULES | {"pkt-synack-retransmit", "pkt-synack-retransmit-ack-lost", "pkt-final-ack-lost",
                                   "io-send-to-forgotten", "connect-ok", "pkt-final-ack"}),
    },
}

# Established connections: a peer that vanished after the handshake (idle, busy) or stopped reading.
TIMEOUT_RULES = {"io-timedout-keepalive", "io-timedout-retransmit", "io-timedout-zero-window", "io-timedout"}
KEEPALIVE_CELLS = ("args=--keepalive_1_1_3", "args=--keepalive_1_1_3_--user-timeout_2500",
                   "args=--keepalive_1_1_3_--user-timeout_4500")
EXPECTED["idle-vanished-peer"] = {
    "args=--keepalive_off": ({"io-eagain-rcvtimeo", "sockopt-rcvtimeo"},
                             TIMEOUT_RULES | {"pkt-keepalive-probe", "pkt-keepalive-reset", "sockopt-keepcnt"}),
    **{cell: ({"sockopt-keepcnt", "pkt-keepalive-probe", "pkt-keepalive-reset", "io-timedout-keepalive",
               "io-epipe-after-timeout"} | ({"sockopt-user-timeout"} if "user-timeout" in cell else set()),
              (TIMEOUT_RULES - {"io-timedout-keepalive"}) | {"io-eagain-rcvtimeo", "pkt-data-retransmit"})
       for cell in KEEPALIVE_CELLS},
}
EXPECTED["busy-vanished-peer"] = {
    f"tcp_retries2={retries},args=--user-timeout_{timeout}": (
        {"pkt-data-retransmit", "io-timedout-retransmit", "io-epipe-after-timeout", "sockopt-user-timeout"},
        (TIMEOUT_RULES - {"io-timedout-retransmit"}) | {"pkt-keepalive-probe", "pkt-keepalive-reset"})
    for retries in (3, 4) for timeout in (0, 1500)
}
EXPECTED["zero-window-persist"] = {
    "args=--sndtimeo_2000": ({"pkt-zero-window", "pkt-window-probe", "io-eagain-sndtimeo-zero-window",
                              "wait-timeout-zero-window", "sockopt-sndtimeo", "sockopt-sndbuf"},
                             TIMEOUT_RULES | {"pkt-keepalive-probe"}),
    "args=--sndtimeo_5000_--user-timeout_1500": ({"pkt-zero-window", "pkt-window-probe", "io-timedout-zero-window",
                                                  "wait-error-timed-out", "io-epipe-after-timeout"},
                                                 (TIMEOUT_RULES - {"io-timedout-zero-window"})
                                                 | {"pkt-keepalive-probe", "io-eagain-sndtimeo-zero-window"}),
}


def fired(path: Path) -> Counter[str]:
    record = open_record(path)
    events = ordered_events(record)
    return Counter(a.rule_id for a in annotate_events(record.header, events) if a)


def test_every_shipped_scenario_is_covered_here_and_has_stored_records():
    shipped = {p.stem for p in (ROOT / "scenarios").glob("*.toml")}
    assert shipped <= set(EXPECTED), f"add the new scenarios to EXPECTED: {sorted(shipped - set(EXPECTED))}"
    for name in shipped:
        for cell in EXPECTED[name]:
            assert (REAL / name / name / cell / "run-1.jsonl").exists(), f"no stored record for {name}/{cell}"


CELLS = [(name, cell) for name, cells in EXPECTED.items() for cell in cells
         if (REAL / name / name / cell / "run-1.jsonl").exists()]


@pytest.mark.parametrize("name, cell", CELLS, ids=[f"{n}/{c}" for n, c in CELLS])
def test_cell_gets_its_explanations(name: str, cell: str):
    must, must_not = EXPECTED[name][cell]
    got = fired(REAL / name / name / cell / "run-1.jsonl")
    assert must <= set(got), f"missing: {sorted(must - set(got))}"
    assert not (must_not & set(got)), f"wrongly fired: {sorted(must_not & set(got))}"


def test_headline_counts_match_the_kernel_counters():
    """abort=1: as many reset explanations as the listener counted EmbryonicRsts."""
    path = REAL / "accept-queue-overflow" / "accept-queue-overflow" / "tcp_abort_on_overflow=1" / "run-1.jsonl"
    got = fired(path)
    record = open_record(path)
    embryonic = sum(int(((e.get("ctx") or {}).get("counters") or {}).get("TcpExtEmbryonicRsts", 0))
                    for e in record.events() if e.get("ev") == "syscall")
    assert embryonic >= 1
    assert got["so-error-reset-overflow"] == embryonic
    assert got["pkt-rst-overflow"] == embryonic


# The catalogue's explanations of how a server closed and of ports in TIME_WAIT (#13) must stay in
# the scenarios that show those failure modes.
CLOSE_AND_PORT_RULES = {"io-reset-listener-closed", "io-reset-unread", "io-reset-abort", "io-epipe-reset-after-fin",
                        "io-write-after-fin", "connect-addrnotavail", "connect-addrnotavail-no-timestamps",
                        "connect-tw-recycled", "bind-addrinuse"}
CATALOGUE = {"listener-closed-queue", "close-unread-data", "linger-abort", "half-close-epipe",
             "ephemeral-port-exhaustion", "time-wait-same-port", "injected-reset"}
OTHER_CELLS = [(name, cell) for name, cell in CELLS if name not in CATALOGUE]


@pytest.mark.parametrize("name, cell", OTHER_CELLS, ids=[f"{n}/{c}" for n, c in OTHER_CELLS])
def test_close_and_port_explanations_stay_out_of_the_other_scenarios(name: str, cell: str):
    got = set(fired(REAL / name / name / cell / "run-1.jsonl"))
    assert not (got & CLOSE_AND_PORT_RULES), sorted(got & CLOSE_AND_PORT_RULES)
def test_injected_reset_is_explained_once_each_way():
    """The real ECONNRESET gets the reset explanation, the injected one only "injected"."""
    got = fired(REAL / "injected-reset" / "injected-reset" / "default" / "run-1.jsonl")
    assert got["io-reset-abort"] == 1 and got["injected"] == 1
