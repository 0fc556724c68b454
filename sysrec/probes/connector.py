"""A TCP client whose every socket call is chosen by its options.

Usage: connector.py --port P [--host H] [--count N] [--nonblock] [--defer-accept SECS]
                    [--settle MS] [--wait select|poll|none] [--wait-timeout MS]
                    [--sockopt | --no-sockopt] [--then none|send|recv|write|read]
                    [--hold SECS] [--ready-file PATH]

It opens `count` connections one after another (all connect() calls first), optionally sleeps
`settle` ms, then for each socket: waits for writability (select → pselect6, or poll), reads
SO_ERROR like nc does after a non-blocking connect, and tries one `then` call. With
`--defer-accept` the socket gets TCP_DEFER_ACCEPT *before* connect(): on a client socket that
delays the handshake's final ACK by the delayed-ACK timer (tcp_rcv_synsent_state_process), so
several SYNs can be answered before any of their ACKs reaches the listener.

Exit status: 0 when every connection ended with SO_ERROR 0 and no failing call, 1 otherwise.
SIGPIPE is ignored, so a write on a reset socket shows as EPIPE/ECONNRESET, not a killed probe.
"""

from __future__ import annotations

import argparse
import errno
import os
import select
import signal
import socket
import sys
import time


def _errname(code: int) -> str:
    return errno.errorcode.get(code, str(code))


def _wait_writable(sock: socket.socket, how: str, timeout_ms: int) -> str:
    if how == "select":
        _, writable, _ = select.select([], [sock], [], timeout_ms / 1000)
        return "writable" if writable else "timeout"
    if how == "poll":
        poller = select.poll()
        poller.register(sock, select.POLLOUT)
        ready = poller.poll(timeout_ms)
        return f"revents={ready[0][1]:#x}" if ready else "timeout"
    return "skipped"


def _then(sock: socket.socket, action: str) -> str:
    try:
        if action == "send":
            return f"send={sock.send(b'x', socket.MSG_NOSIGNAL)}"
        if action == "recv":
            return f"recv={len(sock.recv(64, socket.MSG_DONTWAIT))}"
        if action == "write":
            return f"write={os.write(sock.fileno(), b'x')}"
        if action == "read":
            os.set_blocking(sock.fileno(), False)
            return f"read={len(os.read(sock.fileno(), 64))}"
    except OSError as err:
        return f"{action}:{_errname(err.errno)}"
    return "none"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="sysrec-probe-connector")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--count", type=int, default=1)
    parser.add_argument("--nonblock", action="store_true")
    parser.add_argument("--defer-accept", type=int, default=0, metavar="SECS")
    parser.add_argument("--settle", type=int, default=0, metavar="MS")
    parser.add_argument("--wait", choices=["select", "poll", "none"], default="none")
    parser.add_argument("--wait-timeout", type=int, default=2000, metavar="MS")
    parser.add_argument("--sockopt", action=argparse.BooleanOptionalAction, default=True,
                        help="read SO_ERROR after the wait (default yes)")
    parser.add_argument("--then", choices=["none", "send", "recv", "write", "read"], default="none")
    parser.add_argument("--hold", type=float, default=0.0, metavar="SECS",
                        help="keep the connections open this long before exiting (-1: forever)")
    parser.add_argument("--ready-file", metavar="PATH",
                        help="create PATH once every connect() has returned")
    opts = parser.parse_args(argv)
    signal.signal(signal.SIGPIPE, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))

    socks: list[socket.socket] = []
    failed = False
    for n in range(opts.count):
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if opts.defer_accept:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_DEFER_ACCEPT, opts.defer_accept)
        if opts.nonblock:
            sock.setblocking(False)
        code = sock.connect_ex((opts.host, opts.port))
        print(f"conn {n}: connect {_errname(code) if code else 'ok'}", flush=True)
        if code not in (0, errno.EINPROGRESS):
            failed = True
        socks.append(sock)
    if opts.ready_file:
        with open(opts.ready_file, "w"):
            pass
    if opts.settle:
        time.sleep(opts.settle / 1000)
    for n, sock in enumerate(socks):
        waited = _wait_writable(sock, opts.wait, opts.wait_timeout)
        so_error = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) if opts.sockopt else 0
        result = _then(sock, opts.then)
        print(f"conn {n}: wait {waited} so_error {_errname(so_error) if so_error else 0} {result}",
              flush=True)
        if so_error or waited == "timeout" or ":" in result:
            failed = True
    if opts.hold < 0:
        while True:
            signal.pause()
    if opts.hold:
        time.sleep(opts.hold)
    for sock in socks:
        sock.close()
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
