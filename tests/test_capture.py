"""Packet capture in a private network namespace, checked against tcpdump capturing the same run.

tcpdump inside a user namespace cannot drop its privileges (setgroups is denied there), so the
comparison with tcpdump's own capture needs a real root; the capture itself is also checked as an
ordinary user in `unshare -Urn`.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from sysrec.capture.decode import decode_ip_packet, NotDecodable
from sysrec.capture.headers import tcp_options_text

pytestmark = pytest.mark.kernel
REPO = Path(__file__).resolve().parent.parent
IS_ROOT = os.geteuid() == 0

# Runs inside the namespace: starts tcpdump (when asked) and our capture, makes a fixed set of
# connections and datagrams, stops both, prints our packet events as JSON.
TRAFFIC = r'''
import json, socket, struct, subprocess, sys, time
from sysrec.capture import start_capture
subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
tcpdump_out = sys.argv[1] if len(sys.argv) > 1 else ""
td = None
if tcpdump_out:
    td = subprocess.Popen(["tcpdump", "-Z", "root", "-i", "lo", "-n", "--immediate-mode",
                           "--time-stamp-precision=nano", "-w", tcpdump_out, "tcp or udp or icmp or icmp6"],
                          stderr=subprocess.PIPE, text=True)
    line = td.stderr.readline()
    assert "listening on" in line, line
cap = start_capture()

def exchange(family, host):
    srv = socket.socket(family); srv.bind((host, 0)); srv.listen(4)
    c = socket.socket(family)
    c.setsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG, 1000)
    c.connect(srv.getsockname()[:2]); c.sendall(b"ping" * 10)
    a, _ = srv.accept(); a.recv(100); a.sendall(b"pong")
    c.recv(100); c.close(); a.recv(100); a.close()
    # an abortive close: SO_LINGER 0 sends RST
    c = socket.create_connection(srv.getsockname()[:2]); a, _ = srv.accept()
    c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)); c.close()
    time.sleep(0.01); a.close(); srv.close()

exchange(socket.AF_INET, "127.0.0.1")
exchange(socket.AF_INET6, "::1")
try:
    socket.create_connection(("127.0.0.1", 9))   # nobody listens: RST,ACK
except ConnectionRefusedError:
    pass
for family, host in ((socket.AF_INET, "127.0.0.1"), (socket.AF_INET6, "::1")):
    u = socket.socket(family, socket.SOCK_DGRAM); u.sendto(b"datagram", (host, 40000)); u.close()
time.sleep(0.1)
packets = cap.stop()
if td is not None:
    td.terminate(); td.wait()
print(json.dumps({"packets": packets, "stats": cap.stats, "capture_pid": cap.pid}))
'''


def netns_argv(unprivileged: bool) -> list[str]:
    if unprivileged:
        prefix = ["unshare", "-Urn"]
        if IS_ROOT:
            prefix = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *prefix]
        return prefix
    return ["unshare", "-n"]


def run_traffic(tmp_path: Path, with_tcpdump: bool, unprivileged: bool = False) -> dict[str, Any]:
    out = tmp_path / "tcpdump.pcap" if with_tcpdump else None
    env = dict(os.environ, PYTHONPATH=str(REPO))
    proc = subprocess.run([*netns_argv(unprivileged), sys.executable, "-c", TRAFFIC,
                           *([str(out)] if out else [])],
                          capture_output=True, text=True, timeout=60, env=env, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    result["tcpdump_pcap"] = out
    return result


def tcpdump_read(path: Path) -> list[str]:
    """tcpdump's own text for a capture file: absolute seq numbers, epoch times in ns."""
    argv = ["tcpdump", "-n", "-S", "-tt", "--time-stamp-precision=nano", "-r", str(path)]
    if IS_ROOT:
        argv[1:1] = ["-Z", "root"]
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=30)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.splitlines()


LINE = re.compile(r"^(?P<t>\d+\.\d{9}) (?P<ip>IP6?) (?P<src>\S+)\.(?P<sport>\d+) > "
                  r"(?P<dst>\S+)\.(?P<dport>\d+): (?P<rest>.*)$")
TCP_REST = re.compile(r"^Flags \[(?P<flags>[^\]]*)\](?:, seq (?P<seq>\d+)(?::\d+)?)?(?:, ack (?P<ack>\d+))?"
                      r", win (?P<win>\d+)(?:, options \[(?P<opts>[^\]]*)\])?, length (?P<len>\d+)")
