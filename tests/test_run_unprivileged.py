"""`sysrec run` as an ordinary user (uid/gid 65534): a user namespace owns each run's network
namespace, so every shipped scenario runs without privileges and never touches the host."""

from __future__ import annotations

import importlib
import json
import os
import shutil
import subprocess
import sys
import tempfile

import pytest

from test_sandbox import host_sysctls

pytestmark = pytest.mark.kernel

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NOBODY = 65534
SETPRIV = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]
SCENARIOS = ["accept-queue-overflow", "accept-queue-overflow-send", "connection-refused", "injected-reset", "nc-replay",
             "syn-drop-timeout", "syn-queue-cookies",
             # the failure-mode catalogue (#13)
             "listener-closed-queue", "close-unread-data", "linger-abort", "half-close-epipe",
             "ephemeral-port-exhaustion", "time-wait-same-port", "firewall-reject",
             "syn-sent-user-timeout", "synack-retries-ack-lost", "final-ack-lost-client-first",
             "pmtu-blackhole",
             "idle-vanished-peer", "busy-vanished-peer", "zero-window-persist"]
DEPENDENCIES = ("rich", "construct", "ptrace", "pygments", "markdown_it", "mdurl", "typing_extensions")


def as_nobody(argv, **kw):
    return subprocess.run(SETPRIV + argv, capture_output=True, text=True, **kw)


@pytest.fixture(scope="module")
def nobody_python():
    """argv prefix and environment that run sysrec as uid 65534.

    Our own interpreter when that user can run it with sysrec's dependencies; otherwise (e.g. a
    pyenv under a 0700 /root) the system python3 of the same version with a world-readable copy
    of the pure-Python dependencies — what a user's own virtualenv would hold.
    """
    if os.geteuid() != 0:
        pytest.skip("needs root to switch to uid 65534")
    if shutil.which("setpriv") is None:
        pytest.skip("setpriv (util-linux) is not installed")
    if not os.access(os.path.join(ROOT, "sysrec", "__init__.py"), os.R_OK) or \
            os.stat(ROOT).st_mode & 0o005 != 0o005:
        pytest.skip(f"{ROOT} is not readable by other users")
    env = dict(os.environ, PYTHONPATH=ROOT, HOME="/tmp")
    check = ["-c", "import rich, construct, ptrace, sysrec"]
    if as_nobody([sys.executable, *check], env=env).returncode == 0:
        yield [sys.executable], env
        return
    system = shutil.which("python3", path="/usr/bin:/bin")
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    if system is None or subprocess.run([system, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                                        capture_output=True, text=True).stdout.strip() != version:
        pytest.skip(f"uid {NOBODY} cannot run {sys.executable} and no system python{version} exists")
    site = tempfile.mkdtemp(prefix="sysrec-nobody-site-")
    try:
        os.chmod(site, 0o755)
        for name in DEPENDENCIES:
            module = importlib.import_module(name)
            source = module.__file__
            assert source is not None
            if os.path.basename(source) == "__init__.py":
                shutil.copytree(os.path.dirname(source), os.path.join(site, name),
                                ignore=shutil.ignore_patterns("__pycache__"))
            else:
                shutil.copy(source, site)
        for dirpath, dirnames, filenames in os.walk(site):
            for d in dirnames:
                os.chmod(os.path.join(dirpath, d), 0o755)
            for f in filenames:
                os.chmod(os.path.join(dirpath, f), 0o644)
        env = dict(env, PYTHONPATH=os.pathsep.join([ROOT, site]), PYTHONDONTWRITEBYTECODE="1")
        result = as_nobody([system, *check], env=env)
        if result.returncode != 0:
            pytest.skip(f"cannot build a runtime for uid {NOBODY}: {result.stderr.strip()[-300:]}")
        yield [system], env
    finally:
        shutil.rmtree(site, ignore_errors=True)


@pytest.fixture
def nobody_dir():
    path = tempfile.mkdtemp(prefix="sysrec-nobody-out-")
    os.chown(path, NOBODY, NOBODY)
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.mark.parametrize("name", SCENARIOS)
def test_shipped_scenario_passes_unprivileged(nobody_python, nobody_dir, name):
    python, env = nobody_python
    before = host_sysctls()
    proc = as_nobody([*python, "-m", "sysrec", "run", os.path.join(ROOT, "scenarios", f"{name}.toml"),
                      "--out", nobody_dir, "--json", "--jobs", "2"], env=env, cwd="/", timeout=120)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    summary = json.loads(proc.stdout)
    assert summary["passed"] and summary["scenario"] == name
    for cell in summary["cells"]:
        for rel in cell["records"]:
            path = os.path.join(nobody_dir, rel)
            assert os.stat(path).st_uid == NOBODY
            with open(path) as fh:
                assert json.loads(fh.readline())["context"]["settings"] == cell["settings"]
    assert host_sysctls() == before


def test_unprivileged_errors_are_clear(nobody_python, nobody_dir):
    python, env = nobody_python
    scenario = os.path.join(nobody_dir, "ro.toml")
    with open(scenario, "w") as fh:
        fh.write('name = "ro"\ndescription = "x"\n[sysctl]\n"net.core.rmem_max" = 8192\n'
                 '[client]\ncommand = ["true"]\n')
    os.chmod(scenario, 0o644)
    proc = as_nobody([*python, "-m", "sysrec", "run", scenario], env=env, cwd="/", timeout=60)
    assert proc.returncode == 2
    assert "sysctl net.core.rmem_max: not writable inside the scenario's namespace" in proc.stderr
