"""`-e read=FDS` / `-e write=FDS`: the data a call moved, as strace's hex dump lines
(` | 00000  61 62 0a  ...  ab.              |`) after the call's line.

The tracer side (`capture_io`) copies the buffers at the call's exit stop into the event's `io`
key (hex text, one string per buffer); the renderer side (`dump_lines`) prints them, so a
record re-renders the same dump.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing stays off the start-up path of `sysrec trace` (annotations only)
if TYPE_CHECKING:
    from typing import Any, Mapping


# Calls whose buffer is (fd, buf, count): written data is dumped whole, read data up to the
# return value.
WRITES = frozenset({"write", "pwrite64", "sendto"})
READS = frozenset({"read", "pread64", "recvfrom"})
# (fd, iov, iovcnt)
WRITEV = frozenset({"writev", "pwritev", "pwritev2", "vmsplice"})
READV = frozenset({"readv", "preadv", "preadv2"})
# (fd, struct msghdr *, flags)
SENDMSG = frozenset({"sendmsg"})
RECVMSG = frozenset({"recvmsg"})
# (fd, struct mmsghdr *, vlen): the first `return value` messages, each up to its msg_len
MMSG_WRITES = frozenset({"sendmmsg"})
MMSG_READS = frozenset({"recvmmsg"})
MMSGHDR_SIZE = 64  # struct msghdr (56) + msg_len, padded

DUMP_LIMIT = 1 << 20  # bytes copied per call: a dump of a huge write stays bounded


def _signed32(value: int) -> int:
    value &= 0xFFFFFFFF
    return value - (1 << 32) if value >= 1 << 31 else value


def _iovecs(mem: Any, addr: int, count: int) -> list[tuple[int, int]]:
    raw = mem.read(addr, 16 * min(count, 1024)) if count > 0 else b""
    if not raw:
        return []
    return [(int.from_bytes(raw[i:i + 8], "little"), int.from_bytes(raw[i + 8:i + 16], "little"))
            for i in range(0, len(raw) - 15, 16)]


def _iov_data(mem: Any, iovs: list[tuple[int, int]], limit: int) -> list[str]:
    """strace's dumpiov_upto: each buffer in turn, up to `limit` bytes in all (-1: no limit)."""
    out = []
    for base, length in iovs:
        if limit >= 0:
            length = min(length, limit)
            limit -= length
        if not length:  # an empty buffer ends the dump, as in strace
            break
        data = mem.read_upto(base, min(length, DUMP_LIMIT))
        out.append((data or b"").hex())
    return out


def _mmsg_data(mem: Any, addr: int, count: int | None) -> list[Any]:
    """strace's dumpiov_in_mmsghdr: per message, its iovec count and its buffers."""
    out: list[Any] = []
    for index in range(min(count or 0, 1024)):
        header = mem.read(addr + index * MMSGHDR_SIZE, MMSGHDR_SIZE)
        if not header:
            break
        iov = int.from_bytes(header[16:24], "little")
        iovlen = int.from_bytes(header[24:32], "little")
        sent = int.from_bytes(header[56:60], "little")
        out.append({"iovlen": iovlen, "io": _iov_data(mem, _iovecs(mem, iov, iovlen), sent)})
    return out


def capture_io(event: dict[str, Any], mem: Any, reads: Any, writes: Any) -> list[Any] | None:
    """The buffers to dump for this call (strace's dumpio), read from the stopped tracee."""
    raw = event.get("raw") or []
    name = event.get("name")
    if len(raw) < 3:
        return None
    fd = _signed32(raw[0])
    if fd < 0:
        return None
    ret = event.get("ret")
    if fd in writes:
        if name in WRITES:
            data = mem.read_upto(raw[1], min(raw[2], DUMP_LIMIT)) if raw[2] else b""
            return [(data or b"").hex()]
        if name in WRITEV:
            return _iov_data(mem, _iovecs(mem, raw[1], raw[2]), -1)
        if name in SENDMSG:
            return _msg_data(mem, raw[1], -1)
        if name in MMSG_WRITES and ret is not None and ret > 0:
            return _mmsg_data(mem, raw[1], ret)
    if ret is None or event.get("errno") or fd not in reads:
        return None
    if name in READS:
        data = mem.read_upto(raw[1], min(ret, DUMP_LIMIT)) if ret > 0 else b""
        return [(data or b"").hex()]
    if name in READV:
        return _iov_data(mem, _iovecs(mem, raw[1], raw[2]), ret)
    if name in RECVMSG:
        return _msg_data(mem, raw[1], ret)
    if name in MMSG_READS:
        return _mmsg_data(mem, raw[1], ret)
    return None


def _msg_data(mem: Any, addr: int, limit: int) -> list[str] | None:
    header = mem.read(addr, 56)  # struct msghdr: msg_iov at 16, msg_iovlen at 24
    if not header or len(header) < 32:
        return None
    iov = int.from_bytes(header[16:24], "little")
    count = int.from_bytes(header[24:32], "little")
    return _iov_data(mem, _iovecs(mem, iov, count), limit)


def dump_lines(data: bytes) -> str:
    """strace's dumpstr(): 16 bytes a line in two groups of 8, offsets in hex (5 digits, more
    for a longer buffer), printable ASCII on the right."""
    length = len(data)
    width = 5 if length <= 1 << 20 else 1 + ((length - 1).bit_length() - 1) // 4
    lines = []
    for offset in range(0, length, 16):
        chunk = data[offset:offset + 16]
        cells = [f"{b:02x}" for b in chunk] + ["  "] * (16 - len(chunk))
        hexpart = " ".join(cells[:8]) + "  " + " ".join(cells[8:])
        text = "".join(chr(b) if 0x20 <= b < 0x7F else "." for b in chunk).ljust(16)
        lines.append(f" | {offset:0{width}x}  {hexpart}  {text} |\n")
    return "".join(lines)


def render_io(event: Mapping[str, Any]) -> str:
    """The dump lines owed after this call's line; several buffers (readv, sendmsg) each get
    strace's ` * N bytes in buffer I` heading."""
    buffers = event.get("io")
    if not buffers:
        return ""
    name = event.get("name")
    if name in WRITES or name in READS:
        return dump_lines(bytes.fromhex(buffers[0]))
    if name in MMSG_WRITES or name in MMSG_READS:
        out = []
        for index, message in enumerate(buffers):
            out.append(f" = {message.get('iovlen', 0)} buffers in vector {index}\n")
            out.append(_vector_lines(message.get("io") or []))
        return "".join(out)
    return _vector_lines(buffers)


def _vector_lines(buffers: list[str]) -> str:
    out = []
    for index, text in enumerate(buffers):
        data = bytes.fromhex(text)
        out.append(f" * {len(data)} bytes in buffer {index}\n")
        out.append(dump_lines(data))
    return "".join(out)
