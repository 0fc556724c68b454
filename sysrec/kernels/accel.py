"""Which accelerator a guest gets: KVM when a short probe boot works, TCG emulation otherwise."""

from __future__ import annotations

import os
import shutil
import subprocess
import time


def probe_kvm(seconds: float = 2.0) -> tuple[bool, str]:
    """(usable, why). Starts a tiny qemu machine with KVM; one still running after `seconds`
    has passed the point where a nested host without vmx/svm aborts (`failed to set MSR`)."""
    if not os.path.exists("/dev/kvm"):
        return False, "no /dev/kvm"
    if not os.access("/dev/kvm", os.R_OK | os.W_OK):
        return False, "/dev/kvm is not readable and writable for this user"
    qemu = shutil.which("qemu-system-x86_64")
    if qemu is None:
        return False, "qemu-system-x86_64 not found"
    argv = [qemu, "-accel", "kvm", "-cpu", "host", "-machine", "pc", "-m", "16", "-display", "none",
            "-nodefaults", "-no-reboot", "-monitor", "none", "-serial", "none"]
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    if proc.poll() is None:
        proc.kill()
        proc.wait()
        return True, "a KVM guest starts"
    stderr = proc.stderr.read() if proc.stderr else ""
    first = next((line.strip() for line in stderr.splitlines() if line.strip()), f"exit {proc.returncode}")
    return False, f"qemu with KVM fails: {first.removeprefix('qemu-system-x86_64: ')}"
