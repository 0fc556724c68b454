"""Scenario files: what to run, under which kernel settings, and what the client must see.

Pipeline: `parse.load_scenario(path)` → `Scenario`; `matrix.expand(scenario, pins)` → cells;
the sandbox runs each cell and writes records; `expect.evaluate(...)` checks a cell's records.
The format is documented in docs/scenarios.md.
"""

from sysrec.scenario.model import Cell, Comparison, Expectation, Matcher, Scenario

__all__ = ["Cell", "Comparison", "Expectation", "Matcher", "Scenario"]
