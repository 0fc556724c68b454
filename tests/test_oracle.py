"""The oracle suite: real programs in a private network namespace, traced by strace 6.1 and by
`sysrec trace` with the same trace set; after normalizing what differs between any two runs
(pids, ephemeral ports, addresses, leftover timeouts, CPU times), the lines must be identical.

Single-process programs are compared line by line. Programs with several processes or threads
interleave differently on every run (under strace too), so their `<unfinished ...>` /
`<... resumed>` pairs are joined first and the complete lines compared as sorted lists.
"""

from __future__ import annotations

import difflib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.oracle, pytest.mark.kernel]

HERE = Path(__file__).parent / "oracle"
RUNNER = HERE / "netns_run.py"
CLIENTS = HERE / "clients.py"
PY = [sys.executable, "-I", "-S", "-B"]
SERVE = ["--serve", "echo:7000", "--serve", "hello:7001", "--serve", "udp:7002", "--serve", "http:7080"]
NETWORK_SET = ("%network,select,pselect6,poll,ppoll,epoll_create,epoll_create1,epoll_ctl,"
               "epoll_wait,epoll_pwait,epoll_pwait2,fcntl,close")
WITH_IO = NETWORK_SET + ",read,write"
TIMEOUT = 60


def _namespace_prefix() -> list[str]:
    """Root: a network namespace; anyone else (or SYSREC_ORACLE_USERNS=1): a user namespace too."""
    if os.geteuid() == 0 and not os.environ.get("SYSREC_ORACLE_USERNS"):
        return ["unshare", "-n"]
    return ["unshare", "-Urn"]


def _missing_tools() -> str | None:
    for tool in ("strace", "unshare", "ip"):
        if shutil.which(tool) is None:
            return f"{tool} not installed"
    probe = subprocess.run(_namespace_prefix() + ["true"], capture_output=True)
    if probe.returncode != 0:
        return "cannot create a network namespace here: " + probe.stderr.decode(errors="replace").strip()
    return None


@pytest.fixture(scope="module", autouse=True)
def _tools():
    why = _missing_tools()
    if why:
        pytest.skip(why)


def _trace(tool: str, trace_set: str, argv: list[str], tmp_path: Path, extra: list[str],
           to_stderr: bool = False) -> list[str]:
    """The tracer's lines: from its -o file, or (to_stderr) from its stderr, where strace also
    writes its own `strace: Process N attached` notes, which are not trace lines."""
    out = tmp_path / f"{tool}.out"
    output = [] if to_stderr else ["-o", str(out)]
    if tool == "strace":
        tracer = ["strace", "-f", "--seccomp-bpf", *output, "-e", f"trace={trace_set}", *extra]
    else:
        tracer = [sys.executable, "-m", "sysrec", "trace", "-f", *output, "-e",
                  f"trace={trace_set}", *extra, "--"]
    cmd = _namespace_prefix() + PY + [str(RUNNER), *SERVE, "--"] + tracer + argv
    proc = subprocess.run(cmd, capture_output=True, timeout=TIMEOUT, cwd=tmp_path,
                          env={**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent)})
    if to_stderr:
        text = proc.stderr.decode("utf-8", errors="surrogateescape")
        # strace's notes can land in the middle of a half-written line: cut them out whole
        # (sysrec prints its own `sysrec: Process N attached` between lines).
        text = re.sub(r"(strace|sysrec): Process \d+ (attached|detached)\n", "", text)
        return [line for line in text.splitlines() if not line.startswith(f"{tool}: ")]
    assert out.exists(), f"{tool} wrote nothing: {proc.stderr.decode(errors='replace')[-2000:]}"
    return out.read_text(encoding="utf-8", errors="surrogateescape").splitlines()


