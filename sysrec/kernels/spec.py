"""`--kernel SPEC` → what to boot: this machine's kernel, a Debian package, or a vmlinuz on disk."""

from __future__ import annotations

import glob
import os
import re
import subprocess
from dataclasses import dataclass

from sysrec.errors import InputError

# Short names → the Debian 12 package families that carry them (newest ABI/upload wins).
SERIES = {
    "6.1": re.compile(r"^linux-image-6\.1\.0-(\d+)-amd64$"),
    "6.12": re.compile(r"^linux-image-6\.12\.(\d+)\+deb12-amd64$"),
}
PACKAGE = re.compile(r"^linux-image-[0-9][A-Za-z0-9.+~-]*$")


@dataclass(frozen=True)
class KernelSpec:
    """What the user asked for, resolved: `host`, a Debian package, or a vmlinuz path."""

    text: str
    kind: str                 # "host", "package", "path"
    package: str | None = None
    vmlinuz: str | None = None

    @property
    def label(self) -> str:
        """Short, directory-safe: `host`, `6.1`, `linux-image-6.1.0-56-amd64`, `vmlinuz-6.1.0-56-amd64`."""
        if self.kind == "host":
            return "host"
        if self.kind == "path":
            return re.sub(r"[^A-Za-z0-9_.+-]", "_", os.path.basename(self.vmlinuz or self.text))
        return re.sub(r"[^A-Za-z0-9_.+-]", "_", self.text)


def _apt_names(pattern: str) -> list[str]:
    try:
        out = subprocess.run(["apt-cache", "search", "--names-only", pattern], capture_output=True, text=True,
                             timeout=60, check=False).stdout
    except (OSError, subprocess.TimeoutExpired):
        raise InputError("--kernel: apt-cache is not available (a Debian package needs apt)") from None
    return [line.split(" ", 1)[0] for line in out.splitlines() if line.strip()]


def newest_in_series(series: str) -> str:
    """`6.1` → `linux-image-6.1.0-56-amd64` (the highest ABI number the registry has)."""
    pattern = SERIES[series]
    names = [n for n in _apt_names(pattern.pattern.replace(r"\d", "[0-9]")) if pattern.match(n)]
    if not names:
        raise InputError(f"--kernel {series}: no Debian package of that series in apt's lists "
                         "(run apt-get update)")
    return max(names, key=lambda n: int(pattern.match(n).group(1)))  # type: ignore[union-attr]


def parse_kernel_spec(text: str) -> KernelSpec:
    """Raises InputError (one line) for what cannot be a kernel here."""
    text = text.strip()
    if text == "host":
        return KernelSpec(text, "host")
    if text in SERIES:
        return KernelSpec(text, "package", package=newest_in_series(text))
    if "/" in text or os.path.exists(text):
        if not os.path.isfile(text):
            raise InputError(f"--kernel {text}: no such file (expected a vmlinuz, e.g. DIR/boot/vmlinuz-…)")
        return KernelSpec(text, "path", vmlinuz=os.path.abspath(text))
    if PACKAGE.match(text):
        if text not in _apt_names("^" + re.escape(text) + "$"):
            raise InputError(f"--kernel {text}: no such Debian package in apt's lists")
        return KernelSpec(text, "package", package=text)
    known = ", ".join(["host", *SERIES])
    raise InputError(f"--kernel {text}: expected {known}, a linux-image-… package name or a path to a vmlinuz")


def modules_beside(vmlinuz: str) -> str | None:
    """DIR/boot/vmlinuz-V → DIR/lib/modules/V when it is there (the layout of a .deb tree)."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(vmlinuz)))
    version = os.path.basename(vmlinuz).removeprefix("vmlinuz-")
    exact = os.path.join(root, "lib", "modules", version)
    if os.path.isdir(exact):
        return exact
    found = glob.glob(os.path.join(root, "lib", "modules", "*"))
    return found[0] if len(found) == 1 else None
