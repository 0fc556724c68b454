"""`sysrec run --kernel`: each scenario on each kernel, one boot per kernel.

Output layout: OUT/<kernel label>/<scenario>/summary.json and records below it, for the host as
for guests. Every summary carries `kernel` (uname -r), `accel`, `package`, `package_version` and
`kernel_spec`; every record header carries the same in context.kernel.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
from dataclasses import dataclass, field
from typing import Any, Callable

from sysrec.errors import InputError, SysrecError
from sysrec.kernels.spec import KernelSpec, modules_beside, parse_kernel_spec

StepHook = Callable[[str], None]


@dataclass
class KernelResult:
    """One kernel's results: a summary per scenario that ran, an error line per one that did not."""

    spec: KernelSpec
    context: dict[str, Any]
    out_dir: str
    summaries: dict[str, dict[str, Any]] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0


def check_prerequisites(specs: list[KernelSpec]) -> None:
    """Before any run: qemu and virtme-ng are there when a guest is wanted (bad input: exit 2)."""
    if all(s.kind == "host" for s in specs):
        return
    from sysrec.kernels.boot import find_vng
    if shutil.which("qemu-system-x86_64") is None:
        raise InputError("--kernel: qemu-system-x86_64 not found (apt-get install qemu-system-x86; "
                         "`sysrec doctor` checks the rest)")
    if find_vng() is None:
        raise InputError("--kernel needs virtme-ng: pip install 'sysrec[kernels]' (`sysrec doctor` checks the rest)")
    for spec in specs:
        if spec.kind == "path" and modules_beside(spec.vmlinuz or "") is None:
            raise InputError(f"--kernel {spec.text}: no lib/modules/<version> beside it "
                             "(expected the tree of an unpacked .deb: DIR/boot/vmlinuz-V, DIR/lib/modules/V)")


def parse_specs(texts: list[str]) -> list[KernelSpec]:
    specs = [parse_kernel_spec(t) for t in texts]
    labels = [s.label for s in specs]
    if len(set(labels)) != len(labels):
        raise InputError(f"--kernel: the same kernel twice ({', '.join(texts)})")
    check_prerequisites(specs)
    return specs


def _scenario_name(path: str) -> str:
    from sysrec.scenario.parse import load_scenario
    try:
        return load_scenario(path, check_programs=False).name
    except InputError:
        return os.path.splitext(os.path.basename(path))[0]


def _run_on_host(spec: KernelSpec, scenarios: list[str], out_dir: str, pins: list[str], repeat: int,
                 capture: bool, jobs: int) -> KernelResult:
    from sysrec.kernels.guest import stamp, write_summary
    from sysrec.sandbox.runner import run_scenario
    context = {"spec": "host", "accel": "host", "package": None, "package_version": None,
               "release": platform.release()}
    result = KernelResult(spec, context, out_dir)
    for path in scenarios:
        name = _scenario_name(path)
        out = os.path.join(out_dir, name)
        try:
            summary = run_scenario(path, pins=pins, repeat=repeat, out_dir=out, jobs=jobs, capture=capture)
        except SysrecError as err:
            result.errors[name] = str(err)
            continue
        stamp(out, context)
        write_summary(out, summary, context)
        result.summaries[name] = summary
    return result


def _guest_budget(scenarios: list[str], pins: list[str], repeat: int, scale: float) -> float:
    from sysrec.kernels.boot import BOOT_BUDGET
    from sysrec.sandbox.runner import _time_budget
    from sysrec.scenario.matrix import expand
    from sysrec.scenario.parse import load_scenario
    total = BOOT_BUDGET
    for path in scenarios:
        try:
            scenario = load_scenario(path, check_programs=False)
        except InputError:
            total += 120 * scale
            continue
        total += len(expand(scenario, pins)) * repeat * _time_budget(scenario) * scale
    return total


def _run_in_guest(spec: KernelSpec, scenarios: list[str], out_dir: str, pins: list[str], repeat: int,
                  capture: bool, accel: str, on_step: StepHook) -> KernelResult:
    import sys
    from sysrec.kernels.boot import TIME_SCALE, boot_and_run, guest_command
    from sysrec.kernels.fetch import fetch_package
    if spec.kind == "package":
        cached = fetch_package(spec.package or "", on_step)
        vmlinuz, package, version = cached.vmlinuz, cached.package, cached.version
    else:
        vmlinuz, package, version = spec.vmlinuz or "", None, None
        meta = os.path.join(os.path.dirname(os.path.dirname(vmlinuz)), "kernel.json")
        if os.path.exists(meta):  # a tree from sysrec's own cache
            with open(meta, encoding="utf-8") as fh:
                data = json.load(fh)
            package, version = data.get("package"), data.get("version")
    context = {"spec": spec.text, "accel": accel, "package": package, "package_version": version}
    os.makedirs(out_dir, exist_ok=True)
    scale = TIME_SCALE[accel]
    command = guest_command(sys.executable, out_dir, context, scale, [os.path.abspath(p) for p in scenarios],
                            pins, repeat, capture)
    on_step(f"booting {spec.label} ({accel})")
    log = os.path.join(out_dir, "console.log")
    modules = modules_beside(vmlinuz)
    boot_and_run(vmlinuz, out_dir, command, accel, log, _guest_budget(scenarios, pins, repeat, scale),
                 read_paths=[os.path.abspath(p) for p in scenarios] + ([modules] if modules else []))
    guest_json = os.path.join(out_dir, "guest.json")
    if not os.path.exists(guest_json):
        raise SysrecError(f"--kernel {spec.text}: the guest did not start sysrec (console: {log}; "
                          "`sysrec doctor` checks qemu, virtme-ng, kmod, udev)")
    with open(guest_json, encoding="utf-8") as fh:
        result = KernelResult(spec, json.load(fh), out_dir)
    for path in scenarios:
        name = _scenario_name(path)
        summary_path = os.path.join(out_dir, name, "summary.json")
        error_path = os.path.join(out_dir, name, "error.json")
        if os.path.exists(summary_path):
            with open(summary_path, encoding="utf-8") as fh:
                result.summaries[name] = json.load(fh)
        elif os.path.exists(error_path):
            with open(error_path, encoding="utf-8") as fh:
                result.errors[name] = json.load(fh)["error"]
        else:
            result.errors[name] = f"no result came back from the guest (console: {log})"
    return result


def run_on_kernels(scenarios: list[str], specs: list[KernelSpec], *, out_dir: str, pins: list[str],
                   repeat: int, capture: bool, jobs: int = 1,
                   on_step: StepHook = lambda text: None) -> list[KernelResult]:
    """Every scenario on every kernel; guests one at a time (two emulated guests on a small
    machine disturb each other's timing)."""
    import time
    from sysrec.kernels.accel import probe_kvm
    accel = None
    results = []
    for spec in specs:
        started = time.monotonic()
        target = os.path.join(out_dir, spec.label)
        if spec.kind == "host":
            on_step("running on this machine's kernel")
            result = _run_on_host(spec, scenarios, target, pins, repeat, capture, jobs)
        else:
            if accel is None:
                accel = "kvm" if probe_kvm()[0] else "tcg"
            result = _run_in_guest(spec, scenarios, target, pins, repeat, capture, accel, on_step)
        result.seconds = time.monotonic() - started
        results.append(result)
    return results
