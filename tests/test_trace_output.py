"""Output forms and filters (issue #12), each compared with strace 6.1 on real programs: the
same flags to both, lines compared after the oracle suite's normalisation."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_oracle import assert_same, joined, normalize

ROOT = Path(__file__).parent.parent
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}
SYSREC = [sys.executable, "-m", "sysrec", "trace"]

pytestmark = pytest.mark.skipif(shutil.which("strace") is None, reason="strace not installed")


def run_both(tmp_path: Path, flags: list[str], argv: list[str], out_name: str = "out",
             env: dict | None = None, strace_only: tuple[str, ...] = ()
             ) -> tuple[list[str], list[str], subprocess.CompletedProcess, subprocess.CompletedProcess]:
    """Both tracers with `-o FILE FLAGS -- ARGV`; their -o files' lines and their processes."""
    results = []
    for tool in ("strace", "sysrec"):
        out = tmp_path / f"{tool}.{out_name}"
        cmd = (["strace", *strace_only] if tool == "strace" else SYSREC) + ["-o", str(out), *flags, "--", *argv]
        proc = subprocess.run(cmd, capture_output=True, timeout=60, cwd=tmp_path, env=env or ENV)
        lines = out.read_text(encoding="utf-8", errors="surrogateescape").splitlines() if out.exists() else []
        results.append((lines, proc))
    (theirs, their_proc), (ours, our_proc) = results
    return theirs, ours, their_proc, our_proc


def _exit_code(proc: subprocess.CompletedProcess) -> int:
    """strace kills itself with the signal that killed the program; sysrec exits 128+N."""
    return 128 - proc.returncode if proc.returncode < 0 else proc.returncode


def _child_pids(lines: list[str]) -> list[str]:
    """wait4's return value is a pid: numbered in order of appearance, like the prefixes."""
    return [re.sub(r"^(.*wait4\(.*\) += )\d+$", r"\1PID", line) for line in lines]


def same(tmp_path: Path, flags: list[str], argv: list[str], interleaved: bool = False,
         strace_only: tuple[str, ...] = ()) -> list[str]:
    theirs, ours, their_proc, our_proc = run_both(tmp_path, flags, argv, strace_only=strace_only)
    assert _exit_code(our_proc) == _exit_code(their_proc), our_proc.stderr.decode(errors="replace")
    if interleaved:
        assert_same(_child_pids(joined(theirs)), _child_pids(joined(ours)))
    else:
        assert_same(_child_pids(normalize(theirs)), _child_pids(normalize(ours)))
    return ours


@pytest.fixture
def binary_file(tmp_path: Path) -> Path:
    path = tmp_path / "data.bin"
    path.write_bytes(b"a\tb\x01\xff\nplain text line\n" + bytes(range(40)))
    return path


# --- -x, -xx, -a, -n -------------------------------------------------------------------------

@pytest.mark.parametrize("flags", [["-x"], ["-xx"], ["-a", "60"], ["-a", "0"], ["-n"], ["-x", "-n", "-a", "20"]],
                         ids=["x", "xx", "a60", "a0", "n", "x-n-a20"])
def test_string_forms_columns_and_numbers(tmp_path, binary_file, flags):
    """-n on the exit line shows the last call the tracer stopped at: the last traced one with
    strace --seccomp-bpf, sysrec's way (plain strace also stops at the untraced exit_group)."""
    ours = same(tmp_path, ["-f", "-e", "trace=openat,read,write,close", *flags], ["cat", str(binary_file)],
                strace_only=("--seccomp-bpf",))
    if "-xx" in flags:
        assert any(r'"\x61\x09\x62' in line for line in ours)
    if "-n" in flags:
        assert any(re.match(r"\d+ +\[   0\] read\(", line) for line in ours)
        assert re.match(r"\d+ +\[   3\] \+\+\+ exited with 0", ours[-1])


# --- -z, -Z, -e status= ------------------------------------------------------------------------

@pytest.mark.parametrize("flags", [["-z"], ["-Z"], ["-e", "status=failed,unfinished"],
                                   ["-e", "status=!successful"], ["-e", "status=unfinished"], ["-z", "-Z"]],
                         ids=["z", "Z", "failed-unfinished", "not-successful", "unfinished", "z-then-Z"])
def test_status_filters(tmp_path, flags):
    ours = same(tmp_path, ["-f", "-e", "trace=openat,close,wait4,exit_group", *flags],
                ["sh", "-c", "cat /nonexistent; cat /etc/hostname >/dev/null; exit 3"], interleaved=True)
    calls = [line for line in joined(ours) if not line.startswith(("+++", "---"))]
    assert calls
    if flags == ["-z"]:
        assert all(" = -1 " not in line and not line.endswith("= ?") for line in calls)
    if flags == ["-Z"]:
        assert all(" = -1 " in line for line in calls)


def test_status_filter_never_splits_lines(tmp_path):
    """strace stages each call until it ends: no `<unfinished ...>` even while another
    process prints."""
    ours = same(tmp_path, ["-f", "-e", "trace=wait4,write,exit_group", "-e", "status=successful,unfinished"],
                ["sh", "-c", "(sleep 0.2; echo child) & wait"], interleaved=True)
    assert not any("unfinished ..." in line or "resumed>" in line for line in ours)
    assert any(line.split(None, 1)[-1].startswith("wait4(") for line in ours)


# --- -e signal=, -e quiet=, -q, -qq, -qqq ------------------------------------------------------

SIGNALLED = ["sh", "-c", "/bin/echo hi; sleep 5 & kill -TERM $!; wait; kill -USR1 $$"]


@pytest.mark.parametrize("flags", [[], ["-q"], ["-qq"], ["-qqq"], ["-e", "signal=none"], ["-e", "signal=!SIGCHLD"],
                                   ["-e", "signal=usr1"], ["-e", "quiet=exit,superseded"], ["-e", "quiet=none"],
                                   ["-e", "signal=15"]],
                         ids=["default", "q", "qq", "qqq", "signal-none", "no-sigchld", "usr1", "quiet-exit",
                              "quiet-none", "signal-15"])
