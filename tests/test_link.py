"""The NFQUEUE delay link, measured by the test itself in a private network namespace.

Run as an ordinary user inside `unshare -Urn` (as uid 65534 when the tests run as root) when this
Python can be run by that user; otherwise as root in `unshare -n`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from sysrec.link import LinkError, start_link

pytestmark = pytest.mark.kernel
REPO = Path(__file__).resolve().parent.parent
IS_ROOT = os.geteuid() == 0

# Inside the namespace: a link, then medians of several TCP handshakes (connect() returns after
# SYN + SYN-ACK: one round trip) and of one-way UDP times (sender's CLOCK_REALTIME in the payload).
MEASURE = r'''
import json, socket, statistics, struct, subprocess, sys, time
from sysrec.link import start_link
subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
delay_ms, samples, family, loss, datagrams = float(sys.argv[1]), int(sys.argv[2]), sys.argv[3], float(sys.argv[4]), int(sys.argv[5])
fam, host = (socket.AF_INET6, "::1") if family == "inet6" else (socket.AF_INET, "127.0.0.1")
link = start_link(delay_ms, loss=loss, seed=7)
result = {"link_pid": link.pid}
rules = subprocess.run(["iptables", "-S", "OUTPUT"], capture_output=True, text=True).stdout
result["rules_while_up"] = [l for l in rules.splitlines() if "NFQUEUE" in l]
if samples:
    srv = socket.socket(fam); srv.bind((host, 0)); srv.listen(64)
    rtts, one_way = [], []
    for _ in range(samples):
        c = socket.socket(fam); t = time.monotonic(); c.connect(srv.getsockname()[:2])
        rtts.append((time.monotonic() - t) * 1000); c.close(); srv.accept()[0].close()
    rx = socket.socket(fam, socket.SOCK_DGRAM); rx.bind((host, 0))
    tx = socket.socket(fam, socket.SOCK_DGRAM)
    for _ in range(samples):
        tx.sendto(struct.pack("q", time.time_ns()), rx.getsockname()[:2])
        sent, = struct.unpack("q", rx.recv(8)); one_way.append((time.time_ns() - sent) / 1e6)
    result.update(rtt_ms=statistics.median(rtts), one_way_ms=statistics.median(one_way))
if datagrams:
    rx = socket.socket(fam, socket.SOCK_DGRAM); rx.bind((host, 0)); rx.settimeout(0.5 + 3 * delay_ms / 1000)
    tx = socket.socket(fam, socket.SOCK_DGRAM)
    for i in range(datagrams):
        tx.sendto(i.to_bytes(4, "big"), rx.getsockname()[:2])
    got = []
    try:
        while len(got) < datagrams:
            got.append(int.from_bytes(rx.recv(4), "big"))
    except TimeoutError:
        pass
    result["received"] = got
result["counts"] = link.stop()
rules = subprocess.run(["iptables", "-S", "OUTPUT"], capture_output=True, text=True).stdout
rules6 = subprocess.run(["ip6tables", "-S", "OUTPUT"], capture_output=True, text=True).stdout
result["rules_after"] = [l for l in (rules + rules6).splitlines() if "NFQUEUE" in l]
print(json.dumps(result))
'''


def _can_run_unprivileged() -> bool:
    if not IS_ROOT:
        return True
    probe = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", sys.executable,
                            "-c", "import construct"], capture_output=True)
    return probe.returncode == 0


def in_netns(*args: Any) -> dict[str, Any]:
    if _can_run_unprivileged():
        prefix = ["unshare", "-Urn"]
        if IS_ROOT:
            prefix = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *prefix]
    else:
        prefix = ["unshare", "-n"]
    return run_script(prefix, MEASURE, *args)


def run_script(prefix: list[str], script: str, *args: Any) -> dict[str, Any]:
    """Runs a measuring script (prefixed by setpriv/unshare) and returns the JSON it prints."""
    env = dict(os.environ, PYTHONPATH=str(REPO), PATH=os.environ.get("PATH", "") + ":/usr/sbin:/sbin")
    proc = subprocess.run([*prefix, sys.executable, "-c", script, *map(str, args)],
                          capture_output=True, text=True, timeout=120, env=env, cwd="/")
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


@pytest.mark.parametrize("delay_ms", [10, 50, 200])
def test_measured_delay_is_within_20_percent(delay_ms: int) -> None:
    r = in_netns(delay_ms, 5, "inet", 0, 0)
    # loopback crosses the link once per direction: a handshake is two crossings
    assert 0.8 * delay_ms <= r["one_way_ms"] <= 1.2 * delay_ms, r
    assert 1.6 * delay_ms <= r["rtt_ms"] <= 2.4 * delay_ms, r
    assert r["rules_while_up"] == ["-A OUTPUT -o lo -j NFQUEUE --queue-num 0"]
    assert r["rules_after"] == []
    assert r["counts"]["dropped"] == 0 and r["counts"]["accepted"] >= 4 * 5
    assert not Path(f"/proc/{r['link_pid']}").exists()


def test_ipv6_is_delayed_too() -> None:
    r = in_netns(30, 3, "inet6", 0, 0)
    assert 0.8 * 30 <= r["one_way_ms"] <= 1.2 * 30, r


def test_loss_drops_some_datagrams_and_keeps_the_rest_in_order() -> None:
    r = in_netns(5, 0, "inet", 0.3, 200)
    dropped = r["counts"]["dropped"]
    assert len(r["received"]) == 200 - dropped
    assert 20 <= dropped <= 100  # 60 expected; the draws are seeded, so this never flickers
    assert r["received"] == sorted(r["received"])


def test_no_loss_delivers_every_datagram() -> None:
    r = in_netns(5, 0, "inet", 0, 200)
    assert r["received"] == list(range(200))


@pytest.mark.parametrize("kwargs, message", [
    ({"delay_ms": -1}, "delay_ms must be between"),
    ({"delay_ms": 10, "loss": 1.0}, "loss must be a probability"),
])
def test_bad_parameters_are_refused_before_anything_is_installed(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(LinkError, match=message):
        start_link(**kwargs)


ORPHAN = r'''
import subprocess, sys, time
from sysrec.capture import start_capture
from sysrec.link import start_link
subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
link = start_link(20)
cap = start_capture()
print(link.pid, cap.pid, flush=True)
time.sleep(600)
'''


def test_helpers_die_with_a_killed_parent() -> None:
    """A recorder killed with SIGKILL (no teardown) leaves no delay or capture process behind."""
    env = dict(os.environ, PYTHONPATH=str(REPO), PATH=os.environ.get("PATH", "") + ":/usr/sbin:/sbin")
    prefix = ["unshare", "-n"] if IS_ROOT else ["unshare", "-Urn"]
    proc = subprocess.Popen([*prefix, sys.executable, "-c", ORPHAN], stdout=subprocess.PIPE, text=True,
                            env=env, cwd="/")
    try:
        assert proc.stdout is not None
        pids = [int(p) for p in proc.stdout.readline().split()]
        assert len(pids) == 2 and all(Path(f"/proc/{p}").exists() for p in pids)
    finally:
        proc.kill()  # unshare execs python: this is the parent of both helpers
        proc.wait()
    for _ in range(500):
        if not any(Path(f"/proc/{p}").exists() for p in pids):
            break
        time.sleep(0.01)
    assert [p for p in pids if Path(f"/proc/{p}").exists()] == []


# Two hosts, as `sysrec run` builds them for a [link]: the server's namespace (this process's,
# made by enter_private_netns: a user namespace too when not root) and the client's, joined by a
# veth pair, the link on the server's end. One-way times are measured in both directions from
# timestamps in UDP payloads (one clock: same machine), the round trip from TCP handshakes.
TWO_HOSTS = r'''
import json, os, socket, statistics, struct, subprocess, sys, time
from sysrec.link import start_link
from sysrec.sandbox.netns import enter_private_netns, entered
from sysrec.sandbox.topology import build_client_host
from sysrec.scenario.hosts import LINKED
delay_ms, samples = float(sys.argv[1]), int(sys.argv[2])
enter_private_netns()
host = build_client_host()
link = start_link(delay_ms, interface=host.server_if)
server_ip, client_ip = LINKED["server_ip"], LINKED["client_ip"]
rules = subprocess.run(["iptables", "-S"], capture_output=True, text=True).stdout
result = {"link_pid": link.pid, "rules_while_up": sorted(l for l in rules.splitlines() if "NFQUEUE" in l)}
srv = socket.socket(); srv.bind((server_ip, 0)); srv.listen(64)
srx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); srx.bind((server_ip, 0))
with entered(host.netns_fd):
    clients = [socket.socket() for _ in range(samples)]
    crx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); crx.bind((client_ip, 0))
    ctx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    result["client_sees"] = subprocess.run(["ip", "-br", "addr"], capture_output=True, text=True).stdout
rtts, up, down = [], [], []
for c in clients:
    t = time.monotonic(); c.connect(srv.getsockname()); rtts.append((time.monotonic() - t) * 1000)
    peer = srv.accept()[1][0]
    c.close()
result["peer_seen_by_server"] = peer
for _ in range(samples):
    ctx.sendto(struct.pack("q", time.time_ns()), srx.getsockname())
    sent, = struct.unpack("q", srx.recv(8)); up.append((time.time_ns() - sent) / 1e6)
    srx.sendto(struct.pack("q", time.time_ns()), crx.getsockname())
    sent, = struct.unpack("q", crx.recv(8)); down.append((time.time_ns() - sent) / 1e6)
result.update(rtt_ms=statistics.median(rtts), up_ms=statistics.median(up), down_ms=statistics.median(down))
result["counts"] = link.stop()
host.close()
rules = subprocess.run(["iptables", "-S"], capture_output=True, text=True).stdout
result["rules_after"] = [l for l in rules.splitlines() if "NFQUEUE" in l]
result["links_after"] = subprocess.run(["ip", "-br", "link"], capture_output=True, text=True).stdout.split()
print(json.dumps(result))
'''


def two_hosts(*args: Any) -> dict[str, Any]:
    """Runs TWO_HOSTS as an ordinary user when this Python allows it (it makes its own namespaces)."""
    prefix = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] if IS_ROOT and _can_run_unprivileged() else []
    return run_script(prefix, TWO_HOSTS, *args)


@pytest.mark.parametrize("delay_ms", [10, 50, 200])
def test_two_namespaces_joined_by_the_link_delay_each_direction(delay_ms: int) -> None:
    r = two_hosts(delay_ms, 5)
    assert 0.8 * delay_ms <= r["up_ms"] <= 1.2 * delay_ms, r      # client → server
    assert 0.8 * delay_ms <= r["down_ms"] <= 1.2 * delay_ms, r    # server → client
    assert 1.6 * delay_ms <= r["rtt_ms"] <= 2.4 * delay_ms, r
    assert r["peer_seen_by_server"] == "10.0.0.2"
    assert "veth-client" in r["client_sees"] and "10.0.0.2/24" in r["client_sees"]
    assert r["rules_while_up"] == ["-A INPUT -i veth-server -j NFQUEUE --queue-num 0",
                                   "-A OUTPUT -o veth-server -j NFQUEUE --queue-num 0"]
    # torn down: no rule, no veth, no delay process
    assert r["rules_after"] == []
    assert not any(name.startswith("veth-") for name in r["links_after"]), r["links_after"]
    assert not Path(f"/proc/{r['link_pid']}").exists()
