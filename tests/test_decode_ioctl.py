"""ioctl: the request picks how (and when) the third argument prints. The C programs in
tests/c/ioctl check the lines against strace; these check what a program cannot easily reach:
the per-request signature, -s limits, memory the kernel changes between entry and exit."""

from __future__ import annotations

import json
import struct

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from sysrec import decode
from sysrec.decode import calls, ioctl
from test_decode_support import FakeMemory, call, text

TCGETS, TCSETS, FIOCLEX, TIOCGWINSZ, SIOCGIFCONF, SIOCGIFFLAGS = (
    0x5401, 0x5402, 0x5451, 0x5413, 0x8912, 0x8913)


def _decode_ioctl_with(monkeypatch, choose) -> None:
    others = calls.signature_for  # enter() and leave() look it up there
    monkeypatch.setattr(calls, "signature_for",
                        lambda c: choose(c) if c.name == "ioctl" else others(c))


@pytest.fixture
def per_request(monkeypatch):
    """Decode ioctl through ioctl.signature_for(), the way signatures.py picks fcntl's rows."""
    _decode_ioctl_with(monkeypatch, ioctl.signature_for)


@pytest.fixture
def plain_row(monkeypatch):
    """Decode ioctl through the one static row of ioctl.ROWS."""
    _decode_ioctl_with(monkeypatch, lambda c: ioctl.ROWS["ioctl"])


def termios(iflag=0x500, oflag=0x5, cflag=0xBF, lflag=0x8A3B) -> bytes:
    return struct.pack("<4I", iflag, oflag, cflag, lflag) + bytes(20)


SANE = ("{c_iflag=ICRNL|IXON, c_oflag=NL0|CR0|TAB0|BS0|VT0|FF0|OPOST|ONLCR, "
        "c_cflag=B38400|CS8|CREAD, "
        "c_lflag=ISIG|ICANON|ECHO|ECHOE|ECHOK|IEXTEN|ECHOCTL|ECHOKE, ...}")


def test_request_names():
    assert ioctl.request_name(TCGETS) == "TCGETS"
    assert ioctl.request_name(TCSETS) == "SNDCTL_TMR_START or TCSETS"
    assert ioctl.request_name(0x541B) == "FIONREAD"  # also TIOCINQ and SIOCINQ
    assert ioctl.request_name(0x40049409) == "BTRFS_IOC_CLONE or FICLONE"
    assert ioctl.request_name(0x80081234) == "_IOC(_IOC_READ, 0x12, 0x34, 0x8)"
    assert ioctl.request_name(0x00001234) == "_IOC(_IOC_NONE, 0x12, 0x34, 0)"
    assert ioctl.request_name(0xFFFF00FE) == "_IOC(_IOC_READ|_IOC_WRITE, 0, 0xfe, 0x3fff)"
    assert ioctl.request_name(0x80044D0D) == "MIXER_READ(13) or OTPSELECT"
    assert ioctl.request_name(0x400845C1) == "EVIOCSABS(ABS_Y)"


def test_no_argument_request_prints_two_arguments(per_request):
    state, done = call("ioctl", (4, FIOCLEX, 0x7FFF0000), FakeMemory(), ret=0)
    assert not state.more
    assert text(done.args) == "4, FIOCLEX"
    assert not ioctl.prints_at_exit(["4", "FIOCLEX"])


def test_get_request_prints_what_the_kernel_wrote_at_exit(per_request):
    mem = FakeMemory()
    buf = mem.put(bytes(36))
    state, done = call("ioctl", (0, TCGETS, buf), mem, ret=0,
                       before_exit=lambda m: m.write(buf, termios()))
    # the argument follows at exit, but the entry text does not end in ", " (comma at exit)
    assert text(state.args) == "0, TCGETS" and state.sig.n_entry < len(state.sig.args)
    assert ioctl.prints_at_exit(state.args) and not state.more
    assert text(done.args) == f"0, TCGETS, {SANE}"
    _, failed = call("ioctl", (1, TCGETS, buf), mem, ret=-25)
    assert text(failed.args) == f"1, TCGETS, {buf:#x}"
    # A call that never returned prints only its entry part.
    _, cut = call("ioctl", (0, TCGETS, buf), mem, ret=None)
    assert text(cut.args) == "0, TCGETS"


