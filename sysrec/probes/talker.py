"""A TCP client that performs a list of steps, one socket call each, and prints every result.

Usage: talker.py --port P [--host H] [--bind PORT] [--sigpipe default|ignore] [--user-timeout MS]
                 STEP...

Steps, in order, on the current connection:
  connect          a new socket (bound to 127.0.0.1:PORT first with --bind), then a blocking
                   connect()
  connect:reuseaddr  the same with SO_REUSEADDR set before bind()
  send:TEXT        one send() of TEXT
  recv             one blocking recv() of up to 4096 bytes (0: the peer's FIN)
  poll:MS          one poll() for POLLIN of at most MS ms: a read that would wait for the peer,
                   bounded, so a silent peer shows as `= 0 (Timeout)` and the steps go on
  shutdown         shutdown(SHUT_WR)
  close            close()
  sleep:MS         sleep
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
import time


def _errname(code: int) -> str:
    return errno.errorcode.get(code, str(code))


def _check_step(step: str) -> str:
    name = step.split(":", 1)[0]
    if name not in ("connect", "send", "recv", "poll", "shutdown", "close", "sleep"):
        raise argparse.ArgumentTypeError(f"unknown step {step!r}")
    if name in ("sleep", "poll") and not step[len(name) + 1:].isdigit():
        raise argparse.ArgumentTypeError(f"step {step!r}: expected {name}:MS")
    if name == "connect" and step not in ("connect", "connect:reuseaddr"):
        raise argparse.ArgumentTypeError(f"step {step!r}: expected connect or connect:reuseaddr")
    return step


class Talker:
    """The current connection and what happened to it."""

    def __init__(self, opts: argparse.Namespace) -> None:
        self.opts = opts
        self.sock: socket.socket | None = None
        self.failed = False

    def connect(self, reuseaddr: bool) -> str:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if self.opts.user_timeout:
            self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_USER_TIMEOUT, self.opts.user_timeout)
        if reuseaddr:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if self.opts.bind:
            self.sock.bind(("127.0.0.1", self.opts.bind))
        self.sock.connect((self.opts.host, self.opts.port))
        return f"from port {self.sock.getsockname()[1]}"

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
        if name == "recv":
            return f"received {len(self.sock.recv(4096))}"
        if name == "poll":
            poller = select.poll()
            poller.register(self.sock, select.POLLIN)
            ready = poller.poll(int(arg))
            return f"revents {ready[0][1]:#x}" if ready else "timeout"
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
    parser.add_argument("--user-timeout", type=int, default=0, metavar="MS")
    parser.add_argument("steps", nargs="+", type=_check_step, metavar="STEP")
    opts = parser.parse_args(argv)
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
