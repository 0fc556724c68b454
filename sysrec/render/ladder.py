"""Ladder (sequence) diagram of one record, as a standalone SVG written by hand.

Data first (`build_ladder` → `Ladder` of `LadderRow`s), then one view of it (`ladder_svg`).
No drawing library: the picture is a few hundred lines, rectangles and text, and an SVG string
needs nothing beyond the standard library.

Layout, 1200 px wide, time running down:

- a time axis on the left: every row carries its time in ms since the record started (the same
  numbers as the timeline); a quiet gap longer than `MAX_GAP_PX` is shortened and marked `≈ +N ms`;
- the client's lane with its syscalls to its left (name, fd, result; errors red);
- the server's lane, and the packets as arrows between the lanes, each labelled on the right as
  tcpdump would (`[S.] seq 0, ack 1, win 65483, length 0`), with sequence numbers relative to
  each direction's first sequence number on that connection.

An arrow's client end is where the capture on the client's side stamped the packet. With a
`[link]` the server end is that time plus (outgoing) or minus (incoming) the link's one-way delay,
so the slope is the latency; on loopback there is no latency to show, and arrows get a small
fixed slope only so that their direction reads at a glance.

Many connections (the burst scenario has 16): one lane pair for all, each connection in its own
colour (a palette of 12, reused beyond that) and every packet label starting with the client's
port — one lane pair per connection would need 32 lanes in 1200 px. A syscall's dot on the client
lane takes the colour of the connection its socket belongs to.

The first failure (the timeline's `first_error`) sits on a red band across the picture. A record
without packets gets the client lane and its syscalls only.
"""

from __future__ import annotations

import bisect
import os
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Sequence

from sysrec.annotate.engine import socket_port
from sysrec.annotate.facts import syscall_outcome
from sysrec.cstring import terminal_safe
from sysrec.record import Record
from sysrec.render.stream import scan_record
from sysrec.render.timeline import shown_events, timeline_rows, timeline_title

WIDTH = 1200
AXIS_X = 78            # the time axis line; row times are right-aligned just left of it
CLIENT_X = 470
SERVER_X = 790
PACKET_LABEL_X = SERVER_X + 14
ROW_PX = 18            # the least vertical distance between two rows
MAX_ROWS = 800         # rows drawn at most (a long record: its start, its failure, gaps)
PX_PER_MS = 2.0        # the time scale where rows do not force more room
MAX_GAP_PX = 96        # longer quiet gaps are shortened to this and marked
LOOPBACK_SLOPE_PX = 10
FONT_PX = 11
CHAR_PX = 6.7          # advance of one monospace character at FONT_PX
SYSCALL_LABEL_CHARS = int((CLIENT_X - 12 - AXIS_X - 10) / CHAR_PX)
PACKET_LABEL_CHARS = int((WIDTH - PACKET_LABEL_X - 6) / CHAR_PX)

# Distinct on white, none of them red (red means an error).
PALETTE = ("#1f77b4", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#d9660b",
           "#0f8c99", "#8c8c00", "#393b79", "#637939", "#7b4173", "#5f5f5f")
ERROR_COLOUR = "#c62828"
FAILURE_BAND = "#fde0e0"
NO_CONNECTION = "#9e9e9e"

# tcpdump's flag letters, in the order it prints them; ACK is the final ".".
_TCPDUMP_FLAGS = (("FIN", "F"), ("SYN", "S"), ("RST", "R"), ("PSH", "P"), ("URG", "U"),
                  ("ECE", "E"), ("CWR", "W"), ("ACK", "."), ("AE", "e"))


@dataclass
class Connection:
    """One TCP/UDP conversation, named from the client's side."""

    index: int
    client: str            # address:port
    server: str
    client_port: int

    @property
    def colour(self) -> str:
        return PALETTE[self.index % len(PALETTE)]


@dataclass
class LadderRow:
    t_ms: float
    kind: str                      # syscall, packet, exit, signal, gap (rows left out)
    label: str                     # the short text drawn beside the lane
    title: str                     # the full line, shown as a tooltip
    error: bool = False
    first_error: bool = False
    connection: Connection | None = None
    outgoing: bool = True          # packets: from the client
    rst: bool = False
    port: int | None = None        # syscalls: the client port of the socket, when known
    at_server: bool = False        # captured at the server's end (a router's ICMP): drawn from mid-path