UDP_REST = re.compile(r"^UDP, length (?P<len>\d+)$")
# `ICMP 127.0.0.1 udp port 40000 unreachable, length 44`, `ICMP6, destination unreachable,
# unreachable port, ::1 udp port 40000, length 56`: the datagrams to a closed port are answered
ICMP_LINE = re.compile(r"^(?P<t>\d+\.\d{9}) (?P<ip>IP6?) (?P<src>\S+) > (?P<dst>\S+): ICMP6?,? "
                       r".*\b(?P<iproto>udp|tcp) port (?P<iport>\d+)\b.*, length (?P<len>\d+)$")
FLAG_LETTERS = {"SYN": "S", "FIN": "F", "RST": "R", "PSH": "P", "ACK": ".", "URG": "U",
                "ECE": "E", "CWR": "W"}


def parse_tcpdump_line(line: str) -> dict[str, Any]:
    icmp = ICMP_LINE.match(line)
    if icmp:
        sec, nsec = icmp["t"].split(".")
        return {"t": int(sec) * 1_000_000_000 + int(nsec), "family": "inet6" if icmp["ip"] == "IP6" else "inet",
                "src": icmp["src"], "dst": icmp["dst"], "proto": "icmp6" if icmp["ip"] == "IP6" else "icmp",
                "inner": {"proto": icmp["iproto"], "dport": int(icmp["iport"])}, "len": int(icmp["len"])}
    m = LINE.match(line)
    assert m, f"unexpected tcpdump line: {line}"
    sec, nsec = m["t"].split(".")
    fields: dict[str, Any] = {
        "t": int(sec) * 1_000_000_000 + int(nsec), "family": "inet6" if m["ip"] == "IP6" else "inet",
        "src": m["src"], "dst": m["dst"], "sport": int(m["sport"]), "dport": int(m["dport"]),
    }
    tcp = TCP_REST.match(m["rest"])
    if tcp:
        fields.update(proto="tcp", flags=set(tcp["flags"]), win=int(tcp["win"]), len=int(tcp["len"]),
                      opts=tcp["opts"].split(",") if tcp["opts"] else [])
        if tcp["seq"] is not None:
            fields["seq_no"] = int(tcp["seq"])
        if tcp["ack"] is not None:
            fields["ack_no"] = int(tcp["ack"])
        return fields
    udp = UDP_REST.match(m["rest"])
    assert udp, f"unexpected tcpdump line: {line}"
    fields.update(proto="udp", len=int(udp["len"]))
    return fields


# tcpdump's ICMP length counts the ICMP header (8 bytes); ours is what follows it.
ICMP_LENGTH_DIFFERENCE = {"icmp": 8, "icmp6": 8}


def as_tcpdump_shows(ev: dict[str, Any], shown: dict[str, Any]) -> dict[str, Any]:
    """Our event reduced to the fields tcpdump printed for the same packet."""
    ours = {k: ev[k] for k in shown if k not in ("flags", "inner", "len")}
    if "len" in shown:
        ours["len"] = ev["len"] + ICMP_LENGTH_DIFFERENCE.get(ev["proto"], 0)
    if "inner" in shown:
        ours["inner"] = {k: ev["inner"][k] for k in shown["inner"]}
    if "flags" in shown:
        ours["flags"] = {FLAG_LETTERS[f] for f in ev["flags"]}
    return ours


@pytest.fixture(scope="module")
def root_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    if not IS_ROOT:
        pytest.skip("tcpdump needs real root to capture in a namespace (it cannot drop privileges in a user namespace)")
    if not shutil.which("tcpdump"):
        pytest.skip("tcpdump is not installed")
    return run_traffic(tmp_path_factory.mktemp("capture"), with_tcpdump=True)


def test_every_packet_tcpdump_saw_is_decoded_identically(root_run: dict[str, Any]) -> None:
    theirs = [parse_tcpdump_line(line) for line in tcpdump_read(root_run["tcpdump_pcap"])]
    ours = root_run["packets"]
    # 2 families x (handshake, data, reply, acks, FIN/ACK exchange, a reset connection), refused
    # connection, 2 datagrams: dozens of packets.
    assert len(theirs) >= 30
    assert len(ours) == len(theirs), (len(ours), len(theirs))
    for mine, shown in zip(ours, theirs):
        # The same clock (CLOCK_REALTIME): the two sockets' kernel timestamps are taken microseconds
        # apart while the kernel hands the packet to each.
        assert abs(mine["t"] - shown.pop("t")) < 5_000_000
        assert as_tcpdump_shows(mine, shown) == shown