@pytest.mark.parametrize("hooked", [True, False])
def test_set_request_prints_what_the_program_passed(hooked, request):
    """Read at entry, even when the kernel changes the memory before the exit stop."""
    request.getfixturevalue("per_request" if hooked else "plain_row")
    mem = FakeMemory()
    buf = mem.put(termios())
    state, done = call("ioctl", (0, TCSETS, buf), mem, ret=0,
                       before_exit=lambda m: m.write(buf, termios(iflag=0, oflag=0)))
    assert text(done.args) == f"0, SNDCTL_TMR_START or TCSETS, {SANE}"
    if hooked:
        assert not state.more and text(state.args) == text(done.args)


def test_termios_flag_words():
    fields = ioctl.termios_flags.parse(termios(
        iflag=0, oflag=0x1800 | 0x400 | 0x80000, cflag=0x1002 | (0xE << 16) | 0x20 | 0x20000000,
        lflag=0x4 | 0x100 | 0x10000))
    assert text([ioctl._termios_node(fields)]) == (
        "{c_iflag=, c_oflag=NL0|CR2|XTABS|BS0|VT0|FF0|0x80000, "
        "c_cflag=B115200|B19200<<IBSHIFT|CS7|0x20000000, c_lflag=XCASE|TOSTOP|EXTPROC, ...}")


def test_winsize_unreadable_and_null(per_request):
    mem = FakeMemory()
    _, bad = call("ioctl", (0, TIOCGWINSZ, 0x1000), mem, ret=0)
    assert text(bad.args) == "0, TIOCGWINSZ, 0x1000"
    _, null = call("ioctl", (0, TIOCGWINSZ, 0), mem, ret=-14)
    assert text(null.args) == "0, TIOCGWINSZ, NULL"


def ifreq(name: bytes, rest: bytes = b"") -> bytes:
    return name.ljust(16, b"\0") + rest.ljust(24, b"\0")


def inet(addr: bytes) -> bytes:
    return struct.pack("<H", 2) + bytes(2) + addr + bytes(8)


def test_ifreq_get_keeps_the_name_read_at_entry(per_request):
    mem = FakeMemory()
    buf = mem.put(ifreq(b"lo"))
    state, done = call("ioctl", (3, SIOCGIFFLAGS, buf), mem, ret=0,
                       before_exit=lambda m: m.write(buf, ifreq(b"lo", struct.pack("<H", 0x49))))
    assert text(state.args) == "3, SIOCGIFFLAGS"
    assert text(done.args) == '3, SIOCGIFFLAGS, {ifr_name="lo", ifr_flags=IFF_UP|IFF_LOOPBACK|IFF_RUNNING}'
    _, failed = call("ioctl", (3, SIOCGIFFLAGS, buf), mem, ret=-19)
    assert text(failed.args) == '3, SIOCGIFFLAGS, {ifr_name="lo"}'
    # The interface name is a fixed array: never cut by -s.
    long = mem.put(ifreq(b"averylongname12"))
    _, cut = call("ioctl", (3, SIOCGIFFLAGS, long), mem, ret=-19, strsize=4)
    assert text(cut.args, strsize=4) == '3, SIOCGIFFLAGS, {ifr_name="averylongname12"}'
    unterminated = mem.put(b"averylongname123" + bytes(24))
    _, cut = call("ioctl", (3, SIOCGIFFLAGS, unterminated), mem, ret=-19, strsize=4)
    assert text(cut.args, strsize=4) == '3, SIOCGIFFLAGS, {ifr_name="averylongname12"...}'


def test_ifconf_entries_stop_at_the_string_limit(per_request):
    mem = FakeMemory()
    entries = mem.put(ifreq(b"lo", inet(bytes([127, 0, 0, 1]))) + ifreq(b"eth0", inet(bytes([10, 0, 0, 2]))))
    conf = mem.put(struct.pack("<iiQ", 120, 0, entries))
    _, done = call("ioctl", (3, SIOCGIFCONF, conf), mem, ret=0, strsize=1,
                   before_exit=lambda m: m.write(conf, struct.pack("<iiQ", 80, 0, entries)))
    assert text(done.args, strsize=1) == (
        "3, SIOCGIFCONF, {ifc_len=120 /* 3 * sizeof(struct ifreq) */ => 80 /* 2 * sizeof(struct ifreq) */, "
        'ifc_buf=[{ifr_name="lo", ifr_addr={sa_family=AF_INET, sin_port=htons(0), '
        'sin_addr=inet_addr("127.0.0.1")}}, ...]}')


def test_unknown_request_prints_the_argument_in_hex_at_entry(per_request):
    state, done = call("ioctl", (3, 0x80081234, 0x7FFF1000), FakeMemory(), ret=-25)
    assert not state.more
    assert text(done.args) == "3, _IOC(_IOC_READ, 0x12, 0x34, 0x8), 0x7fff1000"
    assert not ioctl.prints_at_exit(state.args)


