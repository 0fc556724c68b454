"""Align two sequences of event keys (ints) for `sysrec diff`, in near-linear time.

difflib's SequenceMatcher finds the longest matching block again and again: on a record whose
calls repeat (dd: read, write, read, write…) that is quadratic, hours at 200,000 events. Here:

1. Small inputs (`len(a) * len(b) <= WINDOW_CELLS`) go to difflib unchanged, so short records
   diff exactly as they always did.
2. A larger region first loses its common prefix and suffix (two identical records: one pass).
3. Anchors, as in patience diff: keys that occur once in each side of the region; failing
   those, the rarest keys that occur equally often on both sides (k-th occurrence ↔ k-th). The
   longest increasing subsequence of their positions (O(k log k)) is the anchor chain; the gaps
   between anchors are regions again, one level deeper.
4. A region that is small enough goes to difflib (step 1). A big region without anchors, or
   deeper than `MAX_DEPTH` levels, is cut into proportional windows of at most `WINDOW_SIDE`
   keys a side, each aligned by difflib alone.

Worst case: every level costs O(N + M) (counting keys in disjoint regions) and there are at most
`MAX_DEPTH` levels; a region handed to difflib whole has at most WINDOW_CELLS pairs, and such
regions cost O(sqrt(WINDOW_CELLS) · (N + M)) together; windows cost WINDOW_SIDE per key. So time
is O((N + M) · (MAX_DEPTH + sqrt(WINDOW_CELLS))) at worst and about O(N + M) on records that
mostly agree; memory is O(N + M) ints. The worst case is real for keys from a tiny alphabet in
random order with no anchor (difflib is slow on those): two unrelated 200,000-key sequences of
3 distinct keys take about 10 s here (difflib alone: hours). What windows lose against a full LCS: matches across
the edge of two windows (they show as changed or one-sided events, never as false matches).
"""

from __future__ import annotations

import bisect
import difflib
from collections import Counter
from typing import Sequence

WINDOW_CELLS = 250_000       # difflib on regions up to this many key pairs (500 × 500)
WINDOW_SIDE = 300            # the side of a window cut from an anchorless big region
MAX_DEPTH = 24
MAX_ANCHOR_COUNT = 64        # rarest keys used as anchors when no key is unique

Block = tuple[int, int, int]             # (i, j, size): a[i:i+size] == b[j:j+size]
Opcode = tuple[str, int, int, int, int]  # as difflib's get_opcodes


class AlignStats:
    """Operation counts of one alignment, so tests can bound the work without a clock."""

    def __init__(self) -> None:
        self.key_visits = 0      # keys looked at while trimming or counting
        self.window_cells = 0    # len(a) * len(b) summed over the regions handed to difflib
        self.max_depth = 0


def opcodes(a: Sequence[int], b: Sequence[int], stats: AlignStats | None = None) -> list[Opcode]:
    """difflib-style opcodes turning `a` into `b`."""
    stats = stats if stats is not None else AlignStats()
    if len(a) * len(b) <= WINDOW_CELLS:
        stats.window_cells += len(a) * len(b)
        return difflib.SequenceMatcher(a=list(a), b=list(b), autojunk=False).get_opcodes()
    return _opcodes_from_blocks(matching_blocks(a, b, stats), len(a), len(b))


def matching_blocks(a: Sequence[int], b: Sequence[int], stats: AlignStats) -> list[Block]:
    blocks: list[Block] = []
    regions = [(0, len(a), 0, len(b), 0)]
    while regions:
        alo, ahi, blo, bhi, depth = regions.pop()
        stats.max_depth = max(stats.max_depth, depth)
        start = alo
        while alo < ahi and blo < bhi and a[alo] == b[blo]:
            alo += 1
            blo += 1
        if alo > start:
            blocks.append((start, blo - (alo - start), alo - start))
        end = ahi
        while alo < ahi and blo < bhi and a[ahi - 1] == b[bhi - 1]:
            ahi -= 1
            bhi -= 1
        if ahi < end:
            blocks.append((ahi, bhi, end - ahi))
        stats.key_visits += (alo - start) + (end - ahi)
        n, m = ahi - alo, bhi - blo
        if n == 0 or m == 0:
            continue
        if n * m <= WINDOW_CELLS:
            _window(a, b, alo, ahi, blo, bhi, blocks, stats)
            continue
        anchors = _anchors(a, b, alo, ahi, blo, bhi, stats) if depth < MAX_DEPTH else []
        if not anchors:
            _windows(a, b, alo, ahi, blo, bhi, blocks, stats)
            continue
        prev_i, prev_j = alo, blo
        for i, j in anchors:
            blocks.append((i, j, 1))
            regions.append((prev_i, i, prev_j, j, depth + 1))
            prev_i, prev_j = i + 1, j + 1
        regions.append((prev_i, ahi, prev_j, bhi, depth + 1))
    blocks.sort()
    return _merge_adjacent(blocks)


