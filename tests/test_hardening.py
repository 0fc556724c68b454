"""Issue #9, tried as an attacker and as a careless user would: outputs that are not ours are never
replaced or written through, bad numbers and records are one-line errors (exit 2, never a
traceback), signals end a run cleanly, and nothing from a file reaches the terminal raw."""

from __future__ import annotations

import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "data"
GOOD = DATA / "handmade" / "deferred-abort1.jsonl"
WITH_PACKETS = sorted((DATA / "real" / "burst-over-latency").rglob("run-1.jsonl"))[0]
REFUSED = REPO / "scenarios" / "connection-refused.toml"
IS_ROOT = os.geteuid() == 0


def sysrec(*args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sysrec", *args], capture_output=True, cwd=REPO,
                          timeout=kw.pop("timeout", 120), **kw)


def one_line_error(proc: subprocess.CompletedProcess, *needles: str) -> None:
    err = proc.stderr.decode(errors="replace")
    assert proc.returncode == 2, (proc.returncode, err)
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err
    for needle in needles:
        assert needle in err, err


# --- 1. outputs the user names ---------------------------------------------------------------

@pytest.mark.skipif(not IS_ROOT, reason="mknod needs root")
def test_a_device_node_is_written_to_not_replaced(tmp_path: Path) -> None:
    node = tmp_path / "null"
    os.mknod(node, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    proc = sysrec("export", str(WITH_PACKETS), "--pcap", str(node))
    assert proc.returncode == 0, proc.stderr
    assert stat.S_ISCHR(os.lstat(node).st_mode)


def test_dash_is_stdout_and_tcpdump_reads_it() -> None:
    proc = sysrec("export", str(WITH_PACKETS), "--pcap", "-")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout[:4] in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1")  # pcap magic (µs or ns)
    read = subprocess.run(["tcpdump", "-nr", "-"], input=proc.stdout, capture_output=True)
    assert read.returncode == 0 and b"Flags [S]" in read.stdout


def test_a_fifo_is_written_to(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    reader = subprocess.Popen(["cat", str(fifo)], stdout=subprocess.PIPE)
    proc = sysrec("export", str(GOOD), "--perfetto", str(fifo))
    out, _ = reader.communicate(timeout=30)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(out)["traceEvents"]
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_links_to_files_are_refused_and_the_file_kept(tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    victim.write_text("keep me")
    link = tmp_path / "out.md"
    link.symlink_to(victim)
    dangling = tmp_path / "dangling.json"
    dangling.symlink_to(tmp_path / "nowhere")
    for argv in (["export", str(GOOD), "--perfetto", str(link)],
                 ["export", str(GOOD), "--perfetto", str(dangling)],
                 ["report", str(REFUSED), "--from", str(DATA / "real"), "-o", str(link)]):
        one_line_error(sysrec(*argv), "symbolic link")
    assert victim.read_text() == "keep me" and not (tmp_path / "nowhere").exists()


def test_a_directory_as_output_is_one_line(tmp_path: Path) -> None:
    one_line_error(sysrec("export", str(WITH_PACKETS), "--pcap", str(tmp_path)), "is a directory")
    one_line_error(sysrec("report", str(REFUSED), "--from", str(DATA / "real"), "-o", str(tmp_path)),
                   "is a directory")


def test_a_regular_file_is_replaced_whole(tmp_path: Path) -> None:
    out = tmp_path / "trace.json"
    out.write_text("old")
    proc = sysrec("export", str(GOOD), "--perfetto", str(out))
    assert proc.returncode == 0, proc.stderr
    assert json.loads(out.read_text())["traceEvents"]
    assert [p.name for p in tmp_path.iterdir()] == ["trace.json"]  # no temporary file left


# --- 2. run --out ---------------------------------------------------------------------------

def _as_nobody(*argv: str) -> None:
    subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *argv], check=True)


@pytest.fixture()
def shared_tmp():
    """A directory another user can reach (pytest's tmp_path sits under a root-only directory)."""
    path = Path(tempfile.mkdtemp(prefix="sysrec-test-"))
    path.chmod(0o755)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


@pytest.mark.skipif(not IS_ROOT, reason="the attack is on root's writes")
def test_root_refuses_a_foreign_out_and_never_follows_planted_links(shared_tmp: Path) -> None:
    tmp_path = shared_tmp
    victim = tmp_path / "victim"
    victim.write_text("secret")
    victim.chmod(0o600)
    planted = tmp_path / "D"
    planted.mkdir()
    os.chown(planted, 65534, 65534)
    _as_nobody("sh", "-c", f"mkdir -p {planted}/connection-refused/default && "
                           f"ln -s {victim} {planted}/connection-refused/default/run-1.jsonl && "
                           f"ln -s {victim} {planted}/summary.json")
    one_line_error(sysrec("run", str(REFUSED), "--out", str(planted)), "belongs to uid 65534")
    one_line_error(sysrec("run", str(REFUSED), "--out", str(planted), "--allow-foreign-out"),
                   "belongs to uid 65534")
    assert victim.read_text() == "secret"
    # a link in root's own directory (left there earlier) is refused as well
    own = tmp_path / "E" / "connection-refused" / "default"
    own.mkdir(parents=True)
    (own / "run-1.jsonl").symlink_to(victim)
    one_line_error(sysrec("run", str(REFUSED), "--out", str(tmp_path / "E")), "symbolic link")
    assert victim.read_text() == "secret"


@pytest.mark.kernel
def test_summary_link_is_replaced_not_followed(tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    victim.write_text("secret")
    out = tmp_path / "out"
    out.mkdir()
    (out / "summary.json").symlink_to(victim)
    proc = sysrec("run", str(REFUSED), "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert victim.read_text() == "secret"
    assert json.loads((out / "summary.json").read_text())["end"] == "completed"


@pytest.mark.kernel
def test_a_second_run_into_the_same_out_stops_at_once(tmp_path: Path) -> None:
    first = subprocess.Popen([sys.executable, "-m", "sysrec", "run", str(REPO / "scenarios" / "accept-queue-overflow.toml"),
                              "--out", str(tmp_path), "--repeat", "3"], cwd=REPO,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while not list(tmp_path.rglob("run-1.jsonl")) and time.monotonic() < deadline:
            time.sleep(0.05)
        started = time.monotonic()
        second = sysrec("run", str(REFUSED), "--out", str(tmp_path))
        assert time.monotonic() - started < 10
        one_line_error(second, "another sysrec run is writing there")
    finally:
        first.wait(timeout=300)


# --- 3. numbers in scenarios ----------------------------------------------------------------

SCENARIO = """name = "numbers"
description = "x"
[server]
command = ["sleep", "30"]
[server.ready]
delay = 0
[client]
command = ["true"]
"""


@pytest.mark.parametrize("edit,key", [
    (("[client]", "[client]\ntimeout = nan"), "client.timeout"),
    (("[client]", "[client]\ntimeout = inf"), "client.timeout"),
    (("[client]", "[client]\ntimeout = 0"), "client.timeout"),
    (("[server]", "[server]\nstart_timeout = nan"), "server.start_timeout"),
    (("delay = 0", "delay = 1e300"), "server.ready.delay"),
    (("[client]", "[[preload]]\ncommand = [\"true\"]\ndelay = 1e300\n[client]"), "preload[0].delay"),
    (("[client]", "[link]\ndelay_ms = nan\n[client]"), "link.delay_ms"),
    (("[client]", "[client]\nstagger_ms = inf"), "client.stagger_ms"),
    (("name = \"numbers\"", "name = \"" + "n" * 300 + "\""), "name"),
    (("[client]", "[matrix]\n\"net.ipv4.tcp_syncookies\" = [1, \"1\"]\n[client]"), "matrix.net.ipv4.tcp_syncookies[1]"),
    (("[client]", "[matrix]\n\"net.ipv4.ip_local_port_range\" = [\"32768 60999\", \"32768\\t60999\"]\n[client]"),
     "matrix.net.ipv4.ip_local_port_range[1]"),
    (("[client]", "[matrix]\n\"net.ipv4.ip_local_port_range\" = [\"" + "1" * 300 + "\"]\n[client]"),
     "matrix.net.ipv4.ip_local_port_range[0]"),
    (("[client]", "[sysctl]\n\"net.ipv4\" = 1\n[client]"), "sysctl.net.ipv4"),
    (("[client]", "[matrix]\n" + "".join(f'"net.ipv4.{n}" = [0, 1, 2, 3]\n' for n in
                                         ("tcp_syncookies", "tcp_abort_on_overflow", "tcp_sack", "tcp_dsack", "tcp_fack"))
      + "[client]"), "matrix"),
])
def test_bad_numbers_are_file_key_errors(tmp_path: Path, edit: tuple[str, str], key: str) -> None:
    path = tmp_path / "s.toml"
    path.write_text(SCENARIO.replace(*edit, 1))
    started = time.monotonic()
    proc = sysrec("run", str(path), "--out", str(tmp_path / "out"), timeout=60)
    one_line_error(proc, str(path), f"'{key}'")
    assert time.monotonic() - started < 30


@pytest.mark.kernel
def test_a_value_the_kernel_rejects_is_named_as_such(tmp_path: Path) -> None:
    path = tmp_path / "cc.toml"
    path.write_text(SCENARIO + '[sysctl]\n"net.ipv4.tcp_congestion_control" = "nosuchcc"\n')
    one_line_error(sysrec("run", str(path)), "rejected value 'nosuchcc'")


@pytest.mark.parametrize("argv,needle", [
    (["show", str(GOOD), "--around", "-5"], "--around -5"),
    (["show", str(GOOD), "-s", "-1"], "-s -1"),
    (["run", str(REFUSED), "--jobs", "1000"], "--jobs 1000"),
])
def test_bad_arguments_are_one_line(argv: list[str], needle: str) -> None:
    one_line_error(sysrec(*argv), needle)


# --- 4. records, summaries and scenarios that are not what they claim ------------------------

def _record_with(tmp_path: Path, name: str, mutate) -> Path:
    lines = GOOD.read_text().splitlines()
    events = [json.loads(line) for line in lines]
    index = next(i for i, e in enumerate(events) if e["ev"] == "syscall")
    mutate(events[index])
    bad = tmp_path / f"{name}.jsonl"
    bad.write_text("\n".join(json.dumps(e) for e in events) + "\n")
    return bad


READERS = [["show", "--format", "strace"], ["show", "--format", "timeline"], ["show", "--format", "json"],
           ["export", "--perfetto", "OUT"], ["diff", str(GOOD)]]


@pytest.mark.parametrize("name,mutate", [
    ("ret", lambda e: e.update(ret="x")),
    ("pid", lambda e: e.update(pid="p")),
    ("context", lambda e: e.update(ctx="s")),
    ("vr", lambda e: e.update(args=[{"$vr": 5}])),
    ("nan", lambda e: e.update(t0=float("nan"))),
])
def test_wrong_field_types_name_the_line(tmp_path: Path, name: str, mutate) -> None:
    bad = _record_with(tmp_path, name, mutate)
    for reader in READERS:
        argv = [a.replace("OUT", str(tmp_path / "o.json")) for a in reader]
        argv = [argv[0], *argv[1:], str(bad)] if argv[0] != "export" else [argv[0], str(bad), *argv[1:]]
        proc = sysrec(*argv)
        one_line_error(proc, f"{bad}:")
    assert not (tmp_path / "o.json").exists()


def test_bytes_that_are_not_utf8_and_deep_nesting(tmp_path: Path) -> None:
    raw = GOOD.read_bytes().splitlines(keepends=True)
    latin = tmp_path / "latin.jsonl"
    latin.write_bytes(raw[0] + raw[1].replace(b'{"ev":"', b'{"ev":"\xe9', 1) + b"".join(raw[2:]))
    deep = tmp_path / "deep.jsonl"
    deep.write_bytes(raw[0] + b'{"ev":"syscall","pid":1,"name":"x","args":' + b"[" * 200_000
                     + b"]" * 200_000 + b"}\n" + b"".join(raw[2:]))
    for bad in (latin, deep):
        for reader in (["show"], ["show", "--format", "timeline"], ["diff", str(GOOD)]):
            one_line_error(sysrec(*reader, str(bad)), f"{bad}:2:")


def test_summary_that_is_not_an_object(tmp_path: Path) -> None:
    scenario = tmp_path / "connection-refused.toml"
    scenario.write_text(REFUSED.read_text())
    for content in (b"[1, 2]", b"\xff\xfe", b'{"cells": "x"}'):
        (tmp_path / "summary.json").write_bytes(content)
        one_line_error(sysrec("report", str(scenario), "--from", str(tmp_path)), "summary.json")


def test_report_of_the_same_scenario_twice() -> None:
    proc = sysrec("report", str(REFUSED), str(REFUSED), "--from", str(DATA / "real"))
    one_line_error(proc, str(REFUSED), "twice")


# --- 5. a full disk, 6. signals ------------------------------------------------------------

@pytest.fixture()
def full_disk(tmp_path: Path):
    if not IS_ROOT:
        pytest.skip("mounting a tmpfs needs root")
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mnt)], check=True)
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)


