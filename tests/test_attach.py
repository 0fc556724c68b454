"""`sysrec trace -p PID` against `strace -p PID` (6.1) on running programs: the same lines (the
oracle suite's normalisation), the same attach/detach notes (with sysrec's prefix), the
processes left running after Ctrl-C, strace's messages for pids that cannot be traced."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.test_oracle import joined, normalize

pytestmark = [pytest.mark.kernel]

SYSREC = [sys.executable, "-m", "sysrec"]
PY = [sys.executable, "-I", "-S", "-B", "-c"]
TRACE_SET = "read,write,openat,close,getuid,exit_group"

# Blocks in read(0) until the test writes a line; then makes a fixed series of calls and exits 3.
ONE_SHOT = r"""
import os
os.read(0, 100)
os.write(1, b"go\n")
fd = os.open("/dev/null", os.O_RDONLY)
os.close(fd)
os.getuid()
os._exit(3)
"""

# Two threads and the main one, each blocked in read() on its own pipe until the line arrives.
THREADED = r"""
import os, threading
pipes = [os.pipe() for _ in range(2)]
def worker(n):
    r = pipes[n][0]
    os.read(r, 10)
    os.write(1, b"thread %d\n" % n)
threads = [threading.Thread(target=worker, args=(n,)) for n in range(2)]
for t in threads: t.start()
os.read(0, 100)
for n in range(2):
    os.write(pipes[n][1], b"x")
    threads[n].join()
os._exit(0)
"""

LOOP = r"""
import os, time
i = 0
while True:
    os.write(1, b"tick %d\n" % i)
    i += 1
    time.sleep(0.05)