def _window(a: Sequence[int], b: Sequence[int], alo: int, ahi: int, blo: int, bhi: int,
            blocks: list[Block], stats: AlignStats) -> None:
    stats.window_cells += (ahi - alo) * (bhi - blo)
    matcher = difflib.SequenceMatcher(a=list(a[alo:ahi]), b=list(b[blo:bhi]), autojunk=False)
    for i, j, size in matcher.get_matching_blocks():
        if size:
            blocks.append((alo + i, blo + j, size))


def _windows(a: Sequence[int], b: Sequence[int], alo: int, ahi: int, blo: int, bhi: int,
             blocks: list[Block], stats: AlignStats) -> None:
    """An anchorless big region: proportional windows, each aligned alone."""
    n, m = ahi - alo, bhi - blo
    pieces = -(-max(n, m) // WINDOW_SIDE)
    for k in range(pieces):
        i1, i2 = alo + n * k // pieces, alo + n * (k + 1) // pieces
        j1, j2 = blo + m * k // pieces, blo + m * (k + 1) // pieces
        if i1 < i2 and j1 < j2:
            _window(a, b, i1, i2, j1, j2, blocks, stats)


def _anchors(a: Sequence[int], b: Sequence[int], alo: int, ahi: int, blo: int, bhi: int,
             stats: AlignStats) -> list[tuple[int, int]]:
    """Pairs (i, j) of equal keys, increasing in both: unique keys first, else the rarest shared ones."""
    stats.key_visits += (ahi - alo) + (bhi - blo)
    count_a = Counter(a[alo:ahi])
    count_b = Counter(b[blo:bhi])
    equal = {key: c for key, c in count_a.items() if count_b.get(key) == c and c <= MAX_ANCHOR_COUNT}
    if not equal:
        return []
    rarest = min(equal.values())
    chosen = {key for key, c in equal.items() if c == rarest}
    in_b: dict[int, list[int]] = {}
    for j in range(blo, bhi):
        if b[j] in chosen:
            in_b.setdefault(b[j], []).append(j)
    seen: Counter[int] = Counter()
    pairs = []
    for i in range(alo, ahi):
        key = a[i]
        if key in chosen:
            pairs.append((i, in_b[key][seen[key]]))
            seen[key] += 1
    return _increasing(pairs)


def _increasing(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The longest chain of `pairs` (sorted by i) whose j also increases (patience sorting)."""
    tails: list[int] = []          # smallest j ending a chain of each length
    tail_at: list[int] = []        # index in pairs of that chain's end
    back = [-1] * len(pairs)
    for index, (_, j) in enumerate(pairs):
        k = bisect.bisect_left(tails, j)
        if k == len(tails):
            tails.append(j)
            tail_at.append(index)
        else:
            tails[k] = j
            tail_at[k] = index
        back[index] = tail_at[k - 1] if k else -1
    chain = []
    index = tail_at[-1] if tail_at else -1
    while index >= 0:
        chain.append(pairs[index])
        index = back[index]
    chain.reverse()
    return chain


def _merge_adjacent(blocks: list[Block]) -> list[Block]:
    out: list[Block] = []
    for i, j, size in blocks:
        if out and out[-1][0] + out[-1][2] == i and out[-1][1] + out[-1][2] == j:
            last = out[-1]
            out[-1] = (last[0], last[1], last[2] + size)
        else:
            out.append((i, j, size))
    return out


def _opcodes_from_blocks(blocks: list[Block], len_a: int, len_b: int) -> list[Opcode]:
    out: list[Opcode] = []
    i = j = 0
    for ai, bj, size in blocks + [(len_a, len_b, 0)]:
        tag = "replace" if i < ai and j < bj else "delete" if i < ai else "insert" if j < bj else ""
        if tag:
            out.append((tag, i, ai, j, bj))
        i, j = ai + size, bj + size
        if size:
            out.append(("equal", ai, i, bj, j))
    return out
