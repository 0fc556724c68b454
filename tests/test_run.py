"""`sysrec run` end to end, as root: every shipped scenario of the run issue passes, the summary and
records are where the contract says, a failed expectation exits 1."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

pytestmark = pytest.mark.kernel

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# burst-over-latency.toml belongs to the link issue and is tested there.
SCENARIOS = ["accept-queue-overflow", "accept-queue-overflow-send", "connection-refused", "injected-reset", "nc-replay",
             "syn-drop-timeout", "syn-queue-cookies",
             # the failure-mode catalogue (#13)
             "listener-closed-queue", "close-unread-data", "linger-abort", "half-close-epipe",
             "ephemeral-port-exhaustion", "time-wait-same-port", "firewall-reject",
             "syn-sent-user-timeout", "synack-retries-ack-lost", "final-ack-lost-client-first", "pmtu-blackhole",
             "idle-vanished-peer", "busy-vanished-peer", "zero-window-persist"]

# scenarios whose expectations read the packet capture (`[[expect]] packets`)
NEEDS_CAPTURE = {"syn-sent-user-timeout", "synack-retries-ack-lost", "final-ack-lost-client-first"}


def sysrec(*args, **kw):
    return subprocess.run([sys.executable, "-m", "sysrec", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, **kw)


def check_summary(summary, out, name, repeat):
    assert summary["scenario"] == name
    assert summary["kernel"] == os.uname().release
    assert summary["passed"] is True, json.dumps(summary["cells"], indent=1)
    for cell in summary["cells"]:
        assert cell["runs"] == repeat and cell["passed"] and cell["failed"] == []
        assert cell["records"] == [f"{name}/{cell['name']}/run-{n}.jsonl" for n in range(1, repeat + 1)]
        for rel in cell["records"]:
            with open(os.path.join(out, rel)) as fh:
                header = json.loads(fh.readline())
            assert header["context"]["cell"] == cell["name"]
            assert header["context"]["settings"] == cell["settings"]


@pytest.mark.parametrize("name", SCENARIOS)
def test_shipped_scenario_passes(tmp_path, name):
    out = str(tmp_path / "out")
    capture = [] if name in NEEDS_CAPTURE else ["--no-capture"]
    proc = sysrec("run", f"scenarios/{name}.toml", "--out", out, "--json", "--jobs", "2", *capture)
    if proc.returncode == 3:  # this machine did not achieve the scenario's [pacing]: no verdict
        pytest.skip(f"{name} inconclusive here: " + "; ".join(
            o["inconclusive"] for c in json.loads(proc.stdout)["cells"] for o in c["outcomes"] if o.get("inconclusive")))
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    summary = json.loads(proc.stdout)
    check_summary(summary, out, name, 1)
    with open(os.path.join(out, "summary.json")) as fh:
        assert json.load(fh) == summary


def test_table_and_traces_for_the_headline(tmp_path):
    proc = sysrec("run", "scenarios/accept-queue-overflow.toml", "--repeat", "2")
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    text = proc.stdout
    assert "tcp_abort_on_overflow=0" in text and "tcp_abort_on_overflow=1" in text
    assert "2/2" in text and "every expectation held" in text
    # the client's trace of the abort=1 cell shows the reset the way strace would
    assert "EINPROGRESS" in text and "SO_ERROR, [ECONNRESET]" in text
    assert "record:" not in text  # without --out the records live in a temporary directory


def test_set_pins_one_cell(tmp_path):
    out = str(tmp_path / "out")
    proc = sysrec("run", "scenarios/accept-queue-overflow.toml", "--set", "net.ipv4.tcp_abort_on_overflow=1",
                  "--out", out, "--json", "--no-capture")
    assert proc.returncode == 0, proc.stderr
    summary = json.loads(proc.stdout)
    assert [c["name"] for c in summary["cells"]] == ["tcp_abort_on_overflow=1"]
    assert summary["pins"] == ["net.ipv4.tcp_abort_on_overflow=1"]


def test_failed_expectation_exits_1_with_the_reason(tmp_path):
    scenario = tmp_path / "wrong.toml"
    scenario.write_text(textwrap.dedent('''
        name = "wrong"
        description = "expects a reset where the kernel refuses"
        [client]
        command = ["nc", "-w", "2", "127.0.0.1", "10000"]
        [[expect]]
        says = "a reset"
        sequence = [ { syscall = "getsockopt", so_error = "ECONNRESET" } ]
        [[expect]]
        says = "a refusal"
        count = { syscall = "getsockopt", so_error = "ECONNREFUSED" }
        times = 1
    '''))
    out = str(tmp_path / "out")
    proc = sysrec("run", str(scenario), "--out", out, "--json", "--no-capture")
    assert proc.returncode == 1
    (cell,) = json.loads(proc.stdout)["cells"]
    assert cell["passed"] is False
    assert [f["expectation"] for f in cell["failed"]] == ["expect[0]"]
    assert "no event matching {syscall=getsockopt, so_error=ECONNRESET}" in cell["failed"][0]["reason"]
    assert [e["passed_runs"] for e in cell["expectations"]] == [0, 1]


@pytest.mark.parametrize("args, message", [
    (["--repeat", "0"], "--repeat 0: expected a positive number"),
    (["--jobs", "0"], "--jobs 0: expected 1 to "),
    (["--set", "tcp_abort_on_overflow"], "--set tcp_abort_on_overflow: expected NAME=VALUE"),
])
def test_bad_arguments_exit_2(args, message):
    proc = sysrec("run", "scenarios/connection-refused.toml", *args)
    assert proc.returncode == 2
    assert message in proc.stderr


def test_a_firewall_rule_iptables_rejects_stops_the_run_naming_its_key(tmp_path):
    with open(os.path.join(ROOT, "scenarios", "firewall-reject.toml")) as fh:
        text = fh.read()
    bad = tmp_path / "bad.toml"
    bad.write_text(text.replace('"-p tcp -j DROP",', '"-p tcp -j REJECT --reject-with no-such-type",', 1))
    proc = sysrec("run", str(bad), "--no-capture", "--out", str(tmp_path / "out"))
    assert proc.returncode == 2, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert f"{bad}: key 'matrix.link.server_input': cannot add the firewall rule" in proc.stderr
    assert "Traceback" not in proc.stderr