@dataclass
class Ladder:
    title: str
    client_lane: str
    server_lane: str | None        # None: no packets, syscalls only
    delay_ms: float | None         # the link's one-way delay; None on loopback
    rows: list[LadderRow]
    connections: list[Connection] = field(default_factory=list)


# --- data ----------------------------------------------------------------------------------

def tcpdump_flags(flags: Sequence[str]) -> str:
    """`["SYN", "ACK"]` → `S.`, as tcpdump prints them between brackets; no flag: `none`."""
    present = set(flags)
    text = "".join(letter for name, letter in _TCPDUMP_FLAGS if name in present)
    return text or "none"


class _SequenceSpace:
    """Relative sequence numbers per connection and direction, as tcpdump shows them: each
    direction counts from its first sequence number (its SYN's when the SYN was captured)."""

    def __init__(self) -> None:
        self.isn: dict[tuple[str, str], int] = {}

    def label(self, packet: Mapping[str, Any]) -> str:
        src = f"{packet.get('src')}:{packet.get('sport')}"
        dst = f"{packet.get('dst')}:{packet.get('dport')}"
        flags = list(packet.get("flags") or [])
        if packet.get("icmp"):
            mtu = f" mtu {packet.get('mtu')}" if packet.get("mtu") is not None else ""
            at = ", at server" if packet.get("at") == "server" else ""
            return f"ICMP {packet.get('icmp')}{mtu}{at}"
        if packet.get("proto") != "tcp":
            return f"UDP, length {packet.get('len', 0)}"
        seq = int(packet.get("seq_no") or 0)
        ack = int(packet.get("ack_no") or 0)
        own = self.isn.setdefault((src, dst), seq)
        length = int(packet.get("len") or 0)
        parts = [f"[{tcpdump_flags(flags)}]"]
        rel = (seq - own) % 2**32
        if length or "SYN" in flags or "FIN" in flags or "RST" in flags:
            parts.append(f"seq {rel}:{(rel + length) % 2**32}," if length else f"seq {rel},")
        if "ACK" in flags:
            peer = self.isn.get((dst, src))
            parts.append(f"ack {(ack - peer) % 2**32 if peer is not None else ack},")
        parts.append(f"win {packet.get('win', 0)}, length {length}")
        return " ".join(parts)


def _fd_in(node: Any) -> int | None:
    """The first fd node in an argument tree (a pollfd array, an fd_set)."""
    if isinstance(node, dict):
        if "$fd" in node:
            return int(node["$fd"])
        children: Any = node.values()
    elif isinstance(node, list):
        children = node
    else:
        return None
    for child in children:
        fd = _fd_in(child)
        if fd is not None:
            return fd
    return None


def _first_fd(event: Mapping[str, Any]) -> tuple[int | None, bool]:
    """The fd a call is about, and whether it is the call's first argument (else it sits in an
    array or a set: poll, select)."""
    args = event.get("args") or []
    if args and isinstance(args[0], dict) and "$fd" in args[0]:
        return int(args[0]["$fd"]), True
    return _fd_in(args), False


def socket_inode(event: Mapping[str, Any]) -> str | None:
    """`socket:[4242]` of the call's fd: the same socket whatever its endpoint says by then."""
    fd, _ = _first_fd(event)
    rtext = event.get("rtext")
    if fd is None and isinstance(rtext, dict) and "$fd" in rtext:  # socket(), accept(): the new fd
        fd = int(rtext["$fd"])
    info = (event.get("fds") or {}).get(str(fd)) if fd is not None else None
    y = info.get("y") if isinstance(info, dict) else None
    return str(y) if y and str(y).startswith("socket:") else None


