"""-e inject= / -e fault=: every form traced by strace 6.1 and by `sysrec trace` on the same
program, the lines compared after the oracle suite's normalisation; bad specs against strace's
own message; the record's marks re-rendered by `sysrec show`."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sysrec.errors import InputError
from sysrec.tracer.inject import NO_LAST, Rules, parse_delay, parse_rule
from tests.test_oracle import assert_same, joined, normalize

REPO = Path(__file__).resolve().parent.parent
ENV = dict(os.environ, PYTHONPATH=str(REPO))
SYSREC = [sys.executable, "-m", "sysrec", "trace"]

needs_strace = pytest.mark.skipif(shutil.which("strace") is None, reason="strace not installed")
# Normalised on top of the oracle's rules: what a sleep has left differs between two runs.
LEFT = re.compile(r"(\{tv_sec=\d+, tv_nsec=)\d+\}\) = \?")


def _lines(tool: str, args: list[str], argv: list[str], tmp_path: Path, stdin: str | None = None) -> list[str]:
    out = tmp_path / f"{tool}.out"
    head = ["strace"] if tool == "strace" else [*SYSREC]
    cmd = head + ["-o", str(out), *args] + (["--"] if tool != "strace" else []) + argv
    proc = subprocess.run(cmd, capture_output=True, timeout=120, cwd=tmp_path, env=ENV,
                          input=stdin.encode() if stdin is not None else None)
    assert out.exists(), proc.stderr.decode(errors="replace")
    text = out.read_text(encoding="utf-8", errors="surrogateescape")
    return [LEFT.sub(r"\1N}) = ?", line) for line in text.splitlines()]


def compare(tmp_path: Path, args: list[str], argv: list[str], *, sysrec_args: list[str] = (),
            interleaved: bool = False) -> list[str]:
    theirs = _lines("strace", args, argv, tmp_path)
    ours = _lines("sysrec", [*args, *sysrec_args], argv, tmp_path)
    if interleaved:
        assert_same(joined(theirs), joined(ours))
    else:
        assert_same(normalize(theirs), normalize(ours))
    return ours


@pytest.fixture()
def text_file(tmp_path: Path) -> Path:
    path = tmp_path / "input.txt"
    path.write_text("one\ntwo\n")
    return path


# ---- parsing ------------------------------------------------------------------------------

@pytest.mark.parametrize("when, window", [
    ("3", (3, NO_LAST, 0)), ("3+", (3, NO_LAST, 1)), ("3+2", (3, NO_LAST, 2)),
    ("2..5", (2, 5, 1)), ("2..5+", (2, 5, 1)), ("2..9+3", (2, 9, 3)), ("65535", (65535, NO_LAST, 0)),
])
def test_when_windows(when, window):
    _, rule, _ = parse_rule(f"read:error=EIO:when={when}", "inject")
    assert (rule.first, rule.last, rule.step) == window


def test_later_expression_wins_for_the_syscalls_it_names():
    rules, _ = Rules.from_expressions(["inject=read,write:error=EIO", "fault=write:when=2"])
    from sysrec.syscalls import SYSCALL_NUMBERS
    assert rules.rule_for(SYSCALL_NUMBERS["read"]).error == 5
    assert rules.rule_for(SYSCALL_NUMBERS["write"]).error == 38  # fault='s ENOSYS
    assert rules.rule_for(SYSCALL_NUMBERS["close"]) is None


@pytest.mark.parametrize("text, ns", [("10", 10_000), ("1.5ms", 1_500_000), ("2s", 2_000_000_000),
                                      ("7ns", 7), ("3US", 3000), ("x", None), ("1x", None), ("-1", None)])
def test_delay_units(text, ns):
    assert parse_delay(text) == ns


def test_syscall_and_poke_tokens():
    from sysrec.syscalls import SYSCALL_NUMBERS
    _, rule, _ = parse_rule("getppid:syscall=getpid:retval=7", "inject")
    assert rule.substitute == SYSCALL_NUMBERS["getpid"] and rule.retval == 7
    _, rule, _ = parse_rule("write:poke_enter=@arg2=41424344,@arg1=00:poke_exit=@arg7=beef", "inject")
    assert rule.poke_enter == [(2, b"ABCD"), (1, b"\0")] and rule.poke_exit == [(7, b"\xbe\xef")]
    _, rule, _ = parse_rule("getuid:syscall=gettid", "fault")  # fault= takes syscall= too
    assert rule.substitute == SYSCALL_NUMBERS["gettid"] and rule.error == 38


BAD = ["inject=read", "inject=read:error=FOO", "inject=foo:error=EIO", "inject=read:when=0:error=EIO",
       "inject=read:error=EIO:retval=1", "fault=read:retval=1", "inject=:error=EIO",
       "inject=read:error=EIO:when=3..2", "inject=read:delay_enter=1x", "inject=read:signal=FOO",
       "inject=read:error=4096", "inject=read:error=EIO:when=1..65535", "inject=read:error=EIO:when=2+0",
       "inject=read:retval=abc", "fault=read:signal=SIGUSR1", "inject=read:signal=SIGUSR1:signal=9",
       "inject=read:delay_exit=1:delay_exit=2", "inject=read:error=EIO:when=", "inject=read:error=EIO:when=1.5",
       "inject=read:when=3.:error=EIO", "inject=read:when=3..4x:error=EIO", "inject=read:when=3+-1:error=EIO",
       "inject=read:retval=08", "inject=read:retval=0x", "inject=read:retval=18446744073709551616",
       "inject=read:signal=65", "inject=read:signal=+5", "inject=read:error=EIO:syscall",
       "inject=write:syscall=getpid", "inject=write:syscall=write:error=EIO",
       "inject=write:syscall=getpid:syscall=getuid:error=EIO", "inject=write:syscall=nosuch:error=EIO",
       "inject=write:poke_enter=@arg0=00", "inject=write:poke_enter=@arg8=00", "inject=write:poke_enter=@arg1=0",
       "inject=write:poke_enter=@arg1=", "inject=write:poke_enter=", "inject=write:poke_enter=arg1=00",
       "inject=write:poke_enter=@arg1=zz", "inject=write:poke_exit=@arg1=00:poke_exit=@arg2=00",
       "fault=write:poke_enter=@arg1=00", "inject=write:poke_enter=@arg1=" + "00" * 1025]


# Odd spellings strace takes (strtoll's blanks and signs, any case for errno names)
@pytest.mark.parametrize("spec, values", [
    ("read:error=eio", {"error": 5}), ("read:error= 5", {"error": 5}), ("read:error=+5", {"error": 5}),
    ("read:error=ERESTARTSYS", {"error": 512}), ("read:retval=0x10", {"retval": 16}),
    ("read:retval=010", {"retval": 8}), ("read:retval= 7", {"retval": 7}), ("read:retval=-1", {"retval": -1}),
    ("read:signal=sigusr1", {"signal": 10}), ("read:signal=9", {"signal": 9}),
    ("read:error=EIO:when=+3", {"first": 3, "step": 0}), ("read:error=EIO:when=3..+4", {"last": 4, "step": 1}),
    ("read:error=EIO:when=3+ 2", {"step": 2}), ("read:delay_enter=1e3", {"delay_enter": 1_000_000}),
])
def test_odd_spellings_strace_accepts(spec, values):
    _, rule, _ = parse_rule(spec, "inject")
    assert {key: getattr(rule, key) for key in values} == values
    ours = subprocess.run([*SYSREC, "-o", "/dev/null", "-e", f"inject={spec}", "--", "true"],
                          capture_output=True, text=True, env=ENV)
    assert "sysrec: invalid" not in ours.stderr, ours.stderr


@needs_strace
@pytest.mark.parametrize("spec", BAD)
def test_bad_specs_say_what_strace_says(spec):
    theirs = subprocess.run(["strace", "-e", spec, "true"], capture_output=True, text=True)
    ours = subprocess.run([*SYSREC, "-e", spec, "--", "true"], capture_output=True, text=True, env=ENV)
    assert theirs.returncode == 1 and ours.returncode == 2
    message = theirs.stderr.splitlines()[0].removeprefix("strace: ")
    assert ours.stderr.splitlines() == [f"sysrec: {message}"]


@needs_strace
def test_inadvertent_error_warning(tmp_path, text_file):
    spec = "inject=read:retval=-5:when=2"
    theirs = subprocess.run(["strace", "-o", "/dev/null", "-e", spec, "cat", str(text_file)],
                            capture_output=True, text=True)
    ours = subprocess.run([*SYSREC, "-o", "/dev/null", "-e", spec, "--", "cat", str(text_file)],
                          capture_output=True, text=True, env=ENV)
    warning = "Inadvertent injection of error 5 is possible for retval=18446744073709551611"
    assert f"strace: {warning}" in theirs.stderr.splitlines()
    assert f"sysrec: {warning}" in ours.stderr.splitlines()


# ---- each form against strace -------------------------------------------------------------

@needs_strace
@pytest.mark.parametrize("seccomp", [[], ["--no-seccomp"]], ids=["seccomp", "no-seccomp"])
@pytest.mark.parametrize("spec", [
    "inject=openat:error=ENOENT:when=3",     # one call
    "inject=read:retval=5:when=2",           # a bogus success: the buffer read back at 5 bytes
    "inject=openat,close:retval=-5:when=2",  # a success that looks like an error: `= -5`, `= 1844…`
    "fault=close:when=2+",                   # fault='s default ENOSYS, every call from the 2nd
    "inject=close,openat:error=EACCES:when=2..6+2",
    "inject=openat:error=2:when=4..5",       # errno by number
    "inject=close:error=EBADF:delay_enter=1ms:delay_exit=500us:when=2..3",
    "inject=read:delay_exit=1000:when=1+3",  # delay only: (DELAYED) without (INJECTED)
])
def test_each_form_as_strace(tmp_path, text_file, spec, seccomp):
    args = ["-T", "-e", "trace=openat,read,close", "-e", spec]
    ours = compare(tmp_path, args, ["cat", str(text_file)], sysrec_args=seccomp)
    marks = "(DELAYED)" if "delay" in spec else "(INJECTED)"
    assert any(marks in line for line in ours)


@needs_strace
@pytest.mark.parametrize("seccomp", [[], ["--no-seccomp"]], ids=["seccomp", "no-seccomp"])
@pytest.mark.parametrize("spec, argv, mark", [
    # the bytes written at entry show in the line and reach the output: `write(1, "ABCDo\n", 6)`
    ("inject=write:poke_enter=@arg2=41424344", ["echo", "hello"], "= 6 (INJECTED: args)"),
    # at exit: the next write starts inside the changed buffer
    ("inject=write:poke_exit=@arg2=41424344:retval=3", ["echo", "hello"], '"Do\\n", 3) '),
    ("inject=read:poke_exit=@arg2=5a5a:when=1", ["cat", "INPUT"], '"ZZLF\\2'),  # ld.so's read of libc
    ("inject=read:poke_enter=@arg2=5a:error=EIO:when=2", ["cat", "INPUT"], "(INJECTED: args, retval)"),
    ("inject=getppid:syscall=getpid:retval=7", ["/usr/bin/python3", "-c", "import os; print(os.getppid())"],
     "getppid()                               = 7 (INJECTED)"),
    ("fault=getppid:syscall=getuid:when=1", ["/usr/bin/python3", "-c", "import os; os.getppid()"],
     "= -1 ENOSYS (Function not implemented) (INJECTED)"),
], ids=["poke-enter", "poke-exit-retval", "poke-exit-read", "poke-enter-error", "syscall-retval", "syscall-fault"])
def test_pokes_and_substitutes_as_strace(tmp_path, text_file, spec, argv, mark, seccomp):
    """poke_enter=/poke_exit= write the tracee's memory (strace's `(INJECTED: args)`); syscall=
    runs a side-effect-free call in place of the skipped one."""
    argv = [str(text_file) if a == "INPUT" else a for a in argv]
    name = spec.split("=")[1].split(":")[0]
    ours = compare(tmp_path, ["-e", f"trace={name}", "-e", spec], argv, sysrec_args=seccomp)
    assert any(mark in line for line in ours), ours


@needs_strace
@pytest.mark.parametrize("flag", [["-z"], ["-Z"], ["-e", "raw=close"]])
def test_injected_negative_retval_is_a_success(tmp_path, flag):
    """retval=-5 is no error for -z/-Z, and -e raw= prints it in hex."""
    ours = compare(tmp_path, [*flag, "-e", "trace=close,openat", "-e", "inject=close:retval=-5:when=1",
                              "-e", "inject=openat:error=ENOENT:when=2"], ["true"])
    assert any("close(" in line and "(INJECTED)" in line for line in ours) == (flag != ["-Z"])
    assert any("openat(" in line and "(INJECTED)" in line for line in ours) == (flag != ["-z"])


@needs_strace
def test_durations_count_delay_enter_not_delay_exit(tmp_path):
    """-T as strace: a 100 ms delay_enter is inside the call's time, a delay_exit is not."""
    spec = "inject=close:delay_enter=100ms:when=1:delay_exit=300ms"
    for tool in ("strace", "sysrec"):
        lines = [line for line in _lines(tool, ["-T", "-e", "trace=close", "-e", spec], ["true"], tmp_path)
                 if "(DELAYED)" in line]
        seconds = float(re.search(r"<(\d+\.\d+)>$", lines[0]).group(1))
        assert 0.09 <= seconds < 0.3, (tool, lines)


