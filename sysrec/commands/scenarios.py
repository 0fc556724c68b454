"""`sysrec scenarios`: the shipped scenarios, each with its one-line description; any of the
names can be given to `sysrec run NAME` or `sysrec report NAME` from any directory."""

from __future__ import annotations

import argparse
import sys


def main(ns: argparse.Namespace) -> int:
    from sysrec.cstring import terminal_safe
    from sysrec.scenario.catalog import shipped_dir, shipped_scenarios

    scenarios = shipped_scenarios()
    if not scenarios:
        print(f"sysrec: no scenario files in {shipped_dir()}", file=sys.stderr)
        return 1
    if ns.paths:
        for scenario in scenarios:
            sys.stdout.write(terminal_safe(f"{scenario.name}\t{scenario.path}", keep_newlines=False) + "\n")
        return 0
    width = max(len(s.name) for s in scenarios)
    for scenario in scenarios:
        line = f"{scenario.name:<{width}}  {scenario.description}"
        sys.stdout.write(terminal_safe(line, keep_newlines=False) + "\n")
    return 0