class Normalizer:
    """Replaces what legitimately differs between two runs by stable placeholders."""

    RULES = [
        (re.compile(r"0x7[0-9a-f]{7,}"), "0xADDR"),                        # ASLR addresses
        (re.compile(r"0x5[0-9a-f]{9,}"), "0xADDR"),                        # heap / PIE addresses
        (re.compile(r"htons\((3[2-9]\d{3}|[4-6]\d{4})\)"), "htons(EPHEMERAL)"),
        (re.compile(r"(left \{tv_sec=)\d+, (tv_nsec|tv_usec)=\d+"), r"\1S, \2=N"),
        # CPU time in clock ticks, with strace's seconds comment once it is not 0 (`1 /* 0.01 s */`)
        (re.compile(r"si_(utime|stime)=\d+(?: /\* \d+(?:\.\d+)? s \*/)?"), r"si_\1=T"),
        (re.compile(r"cmsg_data=\{tv_sec=\d+, (tv_nsec|tv_usec)=\d+\}"), r"cmsg_data={tv_sec=S, \1=N}"),
        (re.compile(r"(TCP_INFO, )\"[^\n]*?\"(\.\.\.)?,"), r'\1"TCP_INFO",'),
        (re.compile(r":\[\d+\]"), ":[INODE]"),
        (re.compile(r"([\d\]]):(3[2-9]\d{3}|[4-6]\d{4})\b"), r"\1:EPHEMERAL"),   # -yy endpoints
        (re.compile(r"\[\d+,"), "[INODE,"),                                # -yy UNIX with a name
        (re.compile(r"u64=\d{6,}"), "u64=N"),      # epoll data: Python leaves stack bits in it
        (re.compile(r"\[(\d+)->(\d+)"), "[INODE->INODE"),
    ]
    LINE = re.compile(r"^(?:(\d+) +|\[pid +(\d+)\] )(.*)$")
    STAMP = re.compile(r"^(\d\d:\d\d:\d\d(\.\d{6})?|\d+\.\d{6}|\s*\d+\.\d{6}) ")
    DURATION = re.compile(r" <\d+\.\d{6}>$")

    def __init__(self) -> None:
        self.pids: dict[str, str] = {}

    def _pid(self, pid: str) -> str:
        return self.pids.setdefault(pid, f"P{len(self.pids) + 1}")

    def line(self, text: str) -> tuple[str, str]:
        m = self.LINE.match(text)
        pid, rest = (self._pid(m.group(1) or m.group(2)), m.group(3)) if m else ("", text)
        rest = self.DURATION.sub(" <T>", self.STAMP.sub("TIME ", rest))
        # nlmsg_pid: a netlink port id, the pid or a random negative number
        rest = re.sub(r"(si_pid|nl_pid|nlmsg_pid)=(-?\d+)", lambda g: f"{g.group(1)}={self._pid(g.group(2))}", rest)
        rest = re.sub(r"(execve in pid )(\d+)", lambda g: g.group(1) + self._pid(g.group(2)), rest)
        for pattern, repl in self.RULES:
            rest = pattern.sub(repl, rest)
        return pid, rest


def normalize(lines: list[str]) -> list[str]:
    norm = Normalizer()
    out = []
    for text in lines:
        pid, rest = norm.line(text)
        out.append(f"{pid} {rest}" if pid else rest)
    return out


def joined(lines: list[str]) -> list[str]:
    """`<unfinished ...>` + `<... NAME resumed>` pairs joined into the line strace would have
    printed without interleaving; pids dropped; sorted (the order depends on the scheduler)."""
    norm = Normalizer()
    pending: dict[str, str] = {}
    complete = []
    for text in lines:
        pid, rest = norm.line(text)
        if rest.endswith(" <unfinished ...>"):
            pending[pid] = rest[: -len(" <unfinished ...>")]
            continue
        m = re.match(r"(?:TIME )?<\.\.\. (\w+) resumed>(.*)$", rest)
        if m:
            if pid not in pending:  # on stderr the last process left prints without a prefix
                owners = [p for p, h in pending.items() if re.match(rf"(TIME )?{m.group(1)}\(", h)]
                pid = owners[0] if len(owners) == 1 else pid
            head = pending.pop(pid, None)
            assert head is not None and re.match(rf"(TIME )?{m.group(1)}\(", head), \
                f"resumed without entry: {text}"
            rest = head + m.group(2)
        rest = re.sub(r"(si_pid|nl_pid|nlmsg_pid)=P\d+", r"\1=PID", rest)  # pid numbering follows line order
        rest = re.sub(r"(execve in pid )P\d+", r"\1PID", rest)
        complete.append(re.sub(r"\)\s+= ", ") = ", rest))
    assert not pending, f"entries never resumed: {pending}"
    return sorted(complete)


def assert_same(expected: list[str], actual: list[str]) -> None:
    # An oracle that traced nothing would agree with anything.
    assert any(not line.lstrip("0123456789 ").startswith(("+++", "---")) for line in expected), \
        "strace printed no syscall line: the comparison would be empty"
    if expected != actual:
        diff = "\n".join(difflib.unified_diff(expected, actual, "strace", "sysrec", lineterm="", n=2))
        pytest.fail(f"sysrec differs from strace:\n{diff}")