def test_every_named_row_is_a_request_strace_knows():
    names = set(ioctl.REQUEST_NAMES.values())
    assert [name for name in ioctl.REQUESTS if name not in names] == []


def test_namespace_requests_return_an_fd_or_a_type(per_request):
    mem = FakeMemory()
    _, userns = call("ioctl", (6, 0xB701, 0), mem, ret=7)
    assert (text(userns.args), userns.rtext, userns.raux) == ("6, NS_GET_USERNS", {"$fd": 7}, None)
    _, nstype = call("ioctl", (3, 0xB703, 0), mem, ret=0x40000000)
    assert (text(nstype.args), nstype.rtext, nstype.raux) == ("3, NS_GET_NSTYPE", None, "CLONE_NEWNET")
    uid = mem.put(struct.pack("<I", 0xFFFFFFFF))
    _, owner = call("ioctl", (4, 0xB704, uid), mem, ret=0)
    assert text(owner.args) == "4, NS_GET_OWNER_UID, [-1]"


def test_without_the_per_request_signature_the_row_still_decodes(plain_row):
    """The fixed ioctl row (what a reader of records falls back on): every third argument
    prints at exit, a no-argument request shows its raw argument."""
    mem = FakeMemory()
    buf = mem.put(struct.pack("<i", 0))
    state, done = call("ioctl", (3, 0x40045431, buf), mem, ret=0)
    assert not state.more and text(done.args) == "3, TIOCSPTLCK, [0]"
    _, userns = call("ioctl", (6, 0xB701, 0), mem, ret=7)
    assert userns.rtext == {"$fd": 7}


def test_fsxattr_get_adds_the_extent_count(per_request):
    mem = FakeMemory()
    buf = mem.put(bytes(28))
    answer = struct.pack("<5I", 0x10 | 0x80000000, 0, 3, 0x2A, 0) + bytes(8)
    _, done = call("ioctl", (3, 0x801C581F, buf), mem, ret=0, before_exit=lambda m: m.write(buf, answer))
    assert text(done.args) == ("3, FS_IOC_FSGETXATTR, {fsx_xflags=FS_XFLAG_APPEND|FS_XFLAG_HASATTR, "
                               "fsx_extsize=0, fsx_nextents=3, fsx_projid=0x2a, fsx_cowextsize=0}")


def test_ifconf_unreadable_at_exit_keeps_what_entry_read(per_request):
    class Vanishing(FakeMemory):
        def forget(self, addr):
            del self.regions[addr]
    mem = Vanishing()
    conf = mem.put(struct.pack("<iiQ", 80, 0, 0x1000))
    _, done = call("ioctl", (3, SIOCGIFCONF, conf), mem, ret=-14, before_exit=lambda m: m.forget(conf))
    assert text(done.args) == "3, SIOCGIFCONF, {ifc_len=80 /* 2 * sizeof(struct ifreq) */, ifc_buf=0x1000}"


KNOWN_CODES = sorted({code for code, name in ioctl.REQUEST_NAMES.items() if name in ioctl.REQUESTS}
                     | {0x80082102, 0x80044D0D})
BASE = 0x7F0000000000


@pytest.mark.parametrize("route", ["per_request", "plain_row"])
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(code=st.sampled_from(KNOWN_CODES),
       arg=st.one_of(st.integers(0, 64), st.integers(BASE, BASE + 4096), st.integers(0, (1 << 64) - 1)),
       before=st.binary(max_size=4096), after=st.binary(max_size=4096),
       ret=st.one_of(st.none(), st.integers(-4095, 64)), strsize=st.integers(0, 64))
def test_every_decoded_request_survives_random_memory(route, request, monkeypatch, code, arg, before,
                                                      after, ret, strsize):
    """No decoder raises (enter()/leave()'s safety net switched off) and the nodes render."""
    request.getfixturevalue(route)
    monkeypatch.setattr(calls, "_safe", lambda fn, c, i: fn(c, i))
    mem = FakeMemory()
    mem.put(before.ljust(4096, b"\0"), BASE)
    opts = decode.DecodeOptions(strsize=strsize)
    state = decode.enter("ioctl", (3, code, arg, 0, 0, 0), mem, opts)
    mem.write(BASE, after[:4096])
    done = decode.leave(state, ret, mem, opts)
    assert text(done.args, strsize).startswith("3, ")
    assert json.loads(json.dumps([done.args, done.rtext, done.raux])) is not None
