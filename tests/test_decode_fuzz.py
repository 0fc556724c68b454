"""Random registers and random memory never crash a decoder, and what they produce renders."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import sysrec.decode as decode
from sysrec.decode import calls
from sysrec.decode.fcntl import FCNTL_ROWS
from sysrec.decode.signatures import SIGNATURES
from sysrec.decode.xlat.fcntl import FCNTL_COMMANDS
from sysrec.render.strace_text import RenderOptions, StraceRenderer
from test_decode_support import FakeMemory

BASE = 0x7F0000000000
NAMES = sorted(SIGNATURES) + ["fcntl", "openat", "getpid"]
FCNTL_CMDS = sorted(FCNTL_COMMANDS)

# A register is either small, an address inside the fuzzed region, or anything at all.
register = st.one_of(
    st.integers(0, 64),
    st.integers(BASE, BASE + 4096),
    st.integers(0, (1 << 64) - 1),
)


def _strict(fn, call, i):
    return fn(call, i)


@pytest.fixture(autouse=True)
def strict_decoders(monkeypatch):
    """The safety net in enter()/leave() would hide a crashing decoder: switch it off."""
    monkeypatch.setattr(calls, "_safe", _strict)  # enter()/leave() live in calls


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.sampled_from(NAMES), raw=st.lists(register, min_size=6, max_size=6),
       before=st.binary(min_size=0, max_size=4096), after=st.binary(min_size=0, max_size=4096),
       ret=st.one_of(st.none(), st.integers(-4095, 64), st.integers(-516, -512)),
       cmd=st.sampled_from(FCNTL_CMDS), strsize=st.integers(0, 64))
def test_random_input_never_crashes(name, raw, before, after, ret, cmd, strsize):
    if name == "fcntl":
        raw[1] = cmd
    mem = FakeMemory()
    mem.put(before.ljust(4096, b"\0"), BASE)
    opts = decode.DecodeOptions(strsize=strsize)
    state = decode.enter(name, raw, mem, opts)
    mem.write(BASE, after[:4096])
    done = decode.leave(state, ret, mem, opts)
    assert done.n_entry == len(state.args) <= len(done.args)
    event = {"ev": "syscall", "pid": 1, "name": name, "args": done.args, "n_entry": done.n_entry,
             "ret": ret, "errno": decode.errno_name(ret), "rtext": done.rtext, "raux": done.raux,
             "t0": 0, "t1": 1}
    event = json.loads(json.dumps(event))  # nodes must survive the record
    line = StraceRenderer(RenderOptions(strsize=strsize, fd_decode=2)).feed(event)
    assert line.startswith(f"{name}(") and line.endswith("\n") and line.count("\n") == 1


@settings(max_examples=200, deadline=None)
@given(data=st.binary(min_size=0, max_size=200))
def test_random_siginfo_never_crashes(data):
    node = decode.decode_siginfo(data)
    assert "si_signo" in node and "si_code" in node


def test_every_fcntl_row_has_a_known_command():
    assert set(FCNTL_ROWS) <= set(FCNTL_COMMANDS.values())
