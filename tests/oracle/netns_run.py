"""Runs one command inside the private network namespace it was started in (by `unshare -n` or
`unshare -Urn`): brings `lo` up, serves the fixed-port peers the oracle clients talk to (from
threads of this process, so they are not traced), runs the command, and exits with its status.

usage: netns_run.py [--serve KIND:PORT]... -- CMD [ARG...]
KIND: echo (TCP, echoes until EOF), hello (TCP, sends "hello\\n" and closes),
      http (TCP, one minimal HTTP/1.0 answer per connection), udp (UDP echo)
"""

from __future__ import annotations

import socket
import subprocess
import sys
import threading


def _serve_tcp(port: int, handle) -> socket.socket:
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", port))
    srv.listen(16)

    def loop() -> None:
        while True:
            try:
                conn, _ = srv.accept()
            except OSError:
                return
            threading.Thread(target=handle, args=(conn,), daemon=True).start()
    threading.Thread(target=loop, daemon=True).start()
    return srv


def _echo(conn: socket.socket) -> None:
    with conn:
        while data := conn.recv(65536):
            conn.sendall(data)


def _hello(conn: socket.socket) -> None:
    with conn:
        conn.sendall(b"hello\n")


def _http(conn: socket.socket) -> None:
    with conn:
        request = b""
        while b"\r\n\r\n" not in request:
            chunk = conn.recv(4096)
            if not chunk:
                return
            request += chunk
        body = b"oracle\n"
        conn.sendall(b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: "
                     + str(len(body)).encode() + b"\r\n\r\n" + body)


def _serve_udp(port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", port))

    def loop() -> None:
        while True:
            try:
                data, peer = sock.recvfrom(65536)
                sock.sendto(data, peer)
            except OSError:
                return
    threading.Thread(target=loop, daemon=True).start()
    return sock


HANDLERS = {"echo": _echo, "hello": _hello, "http": _http}


def main(argv: list[str]) -> int:
    sep = argv.index("--")
    options, cmd = argv[:sep], argv[sep + 1:]
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    servers = []
    for i, opt in enumerate(options):
        if opt == "--serve":
            kind, port = options[i + 1].split(":")
            servers.append(_serve_udp(int(port)) if kind == "udp"
                           else _serve_tcp(int(port), HANDLERS[kind]))
    try:
        return subprocess.run(cmd).returncode
    finally:
        for s in servers:
            s.close()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