def test_signal_and_quiet_sets(tmp_path, flags):
    same(tmp_path, ["-f", "-e", "trace=write", *flags], SIGNALLED, interleaved=True)


def test_qq_hides_exit_lines_but_not_killed_lines(tmp_path):
    ours = same(tmp_path, ["-f", "-qq", "-e", "trace=write"], SIGNALLED, interleaved=True)
    assert not any("exited with" in line for line in ours)
    assert any("+++ killed by SIGTERM +++" in line for line in ours)


# --- -e read=, -e write= ----------------------------------------------------------------------

@pytest.mark.parametrize("flags", [["-e", "read=3", "-e", "write=1"], ["-e", "read=all"], ["-e", "write=!1"],
                                   ["-e", "read=0,3", "-e", "write=none"]],
                         ids=["read3-write1", "read-all", "write-not-1", "write-none"])
def test_hex_dumps(tmp_path, binary_file, flags):
    ours = same(tmp_path, ["-e", "trace=read,write,pread64", *flags], ["cat", str(binary_file)])
    if flags[1] == "read=3":
        assert " | 00000  61 09 62 01 ff 0a 70 6c  61 69 6e 20 74 65 78 74  a.b...plain text |" in ours


def test_hex_dumps_of_vectored_and_socket_io(tmp_path):
    """writev/readv (` * N bytes in buffer I`) and sendto/recvfrom on a socketpair."""
    script = ("import os, socket\n"
              "a, b = socket.socketpair()\n"
              "os.writev(a.fileno(), [b'first', b'', b'second'])\n"
              "buf1, buf2 = bytearray(3), bytearray(20)\n"
              "os.readv(b.fileno(), [buf1, buf2])\n"
              "a.sendto(b'x' * 40, 0, ('127.0.0.1', 0)) if False else a.send(b'y' * 40)\n"
              "b.recv(100)\n")
    ours = same(tmp_path, ["-e", "trace=writev,readv,sendto,recvfrom", "-e", "read=all", "-e", "write=all"],
                [sys.executable, "-I", "-S", "-c", script])
    assert any(line.startswith(" * 5 bytes in buffer 0") for line in ours)


# --- -ff, -A ----------------------------------------------------------------------------------

def _files(tmp_path: Path, base: str) -> dict[str, list[str]]:
    """FILE.PID files, keyed by their order of creation (pids differ between runs)."""
    found = sorted(tmp_path.glob(base + ".*"), key=lambda p: int(p.suffix[1:]))
    return {f"P{i}": p.read_text().splitlines() for i, p in enumerate(found)}


def test_ff_writes_one_file_per_process(tmp_path):
    argv = ["sh", "-c", "/bin/echo one; /bin/echo two; exit 4"]
    for tool in ("strace", "sysrec"):
        cmd = (["strace"] if tool == "strace" else SYSREC) + ["-ff", "-o", str(tmp_path / tool),
                                                             "-e", "trace=write,wait4,exit_group", "--", *argv]
        proc = subprocess.run(cmd, capture_output=True, timeout=60, env=ENV, cwd=tmp_path)
        assert proc.returncode == 4, proc.stderr.decode(errors="replace")
    theirs, ours = _files(tmp_path, "strace"), _files(tmp_path, "sysrec")
    assert len(theirs) == 3 and len(ours) == 3
    for key in theirs:
        assert_same(_child_pids(normalize(theirs[key])), _child_pids(normalize(ours[key])))
    assert not (tmp_path / "sysrec").exists()


def test_show_writes_the_ff_files_again(tmp_path):
    argv = ["sh", "-c", "/bin/echo one; /bin/echo two; exit 4"]
    live = tmp_path / "live"
    live.mkdir()
    subprocess.run(SYSREC + ["-ff", "-o", str(live / "out"), "--record", str(tmp_path / "run.jsonl"),
                             "-e", "trace=write,execve,exit_group", "--", *argv],
                   capture_output=True, timeout=60, env=ENV, cwd=tmp_path)
    again = tmp_path / "again"
    again.mkdir()
    shown = subprocess.run([sys.executable, "-m", "sysrec", "show", str(tmp_path / "run.jsonl"), "-o", str(again / "out")],
                           capture_output=True, timeout=60, env=ENV)
    assert shown.returncode == 0, shown.stderr.decode(errors="replace")
    files = sorted(p.name for p in live.iterdir())
    assert len(files) == 3 and files == sorted(p.name for p in again.iterdir())
    for name in files:
        assert (again / name).read_text() == (live / name).read_text()


def test_A_appends_to_the_output_file(tmp_path):
    for tool in ("strace", "sysrec"):
        (tmp_path / f"{tool}.out").write_text("earlier line\n")
    theirs, ours, _, _ = run_both(tmp_path, ["-A", "-e", "trace=exit_group"], ["true"])
    assert theirs[0] == ours[0] == "earlier line"
    assert_same(normalize(theirs), normalize(ours))


# --- -E ---------------------------------------------------------------------------------------

def test_E_sets_and_removes_variables(tmp_path):
    env = {**ENV, "DROPPED": "1"}
    theirs, ours, their_proc, our_proc = run_both(
        tmp_path, ["-E", "ADDED=yes", "-E", "DROPPED", "-e", "trace=exit_group"],
        ["sh", "-c", 'echo "${ADDED:-unset} ${DROPPED:-unset}"'], env=env)
    assert their_proc.stdout == our_proc.stdout == b"yes unset\n"
    assert_same(normalize(theirs), normalize(ours))


# --- bad input: strace's wording, exit 2 ------------------------------------------------------

@pytest.mark.parametrize("flags, message", [
    (["-e", "status=sucessful"], "invalid status 'sucessful'"),
    (["-e", "signal=SIGFOO"], "invalid signal 'SIGFOO'"),
    (["-e", "quiet=resume"], "invalid quiet 'resume'"),
    (["-e", "read=x"], "invalid descriptor 'x'"),
    (["-a", "x"], "invalid -a argument: 'x'"),
    (["-X", "foo"], "invalid -X argument: 'foo'"),
    (["-q", "-e", "quiet=exit"], "-q and -e quiet/--quiet cannot be provided simultaneously"),
])
def test_bad_values_are_one_line_with_straces_words(flags, message):
    proc = subprocess.run(SYSREC + [*flags, "--", "true"], capture_output=True, timeout=60, env=ENV)
    theirs = subprocess.run(["strace", *flags, "--", "true"], capture_output=True, timeout=60)
    assert theirs.returncode == 1 and message in theirs.stderr.decode()
    assert proc.returncode == 2
    assert proc.stderr.decode() == f"sysrec: {message}\n"


