"""`sysrec diff`: alignment after normalization, side-by-side results, exit codes, --json."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sysrec.errors import InputError
from sysrec.record import open_record
from sysrec.render.diff import Normalizer, diff_paths, diff_records, diff_text, resolve_record_path

DATA = Path(__file__).parent / "data"
ABORT0 = DATA / "handmade" / "deferred-abort0.jsonl"
ABORT1 = DATA / "handmade" / "deferred-abort1.jsonl"


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sysrec", *args], capture_output=True, text=True)


def test_a_record_equals_itself_and_exits_0():
    result = diff_paths(ABORT1, ABORT1)
    assert result.equal
    assert result.first_divergence is None
    proc = run_cli("diff", str(ABORT1), str(ABORT1))
    assert proc.returncode == 0, proc.stderr
    assert "identical after normalization" in proc.stdout


def test_fds_pids_ports_pointers_and_times_are_normalized(tmp_path: Path):
    """The same run with every incidental number changed must still be equal."""
    moved = tmp_path / "moved.jsonl"
    lines = []
    for line in ABORT1.read_text().splitlines():
        ev = json.loads(line)
        text = json.dumps(ev)
        text = text.replace('{"$fd": 3}', '{"$fd": 7}').replace('"pid": 4242', '"pid": 999')
        text = text.replace('"tgid": 4242', '"tgid": 999').replace("43650", "55555")
        text = text.replace("[3]", "[7]").replace('"pselect6", "nr": 270, "raw": [0, 0, 0, 0, 0, 0], "args": [4',
                                                  '"pselect6", "nr": 270, "raw": [0, 0, 0, 0, 0, 0], "args": [8')
        text = text.replace("out [3]", "out [7]").replace("999907123", "123456789")
        ev = json.loads(text)
        for key in ("t0", "t1", "t"):
            if key in ev:
                ev[key] += 5_000_000 + ev.get("seq", 0) * 1000  # another start, other durations
        lines.append(json.dumps(ev))
    moved.write_text("\n".join(lines) + "\n")
    assert '"$fd": 7' in moved.read_text()
    result = diff_paths(ABORT1, moved)
    assert result.equal, diff_text(result)


def test_normalizer_numbers_fds_by_first_appearance():
    norm = Normalizer()
    assert norm.node([{"$fd": 9}, {"$fd": 4}, {"$fd": 9}]) == ["fd1", "fd2", "fd1"]
    assert norm.text("out [4 9], left {tv_sec=1, tv_nsec=5}") == "out [fd2 fd1], left {timespec}"
    assert norm.node("htons(10000)") == "htons(10000)"
    assert norm.node("htons(43650)") == "htons(<ephemeral>)"
    assert norm.node({"$ptr": 0x7ffd0000}) == "<ptr>"


def test_abort0_vs_abort1_shows_so_error_side_by_side():
    result = diff_records(open_record(ABORT0), open_record(ABORT1))
    assert not result.equal
    assert result.settings_changed() == {"net.ipv4.tcp_abort_on_overflow": ("0", "1")}
    first = result.first_divergence
    assert first is not None and first.op == "changed"
    assert "[0]" in first.a.line and "[ECONNRESET]" in first.b.line
    assert result.common_prefix == 6
    only_a = [item for item in result.items if item.op == "only_a"]
    assert len(only_a) == 1 and only_a[0].count == 4 and "EAGAIN" in only_a[0].a.line
    assert result.counters["TcpExtEmbryonicRsts"] == (0, 1)
    assert ("only_b", "conn 1: ← RST") in result.packets
    text = diff_text(result)
    assert "first divergence" in text
    assert "tcp_abort_on_overflow=0 │ getsockopt(4, SOL_SOCKET, SO_ERROR, [0], [4]) = 0" in text
    assert "tcp_abort_on_overflow=1 │ getsockopt(3, SOL_SOCKET, SO_ERROR, [ECONNRESET], [4]) = 0" in text


def test_cli_exit_1_when_different_and_json_form():
    proc = run_cli("diff", str(ABORT0), str(ABORT1))
    assert proc.returncode == 1, proc.stderr
    proc = run_cli("diff", "--json", str(ABORT0), str(ABORT1))
    assert proc.returncode == 1, proc.stderr
    data = json.loads(proc.stdout)
    assert data["equal"] is False
    assert data["first_divergence"]["op"] == "changed"
    assert data["counters"]["TcpExtEmbryonicRsts"] == {"a": 0, "b": 1}
    assert {"op", "a", "b"} <= set(data["first_divergence"])


def test_cell_directories_use_their_first_run(tmp_path: Path):
    cell_a = tmp_path / "scn" / "tcp_abort_on_overflow=0"
    cell_b = tmp_path / "scn" / "tcp_abort_on_overflow=1"
    for cell, src in ((cell_a, ABORT0), (cell_b, ABORT1)):
        cell.mkdir(parents=True)
        shutil.copy(src, cell / "run-1.jsonl")
        shutil.copy(src, cell / "run-10.jsonl")
    (cell_b / "run-2.jsonl").write_text("garbage\n")
    assert resolve_record_path(cell_b) == str(cell_b / "run-1.jsonl")
    proc = run_cli("diff", str(cell_a), str(cell_b))
    assert proc.returncode == 1, proc.stderr
    assert "[ECONNRESET]" in proc.stdout
    (tmp_path / "summary.json").write_text("{}")
    with pytest.raises(InputError, match="run directory"):
        resolve_record_path(tmp_path)


def test_run_cells_are_diffed_pairwise():
    import json as _json

    from sysrec.render.diff import diff_run_cells

    summary = _json.loads((DATA / "handmade-run" / "summary.json").read_text())
    pairs = diff_run_cells(summary, DATA / "handmade-run")
    assert [(a, b) for a, b, _ in pairs] == [("tcp_abort_on_overflow=0", "tcp_abort_on_overflow=1")]
    assert not pairs[0][2].equal


def test_diff_on_a_terminal_is_coloured_and_says_the_same():
    import io

    from rich.console import Console

    from sysrec.render.diff import print_diff

    result = diff_paths(ABORT0, ABORT1)
    tty = io.StringIO()
    print_diff(result, console=Console(file=tty, force_terminal=True, color_system="standard", width=300))
    assert "\x1b[" in tty.getvalue()
    plain = __import__("re").sub(r"\x1b\[[0-9;]*m", "", tty.getvalue())
    assert plain == diff_text(result)


def test_packets_of_different_connections_may_interleave_differently(tmp_path: Path):
    """Across connections the order of packets is timing; within one connection it is behaviour."""
    def record(path: Path, order: list[tuple[int, int, list[str]]]) -> Path:
        lines = ABORT1.read_text().splitlines()
        head, rest = lines[0], [json.loads(line) for line in lines[1:]]
        body = [e for e in rest if e["ev"] not in ("packet", "footer")]
        t = body[-1]["t"] + 1
        for i, (sport, dport, flags) in enumerate(order):
            body.append({"ev": "packet", "seq": 100 + i, "t": t + i, "ifname": "lo", "dir": "host", "proto": "tcp",
                         "src": "127.0.0.1", "dst": "127.0.0.1", "sport": sport, "dport": dport, "flags": flags,
                         "seq_no": 1, "ack_no": 1, "win": 1, "len": 0, "opts": []})
        path.write_text("\n".join([head] + [json.dumps(e) for e in body] + [lines[-1]]) + "\n")
        return path

    conn1 = [(40001, 10000, ["SYN"]), (10000, 40001, ["SYN", "ACK"])]
    conn2 = [(40002, 10000, ["SYN"]), (10000, 40002, ["RST", "ACK"])]
    a = record(tmp_path / "a.jsonl", [conn1[0], conn2[0], conn1[1], conn2[1]])
    b = record(tmp_path / "b.jsonl", [conn1[0], conn1[1], conn2[0], conn2[1]])
    assert diff_paths(a, b).packets == []
    c = record(tmp_path / "c.jsonl", [conn1[0], conn2[0], conn1[1], (10000, 40002, ["SYN", "ACK"])])
    assert diff_paths(a, c).packets == [("only_a", "conn 2: ← RST|ACK"), ("only_b", "conn 2: ← SYN|ACK")]