def socket_client_ports(events: Iterable[Mapping[str, Any]], ports: set[int]) -> dict[str, int]:
    """Socket inode → the client port of its connection, in one pass over `events`.

    From the `-yy` endpoint where a call shows one; a socket reset during the handshake never
    does (its endpoint reads `TCP:[inode]`), so a connect() still unknown takes the first SYN
    of a new connection sent while it ran (the kernel sends the SYN inside connect())."""
    known: dict[str, int] = {}
    syns: list[tuple[int, int]] = []                   # (time, client port) of outgoing bare SYNs
    connects: list[tuple[str, int, int]] = []          # (inode, t0, t1) of connect() calls
    for event in events:
        kind = event.get("ev")
        if kind == "syscall":
            inode, port = socket_inode(event), socket_port(event)
            if inode and port is not None:
                known.setdefault(inode, port)
            if event.get("name") == "connect" and inode and event.get("t0") is not None:
                t0 = int(event["t0"])
                connects.append((inode, t0, int(event.get("t1") or t0) + 1_000_000))
        elif kind == "packet" and (event.get("flags") or []) == ["SYN"] and _packet_ends(event, ports)[2]:
            syns.append((int(event.get("t") or 0), int(event.get("sport") or 0)))
    claimed = set(known.values())
    for inode, t0, t1 in connects:
        if inode in known:
            continue
        for t, port in syns:
            if port not in claimed and t0 <= t <= t1:
                known[inode] = port
                claimed.add(port)
                break
    return known


def syscall_label(event: Mapping[str, Any], *, with_pid: bool) -> str:
    """`connect(3) = -1 EINPROGRESS`, `poll(3) = 1 · POLLERR|POLLHUP`: the call, its first fd and
    what it came back with, short enough for the space beside the lane."""
    fd, first = _first_fd(event)
    shown = "" if fd is None else str(fd) if first else f"[{fd}]"
    text = f"{event.get('name', '?')}({shown})"
    ret = event.get("ret")
    errno = event.get("errno")
    if ret is None:
        text += " = ?"
    elif errno:
        text += f" = -1 {errno}"
    else:
        text += f" = {ret}"
    outcome = syscall_outcome(event)
    if outcome not in ("ok", errno, "unfinished"):
        text += f" · {outcome}"
    if with_pid and event.get("pid") is not None:
        text = f"{event['pid']} {text}"
    return text


def _icmp_as_flow(packet: Mapping[str, Any]) -> Mapping[str, Any]:
    """An ICMP error drawn on the connection it reports on: it travels back toward the sender of the
    packet it quotes, so it goes as a packet of that flow from the quoted destination would."""
    inner = packet.get("inner")
    if not isinstance(inner, Mapping) or "sport" not in inner:
        return packet
    return {**packet, "src": inner.get("dst"), "sport": inner.get("dport"),
            "dst": inner.get("src"), "dport": inner.get("sport")}


def _packet_ends(packet: Mapping[str, Any], ports: set[int]) -> tuple[str, str, bool]:
    """(client end, server end, outgoing) of a packet."""
    if packet.get("icmp"):
        packet = _icmp_as_flow(packet)
    src = f"{packet.get('src')}:{packet.get('sport')}"
    dst = f"{packet.get('dst')}:{packet.get('dport')}"
    if packet.get("sport") in ports and packet.get("dport") not in ports:
        return dst, src, False
    if packet.get("dport") in ports:
        return src, dst, True
    if packet.get("dir") == "in":
        return dst, src, False
    if packet.get("dir") == "out":
        return src, dst, True
    flags = set(packet.get("flags") or [])
    if "SYN" in flags and "ACK" in flags:
        return dst, src, False
    return src, dst, True


def _port(endpoint: str) -> int:
    return int(endpoint.rsplit(":", 1)[1]) if endpoint.rsplit(":", 1)[-1].isdigit() else 0


def _shorten(text: str, chars: int) -> str:
    return text if len(text) <= chars else text[: chars - 1] + "…"


