"""Ordinary programs traced with every syscall (`-f`, no -e) by strace 6.1 and by `sysrec trace`.

After blanking what differs between any two runs (tests/oracle/fullcompare.py: addresses, pids,
times, random bytes, inodes...), and joining the `<unfinished ...>`/`<... resumed>` halves as the
oracle suite does (tests/test_oracle.py), every line strace prints for a syscall that sysrec has
a decoder row for (`sysrec.decode.signatures.SIGNATURES`, read now, so that each new row is held
to it) must be among sysrec's lines. The share of identical lines over all programs, decoded or
not, is printed at the end: it grows with the decoders.
"""

from __future__ import annotations

import http.server
import shutil
import sys
import threading
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "oracle"))
import fullcompare  # noqa: E402

from sysrec.decode.signatures import SIGNATURES  # noqa: E402

pytestmark = [pytest.mark.oracle]

PYTHON = "/usr/bin/python3" if Path("/usr/bin/python3").exists() else sys.executable
# Lines whose content depends on timing, not on the program: which thread waits on a futex and
# whether the wake-up finds a waiter.
RACY = frozenset({"futex"})
# ... and, for some programs, the timeouts they compute from the clock, the ends of aligned
# allocations they give back (one munmap or two, of sizes that follow the random address), or
# whether a child's SIGCHLD comes while the shell waits (a signal handler and its return) or after,
# or while it forks (clone = ? ERESTARTNOINTR, restarted); and how many SIGCHLD a shell gets from
# two children that exit close together (a standard signal pending twice is delivered once).
RACY_IN = {"curl": frozenset({"poll", "rt_sigaction"}), "ruby": frozenset({"munmap"}), "python": frozenset({"munmap"}),
           "pipeline": frozenset({"rt_sigreturn", "clone", "SIGCHLD"}),
           "head-dd": frozenset({"rt_sigreturn", "clone", "SIGCHLD"})}

PROGRAMS: dict[str, list[str]] = {
    "ls": ["ls", "-la"],
    "cat": ["cat", "a.txt"],
    "stat": ["stat", "a.txt", "sub", "no-such-file"],
    "pipeline": ["sh", "-c", "cat b.txt | wc -l"],
    "tar": ["tar", "cf", "-", "."],
    "gzip": ["gzip", "-c", "b.txt"],
    "date": ["date", "-u", "-d", "@1000000000"],
    "id": ["id"],
    "uname": ["uname", "-a"],
    "sleep": ["sleep", "0.1"],
    "python": [PYTHON, "-S", "-c", "import json, os, threading\n"
               "t = threading.Thread(target=lambda: os.listdir('.'))\nt.start(); t.join()\n"
               "print(json.dumps(sorted(os.listdir('.'))))"],
    "ruby": ["ruby", "-e", "puts Dir.children('.').sort.join(' ')"],
    "perl": ["perl", "-e", "opendir(D, q(.)); print join(q( ), sort readdir D), qq(\\n)"],
    "curl": ["curl", "-s", "-o", "/dev/null", "http://127.0.0.1:{port}/"],
    "nc": ["nc", "-z", "127.0.0.1", "{port}"],
    "git": ["git", "--version"],
    "head-dd": ["sh", "-c", "head -c 100000 /dev/zero | dd of=/dev/null bs=4k status=none"],
    # netlink: glibc's getaddrinfo(AI_ADDRCONFIG) and iproute2 (NETLINK_ROUTE, NETLINK_SOCK_DIAG;
    # ss asks for a state no socket is likely in, so both runs get the same answer)
    "getaddrinfo": [PYTHON, "-S", "-c", "import socket\n"
                    "socket.getaddrinfo('localhost', 80, flags=socket.AI_ADDRCONFIG)"],
    "ip-addr": ["ip", "addr"],
    "ip-rule": ["ip", "rule"],
    "ip6-addr": ["ip", "-6", "addr"],
    "ip-tuntap": ["ip", "tuntap"],
    "ss": ["ss", "-tn", "state", "syn-recv"],
}

_totals = {"same": 0, "lines": 0, "decoded": 0, "decoded_same": 0}


