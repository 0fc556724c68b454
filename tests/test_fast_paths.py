"""The decoders' and the renderer's fast paths give what the general code gives: struct-based
parsers of the hot structures against their construct definitions, escape() against its
character loop, read_cstring()'s first read up to the page end against strings across pages."""

from __future__ import annotations

import random

import pytest

from sysrec.cstring import escape, escape_each
from sysrec.decode import file_structs as fs
from sysrec.decode.common import PAGE_SIZE, PATH_MAX, Call, DecodeOptions, read_cstring


@pytest.mark.parametrize("fast", [fs.stat, fs.dirent_head], ids=["stat", "dirent_head"])
def test_fast_parse_agrees_with_construct(fast):
    rng = random.Random(11)
    size = fast.definition.sizeof()
    assert fast.size == size
    for _ in range(200):
        data = bytes(rng.getrandbits(8) for _ in range(size + rng.randrange(3)))  # longer is fine
        slow = fast.definition.parse(data)
        quick = fast.parse(data)
        names = [k for k in slow if not k.startswith("_")]
        assert names == list(quick._fields)
        assert [slow[k] for k in names] == list(quick)


def test_building_still_goes_through_construct():
    data = fs.stat.build(dict(st_dev=1, st_ino=2, st_nlink=3, st_mode=0o100644, st_uid=4, st_gid=5,
                              st_rdev=0, st_size=-1 & 0xFFFF, st_blksize=-7, st_blocks=8, st_atime=-9,
                              st_atime_nsec=10, st_mtime=11, st_mtime_nsec=12, st_ctime=13,
                              st_ctime_nsec=14))
    parsed = fs.stat.parse(data)
    assert (parsed.st_mode, parsed.st_blksize, parsed.st_atime, parsed.st_ctime_nsec) == (0o100644, -7, -9, 14)


# --- strings: escape()'s fast path, read_cstring()'s first read up to the page end ------------

def test_escape_fast_path_agrees_with_the_loop():
    rng = random.Random(13)
    every_byte = [chr(i) for i in range(256)]
    for _ in range(20000):
        pool = every_byte if rng.random() < 0.3 else list('ab/"\\<> 09.')
        text = "".join(rng.choice(pool) for _ in range(rng.randrange(12)))
        for octal_too in ("", "<>"):
            assert escape(text, octal_too) == escape_each(text, octal_too)


class PagedMemory:
    """Readable pages of a fake address space; read_upto stops at the first unreadable page."""

    def __init__(self, pages: dict[int, bytes]) -> None:
        self.pages = pages
        self.reads: list[tuple[int, int]] = []

    def _byte_range(self, addr: int, size: int) -> bytes:
        out = bytearray()
        for a in range(addr, addr + size):
            page = self.pages.get(a // PAGE_SIZE)
            if page is None:
                break
            out.append(page[a % PAGE_SIZE])
        return bytes(out)

    def read(self, addr: int, size: int) -> bytes | None:
        data = self._byte_range(addr, size)
        return data if len(data) == size else None

    def read_upto(self, addr: int, size: int) -> bytes | None:
        self.reads.append((addr, size))
        return self._byte_range(addr, size) or None


def _call(mem) -> Call:
    return Call("openat", (0,) * 6, mem, DecodeOptions())


def test_cstring_within_a_page_is_read_up_to_the_page_end_only():
    page = bytearray(PAGE_SIZE)
    page[100:106] = b"/etc/x"  # then a NUL
    mem = PagedMemory({1: bytes(page), 2: b"y" * PAGE_SIZE})
    assert read_cstring(_call(mem), PAGE_SIZE + 100, PATH_MAX - 1) == b"/etc/x"
    assert mem.reads == [(PAGE_SIZE + 100, PAGE_SIZE - 100)]


def test_cstring_across_a_page_end_is_read_whole():
    first = bytearray(b"z" * PAGE_SIZE)
    first[-3:] = b"/ab"
    second = b"cd\0" + bytes(PAGE_SIZE - 3)
    mem = PagedMemory({1: bytes(first), 2: second})
    assert read_cstring(_call(mem), 2 * PAGE_SIZE - 3, PATH_MAX - 1) == b"/abcd"
    # before an unreadable page: what could be read, cut at the limit as before
    mem = PagedMemory({1: bytes(first)})
    assert read_cstring(_call(mem), 2 * PAGE_SIZE - 3, PATH_MAX - 1) == b"/ab"
    assert read_cstring(_call(mem), 2 * PAGE_SIZE - 3, 1) == b"/a"


# --- construct's compile() deferred to each structure's first use -------------------------------

def test_lazily_compiled_structures_parse_and_build_as_compiled_ones():
    from construct import Int16ub, Int32sl, Struct

    from sysrec.decode.lazy_compile import LazyCompiled, compiled_later

    definition = Struct("a" / Int32sl, "b" / Int16ub)
    lazy = compiled_later(definition)
    assert isinstance(lazy, LazyCompiled) and lazy._compiled is None  # nothing compiled yet
    assert compiled_later(lazy) is lazy
    eager = definition.compile()
    assert not isinstance(eager, LazyCompiled)
    data = b"\xfe\xff\xff\xff\x01\x02"
    assert lazy.parse(data) == eager.parse(data) and lazy.parse(data).a == -2
    assert lazy.build({"a": 7, "b": 258}) == eager.build({"a": 7, "b": 258})
    assert lazy.sizeof() == 6
    outer = Struct("head" / lazy, "tail" / Int16ub).compile()  # inside another, compiled whole
    assert outer.parse(data + b"\x00\x05").head.b == 0x0102


def test_a_structure_compiles_at_its_nth_parse_and_parses_alike_before():
    from construct import Int16ub, Int32sl, Struct

    from sysrec.decode.lazy_compile import COMPILE_AT_USE, compiled_later

    lazy = compiled_later(Struct("a" / Int32sl, "b" / Int16ub))
    data = b"\xfe\xff\xff\xff\x01\x02"
    for _ in range(COMPILE_AT_USE - 1):
        assert lazy.parse(data).a == -2
    assert lazy._compiled is None
    assert lazy.parse(data).b == 0x0102 and lazy._compiled is not None


def test_every_structure_of_the_families_parses_the_same_interpreted_and_compiled():
    """What a trace prints must not depend on how often a structure was parsed before."""
    import sys

    import sysrec.decode.calls  # noqa: F401  (every family)
    from sysrec.decode.lazy_compile import LazyCompiled

    rng = random.Random(10)
    structures = {id(v): (module.__name__, name, v) for module in list(sys.modules.values())
                  if getattr(module, "__name__", "").startswith("sysrec.decode")
                  for name, v in vars(module).items() if isinstance(v, LazyCompiled)}
    checked = 0
    for module, name, lazy in structures.values():
        try:
            size = lazy.sizeof()
        except Exception:  # a size that depends on the data: its own tests parse it
            continue
        for _ in range(3):
            data = bytes(rng.getrandbits(8) for _ in range(size))
            assert lazy.definition.parse(data) == lazy.compiled().parse(data), f"{module}.{name}"
        checked += 1
    assert checked >= 100


def test_the_decoders_structures_are_compiled_only_when_used():
    """Whichever way a family is imported (here directly, not through sysrec.decode)."""
    from sysrec.decode import structs
    from sysrec.decode.lazy_compile import LazyCompiled

    assert isinstance(structs.linger, LazyCompiled)
    assert structs.linger.parse(b"\x01\x00\x00\x00\x05\x00\x00\x00").l_linger == 5
