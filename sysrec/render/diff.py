"""Diff two records: align by syscall sequence after normalizing what always differs between runs.

What always differs and is normalized away: fd numbers (renumbered by first appearance), ephemeral
ports, pids, pointers, timings (timeouts left, packet times), socket inodes. Calls are aligned on
their name and entry-time arguments; what the kernel handed back (exit-time arguments, return
value, errno) is then compared, so `getsockopt(SO_ERROR) → [0]` vs `→ [ECONNRESET]` shows as
one changed event rather than an insertion and a deletion.

`diff_records(a, b) -> DiffResult` is the data; `diff_text` / `diff_table` / `DiffResult.to_json`
are its views.

Big records: each record is read once, in file order, into compact per-event keys (64-bit hashes
of the normalized call and result, the line as strace prints it, interned), re-ordered by time
only when the file is not already in time order; alignment is `sysrec.render.align` (near-linear,
its worst case is in its docstring). Memory is a few dozen bytes per event plus distinct lines.
"""

from __future__ import annotations

import difflib
import hashlib
import os
import sys
from array import array
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

from sysrec.annotate import Annotator
from sysrec.annotate.counters import CounterDeltas, key_counters
from sysrec.annotate.engine import add_server_ports, header_settings, server_ports
from sysrec.errors import InputError
from sysrec.cstring import terminal_safe
from sysrec.record import Record, open_record
from sysrec.render.align import AlignStats, opcodes
from sysrec.render.stream import timeline_key
from sysrec.render.timeline import call_and_result, exit_line, signal_line, timeline_title

EPHEMERAL_MIN = 32768  # net.ipv4.ip_local_port_range starts here by default (Linux uses 32768-60999)

# Where fds hide in plain integers: (syscall → positions of fd_set lists / nfds / pollfd arrays).
FDSET_ARGS: dict[str, tuple[int, ...]] = {"select": (1, 2, 3), "pselect6": (1, 2, 3)}
NFDS_ARG: dict[str, int] = {"select": 0, "pselect6": 0}
POLLFD_ARGS: dict[str, int] = {"poll": 0, "ppoll": 0}

_HTONS = re.compile(r"htons\((\d+)\)")
_TIMESPEC = re.compile(r"\{tv_sec=\d+, tv_n?sec=\d+\}")
_BRACKET_FDS = re.compile(r"\[([\d ]+)\]")
_POLL_FD = re.compile(r"fd=(\d+)")
_ADDR_PORT = re.compile(r"(\d+\.\d+\.\d+\.\d+):(\d+)")


class Normalizer:
    """Rewrites one record's events into comparable keys; state is that record's fd numbering."""

    def __init__(self) -> None:
        self.fds: dict[int, str] = {}

    def fd(self, number: int) -> str:
        if number < 0:
            return str(number)
        if number not in self.fds:
            self.fds[number] = f"fd{len(self.fds) + 1}"
        return self.fds[number]

    def _port(self, match: re.Match[str]) -> str:
        return "htons(<ephemeral>)" if int(match.group(1)) >= EPHEMERAL_MIN else match.group(0)

    def node(self, node: Any, role: str = "") -> Any:
        if isinstance(node, dict):
            if "$fd" in node:
                return self.fd(int(node["$fd"]))
            if "$ptr" in node:
                return "<ptr>" if node["$ptr"] else "NULL"
            if "$vr" in node:
                return {"$vr": [self.node(n) for n in node["$vr"]]}
            if "$s" in node or "$path" in node:
                return node
            return {k: self.node(v, k) for k, v in node.items()}
        if isinstance(node, list):
            return [self.node(n) for n in node]
        if isinstance(node, str):
            return _TIMESPEC.sub("{timespec}", _HTONS.sub(self._port, node))
        return node

    def args(self, event: Mapping[str, Any]) -> list[Any]:
        name = event.get("name", "")
        args = [self.node(a) for a in event.get("args") or []]
        for pos in FDSET_ARGS.get(name, ()):
            if pos < len(args) and isinstance(args[pos], list):
                args[pos] = [self.fd(v) if isinstance(v, int) else v for v in args[pos]]
        if name in NFDS_ARG and NFDS_ARG[name] < len(args):
            args[NFDS_ARG[name]] = "<nfds>"
        pos = POLLFD_ARGS.get(name)
        if pos is not None and pos < len(args) and isinstance(args[pos], list):
            args[pos] = [dict(p, fd=self.fd(p["fd"])) if isinstance(p, dict) and isinstance(p.get("fd"), int)
                         else p for p in args[pos]]
        if name in ("select", "pselect6", "poll", "ppoll") and len(args) > 4:
            # the timeout argument of a wait can be rewritten with the time left (value-result)
            args = [a if i < 4 or not isinstance(a, dict) else "{timespec}" for i, a in enumerate(args)]
        return args

    def text(self, text: str) -> str:
        """raux strings: `out [3], left {…}` → `out [fd1], left {timespec}`."""
        text = _TIMESPEC.sub("{timespec}", text)
        text = _BRACKET_FDS.sub(lambda m: "[" + " ".join(self.fd(int(x)) for x in m.group(1).split()) + "]", text)
        return _POLL_FD.sub(lambda m: f"fd={self.fd(int(m.group(1)))}", text)


