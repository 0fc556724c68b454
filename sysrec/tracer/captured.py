"""The memory a call's decoders read when the C stop loop answered the call: what it captured
at the stop (`sysrec.tracer.capture_spec`), the tracee long resumed since."""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Sequence

# (address, bytes asked for, bytes read): fewer read than asked means the rest was unreadable.
Region = tuple[int, int, bytes]

STRICT_ENV = "SYSREC_CAPTURE_STRICT"


class CaptureMiss(BaseException):
    """A decoder read memory its capture spec did not capture: the spec is wrong. Not an
    Exception: the decoders' own fallback (print the raw value) must not hide it."""


class CapturedMemory:
    """The decoders' `Memory` over captured regions: a read inside what was asked for answers
    as the live read would have at the stop (bytes, a readable prefix, or None past a fault);
    a read outside it is a capture-spec bug, never silently answered as unreadable."""

    __slots__ = ("regions", "nr")
    warned: set[int] = set()

    def __init__(self, regions: Sequence[Region] | None, nr: int) -> None:
        self.regions = regions or ()
        self.nr = nr

    def read(self, addr: int, size: int) -> bytes | None:
        if size == 0:
            return b""
        for start, asked, data in self.regions:
            if start <= addr < start + asked:
                off = addr - start
                if off + size <= len(data):
                    return data[off:off + size]
                if len(data) < asked:
                    return None  # the range runs into the fault the capture stopped at
                break
        return self._miss(addr, size)

    def read_upto(self, addr: int, size: int) -> bytes | None:
        for start, asked, data in self.regions:
            if start <= addr < start + asked:
                off = addr - start
                if off + size <= asked or len(data) < asked:
                    return data[off:off + size] or None
                break
        return self._miss(addr, size)

    def _miss(self, addr: int, size: int) -> None:
        text = f"sysrec: internal: syscall {self.nr}: decoder read {size} bytes at {addr:#x}, not captured"
        if os.environ.get(STRICT_ENV):
            raise CaptureMiss(text)
        if self.nr not in CapturedMemory.warned:
            CapturedMemory.warned.add(self.nr)
            print(text + " (SYSREC_LOOP=python traces without the C loop)", file=sys.stderr)
        return None