def test_capture_sees_the_kinds_of_packets_the_traffic_made(root_run: dict[str, Any]) -> None:
    ours = root_run["packets"]
    syns = [p for p in ours if p["proto"] == "tcp" and p["flags"] == ["SYN"]]
    assert {p["family"] for p in syns} == {"inet", "inet6"}
    # TCP_MAXSEG 1000 on the exchange's client shows in its SYN; the create_connection ones keep lo's
    assert sorted(o for p in syns for o in p["opts"] if o.startswith("mss")) == \
        ["mss 1000", "mss 1000", "mss 65476", "mss 65495", "mss 65495"]
    resets = [p for p in ours if "RST" in p.get("flags", ())]
    assert len(resets) == 3  # two SO_LINGER closes, one refused connection (RST,ACK from port 9)
    assert any(p["sport"] == 9 and p["flags"] == ["ACK", "RST"] for p in resets)
    assert [p["len"] for p in ours if p["proto"] == "udp"] == [8, 8]
    # each datagram to the closed port is answered by the kernel's port unreachable, quoting it
    icmp = [p for p in ours if p["proto"] in ("icmp", "icmp6")]
    assert [(p["proto"], p["icmp"], p["inner"]["proto"], p["inner"]["dport"]) for p in icmp] == \
        [("icmp", "port-unreachable", "udp", 40000), ("icmp6", "port-unreachable", "udp", 40000)]
    assert [(p["icmp_type"], p["icmp_code"]) for p in icmp] == [(3, 3), (1, 4)]
    assert all(p["dir"] == "host" and p["ifname"] == "lo" for p in ours)
    assert [p["t"] for p in ours] == sorted(p["t"] for p in ours)
    assert root_run["stats"]["drops"] == 0


def test_capture_works_unprivileged_and_leaves_no_process(tmp_path: Path) -> None:
    probe = subprocess.run([*netns_argv(True), sys.executable, "-c", "import construct"],
                           capture_output=True, text=True)
    if probe.returncode != 0:
        pytest.skip(f"{sys.executable} cannot import construct as an ordinary user: {probe.stderr.strip()[-200:]}")
    result = run_traffic(tmp_path, with_tcpdump=False, unprivileged=True)
    packets = result["packets"]
    assert sum(1 for p in packets if "RST" in p.get("flags", ())) == 3
    assert sum(1 for p in packets if p["proto"] == "udp") == 2
    assert not Path(f"/proc/{result['capture_pid']}").exists()


def test_start_capture_on_a_missing_interface_raises_capture_error(tmp_path: Path) -> None:
    script = ("from sysrec.capture import start_capture, CaptureError\n"
              "try:\n    start_capture(['nosuchif0'])\nexcept CaptureError as e:\n    print('CaptureError:', e)\n")
    proc = subprocess.run([*netns_argv(not IS_ROOT), sys.executable, "-c", script], capture_output=True,
                          text=True, timeout=30, env=dict(os.environ, PYTHONPATH=str(REPO)))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("CaptureError: cannot capture on interface 'nosuchif0'")


# Header decoding on hand-built packets: what the wire can carry but the loopback traffic above
# does not (SACK blocks, IPv6 extension headers, bad options, non-TCP/UDP).

def ipv4(proto: int, payload: bytes, src: bytes = bytes([10, 0, 0, 1]), dst: bytes = bytes([10, 0, 0, 2])) -> bytes:
    total = 20 + len(payload)
    return bytes([0x45, 0, total >> 8, total & 0xFF, 0, 1, 0x40, 0, 64, proto, 0, 0]) + src + dst + payload


def ipv6(next_header: int, payload: bytes) -> bytes:
    return (bytes([0x60, 0, 0, 0]) + len(payload).to_bytes(2, "big") + bytes([next_header, 64])
            + bytes(15) + b"\x01" + bytes(15) + b"\x02" + payload)


def tcp(flags: int, options: bytes = b"", data: bytes = b"", seq: int = 1000, ack: int = 0) -> bytes:
    assert len(options) % 4 == 0
    doff = (20 + len(options)) // 4
    return (bytes([0x30, 0x39, 0x00, 0x50]) + seq.to_bytes(4, "big") + ack.to_bytes(4, "big")
            + ((doff << 12) | flags).to_bytes(2, "big") + (512).to_bytes(2, "big") + bytes(4) + options + data)


