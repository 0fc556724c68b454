"""The observer effect (issue #11): a program traced by sysrec sees its own machine — CPU
affinity, environment, fds, signal dispositions and mask, limits, cwd, umask, process group,
session, scheduling — exactly as it does untraced. A probe prints all of it, bare and traced.

The one documented exception is the seccomp filter (`-e` with a set, the default way sysrec
traces a set): like `strace --seccomp-bpf`, it sets no-new-privs and shows in /proc's Seccomp
field. That case is compared with strace --seccomp-bpf, which changes the same two fields.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

PROBE = Path(__file__).parent / "observer" / "probe.py"
REPO = Path(__file__).resolve().parent.parent
# No locale variable: Python (sysrec) would coerce its own to C.UTF-8; the program must not see that.
ENV = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PROBE_MARK": "kept as is", "PYTHONPATH": str(REPO)}
PY = [sys.executable, "-S", "-B"]


def _unusual_state() -> None:
    """What the parent hands down: sysrec must pass every bit of it on untouched."""
    os.umask(0o027)
    os.nice(3)
    resource.setrlimit(resource.RLIMIT_NOFILE, (512, 1024))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    signal.signal(signal.SIGPIPE, signal.SIG_IGN)
    signal.signal(signal.SIGUSR2, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR1, signal.SIGWINCH})


def probe(tracer: list[str], tmp_path: Path) -> dict:
    extra = os.open(os.devnull, os.O_RDONLY)  # an extra inherited fd
    try:
        out = subprocess.run([*tracer, *PY, str(PROBE), "an arg"], capture_output=True, env=ENV, cwd=tmp_path,
                             stdin=subprocess.DEVNULL, preexec_fn=_unusual_state, pass_fds=(extra,),
                             timeout=120)
    finally:
        os.close(extra)
    assert out.returncode == 0, out.stderr.decode(errors="replace")[-2000:]
    return json.loads(out.stdout)


SYSREC = [sys.executable, "-m", "sysrec", "trace", "-o", os.devnull]


@pytest.mark.parametrize("flags", [["-e", "trace=all"], ["-f", "-e", "trace=all"],
                                   ["--no-seccomp", "-e", "trace=%network"],
                                   ["-f", "--no-seccomp", "-e", "trace=openat,clone,execve"]],
                         ids=["all", "all-f", "set-no-seccomp", "set-no-seccomp-f"])
def test_the_traced_program_sees_what_it_sees_untraced(flags: list[str], tmp_path: Path) -> None:
    bare = probe([], tmp_path)
    traced = probe([*SYSREC, *flags, "--"], tmp_path)
    assert bare["cpu_count_usable"] == len(os.sched_getaffinity(0))
    assert len(bare["fds"]) == 4 and bare["umask"] == 0o027  # the unusual state did arrive
    assert traced == bare


@pytest.mark.skipif(shutil.which("strace") is None, reason="strace not installed")
@pytest.mark.parametrize("follow", [[], ["-f"]], ids=["", "-f"])
def test_with_a_seccomp_filter_only_what_strace_seccomp_bpf_changes(follow: list[str], tmp_path: Path) -> None:
    """strace 6.1 applies --seccomp-bpf only with -f; sysrec filters without -f too."""
    bare = probe([], tmp_path)
    sysrec = probe([*SYSREC, *follow, "-e", "trace=%network", "--"], tmp_path)
    changed = {key for key in bare if bare[key] != sysrec[key]}
    assert changed == {"privileges"}
    assert (sysrec["privileges"]["NoNewPrivs"], bare["privileges"]["NoNewPrivs"]) == ("1", "0")
    if follow:
        strace = probe(["strace", "-o", os.devnull, "-f", "--seccomp-bpf", "-e", "trace=%network"], tmp_path)
        assert sysrec == strace