# --- the record keeps it -----------------------------------------------------------------------

def test_show_re_renders_filters_and_dumps(tmp_path, binary_file):
    out, record = tmp_path / "live.out", tmp_path / "run.jsonl"
    subprocess.run(SYSREC + ["-f", "-o", str(out), "--record", str(record), "-x", "-n", "-a", "30",
                             "-e", "status=successful,failed", "-e", "trace=openat,read,write,exit_group", "-e", "read=all", "-e", "signal=none", "--",
                             "sh", "-c", f"cat {binary_file} /nonexistent; true"],
                   capture_output=True, timeout=60, env=ENV)
    shown = subprocess.run([sys.executable, "-m", "sysrec", "show", str(record), "--format", "strace"],
                           capture_output=True, timeout=60, env=ENV)
    assert shown.returncode == 0, shown.stderr.decode(errors="replace")
    assert shown.stdout.decode() == out.read_text()
    assert "ENOENT" in out.read_text() and " | 00000  " in out.read_text()
    assert "exit_group" not in out.read_text()


# --- -P PATH ----------------------------------------------------------------------------------

FILE_CALLS = "trace=openat,newfstatat,fadvise64,read,write,close,mmap,dup2,fcntl"


@pytest.mark.parametrize("which", ["file", "link", "link-quiet", "two"])
def test_P_keeps_the_calls_that_touch_the_path(tmp_path, binary_file, which):
    """A path argument or an fd open on the path; a symlink matches as given and as resolved
    (strace's note on stderr, unless -e quiet=path-resolution)."""
    link = tmp_path / "link"
    link.symlink_to(binary_file)
    flags = {"file": ["-P", str(binary_file)], "link": ["-P", str(link)],
             "link-quiet": ["-P", str(link), "-e", "quiet=path-resolution"],
             "two": ["-P", "/etc/passwd", "-P", str(binary_file)]}[which]
    theirs, ours, their_proc, our_proc = run_both(
        tmp_path, ["-f", "-e", FILE_CALLS, *flags],
        ["sh", "-c", f"cat {link} /etc/passwd >/dev/null; exec 5<{binary_file}; cat /etc/hostname >&5 2>/dev/null; true"])
    assert_same(joined(theirs), joined(ours))
    assert any(line.startswith("read(3, ") for line in joined(ours))
    assert not any('"/etc/hostname"' in line for line in ours)
    # `-e quiet=path-resolution` given: -o no longer implies -q, both announce the children
    notes = re.compile(r"(strace|sysrec): Process \d+ attached\n")
    note = notes.sub("", their_proc.stderr.decode()).replace("strace: ", "sysrec: ")
    assert notes.sub("", our_proc.stderr.decode()) == note
    assert len(notes.findall(our_proc.stderr.decode())) == len(notes.findall(their_proc.stderr.decode()))
    assert ("resolved into" in note) == (which == "link")


# --- -e raw=, -Y ------------------------------------------------------------------------------

@pytest.mark.parametrize("raw", ["openat,read,close", "all", "!read"])
def test_raw_prints_registers_in_hex(tmp_path, binary_file, raw):
    ours = same(tmp_path, ["-e", "trace=openat,read,close,write", "-e", f"raw={raw}"],
                ["cat", str(binary_file), "/nonexistent"])
    assert any(re.match(r"openat\(0xffffff9c, 0x[0-9a-f]+, 0x80000, 0\) += 0x3$", line) for line in ours) \
        or raw == "!read"


def _with_comm(lines: list[str]) -> list[str]:
    """`1234<sh> rest` -> `sh| rest`, normalised; before its execve the traced command is the
    tracer's fork: `<strace>`, or sysrec's own name."""
    out = []
    for line in lines:
        m = re.match(r"^\d+<([^>]*)> (.*)$", line)
        assert m, line
        comm = "TRACER" if re.fullmatch(r"strace|python[\d.]*|sysrec", m.group(1)) else m.group(1)
        out.append(f"{comm}| {normalize([m.group(2)])[0]}")
    return out


@pytest.mark.parametrize("flags", [["-Y", "-f"], ["--decode-pids=comm", "-f"], ["-e", "decode-pids=comm", "-f"]],
                         ids=["Y", "long", "qualifier"])
def test_Y_names_the_command_beside_each_pid(tmp_path, flags):
    argv = ["sh", "-c", "/bin/true; echo hi"]
    theirs, ours, _, _ = run_both(tmp_path, [*flags, "-e", "trace=execve,write"], argv)
    assert_same(_with_comm(theirs), _with_comm(ours))
    assert any(line.startswith("true| +++ exited with 0") for line in _with_comm(ours))


def test_Y_names_pids_in_arguments_return_values_and_siginfo(tmp_path):
    argv = ["sh", "-c", "(sleep 0.3; true) & kill -0 $!; wait"]  # the subshell stays `sh`
    theirs, ours, _, _ = run_both(tmp_path, ["-Y", "-f", "-e", "trace=kill,getpid,getppid"], argv)
    def name_pids(lines: list[str]) -> list[str]:
        out = [re.sub(r"\b\d{2,}<", "PID<", line) for line in _with_comm(lines)]
        out = [re.sub(r"<(strace|python[\d.]*|sysrec)>", "<TRACER>", line) for line in out]
        return [re.sub(r"\)\s+= ", ") = ", line) for line in out]  # the padding follows the pids' digits
    assert_same(name_pids(theirs), name_pids(ours))
    assert any(re.search(r"kill\(PID<sh>, 0\)", line) for line in name_pids(ours))
    assert any(re.search(r"si_pid=P\d+<sh>", line) for line in name_pids(ours))
    assert "sleep| +++ exited with 0 +++" in name_pids(ours)


