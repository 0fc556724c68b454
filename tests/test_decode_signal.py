"""Signal decoders where a C program is awkward: rt_sigreturn's mask found from the stack
pointer, masks shorter than a word, rt_sigtimedwait's timeout remembered from entry."""

from __future__ import annotations

import struct

from sysrec.decode.signal import sigset_bits
from test_decode_support import FakeMemory, call, text

SIGFRAME_MASK = 296  # uc_sigmask's offset in the frame, counted from the stack pointer


class StackMemory(FakeMemory):
    """A tracee memory that also knows the stack pointer at the syscall stop."""

    def __init__(self, sp: int | None) -> None:
        super().__init__()
        self.stack_pointer = sp


def test_rt_sigreturn_prints_the_mask_saved_in_the_signal_frame():
    mem = StackMemory(None)
    frame = mem.put(b"\0" * 512)
    mem.stack_pointer = frame
    mem.write(frame + SIGFRAME_MASK, struct.pack("<Q", 1 << 1 | 1 << 14))
    _, done = call("rt_sigreturn", (), mem, ret=0)
    assert text(done.args) == "{mask=[INT TERM]}"


def test_rt_sigreturn_with_an_unreadable_frame_or_no_stack_pointer():
    unreadable = StackMemory(0x10000)
    _, done = call("rt_sigreturn", (), unreadable, ret=0)
    assert text(done.args) == f"{{mask={0x10000 + SIGFRAME_MASK:#x}}}"
    _, none = call("rt_sigreturn", (), StackMemory(None), ret=0)
    assert text(none.args) == ""  # strace prints `rt_sigreturn()`


def test_short_masks_count_whole_32_bit_words():
    # 3 bytes with 22 of the first word's 32 bits set: 2/3 reached, so the inverted set shows
    # the word's 8 bits that were never read as well.
    three = (((1 << 24) - 1) & ~(1 << 8 | 1 << 18)).to_bytes(3, "little")
    assert text([sigset_bits(three)]) == "~[KILL STOP XFSZ VTALRM PROF WINCH IO PWR SYS RTMIN]"
    assert text([sigset_bits(b"\x01\x40\x00")]) == "[HUP TERM]"
    # 2/3 of 64 bits is 42: 41 set prints plainly
    assert text([sigset_bits(((1 << 41) - 1).to_bytes(8, "little"))]).startswith("[HUP INT")
    assert text([sigset_bits(((1 << 42) - 1).to_bytes(8, "little"))]).startswith("~[RT_11 ")


def test_rt_sigpending_accepts_sizes_below_a_word():
    mem = FakeMemory()
    out = mem.put(b"\0" * 8)
    _, done = call("rt_sigpending", (out, 2), mem, ret=0,
                   before_exit=lambda m: m.write(out, b"\x00\x40"))
    assert text(done.args) == "[TERM], 2"
    _, failed = call("rt_sigpending", (out, 9), mem, ret=-22)
    assert text(failed.args) == f"{out:#x}, 9"


def test_rt_sigtimedwait_prints_the_timeout_read_at_entry_and_the_signal_returned():
    mem = FakeMemory()
    mask = mem.put(struct.pack("<Q", 1 << 9))
    info = mem.put(b"\0" * 128)
    timeout = mem.put(struct.pack("<qq", 3, 5))

    def kernel(m):
        m.write(info, struct.pack("<iii4xiI", 10, 0, 0, 42, 1000))
        m.write(timeout, struct.pack("<qq", 9, 9))  # later changes are not what was passed

    state, done = call("rt_sigtimedwait", (mask, info, timeout, 8), mem, ret=10,
                       before_exit=kernel)
    assert text(state.args) == "[USR1]"
    assert text(done.args) == ("[USR1], {si_signo=SIGUSR1, si_code=SI_USER, si_pid=42, "
                               "si_uid=1000}, {tv_sec=3, tv_nsec=5}, 8")
    assert done.raux == "SIGUSR1"
    _, timed_out = call("rt_sigtimedwait", (mask, info, timeout, 8), mem, ret=-11)
    assert text(timed_out.args[1:2]) == f"{info:#x}" and timed_out.raux is None


def test_sigaction_old_action_only_when_the_call_succeeded():
    mem = FakeMemory()
    old = mem.put(b"\0" * 88)
    _, failed = call("rt_sigaction", (2, 0, old, 7), mem, ret=-22)
    assert text(failed.args) == f"SIGINT, NULL, {old:#x}, 7"
    _, done = call("rt_sigaction", (2, 0, old, 8), mem, ret=0)
    assert text(done.args) == "SIGINT, NULL, {sa_handler=SIG_DFL, sa_mask=[], sa_flags=0}, 8"


def test_siginfo_argument_without_a_signal_number_is_empty():
    mem = FakeMemory()
    info = mem.put(struct.pack("<iii", 0, 0, -1).ljust(128, b"\0"))
    _, done = call("rt_sigqueueinfo", (1, 10, info), mem, ret=0)
    assert text(done.args) == "1, SIGUSR1, {}"
