"""A TCP listener that never accepts: its accept queue only grows.

Usage: listener.py [--host 127.0.0.1] [--port 10000] [--backlog 2] [--accept]
                   [--close-when-queued N [--close-delay MS]]

`listen(fd, backlog)` and then nothing but waiting, so the kernel's accept queue fills and the
overflow paths of tcp_v4_syn_recv_sock()/tcp_conn_request() become reachable. `--accept` makes it
a well-behaved server instead (accepts and closes), for contrast. `--close-when-queued N` plays a
server that is restarted while clients wait: once N connections sit in the accept queue (read from
the listener's own TCP_INFO, where tcpi_unacked is the queue length) and `--close-delay` ms have
passed, it closes the listening socket without accepting them.
"""

from __future__ import annotations

import argparse
import signal
import socket
import struct
import sys
import time

# struct tcp_info: eight one-byte fields, then u32 rto, ato, snd_mss, rcv_mss, unacked, ...
_TCPI_UNACKED = struct.Struct("=I")
_TCPI_UNACKED_OFFSET = 24


def accept_queue_length(sock: socket.socket) -> int:
    """Connections waiting in this listener's accept queue (TCP_INFO reports it as tcpi_unacked)."""
    info = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 104)
    return _TCPI_UNACKED.unpack_from(info, _TCPI_UNACKED_OFFSET)[0]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="sysrec-probe-listener")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=10000)
    parser.add_argument("--backlog", type=int, default=2)
    parser.add_argument("--accept", action="store_true", help="accept and close connections")
    parser.add_argument("--close-when-queued", type=int, default=0, metavar="N",
                        help="close the listener once N connections wait in its accept queue")
    parser.add_argument("--close-delay", type=int, default=0, metavar="MS",
                        help="with --close-when-queued: wait this long after the queue reached N")
    opts = parser.parse_args(argv)

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((opts.host, opts.port))
    sock.listen(opts.backlog)
    print(f"listening on {opts.host}:{sock.getsockname()[1]} backlog {opts.backlog}", flush=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    if opts.close_when_queued:
        while accept_queue_length(sock) < opts.close_when_queued:
            time.sleep(0.01)
        time.sleep(opts.close_delay / 1000)
        sock.close()
        print(f"closed the listener with {opts.close_when_queued} connections queued", flush=True)
    elif opts.accept:
        while True:
            conn, _ = sock.accept()
            conn.close()
    while True:
        signal.pause()


if __name__ == "__main__":
    raise SystemExit(main())
