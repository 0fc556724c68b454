"""`sysrec trace` and `sysrec show` as a user runs them: exit statuses, output places, records,
Ctrl-C, an unprivileged user."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PY = sys.executable
ENV = dict(os.environ, PYTHONPATH=str(REPO))


def sysrec(*args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([PY, "-m", "sysrec", *args], capture_output=True, text=True, cwd=REPO, env=ENV,
                          timeout=120, **kw)


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_missing_command_is_one_line_and_127(tmp_path):
    proc = sysrec("trace", "--record", str(tmp_path / "r.jsonl"), "--", "sysrec-no-such-cmd")
    assert proc.returncode == 127
    assert proc.stderr.strip().splitlines() == ["sysrec: sysrec-no-such-cmd: command not found"]
    assert not (tmp_path / "r.jsonl").exists()  # nothing half-written


def test_no_command_is_a_usage_error():
    proc = sysrec("trace", "-f")
    assert proc.returncode == 2 and "no command given" in proc.stderr


def test_unknown_syscall_name_suggests_close_ones():
    proc = sysrec("trace", "-e", "trace=conect", "--", "true")
    assert proc.returncode == 2
    assert "conect" in proc.stderr and "connect" in proc.stderr


def test_exit_status_and_killed_line():
    assert sysrec("trace", "--", "sh", "-c", "exit 3").returncode == 3
    proc = sysrec("trace", "--", "sh", "-c", "kill -KILL $$")
    assert proc.returncode == 128 + 9
    assert proc.stderr.splitlines()[-1] == "+++ killed by SIGKILL +++"


def test_output_file_and_record_and_show_agree(tmp_path):
    out, rec = tmp_path / "trace.txt", tmp_path / "r.jsonl"
    prog = "import os, socket\nif os.fork() == 0:\n    socket.socket().close()\n    os._exit(0)\nos.wait()\nsocket.socket()\n"
    proc = sysrec("trace", "-f", "-e", "trace=socket", "-o", str(out), "--record", str(rec), "--", PY, "-c", prog)
    assert proc.returncode == 0 and proc.stderr == ""
    text = out.read_text()
    # -f with -o: every line starts with the pid, as strace's
    assert all(re.match(r"^\d+ +\S", line) for line in text.splitlines())
    assert len(re.findall(r"socket\(", text)) == 2
    shown = sysrec("show", str(rec), "--format", "strace")
    assert shown.returncode == 0 and shown.stdout == text
    events = read_jsonl(rec)
    assert events[0]["ev"] == "header" and events[0]["argv"][0] == PY
    assert events[-1]["ev"] == "footer" and events[-1]["end"] == "exited" and events[-1]["exit_status"] == 0
    assert [e["seq"] for e in events[1:-1]] == list(range(1, len(events) - 1))
    assert events[-1]["syscalls"] == 2


def test_show_renders_what_trace_printed_on_stderr(tmp_path):
    rec = tmp_path / "r.jsonl"
    proc = sysrec("trace", "-f", "--record", str(rec), "--", "sh", "-c", "nc -z 127.0.0.1 1 & nc -z 127.0.0.1 1; wait")
    assert proc.returncode == 0
    assert "[pid " in proc.stderr  # two processes alive at once
    shown = sysrec("show", str(rec))  # default format for a `trace` record: strace
    assert shown.stdout == proc.stderr


def test_show_json_prints_every_line(tmp_path):
    rec = tmp_path / "r.jsonl"
    sysrec("trace", "--record", str(rec), "--", "nc", "-z", "127.0.0.1", "1")
    shown = sysrec("show", str(rec), "--format", "json")
    assert [json.loads(l) for l in shown.stdout.splitlines()] == read_jsonl(rec)


def test_show_tolerates_a_truncated_last_line(tmp_path):
    rec = tmp_path / "r.jsonl"
    sysrec("trace", "--record", str(rec), "--", "nc", "-z", "127.0.0.1", "1")
    full = sysrec("show", str(rec)).stdout
    data = rec.read_bytes()
    lines = data.splitlines(keepends=True)
    cut = b"".join(lines[:-2]) + lines[-2][: len(lines[-2]) // 2]   # footer gone, last event half-written
    rec.write_bytes(cut)
    shown = sysrec("show", str(rec))
    assert shown.returncode == 0
    assert full.startswith(shown.stdout) and len(shown.stdout) < len(full)


def test_show_errors_name_the_file(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text("hello\n")
    proc = sysrec("show", str(bad))
    assert proc.returncode == 2 and str(bad) in proc.stderr and "Traceback" not in proc.stderr


def _descendants(pid: int) -> set[int]:
    found, todo = set(), [pid]
    while todo:
        p = todo.pop()
        for task in Path(f"/proc/{p}/task").glob("*"):
            try:
                kids = (task / "children").read_text().split()
            except OSError:
                continue
            for k in map(int, kids):
                if k not in found:
                    found.add(k)
                    todo.append(k)
    return found


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_interrupt_ends_tracees_and_leaves_a_valid_record(tmp_path, sig):
    rec = tmp_path / "r.jsonl"
    proc = subprocess.Popen([PY, "-m", "sysrec", "trace", "-f", "--record", str(rec), "--",
                             "sh", "-c", "sleep 60 & sleep 61 & nc -l 127.0.0.1 0; wait"],
                            cwd=REPO, env=ENV, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        deadline = time.monotonic() + 30
        kids: set[int] = set()
        while time.monotonic() < deadline:
            kids = _descendants(proc.pid)
            names = set()
            for k in kids:
                try:
                    names.add(Path(f"/proc/{k}/comm").read_text().strip())
                except OSError:
                    pass
            if {"sleep", "nc"} <= names:
                break
            time.sleep(0.05)
        assert len(kids) >= 4, kids
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 128 + sig
    for k in kids:
        assert not Path(f"/proc/{k}").exists(), (k, Path(f"/proc/{k}/stat").read_text(), kids)
    events = read_jsonl(rec)  # every line is complete JSON
    assert events[-1]["ev"] == "footer" and events[-1]["end"] == "interrupted"
    assert events[-1]["exit_status"] == 128 + sig
    # the three children were running, so their forks are in the record, and their ends
    spawned = {e["pid"] for e in events if e["ev"] == "spawn"}
    assert len(spawned) >= 3
    assert spawned <= {e["pid"] for e in events if e["ev"] == "exit"}


def _unprivileged_python_path(tmp: Path) -> str | None:
    """A PYTHONPATH that user 65534 can read: the repo plus copies of our dependencies if needed."""
    probe = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", PY, "-c",
                            "import ptrace, construct"], capture_output=True, env=ENV)
    if probe.returncode == 0:
        return str(REPO)
    import construct
    import ptrace
    deps = tmp / "deps"
    for mod in (ptrace, construct):
        shutil.copytree(Path(mod.__file__).parent, deps / mod.__name__)
    for root, dirs, files in os.walk(tmp):
        os.chmod(root, 0o755)
        for f in files:
            os.chmod(os.path.join(root, f), 0o644)
    return f"{deps}:{REPO}"


@pytest.mark.skipif(shutil.which("setpriv") is None, reason="needs setpriv")
def test_an_unprivileged_user_can_trace():
    if os.geteuid() != 0:
        proc = sysrec("trace", "-e", "trace=%network", "--", "nc", "-z", "127.0.0.1", "1")
        assert proc.returncode == 1 and "EINPROGRESS" in proc.stderr
        return
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        pythonpath = _unprivileged_python_path(tmp)
        os.chmod(tmp, 0o777)
        rec = tmp / "r.jsonl"
        for seccomp in ([], ["--no-seccomp"]):
            proc = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", PY, "-m", "sysrec",
                                   "trace", *seccomp, "-f", "-e", "trace=%network", "--record", str(rec), "--",
                                   "nc", "-z", "127.0.0.1", "1"],
                                  capture_output=True, text=True, cwd="/", timeout=60,
                                  env=dict(ENV, PYTHONPATH=pythonpath))
            assert proc.returncode == 1, proc.stderr
            assert "EINPROGRESS" in proc.stderr and proc.stderr.endswith("+++ exited with 1 +++\n")
            events = read_jsonl(rec)
            assert events[-1]["end"] == "exited"
            assert any(e["ev"] == "syscall" and e["name"] == "getsockopt" for e in events)


def test_a_program_that_cannot_be_executed(tmp_path):
    script = tmp_path / "script"
    script.write_text("#!/nonexistent/interpreter\n")
    script.chmod(0o755)
    proc = sysrec("trace", "--", str(script))  # execve fails with ENOENT: like a shell, 127
    assert proc.returncode == 127
    # the failed execve prints first, as strace prints it, then the reason
    assert proc.stderr.strip().splitlines()[-1] == f"sysrec: cannot execute {script}: No such file or directory"
    assert proc.stderr.startswith(f'execve("{script}", [')  # argv cut at -s 32, as strace cuts it
    assert proc.stderr.strip().splitlines()[0].endswith("= -1 ENOENT (No such file or directory)")
    plain = tmp_path / "plain"
    plain.write_text("data\n")
    proc = sysrec("trace", "--", str(plain))  # not executable: 126
    assert proc.returncode == 126 and "not an executable file" in proc.stderr


YY_PROGRAM = """
import socket, subprocess
subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
l = socket.socket(); l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
l.bind(("127.0.0.1", 7000)); l.listen(5)
c = socket.socket(); c.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE)
c.connect(("127.0.0.1", 7000)); a, _ = l.accept()
for s in (l, c, a):
    s.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE)
