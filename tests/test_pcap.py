"""`write_pcap`: tcpdump reads our file back as the packets it captured itself."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from sysrec.capture.decode import packet_event
from sysrec.errors import InputError
from sysrec.record import RecordWriter
from sysrec.render.pcap import write_pcap
from test_capture import ipv4, parse_tcpdump_line, root_run, tcp, tcpdump_read  # noqa: F401 (fixture)


def without_time(lines: list[str]) -> list[str]:
    return [line.split(" ", 1)[1] for line in lines]


@pytest.mark.kernel
def test_tcpdump_reads_our_pcap_as_it_read_its_own_capture(root_run: dict[str, Any], tmp_path: Path) -> None:
    ours = tmp_path / "ours.pcap"
    assert write_pcap(root_run["packets"], ours) == len(root_run["packets"])
    mine = tcpdump_read(ours)
    theirs = tcpdump_read(root_run["tcpdump_pcap"])
    assert len(mine) >= 30
    assert without_time(mine) == without_time(theirs)
    # our file carries each event's own timestamp, to the nanosecond
    assert [parse_tcpdump_line(line)["t"] for line in mine] == [p["t"] for p in root_run["packets"]]


def hand_built_events() -> list[dict[str, Any]]:
    syn = ipv4(6, tcp(0x002, bytes([2, 4, 0x05, 0xB4]), seq=7), src=bytes([127, 0, 0, 1]), dst=bytes([127, 0, 0, 1]))
    rst = ipv4(6, tcp(0x014, seq=0, ack=8), src=bytes([127, 0, 0, 1]), dst=bytes([127, 0, 0, 1]))
    big = ipv4(6, tcp(0x018, data=b"x" * 1000, seq=8, ack=1), src=bytes([127, 0, 0, 1]), dst=bytes([127, 0, 0, 1]))
    t0 = 1_700_000_000_123_456_789
    events = []
    for i, data in enumerate((syn, rst, big)):
        ev = packet_event(data, t0 + i * 1_000_001, "lo", 0, 0x0800, raw_snaplen=128, loopback=True)
        assert ev is not None
        events.append(ev)
    return events


def test_pcap_from_a_record_file_round_trips_through_tcpdump(tmp_path: Path) -> None:
    record = tmp_path / "run.jsonl"
    with RecordWriter(record) as w:
        w.header(["nc", "127.0.0.1", "12345"], None, True, {})
        w.event({"ev": "warning", "t": 1, "msg": "not a packet"})
        for ev in hand_built_events():
            w.event(ev)
        w.footer("exited", 0)
    out = tmp_path / "run.pcap"
    assert write_pcap(str(record), out) == 3
    lines = tcpdump_read(out)
    parsed = [parse_tcpdump_line(line) for line in lines]
    assert [p["flags"] for p in parsed] == [{"S"}, {"R", "."}, {"P", "."}]
    assert parsed[0]["opts"] == ["mss 1460"] and parsed[0]["seq_no"] == 7
    assert parsed[1]["ack_no"] == 8
    # the third packet was cut to 128 bytes in `raw`; tcpdump still knows its real length
    assert parsed[2]["len"] == 1000 and "[|tcp]" not in lines[2]
    assert [p["t"] for p in parsed] == [e["t"] for e in hand_built_events()]
    assert oct(out.stat().st_mode & 0o777) == oct(0o666 & ~_umask())


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_no_packets_is_an_error_and_leaves_no_file(tmp_path: Path) -> None:
    out = tmp_path / "empty.pcap"
    with pytest.raises(InputError, match="no packet events"):
        write_pcap([{"ev": "syscall", "name": "connect"}], out)
    with pytest.raises(InputError, match="carry no raw bytes"):
        write_pcap([{"ev": "packet", "t": 1}], out)
    with pytest.raises(InputError, match="seq 4: 'raw' is not hex"):
        write_pcap([{"ev": "packet", "t": 1, "seq": 4, "raw": "zz"}], out)
    assert list(tmp_path.iterdir()) == []


def test_unwritable_directory_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="nodir/x.pcap: cannot write"):
        write_pcap(hand_built_events(), tmp_path / "nodir" / "x.pcap")