def build_ladder(record: Record, max_rows: int = MAX_ROWS) -> Ladder:
    """A record's rows in time order, with the connections and lane names they need.

    Streams the record (three passes: scan, socket ports, rows) and keeps at most about
    `max_rows` rows: a picture of a million packets is neither readable nor small, so a long
    record is drawn as its start, the stretch around its first failure (or its end) and marks
    saying how many rows were left out between them."""
    scan = scan_record(record)
    ports = scan.ports
    with_pid = sum(len(pids) for pids in scan.processes.values()) > 1
    inode_ports = socket_client_ports(shown_events(record, scan), ports)
    connections: dict[str, Connection] = {}
    sequence = _SequenceSpace()
    window = _RowWindow(max_rows)
    packets = 0
    current: list[Mapping[str, Any]] = [{}]
    for row in timeline_rows(record, scan, on_event=lambda event: current.__setitem__(0, event)):
        event = current[0]
        if row.kind not in ("syscall", "packet", "exit", "signal"):
            continue
        if row.kind == "packet":
            packets += 1
            client, server, outgoing = _packet_ends(event, ports)
            conn = connections.get(client)
            if conn is None:
                conn = connections[client] = Connection(len(connections), client, server, _port(client))
            window.add(LadderRow(row.t_ms, "packet", sequence.label(event), row.call, connection=conn,
                                 outgoing=outgoing, rst="RST" in (event.get("flags") or []),
                                 at_server=event.get("at") == "server"))
        elif row.kind == "syscall":
            conn_port = socket_port(event)
            inode = socket_inode(event)
            if conn_port is None and inode is not None:
                conn_port = inode_ports.get(inode)
            window.add(LadderRow(row.t_ms, "syscall", syscall_label(event, with_pid=with_pid), row.line,
                                 error=row.error, first_error=row.first_error, port=conn_port))
        else:
            label = (f"{row.pid} " if row.pid is not None and with_pid else "") + row.call
            window.add(LadderRow(row.t_ms, row.kind, label, row.call))
    rows = window.rows()
    # Connections are known once every packet is: a connect() precedes its SYN.
    for ladder_row in rows:
        if ladder_row.port is not None:
            ladder_row.connection = _by_port(connections, ladder_row.port)
    context = record.header.get("context") or {}
    link = context.get("link") if isinstance(context.get("link"), dict) else None
    client_lane, server_lane = _lane_names(record, list(connections.values()), link, packets)
    delay = float(link.get("delay_ms") or 0) if link else None
    return Ladder(timeline_title(record.header, record.footer), client_lane, server_lane, delay, rows,
                  list(connections.values()))


