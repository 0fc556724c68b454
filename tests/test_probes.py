"""The probe programs on the host's loopback: each does the socket calls its options promise."""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Iterator

import pytest

from sysrec.probes import probe_argv


def start(name: str, *args: str) -> tuple[subprocess.Popen[str], int]:
    """Start a server-side probe on an ephemeral port; return it and the port it printed."""
    proc = subprocess.Popen(probe_argv(name, ["--port", "0", *args]), stdout=subprocess.PIPE, text=True)
    first = proc.stdout.readline() if proc.stdout else ""
    assert first.startswith("listening on 127.0.0.1:"), first
    return proc, int(first.split(":")[1].split()[0])


@pytest.fixture
def procs() -> Iterator[list[subprocess.Popen[str]]]:
    started: list[subprocess.Popen[str]] = []
    yield started
    for proc in started:
        proc.kill()
        proc.wait()


def talk(port: int, *steps: str, timeout: float = 10) -> subprocess.CompletedProcess[str]:
    return subprocess.run(probe_argv("talker", ["--port", str(port), *steps]), capture_output=True, text=True,
                          timeout=timeout)


def test_abort_then_graceful_close(procs):
    server, port = start("server", "--read", "2", "--close", "abort,graceful")
    procs.append(server)
    result = talk(port, "connect", "send:hi", "recv", "recv", "close", "connect", "send:hi", "recv")
    lines = result.stdout.splitlines()
    assert lines[2:4] == ["recv: ECONNRESET", "recv: received 0"], lines
    assert lines[-1] == "recv: received 0", lines
    assert result.returncode == 1


def test_half_close_then_sigpipe_kills_the_talker(procs):
    server, port = start("server", "--close", "half")
    procs.append(server)
    result = talk(port, "connect", "recv", "send:a", "sleep:200", "send:b")
    assert result.stdout.splitlines()[1:3] == ["recv: received 0", "send:a: sent 1"], result.stdout
    assert result.returncode == -13  # SIGPIPE, before it could print the failed send
    ignored = talk(port, "--sigpipe", "ignore", "connect", "recv", "send:a", "sleep:200", "send:b")
    assert ignored.stdout.splitlines()[-1] == "send:b: EPIPE" and ignored.returncode == 1


def test_unread_close_resets_after_the_reply(procs):
    server, port = start("server", "--read", "4", "--reply", "done\\n", "--close", "unread")
    procs.append(server)
    result = talk(port, "connect", "send:more than four bytes", "sleep:100", "recv", "recv")
    assert result.stdout.splitlines()[-2:] == ["recv: received 5", "recv: ECONNRESET"], result.stdout


def test_listener_closed_with_a_full_queue_resets_the_waiting_clients(procs):
    listener, port = start("listener", "--host", "127.0.0.1", "--backlog", "4", "--close-when-queued", "2")
    procs.append(listener)
    clients = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(2)]
    assert listener.stdout is not None and "closed the listener" in listener.stdout.readline()
    for client in clients:
        with client, pytest.raises(ConnectionResetError):
            client.recv(1)


@pytest.mark.parametrize("step", ["sleep:soon", "connect:now", "dance"])
def test_talker_rejects_an_unknown_step(step):
    result = subprocess.run([sys.executable, *probe_argv("talker", ["--port", "1", step])[1:]],
                            capture_output=True, text=True, timeout=10)
    assert result.returncode == 2 and step in result.stderr


def test_talker_polls_with_a_bound_and_goes_on(procs):
    """poll:MS waits for the peer's first words at most MS: a silent server times out, a greeting wakes it."""
    silent, port = start("server", "--read", "2")
    procs.append(silent)
    result = talk(port, "connect", "poll:200", "send:hi", "close")
    assert result.stdout.splitlines()[1:3] == ["poll:200: timeout", "send:hi: sent 2"], result.stdout
    greeting, port = start("server", "--reply", "hello\\n", "--wait-eof")
    procs.append(greeting)
    result = talk(port, "connect", "poll:5000", "recv")
    assert result.stdout.splitlines()[1:] == ["poll:5000: revents 0x1", "recv: received 6"], result.stdout


@pytest.mark.parametrize("user_timeout, expected", [("1500", "TCP_USER_TIMEOUT, [1500], 4) = 0"), ("0", None)])
def test_talker_sets_tcp_user_timeout_before_connect_only_when_asked(procs, user_timeout, expected):
    server, port = start("server", "--wait-eof")
    procs.append(server)
    argv = probe_argv("talker", ["--port", str(port), "--user-timeout", user_timeout, "connect", "close"])
    traced = subprocess.run(["strace", "-qq", "-e", "trace=setsockopt,connect", *argv], capture_output=True,
                            text=True, timeout=20)
    calls = [line for line in traced.stderr.splitlines() if line.startswith(("setsockopt", "connect"))]
    if expected is None:
        assert [c.split("(")[0] for c in calls] == ["connect"], calls
    else:
        assert calls[0].startswith("setsockopt(") and calls[0].endswith(expected), calls
        assert calls[1].startswith("connect("), calls
def test_talker_socket_options_are_set_before_connect():
    import argparse
    from sysrec.probes.talker import _keepalive, set_options
    opts = argparse.Namespace(keepalive=_keepalive("7,3,4"), user_timeout=2500, sndbuf=8192, rcvbuf=None,
                              sndtimeo=1500, rcvtimeo=None)
    with socket.socket() as sock:
        set_options(sock, opts)
        assert sock.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE) == 1
        assert [sock.getsockopt(socket.IPPROTO_TCP, o) for o in
                (socket.TCP_KEEPIDLE, socket.TCP_KEEPINTVL, socket.TCP_KEEPCNT, socket.TCP_USER_TIMEOUT)] == [7, 3, 4, 2500]
        assert sock.getsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF) == 2 * 8192   # the kernel doubles it
        timeout = sock.getsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO, 16)
        assert int.from_bytes(timeout[:8], "little") == 1 and int.from_bytes(timeout[8:], "little") == 500_000
    with socket.socket() as sock:
        set_options(sock, argparse.Namespace(keepalive=_keepalive("off"), user_timeout=None, sndbuf=None,
                                             rcvbuf=None, sndtimeo=None, rcvtimeo=None))
        assert sock.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE) == 0


def test_a_server_that_holds_and_never_reads_fills_the_window(procs):
    server, port = start("server", "--rcvbuf", "4096", "--close", "hold")
    procs.append(server)
    result = talk(port, "--sndbuf", "4096", "--sndtimeo", "300", "connect", "fill:4096", "poll:out:300",
                  "--rcvtimeo", "200", "recv")
    lines = result.stdout.splitlines()
    assert lines[1].startswith("fill:4096: ") and lines[1].endswith("then EAGAIN"), lines
    assert lines[2:] == ["poll:out:300: timeout", "recv: EAGAIN"], lines
    assert result.returncode == 1


@pytest.mark.parametrize("args", [["--keepalive", "1,2"], ["--keepalive", "0,1,1"], ["fill:0"], ["poll:up:10"]])
def test_talker_rejects_bad_socket_options_and_steps(args):
    result = subprocess.run(probe_argv("talker", ["--port", "1", "connect", *args]), capture_output=True,
                            text=True, timeout=10)
    assert result.returncode == 2 and "usage" in result.stderr
