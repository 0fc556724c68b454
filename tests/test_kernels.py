"""`sysrec run --kernel`: bad input, [requires] skipping, and (slow) a real Debian 6.1 guest under
TCG whose syn-drop-timeout differs from this machine's kernel."""

import json
import os
import platform
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from sysrec.kernels.guest import scaled, stamp
from sysrec.kernels.spec import modules_beside, parse_kernel_spec
from sysrec.scenario.parse import load_scenario
from sysrec.scenario.requires import applicable

ROOT = Path(__file__).resolve().parent.parent


def sysrec(*args, env=None, timeout=60):
    return subprocess.run([sys.executable, "-m", "sysrec", *args], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=timeout)


def one_line_exit_2(proc, *words):
    assert proc.returncode == 2, proc.stdout + proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr
    for word in words:
        assert word in lines[0]


@pytest.mark.parametrize("spec, words", [
    ("5.99", ["--kernel 5.99", "expected host, 6.1, 6.12"]),
    ("/nonexistent/boot/vmlinuz-6.1.0-1-amd64", ["no such file"]),
    ("linux-image-9.9.9-1-amd64", ["no such Debian package"]),
])
def test_bad_kernel_spec_is_one_line_and_exit_2(spec, words):
    if spec.startswith("linux-image") and shutil.which("apt-cache") is None:
        pytest.skip("needs apt-cache")
    one_line_exit_2(sysrec("run", "connection-refused", "--kernel", spec), *words)


def test_a_vmlinuz_without_modules_beside_it_is_refused(tmp_path):
    (tmp_path / "boot").mkdir()
    kernel = tmp_path / "boot" / "vmlinuz-6.1.0-1-amd64"
    kernel.write_bytes(b"not a kernel")
    assert modules_beside(str(kernel)) is None
    (tmp_path / "lib" / "modules" / "6.1.0-1-amd64").mkdir(parents=True)
    assert modules_beside(str(kernel)) == str(tmp_path / "lib" / "modules" / "6.1.0-1-amd64")
    assert parse_kernel_spec(str(kernel)).kind == "path"


def test_no_qemu_is_one_line_and_exit_2(tmp_path):
    (tmp_path / "boot").mkdir()
    (tmp_path / "lib" / "modules" / "6.1.0-1-amd64").mkdir(parents=True)
    kernel = tmp_path / "boot" / "vmlinuz-6.1.0-1-amd64"
    kernel.write_bytes(b"x")
    bare = tmp_path / "bin"
    bare.mkdir()
    proc = sysrec("run", "connection-refused", "--kernel", str(kernel), env={"PATH": str(bare)})
    one_line_exit_2(proc, "qemu-system-x86_64 not found")


def test_no_virtme_ng_explains_how_to_get_it(tmp_path, monkeypatch):
    from sysrec.errors import InputError
    from sysrec.kernels import boot, runs
    monkeypatch.setattr(boot, "find_vng", lambda: None)
    monkeypatch.setattr(shutil, "which", lambda name: "/usr/bin/" + name)
    with pytest.raises(InputError, match=r"pip install 'sysrec\[kernels\]'"):
        runs.check_prerequisites([parse_kernel_spec("host"), runs.KernelSpec("x", "package", package="p")])


def test_the_same_kernel_twice_is_refused():
    one_line_exit_2(sysrec("run", "connection-refused", "--kernel", "host", "--kernel", "host"), "twice")


def _scenario(tmp_path, requires):
    path = tmp_path / "needs.toml"
    path.write_text(f'''# needs — a scenario whose kernel may lack what it needs
name = "needs"
description = "x"
{requires}
[sysctl]
"net.ipv4.tcp_syn_retries" = 2
[client]
command = ["true"]
[[expect]]
exit = 0
''')
    return str(path)


