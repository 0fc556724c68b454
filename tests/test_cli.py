import subprocess
import sys
from pathlib import Path


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


def test_trace_start_up_path_imports_nothing_heavy():
    """What `sysrec trace` imports before the traced program can exec: no python-ptrace (nor
    the logging/inspect it pulls in), no typing/json/dataclasses, no decoders or renderers."""
    root = str(Path(__file__).resolve().parent.parent)
    code = ("import sys; sys.path.insert(0, sys.argv[1])\n"
            "import sysrec.cli, sysrec.commands.trace, sysrec.tracer, sysrec.record.writer\n"
            "sysrec.cli.build_parser(only='trace')\n"
            "heavy = ('ptrace', 'typing', 'json', 'dataclasses', 'construct', 'rich', 'shutil',\n"
            "         'sysrec.decode', 'sysrec.render', 'logging', 'inspect')\n"
            "print(sorted(m for m in heavy if m in sys.modules))\n")
    proc = subprocess.run([sys.executable, "-S", "-c", code, root], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"