@needs_strace
def test_every_syscall(tmp_path):
    """`all`: every traced call from the first after the exec fails; the exec itself is spared."""
    ours = compare(tmp_path, ["-e", "inject=all:error=EIO:when=1+"], ["true"])
    assert ours[0].startswith("execve(") and ours[0].endswith("= 0")
    assert ours[1].endswith("= -1 EIO (Input/output error) (INJECTED)")


@needs_strace
def test_untraced_calls_are_not_tampered_with(tmp_path, text_file):
    ours = compare(tmp_path, ["-e", "trace=openat", "-e", "inject=read:error=EIO"], ["cat", str(text_file)])
    assert not any("INJECTED" in line for line in ours)


@needs_strace
@pytest.mark.parametrize("spec", ["inject=openat,read:error=EACCES:when=1", "inject=read:error=EIO:when=2"])
def test_path_filter_selects_what_is_counted_and_tampered_with(tmp_path, text_file, spec):
    """-P: only the calls on the path count (cat's 2nd read of the file, not of libc)."""
    ours = compare(tmp_path, ["-P", str(text_file), "-e", spec], ["cat", str(text_file)])
    assert sum("(INJECTED)" in line for line in ours) == 1


@needs_strace
def test_counting_is_per_process(tmp_path, text_file):
    """Each cat counts its own openat calls: both get their 3rd one failed."""
    script = f"cat {text_file} >/dev/null; cat {text_file} >/dev/null"
    ours = compare(tmp_path, ["-f", "-e", "trace=openat,close", "-e", "inject=openat:error=EPERM:when=3"],
                   ["sh", "-c", script], interleaved=True)
    assert sum("(INJECTED)" in line for line in ours) == 2


