"""`sysrec run SCENARIO... --kernel SPEC...`: the same scenarios on several kernels, one boot per
kernel, then each summary and a kernel × cell table of what the client saw."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from typing import Any, Callable

PrintResults = Callable[[dict[str, Any], str, bool], None]
PrintDiffs = Callable[[dict[str, Any], str], None]


def main_kernels(ns: argparse.Namespace, print_results: PrintResults, print_diffs: PrintDiffs) -> int:
    from sysrec.kernels.runs import parse_specs, run_on_kernels
    from sysrec.scenario.parse import load_scenario

    specs = parse_specs(ns.kernels)  # bad input stops here, before anything boots
    for path in ns.scenarios:
        load_scenario(path)  # a broken file stops here too (a sysctl this kernel lacks is the guest's to judge)
    out_dir = ns.out
    temporary = out_dir is None
    if temporary:
        out_dir = tempfile.mkdtemp(prefix="sysrec-run-")
    try:
        results = run_on_kernels(ns.scenarios, specs, out_dir=os.path.abspath(out_dir), pins=ns.pins,
                                 repeat=ns.repeat, capture=ns.capture, jobs=ns.jobs, on_step=_step_printer(ns))
        if not temporary:
            write_kernel_order(out_dir, [r.spec.label for r in results])
        if ns.json:
            json.dump([{"kernel": r.spec.text, "label": r.spec.label, "context": r.context,
                        "seconds": round(r.seconds, 1), "scenarios": r.summaries, "errors": r.errors}
                       for r in results], sys.stdout, indent=2)
            sys.stdout.write("\n")
        else:
            for result in results:
                for name, summary in result.summaries.items():
                    print_results(summary, os.path.join(result.out_dir, name), not temporary)
                    if ns.diff and len(results) == 1:  # one kernel: its cells against each other
                        print_diffs(summary, os.path.join(result.out_dir, name))
            if ns.diff and len(results) > 1:
                print_kernel_diffs(results)
            print_kernel_table(results)
    finally:
        if temporary:
            shutil.rmtree(out_dir, ignore_errors=True)
    return kernels_exit_status(results)


def kernels_exit_status(results: list[Any]) -> int:
    """1 when a scenario failed or could not run on some kernel, else 3 when some run was
    inconclusive (missed its [pacing]), else 0."""
    from sysrec.scenario.pacing import STATE_EXIT, combined_state, state_of

    if any(r.errors for r in results):
        return STATE_EXIT["failed"]
    state = combined_state([state_of(s) for r in results for s in r.summaries.values()])
    return STATE_EXIT.get(state, 1)


KERNEL_ORDER_FILE = "kernels.json"


def write_kernel_order(out_dir: str, labels: list[str]) -> None:
    """OUT/kernels.json: the --kernel order, so `sysrec report --from OUT` shows the columns (and
    takes its sections from the first kernel) as the run did."""
    from sysrec.atomic_file import atomic_output

    with atomic_output(os.path.join(out_dir, KERNEL_ORDER_FILE)) as fh:
        json.dump({"kernels": labels}, fh)
        fh.write("\n")


def _step_printer(ns: argparse.Namespace) -> Callable[[str], None]:
    def step(text: str) -> None:
        if not ns.json:
            print(f"sysrec: {text}", file=sys.stderr, flush=True)
    return step


CELL_MARKS = {"passed": ("✓", "green"), "failed": ("✗", "red"), "inconclusive": ("?", "magenta")}


def cell_text(cell: dict[str, Any]) -> tuple[str, str]:
    """(text, style) for one cell on one kernel: pass/fail/inconclusive/skipped and how the client ended."""
    from sysrec.scenario.pacing import state_of

    if cell.get("state") == "skipped":
        return f"skipped: {cell.get('reason', '')}", "yellow"
    ends = sorted({f"{o['end']} {o['exit_status']}" if o.get("end") == "exited" else str(o.get("end"))
                   for o in cell["outcomes"]})
    state = state_of(cell)
    mark, style = CELL_MARKS.get(state, CELL_MARKS["failed"])
    text = f"{mark} {cell['passed_runs']}/{cell['runs']} ({', '.join(ends)})"
    reasons = [o["inconclusive"] for o in cell["outcomes"] if o.get("inconclusive")]
    if state == "inconclusive" and reasons:
        text += f"; inconclusive: {reasons[0]}"
    return text, style


def print_kernel_table(results: list[Any]) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    width = None if sys.stdout.isatty() else int(os.environ.get("COLUMNS") or 120)
    console = Console(width=width)
    table = Table(title="kernel × cell")
    table.add_column("scenario / cell", no_wrap=True)
    for r in results:
        ctx = r.context
        head = f"{r.spec.label}\n{ctx.get('release', '')}"
        if ctx.get("package_version"):
            head += f"\n{ctx['package_version']}"
        head += f"\n{ctx.get('accel', '')}, {r.seconds:.0f} s"
        table.add_column(Text(head))
    rows: dict[tuple[str, str], dict[int, Text]] = {}
    for i, r in enumerate(results):
        for name, summary in r.summaries.items():
            for cell in summary["cells"]:
                text, style = cell_text(cell)
                rows.setdefault((name, cell["name"]), {})[i] = Text(text, style=style)
        for name, error in r.errors.items():
            rows.setdefault((name, "(error)"), {})[i] = Text(error, style="bold red")
    for (name, cell), by_kernel in rows.items():
        table.add_row(Text(f"{name} / {cell}"), *(by_kernel.get(i, Text("—")) for i in range(len(results))))
    console.print(table)


@dataclass
class KernelPair:
    """One cell's run 1 on the first kernel and on another: what `--diff` compares, or why it cannot."""

    scenario: str
    cell: str
    base: str
    other: str
    base_record: str | None
    other_record: str | None
    missing: str = ""  # why there is no diff: skipped or not run on one side


