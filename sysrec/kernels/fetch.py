"""Debian kernel packages fetched once into a private cache, verified, never installed.

Layout: $XDG_CACHE_HOME/sysrec/kernels/<package>_<version>/ holds the unpacked .deb (boot/,
lib/modules/) and kernel.json (package, version, the .deb's SHA256, the vmlinuz path).
"""

from __future__ import annotations

import glob
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass

from sysrec.errors import InputError


@dataclass(frozen=True)
class CachedKernel:
    package: str | None
    version: str | None       # the Debian package version, e.g. 6.1.192-2
    vmlinuz: str
    tree: str                 # the directory holding boot/ and lib/modules/


def cache_root() -> str:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "sysrec", "kernels")


def _apt_record(package: str) -> dict[str, str]:
    """The candidate's fields from `apt-cache show` (the first stanza is the candidate)."""
    out = subprocess.run(["apt-cache", "show", "--no-all-versions", package], capture_output=True, text=True,
                         timeout=60, check=False).stdout
    fields: dict[str, str] = {}
    for line in out.split("\n\n", 1)[0].splitlines():
        key, sep, value = line.partition(": ")
        if sep and not key.startswith(" "):
            fields[key] = value.strip()
    if "Version" not in fields:
        raise InputError(f"--kernel {package}: apt knows no version of it (run apt-get update)")
    return fields


def _sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _check_md5sums(tree: str, control: str) -> None:
    """The .deb's own DEBIAN/md5sums against the unpacked vmlinuz (the file we boot)."""
    sums = os.path.join(control, "md5sums")
    if not os.path.exists(sums):
        return
    with open(sums, encoding="utf-8") as fh:
        for line in fh:
            digest, _, name = line.strip().partition("  ")
            if name.startswith("boot/vmlinuz-"):
                with open(os.path.join(tree, name), "rb") as kernel:
                    if hashlib.md5(kernel.read()).hexdigest() != digest:  # noqa: S324 (dpkg's format)
                        raise InputError(f"--kernel: {name} does not match the package's md5sums")


def fetch_package(package: str, on_step: "callable | None" = None) -> CachedKernel:  # type: ignore[valid-type]
    """The cached tree of `package`, downloading and unpacking it first when needed."""
    record = _apt_record(package)
    version = record["Version"]
    tree = os.path.join(cache_root(), f"{package}_{version}")
    meta = os.path.join(tree, "kernel.json")
    if os.path.exists(meta):
        with open(meta, encoding="utf-8") as fh:
            data = json.load(fh)
        return CachedKernel(package, version, os.path.join(tree, data["vmlinuz"]), tree)
    os.makedirs(cache_root(), exist_ok=True)
    work = tempfile.mkdtemp(prefix=".fetch-", dir=cache_root())
    try:
        if on_step:
            on_step(f"downloading {package} {version}")
        got = subprocess.run(["apt-get", "download", "-q", f"{package}={version}"], cwd=work,
                             capture_output=True, text=True, timeout=1800, check=False)
        debs = glob.glob(os.path.join(work, "*.deb"))
        if got.returncode != 0 or not debs:
            why = (got.stderr.strip().splitlines() or ["no .deb arrived"])[-1]
            raise InputError(f"--kernel {package}: download failed: {why}")
        deb = debs[0]
        if record.get("SHA256") and _sha256(deb) != record["SHA256"]:
            raise InputError(f"--kernel {package}: the download does not match the SHA256 in apt's lists")
        if on_step:
            on_step(f"unpacking {package}")
        unpacked = os.path.join(work, "tree")
        control = os.path.join(work, "control")
        for argv in (["dpkg-deb", "-x", deb, unpacked], ["dpkg-deb", "-e", deb, control]):
            done = subprocess.run(argv, capture_output=True, text=True, timeout=600, check=False)
            if done.returncode != 0:
                raise InputError(f"--kernel {package}: {' '.join(argv[:2])} failed: {done.stderr.strip()}")
        kernels = glob.glob(os.path.join(unpacked, "boot", "vmlinuz-*"))
        if not kernels:
            raise InputError(f"--kernel {package}: the package holds no boot/vmlinuz-*")
        _check_md5sums(unpacked, control)
        vmlinuz = os.path.relpath(kernels[0], unpacked)
        with open(os.path.join(unpacked, "kernel.json"), "w", encoding="utf-8") as fh:
            json.dump({"package": package, "version": version, "sha256": record.get("SHA256"),
                       "vmlinuz": vmlinuz}, fh, indent=2)
        os.chmod(unpacked, 0o755)
        os.rename(unpacked, tree)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return CachedKernel(package, version, os.path.join(tree, vmlinuz), tree)
