"""A TCP server that accepts and then ends each connection the way its options say.

Usage: server.py [--host 127.0.0.1] [--port 10000] [--backlog 16] [--rcvbuf BYTES] [--read N]
                 [--reply TEXT] [--body N[,N...]] [--wait-eof]
                 [--close graceful|abort|unread|half|hold[,...]]

For each accepted connection, one after another: wait until data is queued and read at most N
bytes (`--read`, so anything beyond N stays unread), send TEXT (`--reply`, `\\r` and `\\n`
understood) followed by N bytes of body (`--body`: `{length}` in TEXT becomes N, for a
Content-Length; one write, so the reply's segments are as large as the path allows), read until
the peer's FIN (`--wait-eof`, so the client closes first and keeps the
TIME_WAIT), then end it:

- `graceful`: close(): FIN;
- `abort`: SO_LINGER {on, 0 s}, then close(): RST, whatever is queued is discarded;
- `unread`: close() although data is still unread (use `--read` smaller than the request): RST;
- `half`: shutdown(SHUT_WR) (FIN, the server can still receive), wait for one more byte from the
  client, then close() with that byte unread: RST;
- `hold`: keep the connection open and never read from it again (until the server is stopped): a
  peer that stops reading, whose receive buffer fills and whose window closes.

`--rcvbuf BYTES` sets SO_RCVBUF on the listening socket before listen(): accepted connections
inherit it, and the window they announce in the handshake is scaled for it.

`--body 100,100000` gives the first connection a 100-byte body and every later one 100000 bytes;
`--close abort,graceful` gives the first connection `abort` and every later one `graceful`, so
one client that connects twice sees both. The server never exits by itself (SIGTERM ends it).
"""

from __future__ import annotations

import argparse
import select
import signal
import socket
import struct
import sys

CLOSE_MODES = ("graceful", "abort", "unread", "half", "hold")


def _wait_readable(conn: socket.socket) -> None:
    select.select([conn], [], [])


def _close_modes(text: str) -> list[str]:
    modes = text.split(",")
    for mode in modes:
        if mode not in CLOSE_MODES:
            raise argparse.ArgumentTypeError(f"close mode {mode!r} is not one of {', '.join(CLOSE_MODES)}")
    return modes


def _sizes(text: str) -> list[int]:
    try:
        sizes = [int(part) for part in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"body sizes {text!r} are not integers") from None
    if any(size < 0 for size in sizes):
        raise argparse.ArgumentTypeError(f"body sizes {text!r} must not be negative")
    return sizes


HELD: list[socket.socket] = []   # `hold` connections, open until the process ends


def serve_one(conn: socket.socket, mode: str, opts: argparse.Namespace, body: int | None = None) -> None:
    """Run one connection through read, reply (and body), EOF and the chosen close."""
    if opts.read:
        _wait_readable(conn)
        conn.recv(opts.read)
    reply = opts.reply.encode()
    if body is not None:
        reply = reply.replace(b"{length}", str(body).encode()) + b"x" * body
    if reply:
        conn.sendall(reply)
    if opts.wait_eof:
        while conn.recv(4096):
            pass
    if mode == "hold":
        HELD.append(conn)
        print("holding a connection, not reading it", flush=True)
        return
    if mode == "abort":
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    elif mode == "half":
        conn.shutdown(socket.SHUT_WR)
        _wait_readable(conn)
    conn.close()
    print(f"closed a connection: {mode}", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="sysrec-probe-server")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=10000)
    parser.add_argument("--backlog", type=int, default=16)
    parser.add_argument("--rcvbuf", type=int, default=0, metavar="BYTES")
    parser.add_argument("--read", type=int, default=0, metavar="N")
    parser.add_argument("--reply", default="", metavar="TEXT")
    parser.add_argument("--body", type=_sizes, default=None, metavar="N[,N...]")
    parser.add_argument("--wait-eof", action="store_true")
    parser.add_argument("--close", type=_close_modes, default=["graceful"], metavar="MODE[,MODE...]")
    opts = parser.parse_args(argv)
    opts.reply = opts.reply.replace("\\r", "\r").replace("\\n", "\n")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if opts.rcvbuf:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, opts.rcvbuf)
    sock.bind((opts.host, opts.port))
    sock.listen(opts.backlog)
    print(f"listening on {opts.host}:{sock.getsockname()[1]}", flush=True)
    served = 0
    while True:
        conn, _ = sock.accept()
        body = opts.body[min(served, len(opts.body) - 1)] if opts.body else None
        serve_one(conn, opts.close[min(served, len(opts.close) - 1)], opts, body)
        served += 1


if __name__ == "__main__":
    raise SystemExit(main())
