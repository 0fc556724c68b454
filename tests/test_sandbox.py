"""The sandbox against the real kernel: namespaces, sysctls, server start, teardown."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
import uuid

import pytest

from sysrec.sandbox.counters import parse_counter_text, read_counters
from sysrec.sandbox.sockets import parse_proc_net_tcp

pytestmark = pytest.mark.kernel

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HOST_SYSCTLS = ("net.ipv4.tcp_abort_on_overflow", "net.core.somaxconn", "net.ipv4.tcp_syncookies",
                "net.ipv4.tcp_syn_retries", "net.ipv4.tcp_syn_linear_timeouts")


def host_sysctls() -> dict[str, str]:
    """The host's values of the sysctls scenarios set: a run must leave them as they were."""
    out = {}
    for name in HOST_SYSCTLS:
        with open("/proc/sys/" + name.replace(".", "/")) as fh:
            out[name] = fh.read().strip()
    return out


def processes_with(marker: str) -> list[int]:
    """Every live process whose environment carries `marker` (all of a run's processes inherit it)."""
    found = []
    needle = marker.encode()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/environ", "rb") as fh:
                if needle in fh.read():
                    found.append(int(entry))
        except OSError:
            continue
    return found


def marked_in_netns(marker: str, netns: str) -> list[int]:
    """Marked processes still in the run's namespace. (Namespace inode numbers are reused as soon
    as a namespace dies, so an unmarked process there belongs to somebody else's new namespace.
    sysrec makes no bind mount and hands no namespace fd out: with no process left in it, the
    namespace is gone.)"""
    found = []
    for pid in processes_with(marker):
        try:
            if os.readlink(f"/proc/{pid}/ns/net") == netns:
                found.append(pid)
        except OSError:
            continue
    return found


def write_scenario(tmp_path, body: str, name: str = "t") -> str:
    path = tmp_path / f"{name}.toml"
    path.write_text(f'name = "{name}"\ndescription = "test"\n' + textwrap.dedent(body))
    return str(path)


def sysrec_run(args, marker, **kw):
    env = dict(os.environ, SYSREC_TEST_MARK=marker)
    return subprocess.Popen([sys.executable, "-m", "sysrec", "run", *args], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)


def finish(proc, timeout=60):
    out, err = proc.communicate(timeout=timeout)
    return proc.returncode, out, err


def netns_of(record_path: str) -> str:
    with open(record_path) as fh:
        for line in fh:
            event = json.loads(line)
            if event.get("ev") == "counters":
                return event["netns"]
    raise AssertionError(f"{record_path}: no counters event")


def test_counter_and_proc_net_tcp_parsers():
    text = "TcpExt: SyncookiesSent EmbryonicRsts\nTcpExt: 3 4\nIpExt: InOctets\nIpExt: 10\n"
    assert parse_counter_text(text) == {"TcpExtSyncookiesSent": 3, "TcpExtEmbryonicRsts": 4, "IpExtInOctets": 10}
    values = read_counters()
    assert "TcpExtListenOverflows" in values and "TcpActiveOpens" in values
    line = ("  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
            "   0: 0100007F:2710 00000000:0000 0A 00000000:00000003 00:00000000 00000000     0        0 4242 1\n")
    (parsed,) = parse_proc_net_tcp(line)
    assert parsed.local == ("127.0.0.1", 10000) and parsed.state == 0x0A
    assert parsed.rx_queue == 3 and parsed.inode == 4242


