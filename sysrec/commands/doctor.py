"""`sysrec doctor`: what this machine can do for sysrec, each line ok or missing with a fix hint.

Every check is a real, cheap probe (a throw-away user + network namespace, a forked ptrace, a
qemu start of at most a few seconds), not a guess from version numbers. Exit 0 when the core
(namespaces and tracing) works, 1 when it does not.
"""

from __future__ import annotations

import argparse
import ctypes
import os
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class Check:
    """One line of the doctor's answer."""

    name: str
    ok: bool
    detail: str
    fix: str = ""
    core: bool = False


def _in_private_netns(script: str, timeout: float = 10.0) -> subprocess.CompletedProcess[str] | None:
    """Run `sh -c script` in a new user + network namespace (as root: a network namespace only)."""
    unshare = shutil.which("unshare")
    if unshare is None:
        return None
    argv = [unshare, "--net"] if os.geteuid() == 0 else [unshare, "--user", "--map-root-user", "--net"]
    try:
        return subprocess.run([*argv, "sh", "-c", script], capture_output=True, text=True, timeout=timeout)
    except (OSError, subprocess.TimeoutExpired):
        return None


def _first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "")


def check_user_namespaces() -> Check:
    fix = "enable unprivileged user namespaces: sysctl kernel.unprivileged_userns_clone=1 / user.max_user_namespaces > 0"
    restrict = "/proc/sys/kernel/apparmor_restrict_unprivileged_userns"
    if os.path.exists(restrict):
        with open(restrict, encoding="ascii") as fh:
            if fh.read().strip() == "1":
                fix = ("Ubuntu's AppArmor restricts them: sysctl kernel.apparmor_restrict_unprivileged_userns=0 "
                       "(or an AppArmor profile allowing userns for the venv's python)")
    if os.geteuid() == 0:
        return Check("user namespaces", True, "running as root: not needed", core=True)
    result = _in_private_netns("true")
    if result is not None and result.returncode == 0:
        return Check("user namespaces", True, "an unprivileged user namespace can be created", core=True)
    why = _first_line(result.stderr) if result is not None else "unshare(1) not found (util-linux)"
    return Check("user namespaces", False, why, fix, core=True)


def check_network_namespaces() -> Check:
    result = _in_private_netns("ip link set lo up && ip -o link show lo")
    if result is not None and result.returncode == 0:
        return Check("network namespaces", True, "a private namespace with loopback up", core=True)
    why = _first_line(result.stderr) if result is not None else "unshare(1) not found"
    return Check("network namespaces", False, why or "failed",
                 "install iproute2 and util-linux; the kernel needs CONFIG_NET_NS", core=True)


def check_ptrace() -> Check:
    """Fork a child that asks to be traced and stops itself; the parent must see the stop."""
    libc = ctypes.CDLL(None, use_errno=True)
    pid = os.fork()
    if pid == 0:  # child
        code = 0 if libc.ptrace(0, 0, None, None) == 0 else 1  # PTRACE_TRACEME
        if code == 0:
            os.kill(os.getpid(), signal.SIGSTOP)
        os._exit(code)
    _, status = os.waitpid(pid, 0)
    traced = os.WIFSTOPPED(status)
    if traced:
        libc.ptrace(8, pid, None, None)  # PTRACE_KILL
        os.kill(pid, signal.SIGKILL)
        try:
            os.waitpid(pid, 0)
        except ChildProcessError:
            pass
    scope = ""
    if os.path.exists("/proc/sys/kernel/yama/ptrace_scope"):
        with open("/proc/sys/kernel/yama/ptrace_scope", encoding="ascii") as fh:
            scope = fh.read().strip()
    if traced:
        return Check("tracing (ptrace)", True, "a child can be traced" + (f" (yama ptrace_scope {scope})" if scope else ""),
                     core=True)
    return Check("tracing (ptrace)", False, "PTRACE_TRACEME failed",
                 "allow ptrace: sysctl kernel.yama.ptrace_scope=1, or run in a container with CAP_SYS_PTRACE "
                 "and without a seccomp profile that blocks ptrace", core=True)


def check_nfqueue() -> Check:
    iptables = shutil.which("iptables") or ("/usr/sbin/iptables" if os.path.exists("/usr/sbin/iptables") else None)
    if iptables is None:
        return Check("NFQUEUE ([link] delay/loss)", False, "iptables not found", "apt-get install iptables")
    result = _in_private_netns(f"{iptables} -w -A OUTPUT -o lo -j NFQUEUE --queue-num 7 --queue-bypass")
    if result is not None and result.returncode == 0:
        return Check("NFQUEUE ([link] delay/loss)", True, "an NFQUEUE rule loads in a private namespace")
    why = _first_line(result.stderr) if result is not None else "unshare(1) not found"
    return Check("NFQUEUE ([link] delay/loss)", False, why or "the rule was rejected",
                 "load the modules: modprobe xt_NFQUEUE nfnetlink_queue (CONFIG_NETFILTER_XT_TARGET_NFQUEUE)")


