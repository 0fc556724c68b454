"""-yy on abstract AF_UNIX sockets: the endpoint text matches strace's (name cut at its first NUL)."""

import os
import shutil
import subprocess
import sys

import pytest

PROGRAM = """
import socket, sys
name = b"\\0" + sys.argv[1].encode() + b"\\0tail"
server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
server.bind(name)
server.listen(1)
"""


@pytest.mark.skipif(shutil.which("strace") is None, reason="strace is not installed")
def test_listen_line_on_abstract_socket_matches_strace(tmp_path):
    name = f"sysrec-yy-{os.getpid()}"
    script = tmp_path / "abstract.py"
    script.write_text(PROGRAM)
    argv = [sys.executable, str(script), name]
    strace = subprocess.run(["strace", "-yy", "-e", "trace=listen", *argv], capture_output=True, text=True)
    ours = subprocess.run([sys.executable, "-m", "sysrec", "trace", "-yy", "-e", "trace=listen", *argv],
                          capture_output=True, text=True)
    assert strace.returncode == 0 and ours.returncode == 0, ours.stderr

    def listen_line(text: str) -> str:
        line = next(l for l in text.splitlines() if l.startswith("listen("))
        return line.split("[", 1)[1].split(",", 1)[1]  # drop the inode, which differs between runs

    assert listen_line(ours.stderr) == listen_line(strace.stderr) == f'@"{name}"]>, 1) = 0'