def test_a_cell_whose_kernel_lacks_a_required_sysctl_is_skipped_with_the_reason(tmp_path):
    path = _scenario(tmp_path, '[requires]\nsysctls = ["net.ipv4.no_such_setting"]\n')
    proc = sysrec("run", path, "--json", "--out", str(tmp_path / "out"))
    assert proc.returncode == 0, proc.stderr
    cell, = json.loads(proc.stdout)["cells"]
    assert cell["state"] == "skipped" and cell["runs"] == 0
    assert "net.ipv4.no_such_setting" in cell["reason"]
    table = sysrec("run", path, env={"COLUMNS": "200"})
    assert table.returncode == 0 and "skipped" in table.stdout and "no_such_setting" in table.stdout


@pytest.mark.parametrize("requires, key", [
    ('[requires]\nprivilege = "admin"\n', "requires.privilege"),
    ('[requires]\noptional = ["net.ipv4.tcp_fin_timeout"]\n', "requires.optional"),
    ('[requires]\nsysctls = ["kernel.pid_max"]\n', "requires.sysctls"),
    ('[requires]\nfeatures = ["x"]\n', "requires.features"),
])
def test_bad_requires_names_the_key(tmp_path, requires, key):
    one_line_exit_2(sysrec("run", _scenario(tmp_path, requires)), key)


def test_an_optional_sysctl_the_kernel_lacks_is_absent_not_written(tmp_path):
    path = tmp_path / "opt.toml"
    path.write_text('''# opt — x
name = "opt"
description = "x"
[requires]
optional = ["net.ipv4.tcp_not_in_any_kernel"]
[sysctl]
"net.ipv4.tcp_not_in_any_kernel" = 4
"net.ipv4.tcp_syn_retries" = 2
[client]
command = ["true"]
[[expect]]
when = { "net.ipv4.tcp_not_in_any_kernel" = "absent" }
exit = 0
''')
    scenario = load_scenario(str(path))
    from sysrec.scenario.matrix import expand
    seen, written = applicable(scenario, expand(scenario)[0])
    assert seen.settings["net.ipv4.tcp_not_in_any_kernel"] == "absent"
    assert "net.ipv4.tcp_not_in_any_kernel" not in written.settings
    assert written.settings["net.ipv4.tcp_syn_retries"] == 2
    assert scenario.expectations[0].applies_to(seen.settings)


def test_guest_start_timeouts_scale_and_records_get_the_kernel_context(tmp_path):
    scenario = load_scenario(str(ROOT / "scenarios" / "syn-drop-timeout.toml"))
    slow = scaled(scenario, 5)
    assert slow.server.start_timeout == 5 * scenario.server.start_timeout
    assert slow.preload[0].timeout == 5 * scenario.preload[0].timeout
    assert slow.client.timeout == scenario.client.timeout  # the client's own timing is the experiment
    record = tmp_path / "s" / "run-1.jsonl"
    record.parent.mkdir()
    record.write_text('{"ev":"header","context":{"cell":"c"}}\n{"ev":"footer"}\n')
    stamp(str(tmp_path), {"accel": "tcg", "release": "6.1.0-56-amd64", "package_version": "6.1.192-2"})
    head, tail = record.read_text().splitlines()
    assert json.loads(head)["context"] == {"cell": "c", "kernel": {
        "accel": "tcg", "release": "6.1.0-56-amd64", "package_version": "6.1.192-2"}}
    assert tail == '{"ev":"footer"}'


# -- a real guest ----------------------------------------------------------------------------

def _syns(record_path):
    """SYNs the client sent to the listener, per client port (the client's connection is the one
    with the most: the preload's SYN precedes the capture)."""
    per_port = {}
    with open(record_path) as fh:
        for line in fh:
            event = json.loads(line)
            if event.get("ev") == "packet" and event.get("flags") == ["SYN"] and event.get("dport") == 10000:
                per_port[event["sport"]] = per_port.get(event["sport"], 0) + 1
    return max(per_port.values(), default=0)


NOBODY = 65534


