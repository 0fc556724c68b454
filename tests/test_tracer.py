"""The tracing engine on real programs: signals, exit statuses, forks and threads, interleaving,
seccomp vs PTRACE_SYSCALL, the tracee's network namespace for `-yy`.

Programs are real (nc, sh, small Python scripts), the kernel is the real one; expectations come
from what the programs themselves report (their exit status, what they print) or from strace.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import textwrap
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from sysrec.errors import CommandNotFound
from sysrec.syscalls import NETWORK
from sysrec.tracer import TraceOptions, trace

REPO = Path(__file__).resolve().parent.parent
PY = sys.executable


def run_traced(argv: list[str], **opts: Any) -> tuple[Any, list[dict[str, Any]]]:
    events: list[dict[str, Any]] = []
    kwargs = {k: opts.pop(k) for k in list(opts) if k in ("stdout", "stderr", "stdin", "timeout", "env", "cwd",
                                                          "context_hook", "annotate_fds")}
    result = trace(argv, TraceOptions(**opts), events.append, **kwargs)
    return result, events


def script(tmp_path: Path, name: str, body: str) -> str:
    path = tmp_path / name
    path.write_text(textwrap.dedent(body))
    return str(path)


def of_kind(events: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [e for e in events if e["ev"] == kind]


# ---- exit statuses ------------------------------------------------------------------------

def test_exit_status_is_the_programs():
    result, events = run_traced(["sh", "-c", "exit 7"], trace_set=NETWORK)
    assert (result.end, result.exit_status) == ("exited", 7)
    assert of_kind(events, "exit")[-1]["status"] == 7


def test_killed_by_signal_gives_128_plus_n():
    result, events = run_traced(["sh", "-c", "kill -KILL $$"], trace_set=NETWORK)
    assert (result.end, result.exit_status) == ("killed", 128 + signal.SIGKILL)
    last = of_kind(events, "exit")[-1]
    assert last["signal"] == "SIGKILL" and last["core"] is False


def test_missing_command_raises_before_forking():
    with pytest.raises(CommandNotFound) as info:
        run_traced(["sysrec-no-such-program-xyz"], trace_set=NETWORK)
    assert info.value.exit_status == 127


# ---- signals ------------------------------------------------------------------------------

SIGNALS = """
    import os, signal, sys
    seen = []
    for sig in (signal.SIGTRAP, signal.SIGUSR1):
        signal.signal(sig, lambda s, f: seen.append(signal.Signals(s).name))
    signal.raise_signal(signal.SIGTRAP)       # tgkill: SI_TKILL
    os.kill(os.getpid(), signal.SIGUSR1)      # kill: SI_USER
    print(",".join(seen))
    os.kill(os.getpid(), signal.SIGTERM)
"""


@pytest.mark.parametrize("seccomp", [True, False])
def test_the_tracees_own_signals_are_delivered_sigtrap_too(tmp_path, seccomp):
    prog = script(tmp_path, "signals.py", SIGNALS)
    out = tmp_path / "out"
    with open(out, "w") as fh:
        result, events = run_traced([PY, prog], trace_set=NETWORK, seccomp=seccomp, stdout=fh)
    # the handlers ran: the program saw both signals, in order
    assert out.read_text().strip() == "SIGTRAP,SIGUSR1"
    sigs = of_kind(events, "signal")
    assert [s["sig"] for s in sigs] == ["SIGTRAP", "SIGUSR1", "SIGTERM"]
    assert sigs[0]["info"]["si_code"] == "SI_TKILL" and sigs[1]["info"]["si_code"] == "SI_USER"
    assert sigs[0]["info"]["si_pid"] == result.pid
    assert (result.end, result.exit_status) == ("killed", 128 + signal.SIGTERM)


def test_signal_lines_match_strace(tmp_path):
    prog = script(tmp_path, "signals.py", SIGNALS)
    strace = subprocess.run(["strace", "-e", "trace=none", PY, prog], capture_output=True, text=True)
    sysrec = subprocess.run([PY, "-m", "sysrec", "trace", "-e", "trace=socket", "--", PY, prog],
                            capture_output=True, text=True, cwd=REPO)
    assert sysrec.returncode == 128 + signal.SIGTERM

    def lines(text: str) -> list[str]:
        return [re.sub(r"si_pid=\d+", "si_pid=N", line) for line in text.splitlines()
                if line.startswith(("---", "+++"))]
    assert lines(sysrec.stderr) == lines(strace.stderr)
    assert "--- SIGTRAP {si_signo=SIGTRAP, si_code=SI_TKILL, si_pid=N, si_uid=0} ---" in lines(sysrec.stderr) \
        or os.geteuid() != 0


# ---- processes and threads ----------------------------------------------------------------

FORKS_AND_THREADS = """
    import os, socket, threading
    def work():
        s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.close()
    threads = [threading.Thread(target=work) for _ in range(3)]
    for t in threads: t.start()
    for t in threads: t.join()
    pid = os.fork()
    if pid == 0:
        socket.socket(socket.AF_INET6).close()
        os._exit(5)
    _, status = os.waitpid(pid, 0)
    print(os.waitstatus_to_exitcode(status))
