"""The C stop loop (sysrec/tracer/_stoploop.c): the same lines as the Python loop, byte for
byte, on real programs; its captures answer the decoders as the live tracee would have; sysrec
still runs where it is not built; SYSREC_LOOP picks the loop and rejects what it does not know.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sysrec.syscalls import SYSCALL_NUMBERS
from sysrec.tracer import capture_spec as cs
from sysrec.tracer import cloop
from sysrec.tracer.captured import STRICT_ENV, CapturedMemory, CaptureMiss

REPO = Path(__file__).resolve().parent.parent
needs_c_loop = pytest.mark.skipif(cloop.Loop is None, reason="the C stop loop is not built here")
LOOPS = ("python", "c", "threaded")


def trace_lines(args: list[str], loop: str, tmp_path: Path, record: bool = False) -> tuple[str, str]:
    """What `sysrec trace ARGS` writes to -o (and to --record), the decoders failing loudly on
    any read their capture did not cover."""
    out = tmp_path / f"{loop}.txt"
    rec = tmp_path / f"{loop}.jsonl"
    # The tracee inherits the environment: the same size for every loop, so that its stack (and
    # the addresses printed for it) sits at the same place whichever loop's name is in it.
    pad = "x" * (max(map(len, LOOPS)) - len(loop))
    env = dict(os.environ, SYSREC_LOOP=loop, SYSREC_TEST_PAD=pad, **{STRICT_ENV: "1"})
    extra = ["--record", str(rec)] if record else []
    done = subprocess.run([sys.executable, "-m", "sysrec", "trace", "-o", str(out), *extra, *args],
                          capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "not captured" not in done.stderr
    return out.read_text(errors="surrogateescape"), rec.read_text() if record else ""


def _tree(root: Path) -> Path:
    """A directory tree for find: files, .gz names, empty and nested directories, a long name."""
    for i in range(30):
        sub = root / f"d{i}" / ("x" * 200) / "deep"
        sub.mkdir(parents=True)
        for j in range(i % 4):
            (sub / f"f{j}.gz").write_bytes(b"z" * j)
        (root / f"d{i}" / "plain").write_text("p")
    return root


# What differs from one run to the next in a record's event: pids, times, raw pointers.
VOLATILE_KEYS = {"pid", "tgid", "t0", "t1", "t", "raw"}
# Lines that differ from one run to the next whatever the loop: random bytes, a pid, free blocks.
VOLATILE = re.compile(r"^(getrandom|set_tid_address|getpid|gettid|fstatfs|statfs)\(")


def _steady(text: str) -> list[str]:
    """The lines after the last execve (setarch's own run has its address space randomised)."""
    lines = text.splitlines()
    start = max((i for i, line in enumerate(lines) if line.startswith("execve(")), default=-1) + 1
    return [line for line in lines[start:] if not VOLATILE.match(line)]


@needs_c_loop
@pytest.mark.parametrize("flags", [[], ["-e", "trace=newfstatat,openat,getdents64,close,fcntl,write"],
                                   ["--no-seccomp", "-e", "trace=openat,getdents64"]],
                         ids=["all", "seccomp-set", "no-seccomp-set"])
def test_every_loop_prints_the_same_lines(flags: list[str], tmp_path: Path) -> None:
    """find over a tree, address layout fixed (setarch -R) so that the lines can be compared
    byte for byte: the Python loop, the C loop, the C loop with its decoder thread."""
    if shutil.which("setarch") is None:
        pytest.skip("needs setarch (util-linux)")
    root = _tree(tmp_path / "tree")
    argv = ["setarch", "x86_64", "-R", "find", str(root), "-name", "*.gz"]
    texts = {loop: _steady(trace_lines([*flags, "--", *argv], loop, tmp_path)[0]) for loop in LOOPS}
    assert len(texts["python"]) > 100
    assert any(line.startswith("getdents64(") for line in texts["python"]) or "getdents64" not in str(flags)
    assert texts["c"] == texts["python"]
    assert texts["threaded"] == texts["python"]


@needs_c_loop
@pytest.mark.parametrize("strsize", ["32", "4"])
def test_the_execve_decoded_while_the_program_runs_on_reads_as_at_its_stop(strsize: str, tmp_path: Path) -> None:
    """A full trace's execve is answered before the decoders are imported and decoded later,
    from the memory captured at its entry stop (the threaded loop): its line is the Python
    loop's, argv cut after -s elements, every string cut at -s."""
    argv = ["/bin/echo", *(f"argument-{i:02}" for i in range(40))]
    first = {loop: re.sub(r"\], 0x[0-9a-f]+ /\*", "], ENVP /*", trace_lines(["-s", strsize, "--", *argv], loop,
                                                                            tmp_path)[0].splitlines()[0])
             for loop in LOOPS}  # envp: sysrec's own heap, laid out anew each run
    assert first["threaded"] == first["c"] == first["python"]
    # the path whole, argv's strings and elements cut at -s
    assert first["python"].startswith('execve("/bin/echo", [' + ('"/bin/echo", "argument-00", ' if strsize == "32"
                                                                 else '"/bin"..., "argu"..., '))
    assert first["python"].count('"') == 2 * (1 + int(strsize))
    assert first["python"].endswith(", ...], ENVP /* 40 vars */) = 0")


@needs_c_loop
def test_getsockopt_values_and_records_match(tmp_path: Path) -> None:
    """getsockopt's value and length are read at entry and at exit: the record's events are the
    same whichever loop made them (times and pids aside)."""
    if shutil.which("gcc") is None:
        pytest.skip("needs gcc")
    prog = tmp_path / "gso"
    subprocess.run(["gcc", "-O2", "-o", str(prog), str(REPO / "bench" / "getsockopt_loop.c")], check=True)
    records = {}
    for loop in LOOPS:
        text, rec = trace_lines(["-f", "-e", "trace=%network", "--", str(prog), "50"], loop, tmp_path,
                                record=True)
        assert text.count("getsockopt(3, SOL_SOCKET, SO_ERROR, [0], [4]) = 0") == 50
        records[loop] = [{k: v for k, v in json.loads(line).items() if k not in VOLATILE_KEYS}
                         for line in rec.splitlines()[1:-1]]
    assert records["c"] == records["python"]
    assert records["threaded"] == records["python"]


# The same calls again and again, with the same result or not (Tracer._replay decodes a repeat
# once): each line must still say what that call did.
REPEATS_C = r"""
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>
int main(void) {
    int s = socket(AF_INET, SOCK_STREAM, 0), v, i, d;
    socklen_t len;
    for (i = 0; i < 3; i++) { len = sizeof v; getsockopt(s, SOL_SOCKET, SO_ERROR, &v, &len); }
    for (i = 0; i < 4; i++) { fcntl(s, F_GETFL); fcntl(s, F_SETFL, i % 2 ? 0 : O_NONBLOCK); }
    for (i = 0; i < 3; i++) { len = i * 2; getsockopt(s, SOL_SOCKET, SO_TYPE, &v, &len); }
    for (i = 0; i < 2; i++) { d = dup(s); close(d); close(d); }
    return 0;
}
"""


@needs_c_loop
@pytest.mark.parametrize("flags", [[], ["-e", "trace=getsockopt,fcntl,close"]], ids=["all", "seccomp-set"])
def test_repeated_calls_print_what_each_did(flags: list[str], tmp_path: Path) -> None:
    """A call repeated with the same arguments prints its own result every time, as strace
    prints it, in every loop (the Python loop decodes each call afresh)."""
    if shutil.which("gcc") is None or shutil.which("strace") is None:
        pytest.skip("needs gcc and strace")
    (tmp_path / "repeats.c").write_text(REPEATS_C)
    prog = tmp_path / "repeats"
    subprocess.run(["gcc", "-O2", "-o", str(prog), str(tmp_path / "repeats.c")], check=True)

    def repeated(text: str) -> list[str]:
        return [re.sub(r"0x7ff[0-9a-f]+", "0xADDR", line) for line in text.splitlines()
                if line.startswith(("getsockopt(", "fcntl(3,", "close(4)"))]

    subprocess.run(["strace", "-o", str(tmp_path / "strace.txt"), *flags, str(prog)], check=True)
    theirs = repeated((tmp_path / "strace.txt").read_text())
    assert len(theirs) == 18
    for loop in LOOPS:
        ours = trace_lines([*flags, "--", str(prog)], loop, tmp_path)[0]
        assert repeated(ours) == theirs, loop


@needs_c_loop
def test_threads_and_children_under_the_c_loop(tmp_path: Path) -> None:
    """-f over a shell that forks and a program with threads: every call of every task comes
    out once, and the exits are those of the Python loop."""
    code = ("import os, threading\n"
            "def work():\n"
            "    for _ in range(200): os.stat('/')\n"
            "ts = [threading.Thread(target=work) for _ in range(3)]\n"
            "[t.start() for t in ts]; [t.join() for t in ts]\n")
    argv = ["sh", "-c", f"true; {sys.executable} -S -c \"{code}\"; echo done"]
    counts = {}
    for loop in LOOPS:
        text, _ = trace_lines(["-f", "-e", "trace=newfstatat,clone3,clone,exit_group", "--", *argv],
                              loop, tmp_path)
        lines = text.splitlines()
        counts[loop] = (sum('newfstatat(AT_FDCWD, "/",' in line for line in lines),
                        sorted(re.sub(r"^\d+ +", "", line) for line in lines if "+++ exited" in line))
    assert counts["python"][0] >= 600
    assert counts["c"] == counts["python"]
    assert counts["threaded"] == counts["python"]


def test_captured_memory_answers_as_the_live_read(monkeypatch: pytest.MonkeyPatch) -> None:
    """Inside a capture: its bytes; past the fault a capture stopped at: unreadable, or the
    readable prefix for read_upto; outside it: a loud failure, never a silent NULL."""
    monkeypatch.setenv(STRICT_ENV, "1")
    mem = CapturedMemory(((0x1000, 16, bytes(range(16))), (0x2000, 100, b"x" * 10)), nr=262)
    assert mem.read(0x1004, 4) == bytes([4, 5, 6, 7])
    assert mem.read(0x2000, 10) == b"x" * 10
    assert mem.read(0x2008, 4) is None                 # runs into the fault at 0x200a
    assert mem.read_upto(0x2004, 50) == b"x" * 6       # what pread would have returned
    assert mem.read_upto(0x1008, 8) == bytes(range(8, 16))
    for outside in ((0x1000, 17), (0x0fff, 2), (0x3000, 1)):
        with pytest.raises(CaptureMiss):
            mem.read(*outside)
    with pytest.raises(CaptureMiss):
        mem.read_upto(0x1008, 9)  # all 16 bytes were readable: more was never captured


def test_captures_come_from_the_signature_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    stat = cs.Capture(cs.CAP_FIXED, 2, at_exit=True, size=144)
    assert cs.derive("newfstatat") == cs.CallSpec((cs.Capture(cs.CAP_STR, 1), stat))
    assert cs.derive("close") == cs.CallSpec(())
    assert cs.derive("getdents64").captures[0].kind == cs.CAP_RETBUF
    assert cs.derive("read") == cs.CallSpec((cs.Capture(cs.CAP_RETBUF, 1, at_exit=True, size=cs.STRSIZE),))
    assert cs.derive("clone") is None  # not quiet: a new task
    # a quiet call whose row has a decoder this table does not know stays with the Python loop
    monkeypatch.setattr(cs, "QUIET_CALLS", cs.QUIET_CALLS | {"rt_sigaction"})
    assert cs.derive("rt_sigaction") is None


def test_the_capture_table_is_what_the_rows_say() -> None:
    """SPECS (data, read before the decoders are imported) is derive()'s reading of the rows,
    call for call: a row changed without its capture fails here, not in a trace."""
    names = cs.QUIET_CALLS | cs.QUIET_UNLESS_LIVE | cs.QUIET_WHEN_GATED
    assert {name: cs.derive(name) for name in names if cs.derive(name) is not None} == cs.SPECS
    # arch_prctl's row depends on its code: the codes let through print with the default row
    from sysrec.decode.process import ARCH_PRCTL_CODES, ARCH_PRCTL_ROWS
    assert all(ARCH_PRCTL_CODES[code] not in ARCH_PRCTL_ROWS for code in cs.SPECS["arch_prctl"].gate_values)
    # futex's too: the ops let through print values only
    from sysrec.decode.mem import FUTEX_CMD_MASK, FUTEX_TAILS
    assert {dec.__qualname__ for op in cs.SPECS["futex"].gate_values
            for _, dec in FUTEX_TAILS[op & FUTEX_CMD_MASK]} <= cs.VALUE_DECODERS
    # ioctl's requests let through read at most the capture, at exit, nothing at entry
    from sysrec.decode import ioctl
    for request in cs.SPECS["ioctl"].gate_values:
        row = ioctl.REQUESTS[ioctl.request_name.__wrapped__(request)]
        assert row.at_exit and row.snapshot is None and row.aux is None
    assert cs.TERMIOS_SIZE == ioctl.TERMIOS_SIZE >= ioctl.WINSIZE_SIZE
    # execve's capture leaves room for the decoder's chunked reads of argv and envp
    from sysrec.decode.process import WORDS_PER_READ
    from sysrec.tracer.exec_capture import CHUNK_BYTES, WORD
    assert CHUNK_BYTES == WORD * WORDS_PER_READ
    assert "sysrec.decode.signatures" not in subprocess.run(
        [sys.executable, "-c", "import sys, sysrec.tracer.capture_spec; print(sorted(sys.modules))"],
        capture_output=True, text=True, cwd=REPO).stdout


class _TableLoop:
    """What configure() hands a loop, per syscall number: (flags, gate, captures)."""

    def __init__(self) -> None:
        self.calls: dict[int, tuple[int, tuple[int, ...], list[tuple[int, ...]]]] = {}

    def set_call(self, nr: int, flags: int, gate_arg: int, gate: tuple[int, ...], caps: list[tuple[int, ...]]) -> None:
        self.calls[nr] = (flags, gate, caps)


def test_the_table_the_loop_gets_follows_s_and_where_the_lines_go() -> None:
    """-s sizes the captures of strings (a size past LARGEST_BUFFER leaves the call to
    Python); write is answered in C only when the lines do not go where the program writes."""
    read, write = SYSCALL_NUMBERS["read"], SYSCALL_NUMBERS["write"]
    for strsize, live in ((32, True), (100, False), (cs.LARGEST_BUFFER, False)):
        loop = _TableLoop()
        cs.configure(loop, frozenset(), strsize, live)
        read_flags, _, read_caps = loop.calls[read]
        write_flags = loop.calls[write][0]
        if strsize < cs.LARGEST_BUFFER:
            assert read_flags & cs.FAST and read_caps == [(cs.CAP_RETBUF, 1, 0, 1, strsize + 1)]
        else:
            assert not read_flags & cs.FAST and read_flags & cs.QUIET
        assert bool(write_flags & cs.FAST) == (not live and strsize < cs.LARGEST_BUFFER)
        assert bool(write_flags & cs.QUIET) == (not live)
    untraced = _TableLoop()
    cs.configure(untraced, frozenset({read}), 32, False)
    assert untraced.calls[read][0] == cs.QUIET  # untraced: neither traced nor answered with captures


def test_sysrec_runs_where_the_extension_is_not_built(tmp_path: Path) -> None:
    """The import of _stoploop failing (no compiler at install): the Python loop, same lines."""
    code = ("import sys; sys.modules['sysrec.tracer._stoploop'] = None\n"
            "from sysrec.tracer import cloop; assert cloop.Loop is None and cloop.chosen() == 'python'\n"
            "from sysrec.cli import main; sys.exit(main())\n")
    out = tmp_path / "t.txt"
    done = subprocess.run([sys.executable, "-c", code, "trace", "-o", str(out), "-e", "trace=openat", "--",
                           "cat", "/etc/hostname"], capture_output=True, text=True, timeout=120,
                          env=dict(os.environ, SYSREC_LOOP="threaded"))
    assert done.returncode == 0, done.stderr
    assert 'openat(AT_FDCWD, "/etc/hostname", O_RDONLY) = 3' in out.read_text()


def test_an_unknown_loop_is_bad_input(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    done = subprocess.run([sys.executable, "-m", "sysrec", "trace", "-o", os.devnull, "--", "touch", str(marker)],
                          capture_output=True, text=True, timeout=120, env=dict(os.environ, SYSREC_LOOP="fast"))
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "SYSREC_LOOP=fast" in done.stderr
    assert not marker.exists()