def test_decode_sack_blocks_and_window_scale() -> None:
    sack = bytes([1, 1, 5, 18]) + (100).to_bytes(4, "big") + (200).to_bytes(4, "big") \
        + (300).to_bytes(4, "big") + (400).to_bytes(4, "big")
    ev = decode_ip_packet(ipv4(6, tcp(0x010, sack + bytes([1, 3, 3, 7]), data=b"abc")))
    assert ev["opts"] == ["nop", "nop", "sack 2 {100:200} {300:400}", "nop", "wscale 7"]
    assert ev["flags"] == ["ACK"] and ev["len"] == 3 and ev["sport"] == 12345 and ev["dport"] == 80


def test_decode_all_flags_and_urgent_pointer() -> None:
    ev = decode_ip_packet(ipv4(6, tcp(0x1FF)))
    assert ev["flags"] == ["SYN", "ACK", "RST", "FIN", "PSH", "URG", "ECE", "CWR", "AE"]
    assert "urg_ptr" in ev


def test_decode_bad_option_length_is_reported_not_raised() -> None:
    assert tcp_options_text(bytes([2, 1, 0, 0])) == ["bad-opt"]
    assert tcp_options_text(bytes([1, 8, 10, 0, 0, 0])) == ["nop", "bad-opt"]
    assert tcp_options_text(bytes([254, 4, 0xAB, 0xCD])) == ["unknown-254 0xabcd"]


def test_decode_ipv6_skips_extension_headers() -> None:
    udp = (5000).to_bytes(2, "big") + (53).to_bytes(2, "big") + (12).to_bytes(2, "big") + bytes(2) + b"abcd"
    hop_by_hop = bytes([17, 0]) + bytes(6)  # next header UDP, 8 octets
    payload = hop_by_hop + udp
    pkt = (bytes([0x60, 0, 0, 0]) + len(payload).to_bytes(2, "big") + bytes([0, 64])
           + bytes(15) + b"\x01" + bytes(15) + b"\x02" + payload)
    ev = decode_ip_packet(pkt)
    assert ev == {"family": "inet6", "src": "::1", "dst": "::2", "ttl": 64, "proto": "udp",
                  "ip_len": 40 + len(payload), "sport": 5000, "dport": 53, "len": 4}


def test_decode_icmp_errors_quote_the_packet_they_answer_and_the_mtu() -> None:
    # a router's "fragmentation needed" (RFC 1191: the next-hop MTU in the low 16 bits) for a segment
    quoted = ipv4(6, tcp(0x018, seq=777), src=bytes([10, 0, 0, 1]), dst=bytes([10, 0, 0, 2]))[:28]
    ev = decode_ip_packet(ipv4(1, bytes([3, 4, 0, 0, 0, 0]) + (1280).to_bytes(2, "big") + quoted,
                               src=bytes([10, 0, 0, 254]), dst=bytes([10, 0, 0, 1])))
    assert ev["proto"] == "icmp" and ev["icmp"] == "fragmentation-needed" and ev["mtu"] == 1280
    assert ev["inner"] == {"proto": "tcp", "src": "10.0.0.1", "dst": "10.0.0.2", "sport": 12345, "dport": 80,
                           "seq_no": 777}
    assert ev["len"] == 28 and "sport" not in ev
    too_big = decode_ip_packet(ipv6(58, bytes([2, 0, 0, 0]) + (1280).to_bytes(4, "big")))
    assert too_big["icmp"] == "packet-too-big" and too_big["mtu"] == 1280 and "inner" not in too_big
    echo = decode_ip_packet(ipv4(1, bytes([8, 0, 0, 0, 0, 1, 0, 1])))
    assert echo["icmp"] == "echo-request" and "mtu" not in echo and "inner" not in echo


@pytest.mark.parametrize("data, why", [
    (b"", "empty"),
    (ipv4(2, bytes(8)), "IP protocol 2"),
    (ipv6(58, bytes([135, 0]) + bytes(22)), "ICMPv6 type 135"),
    (ipv4(6, bytes(10)), "truncated"),
    (bytes([0x45]) + bytes(5), "truncated"),
    (bytes([0x75]) + bytes(40), "IP version 7"),
])
def test_decode_rejects_what_is_not_tcp_or_udp(data: bytes, why: str) -> None:
    with pytest.raises(NotDecodable, match=why):
        decode_ip_packet(data)