@needs_strace
@pytest.mark.parametrize("seccomp", [[], ["--no-seccomp"]], ids=["seccomp", "no-seccomp"])
def test_signal_on_entry_interrupts_the_call(tmp_path, seccomp):
    """signal= is delivered on entering the call, as strace (without --seccomp-bpf) does: the
    sleep is interrupted, the program killed."""
    ours = compare(tmp_path, ["-e", "trace=clock_nanosleep", "-e", "inject=clock_nanosleep:signal=USR1"],
                   ["sleep", "5"], sysrec_args=seccomp)
    assert ours[-2:] == ["--- SIGUSR1 {si_signo=SIGUSR1, si_code=SI_KERNEL} ---", "+++ killed by SIGUSR1 +++"]


@needs_strace
def test_signal_with_error(tmp_path, text_file):
    ours = compare(tmp_path, ["-e", "trace=read", "-e", "inject=read:error=EINTR:signal=SIGCHLD:when=2"],
                   ["cat", str(text_file)])
    assert any(line.startswith("--- SIGCHLD") for line in ours)


@needs_strace
def test_long_options(tmp_path, text_file):
    ours = compare(tmp_path, ["-e", "trace=openat,close", "--inject=openat:error=ENOENT:when=3",
                              "--fault=close:when=1"], ["cat", str(text_file)])
    assert sum("(INJECTED)" in line for line in ours) == 2