def _first_record(result: Any, scenario: str, cell_name: str) -> tuple[str | None, str]:
    summary = result.summaries.get(scenario)
    if summary is None:
        return None, f"did not run on {result.spec.label}"
    cell = next((c for c in summary["cells"] if c["name"] == cell_name), None)
    if cell is None:
        return None, f"no such cell on {result.spec.label}"
    if cell.get("state") == "skipped" or not cell.get("records"):
        return None, f"skipped on {result.spec.label}: {cell.get('reason', 'no record')}"
    return os.path.join(result.out_dir, scenario, cell["records"][0]), ""


def kernel_pairs(results: list[Any]) -> list[KernelPair]:
    """Every cell of every scenario, the first kernel (usually the host) against each other kernel."""
    if len(results) < 2:
        return []
    base, pairs = results[0], []
    cells: dict[str, list[str]] = {}
    for r in results:
        for name, summary in r.summaries.items():
            known = cells.setdefault(name, [])
            known += [c["name"] for c in summary["cells"] if c["name"] not in known]
    for name, cell_names in cells.items():
        for cell_name in cell_names:
            base_record, base_why = _first_record(base, name, cell_name)
            for other in results[1:]:
                other_record, other_why = _first_record(other, name, cell_name)
                pairs.append(KernelPair(name, cell_name, base.spec.label, other.spec.label, base_record,
                                        other_record, base_why or other_why))
    return pairs


def print_kernel_diffs(results: list[Any]) -> None:
    """`--diff` with several kernels: each cell's run 1, the first kernel against each other one."""
    from sysrec.render.diff import diff_paths, print_diff

    for pair in kernel_pairs(results):
        head = f"\n=== diff {pair.scenario} / {pair.cell}: {pair.base} → {pair.other} (run 1) ==="
        if pair.missing:
            print(f"{head}\n(no diff: {pair.missing})")
            continue
        print(head, flush=True)
        print_diff(diff_paths(pair.base_record or "", pair.other_record or ""))