@dataclass(slots=True)
class Step:
    """One comparable event of a record: a syscall, signal or exit, as compact keys."""

    seq: Any
    call_key: int        # what was asked: name + entry arguments, normalized (hashed)
    result_key: int      # what came back: exit arguments, return value, errno, normalized (hashed)
    pair_key: int        # event kind and call name: a changed result pairs steps with equal ones
    line: str            # the event as strace prints it (real numbers)


def _hash(text: str) -> int:
    """A 64-bit digest, the same in every process (str's hash() is salted per process)."""
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest(),
                          "little", signed=True)


class RecordSteps:
    """One streaming pass over a record: its steps' keys, counter deltas and packets, nothing else.

    Per step: three 64-bit keys in arrays and an index into the record's distinct lines. Events
    whose recorded fields repeat (a loop's calls) are normalized and rendered once: the
    normalization of an event depends only on its fields and on fd numbers already assigned,
    which never change, so a cached result is the one a fresh computation would give.
    """

    CACHE_EVENTS = 50_000      # distinct events remembered; the cache is emptied when full

    def __init__(self, record: Record) -> None:
        self.record = record
        self.calls = array("q")
        self.results = array("q")
        self.pairs = array("q")
        self.line_of = array("l")
        self.seqs: list[Any] = []
        self.lines: list[str] = []
        line_index: dict[str, int] = {}
        norm = Normalizer()
        strsize = int((record.header.get("options") or {}).get("strsize") or 32)
        cache: dict[str, tuple[int, int, int, int]] = {}
        order = array("q")
        in_order = True
        last: tuple[int, int] = (-(2**63), -(2**63))
        ports: set[int] = set()
        packets: list[tuple[Any, ...]] = []     # compact: a tuple of _PACKET_KEYS, strings interned
        counters = CounterDeltas()
        for event in record.events():
            kind = event.get("ev")
            if kind == "packet":
                packets.append(tuple(_compact(event.get(k)) for k in _PACKET_KEYS))
                continue
            if kind not in ("syscall", "signal", "exit"):
                counters.feed(event)
                continue
            if kind == "syscall":
                counters.feed(event)
                add_server_ports(event, ports)
                raw = repr((event.get("name"), event.get("args"), event.get("n_entry"), event.get("ret"),
                            event.get("errno"), event.get("rtext"), event.get("raux")))
                keys = cache.get(raw)
                if keys is None:
                    keys = self._syscall_keys(event, norm, strsize, line_index)
                    if len(cache) >= self.CACHE_EVENTS:
                        cache.clear()
                    cache[raw] = keys
            else:
                line = terminal_safe(signal_line(event) if kind == "signal" else exit_line(event), keep_newlines=False)
                if kind == "signal":
                    keys = (_hash(f"signal {event.get('sig')}"), _hash(""), _hash("signal"), self._line(line, line_index))
                else:
                    keys = (_hash("exit"), _hash(line), _hash("exit"), self._line(line, line_index))
            key = timeline_key(event)
            if key < last:
                in_order = False
            last = key
            order.append(key[0])
            self.calls.append(keys[0])
            self.results.append(keys[1])
            self.pairs.append(keys[2])
            self.line_of.append(keys[3])
            self.seqs.append(event.get("seq"))
        if not in_order:
            ranked = sorted(range(len(order)), key=lambda i: (order[i], self.seqs[i] or 0))
            self.calls = array("q", (self.calls[i] for i in ranked))
            self.results = array("q", (self.results[i] for i in ranked))
            self.pairs = array("q", (self.pairs[i] for i in ranked))
            self.line_of = array("l", (self.line_of[i] for i in ranked))
            self.seqs = [self.seqs[i] for i in ranked]
        del order
        self.deltas = counters.key_deltas()
        packets.sort(key=lambda p: (p[2] or 0, p[1] or 0))    # (t, seq): timeline order
        self.packet_keys = _packet_keys((dict(zip(_PACKET_KEYS, p)) for p in packets), ports)

    def _line(self, line: str, index: dict[str, int]) -> int:
        found = index.get(line)
        if found is None:
            found = index[line] = len(self.lines)
            self.lines.append(line)
        return found

    def _syscall_keys(self, event: dict[str, Any], norm: Normalizer, strsize: int,
                      line_index: dict[str, int]) -> tuple[int, int, int, int]:
        args = norm.args(event)
        n_entry = int(event.get("n_entry", len(args)))
        ret = event.get("ret")
        rtext = event.get("rtext")
        ret_key: Any = norm.node(rtext) if isinstance(rtext, dict) else ret
        raux = event.get("raux")
        raux_key = norm.text(raux) if isinstance(raux, str) else norm.node(raux)
        call, result = call_and_result(event, fd_decode=0, strsize=strsize)
        line = terminal_safe(f"{call} = {result}", keep_newlines=False)
        return (_hash(repr((event.get("name"), args[:n_entry]))),
                _hash(repr((args[n_entry:], ret_key, event.get("errno"), raux_key))),
                _hash(f"syscall {event.get('name')}"), self._line(line, line_index))

    def __len__(self) -> int:
        return len(self.calls)

    def step(self, i: int) -> Step:
        return Step(self.seqs[i], self.calls[i], self.results[i], self.pairs[i], self.lines[self.line_of[i]])

    @property
    def steps(self) -> list[Step]:
        return [self.step(i) for i in range(len(self))]