def test_Y_reads_the_name_again_after_an_untraced_execve(tmp_path):
    """The execve is not traced: the name must still follow it (`<sh>`, then `<cat>`)."""
    argv = ["sh", "-c", "exec cat /etc/hostname"]
    theirs, ours, _, _ = run_both(tmp_path, ["-Y", "-f", "-e", "trace=openat"], argv)
    assert_same(_with_comm(theirs), _with_comm(ours))
    assert _with_comm(ours)[-1] == "cat| +++ exited with 0 +++"


# --- -i ---------------------------------------------------------------------------------------

def _ip_page_offsets(lines: list[str]) -> list[str]:
    """ASLR moves libc: the instruction pointer's page offset (its last 3 digits) stays."""
    return [re.sub(r"\[0000[0-9a-f]{9}([0-9a-f]{3})\]", r"[IP..\1]", line) for line in lines]


def test_i_prints_the_instruction_pointer(tmp_path):
    theirs, ours, _, _ = run_both(tmp_path, ["-i", "-f", "-e", "trace=write,exit_group"],
                                  ["sh", "-c", "/bin/echo hi; kill -USR1 $$"])
    assert_same(_child_pids(joined(_ip_page_offsets(theirs))), _child_pids(joined(_ip_page_offsets(ours))))
    assert any(line.startswith("[IP..") and "--- SIGUSR1" in line for line in joined(_ip_page_offsets(ours)))
    assert "[????????????????] +++ killed by SIGUSR1 +++" in joined(ours)


# --- colour -----------------------------------------------------------------------------------

def _on_a_terminal(args: list[str], env: dict) -> str:
    """What sysrec writes to a terminal (a pty as its stderr)."""
    import pty

    leader, follower = pty.openpty()
    try:
        proc = subprocess.Popen(SYSREC + args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=follower, env=env)
        os.close(follower)
        chunks = []
        while True:
            try:
                data = os.read(leader, 65536)
            except OSError:  # EIO: the terminal's other side is closed
                break
            if not data:
                break
            chunks.append(data)
        proc.wait(timeout=60)
    finally:
        os.close(leader)
    return b"".join(chunks).decode(errors="replace")


def test_colour_on_a_terminal_only(tmp_path):
    args = ["-f", "-e", "trace=openat", "--", "sh", "-c", "cat /nonexistent; kill -TERM $$"]
    env = {k: v for k, v in ENV.items() if k != "NO_COLOR"}
    text = _on_a_terminal(args, env)
    assert "\x1b[31m= -1 ENOENT (No such file or directory)\x1b[0m" in text
    assert "\x1b[35m--- SIGCHLD {" in text and "\x1b[1;31m+++ killed by SIGTERM +++\x1b[0m" in text
    assert "\x1b[" not in _on_a_terminal(args, {**env, "NO_COLOR": "1"})
    assert "\x1b[" not in _on_a_terminal(["--color=never", *args], env)
    piped = subprocess.run(SYSREC + args, capture_output=True, timeout=60, env=env)
    assert b"\x1b[" not in piped.stderr and b"ENOENT" in piped.stderr
    forced = subprocess.run(SYSREC + ["--color=always", *args], capture_output=True, timeout=60, env=env)
    assert b"\x1b[31m= -1 ENOENT" in forced.stderr


# --- -u USERNAME ------------------------------------------------------------------------------

needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="-u needs root")


@needs_root
@pytest.mark.parametrize("setuid", [False, True], ids=["plain", "setuid-program"])
def test_u_runs_the_command_as_the_user(tmp_path, setuid):
    """uid, gid and groups of the user; a set-user-ID program keeps its owner as euid."""
    import tempfile

    where = Path(tempfile.mkdtemp(prefix="sysrec-u-"))  # tmp_path is root's alone: the user could not run it
    where.chmod(0o755)
    program = where / "id"
    shutil.copy("/usr/bin/id", program)
    os.chmod(program, 0o4755 if setuid else 0o755)
    theirs, ours, their_proc, our_proc = run_both(
        tmp_path, ["-u", "nobody", "-e", "trace=getuid,geteuid,getgid,getegid,getgroups"], [str(program)])
    assert our_proc.stdout == their_proc.stdout
    assert_same(normalize(theirs), normalize(ours))
    assert ("geteuid()                               = 0" in ours) == setuid
    assert "getuid()                                = 65534" in ours
    shutil.rmtree(where)


def test_u_refuses_unknown_users_and_non_root(monkeypatch):
    proc = subprocess.run(SYSREC + ["-u", "no-such-user-here", "--", "true"], capture_output=True, timeout=60, env=ENV)
    if os.geteuid() == 0:
        assert proc.returncode == 2 and proc.stderr == b"sysrec: Cannot find user 'no-such-user-here'\n"
    from sysrec.errors import InputError
    from sysrec.tracer.credentials import credentials_for

    monkeypatch.setattr(os, "getuid", lambda: 1000)
    with pytest.raises(InputError, match=r"^You must be root to use the -u/--username option$"):
        credentials_for("nobody", "/bin/true")


@pytest.mark.parametrize("expr", ["verbose=none", "verbose=!getsockname,rt_sigaction,read", "verbose=%network"])
def test_verbose_set_prints_other_calls_structs_as_addresses(tmp_path, expr):
    """-e verbose=SET: calls outside it print their structs and arrays as addresses (argv,
    sockaddrs, stat, rt_sigaction…), their strings still quoted (read's data, paths)."""
    script = tmp_path / "constants.py"
    script.write_text(CONSTANTS_PROGRAM)
    trace_set = ("trace=execve,read,newfstatat,fstat,rt_sigaction,socket,connect,getsockname,bind,accept4,"
                 "sendto,recvfrom,getpeername,setsockopt,ioctl,prlimit64,readlink")
    theirs, ours, their_proc, our_proc = run_both(tmp_path, ["-e", expr, "-e", trace_set],
                                                  ["/usr/bin/python3", str(script)])
    assert our_proc.returncode == their_proc.returncode == 0
    assert_same(normalize(theirs), normalize(ours))
    text = "\n".join(ours)
    assert ('connect(4, {sa_family=AF_INET' in text) == (expr != "verbose=none")
    assert 'read(3, "' in text


