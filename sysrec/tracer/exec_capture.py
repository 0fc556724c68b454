"""The program's execve, captured at its entry stop so that it can be decoded later.

A full trace's first stop is the program's execve, before the decoders are imported (~60-90 ms).
Its arguments live in the address space the exec replaces, so what the execve decoder will
read is copied at the stop: the pages of the path, of argv's pointers and of the strings -s
shows, and of envp's pointers (strace counts the variables without printing them). Whole
pages, with room after each array for the decoder's chunked reads; the tracee then runs on
while the decoders import, and the capture answers the decoder as
`sysrec.tracer.captured.CapturedMemory` (a read outside it says so loudly).
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from sysrec.tracer.captured import Region
    from sysrec.tracer.memory import ProcMemory

PAGE = 4096
PATH_MAX = 4096
WORD = 8
# The decoder reads a pointer array 64 words at a time (sysrec.decode.process.WORDS_PER_READ):
# the chunk holding the NULL may reach this far past it.
CHUNK_BYTES = 64 * WORD
# Never more than this many pointers (an environment runs to a few hundred).
MOST_WORDS = 1 << 16


def execve_regions(mem: ProcMemory, nr_args: tuple[int, ...], at: int, strsize: int) -> tuple[Region, ...]:
    """The memory execve's decoders read, as regions (page runs: address, bytes asked, bytes
    read); `at` is the index of the path among the arguments (execve 0, execveat 1)."""
    path, argv, envp = nr_args[at], nr_args[at + 1], nr_args[at + 2]
    spans = [(path, PATH_MAX)]
    if argv:
        strings = _pointers(mem, argv, strsize + 1)
        spans.append((argv, WORD * (len(strings) + 1) + CHUNK_BYTES))
        spans.extend((s, strsize + 1) for s in strings)
    if envp:
        spans.append((envp, WORD * (len(_pointers(mem, envp, MOST_WORDS)) + 1) + CHUNK_BYTES))
    return _page_runs(mem, spans)


def _pointers(mem: ProcMemory, addr: int, most: int) -> list[int]:
    """The non-NULL words of a NULL-terminated array, at most `most`; fewer where it runs into
    unreadable memory."""
    words: list[int] = []
    while len(words) < most:
        chunk = mem.read(addr + WORD * len(words), CHUNK_BYTES) or mem.read(addr + WORD * len(words), WORD)
        if chunk is None:
            break
        for k in range(0, len(chunk), WORD):
            word = int.from_bytes(chunk[k:k + WORD], "little")
            if word == 0:
                return words
            words.append(word)
    return words[:most]


def _page_runs(mem: ProcMemory, spans: list[tuple[int, int]]) -> tuple[Region, ...]:
    """The pages the spans touch, read as runs of adjacent pages; a run that meets an unreadable
    page ends there (a region with fewer bytes than asked: reads past them answer as faults)."""
    pages: set[int] = set()
    for addr, size in spans:
        if addr <= 0:
            continue
        end = min(addr + size, 1 << 64)
        pages.update(range(addr - addr % PAGE, end, PAGE))
    regions: list[Region] = []
    run: list[int] = []
    for page in sorted(pages):
        if run and page != run[-1] + PAGE:
            regions.append(_read_run(mem, run))
            run = []
        run.append(page)
    if run:
        regions.append(_read_run(mem, run))
    return tuple(regions)


def _read_run(mem: ProcMemory, run: list[int]) -> Region:
    asked = PAGE * len(run)
    return run[0], asked, mem.read_upto(run[0], asked) or b""
