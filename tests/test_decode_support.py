"""Shared by the decoder tests (no tests here): a fake tracee memory: a few mapped regions, everything else unreadable."""

from __future__ import annotations

from sysrec import decode
from sysrec.render.strace_text import RenderOptions, render_args


class FakeMemory:
    def __init__(self) -> None:
        self.regions: dict[int, bytearray] = {}
        self._next = 0x7F0000001000

    def put(self, data: bytes, addr: int | None = None) -> int:
        """Map `data` (at a fresh address unless given); return its address."""
        if addr is None:
            addr = self._next
            self._next += (len(data) + 0x1000) & ~0xFFF
        self.regions[addr] = bytearray(data)
        return addr

    def write(self, addr: int, data: bytes) -> None:
        """Overwrite mapped bytes (what the kernel does before the exit stop)."""
        for base, buf in self.regions.items():
            if base <= addr and addr + len(data) <= base + len(buf):
                buf[addr - base:addr - base + len(data)] = data
                return
        raise AssertionError(f"{addr:#x} not mapped")

    def read(self, addr: int, size: int) -> bytes | None:
        for base, buf in self.regions.items():
            if base <= addr and addr + size <= base + len(buf):
                return bytes(buf[addr - base:addr - base + size])
        return None


def call(name, raw, mem, ret=None, before_exit=None, strsize=32):
    """Decode one syscall; `before_exit(mem)` plays the kernel between entry and exit."""
    opts = decode.DecodeOptions(strsize=strsize)
    raw = tuple(raw) + (0,) * (6 - len(raw))
    state = decode.enter(name, raw, mem, opts)
    if before_exit is not None:
        before_exit(mem)
    return state, decode.leave(state, ret, mem, opts)


def text(nodes, strsize=32) -> str:
    """Nodes rendered and joined the way a strace line joins arguments."""
    return render_args(list(nodes), RenderOptions(strsize=strsize))