"""


@pytest.fixture(scope="module", autouse=True)
def _tools():
    if shutil.which("strace") is None:
        pytest.skip("strace not installed")


def _tool(name: str) -> list[str]:
    return ["strace"] if name == "strace" else [*SYSREC, "trace"]


def _wait_for(path: Path, text: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and text in path.read_text(errors="replace"):
            return
        time.sleep(0.02)
    raise AssertionError(f"{text!r} never appeared in {path}: {path.read_text(errors='replace')!r}")


def _attach_run(tool: str, program: str, flags: list[str], tmp_path: Path,
                wrapper: tuple[str, ...] = ()) -> tuple[int, list[str], list[str]]:
    """Start `program` (blocked on stdin; under `wrapper`, which execs it), attach `tool` with
    -p, release the program, wait for both; returns the tool's exit status, trace lines (-o
    file) and stderr lines."""
    out, err = tmp_path / f"{tool}.out", tmp_path / f"{tool}.err"
    target = subprocess.Popen([*wrapper, *PY, program], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL)
    try:
        time.sleep(0.3)  # the program reaches its blocking read
        with open(err, "w") as err_fh:
            tracer = subprocess.Popen([*_tool(tool), "-o", str(out), *flags, "-p", str(target.pid)],
                                      stderr=err_fh, cwd=Path(__file__).parent.parent)
            _wait_for(err, "attached")
            time.sleep(0.2)  # the tracer's loop is running
            target.stdin.write(b"go\n")
            target.stdin.close()
            code = tracer.wait(timeout=30)
        target.wait(timeout=10)
    finally:
        if target.poll() is None:
            target.kill()
            target.wait()
    return code, out.read_text().splitlines(), err.read_text().splitlines()


def _notes(lines: list[str], pid_map: dict[str, str]) -> list[str]:
    """Attach/detach notes with the program prefix dropped and pids numbered by appearance."""
    notes = []
    for line in lines:
        prog, _, rest = line.partition(": ")
        if prog in ("strace", "sysrec") and rest.startswith("Process "):
            words = rest.split()
            words[1] = pid_map.setdefault(words[1], f"P{len(pid_map)}")
            notes.append(" ".join(words))
    return notes


def test_attached_process_that_exits_ends_the_trace(tmp_path):
    s_code, s_lines, s_err = _attach_run("strace", ONE_SHOT, ["-e", f"trace={TRACE_SET}"], tmp_path)
    r_code, r_lines, r_err = _attach_run("sysrec", ONE_SHOT, ["-e", f"trace={TRACE_SET}"], tmp_path)
    assert any(line.startswith("write(1, \"go\\n\"") for line in s_lines), s_lines
    assert normalize(r_lines) == normalize(s_lines)
    assert r_lines[-1] == s_lines[-1] == "+++ exited with 3 +++"
    assert r_code == s_code == 0
    assert _notes(r_err, {}) == _notes(s_err, {}) == ["Process P0 attached"]


def test_record_re_renders_the_attached_trace(tmp_path):
    record = tmp_path / "attach.jsonl"
    _, lines, _ = _attach_run("sysrec", ONE_SHOT, ["-e", f"trace={TRACE_SET}", "--record", str(record)], tmp_path)
    shown = subprocess.run([*SYSREC, "show", str(record)], capture_output=True, text=True, check=True)
    assert shown.stdout.splitlines() == lines


def test_every_thread_with_f(tmp_path):
    flags = ["-f", "-e", "trace=read,write"]
    s_code, s_lines, s_err = _attach_run("strace", THREADED, flags, tmp_path)
    r_code, r_lines, r_err = _attach_run("sysrec", THREADED, flags, tmp_path)
    assert sum("thread " in line for line in s_lines) == 2, s_lines
    assert joined(r_lines) == joined(s_lines)
    assert r_code == s_code == 0
    assert _notes(r_err, {}) == _notes(s_err, {}) == ["Process P0 attached with 3 threads"]


def _interrupt(tool: str, tmp_path: Path, signum: int = signal.SIGINT) -> tuple[int, list[str], int, Path]:
    out, err = tmp_path / f"{tool}.loop.out", tmp_path / f"{tool}.loop.err"
    ticks = tmp_path / f"{tool}.ticks"
    with open(ticks, "wb") as ticks_fh:
        target = subprocess.Popen([*PY, LOOP], stdout=ticks_fh)
    try:
        with open(err, "w") as err_fh:
            tracer = subprocess.Popen([*_tool(tool), "-o", str(out), "-e", "trace=write", "-p", str(target.pid)],
                                      stderr=err_fh, cwd=Path(__file__).parent.parent)
            _wait_for(err, "attached")
            time.sleep(0.5)  # a few ticks traced (strace's -o file is written in blocks: not polled)
            tracer.send_signal(signum)
            code = tracer.wait(timeout=20)
        traced = out.read_text().splitlines()
        assert target.poll() is None, "the program did not survive the detach"
        before = ticks.read_text().count("tick")
        time.sleep(0.4)
        assert ticks.read_text().count("tick") > before + 2, "the program stopped running"
        assert target.poll() is None
        os.kill(target.pid, 0)
    finally:
        target.kill()
        target.wait()
    return code, traced, target.pid, err


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_ctrl_c_detaches_and_leaves_the_program_running(tmp_path, signum):
    s_code, s_lines, s_pid, s_err = _interrupt("strace", tmp_path, signum)
    r_code, r_lines, r_pid, r_err = _interrupt("sysrec", tmp_path, signum)
    # strace dies of the signal it got (a shell shows 130); sysrec exits 128+N, as when it spawns
    assert s_code == -signum
    assert r_code == 128 + signum
    assert r_lines and all(line.startswith("write(1, \"tick ") for line in r_lines if "<detached" not in line)
    assert _notes(r_err.read_text().splitlines(), {}) == _notes(s_err.read_text().splitlines(), {}) \
        == ["Process P0 attached", "Process P0 detached"]


@pytest.mark.parametrize(("pid", "code"), [("999999999", 2), ("0", 2), ("abc", 2), ("1,x", 2), ("1,,2", 2),
                                         (" 1", 2), ("-3", 2), ("1", 1), ("+1", 1)])
def test_pids_that_cannot_be_traced(pid, code):
    strace = subprocess.run(["strace", "-p", pid], capture_output=True, text=True)
    sysrec = subprocess.run([*SYSREC, "trace", "-p", pid], capture_output=True, text=True)
    assert strace.returncode == 1
    # bad input (no such pid, not a pid) 2; a pid that may not be traced (init: EPERM) 1
    assert sysrec.returncode == code
    assert sysrec.stderr.replace("sysrec: ", "strace: ") == strace.stderr
    assert "Traceback" not in sysrec.stderr


def _two_targets_run(tool: str, tmp_path: Path, record: Path | None = None) -> tuple[int, list[str], list[str]]:
    """Two programs blocked on stdin, attached with one comma list, released one after the other."""
    out, err = tmp_path / f"{tool}.two.out", tmp_path / f"{tool}.two.err"
    targets = [subprocess.Popen([*PY, ONE_SHOT], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL)
               for _ in range(2)]
    try:
        time.sleep(0.3)
        extra = ["--record", str(record)] if record is not None else []
        with open(err, "w") as err_fh:
            tracer = subprocess.Popen([*_tool(tool), "-o", str(out), "-e", f"trace={TRACE_SET}", *extra,
                                       "-p", f"{targets[0].pid},{targets[1].pid}"],
                                      stderr=err_fh, cwd=Path(__file__).parent.parent)
            _wait_for(err, f"Process {targets[1].pid} attached")
            time.sleep(0.2)
            for target in targets:
                target.stdin.write(b"go\n")
                target.stdin.close()
                target.wait(timeout=10)
            code = tracer.wait(timeout=30)
    finally:
        for target in targets:
            if target.poll() is None:
                target.kill()
                target.wait()
    return code, out.read_text().splitlines(), err.read_text().splitlines()


def test_comma_list_of_pids_prefixes_the_lines(tmp_path):
    s_code, s_lines, s_err = _two_targets_run("strace", tmp_path)
    record = tmp_path / "two.jsonl"
    r_code, r_lines, r_err = _two_targets_run("sysrec", tmp_path, record)
    # -o: "PID " prefixes; the two reads' entries interleave in either order
    assert all(line.split()[0].isdigit() for line in s_lines), s_lines
    assert all(line.split()[0].isdigit() for line in r_lines), r_lines
    assert joined(r_lines) == joined(s_lines)
    assert r_code == s_code == 0
    assert _notes(r_err, {}) == _notes(s_err, {}) == ["Process P0 attached", "Process P1 attached"]
    shown = subprocess.run([*SYSREC, "show", str(record)], capture_output=True, text=True, check=True)
    assert shown.stdout.splitlines() == r_lines


# Blocks on stdin, then runs a child (followed with -f) and exits 4.
FORKING = r"""
import os, subprocess
os.read(0, 100)
subprocess.run(["/bin/true"])
os._exit(4)
"""


@pytest.mark.parametrize("quiet", [[], ["-q"]])
def test_f_follows_new_children_and_q_hides_the_notes(tmp_path, quiet):
    flags = [*quiet, "-f", "-e", "trace=execve,exit_group"]
    s_code, s_lines, s_err = _attach_run("strace", FORKING, flags, tmp_path) if not quiet else (0, [], [])
    r_code, r_lines, r_err = _attach_run("sysrec", FORKING, flags, tmp_path) if not quiet else (0, [], [])
    if quiet:  # nothing to wait for on stderr: run both by hand
        for tool in ("strace", "sysrec"):
            target = subprocess.Popen([*PY, FORKING], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL)
            time.sleep(0.3)
            tracer = subprocess.Popen([*_tool(tool), "-o", str(tmp_path / "q.out"), *flags, "-p", str(target.pid)],
                                      stderr=subprocess.PIPE, text=True, cwd=Path(__file__).parent.parent)
            time.sleep(0.5)
            target.stdin.write(b"go\n")
            target.stdin.close()
            _, err = tracer.communicate(timeout=30)
            target.wait(timeout=10)
            assert err == "" and tracer.returncode == 0, (tool, err)
            assert "+++ exited with 4 +++" in (tmp_path / "q.out").read_text()
        return
    assert joined(r_lines) == joined(s_lines)
    assert any("execve(\"/bin/true\"" in line for line in s_lines)
    assert r_code == s_code == 0
    assert _notes(r_err, {}) == _notes(s_err, {}) == ["Process P0 attached", "Process P1 attached"]


def test_without_f_only_the_given_thread(tmp_path):
    flags = ["-e", "trace=read,write"]
    s_code, s_lines, s_err = _attach_run("strace", THREADED, flags, tmp_path)
    r_code, r_lines, r_err = _attach_run("sysrec", THREADED, flags, tmp_path)
    assert not any("thread " in line for line in s_lines), s_lines  # the workers' writes are not traced
    assert any(line.startswith("read(0, ") for line in s_lines), s_lines
    assert normalize(r_lines) == normalize(s_lines)
    assert r_code == s_code == 0
    assert _notes(r_err, {}) == _notes(s_err, {}) == ["Process P0 attached"]


def test_own_pid_is_refused():
    """strace's answer to -p with its own pid (its text, from strace.c)."""
    code = "import os, sys; from sysrec.cli import main; sys.argv[1:] = ['trace', '-p', str(os.getpid())]; main()"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=Path(__file__).parent.parent)
    assert run.stderr == "sysrec: I'm sorry, I can't let you do that, Dave.\n"
    assert run.returncode == 2


