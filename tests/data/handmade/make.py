"""Writes the hand-made records in this directory (run it to regenerate; the .jsonl are committed).

They follow docs/record-format.md exactly and mirror what FIELD-NOTES §1 measured: a client
with TCP_DEFER_ACCEPT whose final ACK lands on a full accept queue (abort=1: ECONNRESET;
abort=0: looks connected), a SYN dropped by a full queue (select timeout), a refused connect.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
START = 1_764_040_000_000_000_000
MS = 1_000_000
SERVER = 'inet_addr("127.0.0.1")'


def sockaddr(port: int) -> dict:
    return {"sa_family": "AF_INET", "sin_port": f"htons({port})", "sin_addr": SERVER}


class Builder:
    def __init__(self, context: dict | None, argv: list[str], pid: int) -> None:
        self.lines: list[dict] = []
        self.seq = 0
        self.pid = pid
        self.syscalls = 0
        head = {"ev": "header", "schema": 1, "sysrec": "0.1.0", "kernel": "6.18.0-test", "argv": argv,
                "start_ns": START, "trace_set": None, "seccomp": True,
                "options": {"strsize": 32, "fd_decode": 0, "follow": False}}
        if context:
            head["context"] = context
        self.lines.append(head)

    def add(self, ev: dict) -> dict:
        self.seq += 1
        ev = {"ev": ev.pop("ev"), "seq": self.seq, **ev}
        self.lines.append(ev)
        return ev

    def call(self, t_ms: float, name: str, nr: int, args: list, ret: int | None, errno: str | None = None,
             n_entry: int | None = None, rtext=None, raux=None, dur_ms: float = 0.02, fds=None, ctx=None):
        self.syscalls += 1
        ev = {"ev": "syscall", "pid": self.pid, "tgid": self.pid, "name": name, "nr": nr,
              "raw": [0, 0, 0, 0, 0, 0], "args": args, "n_entry": len(args) if n_entry is None else n_entry,
              "ret": ret, "errno": errno, "rtext": rtext, "raux": raux,
              "t0": START + int(t_ms * MS), "t1": START + int((t_ms + dur_ms) * MS), "resumed": False}
        if fds:
            ev["fds"] = fds
        if ctx:
            ev["ctx"] = ctx
        return self.add(ev)

    def packet(self, t_ms: float, src_port: int, dst_port: int, flags: list[str], seq_no: int, ack_no: int,
               win: int = 65495, length: int = 0):
        return self.add({"ev": "packet", "t": START + int(t_ms * MS), "ifname": "lo", "dir": "out",
                         "proto": "tcp", "src": "127.0.0.1", "dst": "127.0.0.1", "sport": src_port,
                         "dport": dst_port, "flags": flags, "seq_no": seq_no, "ack_no": ack_no, "win": win,
                         "len": length, "opts": []})

    def counters(self, t_ms: float, phase: str, values: dict):
        return self.add({"ev": "counters", "t": START + int(t_ms * MS), "netns": "net:[4026532999]",
                         "values": values, "phase": phase})

    def exit(self, t_ms: float, status: int):
        return self.add({"ev": "exit", "pid": self.pid, "tgid": self.pid, "t": START + int(t_ms * MS),
                         "status": status})

    def write(self, name: str, end: str = "exited", status: int = 0) -> None:
        foot = {"ev": "footer", "end": end, "exit_status": status, "events": self.seq,
                "syscalls": self.syscalls, "end_ns": START + 900 * MS}
        with open(HERE / name, "w", encoding="utf-8") as fh:
            for line in self.lines + [foot]:
                fh.write(json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n")


BASE_COUNTERS = {"TcpExtListenOverflows": 7, "TcpExtListenDrops": 7, "TcpExtEmbryonicRsts": 0,
                 "TcpActiveOpens": 2, "TcpAttemptFails": 0}


def deferred_client(abort: int, pid: int, fd: int, port: int, inode: int) -> Builder:
    """The probe connector: TCP_DEFER_ACCEPT, non-blocking connect, select, settle, SO_ERROR."""
    ctx_cell = {"scenario": "accept-queue-overflow", "cell": f"tcp_abort_on_overflow={abort}",
                "settings": {"net.ipv4.tcp_abort_on_overflow": abort, "net.core.somaxconn": 4096},
                "run": 1, "role": "client"}
    b = Builder(ctx_cell, ["sysrec-probe", "connect", "--defer-accept", "127.0.0.1:10000"], pid)
    sock = f"socket:[{inode}]"
    tcp0 = {str(fd): {"y": sock, "yy": f"TCP:[{inode}]"}}
    tcp = {str(fd): {"y": sock, "yy": f"TCP:[127.0.0.1:{port}->127.0.0.1:10000]"}}
    listener = {"addr": "127.0.0.1:10000", "queue": 2, "backlog": 2, "synrecv": 0}
    b.counters(0, "start", dict(BASE_COUNTERS))
    b.call(0.1, "socket", 41, ["AF_INET", "SOCK_STREAM", "IPPROTO_TCP"], fd, rtext={"$fd": fd}, fds=tcp0,
           ctx={"listener": listener, "tcp_state": "CLOSE"})
    b.call(0.2, "setsockopt", 54, [{"$fd": fd}, "SOL_TCP", "TCP_DEFER_ACCEPT", [1], 4], 0, fds=tcp0,
           ctx={"listener": listener, "tcp_state": "CLOSE"})
    b.call(0.3, "fcntl", 72, [{"$fd": fd}, "F_GETFL"], 2, rtext="0x2", raux="flags O_RDWR", fds=tcp0,
           ctx={"listener": listener, "tcp_state": "CLOSE"})
    b.call(0.4, "fcntl", 72, [{"$fd": fd}, "F_SETFL", "O_RDWR|O_NONBLOCK"], 0, fds=tcp0,
           ctx={"listener": listener, "tcp_state": "CLOSE"})
    b.call(0.5, "connect", 42, [{"$fd": fd}, sockaddr(10000), 16], -1, "EINPROGRESS", fds=tcp,
           ctx={"listener": listener, "tcp_state": "SYN_SENT", "counters": {"TcpActiveOpens": 1}})
    b.packet(0.51, port, 10000, ["SYN"], 1000, 0)
    b.packet(0.53, 10000, port, ["SYN", "ACK"], 5000, 1001)
    syn_listener = dict(listener, synrecv=1)
    b.call(0.6, "pselect6", 270, [fd + 1, "NULL", [fd], "NULL", {"tv_sec": 2, "tv_nsec": 0}, "NULL"], 1,
           raux=f"out [{fd}], left {{tv_sec=1, tv_nsec=999{900 + abort * 7}123}}", n_entry=6, fds=tcp,
           ctx={"listener": syn_listener, "tcp_state": "ESTABLISHED"})
    b.packet(200.7, port, 10000, ["ACK"], 1001, 5001)
    if abort:
        b.packet(200.75, 10000, port, ["RST"], 5001, 0, win=0)
        b.call(300.0, "getsockopt", 55, [{"$fd": fd}, "SOL_SOCKET", "SO_ERROR", ["ECONNRESET"], [4]], 0,
               n_entry=3, fds=tcp,
               ctx={"listener": listener, "tcp_state": "CLOSE",
                    "counters": {"TcpExtListenOverflows": 1, "TcpExtListenDrops": 1, "TcpExtEmbryonicRsts": 1}})
        b.call(300.2, "write", 1, [1, {"$s": "SO_ERROR=ECONNRESET\n", "n": 20}, 20], 20, fds=tcp,
               ctx={"listener": listener, "tcp_state": "CLOSE"})
        b.call(300.3, "close", 3, [{"$fd": fd}], 0, fds=tcp, ctx={"listener": listener, "tcp_state": "CLOSE"})
        b.exit(300.5, 1)
        end = dict(BASE_COUNTERS, TcpExtListenOverflows=8, TcpExtListenDrops=8, TcpExtEmbryonicRsts=1,
                   TcpActiveOpens=3)
        b.counters(301, "end", end)
        b.write(f"deferred-abort{abort}.jsonl", status=1)
    else:
        b.call(300.0, "getsockopt", 55, [{"$fd": fd}, "SOL_SOCKET", "SO_ERROR", [0], [4]], 0, n_entry=3, fds=tcp,
               ctx={"listener": syn_listener, "tcp_state": "ESTABLISHED",
                    "counters": {"TcpExtListenOverflows": 1, "TcpExtListenDrops": 1}})
        b.call(300.2, "write", 1, [1, {"$s": "SO_ERROR=0\n", "n": 11}, 11], 11, fds=tcp,
               ctx={"listener": syn_listener, "tcp_state": "ESTABLISHED"})
        for i in range(4):
            b.call(300.4 + i * 0.1, "recvfrom", 45, [{"$fd": fd}, {"$ptr": 0x7ffd1000 + 0x40 * pid}, 4096, 0,
                                                         "NULL", "NULL"], -1, "EAGAIN", n_entry=1, fds=tcp,
                   ctx={"listener": syn_listener, "tcp_state": "ESTABLISHED"})
        b.packet(1200.5, 10000, port, ["SYN", "ACK"], 5000, 1001)
        b.packet(1200.52, port, 10000, ["ACK"], 1001, 5001)
        b.call(1300.0, "close", 3, [{"$fd": fd}], 0, fds=tcp,
               ctx={"listener": syn_listener, "tcp_state": "ESTABLISHED",
                    "counters": {"TcpExtListenOverflows": 1, "TcpExtListenDrops": 1, "TcpExtTCPTimeouts": 1}})
        b.exit(1300.5, 0)
        end = dict(BASE_COUNTERS, TcpExtListenOverflows=9, TcpExtListenDrops=9, TcpActiveOpens=3,
                   TcpExtTCPTimeouts=1)
        b.counters(1301, "end", end)
        b.write(f"deferred-abort{abort}.jsonl", status=0)
    return b


def syn_dropped() -> None:
    """nc -w 2 against a full queue on a >= 4.10 kernel: the SYN is dropped, select times out."""
    ctx_cell = {"scenario": "nc-replay", "cell": "tcp_abort_on_overflow=1",
                "settings": {"net.ipv4.tcp_abort_on_overflow": 1, "net.core.somaxconn": 1}, "run": 1,
                "role": "client"}
    b = Builder(ctx_cell, ["nc", "-w", "2", "127.0.0.1", "10000"], 7001)
    listener = {"addr": "127.0.0.1:10000", "queue": 2, "backlog": 1, "synrecv": 0}
    tcp = {"3": {"y": "socket:[9001]", "yy": "TCP:[127.0.0.1:51000->127.0.0.1:10000]"}}
    b.counters(0, "start", dict(BASE_COUNTERS))
    b.call(1.0, "socket", 41, ["AF_INET", "SOCK_STREAM", "IPPROTO_TCP"], 3, rtext={"$fd": 3},
           ctx={"listener": listener, "tcp_state": "CLOSE"})
    b.call(1.2, "connect", 42, [{"$fd": 3}, sockaddr(10000), 16], -1, "EINPROGRESS", fds=tcp,
           ctx={"listener": listener, "tcp_state": "SYN_SENT", "counters": {"TcpActiveOpens": 1}})
    b.packet(1.21, 51000, 10000, ["SYN"], 77, 0)
    b.packet(1025.3, 51000, 10000, ["SYN"], 77, 0)
    b.call(1.3, "pselect6", 270, [4, "NULL", [3], "NULL", {"tv_sec": 2, "tv_nsec": 0}, "NULL"], 0,
           raux="Timeout", dur_ms=2000.0, n_entry=6, fds=tcp,
           ctx={"listener": listener, "tcp_state": "SYN_SENT",
                "counters": {"TcpExtListenOverflows": 2, "TcpExtListenDrops": 2}})
    b.call(2001.5, "close", 3, [{"$fd": 3}], 0, fds=tcp, ctx={"listener": listener, "tcp_state": "SYN_SENT"})
    b.exit(2002.0, 1)
    b.counters(2003, "end", dict(BASE_COUNTERS, TcpExtListenOverflows=9, TcpExtListenDrops=9, TcpActiveOpens=3))
    b.write("syn-dropped.jsonl", status=1)


def refused() -> None:
    """A plain `sysrec trace` record (no scenario context): blocking connect to a closed port."""
    b = Builder(None, ["python3", "-c", "connect"], 6100)
    b.call(0.1, "socket", 41, ["AF_INET", "SOCK_STREAM|SOCK_CLOEXEC", "IPPROTO_IP"], 3)
    b.call(0.2, "connect", 42, [3, sockaddr(10009), 16], -1, "ECONNREFUSED")
    b.call(0.3, "close", 3, [3], 0)
    b.exit(0.5, 1)
    b.write("refused.jsonl", status=1)


if __name__ == "__main__":
    deferred_client(1, pid=4242, fd=3, port=43650, inode=4242001)
    deferred_client(0, pid=5353, fd=4, port=51234, inode=5353001)
    syn_dropped()
    refused()
    sys.exit(0)