def test_record_marks_and_show_re_renders_them(tmp_path, text_file):
    out, record = tmp_path / "live.out", tmp_path / "run.jsonl"
    spec = "inject=openat:retval=-5:when=2"
    subprocess.run([*SYSREC, "-T", "-o", str(out), "--record", str(record), "-e", "trace=openat,close",
                    "-e", spec, "-e", "inject=close:error=EBADF:delay_exit=1ms:when=1", "--", "cat", str(text_file)],
                   capture_output=True, env=ENV, timeout=60, check=False)
    events = [json.loads(line) for line in record.read_text().splitlines()]
    assert events[0]["options"]["inject"] == [spec, "inject=close:error=EBADF:delay_exit=1ms:when=1"]
    marked = [e for e in events if e.get("injected") or e.get("delayed")]
    assert [(e["name"], e.get("injected"), e.get("delayed", False)) for e in marked] == \
        [("close", "error", True), ("openat", "retval", False)]
    shown = subprocess.run([sys.executable, "-m", "sysrec", "show", str(record), "--format", "strace"],
                           capture_output=True, env=ENV, timeout=60)
    assert shown.stdout.decode() == out.read_text()
    assert re.search(r"openat\(.*\) += -5 \(INJECTED\) <", out.read_text())


# ---- scenarios ----------------------------------------------------------------------------