def compare(tmp_path: Path, argv: list[str], trace_set: str = NETWORK_SET, interleaved: bool = False,
            extra: list[str] | None = None) -> list[str]:
    extra = extra or []
    theirs = _trace("strace", trace_set, argv, tmp_path, extra)
    ours = _trace("sysrec", trace_set, argv, tmp_path, extra)
    if interleaved:
        assert_same(joined(theirs), joined(ours))
    else:
        assert_same(normalize(theirs), normalize(ours))
    return ours


SINGLE = ["tcp_echo", "mmsg", "refused_select", "refused_poll", "connect_nonblocking_ok", "ipv6", "udp",
          "poll_family", "select_family", "epoll_family", "sockopts", "fcntl_family", "interrupted",
          "many_fds", "ancillary"]


@pytest.mark.parametrize("scenario", SINGLE)
def test_python_client(tmp_path, scenario):
    ours = compare(tmp_path, PY + [str(CLIENTS), scenario], WITH_IO)
    assert any(line.split(None, 1)[1].startswith(("socket(", "socketpair(")) for line in ours)


def test_unix_sockets(tmp_path):
    ours = compare(tmp_path, PY + [str(CLIENTS), "unix", str(tmp_path / "oracle.sock")])
    assert any("sun_path=@" in line for line in ours)
    assert any("SCM_RIGHTS" in line for line in ours)


def test_refused_shows_so_error(tmp_path):
    ours = compare(tmp_path, PY + [str(CLIENTS), "refused_select"])
    assert any("SO_ERROR, [ECONNREFUSED], [4]) = 0" in line for line in ours)
    assert any("= -1 EINPROGRESS (Operation now in progress)" in line for line in ours)


def test_interrupted_call_restart_codes(tmp_path):
    ours = compare(tmp_path, PY + [str(CLIENTS), "interrupted"])
    assert any("= ? ERESTARTNOHAND (To be restarted if no handler)" in line for line in ours)
    assert any("= ? ERESTART_RESTARTBLOCK (Interrupted by signal)" in line for line in ours)
    assert any("= ? ERESTARTSYS (To be restarted if SA_RESTART is set)" in line for line in ours)
    assert any("--- SIGALRM {si_signo=SIGALRM, si_code=SI_KERNEL} ---" in line for line in ours)


def test_signals_and_killed_child(tmp_path):
    lines = joined(compare(tmp_path, PY + [str(CLIENTS), "signals"], NETWORK_SET, interleaved=True))
    assert any(line.startswith("--- SIGPIPE {si_signo=SIGPIPE, si_code=SI_USER, si_pid=PID") for line in lines)
    assert "+++ killed by SIGKILL +++" in lines
    assert "accept4(3,  <unfinished ...>) = ?" in lines
    assert any("si_code=CLD_KILLED" in line and "si_status=SIGKILL" in line for line in lines)


def test_job_control_stop_and_continue(tmp_path):
    """A tracee stopped by SIGSTOP stays stopped until SIGCONT (strace seizes its tracees and
    answers a group-stop with PTRACE_LISTEN): the child saw its parent in a tracing stop twice,
    0.3 s apart, and both tracers print the `stopped by` line between the two signals."""
    ours = compare(tmp_path, PY + [str(CLIENTS), "job_control"], WITH_IO, interleaved=True)
    assert any(line.startswith("read(") and '"t,t", 16) = 3' in line for line in joined(ours))
    parent = [rest for pid, rest in map(Normalizer().line, ours) if pid == "P1"]
    at = parent.index("--- stopped by SIGSTOP ---")
    assert parent[at - 2].startswith("poll(") and parent[at - 2].endswith("= ? ERESTART_RESTARTBLOCK (Interrupted by signal)")
    assert parent[at - 1].startswith("--- SIGSTOP {si_signo=SIGSTOP, si_code=SI_USER, si_pid=P2")
    assert parent[at + 1].startswith("--- SIGCONT {si_signo=SIGCONT, si_code=SI_USER, si_pid=P2")


def test_forking_client(tmp_path):
    ours = compare(tmp_path, PY + [str(CLIENTS), "forking"], WITH_IO, interleaved=True)
    assert any("+++ exited with 3 +++" in line for line in ours)
    assert any("--- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED" in line for line in ours)


def test_threaded_client(tmp_path):
    ours = compare(tmp_path, PY + [str(CLIENTS), "threaded"], NETWORK_SET, interleaved=True)
    assert len({line.split()[0] for line in ours}) >= 4  # main thread + 3 client threads


