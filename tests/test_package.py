"""Installable anywhere: the wheel carries the shipped scenarios, so an install outside the source
tree lists them (`sysrec scenarios`) and runs one by name (`sysrec run connection-refused`)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

pytestmark = pytest.mark.kernel

ROOT = Path(__file__).parents[1]
SYSTEM_PYTHON = Path("/usr/bin/python3")


def namespaces_available() -> bool:
    """What `sysrec run` needs: a network namespace, through a user namespace when not root."""
    if shutil.which("unshare") is None:
        return False
    for argv in (["unshare", "--net", "true"], ["unshare", "--user", "--map-root-user", "--net", "true"]):
        if subprocess.run(argv, capture_output=True).returncode == 0:
            return True
    return False


def system_can_build() -> bool:
    """Debian's python3 with setuptools and wheel: the wheel is built without fetching anything."""
    if not SYSTEM_PYTHON.exists():
        return False
    probe = subprocess.run([str(SYSTEM_PYTHON), "-c", "import setuptools, wheel, venv, ensurepip"],
                           capture_output=True)
    return probe.returncode == 0


def dependency_dirs() -> list[str]:
    """Where this interpreter finds sysrec's dependencies; the fresh venv borrows them (no network)."""
    import construct
    import ptrace
    import rich
    return sorted({str(Path(module.__file__).resolve().parents[1]) for module in (construct, ptrace, rich)})


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    if not system_can_build():
        pytest.skip("needs Debian's python3 with setuptools, wheel and venv (python3-setuptools, python3-wheel, "
                    "python3-venv) to build and install offline")
    tmp = tmp_path_factory.mktemp("package")
    source = tmp / "src"
    shutil.copytree(ROOT, source, symlinks=True, ignore=shutil.ignore_patterns(
        ".venv", ".git", "tests", "build", "*.egg-info", "__pycache__", ".pytest_cache", ".hypothesis", "out"))
    venv = tmp / "venv"
    subprocess.run([str(SYSTEM_PYTHON), "-m", "venv", "--system-site-packages", str(venv)], check=True,
                   capture_output=True, timeout=300)
    python = venv / "bin" / "python"
    wheels = tmp / "wheels"
    built = subprocess.run([str(python), "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
                            "-w", str(wheels), str(source)], capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stdout[-2000:] + built.stderr[-2000:]
    wheel = next(wheels.glob("sysrec-*.whl"))
    done = subprocess.run([str(python), "-m", "pip", "install", "--no-deps", "--no-index", str(wheel)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    (Path(site) / "sysrec_test_dependencies.pth").write_text("\n".join(dependency_dirs()) + "\n")
    shutil.rmtree(source)  # nothing of the source tree is left to fall back on
    return venv


def run_installed(venv: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(venv / "bin" / "sysrec"), *args], capture_output=True, text=True, cwd=cwd,
                          timeout=300)


def test_the_installed_sysrec_is_the_wheel(installed: Path, tmp_path: Path):
    where = subprocess.run([str(installed / "bin" / "python"), "-c", "import sysrec; print(sysrec.__file__)"],
                           capture_output=True, text=True, cwd=tmp_path)
    assert where.returncode == 0, where.stderr
    assert where.stdout.strip().startswith(str(installed))


def test_scenarios_lists_every_shipped_scenario_with_its_description(installed: Path, tmp_path: Path):
    proc = run_installed(installed, "scenarios", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    listed = {line.split()[0]: " ".join(line.split()[1:]) for line in proc.stdout.splitlines()}
    expected = {}
    for path in (ROOT / "scenarios").glob("*.toml"):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        expected[data["name"]] = " ".join(data["description"].split())
    assert listed == expected


@pytest.mark.skipif(not namespaces_available(), reason="network namespaces are not available here")
def test_run_a_shipped_scenario_by_name(installed: Path, tmp_path: Path):
    proc = run_installed(installed, "run", "connection-refused", "--json", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    summary = json.loads(proc.stdout)
    assert summary["scenario"] == "connection-refused" and summary["passed"] is True
    assert summary["file"].startswith(str(installed))
    proc = run_installed(installed, "run", "no-such-scenario", cwd=tmp_path)
    assert proc.returncode == 2 and "connection-refused" in proc.stderr and proc.stderr.count("\n") == 1