def _fill(mnt: Path, leave_kib: int) -> None:
    free = os.statvfs(mnt).f_bavail * os.statvfs(mnt).f_frsize // 1024
    (mnt / "fill").write_bytes(b"\0" * max(free - leave_kib, 0) * 1024)


def test_a_full_disk_names_the_path(full_disk: Path) -> None:
    _fill(full_disk, 0)
    record, text = full_disk / "r.jsonl", full_disk / "t.txt"
    one_line_error(sysrec("trace", "--record", str(record), "-o", "/dev/null", "--", "true"), str(record), "No space")
    one_line_error(sysrec("trace", "-o", str(text), "-e", "trace=all", "--", "ls", "/"), str(text), "No space")
    one_line_error(sysrec("export", str(GOOD), "--perfetto", str(full_disk / "p.json")), "No space")
    one_line_error(sysrec("report", str(REFUSED), "--from", str(DATA / "real"), "-o", str(full_disk / "r.md")),
                   "No space")
    assert sorted(p.name for p in full_disk.iterdir()) == ["fill", "r.jsonl", "t.txt"]


@pytest.mark.kernel
@pytest.mark.parametrize("leave_kib", [12, 28])
def test_a_disk_that_fills_during_a_run(full_disk: Path, leave_kib: int) -> None:
    _fill(full_disk, leave_kib)
    out = full_disk / "o"
    proc = sysrec("run", str(REFUSED), "--out", str(out))
    one_line_error(proc, "No space left on device", str(out))
    summary = out / "summary.json"
    assert not summary.exists() or json.loads(summary.read_text())
    for record in out.rglob("run-*.jsonl"):
        lines = record.read_bytes().split(b"\n")
        for line in lines[:-1]:  # every complete line is JSON; the last may be cut
            json.loads(line)