def test_default_abbrev_and_verbose_are_accepted(tmp_path):
    same(tmp_path, ["-e", "trace=openat", "-e", "abbrev=all", "-e", "verbose=all", "-X", "abbrev"],
         ["cat", "/etc/hostname"])


# --- -v, -e abbrev= ------------------------------------------------------------------------------

STAT_CALLS = "trace=execve,newfstatat,fstat,statx,getdents64,stat,lstat"


def same_quietly(tmp_path: Path, flags: list[str], argv: list[str], cwd: Path, status: int = 2) -> list[str]:
    """As same(), with the program's output and working directory where no run changes their
    times (full stat structs show them)."""
    lines = []
    for tool in ("strace", "sysrec"):
        out = tmp_path / f"{tool}.out"
        cmd = (["strace"] if tool == "strace" else SYSREC) + ["-o", str(out), *flags, "--", *argv]
        proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
                              timeout=60, cwd=cwd, env=ENV)
        assert proc.returncode == status  # ls: 2, the missing files
        lines.append(out.read_text(encoding="utf-8", errors="surrogateescape").splitlines())
    assert_same(normalize(lines[0]), normalize(lines[1]))
    return lines[1]


@pytest.fixture
def listed_dir(tmp_path: Path) -> Path:
    """A directory with a file, a subdirectory and a symlink, listed once so that its access
    time no longer moves (relatime) and both tracers see the same stat data."""
    top = tmp_path / "quiet" / "listed"  # its `..` is not where the tracers write
    (top / "sub").mkdir(parents=True)
    (top / "file").write_text("twelve bytes")
    (top / "link").symlink_to("file")
    subprocess.run(["ls", "-la", str(top), str(top.parent)], capture_output=True, check=True)
    return top


@pytest.mark.parametrize("flags", [["-v"], ["--no-abbrev"], ["-e", "abbrev=none"], ["-e", "abbrev=execve"],
                                   ["-e", "abbrev=!execve,getdents64"], ["-v", "-s", "4"]],
                         ids=["v", "no-abbrev", "abbrev-none", "abbrev-execve", "abbrev-not-execve-getdents",
                              "v-s4"])
def test_v_prints_structs_environment_and_entries_in_full(tmp_path, listed_dir, flags):
    """stat/statx with every member and dates, getdents64's entries, execve's environment as
    strings and argv past -s elements, each only for the calls outside the abbrev set."""
    argv = ["ls", "-la", "-i", str(listed_dir), "a", "b", "c", "d", "e"]
    ours = same_quietly(tmp_path, ["-e", STAT_CALLS, *flags], argv, cwd=listed_dir.parent)
    text = "\n".join(ours)
    stat_in_full = "abbrev=!execve,getdents64" not in flags
    assert ("st_nlink=" in text and "stx_nlink=" in text) == stat_in_full
    assert ("st_size=4096, ...}" in text) != stat_in_full
    assert 'd_name="file"' in text and "d_type=DT_LNK" in text  # getdents64 is never abbreviated here
    assert ("vars */" in ours[0]) == ("abbrev=execve" in flags)
    if "-s" in flags:
        assert '"d", "e"]' in ours[0]  # argv past -s elements


@pytest.mark.parametrize("flags", [["--verbose=!newfstatat"], ["--abbrev=none", "--verbose=execve,newfstatat"],
                                   ["--abbrev=newfstatat", "-v"], ["-v", "-e", "abbrev=newfstatat"]],
                         ids=["verbose", "abbrev-verbose", "v-after-abbrev", "abbrev-after-v"])
def test_abbrev_and_verbose_long_options(tmp_path, flags):
    """--abbrev=SET and --verbose=SET are -e abbrev= and -e verbose=; of -v (abbrev=none) and
    an abbrev set, the later wins, as strace reads its options in order."""
    ours = same_quietly(tmp_path, [*flags, "-e", "trace=execve,newfstatat,openat"], ["cat", "/etc/hostname"],
                        cwd=Path("/"), status=0)
    assert any(line.startswith("newfstatat(") for line in ours)


TERMINAL_AND_USAGE = """\
import fcntl, os, pty, resource, termios
os.uname()
controller, terminal = pty.openpty()
termios.tcgetattr(terminal)
try:
    fcntl.ioctl(terminal, 0x802c542a, bytearray(44))  # TCGETS2
except OSError:
    pass
pid = os.fork()
if pid == 0:
    os._exit(3)
os.wait4(pid, 0)
resource.getrusage(resource.RUSAGE_SELF)
"""


@pytest.mark.parametrize("flags", [[], ["-v"], ["-e", "abbrev=!getrusage"]], ids=["brief", "v", "abbrev-not-getrusage"])
def test_v_prints_termios_rusage_and_uname_in_full(tmp_path, flags):
    """TCGETS/TCGETS2 with c_line, every c_cc slot and termios2's speeds; struct rusage with its
    fourteen counters (their values differ between runs: compared by name and order); uname's
    six members."""
    script = tmp_path / "terminal_and_usage.py"
    script.write_text(TERMINAL_AND_USAGE)
    theirs, ours, their_proc, our_proc = run_both(
        tmp_path, ["-e", "trace=ioctl,wait4,getrusage,uname", "-e", "status=successful", *flags],
        ["/usr/bin/python3", str(script)])
    assert our_proc.returncode == their_proc.returncode == 0

    def counters_out(lines: list[str]) -> list[str]:
        lines = [line for line in lines if not line.startswith("--- SIGCHLD")]  # races with wait4
        lines = [re.sub(r"(ru_\w+|tv_usec)=\d+", r"\1=N", line) for line in lines]
        return [re.sub(r"^(wait4\()\d+(.*= )\d+$", r"\1PID\2PID", line) for line in lines]
    assert_same(counters_out(normalize(theirs)), counters_out(normalize(ours)))
    text = "\n".join(ours)
    assert ("c_line=N_TTY, c_cc=[[VINTR]=0x3" in text) == bool(flags and flags[0] == "-v")
    assert ("ru_nivcsw=" in text) == bool(flags)
    assert ("machine=" in text) == (flags == ["-v"])  # uname's members after nodename


