"""Big records for the memory benchmarks and the streaming tests, written without tracing.

    python3 bench/big_record.py OUT.jsonl N [--packets P] [--variant V]

The shape is `sysrec trace -e trace=read,write -- dd if=/dev/zero of=/dev/null bs=1`: N syscalls,
alternating one-byte read(0) and write(1), then an exit and a footer. `--packets P` makes it look
like a `sysrec run` record instead (a scenario context in the header, P TCP packets with raw bytes
written after the syscalls but timed among them), which is what a timeline has to interleave and
`export --pcap` writes. `--variant V` changes every V-th call's result (a short read), so two records
differ in places for `sysrec diff`. Generating is cheap; the files are never committed.
"""

from __future__ import annotations

import argparse
import json
import struct
import sys

START_NS = 1_795_777_345_935_466_107
STEP_NS = 50_000                    # between two calls
CALL_NS = 20_000                    # one call's duration
SERVER_PORT, CLIENT_PORT = 10000, 40000


def _header(packets: int) -> dict:
    header = {"ev": "header", "schema": 1, "sysrec": "0.1.0", "kernel": "6.1.0-bench",
              "argv": ["dd", "if=/dev/zero", "of=/dev/null", "bs=1"], "start_ns": START_NS,
              "trace_set": ["read", "write"], "seccomp": True,
              "options": {"strsize": 32, "fd_decode": 0, "follow": False}}
    if packets:
        header["context"] = {"scenario": "bench", "cell": "default", "settings": {}, "run": 1, "role": "client",
                             "netns": {"client": "net:[1]", "server": "net:[1]"}}
    return header


def _syscall(seq: int, short: bool) -> str:
    t0 = START_NS + seq * STEP_NS
    if seq % 2:
        data, ret = ('{"$s":""}', 0) if short else ('{"$s":"\\u0000"}', 1)
        return (f'{{"ev":"syscall","pid":4242,"tgid":4242,"name":"read","nr":0,"raw":[0,94037669163008,1,0,0,0],'
                f'"args":[{{"$fd":0}},{data},1],"n_entry":1,"ret":{ret},"errno":null,"rtext":null,"raux":null,'
                f'"t0":{t0},"t1":{t0 + CALL_NS},"resumed":false,"seq":{seq}}}')
    return ('{"ev":"syscall","pid":4242,"tgid":4242,"name":"write","nr":1,"raw":[1,94037669163008,1,0,0,0],'
            '"args":[{"$fd":1},{"$s":"\\u0000"},1],"n_entry":3,"ret":1,"errno":null,"rtext":null,"raux":null,'
            f'"t0":{t0},"t1":{t0 + CALL_NS},"resumed":false,"seq":{seq}}}')


def _raw_tcp(sport: int, dport: int, seq_no: int, flags: int) -> str:
    """A 40-byte IPv4+TCP header (checksums left zero): what `raw` holds for a payload-less segment."""
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 40, 1, 0x4000, 64, 6, 0, bytes([127, 0, 0, 1]), bytes([127, 0, 0, 1]))
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq_no, 0, 5 << 4, flags, 65535, 0, 0)
    return (ip + tcp).hex()


def _packet(seq: int, index: int, every: int) -> str:
    t = START_NS + (index * every) * STEP_NS + STEP_NS // 2   # between two calls
    out = index % 2 == 0
    sport, dport = (CLIENT_PORT, SERVER_PORT) if out else (SERVER_PORT, CLIENT_PORT)
    event = {"ev": "packet", "seq": seq, "t": t, "ifname": "lo", "dir": "host", "family": "inet", "proto": "tcp",
             "src": "127.0.0.1", "dst": "127.0.0.1", "sport": sport, "dport": dport, "ttl": 64, "ip_len": 40,
             "len": 0, "flags": ["ACK"], "seq_no": index, "ack_no": index, "win": 65535, "opts": [],
             "raw": _raw_tcp(sport, dport, index, 0x10)}
    return json.dumps(event, separators=(",", ":"))


def write_big_record(path: str, n_syscalls: int, *, packets: int = 0, variant: int = 0) -> None:
    """Write a record of `n_syscalls` syscalls (+ `packets` packets), streaming: memory stays flat."""
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(json.dumps(_header(packets), separators=(",", ":")) + "\n")
        lines = []
        for seq in range(1, n_syscalls + 1):
            lines.append(_syscall(seq, bool(variant) and seq % 2 == 1 and seq % variant == 1))
            if len(lines) >= 10_000:
                fh.write("\n".join(lines) + "\n")
                lines.clear()
        if lines:
            fh.write("\n".join(lines) + "\n")
        seq = n_syscalls
        every = max(1, n_syscalls // max(packets, 1))
        for index in range(packets):
            seq += 1
            fh.write(_packet(seq, index, every) + "\n")
        seq += 1
        end = START_NS + (n_syscalls + 1) * STEP_NS
        fh.write(f'{{"ev":"exit","pid":4242,"tgid":4242,"t":{end},"status":0,"seq":{seq}}}\n')
        fh.write(f'{{"ev":"footer","end":"exited","exit_status":0,"events":{seq},"syscalls":{n_syscalls},'
                 f'"end_ns":{end + 1000}}}\n')


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description="write a big synthetic sysrec record")
    parser.add_argument("out")
    parser.add_argument("n", type=int, help="syscalls")
    parser.add_argument("--packets", type=int, default=0)
    parser.add_argument("--variant", type=int, default=0)
    ns = parser.parse_args(argv)
    write_big_record(ns.out, ns.n, packets=ns.packets, variant=ns.variant)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
