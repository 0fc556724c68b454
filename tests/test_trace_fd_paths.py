"""-y and -yy print fd targets as strace does: path bytes escaped like a string, `<` and `>` in a -y
path in octal (they would read as the brackets), socket paths quoted. Compared with strace itself."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(shutil.which("strace") is None, reason="strace is not installed")

# names with a space, C escapes, the bracket characters, a control byte, a digit after an octal
# escape, UTF-8, and a trailing space
NAMES = ["a b", "nl\nx", "lt<gt>", "tab\tx", 'quote"x', "bs\\x", "ctl\x011", "utf-é", "end "]

FILES = """
import os, sys
for name in sys.argv[1:]:
    fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.write(fd, b"x")
    os.close(fd)
"""

SOCKETS = """
import os, socket, sys
for name in sys.argv[1:]:
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind(name)
    s.getsockname()
    s.close()
    os.unlink(name)
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind("\\0abstract<x>\\n")
s.getsockname()
"""


def both(tmp_path: Path, flags: list[str], program: str, *args: str) -> tuple[list[str], list[str]]:
    script = tmp_path / "prog.py"
    script.write_text(program)
    argv = [sys.executable, str(script), *args]
    strace = subprocess.run(["strace", *flags, *argv], capture_output=True, text=True, cwd=tmp_path)
    ours = subprocess.run([sys.executable, "-m", "sysrec", "trace", *flags, "--", *argv],
                          capture_output=True, text=True, cwd=tmp_path)
    assert strace.returncode == 0 and ours.returncode == 0, ours.stderr

    def lines(text: str) -> list[str]:
        # inodes differ between the two runs
        return [re.sub(r":\[\d+,", ":[INODE,", l) for l in text.splitlines() if not l.startswith("+++")]

    return lines(strace.stderr), lines(ours.stderr)


def test_y_paths_with_awkward_bytes_print_as_strace_prints_them(tmp_path):
    theirs, ours = both(tmp_path, ["-y", "-e", "trace=write"], FILES, *NAMES)
    assert len(theirs) == len(NAMES)
    assert ours == theirs
    assert any("lt\\74gt\\76>" in line for line in ours)


def test_yy_unix_socket_paths_print_as_strace_prints_them(tmp_path):
    names = [str(tmp_path / n) for n in ("u<1>", "u\nx", 'u"q', "u\\b", "ué", "u 1")]
    theirs, ours = both(tmp_path, ["-yy", "-e", "trace=getsockname"], SOCKETS, *names)
    assert len(theirs) >= len(names) + 1
    assert ours == theirs
