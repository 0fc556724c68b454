"""`sysrec run SCENARIO.toml`: run a scenario's matrix, show results and each cell's client trace.

Exit status: 0 when every expectation held in every repetition, 1 when one failed, 3 when none
failed but a run missed the scenario's [pacing] (inconclusive), 2 for bad input (raised as
SysrecError/InputError and printed by the CLI).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from collections import Counter
from typing import Any

from sysrec.errors import InputError


def main(ns: argparse.Namespace) -> int:
    from sysrec.sandbox.runner import run_scenario
    from sysrec.scenario.parse import load_scenario

    if ns.repeat < 1:
        raise InputError(f"--repeat {ns.repeat}: expected a positive number of runs")
    most = 4 * (os.cpu_count() or 1)
    if not 1 <= ns.jobs <= most:
        raise InputError(f"--jobs {ns.jobs}: expected 1 to {most} parallel runs (4 per CPU here)")
    if getattr(ns, "kernels", None):
        from sysrec.commands.run_kernels import main_kernels
        return main_kernels(ns, _print_results, _print_diffs)
    if len(getattr(ns, "scenarios", [ns.scenario])) > 1:
        raise InputError("several scenarios: run them one at a time, or all at once with --kernel")
    scenario = load_scenario(ns.scenario)
    out_dir = ns.out
    temporary = out_dir is None
    if temporary:
        out_dir = tempfile.mkdtemp(prefix="sysrec-run-")
    try:
        progress = _Progress(enabled=sys.stderr.isatty() and not ns.json)
        from sysrec.scenario.matrix import expand
        total = len(expand(scenario, ns.pins)) * ns.repeat
        with progress.started(scenario.name, total):
            summary = run_scenario(ns.scenario, pins=ns.pins, repeat=ns.repeat, out_dir=out_dir,
                                   jobs=ns.jobs, capture=ns.capture, scenario=scenario,
                                   on_run_done=progress.run_done, on_tick=progress.tick,
                                   allow_foreign_out=ns.allow_foreign_out)
        if ns.json:
            json.dump(summary, sys.stdout, indent=2)
            sys.stdout.write("\n")
        else:
            _print_results(summary, out_dir, keep=not temporary)
            if ns.diff:
                _print_diffs(summary, out_dir)
    finally:
        if temporary:
            shutil.rmtree(out_dir, ignore_errors=True)
    from sysrec.scenario.pacing import STATE_EXIT, state_of
    return STATE_EXIT.get(state_of(summary), 1)


class _Progress:
    """A rich progress bar on stderr, refreshed from the runner's loop (no refresh thread, since
    workers are forked from this process)."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.bar: Any = None
        self.task: Any = None

    def started(self, name: str, total: int) -> Any:
        import contextlib
        if not self.enabled:
            return contextlib.nullcontext()
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
        self.bar = Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                            TimeElapsedColumn(), console=Console(stderr=True), auto_refresh=False,
                            transient=True)
        self.task = self.bar.add_task(name, total=total)
        return self.bar

    def run_done(self, job: Any, outcome: dict[str, Any]) -> None:
        if self.bar is not None:
            self.bar.update(self.task, advance=1, description=f"{job.scenario.name} [{job.cell.name}]")
            self.bar.refresh()

    def tick(self) -> None:
        if self.bar is not None:
            self.bar.refresh()


def _outcome_text(cell: dict[str, Any]) -> str:
    ends = Counter(f"{o['end']} {o['exit_status']}" if o.get("end") == "exited" else str(o.get("end"))
                   for o in cell["outcomes"])
    return ", ".join(f"{text} ×{n}" if n > 1 else text for text, n in ends.items())


def _expectation_lines(cell: dict[str, Any]) -> list[tuple[bool | None, str]]:
    lines = []
    runs = cell["runs"]
    for check in cell["expectations"]:
        ok = check["failed_runs"] == 0
        label = check["says"] or f"{check['key']} ({check['kind']})"
        text = f"{label} [{check['passed_runs']}/{runs}]"
        if not ok:
            reason = next((f["reason"] for f in cell["failed"] if f["expectation"] == check["key"]), "")
            text += f"\n    {check['key']}: {reason}"
        lines.append((ok, text))
    return lines


MARKS = {True: ("✓", "green"), False: ("✗", "bold red"), None: ("?", "bold magenta")}   # None: inconclusive
STATE_STYLE = {"passed": "green", "failed": "red", "inconclusive": "magenta", "skipped": "yellow"}
VERDICTS = {"passed": "every expectation held", "failed": "some expectations FAILED",
            "inconclusive": "INCONCLUSIVE: a run did not achieve the pacing the scenario relies on (see [pacing]); "
                            "its results say nothing about the kernel (exit 3)"}


