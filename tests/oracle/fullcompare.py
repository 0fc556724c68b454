"""Trace one command with every syscall under strace and under sysrec and show where the lines
differ, after blanking what differs between any two runs (addresses, pids, times).

    python3 tests/oracle/fullcompare.py [-f] [--only NAME,NAME] -- CMD ARG...

Prints the differing line pairs and the share of identical lines. A developer's tool for finding
what to decode next; the oracle tests hold the assertions.
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent.parent
_VOLATILE = [
    (re.compile(r"0x[0-9a-f]{5,}"), "0xADDR"),
    (re.compile(r"^\d+ +"), "PID "),
    (re.compile(r"\[pid +\d+\] "), "[pid N] "),
]


def normalise(line: str) -> str:
    for pattern, repl in _VOLATILE:
        line = pattern.sub(repl, line)
    return line


def trace(tool: str, cmd: list[str], follow: bool, workdir: Path) -> list[str]:
    out = workdir / f"{tool}.out"
    flags = ["-f"] if follow else []
    if tool == "strace":
        tracer = ["strace", *flags, "-o", str(out)]
    else:
        tracer = [sys.executable, "-m", "sysrec", "trace", *flags, "-e", "trace=all", "-o", str(out), "--"]
    subprocess.run([*tracer, *cmd], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   env={**os.environ, "PYTHONPATH": str(REPO)}, timeout=120)
    return out.read_bytes().decode("latin-1").splitlines() if out.exists() else []


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("-f", action="store_true")
    ap.add_argument("--only", default="", help="show differences of these syscalls only")
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    ns = ap.parse_args()
    cmd = ns.cmd[1:] if ns.cmd[:1] == ["--"] else ns.cmd
    only = set(filter(None, ns.only.split(",")))
    with tempfile.TemporaryDirectory() as tmp:
        a = [normalise(x) for x in trace("strace", cmd, ns.f, Path(tmp))]
        b = [normalise(x) for x in trace("sysrec", cmd, ns.f, Path(tmp))]
    same = 0
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            same += i2 - i1
            continue
        for x, y in zip(a[i1:i2] + [""] * max(0, (j2 - j1) - (i2 - i1)),
                        b[j1:j2] + [""] * max(0, (i2 - i1) - (j2 - j1))):
            name = (x or y).split("(", 1)[0].split()[-1] if (x or y) else ""
            if only and name not in only:
                continue
            print(f"strace: {x}\nsysrec: {y}\n")
    print(f"identical: {same}/{len(a)} strace lines ({100 * same / max(len(a), 1):.1f}%)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
