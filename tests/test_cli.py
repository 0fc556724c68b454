import subprocess
import sys


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sysrec", *args], capture_output=True, text=True)


def test_help_lists_commands():
    proc = run_cli("--help")
    assert proc.returncode == 0
    for command in ("trace", "show", "run", "diff", "report", "export"):
        assert command in proc.stdout


def test_bad_flag_exits_2_with_usage():
    proc = run_cli("trace", "--definitely-not-a-flag")
    assert proc.returncode == 2
    assert "usage:" in proc.stderr