def test_a_closed_pipe_ends_quietly() -> None:
    for argv in (["trace", "-e", "trace=all", "-o", "/dev/stdout", "--", "ls", "/"],
                 ["trace", "--record", "/dev/stdout", "-o", "/dev/null", "--", "ls", "/"],
                 ["show", str(GOOD)]):
        proc = subprocess.run(f"{sys.executable} -m sysrec {' '.join(argv)} | head -c 10 >/dev/null; "
                              "echo ${PIPESTATUS[0]}", shell=True, executable="/bin/bash",
                              capture_output=True, text=True, cwd=REPO, timeout=60)
        assert "Traceback" not in proc.stderr and proc.stderr == "", proc.stderr
        assert proc.stdout.strip() in ("0", "141"), proc.stdout


def _leftovers(prefix: str) -> set[str]:
    return {p for p in os.listdir("/tmp") if p.startswith(prefix)}


@pytest.mark.kernel
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_sigterm_and_sighup_end_a_run_like_ctrl_c(tmp_path: Path, signum: int) -> None:
    before = _leftovers("sysrec-run-")
    proc = subprocess.Popen([sys.executable, "-m", "sysrec", "run", str(REPO / "scenarios" / "accept-queue-overflow.toml"),
                             "--out", str(tmp_path), "--repeat", "4"], cwd=REPO,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while len(list(tmp_path.rglob("run-*.jsonl"))) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.send_signal(signum)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 128 + signum, err
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["end"] == "interrupted" and summary["signal"] == signal.Signals(signum).name
    assert summary["passed"] is False
    assert all("complete" in cell for cell in summary["cells"])
    for record in tmp_path.rglob("run-*.jsonl"):
        assert json.loads(record.read_text().splitlines()[-1])["ev"] == "footer"
    assert _leftovers("sysrec-run-") == before


@pytest.mark.kernel
def test_sigterm_to_report_leaves_no_temporary_directory() -> None:
    before = _leftovers("sysrec-report-")
    proc = subprocess.Popen([sys.executable, "-m", "sysrec", "report", str(REFUSED), "--repeat", "3"], cwd=REPO,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while _leftovers("sysrec-report-") == before and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(0.3)
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=60) == 128 + signal.SIGTERM
    assert _leftovers("sysrec-report-") == before


# --- 9. terminal escapes ----------------------------------------------------------------------

def test_escape_sequences_from_a_record_never_reach_the_terminal(tmp_path: Path) -> None:
    evil = "\x1b]0;pwned\x07\x1b[31m"

    def poison(event: dict) -> None:
        event.update(name="connect" + evil, errno="E" + evil, ret=-1, raux=evil,
                     args=[evil, {"$s": evil}, {evil: 1}])

    bad = _record_with(tmp_path, "evil", poison)
    for argv in (["show", str(bad)], ["show", "--format", "timeline", str(bad)], ["diff", str(GOOD), str(bad)]):
        proc = sysrec(*argv)
        assert proc.returncode in (0, 1), proc.stderr
        assert b"\x1b" not in proc.stdout and b"\x07" not in proc.stdout, proc.stdout[-400:]
        assert b"\\x1b" in proc.stdout
