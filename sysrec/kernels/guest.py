"""Runs inside the guest (`python -m sysrec.kernels.guest`): every scenario of the invocation in
this one boot, each into OUT/<scenario>/, then stamps the kernel's context into every record
header and summary.json. Errors are written to OUT/<scenario>/error.json for the host to show.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import platform
import sys
from typing import Any

from sysrec.atomic_file import atomic_output
from sysrec.scenario.model import Scenario


def scaled(scenario: Scenario, factor: float) -> Scenario:
    """Start timeouts × factor: an emulated guest starts servers and probes several times slower."""
    if factor == 1:
        return scenario
    server = scenario.server
    if server is not None:
        server = dataclasses.replace(server, start_timeout=server.start_timeout * factor)
    preload = tuple(dataclasses.replace(step, timeout=step.timeout * factor) for step in scenario.preload)
    return dataclasses.replace(scenario, server=server, preload=preload)


def stamp(directory: str, kernel: dict[str, Any]) -> None:
    """Add context.kernel to the header (first line) of every record under `directory`."""
    for root, _, names in os.walk(directory):
        for name in names:
            if not name.endswith(".jsonl"):
                continue
            path = os.path.join(root, name)
            with open(path, encoding="utf-8") as fh:
                lines = fh.readlines()
            if not lines:
                continue
            head = json.loads(lines[0])
            if head.get("ev") != "header":
                continue
            head.setdefault("context", {})["kernel"] = kernel
            lines[0] = json.dumps(head, separators=(",", ":")) + "\n"
            with atomic_output(path) as fh:
                fh.writelines(lines)


def write_summary(out: str, summary: dict[str, Any], kernel: dict[str, Any]) -> None:
    """summary.json again, with the kernel's accel, package and package version."""
    summary.update(kernel=kernel["release"], accel=kernel.get("accel"), package=kernel.get("package"),
                   package_version=kernel.get("package_version"), kernel_spec=kernel.get("spec"))
    with atomic_output(os.path.join(out, "summary.json")) as fh:
        json.dump(summary, fh, indent=2)
        fh.write("\n")


# Allowances for set-up and teardown (module constants) that a guest scales like start timeouts:
# under TCG on a loaded machine a traced nc took 31 s just to start (the runner allows 30 s), and
# the delay link's helper did not answer within 15 s. The guest process runs nothing else, so
# these constants are its own to change.
SCALED_ALLOWANCES = (("sysrec.sandbox.runner", "WORKER_SLACK"), ("sysrec.link", "READY_TIMEOUT_S"))
_HOST_VALUES: dict[tuple[str, str], float] = {}


def scale_allowances(factor: float) -> None:
    import importlib
    for module_name, attribute in SCALED_ALLOWANCES:
        module = importlib.import_module(module_name)
        host = _HOST_VALUES.setdefault((module_name, attribute), getattr(module, attribute))
        setattr(module, attribute, host * factor)


def run_all(ns: argparse.Namespace) -> int:
    from sysrec.errors import SysrecError
    from sysrec.sandbox.runner import run_scenario
    from sysrec.scenario.parse import load_scenario

    scale_allowances(ns.scale)

    kernel = {**json.loads(ns.context), "release": platform.release()}
    with atomic_output(os.path.join(ns.out, "guest.json")) as fh:
        json.dump(kernel, fh)
    failed = 0
    for path in ns.scenarios:
        name = os.path.splitext(os.path.basename(path))[0]
        out = os.path.join(ns.out, name)
        os.makedirs(out, exist_ok=True)
        try:
            scenario = scaled(load_scenario(path), ns.scale)
            out = os.path.join(ns.out, scenario.name)
            os.makedirs(out, exist_ok=True)
            # The guest runs as root (also for an ordinary user's --kernel), and OUT is the caller's
            # own directory shared over 9p, so it shows the caller's uid: the VM is the caller's.
            summary = run_scenario(path, pins=ns.pins, repeat=ns.repeat, out_dir=out, capture=ns.capture,
                                   scenario=scenario, allow_foreign_out=True)
        except SysrecError as err:
            with atomic_output(os.path.join(out, "error.json")) as fh:
                json.dump({"scenario": path, "error": str(err), "status": err.exit_status}, fh)
            failed += 1
            continue
        stamp(out, kernel)
        write_summary(out, summary, kernel)
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) == 2 and argv[0] == "--args-from":  # written by the host (boot.guest_command)
        with open(argv[1], encoding="utf-8") as fh:
            argv = json.load(fh)
    parser = argparse.ArgumentParser(prog="python -m sysrec.kernels.guest")
    parser.add_argument("--out", required=True)
    parser.add_argument("--context", required=True, help="JSON: spec, accel, package, package_version")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--set", dest="pins", action="append", default=[])
    parser.add_argument("--no-capture", dest="capture", action="store_false")
    parser.add_argument("scenarios", nargs="+")
    return run_all(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