_PACKET_KEYS = ("ev", "seq", "t", "src", "sport", "dst", "dport", "flags", "seq_no", "ack_no", "len", "icmp", "at")


def _compact(value: Any) -> Any:
    if isinstance(value, str):
        return sys.intern(value)
    if isinstance(value, list):
        return [sys.intern(v) if isinstance(v, str) else v for v in value]
    return value


def _steps(record: Record, events: Iterable[dict[str, Any]] | None = None) -> list[Step]:
    """A record's steps in timeline order (`events` is ignored: kept for callers of the old form)."""
    return RecordSteps(record).steps


def _packet_keys(events: Iterable[dict[str, Any]], ports: set[int] | None = None) -> list[str]:
    """Packets as the client sees them, connection by connection: `conn 2: ← RST`.

    Ports, sequence numbers and times vary between runs, and so does the interleaving of
    packets of different connections; the order within one connection does not. Connections are
    numbered by their first packet.
    """
    if ports is None:
        events = list(events)
        ports = server_ports(events)
    annotator = Annotator({}, ports)
    per_conn: dict[Any, list[str]] = {}
    for event in events:
        if event.get("ev") != "packet":
            continue
        facts = annotator.facts(event)
        if facts is not None and facts.extra.get("duplicate"):
            continue
        if event.get("icmp"):   # ICMP: one line of its own, by where it was seen
            at_server = event.get("at") == "server"
            per_conn.setdefault(("icmp", at_server), []).append(
                f"{'⇢ at the server' if at_server else '←' if event.get('dir') == 'in' else '→'} ICMP {event['icmp']}")
            continue
        from_server = event.get("sport") in ports
        client = (event.get("dst"), event.get("dport")) if from_server else (event.get("src"), event.get("sport"))
        keys = per_conn.setdefault(client, [])
        keys.append(f"{'←' if from_server else '→'} {'|'.join(event.get('flags') or []) or '-'}"
                    + (f" len {event['len']}" if event.get("len") else ""))
    return [f"conn {n}: {key}" for n, keys in enumerate(per_conn.values(), 1) for key in keys]


