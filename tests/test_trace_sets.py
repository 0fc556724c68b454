"""`-e trace=SET` read as strace 6.1 reads it: every class, names, numbers, regular expressions,
`!`, `?`, personalities, several -e options, no -e at all (every syscall); and strace's messages
for the sets it refuses.

The sets are checked against strace itself: a static program that makes calls of every class
runs under both tracers with the same set, and the syscalls they show must be the same ones, in
the same order (names only: how each call's arguments print is the decoders' business)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sysrec.errors import InputError
from sysrec.syscall_classes_x86_64 import SYSCALLS
from sysrec.syscalls import NETWORK, SYSCALL_NUMBERS, parse_trace_expressions, parse_trace_set

REPO = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "PYTHONPATH": str(REPO), "LC_ALL": "C"}

# One or more calls of every class strace knows, each made directly (no libc wrapper choosing
# another syscall), in a single process.
PROGRAM = r"""
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int main(void)
{
	char buf[512];
	struct stat st;
	struct timespec ts;
	long fd = syscall(SYS_openat, AT_FDCWD, "/etc/passwd", O_RDONLY);
	syscall(SYS_read, fd, buf, 16);
	syscall(SYS_fstat, fd, &st);
	syscall(SYS_fstatfs, fd, buf);
	syscall(SYS_close, fd);
	syscall(SYS_stat, "/", &st);
	syscall(SYS_lstat, "/", &st);
	syscall(SYS_newfstatat, AT_FDCWD, "/", &st, 0);
	syscall(SYS_statx, AT_FDCWD, "/", 0, 0x7ff, buf);
	syscall(SYS_statfs, "/", buf);
	syscall(SYS_access, "/nonexistent", F_OK);
	syscall(SYS_getpid);
	syscall(SYS_getppid);
	syscall(SYS_getuid);
	syscall(SYS_getresuid, buf, buf + 8, buf + 16);
	syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts);
	syscall(SYS_clock_getres, CLOCK_REALTIME, &ts);
	syscall(SYS_kill, syscall(SYS_getpid), 0);
	syscall(SYS_rt_sigprocmask, SIG_BLOCK, NULL, buf, 8);
	long shm = syscall(SYS_shmget, IPC_PRIVATE, 4096, 0600);
	syscall(SYS_shmctl, shm, IPC_RMID, NULL);
	long sock = syscall(SYS_socket, AF_UNIX, SOCK_STREAM, 0);
	syscall(SYS_getsockname, sock, buf, NULL);
	syscall(SYS_close, sock);
	void *map = (void *) syscall(SYS_mmap, NULL, 4096, 3, 0x22, -1, 0);
	syscall(SYS_mprotect, map, 4096, 1);
	syscall(SYS_munmap, map, 4096);
	syscall(SYS_wait4, -1, NULL, 0, NULL);
	syscall(SYS_sched_yield);
	syscall(SYS_uname, buf);
	syscall(SYS_dup, 1);
	syscall(500, 0, 0, 0, 0, 0, 0);
	return 0;
}
"""

# Every class (both spellings), and names, numbers, regular expressions, `!`, `?`,
# personalities, `all` inside a list; several -e options (the last one counts).
SETS = [
    ["%file"], ["%desc"], ["%memory"], ["%process"], ["%creds"], ["%signal"], ["%ipc"],
    ["%net"], ["%network"], ["%clock"], ["%stat"], ["%lstat"], ["%fstat"], ["%%stat"],
    ["%statfs"], ["%fstatfs"], ["%%statfs"], ["%pure"],
    ["file,desc"], ["memory"], ["process,signal,ipc,network"],
    ["none"], ["all"], ["!none"], ["!all"], ["!!close"], ["!%desc,%memory"], ["!/^(stat|close)$"],
    ["/^(get|mm)"], ["/stat"], ["?nosuch,uname"], ["?/nomatch,uname"], ["getpid@64,uname@32,dup@x32"],
    ["waitpid,uname"], ["0,3,63,512"], ["all,close"], ["sched_yield,"],
    ["trace=close", "trace=uname"], ["t=close"], ["uname"],
    ["/"], ["/[[:alpha:]]"], ["?"], ["all@64"], ["%file@64"], ["12@64"], ["012"], ["/^brk$@32,dup"],
]


def _have(*tools: str) -> str | None:
    missing = [tool for tool in tools if shutil.which(tool) is None]
    return f"{', '.join(missing)} not installed" if missing else None


@pytest.fixture(scope="module")
def program(tmp_path_factory) -> Path:
    why = _have("strace", "gcc")
    if why:
        pytest.skip(why)
    workdir = tmp_path_factory.mktemp("sets")
    source = workdir / "classes.c"
    source.write_text(PROGRAM)
    binary = workdir / "classes"
    subprocess.run(["gcc", "-O0", "-w", "-static", "-o", str(binary), str(source)], check=True)
    return binary


def _expressions(exprs: list[str]) -> list[str]:
    return [arg for expr in exprs for arg in ("-e", expr if "=" in expr else f"trace={expr}")]


def _shown(tool: str, exprs: list[str], argv: list[str], workdir: Path) -> list[str]:
    """The syscall names a tracer shows, in order."""
    out = workdir / f"{tool}.out"
    if tool == "strace":
        tracer = ["strace", "-o", str(out), *_expressions(exprs)]
    else:
        tracer = [sys.executable, "-m", "sysrec", "trace", "-o", str(out), *_expressions(exprs), "--"]
    proc = subprocess.run([*tracer, *argv], capture_output=True, timeout=60, cwd=workdir, env=ENV)
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")
    names = []
    for line in out.read_text(errors="replace").splitlines():
        m = re.match(r"(\w+)\(", line)
        if m:
            names.append(m.group(1))
    return names


@pytest.mark.parametrize("exprs", SETS, ids=lambda e: " -e ".join(e))
def test_same_syscalls_as_strace(program, tmp_path, exprs):
    theirs = _shown("strace", exprs, [str(program)], tmp_path)
    assert theirs == _shown("sysrec", exprs, [str(program)], tmp_path)
    if exprs not in (["none"], ["!all"], ["?"]):
        assert set(theirs) - {"syscall_0x1f4"}, "the set shows nothing of the program: a weak check"


def test_no_expression_traces_every_syscall(program, tmp_path):
    theirs = _shown("strace", [], [str(program)], tmp_path)
    assert theirs == _shown("sysrec", [], [str(program)], tmp_path)
    assert {"execve", "openat", "statx", "shmget", "socket", "mmap", "wait4", "syscall_0x1f4"} <= set(theirs)


def _calls_made(text: str) -> list[str]:
    """The names of the calls in `strace -f -o` text, a line cut by another process's joined
    with its `<... NAME resumed>` half, calls the kernel restarted (`= ? ERESTART...`) left out."""
    names, cut = [], {}
    for line in text.splitlines():
        m = re.match(r"(\d+) +(?:<\.\.\. (\w+) resumed>|(\w+)\()(.*)$", line)
        if m is None:
            continue
        pid, resumed, name, rest = m.groups()
        if resumed is not None:
            name = cut.pop(pid, resumed)
        elif rest.endswith("<unfinished ...>"):
            cut[pid] = name
            continue
        if not re.search(r"= \? ERESTART\w+", rest):
            names.append(name)
    return names + list(cut.values())


def test_no_expression_follows_forks_like_strace(tmp_path):
    why = _have("strace", "sh")
    if why:
        pytest.skip(why)
    argv = ["sh", "-c", "true | cat; exit 0"]
    out = {}
    for tool in ("strace", "sysrec"):
        path = tmp_path / f"{tool}.out"
        tracer = (["strace", "-f", "-o", str(path)] if tool == "strace" else
                  [sys.executable, "-m", "sysrec", "trace", "-f", "-o", str(path), "--"])
        subprocess.run([*tracer, *argv], capture_output=True, timeout=60, env=ENV, check=True)
        # the order depends on the scheduler: compare the names of the calls as a multiset; so
        # do restarts (a clone or wait4 that SIGCHLD interrupts, `= ? ERESTARTNOINTR`, then made
        # again), which are left out
        out[tool] = sorted(_calls_made(path.read_text()))
    assert out["strace"] == out["sysrec"]
    assert "pipe2" in out["strace"] and "execve" in out["strace"]


# --- sets strace refuses: its message, one line, sysrec's exit status 2 -------------------------

REFUSED = ["nosuch", "%FILE", "%all", "", ",", "!", "!!", "/zzz", "/(", "451", "1000", "0x10",
           "1a", "-1", "512@64", "335@64", "read@foo", "read@", "open,nosuch", "FILE", "@64",
           "r?ead", " read", "/^$", "/a{1,2}", "/\\", "/[", "%", "brk@64@64", "@", "?@foo"]


@pytest.mark.parametrize("spec", REFUSED, ids=repr)
def test_refused_set_has_straces_message(spec, tmp_path):
    why = _have("strace")
    if why:
        pytest.skip(why)
    theirs = subprocess.run(["strace", "-o", "/dev/null", "-e", f"trace={spec}", "true"],
                            capture_output=True, text=True, timeout=30)
    assert theirs.returncode == 1
    message = theirs.stderr.splitlines()[0]
    assert message.startswith("strace: ")
    ours = subprocess.run([sys.executable, "-m", "sysrec", "trace", "-o", str(tmp_path / "o"),
                           "-e", f"trace={spec}", "--", "true"],
                          capture_output=True, text=True, timeout=30, env=ENV)
    assert ours.returncode == 2
    lines = ours.stderr.splitlines()
    assert len(lines) == 1
    expected = "sysrec: " + message[len("strace: "):]
    # sysrec may add the closest names after strace's message
    assert lines[0] == expected or lines[0].startswith(expected + " (did you mean ")


# --- the parser on its own ---------------------------------------------------------------------

def test_no_expression_and_all_mean_every_syscall():
    assert parse_trace_expressions([]) is None
    assert parse_trace_expressions(["trace=all"]) is None
    assert parse_trace_expressions(["trace=!none"]) is None
    assert parse_trace_expressions(["trace=/."]) is None


def test_the_last_trace_option_counts():
    assert parse_trace_expressions(["trace=close", "trace=read"]) == ("read",)
    assert parse_trace_expressions(["trace=close", "trace=none"]) == ()
    assert parse_trace_expressions(["t=close", "read"]) == ("read",)


def test_inversion_keeps_every_other_named_syscall():
    names = parse_trace_set("!close")
    assert "close" not in names and len(names) == len(SYSCALL_NUMBERS) - 1
    assert parse_trace_set("!!close") == ("close",)
    assert parse_trace_set("!all") == ()


def test_names_come_in_number_order_once():
    assert parse_trace_set("write,read,read,%network")[:3] == ("read", "write", "sendfile")


def test_other_personalities_are_accepted_and_trace_nothing_here():
    assert parse_trace_set("waitpid") == ()
    assert parse_trace_set("uname@32") == ()
    assert parse_trace_set("uname@64") == ("uname",)
    assert parse_trace_set("545") == ()  # x32's execveat


def test_network_constant_is_the_class():
    members = {name for name, _nargs, classes in SYSCALLS.values() if "network" in classes.split()}
    assert set(NETWORK) == members
    assert set(parse_trace_set("%net")) == members


def test_other_keys_are_refused():
    with pytest.raises(InputError, match="only trace=SET"):
        parse_trace_expressions(["signal=none"])


def test_the_class_table_agrees_with_the_syscall_numbers():
    assert {nr: name for nr, (name, _n, _c) in SYSCALLS.items()} == \
        {nr: name for name, nr in SYSCALL_NUMBERS.items()}


# --- syscalls without a decoder row ------------------------------------------------------------

def test_a_number_without_a_name_returns_in_hex():
    from sysrec.decode import DecodeOptions, enter, leave

    class NoMemory:
        def read(self, addr, n):
            return None

    opts = DecodeOptions(strsize=32)
    state = enter("syscall_0x1f4", (0, 1, 2, 3, 4, 0xFFFF), NoMemory(), opts)
    assert state.args == ["0", "0x1", "0x2", "0x3", "0x4", "0xffff"]
    done = leave(state, 0x2A, NoMemory(), opts)
    assert done.rtext == "0x2a"
    done = leave(enter("syscall_0x1f4", (0,) * 6, NoMemory(), opts), 0, NoMemory(), opts)
    assert done.rtext == "0"


def test_the_filter_of_a_set_stops_at_numbers_without_a_name():
    """Under seccomp, a set's filter lets through the named syscalls outside the set, and
    stops at the set's and at every number strace has no name for."""
    from test_tracer_seccomp import run_bpf  # the oracle suite's classic-BPF interpreter

    from sysrec.tracer.seccomp import SECCOMP_RET_ALLOW, SECCOMP_RET_TRACE, build_filter

    chosen = {SYSCALL_NUMBERS[name] for name in parse_trace_set("%network,close")}
    program = build_filter(set(SYSCALL_NUMBERS.values()) - chosen, skip=True)
    for nr in [*range(0, 600), 0x3FFFFFFF]:
        named = nr in SYSCALLS
        expected = SECCOMP_RET_TRACE if nr in chosen or not named else SECCOMP_RET_ALLOW
        assert run_bpf(program, nr) == expected, nr
