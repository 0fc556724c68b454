"""The scenarios shipped with sysrec, found by name: `sysrec run connection-refused`.

They are package data (`sysrec/scenarios/*.toml`), so any install has them. In the source tree
`sysrec/scenarios` is a link to the top-level `scenarios/` directory, where the README, the docs
and the tests name them (`scenarios/X.toml`) and where new scenarios are added: one copy, two
ways in. A wheel carries the files themselves.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from sysrec.errors import InputError

# What can only be a name, never a path: `sysrec run accept-queue-overflow`.
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


@dataclass(frozen=True)
class ShippedScenario:
    name: str
    path: str
    description: str


def shipped_dir() -> Path:
    """Where the installed package keeps its scenario files."""
    return Path(__file__).resolve().parent.parent / "scenarios"


def shipped_scenarios() -> list[ShippedScenario]:
    """Every shipped scenario, by name; a file that does not parse as TOML is listed with why."""
    out = []
    directory = shipped_dir()
    for path in sorted(directory.glob("*.toml")) if directory.is_dir() else []:
        try:
            with open(path, "rb") as fh:
                data = tomllib.load(fh)
        except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
            out.append(ShippedScenario(path.stem, str(path), f"(unreadable: {err})"))
            continue
        name = data.get("name") if isinstance(data.get("name"), str) else path.stem
        description = data.get("description") if isinstance(data.get("description"), str) else ""
        out.append(ShippedScenario(name, str(path), " ".join(description.split())))
    return out


def resolve_scenario(argument: str) -> str:
    """A scenario argument as a file path: a path that exists is used as is; a bare name (no
    `/`, no `.toml`) is looked up among the shipped scenarios. Anything else is returned
    unchanged, for the loader to report (`no such scenario file`)."""
    if os.path.exists(argument) or not _NAME.match(argument) or argument.endswith(".toml"):
        return argument
    for scenario in shipped_scenarios():
        if scenario.name == argument or Path(scenario.path).stem == argument:
            return scenario.path
    names = ", ".join(s.name for s in shipped_scenarios()) or "none"
    raise InputError(f"{argument}: no such scenario file, and no shipped scenario of that name "
                     f"(shipped: {names}; `sysrec scenarios` describes them)")