def test_show_prints_a_verbose_record_either_way(tmp_path, listed_dir):
    """A record made with -v holds both forms: `show` prints it as traced, and a record made
    without -v comes back abbreviated even with `show -v` (the full data was never read)."""
    verbose, brief = tmp_path / "v.jsonl", tmp_path / "b.jsonl"
    for record, flags in ((verbose, ["-v"]), (brief, [])):
        proc = subprocess.run(SYSREC + ["-o", str(tmp_path / f"{record.stem}.txt"), "--record", str(record),
                                        "-e", STAT_CALLS, *flags, "--", "ls", "-la", str(listed_dir)],
                              capture_output=True, timeout=60, env=ENV)
        assert proc.returncode == 0, proc.stderr
    show = [sys.executable, "-m", "sysrec", "show"]
    again = subprocess.run(show + [str(verbose)], capture_output=True, timeout=60, env=ENV, text=True)
    assert again.stdout == (tmp_path / "v.txt").read_text()
    assert "st_ino=" in again.stdout or "stx_ino=" in again.stdout
    plain = subprocess.run(show + ["-v", str(brief)], capture_output=True, timeout=60, env=ENV, text=True)
    assert plain.stdout == (tmp_path / "b.txt").read_text() and "vars */" in plain.stdout


SENDMSG_RECVMSG = """\
import socket
a, b = socket.socketpair()
a.sendmsg([b"hello ", b"world"])
b.recvmsg(100)
a.sendmsg([b"x" * 20, b"", b"y"])
buf1, buf2 = bytearray(4), bytearray(50)
b.recvmsg_into([buf1, buf2])
"""

SENDMMSG_RECVMMSG = """\
import socket, ctypes, os
a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
libc = ctypes.CDLL(None, use_errno=True)
class iovec(ctypes.Structure): _fields_ = [("base", ctypes.c_void_p), ("len", ctypes.c_size_t)]
class msghdr(ctypes.Structure): _fields_ = [("name", ctypes.c_void_p), ("namelen", ctypes.c_uint), ("iov", ctypes.POINTER(iovec)), ("iovlen", ctypes.c_size_t), ("control", ctypes.c_void_p), ("controllen", ctypes.c_size_t), ("flags", ctypes.c_int)]
class mmsghdr(ctypes.Structure): _fields_ = [("hdr", msghdr), ("len", ctypes.c_uint)]
bufs = [ctypes.create_string_buffer(b"first", 5), ctypes.create_string_buffer(b"second!", 7)]
iovs = (iovec * 2)(iovec(ctypes.addressof(bufs[0]), 5), iovec(ctypes.addressof(bufs[1]), 7))
msgs = (mmsghdr * 2)()
msgs[0].hdr.iov = ctypes.cast(ctypes.byref(iovs, 0), ctypes.POINTER(iovec)); msgs[0].hdr.iovlen = 1
msgs[1].hdr.iov = ctypes.cast(ctypes.byref(iovs, 16), ctypes.POINTER(iovec)); msgs[1].hdr.iovlen = 1
libc.sendmmsg(a.fileno(), msgs, 2, 0)
rb = [ctypes.create_string_buffer(3), ctypes.create_string_buffer(20), ctypes.create_string_buffer(20)]
riov = (iovec * 3)(iovec(ctypes.addressof(rb[0]), 3), iovec(ctypes.addressof(rb[1]), 20), iovec(ctypes.addressof(rb[2]), 20))
rm = (mmsghdr * 2)()
rm[0].hdr.iov = ctypes.cast(ctypes.byref(riov, 0), ctypes.POINTER(iovec)); rm[0].hdr.iovlen = 2
rm[1].hdr.iov = ctypes.cast(ctypes.byref(riov, 32), ctypes.POINTER(iovec)); rm[1].hdr.iovlen = 1
libc.recvmmsg(b.fileno(), rm, 2, 0, None)
"""


@pytest.mark.parametrize("script, calls", [(SENDMSG_RECVMSG, "sendmsg,recvmsg"), (SENDMMSG_RECVMMSG, "sendmmsg,recvmmsg")],
                         ids=["msg", "mmsg"])
def test_hex_dumps_of_messages(tmp_path, script, calls):
    """sendmsg/recvmsg (each iovec up to what moved), sendmmsg/recvmmsg (` = N buffers in vector I`)."""
    program = tmp_path / "client.py"
    program.write_text(script)
    ours = same(tmp_path, ["-e", f"trace={calls}", "-e", "read=all", "-e", "write=all"],
                [sys.executable, "-I", "-S", str(program)])
    assert " * 2 bytes in buffer 1" in ours or " * 5 bytes in buffer 1" in ours


@pytest.mark.parametrize("flag", ["-x", "-xx"])
def test_x_applies_to_fd_paths_too(tmp_path, flag):
    named = tmp_path / "caf\u00e9"
    named.write_text("x")
    ours = same(tmp_path, [flag, "-yy", "-e", "trace=openat,read"], ["cat", str(named)])
    assert any(r"\x63\x61\x66\xc3\xa9>" in line for line in ours)


# --- the oracle's network clients, in their network namespace, with these flags -----------------

from tests.test_oracle import CLIENTS, NETWORK_SET, PY, WITH_IO, _trace, compare  # noqa: E402


@pytest.mark.oracle
@pytest.mark.kernel
@pytest.mark.parametrize("scenario, trace_set, flags, interleaved", [
    ("tcp_echo", NETWORK_SET + ",read,write", ["-e", "read=all", "-e", "write=all"], False),
    ("udp", NETWORK_SET, ["-e", "write=all", "-x"], False),  # read=: MSG_TRUNC dumps memory past the buffer
    ("mmsg", NETWORK_SET, ["-e", "read=all", "-e", "write=all", "-xx"], False),
    ("refused_select", NETWORK_SET, ["-z"], False),
    ("refused_poll", NETWORK_SET, ["-Z", "-n"], False),
    ("interrupted", NETWORK_SET, ["-e", "status=!successful", "-e", "signal=!SIGALRM"], False),
    ("forking", WITH_IO, ["-qq", "-e", "status=successful"], True),
    ("signals", NETWORK_SET, ["-e", "signal=SIGPIPE", "-a", "50"], True),
    ("sockopts", NETWORK_SET, ["-e", "raw=setsockopt,getsockopt", "-i"], False),
], ids=["tcp-dumps", "udp-dumps-x", "mmsg-dumps-xx", "refused-z", "poll-Z-n", "interrupted-status-signal",
        "forking-qq-successful", "signals-sigpipe-a50", "sockopts-raw-i"])