def counter_deltas(events: Iterable[dict[str, Any]]) -> dict[str, int]:
    """Changes of the counters that explain failures (annotate.counters) over the whole run."""
    return key_counters(all_counter_deltas(events))


def all_counter_deltas(events: Iterable[dict[str, Any]]) -> dict[str, int]:
    """Kernel counter changes over the whole run: end - start snapshots, else the sum of per-stop deltas."""
    deltas = CounterDeltas()
    for event in events:
        deltas.feed(event)
    return deltas.all_deltas()


@dataclass(slots=True)
class DiffItem:
    op: str                      # same, changed, only_a, only_b
    a: Step | None = None
    b: Step | None = None
    count: int = 1               # identical neighbours folded into one item

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"op": self.op}
        if self.a is not None:
            out["a"] = self.a.line
            out["a_seq"] = self.a.seq
        if self.b is not None:
            out["b"] = self.b.line
            out["b_seq"] = self.b.seq
        if self.count > 1:
            out["count"] = self.count
        return out


@dataclass
class Side:
    path: str
    title: str
    settings: dict[str, str]
    end: str
    exit_status: Any


@dataclass
class DiffResult:
    a: Side
    b: Side
    items: list[DiffItem]
    counters: dict[str, tuple[int, int]]           # only counters whose deltas differ
    packets: list[tuple[str, str]] = field(default_factory=list)  # (op, packet) where they differ

    @property
    def equal(self) -> bool:
        return (all(item.op == "same" for item in self.items) and not self.counters and not self.packets
                and self.a.end == self.b.end and self.a.exit_status == self.b.exit_status)

    @property
    def common_prefix(self) -> int:
        n = 0
        for item in self.items:
            if item.op != "same":
                break
            n += item.count
        return n

    @property
    def first_divergence(self) -> DiffItem | None:
        return next((item for item in self.items if item.op != "same"), None)

    def settings_changed(self) -> dict[str, tuple[str | None, str | None]]:
        names = sorted(set(self.a.settings) | set(self.b.settings))
        return {n: (self.a.settings.get(n), self.b.settings.get(n)) for n in names
                if self.a.settings.get(n) != self.b.settings.get(n)}

    def to_json(self) -> dict[str, Any]:
        first = self.first_divergence
        return {
            "equal": self.equal,
            "a": vars(self.a), "b": vars(self.b),
            "settings_changed": {k: list(v) for k, v in self.settings_changed().items()},
            "common_prefix": self.common_prefix,
            "first_divergence": first.to_json() if first else None,
            "items": [item.to_json() for item in self.items],
            "counters": {k: {"a": v[0], "b": v[1]} for k, v in self.counters.items()},
            "packets": [{"op": op, "packet": p} for op, p in self.packets],
        }


def _fold(items: Iterable[DiffItem]) -> list[DiffItem]:
    """Consecutive items of one kind with identical lines become one item with a count."""
    out: list[DiffItem] = []
    for item in items:
        last = out[-1] if out else None
        if last is not None and last.op == item.op and item.op in ("only_a", "only_b", "same"):
            if item.op == "same" or _step_key(last) == _step_key(item):
                last.count += 1
                if item.op == "same":
                    last.b = item.b  # keep the first and the last of a common run
                continue
        out.append(item)
    return out


def _step_key(item: DiffItem) -> tuple[int, int] | None:
    step = item.a or item.b
    return (step.call_key, step.result_key) if step else None


