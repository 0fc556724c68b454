"""Booting a kernel with virtme-ng: the host's root shared read-only, one --rwdir for results."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import signal
import subprocess
import sys
from typing import Any

from sysrec.errors import InputError, SysrecError


def find_vng() -> str | None:
    """virtme-ng's `vng`: beside this Python (sysrec's venv), else on PATH."""
    beside = os.path.join(os.path.dirname(sys.executable), "vng")
    if os.access(beside, os.X_OK):
        return beside
    return shutil.which("vng")


# Start timeouts in a guest, × this: emulation (TCG) is several times slower than the host.
TIME_SCALE = {"kvm": 2.0, "tcg": 5.0}
BOOT_BUDGET = 300.0   # seconds for qemu + the guest's init before any scenario runs


GUEST_ARGS = "guest-args.json"


def guest_command(python: str, out: str, context: dict[str, Any], scale: float, scenarios: list[str],
                  pins: list[str], repeat: int, capture: bool) -> str:
    """The shell line the guest runs: this very venv's Python, from the host's read-only root.

    Its arguments go to OUT/guest-args.json, not on the line: virtme-ng passes the line on the
    kernel's command line (2048 bytes on x86), and fifteen scenario paths overflowed it — the
    guest then hung idle instead of running anything."""
    args = ["--out", out, "--context", json.dumps(context), "--scale", f"{scale:g}", "--repeat", str(repeat)]
    for pin in pins:
        args += ["--set", pin]
    if not capture:
        args.append("--no-capture")
    args += scenarios
    path = os.path.join(out, GUEST_ARGS)
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(args, fh)
    argv = [python, "-m", "sysrec.kernels.guest", "--args-from", path]
    return f"cd {shlex.quote(os.getcwd())} && " + shlex.join(argv)


# Directories virtme-ng's init mounts a fresh tmpfs over: the host's files there are not in the guest.
GUEST_PRIVATE = ("/var/tmp", "/var/log", "/var/cache", "/var/lib/apt", "/run", "/dev/shm")


def hidden_in_guest(path: str) -> bool:
    path = os.path.abspath(path)
    return any(path == top or path.startswith(top + "/") for top in GUEST_PRIVATE)


def guest_mounts(paths: list[str]) -> list[str]:
    """--rodir for each directory the guest must read (cwd, scenario files, the kernel's modules)
    that sits where the guest's own tmpfs would hide it, e.g. a checkout under /var/tmp."""
    dirs: list[str] = []
    for path in paths:
        directory = path if os.path.isdir(path) else os.path.dirname(path)
        directory = os.path.abspath(directory)
        if hidden_in_guest(directory) and directory not in dirs:
            dirs.append(directory)
    return [f"--rodir={d}={d}" for d in dirs]


def user_arguments(euid: int) -> list[str]:
    """An ordinary user's guest runs sysrec as root *inside the VM*: its sysctls and namespaces are
    the VM's own (no user namespace, so settings a user namespace may not write, e.g.
    net.core.somaxconn on 6.1, work there); the host sees only a qemu process of that user."""
    return [] if euid == 0 else ["--user", "root"]


def boot_and_run(vmlinuz: str, out: str, command: str, accel: str, log_path: str, timeout: float,
                 read_paths: list[str] | None = None) -> int:
    """Boot `vmlinuz` once with `out` writable in the guest and run `command`; returns vng's status.
    The console goes to `log_path`. Raises SysrecError when the boot cannot start or overruns."""
    vng = find_vng()
    if vng is None:
        raise InputError("--kernel needs virtme-ng: pip install 'sysrec[kernels]' (and qemu-system-x86, "
                         "kmod, udev, busybox-static from apt); `sysrec doctor` checks them")
    argv = [vng, "--run", vmlinuz, "--force-9p", "--memory", "512M", "--rwdir", out, "--exec", command]
    if accel == "tcg":
        argv.insert(3, "--disable-kvm")
    argv[3:3] = user_arguments(os.geteuid()) + guest_mounts([os.getcwd(), *(read_paths or [])])
    env = {**os.environ, "PATH": os.path.dirname(vng) + os.pathsep + os.environ.get("PATH", "/usr/bin:/bin")}
    env.setdefault("HOME", "/tmp")
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, env=env,
                                start_new_session=True)
        try:
            return proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            raise SysrecError(f"--kernel: the guest did not finish within {timeout:g} s (console: {log_path})") from None
        except BaseException:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            raise