def test_network_clients_with_output_flags(tmp_path, scenario, trace_set, flags, interleaved):
    if "-i" in flags:  # ASLR: compare the instruction pointers' page offsets
        theirs = _ip_page_offsets(_trace("strace", trace_set, PY + [str(CLIENTS), scenario], tmp_path, flags))
        ours = _ip_page_offsets(_trace("sysrec", trace_set, PY + [str(CLIENTS), scenario], tmp_path, flags))
        assert_same(normalize(theirs), normalize(ours))
    else:
        ours = compare(tmp_path, PY + [str(CLIENTS), scenario], trace_set, interleaved=interleaved, extra=flags)
    assert ours


def test_ff_gives_each_thread_its_file(tmp_path):
    script = ("import os, threading\n"
              "ts = [threading.Thread(target=os.write, args=(1, b't%d\\n' % i)) for i in range(3)]\n"
              "[t.start() for t in ts]\n[t.join() for t in ts]\n")
    contents = {}
    for tool in ("strace", "sysrec"):
        (tmp_path / tool).mkdir()
        cmd = (["strace"] if tool == "strace" else SYSREC) + ["-ff", "-o", str(tmp_path / tool / "out"),
                                                             "-e", "trace=write", "--",
                                                             sys.executable, "-I", "-S", "-c", script]
        subprocess.run(cmd, capture_output=True, timeout=60, env=ENV, cwd=tmp_path)
        contents[tool] = sorted("\n".join(normalize(p.read_text().splitlines())) for p in (tmp_path / tool).iterdir())
    assert len(contents["strace"]) == 4
    assert contents["sysrec"] == contents["strace"]


def test_P_follows_the_path_through_fds_mmap_and_dup(tmp_path, binary_file):
    """mmap's fd (its 5th argument), dup2's and fcntl's fds, close of a duplicate."""
    script = tmp_path / "mapper.py"
    script.write_text(f"import mmap, os\nfd = os.open({str(binary_file)!r}, os.O_RDONLY)\n"
                      "m = mmap.mmap(fd, 0, prot=mmap.PROT_READ)\nos.dup2(fd, 9)\nos.close(9)\n"
                      "os.lseek(fd, 0, 0)\nos.fstat(fd)\nos.close(fd)\nos.close(os.open('/etc/hostname', 0))\n")
    ours = same(tmp_path, ["-e", "trace=openat,mmap,dup2,close,lseek,newfstatat,fcntl", "-P", str(binary_file)],
                [sys.executable, "-I", "-S", str(script)])
    assert any(line.startswith("mmap(NULL, ") for line in ours)
    assert any(line.startswith("close(9)") for line in ours)


# --- restart_syscall ---------------------------------------------------------------------------

def _child_sleeping(parent: int, timeout: float = 20.0) -> int:
    """The pid of `parent`'s child once it sleeps inside clock_nanosleep (syscall 230)."""
    import time
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
                if int(stat.rsplit(")", 1)[1].split()[1]) != parent:
                    continue
                if Path(f"/proc/{entry}/syscall").read_text().split()[0] == "230":
                    return int(entry)
            except (OSError, IndexError, ValueError):
                continue
        time.sleep(0.02)
    raise AssertionError("the traced sleep never reached clock_nanosleep")


def _stopped_and_continued(cmd: list[str], out: Path) -> list[str]:
    """Runs `cmd` (a tracer around `sleep 2`), stops the sleep with SIGSTOP inside its
    nanosleep and continues it: the kernel restarts the call through restart_syscall."""
    import signal
    import time
    tracer = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV)
    try:
        sleeper = _child_sleeping(tracer.pid)
        os.kill(sleeper, signal.SIGSTOP)
        # a SIGCONT sent before the tracee took the SIGSTOP would discard it: wait for the line
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and "stopped by SIGSTOP" not in (out.read_text() if out.exists() else ""):
            time.sleep(0.05)
        time.sleep(0.1)
        os.kill(sleeper, signal.SIGCONT)
        assert tracer.wait(timeout=30) == 0
    finally:
        if tracer.poll() is None:
            tracer.kill()
    lines = out.read_text().splitlines()
    return [re.sub(r"(\{tv_sec=2, tv_nsec=0\}, )\{tv_sec=\d, tv_nsec=\d+\}", r"\1{LEFT}", line) for line in lines]


@pytest.mark.parametrize("trace_set", ["trace=clock_nanosleep,restart_syscall", "trace=restart_syscall",
                                       "trace=restart_syscall,close"], ids=["with-nanosleep", "alone", "with-close"])
def test_restart_syscall_names_the_interrupted_call(tmp_path, trace_set):
    """`restart_syscall(<... resuming interrupted clock_nanosleep ...>)`: the task's last traced
    call, whichever it was; `system call` when none was (strace's s_prev_ent)."""
    outs = []
    for tool in ("strace", "sysrec"):
        out = tmp_path / f"{tool}.out"
        head = ["strace", "--seccomp-bpf"] if tool == "strace" else SYSREC
        outs.append(_stopped_and_continued(head + ["-o", str(out), "-e", trace_set, "--", "sleep", "2"], out))
    theirs, ours = outs
    assert_same(normalize(theirs), normalize(ours))
    # with close traced, sleep's last close before its nanosleep is the call "resumed"
    expected = {"trace=clock_nanosleep,restart_syscall": "clock_nanosleep", "trace=restart_syscall": "system call",
                "trace=restart_syscall,close": "close"}[trace_set]
    assert f"restart_syscall(<... resuming interrupted {expected} ...>) = 0" in ours


# --- `Process N attached` for followed children -------------------------------------------------

