"""Job control under `sysrec trace`: a tracee stopped by SIGSTOP or SIGTSTP stays stopped until
SIGCONT, as under strace (the tracee is seized, and a group-stop is answered with PTRACE_LISTEN,
not resumed), and Ctrl-C still ends everything while it is stopped.

The line-by-line comparison with strace is tests/test_oracle.py::test_job_control_stop_and_continue.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.kernel

REPO = Path(__file__).resolve().parent.parent
PY = sys.executable
ENV = dict(os.environ, PYTHONPATH=str(REPO))
# Its own process group: SIGTSTP to an orphaned process group is discarded by the kernel, and the
# tracer runs in a session of its own below.
STOPS_ITSELF = ("import os, signal, sys\nos.setpgid(0, 0)\nos.kill(os.getpid(), signal.{sig})\n"
                "sys.stdout.write('resumed\\n')\n")


def _state(pid: int) -> str:
    """The one-letter state in /proc/PID/stat ('t': tracing stop, 'T': stopped); '' once gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return ""


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            pass
    return found


def _start_stopped(tmp_path: Path, sig: str) -> tuple[subprocess.Popen, int]:
    """`sysrec trace` of a program that stops itself with `sig`; returns once it is stopped."""
    # A small set: the test tells a group-stop from a syscall stop by how long it lasts.
    tracer = subprocess.Popen([PY, "-m", "sysrec", "trace", "-e", "trace=kill,write", "-o", str(tmp_path / "out"),
                               "--record", str(tmp_path / "r.jsonl"), "--",
                               PY, "-I", "-S", "-c", STOPS_ITSELF.format(sig=sig)],
                              cwd=REPO, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, start_new_session=True)
    deadline = time.monotonic() + 30
    since: float | None = None  # in a tracing stop since: a stop at a traced call is brief
    while time.monotonic() < deadline:
        kids = _children(tracer.pid)
        if kids and _state(kids[0]) == "t" and Path(f"/proc/{kids[0]}/exe").resolve() == Path(PY).resolve():
            since = since or time.monotonic()
            if time.monotonic() - since > 0.2:
                return tracer, kids[0]
        else:
            since = None
        if tracer.poll() is not None:
            break
        time.sleep(0.005)
    tracer.kill()
    out, err = tracer.communicate()
    pytest.fail(f"the tracee never stopped: exit {tracer.returncode}, stdout {out!r}, stderr {err[-2000:]!r}")


def _events(tmp_path: Path) -> list[dict]:
    return [json.loads(line) for line in (tmp_path / "r.jsonl").read_text().splitlines()]


@pytest.mark.parametrize("sig", ["SIGSTOP", "SIGTSTP"])
def test_a_stopped_tracee_stays_stopped_until_sigcont(tmp_path, sig):
    tracer, tracee = _start_stopped(tmp_path, sig)
    try:
        # Under PTRACE_TRACEME it was resumed at once and had exited long before this.
        time.sleep(0.3)
        assert _state(tracee) == "t" and tracer.poll() is None
        stat = Path(f"/proc/{tracee}/status").read_text()
        assert "State:\tt (tracing stop)" in stat
        os.kill(tracee, signal.SIGCONT)
        out, err = tracer.communicate(timeout=30)
    finally:
        if tracer.poll() is None:
            tracer.kill()
            tracer.wait()
    assert (tracer.returncode, out) == (0, "resumed\n"), err
    lines = (tmp_path / "out").read_text().splitlines()
    at = lines.index(f"--- stopped by {sig} ---")
    assert lines[at - 1].startswith(f"--- {sig} {{si_signo={sig}, si_code=SI_USER, si_pid={tracee}, ")
    assert lines[at + 1].startswith("--- SIGCONT {si_signo=SIGCONT, si_code=SI_USER, si_pid=")
    assert lines[-1] == "+++ exited with 0 +++"
    stopped = [e for e in _events(tmp_path) if e["ev"] == "signal" and e.get("stopped")]
    assert [(e["pid"], e["sig"], "info" in e) for e in stopped] == [(tracee, sig, False)]
    shown = subprocess.run([PY, "-m", "sysrec", "show", str(tmp_path / "r.jsonl"), "--format", "strace"],
                           capture_output=True, text=True, cwd=REPO, env=ENV, timeout=60)
    assert f"--- stopped by {sig} ---\n" in shown.stdout, shown.stderr


def test_ctrl_c_ends_a_stopped_tracee(tmp_path):
    tracer, tracee = _start_stopped(tmp_path, "SIGSTOP")
    try:
        tracer.send_signal(signal.SIGINT)
        out, err = tracer.communicate(timeout=30)
    finally:
        if tracer.poll() is None:
            tracer.kill()
            tracer.wait()
    assert tracer.returncode == 128 + signal.SIGINT, err
    assert out == ""
    assert not Path(f"/proc/{tracee}").exists(), Path(f"/proc/{tracee}/stat").read_text()
    footer = _events(tmp_path)[-1]
    assert (footer["ev"], footer["end"], footer["exit_status"]) == ("footer", "interrupted", 130)
