"""`sysrec report SCENARIO.toml... [-o FILE.md] [--from DIR] [--repeat N]`: the failure-mode report."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile

from sysrec.errors import InputError


def _write_atomically(path: str, text: str) -> None:
    from sysrec.atomic_file import atomic_output

    with atomic_output(path, label="-o ") as fh:
        fh.write(text)


def _run_and_build(paths: list[str], repeat: int) -> str:
    from sysrec.render.report import build_report, load_run, scenario_name
    from sysrec.sandbox.runner import run_scenario

    with tempfile.TemporaryDirectory(prefix="sysrec-report-") as tmp:
        runs = []
        for path in paths:
            name = scenario_name(path)
            out_dir = os.path.join(tmp, name)
            os.makedirs(out_dir)
            print(f"sysrec: running {path} ({repeat} run{'s' if repeat != 1 else ''} per cell)…", file=sys.stderr)
            run_scenario(path, repeat=repeat, out_dir=out_dir)
            runs.append(load_run(path, os.path.join(out_dir, "summary.json")))
        return build_report(runs)  # records are read here, before the directory goes away


def main(ns: argparse.Namespace) -> int:
    for path in ns.scenarios:
        if not os.path.isfile(path):
            raise InputError(f"{path}: no such scenario file")
    from sysrec.render.report import scenario_name

    names: dict[str, str] = {}
    for path in ns.scenarios:
        name = scenario_name(path)
        if name in names:
            raise InputError(f"{path}: scenario {name!r} is given twice (also as {names[name]})")
        names[name] = path
    if ns.repeat < 1:
        raise InputError(f"--repeat {ns.repeat}: expected a positive number of runs")
    if ns.from_dir:
        from sysrec.render.report import build_report, runs_from_dir
        text = build_report(runs_from_dir(ns.scenarios, ns.from_dir))
    else:
        text = _run_and_build(list(ns.scenarios), ns.repeat)
    from sysrec.cstring import terminal_safe

    text = terminal_safe(text)  # names and values from scenario files and records
    if ns.output:
        _write_atomically(ns.output, text)
        print(f"sysrec: wrote {ns.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0
