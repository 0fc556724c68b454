"""Compile a C edge-case program, trace it with strace and with sysrec, and compare each tracer's
lines with what the program printed it expects (see README.md beside this file)."""

from __future__ import annotations

import difflib
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
MARK = "// sysrec-test:"
TIMEOUT = 60


@dataclass
class Outcome:
    tool: str
    expected: list[str]
    traced: list[str]

    @property
    def diff(self) -> str:
        return "\n".join(difflib.unified_diff(self.expected, self.traced, "program expects",
                                              self.tool, lineterm=""))


def tools_missing() -> str | None:
    for tool in ("strace", "gcc"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed"
    return None


def options_of(source: Path) -> list[str]:
    first = source.read_text().splitlines()[0]
    if not first.startswith(MARK):
        raise ValueError(f"{source}:1: the first line must be '{MARK} OPTIONS'")
    return shlex.split(first[len(MARK):])


def compile_program(source: Path, workdir: Path) -> Path:
    binary = workdir / source.stem
    proc = subprocess.run(["gcc", "-O0", "-w", "-static", "-o", str(binary), str(source)],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"{source}: gcc failed:\n{proc.stderr}")
    return binary


def run_traced(tool: str, binary: Path, options: list[str], workdir: Path) -> Outcome:
    out = workdir / f"{tool}.out"
    if tool == "strace":
        tracer = ["strace", "-o", str(out), *options]
    else:
        tracer = [sys.executable, "-m", "sysrec", "trace", "-o", str(out), *options, "--"]
    env = {**os.environ, "PYTHONPATH": str(REPO), "LC_ALL": "C"}
    proc = subprocess.run([*tracer, str(binary)], capture_output=True, timeout=TIMEOUT,
                          cwd=workdir, env=env, stdin=subprocess.DEVNULL)
    expected = proc.stdout.decode("latin-1").splitlines()
    if not out.exists():
        raise RuntimeError(f"{tool} wrote no output: {proc.stderr.decode(errors='replace')[-2000:]}")
    traced = out.read_bytes().decode("latin-1").splitlines()
    return Outcome(tool, expected, traced)


def check(source: Path) -> tuple[Outcome, Outcome]:
    """(strace's outcome, sysrec's outcome) for one program."""
    options = options_of(source)
    with tempfile.TemporaryDirectory(prefix="sysrec-c-") as tmp:
        workdir = Path(tmp)
        binary = compile_program(source, workdir)
        return (run_traced("strace", binary, options, workdir),
                run_traced("sysrec", binary, options, workdir))


def sources(family: str) -> list[Path]:
    return sorted((HERE / family).glob("*.c"))


if __name__ == "__main__":
    status = 0
    for arg in sys.argv[1:]:
        for outcome in check(Path(arg)):
            same = outcome.expected == outcome.traced
            print(f"{arg}: {outcome.tool}: {'same' if same else 'DIFFERS'}")
            if not same:
                print(outcome.diff)
                status = 1
    sys.exit(status)