# Blocks in libc's read(0) (not Python's, which retries EINTR itself) and reports what it got.
RAW_READ = r"""
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
buf = ctypes.create_string_buffer(100)
n = libc.read(0, buf, 100)
os.write(2, b"read %d errno %d\n" % (n, ctypes.get_errno()))
"""


def test_detach_does_not_interrupt_a_blocked_call(tmp_path):
    """Ctrl-C while the program waits in read(): after the detach the call goes on waiting and
    returns the data, not EINTR."""
    result = tmp_path / "result"
    with open(result, "w") as result_fh:
        target = subprocess.Popen([*PY, RAW_READ], stdin=subprocess.PIPE, stderr=result_fh)
    try:
        time.sleep(0.3)
        err = tmp_path / "err"
        with open(err, "w") as err_fh:
            tracer = subprocess.Popen([*SYSREC, "trace", "-p", str(target.pid)], stderr=err_fh,
                                      cwd=Path(__file__).parent.parent)
            _wait_for(err, "attached")
            time.sleep(0.3)
            tracer.send_signal(signal.SIGINT)
            assert tracer.wait(timeout=20) == 128 + signal.SIGINT
        assert "detached" in err.read_text()
        time.sleep(0.2)
        assert target.poll() is None, "the program ended when detached"
        target.stdin.write(b"go\n")
        target.stdin.close()
        assert target.wait(timeout=10) == 0
    finally:
        if target.poll() is None:
            target.kill()
            target.wait()
    assert result.read_text() == "read 3 errno 0\n"