def _as_user(tmp_path):
    """(argv prefix, env, work directory, uid) for the guest run: as root, an ordinary user
    (uid 65534, no /dev/kvm, a home of its own) when setpriv and a world-readable checkout allow,
    so the one boot also shows what an unprivileged user gets; else this user."""
    import tempfile
    from sysrec.kernels.fetch import cache_root
    if os.geteuid() != 0 or shutil.which("setpriv") is None or os.stat(ROOT).st_mode & 0o005 != 0o005 or \
            subprocess.run(["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", sys.executable,
                            "-c", "import rich, sysrec"], capture_output=True, cwd="/").returncode != 0:
        return [], {}, tmp_path, os.geteuid()
    work = Path(tempfile.mkdtemp(prefix="sysrec-kernel-user-", dir="/tmp"))   # tmp_path is root's 0700
    (work / "home").mkdir()
    cache = work / "cache" / "sysrec" / "kernels"
    cache.mkdir(parents=True)
    for tree in Path(cache_root()).glob("linux-image-6.1.*"):   # root's download, linked, not copied
        if (tree / "kernel.json").is_file():
            subprocess.run(["cp", "-al", str(tree), str(cache)], check=True)
    for directory in [work, *(p for p in work.rglob("*") if p.is_dir())]:
        os.chown(directory, NOBODY, NOBODY)   # directories only: the linked files stay root's
    env = {"HOME": str(work / "home"), "XDG_CACHE_HOME": str(work / "cache"),
           "PATH": os.path.dirname(sys.executable) + ":/usr/bin:/bin"}
    return ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"], env, work, NOBODY


@pytest.mark.kernel
@pytest.mark.slow
def test_debian_6_1_under_tcg_sends_3_syns_where_this_kernel_sends_6(tmp_path):
    """One boot: Debian 6.1 against this kernel, run by an ordinary user when this test is root
    (TCG without /dev/kvm; every file under --out must be that user's)."""
    from sysrec.kernels.boot import find_vng
    missing = [what for what, ok in (("qemu-system-x86_64", shutil.which("qemu-system-x86_64")),
                                      ("virtme-ng", find_vng()), ("apt-get", shutil.which("apt-get"))) if not ok]
    if missing:
        pytest.skip("cannot boot a guest here: no " + ", ".join(missing))
    if not os.path.exists("/proc/sys/net/ipv4/tcp_syn_linear_timeouts"):
        pytest.skip(f"this machine's kernel ({platform.release()}) has no linear SYN timeouts to compare with")
    prefix, env, work, uid = _as_user(tmp_path)
    out = work / "out"
    try:
        proc = subprocess.run([*prefix, sys.executable, "-m", "sysrec", "run", "connection-refused", "syn-drop-timeout",
                               "--set", "net.ipv4.tcp_syn_retries=2", "--kernel", "host", "--kernel", "6.1",
                               "--out", str(out), "--json"], capture_output=True, text=True, cwd=ROOT,
                              env={**os.environ, **env}, timeout=1200)
        if proc.returncode == 2 and "download failed" in proc.stderr:
            pytest.skip("the Debian 6.1 package cannot be fetched: " + proc.stderr.strip())
        if "did not start sysrec" in proc.stderr:
            pytest.skip("the guest did not start: " + proc.stderr.strip())
        assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr
        host, guest = json.loads(proc.stdout)
        assert guest["context"]["accel"] in ("kvm", "tcg") and guest["context"]["release"].startswith("6.1.")
        if uid != 0:
            assert guest["context"]["accel"] == "tcg"   # no /dev/kvm for that user
        assert guest["context"]["package"].startswith("linux-image-6.1.") and guest["context"]["package_version"]
        assert host["context"]["release"] == platform.release()
        for result in (host, guest):
            assert set(result["scenarios"]) == {"connection-refused", "syn-drop-timeout"}, result["errors"]
            assert all(s["passed"] for s in result["scenarios"].values())
        syns = {}
        for result in (host, guest):
            summary = result["scenarios"]["syn-drop-timeout"]
            cell, = summary["cells"]
            record = out / result["label"] / "syn-drop-timeout" / cell["records"][0]
            header = json.loads(record.open().readline())
            assert header["kernel"] == result["context"]["release"]
            assert header["context"]["kernel"]["accel"] == result["context"]["accel"]
            syns[result["label"]] = (_syns(record), cell["settings"]["net.ipv4.tcp_syn_linear_timeouts"])
        assert syns == {"host": (6, 4), "6.1": (3, "absent")}
        files = [out, *out.rglob("*")]
        assert len(files) > 10 and {(p.relative_to(out).as_posix(), p.stat().st_uid) for p in files
                                    if p.stat().st_uid != uid} == set()
    finally:
        if work != tmp_path:
            shutil.rmtree(work, ignore_errors=True)


