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


def fresh_python(code: str, *flags: str) -> list[str]:
    """The lines `code` prints in a new interpreter that imports sysrec from this tree."""
    root = str(Path(__file__).resolve().parent.parent)
    proc = subprocess.run([sys.executable, *flags, "-c", "import sys; sys.path.insert(0, sys.argv[1])\n" + code,
                           root], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.splitlines()


def test_trace_start_up_path_imports_nothing_heavy():
    """What `sysrec trace` imports before the traced program can exec: no python-ptrace (nor
    the logging/inspect it pulls in), no typing/json/dataclasses, no decoders or renderers."""
    code = ("import sysrec.cli, sysrec.commands.trace, sysrec.tracer, sysrec.record.writer\n"
            "sysrec.cli.build_parser(only='trace')\n"
            "heavy = ('ptrace', 'typing', 'json', 'dataclasses', 'construct', 'rich', 'shutil',\n"
            "         'sysrec.decode', 'sysrec.render', 'logging', 'inspect')\n"
            "print(sorted(m for m in heavy if m in sys.modules))\n")
    assert fresh_python(code, "-S") == ["[]"]


def test_decoders_import_without_the_stdlib_modules_construct_and_dataclasses_only_name():
    """The decoders' import (what a full trace's first stop waits for) leaves pdb, inspect,
    traceback, pickle and hashlib unimported; construct still compiles a structure (its compile
    names modules with hashlib, reached through the stand-in) and dataclasses still writes the
    docstring of a class without one (through inspect)."""
    code = ("from sysrec.deferred_imports import UNUSED_BY_SYSREC, import_lean\n"
            "import_lean()\n"
            "import sysrec.decode.calls, sysrec.render.strace_text\n"
            "print(sorted(m for m in UNUSED_BY_SYSREC if m in sys.modules))\n"
            "import construct, dataclasses\n"
            "point = construct.Struct('x' / construct.Int32ul, 'y' / construct.Int16sl).compile()\n"
            "print(point.parse(b'\\x05\\0\\0\\0\\xff\\xff').y)\n"
            "print(dataclasses.dataclass(type('Bare', (), {'__annotations__': {'a': 'int'}})).__doc__)\n"
            "print(sorted(m for m in ('hashlib', 'inspect') if m in sys.modules))\n")
    assert fresh_python(code) == ["[]", "-1", "Bare(a: 'int')", "['hashlib', 'inspect']"]