def _print_results(summary: dict[str, Any], out_dir: str, keep: bool) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from sysrec.scenario.pacing import state_of

    # A pipe gets rich's 80 columns by default: too narrow for the table and the trace lines.
    width = None if sys.stdout.isatty() else int(os.environ.get("COLUMNS") or 120)
    console = Console(width=width)
    console.print(Text(f"{summary['scenario']}: {summary['description']}", style="bold"))
    console.print(f"kernel {_kernel_text(summary)}, {summary['repeat']} run(s) per cell")
    table = Table()
    table.add_column("cell", no_wrap=True)
    table.add_column("runs passed", justify="right", no_wrap=True)
    table.add_column("client ended")
    table.add_column("", no_wrap=True)
    table.add_column("expectation [runs it held]", ratio=1)
    for cell in summary["cells"]:
        if cell.get("state") == "skipped":
            table.add_row(Text(cell["name"], style="yellow"), "0/0", "skipped", "",
                          Text(cell.get("reason", ""), style="yellow"), end_section=True)
            continue
        style = STATE_STYLE.get(state_of(cell), "red")
        lines = _expectation_lines(cell) or [(True, "(no expectation for this cell)")]
        lines += [(None, f"inconclusive, run {o['run']}: {o['inconclusive']}") for o in cell["outcomes"]
                  if o.get("inconclusive")]
        for i, (ok, text) in enumerate(lines):
            first = i == 0
            table.add_row(Text(cell["name"], style=style) if first else "",
                          f"{cell['passed_runs']}/{cell['runs']}" if first else "",
                          _outcome_text(cell) if first else "",
                          Text(*MARKS[ok]), text,
                          end_section=i == len(lines) - 1)
    console.print(table)
    for cell in summary["cells"]:
        if not cell["outcomes"]:
            continue
        shown = next((o for o in cell["outcomes"] if not o["passed"]), cell["outcomes"][0])
        path = os.path.join(out_dir, shown["record"])
        what = "first failing run" if not shown["passed"] else "run 1"
        console.rule(f"{cell['name']} — client trace ({what})")
        _print_trace(path, console)
        if keep:
            console.print(Text(f"record: {path}", style="dim"))
    state = state_of(summary)
    console.print(Text(VERDICTS.get(state, VERDICTS["failed"]), style="bold " + STATE_STYLE.get(state, "red")))
    if keep:
        console.print(Text(f"summary: {os.path.join(out_dir, 'summary.json')}", style="dim"))


def _kernel_text(summary: dict[str, Any]) -> str:
    """`6.1.0-56-amd64 (linux-image-6.1.0-56-amd64 6.1.192-2, tcg)`, or just uname -r on the host."""
    extra = [f"{summary['package']} {summary.get('package_version') or ''}".strip()] if summary.get("package") else []
    if summary.get("accel") and summary["accel"] != "host":
        extra.append(str(summary["accel"]))
    return summary["kernel"] + (f" ({', '.join(extra)})" if extra else "")


def _print_trace(path: str, console: Any) -> None:
    """The annotated timeline when that renderer exists, else plain strace text."""
    from sysrec.record import open_record
    record = open_record(path)
    try:
        from sysrec.render.timeline import render_timeline
    except ImportError:
        render_timeline = None  # type: ignore[assignment]
    if render_timeline is not None:
        render_timeline(record, console=console)
        return
    try:
        from sysrec.render import strace_text  # type: ignore[attr-defined]
        for line in strace_text.record_lines(record):  # type: ignore[attr-defined]
            console.print(line, markup=False, highlight=False)
    except (ImportError, AttributeError):
        for event in record.events():
            if event.get("ev") == "syscall":
                console.print(f"{event['name']}(...) = {event.get('ret')} {event.get('errno') or ''}",
                              markup=False, highlight=False)


def _print_diffs(summary: dict[str, Any], out_dir: str) -> None:
    """Each pair of neighbouring cells, run 1 against run 1."""
    try:
        from sysrec.render.diff import diff_paths, print_diff
    except ImportError:
        print("sysrec: --diff: the diff renderer is not available in this build", file=sys.stderr)
        return
    cells = summary["cells"]
    for left, right in zip(cells, cells[1:]):
        print(f"\n=== diff {left['name']} → {right['name']} (run 1) ===")
        print_diff(diff_paths(os.path.join(out_dir, left["records"][0]),
                              os.path.join(out_dir, right["records"][0])))