def _align(a: RecordSteps, b: RecordSteps, stats: AlignStats | None = None) -> list[DiffItem]:
    """Aligned and folded items. A run of equal steps becomes one item without a Step per event."""
    items: list[DiffItem] = []

    def add(op: str, i: int | None, j: int | None) -> None:
        last = items[-1] if items else None
        if last is not None and last.op == op and op != "changed":
            if op == "same":
                last.count += 1
                last.b = b.step(j)  # type: ignore[arg-type]
                return
            step = a if op == "only_a" else b
            k = i if op == "only_a" else j
            prev = last.a or last.b
            assert prev is not None and k is not None
            if (prev.call_key, prev.result_key) == (step.calls[k], step.results[k]):
                last.count += 1
                return
        items.append(DiffItem(op, a.step(i) if i is not None else None, b.step(j) if j is not None else None))

    for op, i1, i2, j1, j2 in opcodes(a.calls, b.calls, stats):
        if op == "equal":
            i, j = i1, j1
            while i < i2:
                # a run of same results: the first and the last step only
                k = 0
                while i + k < i2 and a.results[i + k] == b.results[j + k]:
                    k += 1
                if k:
                    add("same", i, j)
                    last = items[-1]
                    last.count += k - 1
                    last.b = b.step(j + k - 1)
                    i, j = i + k, j + k
                    continue
                add("changed", i, j)
                i, j = i + 1, j + 1
            continue
        i, j = i1, j1
        # pair calls of the same name at the same place: a changed result, not a different call
        while i < i2 and j < j2 and a.pairs[i] == b.pairs[j]:
            add("changed", i, j)
            i += 1
            j += 1
        for k in range(i, i2):
            add("only_a", k, None)
        for k in range(j, j2):
            add("only_b", None, k)
    return items


# Records at least this big are read side by side: B in a forked child while A is read here.
PARALLEL_BYTES = 32 << 20


def _read_both(a: Record, b: Record) -> tuple[RecordSteps, RecordSteps]:
    """Both records' steps; big ones in two processes (reading is most of a big diff's time)."""
    try:
        big = min(os.path.getsize(a.path), os.path.getsize(b.path)) >= PARALLEL_BYTES
    except OSError:
        big = False
    if not big or not hasattr(os, "fork"):
        return RecordSteps(a), RecordSteps(b)
    import multiprocessing

    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_steps_in_child, args=(b, send), daemon=True)
    child.start()
    send.close()
    try:
        steps_a = RecordSteps(a)
        outcome, payload = receive.recv()
    except EOFError:
        outcome, payload = "error", None
    finally:
        child.join()
        receive.close()
    if outcome == "error":
        if isinstance(payload, InputError):
            raise payload
        return steps_a, RecordSteps(b)  # the child died: read B here after all
    steps_b, b.footer = payload
    steps_b.record = b
    return steps_a, steps_b


def _steps_in_child(record: Record, send: Any) -> None:
    try:
        steps = RecordSteps(record)
        steps.record = None  # type: ignore[assignment]
        send.send(("ok", (steps, record.footer)))
    except InputError as err:
        send.send(("error", err))
    except BaseException:  # noqa: BLE001 - the parent reads the record itself
        send.send(("error", None))
    finally:
        send.close()


def _side(record: Record) -> Side:
    footer = record.footer or {}
    return Side(path=record.path, title=timeline_title(record.header), settings=header_settings(record.header),
                end=str(footer.get("end", "truncated")), exit_status=footer.get("exit_status"))


def diff_records(a: Record, b: Record, stats: AlignStats | None = None) -> DiffResult:
    """Compare two records (each read once); `stats` collects the alignment's operation counts."""
    steps_a, steps_b = _read_both(a, b)
    items = _align(steps_a, steps_b, stats)
    deltas_a, deltas_b = steps_a.deltas, steps_b.deltas
    counters = {name: (deltas_a.get(name, 0), deltas_b.get(name, 0))
                for name in sorted(set(deltas_a) | set(deltas_b))
                if deltas_a.get(name, 0) != deltas_b.get(name, 0)}
    pa, pb = steps_a.packet_keys, steps_b.packet_keys
    packets: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=pa, b=pb, autojunk=False).get_opcodes():
        if op != "equal":
            packets.extend(("only_a", p) for p in pa[i1:i2])
            packets.extend(("only_b", p) for p in pb[j1:j2])
    return DiffResult(_side(a), _side(b), items, counters, packets)


