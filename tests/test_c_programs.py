"""The C edge-case programs under tests/c/FAMILY/: each prints the lines strace should print;
strace must agree with the program (else the test itself is wrong), and sysrec with both."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "c"))
import harness  # noqa: E402

PROGRAMS = sorted(harness.HERE.glob("*/*.c"))


@pytest.fixture(scope="module", autouse=True)
def _tools() -> None:
    why = harness.tools_missing()
    if why:
        pytest.skip(why)


@pytest.mark.parametrize("source", PROGRAMS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_sysrec_prints_what_strace_prints(source: Path) -> None:
    strace, sysrec = harness.check(source)
    assert strace.expected == strace.traced, f"the program's expectation is not strace's:\n{strace.diff}"
    assert sysrec.expected == sysrec.traced, sysrec.diff
