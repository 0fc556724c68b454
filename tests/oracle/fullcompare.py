"""Trace one command with every syscall under strace and under sysrec and show where the lines
differ, after blanking what differs between any two runs (addresses, pids, times, random bytes).

    python3 tests/oracle/fullcompare.py [-f] [--only NAME,NAME] [--twice] -- CMD ARG...

Prints the differing line pairs and the share of identical lines; with -f, the lines are
compared as tests/test_oracle.py compares interleaved runs (`<unfinished ...>`/`<... resumed>`
joined, sorted). `--twice` runs strace against itself: whatever differs then is a value the
normalisation below still misses. A developer's tool for finding what to decode next;
tests/test_oracle_full.py holds the assertions and shares `normalise_trace` and `compare`.
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(REPO / "tests"))
from test_oracle import joined  # noqa: E402  (the interleaved-run helpers are the oracle suite's)

# Values that differ between any two runs of one program, under any tracer. Each pattern is
# applied to the text after the pid prefix (a whole line, or either half of a line another
# process cut in two); what it replaces must be volatile, never a value a decoder computes (a
# decoder's mistake must stay visible).
STRING = r'"(?:[^"\\]|\\.)*"(?:\.\.\.)?'
VOLATILE = [
    # ASLR: mmap'd, stack and PIE-heap addresses (the mmap base moves over 0x7e..-0x7f..: the
    # randomisation spans 2^40 bytes)
    (re.compile(r"0x(?:7[0-9a-f]|55|56)[0-9a-f]{10}\b"), "0xADDR"),
    # the low half of such an address, as an int
    (re.compile(r"sival_int=-?\d+, sival_ptr=0xADDR"), "sival_int=N, sival_ptr=0xADDR"),
    # glibc's malloc arenas: the unaligned ends of a 64 MiB reservation go back, their sizes
    # follow the reservation's random address
    (re.compile(r"^(munmap\(0xADDR, )(\d+)(?=\))"),
     lambda m: m.group(1) + ("LEN" if int(m.group(2)) % (1 << 20) == 0 else m.group(2))),
    # random bytes
    (re.compile(r"^(getrandom\(|<\.\.\. getrandom resumed>)" + STRING), r'\1"RANDOM"'),
    # clocks and what they count: times read from the kernel, absolute deadlines, CPU times
    (re.compile(r"(clock_gettime\w*\([^,]+, |gettimeofday\()\{tv_sec=\d+, tv_u?nsec=\d+\}"),
     r"\1{TIME}"),
    (re.compile(r"(FUTEX_WAIT_BITSET\w*, -?\d+, )\{tv_sec=\d+, tv_nsec=\d+\}"), r"\1{TIME}"),
    (re.compile(r"^(time\(.*\) += )\d+$"), r"\1TIME"),
    # netlink sequence numbers programs take from the clock (`ip` uses time(NULL)), the
    # interfaces' packet counters (rtnl_link_stats), neighbours' and sockets' timers
    (re.compile(r"nlmsg_seq=1\d{9}\b"), "nlmsg_seq=TIME"),
    (re.compile(r"\b(rx_[a-z_]+|tx_[a-z_]+|multicast|collisions)=\d+"), r"\1=N"),
    (re.compile(r"\b(ndm_confirmed|ndm_used|ndm_updated|idiag_expires)=\d+"), r"\1=T"),
    (re.compile(r"^(times\()\{.*\}(\) += )\d+$"), r"\1{CPU TIMES}\2TICKS"),
    (re.compile(r"(si_utime|si_stime)=\d+"), r"\1=T"),
    (re.compile(r"(ru_[a-z]+)=(\{[^}]*\}|\d+)"), r"\1=N"),
    (re.compile(r"(st_[amc]time(?:_nsec)?|stx_[abcm]time)=(\{[^}]*\}|[^,}]+)"), r"\1=T"),
    # free-memory and load counters
    (re.compile(r"^sysinfo\(\{.*\}\)"), "sysinfo({...})"),
    # thread ids the kernel writes back (clone's parent_tid, child_tid)
    (re.compile(r"((?:parent|child)_tid=\[)\d+\]"), r"\1PID]"),
    # inodes, and the ephemeral ports a connect() gets
    (re.compile(r"(st_ino|stx_ino|d_ino)=\d+"), r"\1=INO"),
    (re.compile(r"htons\((3[2-9]\d{3}|[4-6]\d{4})\)"), "htons(EPHEMERAL)"),
]
PREFIX = re.compile(r"^(?:(\d+) +|\[pid +(\d+)\] )")
NAME = re.compile(r"^(?:<\.\.\. )?(\w+)[( ]")
# Calls that take or return pids: there, an argument in a pid's place or the return value that
# is one of the trace's pids (as its line prefixes name them, or the calls that return a new or
# the caller's pid) is blanked; getppid()'s always (the parent may be the tracer).
PID_CALLS = frozenset({
    "getpid", "getppid", "gettid", "set_tid_address", "fork", "vfork", "clone", "clone3",
    "wait4", "waitid", "kill", "tkill", "tgkill", "pidfd_open", "getpgid", "getsid", "setpgid",
    "getpgrp", "prlimit64", "sched_getaffinity", "sched_setaffinity", "sched_getparam",
    "sched_getscheduler", "sched_setscheduler", "sched_getattr", "get_robust_list",
    "rt_sigreturn",  # returns what the interrupted call returned: wait4's pid, often
})
NEW_PID = re.compile(r"^(?:getpid|gettid|set_tid_address|fork|vfork|clone3?)\(.*\) += (\d+)$")
RETURNS_PID = re.compile(r"(\) += )\d+$")
PID_PLACES = (re.compile(r"^(\w+\()(\d+)\b"), re.compile(r"^((?:tgkill|setpgid)\([^,]+, )(\d+)\b"),
              re.compile(r"(\) += )(\d+)$"))
# Files whose contents differ between runs: what is read from them is blanked.
VOLATILE_OPEN = re.compile(r'^open(?:at)?\((?:AT_FDCWD, )?"(?:/dev/u?random|/proc/(?:self|thread-self|\d+)/'
                           r'(?:maps|smaps|stat|status|statm|sched|io))", .*\) += (\d+)$')
READ = re.compile(r"^read\((\d+), (?:" + STRING + "|(<unfinished \\.\\.\\.>))")
READ_RESUMED = re.compile(r"^<\.\.\. read resumed>" + STRING)
RETURNS_SIZE = re.compile(r"(\) += )\d+$")  # /proc/self/maps: adjacent mappings merge at random
CLOSE = re.compile(r"^close\((\d+)\)")
BRK = re.compile(r"^brk\(.*\) += (0x[0-9a-f]+|\d+)$")
HEX = re.compile(r"\b0x[0-9a-f]+\b")


def normalise_trace(lines: list[str]) -> list[str]:
    """Blank what differs between runs; the `PID ` prefix stays (joined() needs it)."""
    pids = {m.group(1) or m.group(2) for m in map(PREFIX.match, lines) if m}
    pids |= {m.group(1) for m in (NEW_PID.match(PREFIX.sub("", line)) for line in lines) if m}
    # a non-PIE program's heap starts at a random address too: blank addresses in its brk range
    tops = [int(m.group(1), 0) for m in (BRK.match(PREFIX.sub("", line)) for line in lines) if m]
    heap = (min(tops), max(tops)) if tops else None
    random_fds: set[tuple[str, str]] = set()  # (pid, fd) of a volatile file
    random_reads: set[str] = set()  # pids inside a read of one
    out = []
    for line in lines:
        m = PREFIX.match(line)
        head, rest = (line[:m.end()], line[m.end():]) if m else ("", line)
        pid = (m.group(1) or m.group(2)) if m else ""
        for pattern, repl in VOLATILE:
            rest = pattern.sub(repl, rest)
        name = NAME.match(rest)
        if name and name.group(1) in PID_CALLS:
            for place in PID_PLACES:
                rest = place.sub(lambda p: p.group(1) + ("PID" if p.group(2) in pids else p.group(2)), rest)
            if name.group(1) == "getppid":
                rest = RETURNS_PID.sub(r"\1PID", rest)
        if heap is not None:
            rest = HEX.sub(lambda h: "0xHEAP" if heap[0] <= int(h.group(), 16) <= heap[1] else h.group(), rest)
        opened = VOLATILE_OPEN.match(rest)
        if opened:
            random_fds.add((pid, opened.group(1)))
        closed = CLOSE.match(rest)
        if closed:
            random_fds.discard((pid, closed.group(1)))
        read = READ.match(rest)
        if read and (pid, read.group(1)) in random_fds:
            if read.group(2):
                random_reads.add(pid)
            else:
                rest = RETURNS_SIZE.sub(r"\1SIZE", READ.sub(r'read(\1, "RANDOM"', rest))
        elif pid in random_reads and READ_RESUMED.match(rest):
            random_reads.discard(pid)
            rest = RETURNS_SIZE.sub(r"\1SIZE", READ_RESUMED.sub('<... read resumed>"RANDOM"', rest))
        out.append(head + rest)
    return out


def trace(tool: str, cmd: list[str], follow: bool, outdir: Path, cwd: Path | None = None,
          env: dict[str, str] | None = None, name: str | None = None) -> list[str]:
    """Every syscall of `cmd` as `tool` prints it (no -e: strace's default, and sysrec's)."""
    out = outdir / f"{name or tool}.out"
    flags = ["-f"] if follow else []
    if tool == "strace":
        tracer = ["strace", *flags, "-o", str(out)]
    else:
        tracer = [sys.executable, "-m", "sysrec", "trace", *flags, "-o", str(out), "--"]
    run_env = {**(env if env is not None else os.environ), "PYTHONPATH": str(REPO)}
    subprocess.run([*tracer, *cmd], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   stdin=subprocess.DEVNULL, env=run_env, cwd=cwd, timeout=120)
    return out.read_bytes().decode("latin-1").splitlines() if out.exists() else []


def comparable(lines: list[str], follow: bool) -> list[str]:
    """Normalised; with several processes, joined and sorted as the oracle suite does."""
    lines = normalise_trace(lines)
    if follow:
        return joined(lines)
    return [PREFIX.sub("", line) for line in lines]


def syscall_name(line: str) -> str:
    m = re.match(r"(?:TIME )?(\w+)\(", line)
    return m.group(1) if m else ""


def compare(theirs: list[str], ours: list[str]) -> tuple[list[str], Counter[str]]:
    """(strace's lines that sysrec printed identically, sysrec's lines left over): a multiset
    match, so that it holds for sorted (interleaved) and for ordered lines alike. A string that
    strace's side blanked as volatile (`"RANDOM"`: read from /dev/urandom, /proc/self/maps...)
    matches any string on sysrec's side, whose trace may not show where the fd came from."""
    left = Counter(ours)
    same, blanked = [], []
    for line in theirs:
        if left[line] > 0:
            left[line] -= 1
            same.append(line)
        elif '"RANDOM"' in line:
            blanked.append(line)
    for line in blanked:
        pattern = re.compile(re.escape(line).replace(re.escape('"RANDOM"'), STRING)
                             .replace(re.escape(" SIZE"), r" \d+"))
        match = next((other for other in left if left[other] > 0 and pattern.fullmatch(other)), None)
        if match is not None:
            left[match] -= 1
            same.append(line)
    return same, +left


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("-f", action="store_true")
    ap.add_argument("--only", default="", help="show differences of these syscalls only")
    ap.add_argument("--twice", action="store_true", help="strace against strace: what normalising misses")
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    ns = ap.parse_args()
    cmd = ns.cmd[1:] if ns.cmd[:1] == ["--"] else ns.cmd
    only = set(filter(None, ns.only.split(",")))
    with tempfile.TemporaryDirectory() as tmp:
        a = comparable(trace("strace", cmd, ns.f, Path(tmp)), ns.f)
        b = comparable(trace("strace" if ns.twice else "sysrec", cmd, ns.f, Path(tmp), name="second"), ns.f)
    same = 0
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            same += i2 - i1
            continue
        for x, y in zip(a[i1:i2] + [""] * max(0, (j2 - j1) - (i2 - i1)),
                        b[j1:j2] + [""] * max(0, (i2 - i1) - (j2 - j1))):
            name = syscall_name(x or y)
            if only and name not in only:
                continue
            print(f"strace: {x}\n{'strace' if ns.twice else 'sysrec'}: {y}\n")
    print(f"identical: {same}/{len(a)} strace lines ({100 * same / max(len(a), 1):.1f}%)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