# --- inputs: records or cell directories ---------------------------------------------------

_RUN_FILE = re.compile(r"run-(\d+)\.jsonl$")


def resolve_record_path(path: str | os.PathLike[str]) -> str:
    """A record file, or a cell directory of `sysrec run --out` (its first run is used)."""
    p = Path(path)
    if not p.is_dir():
        return str(p)
    runs = sorted((int(m.group(1)), f) for f in p.iterdir() if (m := _RUN_FILE.search(f.name)))
    if not runs:
        hint = ""
        if (p / "summary.json").exists():
            hint = " (this is a run directory: give two of its cell directories, DIR/<scenario>/<cell>)"
        raise InputError(f"{p}: no run-N.jsonl records in this directory{hint}")
    return str(runs[0][1])


def diff_paths(a: str | os.PathLike[str], b: str | os.PathLike[str]) -> DiffResult:
    return diff_records(open_record(resolve_record_path(a)), open_record(resolve_record_path(b)))


# --- views ---------------------------------------------------------------------------------

def _label(side: Side, settings_changed: Mapping[str, tuple[Any, Any]], which: int) -> str:
    if settings_changed:
        return ", ".join(f"{k.rsplit('.', 1)[-1]}={v[which]}" for k, v in settings_changed.items())
    return "A" if which == 0 else "B"


def diff_lines(result: DiffResult, *, show_paths: bool = True) -> list[str]:
    """Plain text: header, folded common runs, changed results side by side, one-sided events."""
    changed = result.settings_changed()
    la, lb = _label(result.a, changed, 0), _label(result.b, changed, 1)
    width = max(len(la), len(lb))
    path_a = f"  ({result.a.path})" if show_paths else ""
    path_b = f"  ({result.b.path})" if show_paths else ""
    lines = [f"--- {la}: {result.a.title}{path_a}", f"+++ {lb}: {result.b.title}{path_b}"]
    for name, (va, vb) in changed.items():
        lines.append(f"    {name}: {va} → {vb}")
    if result.equal:
        lines.append(f"= identical after normalization ({result.common_prefix} events)")
        return lines
    first = result.first_divergence
    for item in result.items:
        if item.op == "same":
            assert item.a is not None
            if item.count == 1:
                lines.append(f"  = {item.a.line}")
            else:
                last = item.b.line if item.b is not None else ""
                lines.append(f"  = {item.count} identical events: {_short(item.a.line)} … {_short(last)}")
            continue
        if item is first:
            lines.append("  ! first divergence:")
        times = f"   ×{item.count}" if item.count > 1 else ""
        if item.op == "changed":
            assert item.a is not None and item.b is not None
            lines.append(f"  ≠ {la:<{width}} │ {item.a.line}")
            lines.append(f"    {lb:<{width}} │ {item.b.line}")
        elif item.op == "only_a":
            assert item.a is not None
            lines.append(f"  - {la:<{width}} │ {item.a.line}{times}")
        else:
            assert item.b is not None
            lines.append(f"  + {lb:<{width}} │ {item.b.line}{times}")
    if result.a.end != result.b.end or result.a.exit_status != result.b.exit_status:
        lines.append(f"  end: {la} {result.a.end} (exit {result.a.exit_status})"
                     f" │ {lb} {result.b.end} (exit {result.b.exit_status})")
    if result.counters:
        lines.append("counter deltas that differ:")
        name_w = max(len(n) for n in result.counters)
        for name, (va, vb) in result.counters.items():
            lines.append(f"    {name:<{name_w}}  {la} {va:+d} │ {lb} {vb:+d}")
    if result.packets:
        lines.append("packets in one side only:")
        for op, packet in result.packets:
            lines.append(f"    {'-' if op == 'only_a' else '+'} {la if op == 'only_a' else lb:<{width}} │ {packet}")
    return lines