def test_detached_inside_a_call_ends_its_line_as_strace(tmp_path):
    """One program asleep in clock_nanosleep (an absolute deadline: the same text for both
    tools), attached and detached by strace, then by sysrec: `... <detached ...>` alike, and the
    record shows it again."""
    target = subprocess.Popen([*PY, "import time; time.sleep(60)"])
    try:
        time.sleep(0.3)
        texts = {}
        for tool in ("strace", "sysrec"):
            out, err = tmp_path / f"{tool}.out", tmp_path / f"{tool}.err"
            extra = ["--record", str(tmp_path / "sleep.jsonl")] if tool == "sysrec" else []
            with open(err, "w") as err_fh:
                tracer = subprocess.Popen([*_tool(tool), "-o", str(out), *extra, "-p", str(target.pid)],
                                          stderr=err_fh, cwd=Path(__file__).parent.parent)
                _wait_for(err, "attached")
                time.sleep(0.3)
                tracer.send_signal(signal.SIGINT)
                tracer.wait(timeout=20)
            texts[tool] = out.read_text()
            assert target.poll() is None
    finally:
        target.kill()
        target.wait()
    assert texts["strace"].startswith("clock_nanosleep(") and texts["strace"].endswith(" <detached ...>\n")
    assert texts["sysrec"] == texts["strace"]
    shown = subprocess.run([*SYSREC, "show", str(tmp_path / "sleep.jsonl")], capture_output=True, text=True, check=True)
    assert shown.stdout == texts["sysrec"]


# In its own network namespace: a listening socket and a connected pair over loopback.
SOCKETS = r"""
import os, socket, subprocess
subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
srv = socket.socket()
srv.bind(("127.0.0.1", 7000))
srv.listen()
os.read(0, 100)
cli = socket.create_connection(("127.0.0.1", 7000))
conn, _ = srv.accept()
cli.getsockname()
conn.close()
cli.close()
os._exit(0)
"""


def test_yy_looks_sockets_up_in_the_attached_process_namespace(tmp_path):
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        pytest.skip("needs root and unshare for a network namespace")
    flags = ["-yy", "-e", "trace=connect,accept4,getsockname,close"]
    wrapper = ("unshare", "-n")
    s_code, s_lines, _ = _attach_run("strace", SOCKETS, flags, tmp_path, wrapper)
    r_code, r_lines, _ = _attach_run("sysrec", SOCKETS, flags, tmp_path, wrapper)
    # strace 6.1 asks its own namespace's sock_diag: a foreign namespace's sockets stay inodes.
    # sysrec asks the tracee's (the choice): the endpoints. The lines agree otherwise.
    assert any("<TCP:[" in line for line in s_lines) and not any("TCP:[127" in line for line in s_lines)
    assert "accept4(3<TCP:[127.0.0.1:7000]>" in "\n".join(r_lines)
    assert "close(4<TCP:[127.0.0.1:" in "\n".join(r_lines)
    endpoints = re.compile(r"<TCP:\[[^\]]*\]>")
    padding = re.compile(r"\)\s+= ")  # the column of `=` moves with the annotation's length

    def same_form(lines: list[str]) -> list[str]:
        return [padding.sub(") = ", endpoints.sub("<TCP:[S]>", line)) for line in normalize(lines)]

    assert same_form(r_lines) == same_form(s_lines)
    assert r_code == s_code == 0
