"""A TCP client that performs a list of steps, one socket call each, and prints every result.

Usage: talker.py --port P [--host H] [--bind PORT] [--sigpipe default|ignore] [SOCKET OPTIONS] STEP...

Steps, in order, on the current connection:
  connect          a new socket (bound to 127.0.0.1:PORT first with --bind), its socket options
                   set, then a blocking connect() (and O_NONBLOCK after it with --nonblock)
  connect:reuseaddr  the same with SO_REUSEADDR set before bind()
  send:TEXT        one send() of TEXT
  fill:SIZE        send() SIZE bytes at a time until a call fails (EAGAIN, ETIMEDOUT, …): the
                   connection can take no more (send buffer and the peer's window full); short
                   sends go on. On a blocking socket without SO_SNDTIMEO or a timeout it may
                   block for ever
  recv             one recv() of up to 4096 bytes (0: the peer's FIN)
  poll:in|out:MS   one poll() for POLLIN or POLLOUT, at most MS milliseconds: a wait for
                   the peer, bounded (`= 0 (Timeout)`), and the steps go on
  poll:MS          poll:in:MS
  shutdown         shutdown(SHUT_WR)
  close            close()
  sleep:MS         sleep
Socket options, set on every new socket before connect(), in this order: --keepalive
IDLE,INTVL,CNT (SO_KEEPALIVE, then TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_KEEPCNT in seconds and
probes; `off`, the default, sets nothing), --user-timeout MS (TCP_USER_TIMEOUT), --sndbuf and
--rcvbuf BYTES (SO_SNDBUF, SO_RCVBUF), --sndtimeo and --rcvtimeo MS (SO_SNDTIMEO, SO_RCVTIMEO:
a blocked send or recv fails with EAGAIN after that long). Options may follow the steps, so a
scenario's `[matrix] "client.args"` can add them per cell.
A failing call is printed with its errno and the run goes on (steps on a connection whose connect
failed are skipped). With `--sigpipe default` (the default) a send on a broken connection kills
the talker with SIGPIPE, as it kills most programs; `ignore` shows the EPIPE instead.
`--user-timeout MS` sets TCP_USER_TIMEOUT on each new socket before connect() (0, the default:
no setsockopt call, the kernel's own limits apply).

Exit status: 0 when every call succeeded, 1 otherwise (128+13 when SIGPIPE killed it).
"""

from __future__ import annotations

import argparse
import errno
import select
import signal
import socket
import struct
import time

STEPS = ("connect", "send", "fill", "recv", "poll", "shutdown", "close", "sleep")
POLL_EVENTS = {"in": select.POLLIN, "out": select.POLLOUT}


def _errname(code: int) -> str:
    return errno.errorcode.get(code, str(code))


def _poll_arg(arg: str) -> str:
    """`MS` is `in:MS`: a bounded wait to read."""
    return f"in:{arg}" if arg.isdigit() else arg


def _check_step(step: str) -> str:
    name, _, arg = step.partition(":")
    if name not in STEPS:
        raise argparse.ArgumentTypeError(f"unknown step {step!r}")
    if name in ("sleep", "fill") and not (arg.isdigit() and int(arg) > 0):
        raise argparse.ArgumentTypeError(f"step {step!r}: expected {name}:{'MS' if name == 'sleep' else 'SIZE'}")
    if name == "poll":
        events, _, ms = _poll_arg(arg).partition(":")
        if events not in POLL_EVENTS or not ms.isdigit():
            raise argparse.ArgumentTypeError(f"step {step!r}: expected poll:in:MS or poll:out:MS")
    if name == "connect" and step not in ("connect", "connect:reuseaddr"):
        raise argparse.ArgumentTypeError(f"step {step!r}: expected connect or connect:reuseaddr")
    return step


def _keepalive(text: str) -> tuple[int, int, int] | None:
    if text == "off":
        return None
    parts = text.split(",")
    if len(parts) != 3 or not all(p.isdigit() and int(p) > 0 for p in parts):
        raise argparse.ArgumentTypeError(f"expected off or IDLE,INTVL,CNT (positive integers), got {text!r}")
    idle, intvl, cnt = (int(p) for p in parts)
    return idle, intvl, cnt