l6 = socket.socket(socket.AF_INET6); l6.bind(("::1", 7001)); l6.listen(1)
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE)
u.bind(("127.0.0.1", 7002)); u.connect(("127.0.0.1", 9)); u.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE)
p, q = socket.socketpair(); p.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE)
ab = socket.socket(socket.AF_UNIX); ab.bind("\\0sysrec-yy"); ab.listen(1)
c.close(); a.close()
"""


def _normalize_inodes(text: str) -> list[str]:
    # inode numbers and ephemeral ports differ between runs; the fixed ports (7000-7002) do not
    return [re.sub(r"\b\d{5,}\b", "INODE", line) for line in text.splitlines()
            if not line.startswith("+++")]


def test_yy_lines_match_strace_in_the_tracees_netns(tmp_path):
    """sysrec runs in this netns, the program in a new one: lookups must happen in the program's."""
    prog = tmp_path / "yy.py"
    prog.write_text(YY_PROGRAM)
    env = dict(ENV, PATH=os.environ.get("PATH", "") + ":/usr/sbin:/sbin")
    netns = ["unshare", "-n"] if os.geteuid() == 0 else ["unshare", "-Urn"]
    trace_set = "trace=getsockopt,listen,close,connect,bind"
    theirs = subprocess.run([*netns, "strace", "-yy", "-e", trace_set, PY, str(prog)],
                            capture_output=True, text=True, env=env, timeout=60)
    ours = subprocess.run([PY, "-m", "sysrec", "trace", "-yy", "-e", trace_set, "--", *netns, PY, str(prog)],
                          capture_output=True, text=True, env=env, cwd=REPO, timeout=60)
    assert ours.returncode == theirs.returncode == 0, ours.stderr
    # keep the program's socket lines (the interpreter's own start-up closes files)
    pick = lambda text: [l for l in _normalize_inodes(text) if "<TCP" in l or "<UDP" in l or "<UNIX" in l]
    assert len(pick(theirs.stderr)) >= 12
    assert pick(ours.stderr) == pick(theirs.stderr)
    assert any("->127.0.0.1:7000]>" in l for l in pick(ours.stderr))
    assert any("<TCP:[127.0.0.1:7000->127.0.0.1:" in l for l in pick(ours.stderr))