def test_thread_execve_supersedes_the_leader(tmp_path):
    """A non-leader thread's execve: the leader's pending call ends `= ?` and strace prints
    `+++ superseded by execve in pid THREAD +++` under the leader's pid; on stderr without the
    `[pid N]` prefix, since the leader is gone by then."""
    argv = PY + [str(CLIENTS), "thread_execve"]
    ours = joined(compare(tmp_path, argv, NETWORK_SET, interleaved=True))
    assert "+++ superseded by execve in pid PID +++" in ours
    assert "recvfrom(3,  <unfinished ...>) = ?" in ours
    theirs = _trace("strace", NETWORK_SET, argv, tmp_path, [], to_stderr=True)
    mine = _trace("sysrec", NETWORK_SET, argv, tmp_path, [], to_stderr=True)
    assert_same(normalize(theirs), normalize(mine))
    at = [i for i, line in enumerate(mine) if "superseded" in line]
    assert len(at) == 1 and re.fullmatch(r"\+\+\+ superseded by execve in pid \d+ \+\+\+", mine[at[0]])
    assert mine[at[0] - 1].startswith("[pid ") and mine[at[0] - 1].endswith("<... recvfrom resumed> <unfinished ...>) = ?")
    assert mine[-1] == "+++ exited with 0 +++"


@pytest.mark.skipif(shutil.which("nc") is None, reason="nc not installed")
@pytest.mark.parametrize("args", [["-z", "127.0.0.1", "1"], ["-z", "127.0.0.1", "7001"],
                                  ["-z", "::1", "1"]], ids=["refused", "open", "ipv6-refused"])
def test_nc(tmp_path, args):
    compare(tmp_path, ["nc", *args], NETWORK_SET + ",read,write")


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl not installed")
def test_curl(tmp_path):
    """curl's poll() timeouts come from its clock and how many polls it needs depends on timing;
    everything else it does must match."""
    argv = ["curl", "-s", "-o", "/dev/null", "http://127.0.0.1:7080/"]
    theirs = _trace("strace", NETWORK_SET, argv, tmp_path, [])
    ours = _trace("sysrec", NETWORK_SET, argv, tmp_path, [])
    steady = [line for line in joined(theirs) if not line.startswith("poll(")]
    assert_same(steady, [line for line in joined(ours) if not line.startswith("poll(")])
    assert any(line.startswith("connect(") and "htons(7080)" in line for line in steady)


@pytest.mark.parametrize("scenario", ["tcp_echo", "ipv6", "udp"])
def test_fd_decoding_yy(tmp_path, scenario):
    ours = compare(tmp_path, PY + [str(CLIENTS), scenario], NETWORK_SET, extra=["-yy"])
    assert any(re.search(r"<(TCP|TCPv6|UDP):\[", line) for line in ours)


def test_stderr_prefixes_timestamps_durations_and_short_strings(tmp_path):
    """On stderr `[pid N] ` appears only while several processes live; -tt, -T, -y, -s 8."""
    argv = PY + [str(CLIENTS), "forking"]
    extra = ["-y", "-tt", "-T", "-s", "8"]
    theirs = _trace("strace", NETWORK_SET, argv, tmp_path, extra, to_stderr=True)
    ours = _trace("sysrec", NETWORK_SET, argv, tmp_path, extra, to_stderr=True)
    assert_same(joined(theirs), joined(ours))
    assert any(line.startswith("[pid ") for line in ours)
    assert not ours[-1].startswith("[pid ") and ours[-1].endswith("+++ exited with 0 +++")
    assert any('"from chi"...' in line for line in ours)
    assert any("<socket:[" in line for line in ours)


@pytest.mark.parametrize("scenario", ["forking", "sockopts", "signals", "select_family"])
def test_show_re_renders_the_record_byte_for_byte(tmp_path, scenario):
    """`sysrec show RECORD` prints exactly what `sysrec trace` printed while recording."""
    out, record = tmp_path / "live.out", tmp_path / "run.jsonl"
    tracer = [sys.executable, "-m", "sysrec", "trace", "-f", "-yy", "-T", "-o", str(out),
              "--record", str(record), "-e", f"trace={WITH_IO}", "--"]
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent)}
    subprocess.run(_namespace_prefix() + PY + [str(RUNNER), *SERVE, "--"] + tracer
                   + PY + [str(CLIENTS), scenario], capture_output=True, timeout=TIMEOUT, env=env)
    shown = subprocess.run([sys.executable, "-m", "sysrec", "show", str(record), "--format", "strace"],
                           capture_output=True, timeout=TIMEOUT, env=env)
    assert shown.returncode == 0, shown.stderr.decode(errors="replace")
    live = out.read_text(encoding="utf-8", errors="surrogateescape")
    assert "+++ exited with" in live and live.count("\n") > 20
    assert shown.stdout.decode("utf-8", errors="surrogateescape") == live
