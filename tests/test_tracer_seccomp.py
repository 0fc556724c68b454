"""The seccomp-BPF filter: TRACE exactly for the chosen syscalls (plus x32 and foreign arches).

Checked two ways: by running the program through a small classic-BPF interpreter for every
syscall number, and against the kernel (a filtered run stops at the same calls as a full one).
"""

from __future__ import annotations

import struct
import sys

from hypothesis import given, settings, strategies as st

from sysrec.syscalls import DEFAULT_SET, SYSCALL_NUMBERS
from sysrec.tracer import TraceOptions, trace
from sysrec.tracer.ptrace_ops import AUDIT_ARCH_X86_64
from sysrec.tracer.seccomp import SECCOMP_RET_ALLOW, SECCOMP_RET_TRACE, X32_SYSCALL_BIT, build_filter


def run_bpf(program: bytes, nr: int, arch: int = AUDIT_ARCH_X86_64) -> int:
    """Interpret the opcodes build_filter uses; fail on anything else or on a backward jump."""
    insns = [struct.unpack_from("<HBBI", program, i) for i in range(0, len(program), 8)]
    data = {0: nr, 4: arch}
    acc, pc, steps = 0, 0, 0
    while True:
        steps += 1
        assert steps <= len(insns), "a BPF program cannot loop"
        code, jt, jf, k = insns[pc]
        pc += 1
        if code == 0x20:
            acc = data[k]
        elif code == 0x06:
            return k
        elif code == 0x05:
            pc += k
        elif code in (0x15, 0x25, 0x35):
            taken = {0x15: acc == k, 0x25: acc > k, 0x35: acc >= k}[code]
            pc += jt if taken else jf
        else:
            raise AssertionError(f"unexpected opcode {code:#x}")
        assert pc < len(insns)


@settings(max_examples=200, deadline=None)
@given(st.sets(st.integers(min_value=0, max_value=460), max_size=300))
def test_filter_traces_exactly_the_chosen_numbers(chosen):
    program = build_filter(chosen)
    for nr in range(0, 470):
        expected = SECCOMP_RET_TRACE if nr in chosen else SECCOMP_RET_ALLOW
        assert run_bpf(program, nr) == expected, nr


def test_x32_and_foreign_arches_always_stop():
    program = build_filter([SYSCALL_NUMBERS["connect"]])
    assert run_bpf(program, X32_SYSCALL_BIT | 42) == SECCOMP_RET_TRACE
    assert run_bpf(program, 3, arch=0x40000003) == SECCOMP_RET_TRACE  # i386
    assert run_bpf(program, 3) == SECCOMP_RET_ALLOW


def test_default_set_stops_at_the_same_calls_as_ptrace_syscall(tmp_path):
    prog = tmp_path / "p.py"
    prog.write_text(
        "import socket, select, fcntl\n"
        "a, b = socket.socketpair()\n"
        "fcntl.fcntl(a, fcntl.F_GETFL)\n"
        "a.send(b'x'); select.select([b], [], [], 1); select.poll().poll(0); b.recv(1)\n"
        "a.shutdown(socket.SHUT_RDWR); a.close()\n")
    seen = {}
    for seccomp in (True, False):
        events: list[dict] = []
        trace([sys.executable, str(prog)], TraceOptions(trace_set=DEFAULT_SET, seccomp=seccomp), events.append)
        seen[seccomp] = [(e["name"], e["ret"]) for e in events if e["ev"] == "syscall"]
    assert seen[True] == seen[False]
    names = {n for n, _ in seen[True]}
    assert {"socketpair", "fcntl", "sendto", "pselect6", "poll", "recvfrom", "shutdown", "close"} <= names
    assert names <= set(DEFAULT_SET)