def _attach_notes(stderr: str, tool: str) -> list[int]:
    """strace may write its note in the middle of a line it has begun: found anywhere."""
    return [int(pid) for pid in re.findall(rf"{tool}: Process (\d+) attached$", stderr, re.M)]


@pytest.mark.parametrize("flags", [["-f"], ["-f", "-q"], ["-f", "-e", "quiet=attach"], ["-f", "-e", "quiet=exit"],
                                   ["-f", "-o", "FILE"], ["-f", "-o", "FILE", "-e", "quiet=none"], []],
                         ids=["f", "q", "quiet-attach", "quiet-exit", "o-implies-q", "o-quiet-none", "no-f"])
def test_followed_children_are_announced(tmp_path, flags):
    """strace's `Process N attached` on stderr for each child -f follows (threads too), before
    that child's first line; none with -q, quiet=attach, -o FILE (which implies -q) or without -f."""
    script = "import os, threading; t = threading.Thread(target=os.getpid); t.start(); t.join(); os.system('true')"
    counts = []
    for tool in ("strace", "sysrec"):
        args = [str(tmp_path / f"{tool}.out") if a == "FILE" else a for a in flags]
        cmd = (["strace"] if tool == "strace" else SYSREC) + [*args, "-e", "trace=clone,clone3,execve,exit", "--",
                                                             "/usr/bin/python3", "-c", script]
        proc = subprocess.run(cmd, capture_output=True, timeout=60, env=ENV, text=True)
        assert proc.returncode == 0, proc.stderr
        notes = _attach_notes(proc.stderr, tool)
        for pid in notes if tool == "sysrec" else ():  # whole, before any line of that pid
            lines = proc.stderr.splitlines()
            first = next((i for i, line in enumerate(lines) if line.startswith(f"[pid {pid:>5}]")), len(lines))
            assert lines.index(f"{tool}: Process {pid} attached") < first
        counts.append(len(notes))
    assert counts[0] == counts[1]
    assert counts[1] == (0 if not flags or "-q" in flags or "quiet=attach" in flags
                         or ("-o" in flags and "quiet=none" not in flags) else 2)  # a thread, sh


# --- -X raw|abbrev|verbose -------------------------------------------------------------------

CONSTANTS_PROGRAM = """\
import os, signal, socket
signal.signal(signal.SIGUSR1, lambda *a: None)
server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(("127.0.0.1", 0))
server.listen(5)
client = socket.socket()
client.connect(server.getsockname())
accepted, _ = server.accept()
client.send(b"hi")
accepted.recv(10, socket.MSG_PEEK)
os.kill(os.getpid(), signal.SIGUSR1)
socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC)
os.close(os.open(os.devnull, os.O_WRONLY | os.O_APPEND))
with open("/etc/hostname", "rb") as f:
    os.fstat(f.fileno())
"""


def _ports_out(lines: list[str]) -> list[str]:
    """-X prints a port as its two bytes (`sin_port="\\x8b\\xdd" /* htons(35805) */`): ephemeral."""
    return [re.sub(r'sin_port=("[^"]*"|\d+|htons\(\d+\))( /\* htons\(\d+\) \*/)?', "sin_port=PORT", line)
            for line in lines]


@pytest.mark.parametrize("style", ["raw", "verbose", "abbrev"])
@pytest.mark.parametrize("program", ["cat", "python", "sh"])
def test_X_prints_constants_as_numbers_or_both(tmp_path, style, program):
    """-X raw: `mmap(NULL, 8192, 0x3, 0x22, -1, 0)`, `openat(-100, ...)`, `st_mode=0100644`;
    -X verbose: `0x3 /* PROT_READ|PROT_WRITE */`, `-100 /* AT_FDCWD */`, `10 /* SIGUSR1 */`,
    sockaddr bytes with the abbrev text in a comment. A record keeps the style for `show`."""
    if program == "cat":
        trace_set = "trace=openat,mmap,mprotect,newfstatat,access,arch_prctl,prlimit64,fadvise64,read,close"
        argv = ["cat", "/etc/hostname"]
    elif program == "python":
        script = tmp_path / "constants.py"
        script.write_text(CONSTANTS_PROGRAM)
        trace_set = "trace=%network,rt_sigaction,openat,fcntl,ioctl,fstat,newfstatat,lseek,dup2,pipe2"
        argv = ["/usr/bin/python3", str(script)]
    else:  # signal masks (`[2 /* INT */]`), wait4's options
        trace_set = "trace=rt_sigaction,rt_sigprocmask,wait4,kill,execve,pipe2,dup2"
        argv = ["sh", "-c", "sleep 0 & wait; cat /etc/hostname | wc -c >/dev/null; trap '' INT; kill -0 0"]
    record = tmp_path / "x.jsonl"
    follow = ["-f", "-e", "signal=!SIGCHLD"] if program == "sh" else []  # two exits may make one SIGCHLD
    theirs, ours, their_proc, our_proc = run_both(tmp_path, [*follow, "-X", style, "-e", trace_set], argv)
    assert our_proc.returncode == their_proc.returncode == 0, our_proc.stderr
    if follow:
        assert_same(_child_pids(joined(theirs)), _child_pids(joined(ours)))
    else:
        assert_same(_ports_out(normalize(theirs)), _ports_out(normalize(ours)))
    text = "\n".join(ours)
    if program == "cat":
        expect = {"raw": "openat(-100, ", "verbose": "openat(-100 /* AT_FDCWD */, ", "abbrev": "openat(AT_FDCWD, "}
        assert expect[style] in text
    elif style == "verbose" and program == "python":
        assert "si_signo=10 /* SIGUSR1 */" in text and "0x2 /* AF_INET */" in text
    elif style == "verbose":
        assert "[2 /* INT */]" in text
    proc = subprocess.run(SYSREC + ["-o", str(tmp_path / "live.txt"), "--record", str(record), *follow, "-X", style,
                                    "-e", trace_set, "--", *argv], capture_output=True, timeout=60, env=ENV)
    assert proc.returncode == 0
    shown = subprocess.run([sys.executable, "-m", "sysrec", "show", str(record)], capture_output=True,
                           timeout=60, env=ENV, text=True)
    assert shown.stdout == (tmp_path / "live.txt").read_text()