def _timeval(ms: int) -> bytes:
    return struct.pack("ll", ms // 1000, (ms % 1000) * 1000)


def set_options(sock: socket.socket, opts: argparse.Namespace) -> None:
    """The socket options the command line asked for, one setsockopt() each, before connect()."""
    if opts.keepalive is not None:
        idle, intvl, cnt = opts.keepalive
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, idle)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL, intvl)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPCNT, cnt)
    if opts.user_timeout:   # 0 (or none given): the kernel's default, no setsockopt call
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_USER_TIMEOUT, opts.user_timeout)
    for option, value in ((socket.SO_SNDBUF, opts.sndbuf), (socket.SO_RCVBUF, opts.rcvbuf)):
        if value is not None:
            sock.setsockopt(socket.SOL_SOCKET, option, value)
    for option, value in ((socket.SO_SNDTIMEO, opts.sndtimeo), (socket.SO_RCVTIMEO, opts.rcvtimeo)):
        if value is not None:
            sock.setsockopt(socket.SOL_SOCKET, option, _timeval(value))


class Talker:
    """The current connection and what happened to it."""

    def __init__(self, opts: argparse.Namespace) -> None:
        self.opts = opts
        self.sock: socket.socket | None = None
        self.failed = False

    def connect(self, reuseaddr: bool) -> str:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if reuseaddr:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if self.opts.bind:
            self.sock.bind(("127.0.0.1", self.opts.bind))
        set_options(self.sock, self.opts)
        self.sock.connect((self.opts.host, self.opts.port))
        if self.opts.nonblock:
            self.sock.setblocking(False)
        return f"from port {self.sock.getsockname()[1]}"

    def fill(self, size: int) -> str:
        """send() until a call fails: how many calls, how many bytes, how many took less than asked.

        A send that finds some room queues what fits and returns short (after waiting out
        SO_SNDTIMEO, if it had to wait); only a call that can queue nothing fails, so the last
        call always meets a full connection."""
        assert self.sock is not None
        chunk = b"x" * size
        calls = total = short = 0
        while True:
            calls += 1
            try:
                sent = self.sock.send(chunk)
            except OSError as err:
                self.failed = True
                return f"{calls} sends, {total} bytes ({short} short), then {_errname(err.errno)}"
            total += sent
            short += sent < size

    def poll(self, arg: str) -> str:
        assert self.sock is not None
        events, _, ms = _poll_arg(arg).partition(":")
        poller = select.poll()
        poller.register(self.sock, POLL_EVENTS[events])
        ready = poller.poll(int(ms))
        return f"revents {ready[0][1]:#x}" if ready else "timeout"

    def step(self, step: str) -> str:
        name, _, arg = step.partition(":")
        if name == "sleep":
            time.sleep(int(arg) / 1000)
            return "ok"
        if name == "connect":
            try:
                return self.connect(arg == "reuseaddr")
            except OSError:
                self.sock = None
                raise
        if self.sock is None:
            return "skipped (no connection)"
        if name == "send":
            return f"sent {self.sock.send(arg.encode())}"
        if name == "fill":
            return self.fill(int(arg))
        if name == "poll":
            return self.poll(arg)
        if name == "recv":
            return f"received {len(self.sock.recv(4096))}"
        if name == "shutdown":
            self.sock.shutdown(socket.SHUT_WR)
            return "ok"
        self.sock.close()
        self.sock = None
        return "ok"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="sysrec-probe-talker")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--bind", type=int, default=0, metavar="PORT")
    parser.add_argument("--sigpipe", choices=["default", "ignore"], default="default")
    parser.add_argument("--keepalive", type=_keepalive, default=None, metavar="IDLE,INTVL,CNT")
    parser.add_argument("--user-timeout", type=int, default=None, metavar="MS")
    parser.add_argument("--sndbuf", type=int, default=None, metavar="BYTES")
    parser.add_argument("--rcvbuf", type=int, default=None, metavar="BYTES")
    parser.add_argument("--sndtimeo", type=int, default=None, metavar="MS")
    parser.add_argument("--rcvtimeo", type=int, default=None, metavar="MS")
    parser.add_argument("--nonblock", action="store_true")
    parser.add_argument("steps", nargs="+", type=_check_step, metavar="STEP")
    opts = parser.parse_intermixed_args(argv)
    # Python starts with SIGPIPE ignored; a real program gets the kernel's default (terminate).
    signal.signal(signal.SIGPIPE, signal.SIG_DFL if opts.sigpipe == "default" else signal.SIG_IGN)

    talker = Talker(opts)
    for step in opts.steps:
        try:
            result = talker.step(step)
        except OSError as err:
            result = _errname(err.errno)
            talker.failed = True
        print(f"{step}: {result}", flush=True)
    return 1 if talker.failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
