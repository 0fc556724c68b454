"""`sysrec doctor`: real probes on this machine, and what it says when a probe fails."""

import argparse
import os
import stat
import subprocess
import sys

import pytest

from sysrec.commands import doctor
from sysrec.kernels import accel


def test_doctor_on_this_machine_lists_every_check_and_the_core_works():
    proc = subprocess.run([sys.executable, "-m", "sysrec", "doctor"], capture_output=True, text=True,
                          env={**os.environ, "COLUMNS": "200"}, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for name in ("user namespaces", "network namespaces", "tracing (ptrace)", "NFQUEUE ([link] delay/loss)",
                 "AF_PACKET capture", "veth pairs", "tool nc", "tool curl", "tool ruby", "tool tcpdump",
                 "tool strace", "qemu (--kernel)", "KVM (--kernel speed)", "virtme-ng (--kernel)",
                 "kmod, udev, busybox (--kernel)"):
        assert name in proc.stdout, name
    core = [line for line in proc.stdout.splitlines() if " * " in line or "*  " in line]
    assert core and all("ok" in line.split("│")[1] for line in core if "│" in line)
    assert "The core works." in proc.stdout


def test_a_failing_core_check_exits_1_and_shows_its_fix(monkeypatch, capsys):
    monkeypatch.setattr(doctor, "ALL_CHECKS", [
        lambda: doctor.Check("network namespaces", False, "unshare: Operation not permitted", "install X", core=True),
        lambda: doctor.Check("tool ruby", False, "not found", "apt-get install ruby"),
    ])
    monkeypatch.setenv("COLUMNS", "200")
    assert doctor.main(argparse.Namespace()) == 1
    out = capsys.readouterr().out
    assert "unshare: Operation not permitted" in out and "install X" in out and "apt-get install ruby" in out
    assert "does NOT work" in out


def test_a_missing_optional_tool_does_not_fail_the_core(monkeypatch, capsys):
    monkeypatch.setattr(doctor, "ALL_CHECKS", [
        lambda: doctor.Check("tracing (ptrace)", True, "a child can be traced", core=True),
        lambda: doctor.Check("qemu (--kernel)", False, "qemu-system-x86_64 not found", "apt-get install qemu-system-x86"),
    ])
    assert doctor.main(argparse.Namespace()) == 0
    assert "apt-get install qemu-system-x86" in capsys.readouterr().out


def _fake_qemu(tmp_path, body):
    path = tmp_path / "qemu-system-x86_64"
    path.write_text("#!/bin/sh\n" + body + "\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return f"{tmp_path}:{os.environ['PATH']}"


@pytest.mark.skipif(not os.access("/dev/kvm", os.R_OK | os.W_OK), reason="needs a usable /dev/kvm node")
def test_kvm_probe_tells_a_machine_that_aborts_from_one_that_stays_up(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", _fake_qemu(tmp_path, "echo 'qemu-system-x86_64: failed to set MSR 0x10a' >&2; exit 1"))
    usable, why = accel.probe_kvm(seconds=2)
    assert not usable and "failed to set MSR 0x10a" in why
    monkeypatch.setenv("PATH", _fake_qemu(tmp_path, "exec sleep 30"))
    usable, why = accel.probe_kvm(seconds=0.5)
    assert usable


def test_ptrace_probe_sees_a_traced_child():
    assert doctor.check_ptrace().ok


@pytest.mark.skipif(os.geteuid() != 0, reason="switches to an unprivileged user (needs root)")
def test_doctor_as_an_unprivileged_user_probes_user_namespaces(tmp_path):
    """As nobody: the user-namespace line is a real probe, and /dev/kvm access is judged for that user."""
    if not os.access(sys.executable, os.X_OK) or not sys.executable.startswith("/"):
        pytest.skip("needs an absolute interpreter")
    proc = subprocess.run(["setpriv", "--reuid", "65534", "--regid", "65534", "--clear-groups",
                           sys.executable, "-m", "sysrec", "doctor"], capture_output=True, text=True,
                          cwd=str(tmp_path), env={**os.environ, "HOME": str(tmp_path), "COLUMNS": "200"},
                          timeout=120)
    if "Permission denied" in proc.stderr:
        pytest.skip("this checkout is not readable by nobody: " + proc.stderr.strip().splitlines()[-1])
    line = next(line for line in proc.stdout.splitlines() if "user namespaces" in line)
    if proc.returncode == 0:
        assert "unprivileged user namespace can be created" in line
    else:
        assert "missing" in line or "does NOT work" in proc.stdout
