"""Matrix expansion: the cartesian product of `[matrix]` values, narrowed by `--set` pins."""

from __future__ import annotations

import itertools
import re
from typing import Iterable

from sysrec.errors import InputError
from sysrec.scenario.model import VAR_PREFIX, Cell, Scenario, SysctlValue


def parse_pin(text: str) -> tuple[str, SysctlValue]:
    """`--set net.ipv4.tcp_abort_on_overflow=1` → (name, 1). Digits become integers."""
    from sysrec.scenario.parse import check_sysctl_name
    name, sep, value = text.partition("=")
    name, value = name.strip(), value.strip()
    if not sep or not name or not value:
        raise InputError(f"--set {text}: expected NAME=VALUE, e.g. net.ipv4.tcp_abort_on_overflow=1")
    problem = None if name.startswith(VAR_PREFIX) else check_sysctl_name(name)
    if problem:
        raise InputError(f"--set {text}: expected {problem}")
    return name, int(value) if re.fullmatch(r"-?\d+", value) else value


def cell_name(varied: dict[str, SysctlValue]) -> str:
    """Directory-safe, readable: `tcp_abort_on_overflow=1,somaxconn=1`; `default` without a matrix."""
    if not varied:
        return "default"
    parts = []
    for name, value in varied.items():
        short = name.rsplit(".", 1)[-1]
        text = re.sub(r"[^A-Za-z0-9_.-]+", "_", str(value))
        parts.append(f"{short}={text}")
    return ",".join(parts)


def expand(scenario: Scenario, pins: Iterable[str] = ()) -> list[Cell]:
    """Every cell to run, in matrix order. A pin on a matrix sysctl keeps only that value (any value
    may be pinned, listed or not); a pin on another sysctl overrides or adds a fixed setting."""
    fixed: dict[str, SysctlValue] = dict(scenario.sysctl)
    axes: dict[str, tuple[SysctlValue, ...]] = dict(scenario.matrix)
    for text in pins:
        name, value = parse_pin(text)
        if name.startswith(VAR_PREFIX) and name not in axes:
            known = ", ".join(n for n in axes if n.startswith(VAR_PREFIX)) or "none"
            raise InputError(f"--set {text}: expected a variable of the scenario's [matrix] ({known})")
        if name in axes:
            axes[name] = (value,)
        else:
            fixed[name] = value
    cells = []
    names = list(axes)
    for combo in itertools.product(*(axes[n] for n in names)):
        varied = dict(zip(names, combo))
        cells.append(Cell(name=cell_name(varied), settings={**fixed, **varied}, varied=varied))
    return cells