SCENARIO = REPO / "scenarios" / "injected-reset.toml"
CLIENT = '''
name = "t"
description = "d"
[client]
command = ["true"]
trace = ["%network"]
{inject}
[[expect]]
exit = 0
'''


@pytest.mark.parametrize("inject, message", [
    ('inject = "recvfrom:error=EIO"', "key 'client.inject': expected a non-empty list of inject expressions"),
    ('inject = ["recvfrom:error=EBOGUS"]',
     "key 'client.inject[0]': expected an inject expression (invalid inject argument 'recvfrom:error=EBOGUS')"),
    ('inject = ["bogus:error=EIO"]', "key 'client.inject[0]': expected an inject expression (invalid system call 'bogus')"),
    ('inject = ["read:error=EIO"]', "key 'client.inject': expected syscalls the client's trace set includes"),
])
def test_scenario_inject_errors_name_the_file_and_key(tmp_path, inject, message):
    from sysrec.scenario.parse import load_scenario

    path = tmp_path / "bad.toml"
    path.write_text(CLIENT.format(inject=inject))
    with pytest.raises(InputError) as err:
        load_scenario(path)
    assert str(err.value).startswith(f"{path}: {message}")


def test_scenario_inject_is_kept_with_its_key():
    from sysrec.scenario.parse import load_scenario

    scenario = load_scenario(SCENARIO)
    assert scenario.client.inject == ("inject=recvfrom:error=ECONNRESET:when=2",)
    injected = [m for e in scenario.expectations for m in e.sequence if m.injected is not None]
    assert [m.injected for m in injected] == [False, True]


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl not installed")
def test_injected_reset_scenario(tmp_path):
    """The shipped scenario holds; its record, timeline and report say which reset was injected."""
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "sysrec", "run", str(SCENARIO), "--repeat", "2", "--out", str(out),
                           "--json"], capture_output=True, text=True, env=ENV, timeout=180)
    summary = json.loads(proc.stdout)
    assert proc.returncode == 0 and summary["passed"], proc.stdout[-3000:] + proc.stderr[-2000:]
    record = out / "injected-reset" / "default" / "run-1.jsonl"
    events = [json.loads(line) for line in record.read_text().splitlines()]
    assert events[0]["options"]["inject"] == ["inject=recvfrom:error=ECONNRESET:when=2"]
    resets = [e for e in events if e.get("name") == "recvfrom" and e.get("errno") == "ECONNRESET"]
    assert [e.get("injected") for e in resets] == [None, "error"]
    timeline = subprocess.run([sys.executable, "-m", "sysrec", "show", str(record), "--format", "timeline"],
                              capture_output=True, text=True, env=ENV, timeout=60).stdout
    injected_rows = [line for line in timeline.splitlines() if "(INJECTED)" in line]
    assert len(injected_rows) == 1 and "recvfrom(" in injected_rows[0]
    assert timeline.count("injected by the scenario, not the network") == 1
    report = subprocess.run([sys.executable, "-m", "sysrec", "report", str(SCENARIO), "--from", str(out)],
                            capture_output=True, text=True, env=ENV, timeout=120).stdout
    assert "recvfrom ECONNRESET, ECONNRESET (injected)" in report
    assert "injected by the scenario, not the network" in report