def test_the_guest_command_line_stays_short_with_many_scenarios(tmp_path, monkeypatch):
    """virtme-ng puts the command on the kernel's command line (2048 bytes on x86): fifteen
    scenario paths overflowed it and the guest hung idle. The arguments travel in a file."""
    from sysrec.kernels.boot import guest_command
    from sysrec.kernels import guest
    scenarios = [str(ROOT / "scenarios" / f"{'x' * 60}-{i}.toml") for i in range(40)]
    context = {"spec": "6.1", "accel": "tcg", "package": "linux-image-6.1.0-56-amd64", "package_version": "6.1.192-2"}
    line = guest_command(sys.executable, str(tmp_path), context, 5.0, scenarios, ["net.ipv4.tcp_syn_retries=2"],
                         3, False)
    assert len(line) < 400 and "--args-from" in line
    seen = {}
    monkeypatch.setattr(guest, "run_all", lambda ns: seen.setdefault("ns", ns) and 0)
    guest.main(["--args-from", str(tmp_path / "guest-args.json")])
    ns = seen["ns"]
    assert (ns.out, json.loads(ns.context), ns.scale, ns.repeat, ns.pins, ns.capture, ns.scenarios) == \
        (str(tmp_path), context, 5.0, 3, ["net.ipv4.tcp_syn_retries=2"], False, scenarios)


def test_paths_the_guest_hides_are_passed_read_only():
    from sysrec.kernels.boot import guest_mounts, hidden_in_guest, user_arguments
    assert hidden_in_guest("/var/tmp/x/y.toml") and hidden_in_guest("/run/user/1000/a")
    assert not hidden_in_guest("/var/tmpx/y") and not hidden_in_guest(str(ROOT)) and not hidden_in_guest("/tmp/a")
    assert guest_mounts(["/var/tmp", str(ROOT), "/var/tmp/"]) == ["--rodir=/var/tmp=/var/tmp"]
    assert user_arguments(0) == [] and user_arguments(65534) == ["--user", "root"]


def test_a_guest_allows_set_up_and_teardown_its_time_scale(monkeypatch):
    """Set-up allowances × the guest's scale: under TCG on a loaded machine a traced nc took 31 s
    to start (connection-refused was stopped at 45 s) and the delay link's helper missed 15 s."""
    from sysrec import link
    from sysrec.kernels import guest
    from sysrec.sandbox import runner
    monkeypatch.setattr(runner, "WORKER_SLACK", runner.WORKER_SLACK)
    monkeypatch.setattr(link, "READY_TIMEOUT_S", link.READY_TIMEOUT_S)
    monkeypatch.setattr(guest, "_HOST_VALUES", {})
    scenario = load_scenario(str(ROOT / "scenarios" / "connection-refused.toml"))
    host_budget, host_slack, host_link = runner._time_budget(scenario), runner.WORKER_SLACK, link.READY_TIMEOUT_S
    guest.scale_allowances(5)
    guest.scale_allowances(5)   # from the host's values, not compounded
    assert runner._time_budget(scenario) == host_budget + 4 * host_slack
    assert link.READY_TIMEOUT_S == 5 * host_link