def test_sysctls_written_in_the_namespace_only_and_context_recorded(tmp_path):
    before = host_sysctls()
    body = '''
        [sysctl]
        "net.core.somaxconn" = 3
        "net.ipv4.tcp_syn_retries" = 2
        [matrix]
        "net.ipv4.tcp_abort_on_overflow" = [0, 1]
        "net.ipv4.tcp_syncookies" = [0, 2]
        [server]
        probe = "listener"
        args = ["--port", "10000", "--backlog", "100"]
        ready = { listen = "127.0.0.1:10000" }
        [client]
        command = ["sh", "-c", "cat /proc/sys/net/core/somaxconn /proc/sys/net/ipv4/tcp_abort_on_overflow /proc/sys/net/ipv4/tcp_syncookies >&2; nc -z -w 2 127.0.0.1 10000"]
        timeout = 20
        [[expect]]
        says = "nc connects"
        count = { syscall = "getsockopt", so_error = 0, tcp_state = "ESTABLISHED", queue = 1 }
        times = 1
    '''
    marker = uuid.uuid4().hex
    out = tmp_path / "out"
    code, stdout, stderr = finish(sysrec_run([write_scenario(tmp_path, body), "--out", str(out), "--json",
                                              "--jobs", "2", "--no-capture"], marker))
    assert code == 0, stderr + stdout
    assert host_sysctls() == before
    summary = json.loads(stdout)
    assert summary == json.loads((out / "summary.json").read_text())
    assert len(summary["cells"]) == 4
    for cell in summary["cells"]:
        settings = cell["settings"]
        record = out / cell["records"][0]
        log = record.with_name("run-1.client.log").read_text().split()
        # the client saw the cell's values inside its namespace (backlog clamped to somaxconn 3)
        assert log[:3] == ["3", str(settings["net.ipv4.tcp_abort_on_overflow"]),
                           str(settings["net.ipv4.tcp_syncookies"])]
        with open(record) as fh:
            header = json.loads(fh.readline())
            events = [json.loads(line) for line in fh]
        netns = header["context"].pop("netns")
        assert header["context"] == {"scenario": "t", "cell": cell["name"], "settings": settings,
                                     "run": 1, "role": "client"}
        # no [link]: client and server share the run's namespace, which is not ours
        assert netns["client"] == netns["server"] != os.readlink("/proc/self/ns/net")
        assert header["options"]["fd_decode"] == 2
        phases = [e["phase"] for e in events if e["ev"] == "counters"]
        assert phases == ["start", "end"]
        connect = next(e for e in events if e["ev"] == "syscall" and e["name"] == "connect"
                       and e["ret"] is not None and e.get("errno") == "EINPROGRESS")
        assert connect["ctx"]["listener"]["backlog"] == 3
        assert connect["ctx"]["counters"]["TcpActiveOpens"] == 1
        assert events[-1]["ev"] == "footer" and events[-1]["end"] == "exited"
        assert marked_in_netns(marker, netns_of(str(record))) == []
    assert processes_with(marker) == []


@pytest.mark.parametrize("name, value, message", [
    ("net.core.rmem_max", 8192, "sysctl net.core.rmem_max: not writable inside the scenario's namespace"),
    ("net.ipv4.tcp_syn_retries", 200, "sysctl net.ipv4.tcp_syn_retries: the kernel rejected value 200"),
])
def test_unwritable_sysctl_is_a_clear_error(tmp_path, name, value, message):
    before = host_sysctls()
    with open("/proc/sys/" + name.replace(".", "/")) as fh:
        host_value = fh.read()
    body = f'''
        [sysctl]
        "{name}" = {value}
        [client]
        command = ["true"]
    '''
    marker = uuid.uuid4().hex
    code, stdout, stderr = finish(sysrec_run([write_scenario(tmp_path, body)], marker))
    assert code == 2
    assert message in stderr and "Traceback" not in stderr
    assert host_sysctls() == before
    with open("/proc/sys/" + name.replace(".", "/")) as fh:
        assert fh.read() == host_value
    assert processes_with(marker) == []


def test_server_that_exits_early_shows_its_output(tmp_path):
    body = '''
        [server]
        command = ["sh", "-c", "echo listening is hard >&2; echo giving up now >&2; exit 3"]
        ready = { listen = "127.0.0.1:10000" }
        [client]
        command = ["true"]
    '''
    marker = uuid.uuid4().hex
    code, _, stderr = finish(sysrec_run([write_scenario(tmp_path, body)], marker))
    assert code == 2
    assert "exited with status 3 before it was ready" in stderr
    assert "giving up now" in stderr
    assert processes_with(marker) == []


def test_server_never_ready_times_out(tmp_path):
    body = '''
        [server]
        command = ["sh", "-c", "echo waiting; sleep 30"]
        ready = { listen = "127.0.0.1:10000" }
        start_timeout = 0.5
        [client]
        command = ["true"]
    '''
    marker = uuid.uuid4().hex
    code, _, stderr = finish(sysrec_run([write_scenario(tmp_path, body)], marker))
    assert code == 2
    assert "was not ready after 0.5 s (no TCP listener on 127.0.0.1:10000 in the namespace)" in stderr
    assert "waiting" in stderr
    assert processes_with(marker) == []


def test_client_timeout_kills_everything_and_is_recorded(tmp_path):
    body = '''
        [server]
        probe = "listener"
        args = ["--port", "10000"]
        ready = { listen = "127.0.0.1:10000" }
        [client]
        command = ["sh", "-c", "nc 127.0.0.1 10000 & sleep 60"]
        timeout = 1
        [[expect]]
        says = "the client was still running after its timeout"
        exit = 137
    '''
    marker = uuid.uuid4().hex
    out = tmp_path / "out"
    code, stdout, stderr = finish(sysrec_run([write_scenario(tmp_path, body), "--out", str(out), "--json",
                                              "--no-capture"], marker))
    assert code == 0, stderr
    summary = json.loads(stdout)
    (outcome,) = summary["cells"][0]["outcomes"]
    assert outcome["end"] == "timeout"
    record = out / outcome["record"]
    with open(record) as fh:
        footer = json.loads(fh.read().splitlines()[-1])
    assert footer["ev"] == "footer" and footer["end"] == "timeout"
    assert marked_in_netns(marker, netns_of(str(record))) == []
    assert processes_with(marker) == []


