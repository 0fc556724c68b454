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


def guest_command(python: str, out: str, context: dict[str, Any], scale: float, scenarios: list[str],
                  pins: list[str], repeat: int, capture: bool) -> str:
    """The shell line the guest runs: this very venv's Python, from the host's read-only root."""
    argv = [python, "-m", "sysrec.kernels.guest", "--out", out, "--context", json.dumps(context),
            "--scale", f"{scale:g}", "--repeat", str(repeat)]
    for pin in pins:
        argv += ["--set", pin]
    if not capture:
        argv.append("--no-capture")
    argv += scenarios
    return f"cd {shlex.quote(os.getcwd())} && " + shlex.join(argv)


def boot_and_run(vmlinuz: str, out: str, command: str, accel: str, log_path: str, timeout: float) -> int:
    """Boot `vmlinuz` once with `out` writable in the guest and run `command`; returns vng's status.
    The console goes to `log_path`. Raises SysrecError when the boot cannot start or overruns."""
    vng = find_vng()
    if vng is None:
        raise InputError("--kernel needs virtme-ng: pip install 'sysrec[kernels]' (and qemu-system-x86, "
                         "kmod, udev, busybox-static from apt); `sysrec doctor` checks them")
    argv = [vng, "--run", vmlinuz, "--force-9p", "--memory", "512M", "--rwdir", out, "--exec", command]
    if accel == "tcg":
        argv.insert(3, "--disable-kvm")
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