class _RowWindow:
    """The rows a long record's ladder keeps, in bounded memory: the first quarter of `limit`,
    then either a quarter before and half after the first failure, or (no failure) the last
    three quarters; `left out` rows mark what was skipped between them."""

    def __init__(self, limit: int) -> None:
        self.head_size = max(1, limit // 4)
        self.before = max(1, limit // 4)
        self.after = max(1, limit // 2)
        self.tail_size = self.before + self.after
        self.head: list[LadderRow] = []
        self.failure: list[LadderRow] = []      # from the failure's lead-in on, once there is one
        self.recent: deque[LadderRow] = deque()
        self.skipped_before = 0                 # rows between the head and what follows it
        self.skipped_after = 0                  # rows after the failure's stretch

    def add(self, row: LadderRow) -> None:
        if len(self.head) < self.head_size:
            self.head.append(row)
        elif self.failure:
            if len(self.failure) < self.before + 1 + self.after:
                self.failure.append(row)
            else:
                self.skipped_after += 1
        elif row.first_error:
            self.failure = [*self.recent][-self.before:] + [row]
            self.skipped_before += len(self.recent) - (len(self.failure) - 1)
            self.recent.clear()
        else:
            self.recent.append(row)
            if len(self.recent) > self.tail_size:
                self.recent.popleft()
                self.skipped_before += 1

    def rows(self) -> list[LadderRow]:
        rest = self.failure or list(self.recent)
        rows = list(self.head)
        if self.skipped_before:
            rows.append(_left_out(rows[-1].t_ms, rest[0].t_ms if rest else None, self.skipped_before))
        rows += rest
        if self.skipped_after:
            rows.append(_left_out(rows[-1].t_ms, None, self.skipped_after))
        return rows


def _left_out(after_ms: float, before_ms: float | None, count: int) -> LadderRow:
    """A mark for `count` rows left out, between the rows at `after_ms` and `before_ms`."""
    text = f"⋯ {count:,} rows not drawn ⋯"
    t_ms = after_ms + 0.001 if before_ms is None or before_ms <= after_ms else (after_ms + before_ms) / 2
    return LadderRow(t_ms, "gap", text, text)


def _by_port(connections: Mapping[str, Connection], port: int | None) -> Connection | None:
    if port is None:
        return None
    return next((c for c in connections.values() if c.client_port == port), None)


def _lane_names(record: Record, connections: list[Connection], link: Mapping[str, Any] | None,
                packets: int) -> tuple[str, str | None]:
    argv = record.header.get("argv") or []
    program = os.path.basename(str(argv[0])) if argv else "client"
    servers = sorted({c.server for c in connections})
    server = servers[0] if len(servers) == 1 else f"{len(servers)} server ends" if servers else "server"
    if link:
        client = f"client {link.get('client_ip', '?')} ({link.get('client_if', 'veth-client')})"
        return client, (f"server {server}" if packets else None)
    ports = sorted({c.client_port for c in connections})
    if not ports:
        return f"client ({program})", None
    host = connections[0].client.rsplit(":", 1)[0]
    if len(ports) <= 3:
        client = f"client {host} port{'s' if len(ports) > 1 else ''} {', '.join(map(str, ports))}"
    else:
        client = f"client {host}, {len(ports)} ports {ports[0]}–{ports[-1]}"
    return client, f"listener {server}"


# --- SVG -----------------------------------------------------------------------------------

def xml_text(text: str) -> str:
    """Text from a record, safe inside an SVG/HTML element or attribute: control characters
    spelled out, markup characters escaped, nothing that UTF-8 cannot carry."""
    text = terminal_safe(str(text), keep_newlines=False)
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    text = text.replace("\ufffe", "\\ufffe").replace("\uffff", "\\uffff")
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


class _TimeScale:
    """Row times → y, at least ROW_PX apart, PX_PER_MS where there is room, long gaps shortened.
    Times between rows (a packet's server end) are interpolated. With a link, `keep_ms` (its
    delay) at each end of a shortened gap stay at full scale, so an arrow that crosses into the
    gap keeps the slope of its latency."""

    def __init__(self, times: Sequence[float], keep_ms: float = 0.0) -> None:
        self.times: list[float] = []
        self.ys: list[float] = []
        self.breaks: list[tuple[float, float, float]] = []   # (y from, y to, ms left out)
        y = 0.0
        keep = keep_ms * PX_PER_MS
        for i, t in enumerate(times):
            if i:
                before = times[i - 1]
                gap = (t - before) * PX_PER_MS
                if gap > MAX_GAP_PX + 2 * keep:
                    if keep:  # full scale on both sides of the break
                        self.times += [before + keep_ms, t - keep_ms]
                        self.ys += [y + keep, y + keep + MAX_GAP_PX]
                    self.breaks.append((y + keep, y + keep + MAX_GAP_PX, t - before - 2 * keep_ms))
                    gap = MAX_GAP_PX + 2 * keep
                y += max(gap, ROW_PX)
            self.times.append(t)
            self.ys.append(y)

    def y(self, t: float) -> float:
        if not self.times:
            return 0.0
        if t <= self.times[0]:
            return self.ys[0] - (self.times[0] - t) * PX_PER_MS
        if t >= self.times[-1]:
            return self.ys[-1] + (t - self.times[-1]) * PX_PER_MS
        i = bisect.bisect_right(self.times, t)
        t0, t1, y0, y1 = self.times[i - 1], self.times[i], self.ys[i - 1], self.ys[i]
        return y0 if t1 == t0 else y0 + (y1 - y0) * (t - t0) / (t1 - t0)


def _text(x: float, y: float, text: str, *, anchor: str = "start", fill: str = "#212121",
          weight: str | None = None, size: int | None = None, italic: bool = False) -> str:
    attrs = f'x="{x:.1f}" y="{y:.1f}"'
    if anchor != "start":
        attrs += f' text-anchor="{anchor}"'
    attrs += f' fill="{fill}"'
    if weight:
        attrs += f' font-weight="{weight}"'
    if size:
        attrs += f' font-size="{size}"'
    if italic:
        attrs += ' font-style="italic"'
    return f"<text {attrs}>{xml_text(text)}</text>"


def _arrow(x1: float, y1: float, x2: float, y2: float, colour: str, width: float) -> str:
    """A line with a filled head at (x2, y2), drawn without markers (no ids to clash when several
    diagrams share one HTML page)."""
    dx, dy = x2 - x1, y2 - y1
    length = (dx * dx + dy * dy) ** 0.5 or 1.0
    ux, uy = dx / length, dy / length
    head, half = 9.0, 3.5
    bx, by = x2 - ux * head, y2 - uy * head
    points = (f"{x2:.1f},{y2:.1f} {bx - uy * half:.1f},{by + ux * half:.1f} "
              f"{bx + uy * half:.1f},{by - ux * half:.1f}")
    return (f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{bx:.1f}" y2="{by:.1f}" stroke="{colour}" '
            f'stroke-width="{width}"/><polygon points="{points}" fill="{colour}"/>')


def _legend_lines(ladder: Ladder) -> list[list[Connection]]:
    """Connections per legend line, as many as fit in the width."""
    lines: list[list[Connection]] = [[]]
    per_line = int((WIDTH - 2 * 16 - 110) / 70)
    for conn in ladder.connections:
        if len(lines[-1]) == per_line:
            lines.append([])
        lines[-1].append(conn)
    return lines if ladder.connections else []


def ladder_svg(ladder: Ladder) -> str:
    """The diagram as one standalone SVG document (also fit to be inlined in HTML)."""
    scale = _TimeScale([row.t_ms for row in ladder.rows], ladder.delay_ms or 0.0)
    out: list[str] = []

    # Header: title, how to read it, the connections' colours.
    head: list[str] = [_text(16, 24, ladder.title, weight="bold", size=14)]
    if ladder.server_lane is None:
        how = "time runs down · no packets in this record: the client's syscalls only"
    elif ladder.delay_ms is not None:
        how = (f"time runs down · arrows slope by the link's one-way delay ({ladder.delay_ms:g} ms) · "
               f"packet labels as tcpdump prints them, relative seq")
    else:
        how = "time runs down · loopback: no latency (arrows slope only to show direction) · relative seq"
    head.append(_text(16, 42, how + f" · gaps over {MAX_GAP_PX / PX_PER_MS:g} ms shortened (≈)",
                      fill="#616161"))
    y = 60.0
    legend = _legend_lines(ladder)
    for i, line in enumerate(legend):
        if i == 0:
            head.append(_text(16, y, "connections:", fill="#616161"))
        x = 16 + 110
        for conn in line:
            head.append(f'<rect x="{x:.1f}" y="{y - 9:.1f}" width="10" height="10" fill="{conn.colour}"/>')
            head.append(_text(x + 14, y, str(conn.client_port), fill=conn.colour))
            x += 70
        y += 16
    lanes_top = y + 8
    lane_box_h = 22
    body_top = lanes_top + lane_box_h + 22

    # Body, in plot coordinates (0 = first row), shifted below the header at the end.
    body: list[str] = []
    ends: list[float] = [0.0]
    for start, stop, ms in scale.breaks:
        middle = (start + stop) / 2
        body.append(f'<path d="M{AXIS_X - 6},{middle - 4:.1f} l6,-4 l6,8 l6,-4" fill="none" '
                    f'stroke="#9e9e9e"/>')
        body.append(_text(AXIS_X + 22, middle + 4, f"≈ +{ms:.1f} ms", fill="#9e9e9e", size=10))
    for row in ladder.rows:
        ry = scale.y(row.t_ms)
        ends.append(ry)
        if row.first_error:
            body.append(f'<rect x="{AXIS_X - 74}" y="{ry - ROW_PX / 2:.1f}" width="{WIDTH - AXIS_X + 70}" '
                        f'height="{ROW_PX}" fill="{FAILURE_BAND}"/>')
        time_fill = ERROR_COLOUR if row.first_error else "#757575"
        if row.kind != "gap":   # a gap's place between its neighbours is not a time anything happened
            body.append(_text(AXIS_X - 6, ry + 4, f"{row.t_ms:.3f}", anchor="end", fill=time_fill,
                              size=10, weight="bold" if row.first_error else None))
            body.append(f'<line x1="{AXIS_X - 3}" y1="{ry:.1f}" x2="{AXIS_X}" y2="{ry:.1f}" stroke="#9e9e9e"/>')
        group = [f"<title>{xml_text(row.title)}</title>"]
        if row.kind == "packet" and ladder.server_lane is not None:
            conn = row.connection
            colour = conn.colour if conn is not None else NO_CONNECTION
            if ladder.delay_ms is not None:
                sy = scale.y(row.t_ms + (ladder.delay_ms if row.outgoing else -ladder.delay_ms))
            else:
                sy = ry + (LOOPBACK_SLOPE_PX if row.outgoing else -LOOPBACK_SLOPE_PX)
            ends.append(sy)
            width = 2.2 if row.rst else 1.3
            if row.at_server:   # from the path between the hosts (a router) to the server, when it arrived
                group.append(_arrow((CLIENT_X + SERVER_X) / 2, ry, SERVER_X, ry, colour, width))
            elif row.outgoing:
                group.append(_arrow(CLIENT_X, ry, SERVER_X, sy, colour, width))
            else:
                group.append(_arrow(SERVER_X, sy, CLIENT_X, ry, colour, width))
            label = row.label
            if len(ladder.connections) > 1 and conn is not None:
                label = f"{conn.client_port} {label}"
            marker = "⇢" if row.at_server else "→" if row.outgoing else "←"
            group.append(_text(PACKET_LABEL_X, ry + 4, _shorten(f"{marker} {label}", PACKET_LABEL_CHARS),
                               fill=ERROR_COLOUR if row.rst else colour,
                               weight="bold" if row.rst else None))
        elif row.kind == "gap":
            group.append(f'<line x1="{AXIS_X}" y1="{ry:.1f}" x2="{WIDTH - 10}" y2="{ry:.1f}" stroke="#9e9e9e" '
                         f'stroke-dasharray="4 4"/>')
            group.append(f'<rect x="{(CLIENT_X + SERVER_X) / 2 - 110:.1f}" y="{ry - 8:.1f}" width="220" '
                         f'height="16" fill="#ffffff"/>')
            group.append(_text((CLIENT_X + SERVER_X) / 2, ry + 4, row.label, anchor="middle", fill="#616161",
                               italic=True))
        elif row.kind == "syscall":
            colour = row.connection.colour if row.connection is not None else NO_CONNECTION
            group.append(f'<circle cx="{CLIENT_X}" cy="{ry:.1f}" r="4" fill="{colour}"/>')
            label = ("! " if row.first_error else "") + row.label
            group.append(_text(CLIENT_X - 12, ry + 4, _shorten(label, SYSCALL_LABEL_CHARS), anchor="end",
                               fill=ERROR_COLOUR if row.error else "#212121",
                               weight="bold" if row.first_error else None))
        else:
            group.append(_text(CLIENT_X - 12, ry + 4, _shorten(row.label, SYSCALL_LABEL_CHARS), anchor="end",
                               fill="#616161", italic=True))
        body.append("<g>" + "".join(group) + "</g>")

    top, bottom = min(ends), max(ends)
    shift = body_top - top
    height = int(shift + bottom + 30)
    lane_bottom = bottom + shift + 14

    out.append(f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
               f'viewBox="0 0 {WIDTH} {height}" font-family="DejaVu Sans Mono, Menlo, Consolas, monospace" '
               f'font-size="{FONT_PX}" role="img" class="sysrec-ladder">')
    out.append(f"<title>{xml_text('ladder diagram: ' + ladder.title)}</title>")
    out.append(f'<rect x="0" y="0" width="{WIDTH}" height="{height}" fill="#ffffff"/>')
    out += head
    lanes = [(CLIENT_X, ladder.client_lane)]
    if ladder.server_lane is not None:
        lanes.append((SERVER_X, ladder.server_lane))
    for x, name in lanes:
        box_w = min(300.0, len(name) * CHAR_PX + 16)
        out.append(f'<rect x="{x - box_w / 2:.1f}" y="{lanes_top:.1f}" width="{box_w:.1f}" height="{lane_box_h}" '
                   f'rx="4" fill="#eceff1" stroke="#90a4ae"/>')
        out.append(_text(x, lanes_top + 15, _shorten(name, int((box_w - 8) / CHAR_PX)), anchor="middle",
                         weight="bold"))
        out.append(f'<line x1="{x}" y1="{lanes_top + lane_box_h:.1f}" x2="{x}" y2="{lane_bottom:.1f}" '
                   f'stroke="#90a4ae" stroke-width="1.5"/>')
    out.append(f'<line x1="{AXIS_X}" y1="{body_top - 14:.1f}" x2="{AXIS_X}" y2="{lane_bottom:.1f}" stroke="#9e9e9e"/>')
    out.append(_text(AXIS_X - 6, body_top - 18, "ms", anchor="end", fill="#757575", size=10))
    out.append(f'<g transform="translate(0,{shift:.1f})">')
    out += body
    out.append("</g>")
    out.append("</svg>")
    return "\n".join(out) + "\n"


def record_ladder_svg(record: Record) -> str:
    return ladder_svg(build_ladder(record))
