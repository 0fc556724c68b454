"""Which cells can run on this kernel: `[requires]` checked against /proc/sys and the privilege.

A cell that cannot run is skipped with its reason; an optional sysctl this kernel lacks is left
unwritten and shows as "absent" in the cell's settings, so `[[expect]] when` can select on it.
"""

from __future__ import annotations

import os
from dataclasses import replace

from sysrec.scenario.model import Cell, Scenario
from sysrec.scenario.parse import ABSENT


def sysctl_exists(name: str) -> bool:
    return os.path.isfile(os.path.join("/proc/sys", *name.split(".")))


def skip_reason(scenario: Scenario) -> str | None:
    """Why no cell of `scenario` can run here, or None."""
    needs = scenario.requires
    if needs.root and os.geteuid() != 0:
        return "needs root (privilege = \"root\"); this run is unprivileged"
    missing = [name for name in needs.sysctls if not sysctl_exists(name)]
    if missing:
        return f"this kernel has no {', '.join(missing)}"
    return None


def applicable(scenario: Scenario, cell: Cell) -> tuple[Cell, Cell]:
    """(the cell as the summary and expectations see it, the cell as the sandbox writes it)."""
    absent = [name for name in scenario.requires.optional if name in cell.settings and not sysctl_exists(name)]
    if not absent:
        return cell, cell
    seen = replace(cell, settings={**cell.settings, **{name: ABSENT for name in absent}})
    written = replace(cell, settings={k: v for k, v in cell.settings.items() if k not in absent})
    return seen, written