def check_af_packet() -> Check:
    script = f"{sys.executable} -c 'import socket; socket.socket(socket.AF_PACKET, socket.SOCK_RAW, 0x0300)'"
    result = _in_private_netns(script)
    if result is not None and result.returncode == 0:
        return Check("AF_PACKET capture", True, "a packet socket opens in a private namespace")
    why = (result.stderr.strip().splitlines() or ["failed"])[-1] if result is not None else "unshare(1) not found"
    return Check("AF_PACKET capture", False, why, "modprobe af_packet (CONFIG_PACKET); runs work with --no-capture")


def check_veth() -> Check:
    result = _in_private_netns("ip link add sysrec0 type veth peer name sysrec1")
    if result is not None and result.returncode == 0:
        return Check("veth pairs", True, "a veth pair can be created in a private namespace")
    why = _first_line(result.stderr) if result is not None else "unshare(1) not found"
    return Check("veth pairs", False, why or "failed", "modprobe veth (CONFIG_VETH); apt-get install iproute2")


TOOLS = {"nc": "netcat-openbsd", "curl": "curl", "ruby": "ruby", "tcpdump": "tcpdump", "strace": "strace"}


def check_tools() -> list[Check]:
    checks = []
    for tool, package in TOOLS.items():
        path = shutil.which(tool) or (f"/usr/sbin/{tool}" if os.path.exists(f"/usr/sbin/{tool}") else None)
        checks.append(Check(f"tool {tool}", path is not None, path or "not found", f"apt-get install {package}"))
    return checks


def check_qemu() -> Check:
    path = shutil.which("qemu-system-x86_64")
    if path is None:
        return Check("qemu (--kernel)", False, "qemu-system-x86_64 not found", "apt-get install qemu-system-x86")
    return Check("qemu (--kernel)", True, path)


def check_kvm() -> Check:
    """Start qemu with KVM for up to 3 s: a machine that stays up means KVM works; a nested host
    without vmx/svm aborts at once (`failed to set MSR`)."""
    from sysrec.kernels.accel import probe_kvm
    usable, why = probe_kvm()
    if usable:
        return Check("KVM (--kernel speed)", True, why)
    return Check("KVM (--kernel speed)", False, why,
                 "--kernel still works under TCG emulation (slower); for KVM: access to /dev/kvm (group kvm) "
                 "on a host with hardware virtualisation (nested: vmx/svm exposed to this VM)")


def check_virtme_ng() -> Check:
    from sysrec.kernels.boot import find_vng
    path = find_vng()
    if path is None:
        return Check("virtme-ng (--kernel)", False, "vng not found", "pip install 'sysrec[kernels]' (virtme-ng)")
    return Check("virtme-ng (--kernel)", True, path)


def check_kmod_udev() -> Check:
    """virtme-ng runs depmod and udevd for the guest's modules, and builds its initramfs with busybox."""
    tools = (("kmod", "depmod"), ("udev", "udevadm"), ("busybox-static", "busybox"))
    missing = [package for package, tool in tools
               if shutil.which(tool) is None and not os.path.exists(f"/usr/sbin/{tool}")
               and not os.path.exists(f"/sbin/{tool}")]
    if missing:
        return Check("kmod, udev, busybox (--kernel)", False, "missing: " + ", ".join(missing),
                     "apt-get install " + " ".join(missing))
    return Check("kmod, udev, busybox (--kernel)", True, "depmod, udevadm and busybox found")


ALL_CHECKS: list[Callable[[], Check | list[Check]]] = [
    check_user_namespaces, check_network_namespaces, check_ptrace, check_nfqueue, check_af_packet,
    check_veth, check_tools, check_qemu, check_kvm, check_virtme_ng, check_kmod_udev,
]


def run_checks() -> list[Check]:
    checks: list[Check] = []
    for probe in ALL_CHECKS:
        result = probe()
        checks.extend(result if isinstance(result, list) else [result])
    return checks


def main(ns: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    checks = run_checks()
    width = None if sys.stdout.isatty() else int(os.environ.get("COLUMNS") or 120)
    console = Console(width=width)
    table = Table(show_header=True)
    table.add_column("", no_wrap=True)
    table.add_column("what", no_wrap=True)
    table.add_column("found")
    table.add_column("fix")
    for check in checks:
        mark = Text("ok", style="green") if check.ok else Text("missing", style="bold red" if check.core else "yellow")
        table.add_row(mark, Text(check.name + (" *" if check.core else "")), Text(check.detail),
                      Text("" if check.ok else check.fix))
    console.print(table)
    core_ok = all(c.ok for c in checks if c.core)
    console.print("* core: sysrec trace and sysrec run need these. "
                  + ("The core works." if core_ok else "The core does NOT work here."))
    return 0 if core_ok else 1