def _short(line: str, limit: int = 40) -> str:
    return line if len(line) <= limit else line[:limit - 1] + "…"


def diff_text(result: DiffResult) -> str:
    return terminal_safe("\n".join(diff_lines(result))) + "\n"


def diff_table(result: DiffResult) -> Any:
    """A rich renderable: A and B side by side."""
    from rich.table import Table
    from rich.text import Text

    changed = result.settings_changed()
    la, lb = _label(result.a, changed, 0), _label(result.b, changed, 1)
    table = Table(title=Text(terminal_safe(f"{result.a.title}  ↔  {result.b.title}", keep_newlines=False)),
                  title_justify="left", header_style="bold")
    table.add_column("", no_wrap=True)
    table.add_column(Text(terminal_safe(la, keep_newlines=False)), overflow="fold", ratio=1)
    table.add_column(Text(terminal_safe(lb, keep_newlines=False)), overflow="fold", ratio=1)
    first = result.first_divergence
    for item in result.items:
        if item.op == "same":
            assert item.a is not None
            text = item.a.line if item.count == 1 else f"{item.count} identical events"
            table.add_row("=", Text(text, style="dim"), Text(text if item.count == 1 else "", style="dim"))
        elif item.op == "changed":
            style = "bold red" if item is first else "red"
            table.add_row("≠", Text(item.a.line if item.a else "", style=style),
                          Text(item.b.line if item.b else "", style=style))
        elif item.op == "only_a":
            table.add_row("-", Text(item.a.line if item.a else "", style="yellow")
                          + Text(f" ×{item.count}" if item.count > 1 else ""), "")
        else:
            table.add_row("+", "", Text(item.b.line if item.b else "", style="green")
                          + Text(f" ×{item.count}" if item.count > 1 else ""))
    for name, (va, vb) in result.counters.items():
        table.add_row("Δ", Text(f"{va:+d} {name}", style="magenta"), Text(f"{vb:+d} {name}", style="magenta"))
    for op, packet in result.packets:
        packet = Text(terminal_safe(packet, keep_newlines=False))
        table.add_row("-" if op == "only_a" else "+", packet if op == "only_a" else "",
                      packet if op == "only_b" else "")
    return table


_LINE_STYLES = (("  ! ", "bold red"), ("  ≠ ", "red"), ("    ", ""), ("  - ", "yellow"), ("  + ", "green"),
                ("  = ", "dim"), ("--- ", "bold"), ("+++ ", "bold"))


def print_diff(result: DiffResult, console: Any = None) -> None:
    """Print a diff: coloured lines on a terminal, plain text otherwise (same content)."""
    import sys
    if console is None:
        if not sys.stdout.isatty():
            sys.stdout.write(diff_text(result))
            return
        from rich.console import Console
        console = Console()
    if not console.is_terminal:
        console.file.write(diff_text(result))
        return
    from rich.text import Text
    for line in diff_lines(result):
        line = terminal_safe(line, keep_newlines=False)
        style = next((s for prefix, s in _LINE_STYLES if line.startswith(prefix)), "")
        console.print(Text(line, style=style), soft_wrap=True)


def diff_run_cells(summary: Mapping[str, Any], out_dir: str | os.PathLike[str],
                   run: int = 1) -> list[tuple[str, str, DiffResult]]:
    """For `sysrec run --diff`: every pair of cells of a run summary (run `run` of each), in matrix order."""
    base = Path(out_dir)
    cells = []
    for cell in summary.get("cells") or []:
        records = cell.get("records") or []
        if len(records) >= run:
            cells.append((str(cell.get("name")), base / records[run - 1]))
    pairs = []
    for i, (name_a, path_a) in enumerate(cells):
        for name_b, path_b in cells[i + 1:]:
            pairs.append((name_a, name_b, diff_records(open_record(path_a), open_record(path_b))))
    return pairs