"""


def test_follow_records_threads_and_forks(tmp_path):
    prog = script(tmp_path, "ft.py", FORKS_AND_THREADS)
    out = tmp_path / "out"
    with open(out, "w") as fh:
        result, events = run_traced([PY, prog], trace_set=("socket", "setsockopt"), follow=True, stdout=fh)
    assert result.exit_status == 0 and out.read_text().strip() == "5"
    spawns = of_kind(events, "spawn")
    threads = [s for s in spawns if s["kind"] == "thread"]
    forks = [s for s in spawns if s["kind"] == "fork"]
    assert len(threads) == 3 and len(forks) == 1
    assert all(t["tgid"] == result.pid for t in threads)
    calls = of_kind(events, "syscall")
    for t in threads:
        names = [c["name"] for c in calls if c["pid"] == t["pid"]]
        assert names == ["socket", "setsockopt"]
        assert all(c["tgid"] == result.pid for c in calls if c["pid"] == t["pid"])
    child = forks[0]["pid"]
    assert [(c["name"], c["raw"][0]) for c in calls if c["pid"] == child] == [("socket", 10)]  # AF_INET6
    exits = {e["pid"]: e for e in of_kind(events, "exit")}
    assert exits[child]["status"] == 5
    assert set(exits) == {result.pid, child, *(t["pid"] for t in threads)}
    # the main process exits last, and a thread's exit comes after its own calls
    assert of_kind(events, "exit")[-1]["pid"] == result.pid


def test_without_follow_children_run_unrecorded_and_unharmed(tmp_path):
    # Under seccomp the children keep the filter: they must still get real syscalls, not ENOSYS.
    result, events = run_traced(["sh", "-c", "nc -z 127.0.0.1 1; echo nc=$?"], trace_set=NETWORK,
                                stdout=open(tmp_path / "out", "w"))
    assert (tmp_path / "out").read_text().strip() == "nc=1"
    assert result.exit_status == 0
    assert of_kind(events, "syscall") == []            # sh itself makes no network call
    assert {e["pid"] for e in events} == {result.pid}  # nothing about the children
    assert of_kind(events, "spawn") == []


def test_interleaved_calls_get_enter_events(tmp_path):
    prog = script(tmp_path, "inter.py", """
        import socket, threading, time
        a, b = socket.socketpair()
        t = threading.Thread(target=lambda: b.recv(10)); t.start()   # blocks until we send
        def blocked_in_recvfrom(tid):  # asleep (S) inside recvfrom (45), not stopped by the tracer
            state = open(f"/proc/self/task/{tid}/stat").read().rsplit(")", 1)[1].split()[0]
            return state == "S" and open(f"/proc/self/task/{tid}/syscall").read().startswith("45 ")
        while not blocked_in_recvfrom(t.native_id):
            time.sleep(0.01)
        a.send(b"x")
        t.join()
    """)
    result, events = run_traced([PY, prog], trace_set=("recvfrom", "sendto"), follow=True)
    assert result.exit_status == 0
    enters = of_kind(events, "enter")
    recv = [e for e in of_kind(events, "syscall") if e["name"] == "recvfrom"]
    assert len(recv) == 1 and recv[0]["resumed"] is True and recv[0]["ret"] == 1
    assert [(e["pid"], e["name"], e["t0"]) for e in enters] == [(recv[0]["pid"], "recvfrom", recv[0]["t0"])]
    # the <unfinished ...> comes before the sendto line, the resumed line after it
    order = [(e["ev"], e.get("name")) for e in events if e["ev"] in ("enter", "syscall")]
    assert order == [("enter", "recvfrom"), ("syscall", "sendto"), ("syscall", "recvfrom")]


def test_thread_killed_in_a_call_gets_an_unfinished_line(tmp_path):
    prog = script(tmp_path, "abandon.py", """
        import os, socket, threading, time
        a, b = socket.socketpair()
        t = threading.Thread(target=lambda: b.recv(1), daemon=True); t.start()
        def blocked_in_recvfrom(tid):  # asleep (S) inside recvfrom (45), not stopped by the tracer
            state = open(f"/proc/self/task/{tid}/stat").read().rsplit(")", 1)[1].split()[0]
            return state == "S" and open(f"/proc/self/task/{tid}/syscall").read().startswith("45 ")
        while not blocked_in_recvfrom(t.native_id):
            time.sleep(0.01)
        os._exit(3)
    """)
    result, events = run_traced([PY, prog], trace_set=("recvfrom",), follow=True)
    assert result.exit_status == 3
    (call,) = of_kind(events, "syscall")
    assert call["name"] == "recvfrom" and call["ret"] is None and call["errno"] is None
    kinds = [e["ev"] for e in events if e.get("pid") == call["pid"]]
    assert kinds[-2:] == ["syscall", "exit"]


def test_restart_codes_show_at_exit(tmp_path):
    prog = script(tmp_path, "restart.py", """
        import os, select, signal, socket, threading, time
        a, b = socket.socketpair()
        signal.signal(signal.SIGALRM, lambda *_: b.send(b"x"))  # the retried select returns at once
        main, main_tid = threading.main_thread().ident, os.getpid()
        def poke():  # once the main thread sleeps in pselect6 (270), interrupt it
            while True:
                state = open(f"/proc/self/task/{main_tid}/stat").read().rsplit(")", 1)[1].split()[0]
                if state == "S" and open(f"/proc/self/task/{main_tid}/syscall").read().startswith("270 "):
                    break
                time.sleep(0.01)
            signal.pthread_kill(main, signal.SIGALRM)
        threading.Thread(target=poke).start()
        select.select([a], [], [], 5)   # interrupted by SIGALRM, then retried by Python
    """)
    result, events = run_traced([PY, prog], trace_set=("pselect6", "select"), follow=True, timeout=30)
    calls = of_kind(events, "syscall")
    assert calls[0]["name"] == "pselect6" and calls[0]["errno"] == "ERESTARTNOHAND" and calls[0]["ret"] == -514
    assert [e["sig"] for e in of_kind(events, "signal")] == ["SIGALRM"]


# ---- seccomp and PTRACE_SYSCALL agree -----------------------------------------------------

def _strip_pids(events: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    out = []
    for e in events:
        if e["ev"] == "syscall":
            out.append(("syscall", e["name"], e["nr"], tuple(e["raw"]), e["ret"], e["errno"]))
        elif e["ev"] == "exit":
            out.append(("exit", e.get("status"), e.get("signal")))
        elif e["ev"] == "signal":
            out.append(("signal", e["sig"]))
    return out


def test_seccomp_and_no_seccomp_give_the_same_events():
    # setarch -R: no address randomisation, so raw pointer arguments are equal across runs too
    argv = ["setarch", "x86_64", "-R", "nc", "-z", "127.0.0.1", "1"]
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C"}
    a, ev_a = run_traced(argv, trace_set=NETWORK, follow=True, seccomp=True, env=env)
    b, ev_b = run_traced(argv, trace_set=NETWORK, follow=True, seccomp=False, env=env)
    assert a.exit_status == b.exit_status == 1
    assert _strip_pids(ev_a) == _strip_pids(ev_b)
    assert any(e[1] == "connect" and e[5] == "EINPROGRESS" for e in _strip_pids(ev_a) if e[0] == "syscall")


def test_same_calls_as_strace_for_nc():
    strace = subprocess.run(["strace", "-f", "--seccomp-bpf", "-e", "trace=%network", "nc", "-z", "127.0.0.1", "1"],
                            capture_output=True, text=True)
    expected = [(m.group(1), m.group(2)) for m in re.finditer(r"^(\w+)\(.*\) += (-?\d+)", strace.stderr, re.M)]
    result, events = run_traced(["nc", "-z", "127.0.0.1", "1"], trace_set=NETWORK, follow=True)
    got = [(e["name"], str(e["ret"] if e["errno"] is None else -1)) for e in of_kind(events, "syscall")]
    assert got == expected and result.exit_status == strace.returncode


def test_trace_all_without_a_filter():
    result, events = run_traced(["sh", "-c", "exit 0"], trace_set=None)
    names = [e["name"] for e in of_kind(events, "syscall")]
    assert "execve" in names and names[-1] == "exit_group"
    assert of_kind(events, "syscall")[-1]["ret"] is None  # exit_group never returns


# ---- context hook, timeout ----------------------------------------------------------------

def test_context_hook_runs_at_each_exit_stop_while_the_tracee_is_stopped():
    seen = []

    def hook(event):
        # the tracee is stopped: its fd table still shows the socket the call just made
        state = open(f"/proc/{event['pid']}/stat").read().rsplit(")", 1)[1].split()[0]
        seen.append((event["name"], state))
        return {"n": len(seen)}

    result, events = run_traced(["nc", "-z", "127.0.0.1", "1"], trace_set=("socket", "connect"), context_hook=hook)
    calls = of_kind(events, "syscall")
    assert [c["ctx"]["n"] for c in calls] == list(range(1, len(calls) + 1))
    assert all(state == "t" for _name, state in seen)  # t: stopped by the tracer


def test_timeout_kills_the_tracee():
    result, events = run_traced(["sleep", "30"], trace_set=NETWORK, timeout=0.5)
    assert result.end == "timeout"
    assert of_kind(events, "exit")[-1]["signal"] == "SIGKILL"
    with pytest.raises(ProcessLookupError):
        os.kill(result.pid, 0)


def test_other_children_of_the_caller_are_reported_not_lost():
    other = subprocess.Popen(["sh", "-c", "exit 9"])
    # the traced shell waits until `other` is gone: exited and reaped (kill -0 works on a zombie)
    result, _ = run_traced(["sh", "-c", f"while kill -0 {other.pid} 2>/dev/null; do sleep 0.02; done"],
                           trace_set=NETWORK, timeout=60)
    assert result.exit_status == 0
    assert os.waitstatus_to_exitcode(result.other_children[other.pid]) == 9


# ---- -yy in the tracee's network namespace -------------------------------------------------

ZOO = """
    import json, os, socket, sys, subprocess
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    l = socket.socket(); l.bind(("127.0.0.1", 10000)); l.listen(5)
    c = socket.socket(); c.connect(("127.0.0.1", 10000)); a, _ = l.accept()
    fresh = socket.socket()
    l6 = socket.socket(socket.AF_INET6); l6.bind(("::1", 10001)); l6.listen(1)
    c6 = socket.socket(socket.AF_INET6); c6.connect(("::1", 10001))
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.connect(("127.0.0.1", 9))
    s1, s2 = socket.socketpair()
    ua = socket.socket(socket.AF_UNIX); ua.bind("\\0sysrec-test"); ua.listen(1)
    fds = {"listener": l, "client": c, "accepted": a, "fresh": fresh, "listener6": l6, "client6": c6,
           "udp": u, "pair": s1, "abstract": ua}
    info = {k: [s.fileno(), None if s.family == socket.AF_UNIX else s.getsockname(), s.getpeername() if k in ("client", "accepted", "client6", "udp") else None,
                os.fstat(s.fileno()).st_ino] for k, s in fds.items()}
    info["pair_peer_ino"] = os.fstat(s2.fileno()).st_ino
    print(json.dumps(info), flush=True)
    sys.stdin.readline()