# ---- network programs, in the oracle suite's namespace with its servers ---------------------

# A buffer in a non-PIE interpreter's heap is a small address: one more run-to-run difference.
HEAP = re.compile(r"\b0x[0-9a-f]{6,}\b")


def network_compare(tmp_path: Path, argv: list[str], trace_set: str, spec: str) -> list[str]:
    from tests.test_oracle import _missing_tools, _trace

    why = _missing_tools()
    if why:
        pytest.skip(why)
    theirs = _trace("strace", trace_set, argv, tmp_path, ["-e", spec])
    ours = _trace("sysrec", trace_set, argv, tmp_path, ["-e", spec])
    assert_same([HEAP.sub("0xADDR", line) for line in normalize(theirs)],
                [HEAP.sub("0xADDR", line) for line in normalize(ours)])
    return normalize(ours)


@needs_strace
@pytest.mark.kernel
@pytest.mark.parametrize("spec", ["inject=recvfrom:error=ECONNRESET:when=2", "inject=sendto:retval=3:when=1",
                                  "inject=connect:error=ETIMEDOUT:delay_exit=20ms"])
def test_python_client_as_strace(tmp_path, spec):
    from tests.test_oracle import CLIENTS, PY, WITH_IO

    ours = network_compare(tmp_path, PY + [str(CLIENTS), "tcp_echo"], WITH_IO, spec)
    assert sum("(INJECTED)" in line for line in ours) == 1


@needs_strace
@pytest.mark.kernel
@pytest.mark.skipif(shutil.which("nc") is None, reason="nc not installed")
def test_nc_sees_an_injected_refusal(tmp_path):
    """nc -z to an open port: its connect() is refused by the tracer, not the server."""
    from tests.test_oracle import NETWORK_SET

    ours = network_compare(tmp_path, ["nc", "-z", "127.0.0.1", "7001"], NETWORK_SET,
                           "inject=connect:error=ECONNREFUSED")
    assert any("connect(3, {sa_family=AF_INET, sin_port=htons(7001)" in line
               and line.endswith("= -1 ECONNREFUSED (Connection refused) (INJECTED)") for line in ours)
    assert ours[-1].endswith("+++ exited with 1 +++")