def test_interrupt_also_ends_untraced_children(tmp_path):
    """--no-seccomp without -f: children are never traced, yet Ctrl-C must not leave them behind."""
    rec = tmp_path / "r.jsonl"
    proc = subprocess.Popen([PY, "-m", "sysrec", "trace", "--no-seccomp", "--record", str(rec), "--",
                             "sh", "-c", "sleep 60 & sleep 61; wait"],
                            cwd=REPO, env=ENV, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        deadline = time.monotonic() + 30
        kids: set[int] = set()
        while time.monotonic() < deadline and len(kids) < 3:
            kids = _descendants(proc.pid)
            time.sleep(0.05)
        assert len(kids) >= 3, kids
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 130
    for k in kids:
        assert not Path(f"/proc/{k}").exists(), (k, kids)
    assert read_jsonl(rec)[-1]["end"] == "interrupted"


def test_seccomp_and_no_seccomp_print_the_same_lines_as_strace():
    argv = ["nc", "-z", "127.0.0.1", "1"]
    strace = subprocess.run(["strace", "-f", "--seccomp-bpf", "-e", "trace=%network", *argv],
                            capture_output=True, text=True, timeout=60)
    filtered = sysrec("trace", "-f", "-e", "trace=%network", "--", *argv)
    stepped = sysrec("trace", "-f", "--no-seccomp", "-e", "trace=%network", "--", *argv)
    assert filtered.returncode == stepped.returncode == strace.returncode == 1
    assert filtered.stderr == stepped.stderr == strace.stderr
    assert "getsockopt(3, SOL_SOCKET, SO_ERROR, [ECONNREFUSED], [4]) = 0" in filtered.stderr