"""


def _netns_prefix() -> list[str]:
    if os.geteuid() == 0:
        return ["unshare", "-n"]
    return ["unshare", "-Urn"]


@contextmanager
def socket_zoo(tmp_path):
    """ZOO running in its own network namespace: (its process, the fds it describes on stdout)."""
    prog = script(tmp_path, "zoo.py", ZOO)
    proc = subprocess.Popen([*_netns_prefix(), PY, prog], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                            env=dict(os.environ, PATH=os.environ.get("PATH", "") + ":/usr/sbin:/sbin"))
    try:
        yield proc, json.loads(proc.stdout.readline())
    finally:
        proc.stdin.close()
        proc.wait(timeout=10)


def test_yy_looks_sockets_up_in_the_tracees_netns(tmp_path):
    from sysrec.tracer.fds import FdResolver

    with socket_zoo(tmp_path) as (proc, info):
        resolver = FdResolver(2)
        fds = {v[0]: k for k, v in info.items() if isinstance(v, list)}
        got = {fds[int(fd)]: d["yy"] for fd, d in resolver.describe(proc.pid, set(fds)).items()}
        resolver.close()
    port = info["client"][1][1]
    assert got["listener"] == "TCP:[127.0.0.1:10000]"
    assert got["client"] == f"TCP:[127.0.0.1:{port}->127.0.0.1:10000]"
    assert got["accepted"] == f"TCP:[127.0.0.1:10000->127.0.0.1:{port}]"
    assert got["fresh"] == f"TCP:[{info['fresh'][3]}]"
    assert got["listener6"] == "TCPv6:[[::1]:10001]"
    assert got["client6"] == f"TCPv6:[[::1]:{info['client6'][1][1]}->[::1]:10001]"
    assert got["udp"] == f"UDP:[127.0.0.1:{info['udp'][1][1]}->127.0.0.1:9]"
    assert got["pair"] == f"UNIX-STREAM:[{info['pair'][3]}->{info['pair_peer_ino']}]"
    assert got["abstract"] == f'UNIX-STREAM:[{info["abstract"][3]},@"sysrec-test"]'


def test_yy_forms_match_strace(tmp_path):
    """The same process, looked up by strace -yy (its own netns is the tracee's here) and by us."""
    prog = script(tmp_path, "zoo2.py", """
        import json, os, socket, sys
        sys.path.insert(0, sys.argv[1])
        from sysrec.tracer.fds import FdResolver
        l = socket.socket(); l.bind(("127.0.0.1", 0)); l.listen(5)
        c = socket.socket(); c.connect(l.getsockname()); a, _ = l.accept()
        socks = [l, c, a, socket.socket(), socket.socket(socket.AF_INET6, socket.SOCK_DGRAM),
                 *socket.socketpair(), socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM),
                 socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0)]
        socks[-1].bind((0, 0))
        for s in socks:
            s.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE)
        r = FdResolver(2)
        got = r.describe(os.getpid(), {s.fileno() for s in socks})
        print(json.dumps({fd: d.get("yy", d["y"]) for fd, d in got.items()}))
    """)
    proc = subprocess.run(["strace", "-yy", "-e", "trace=getsockopt", PY, prog, str(REPO)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    ours = json.loads(proc.stdout)
    theirs = dict(re.findall(r"^getsockopt\((\d+)<(.*?)>, SOL_SOCKET, SO_TYPE", proc.stderr, re.M))
    assert len(theirs) == 9
    assert {fd: ours[fd] for fd in theirs} == theirs


def test_exec_from_a_thread_keeps_tracing_under_the_leaders_pid(tmp_path):
    prog = script(tmp_path, "texec.py", """
        import os, threading, time
        threading.Thread(target=lambda: os.execv("/bin/sh", ["sh", "-c", "exit 4"])).start()
        time.sleep(30)
    """)
    result, events = run_traced([PY, prog], trace_set=("execve",), follow=True, timeout=60)
    assert (result.end, result.exit_status) == ("exited", 4)
    execs = of_kind(events, "syscall")
    assert [(e["name"], e["ret"]) for e in execs] == [("execve", 0), ("execve", 0)]  # python's, the thread's
    assert execs[1]["pid"] == result.pid  # the thread took over the leader's pid
    assert of_kind(events, "exit")[-1] == {**of_kind(events, "exit")[-1], "pid": result.pid, "status": 4}


def test_vfork_children_are_followed():
    # CPython's subprocess starts children with vfork (CLONE_VFORK) where it can
    code = "import subprocess; subprocess.run(['nc', '-z', '127.0.0.1', '1'])"
    result, events = run_traced([PY, "-c", code], trace_set=("connect",), follow=True)
    assert result.exit_status == 0
    (spawn,) = of_kind(events, "spawn")
    assert spawn["kind"] == "vfork" and spawn["parent"] == result.pid
    connects = [e for e in of_kind(events, "syscall") if e["pid"] == spawn["pid"]]
    assert connects[-1]["errno"] == "EINPROGRESS"
    assert connects[-1]["args"][1]["sin_port"] == "htons(1)"


def test_proc_net_fallback_agrees_with_sock_diag(tmp_path):
    """Where setns() into the tracee's netns is not allowed, /proc/TID/net/* is read instead."""
    from sysrec.tracer import sockets

    with socket_zoo(tmp_path) as (proc, info):
        describer = sockets.SocketDescriber()
        checked = 0
        for key in ("listener", "client", "accepted", "fresh", "listener6", "client6", "udp", "abstract"):
            fd, _name, _peer, inode = info[key]
            proto = os.getxattr(f"/proc/{proc.pid}/fd/{fd}", "system.sockprotoname").rstrip(b"\0").decode()
            via_diag = describer.describe(proc.pid, fd, inode)
            if proto.startswith("UNIX"):
                fallback = sockets._proc_net_unix(proc.pid, inode)
            else:
                fallback = sockets._proc_net_inet(proc.pid, proto, inode)
            assert via_diag == (f"{proto}:[{fallback}]" if fallback else f"{proto}:[{inode}]"), key
            checked += 1
        describer.close()
    assert checked == 8
