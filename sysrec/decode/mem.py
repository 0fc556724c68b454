"""Memory: mmap, munmap, mprotect, brk, madvise, mremap, msync, mlock*, mincore; futex,
io_uring, membarrier (strace's src/mem.c, futex.c, io_uring.c)."""

from __future__ import annotations

from sysrec.decode.row import Signature

ROWS: dict[str, Signature] = {
}
