"""A TCP listener that never accepts: its accept queue only grows.

Usage: listener.py [--host 127.0.0.1] [--port 10000] [--backlog 2] [--accept]

`listen(fd, backlog)` and then nothing but waiting, so the kernel's accept queue fills and the
overflow paths of tcp_v4_syn_recv_sock()/tcp_conn_request() become reachable. `--accept` makes it
a well-behaved server instead (accepts and closes), for contrast.
"""

from __future__ import annotations

import argparse
import signal
import socket
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="sysrec-probe-listener")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=10000)
    parser.add_argument("--backlog", type=int, default=2)
    parser.add_argument("--accept", action="store_true", help="accept and close connections")
    opts = parser.parse_args(argv)

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((opts.host, opts.port))
    sock.listen(opts.backlog)
    print(f"listening on {opts.host}:{opts.port} backlog {opts.backlog}", flush=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    if opts.accept:
        while True:
            conn, _ = sock.accept()
            conn.close()
    while True:
        signal.pause()


if __name__ == "__main__":
    raise SystemExit(main())