class _OneWrite(http.server.BaseHTTPRequestHandler):
    """Answers every GET with one send (headers and body together), so that the client's reads
    do not depend on how the two halves of a response happen to arrive."""

    def do_GET(self) -> None:
        body = b"hello\n"
        head = f"HTTP/1.0 200 OK\r\nContent-Length: {len(body)}\r\n\r\n".encode()
        self.wfile.write(head + body)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    if shutil.which("strace") is None:
        pytest.skip("strace not installed")
    work = tmp_path_factory.mktemp("full") / "work"
    (work / "sub").mkdir(parents=True)
    (work / "a.txt").write_text("hello\n")
    (work / "b.txt").write_text("".join(f"{i}\n" for i in range(2000)))
    (work / "sub" / "c").write_text("x\n")
    return work


@pytest.fixture(scope="module")
def http_port():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _OneWrite)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module", autouse=True)
def _summary(request):
    yield
    if not _totals["lines"]:
        return
    text = (f"full-trace oracle: {_totals['same']}/{_totals['lines']} strace lines identical "
            f"({100 * _totals['same'] / _totals['lines']:.1f}%); lines of syscalls with a decoder "
            f"row: {_totals['decoded_same']}/{_totals['decoded']}")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if capture is None:
        print(text)
        return
    with capture.global_and_fixture_disabled():  # shown without -s too
        print(f"\n{text}")


def _decoded(name: str, program: str) -> bool:
    return ((name in SIGNATURES or name == "fcntl") and name not in RACY
            and name not in RACY_IN.get(program, ()))


@pytest.mark.parametrize("program", list(PROGRAMS))
def test_decoded_lines_match_strace(program, workdir, http_port, tmp_path):
    argv = [arg.format(port=http_port) for arg in PROGRAMS[program]]
    if shutil.which(argv[0]) is None:
        pytest.skip(f"{argv[0]} not installed")
    theirs = fullcompare.comparable(fullcompare.trace("strace", argv, True, tmp_path, cwd=workdir), True)
    ours = fullcompare.comparable(fullcompare.trace("sysrec", argv, True, tmp_path, cwd=workdir), True)
    assert any(fullcompare.syscall_name(line) == "execve" for line in theirs), "strace traced nothing"
    same, extra = fullcompare.compare(theirs, ours)
    decoded = [line for line in theirs if _decoded(fullcompare.syscall_name(line), program)]
    decoded_same, _ = fullcompare.compare(decoded, ours)
    _totals["same"] += len(same)
    _totals["lines"] += len(theirs)
    _totals["decoded"] += len(decoded)
    _totals["decoded_same"] += len(decoded_same)
    print(f"{program}: {len(same)}/{len(theirs)} identical, decoded {len(decoded_same)}/{len(decoded)}")
    missing = list((fullcompare.Counter(decoded) - fullcompare.Counter(decoded_same)).elements())
    missing.sort(key=decoded.index)
    if missing:
        names = {fullcompare.syscall_name(line) for line in missing}
        nearby = [line for line in extra.elements() if fullcompare.syscall_name(line) in names]
        pytest.fail(f"{program}: {len(missing)} strace lines of decoded syscalls have no identical "
                    f"sysrec line:\n  strace: " + "\n  strace: ".join(missing[:20])
                    + "\nsysrec's lines of those syscalls left unmatched:\n  sysrec: "
                    + "\n  sysrec: ".join(nearby[:20]))


def _call_or_signal(line: str) -> str:
    """The syscall a line is about, or the signal of a `--- SIG... {...} ---` line."""
    if line.startswith("--- SIG"):
        return line.split()[1]
    return fullcompare.syscall_name(line)


@pytest.mark.parametrize("program", ["ls", "pipeline", "perl", "ruby"])
def test_normalising_leaves_nothing_between_two_strace_runs(program, workdir, tmp_path):
    """The normalisation blanks enough: strace against itself agrees on every line (bar the
    racy ones), so a difference from sysrec is sysrec's."""
    argv = PROGRAMS[program]
    if shutil.which(argv[0]) is None:
        pytest.skip(f"{argv[0]} not installed")
    runs = [fullcompare.comparable(fullcompare.trace("strace", argv, True, tmp_path, cwd=workdir,
                                                     name=f"run{i}"), True) for i in (1, 2)]
    racy = RACY | RACY_IN.get(program, frozenset())
    first, second = ([line for line in run if _call_or_signal(line) not in racy] for run in runs)
    same, rest = fullcompare.compare(first, second)
    assert len(same) == len(first) and not rest, f"{program}: left over {list(rest.elements())[:10]}"