def test_sigint_tears_everything_down(tmp_path):
    body = '''
        [server]
        probe = "listener"
        args = ["--port", "10000"]
        ready = { listen = "127.0.0.1:10000" }
        [[preload]]
        probe = "connector"
        args = ["--port", "10000", "--count", "1", "--hold", "-1"]
        keep = true
        until_queue = 1
        [client]
        command = ["sh", "-c", "nc 127.0.0.1 10000 & sleep 60"]
        timeout = 120
    '''
    marker = uuid.uuid4().hex
    out = tmp_path / "out"
    proc = sysrec_run([write_scenario(tmp_path, body), "--out", str(out), "--no-capture"], marker)
    record = out / "t" / "default" / "run-1.jsonl"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not (record.exists() and '"connect"' in record.read_text()):
        time.sleep(0.05)
    assert record.exists(), "the client never started"
    netns = netns_of(str(record))
    assert len(processes_with(marker)) >= 5  # sysrec, worker, server, preload, tracer, sh, nc, sleep
    proc.send_signal(signal.SIGINT)
    code, _, stderr = finish(proc, timeout=30)
    assert code == 130, stderr
    assert processes_with(marker) == []
    assert marked_in_netns(marker, netns) == []
    with open(record) as fh:
        footer = json.loads(fh.read().splitlines()[-1])
    assert footer["ev"] == "footer" and footer["end"] == "interrupted"


def test_concurrent_client_instances_share_one_record(tmp_path):
    body = '''
        [server]
        probe = "listener"
        args = ["--port", "10000", "--backlog", "8"]
        ready = { listen = "127.0.0.1:10000" }
        [[preload]]
        command = ["sh", "-c", "exit 0"]
        [client]
        command = ["nc", "-z", "-w", "2", "127.0.0.1", "10000"]
        count = 3
        [[expect]]
        says = "three nc, three connected sockets"
        count = { syscall = "getsockopt", so_error = 0 }
        times = 3
        [[expect]]
        counters = { TcpActiveOpens = 3 }
    '''
    marker = uuid.uuid4().hex
    out = tmp_path / "out"
    code, stdout, stderr = finish(sysrec_run([write_scenario(tmp_path, body), "--out", str(out), "--json",
                                              "--no-capture"], marker))
    assert code == 0, stderr + stdout
    record = out / json.loads(stdout)["cells"][0]["records"][0]
    events = [json.loads(line) for line in record.read_text().splitlines()]
    connect_pids = {e["pid"] for e in events if e["ev"] == "syscall" and e["name"] == "connect"
                    and e.get("errno") == "EINPROGRESS"}
    assert len(connect_pids) == 3
    assert processes_with(marker) == []


def test_preload_step_that_fails_stops_the_run(tmp_path):
    body = '''
        [[preload]]
        command = ["sh", "-c", "echo no database here >&2; exit 4"]
        [client]
        command = ["true"]
    '''
    marker = uuid.uuid4().hex
    code, _, stderr = finish(sysrec_run([write_scenario(tmp_path, body)], marker))
    assert code == 2
    assert "preload[0] `sh -c echo no database here >&2; exit 4` exited with status 4" in stderr
    assert "no database here" in stderr
    assert processes_with(marker) == []


def test_fanout_staggers_copies_on_one_clock_and_numbers_them(tmp_path):
    fanout = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "sysrec", "sandbox", "fanout.py")
    out = tmp_path / "starts"
    script = f'echo "$SYSREC_CLIENT_INDEX $({sys.executable} -c "import time; print(time.monotonic_ns())")" >> {out}'
    before = time.monotonic_ns()
    proc = subprocess.run([sys.executable, fanout, "--stagger-ms", "60", "4", "sh", "-c", script],
                          capture_output=True, text=True, timeout=30)
    assert proc.returncode == 0, proc.stderr
    starts = dict(sorted((int(i), int(t)) for i, t in (line.split() for line in out.read_text().splitlines())))
    assert sorted(starts) == [0, 1, 2, 3]
    # no copy starts before its slot (start-ups only add to it) ...
    assert all(starts[i] - before >= i * 60e6 for i in starts), starts
    # ... and a slow copy does not push the next ones back: the last slot is kept within reason
    assert starts[3] - before < 3 * 60e6 + 1e9, starts
