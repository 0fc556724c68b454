"""`python -m sysrec.kernels.compact RUN_DIR DEST`: the kernel × cell results of a
`sysrec run --kernel … --out RUN_DIR`, small enough to keep in the repository (docs/data/kernels).

DEST/<kernel>/<scenario>/summary.json is the run's summary without records: `records` empty,
each ran cell's `client` the client-visible outcome of run 1 and `counters` its key counter
deltas (what `sysrec report` puts in the table, read from the record before it is left behind), plus DEST/kernels.json, the column order.
A shipped scenario's runs are judged again against its current `[pacing]` on the way.
`sysrec report … --kernels DEST` renders the table from it.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from pathlib import Path
from typing import Any

from sysrec.errors import InputError


def rejudge_pacing(summary: dict[str, Any], base: Path, pacing: Any) -> None:
    """Each run's state again under the scenario's current `[pacing]` (a bound or `when` may have
    changed since the run; the expectations' verdicts stay as recorded in `failed`)."""
    from sysrec.scenario.expect import load_facts
    from sysrec.scenario.pacing import check_pacing, combined_state, state_of, state_of_run

    for cell in summary.get("cells") or []:
        if cell.get("state") == "skipped":
            continue
        failed_runs = {f.get("run") for f in cell.get("failed") or []}
        for outcome in cell.get("outcomes") or []:
            record = base / str(outcome.get("record", ""))
            if not record.is_file():
                continue
            verdict = check_pacing(pacing, load_facts(str(record)), cell.get("settings") or {})
            outcome["state"] = state_of_run(outcome.get("run") not in failed_runs, verdict)
            outcome["passed"] = outcome["state"] == "passed"
            for key, value in (("pacing", verdict.measured), ("inconclusive", verdict.reason)):
                if value:
                    outcome[key] = value
                else:
                    outcome.pop(key, None)
        cell["state"] = combined_state([state_of(o) for o in cell.get("outcomes") or []])
        cell["passed"] = cell["state"] == "passed"
        cell["passed_runs"] = sum(1 for o in cell.get("outcomes") or [] if o.get("passed"))
    summary["state"] = combined_state([state_of(c) for c in summary.get("cells") or []])
    summary["passed"] = summary["state"] == "passed"
    if pacing is not None:
        summary["pacing"] = {"says": pacing.says, "bounds_ms": dict(pacing.bounds)}
    else:
        summary.pop("pacing", None)


def _current_pacing(name: str) -> tuple[str | None, Any]:
    """(the shipped scenario's file, its [pacing] as it reads now); (None, None) for another."""
    from sysrec.scenario.catalog import resolve_scenario
    from sysrec.scenario.parse import load_scenario

    path = resolve_scenario(name)
    if not os.path.isfile(path):
        return None, None
    return f"scenarios/{os.path.basename(path)}", load_scenario(path, check_programs=False).pacing


def compact_summary(summary_path: Path) -> dict[str, Any]:
    from sysrec.annotate.counters import key_counters
    from sysrec.record import open_record
    from sysrec.render.report import digest_record, read_summary

    summary = read_summary(summary_path)
    shipped, pacing = _current_pacing(str(summary.get("scenario")))
    if shipped and (pacing is not None or "pacing" in summary):   # untouched where pacing never mattered
        rejudge_pacing(summary, summary_path.parent, pacing)
    if shipped:
        summary["file"] = shipped   # not the path of whatever checkout ran it
    for cell in summary.get("cells") or []:
        records = cell.get("records") or []
        if records and (summary_path.parent / records[0]).is_file():
            digest = digest_record(open_record(summary_path.parent / records[0]))
            cell["client"] = digest.outcome
            cell["counters"] = key_counters(digest.deltas)
        cell["records"] = []
        for outcome in cell.get("outcomes") or []:
            outcome.pop("record", None)
    return summary


def compact(run_dir: str, dest: str) -> list[str]:
    """Writes DEST from RUN_DIR; returns the summaries written (relative to DEST)."""
    from sysrec.atomic_file import atomic_output
    from sysrec.render.report import kernel_dirs

    dirs = kernel_dirs(run_dir)
    if not dirs:
        raise InputError(f"{run_dir}: expected the --out directory of `sysrec run --kernel` "
                         "(DIR/<kernel>/<scenario>/summary.json)")
    written = []
    for directory in dirs:
        for summary_path in sorted(directory.glob("*/summary.json")):
            rel = os.path.join(directory.name, summary_path.parent.name, "summary.json")
            target = os.path.join(dest, rel)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with atomic_output(target) as fh:
                json.dump(compact_summary(summary_path), fh, indent=1, ensure_ascii=False)
                fh.write("\n")
            written.append(rel)
    order = Path(run_dir) / "kernels.json"
    if order.is_file():
        shutil.copyfile(order, os.path.join(dest, "kernels.json"))
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sysrec.kernels.compact",
                                     description="keep a --kernel run's summaries (no records) for the report")
    parser.add_argument("run_dir", metavar="RUN_DIR")
    parser.add_argument("dest", metavar="DEST")
    ns = parser.parse_args(argv)
    try:
        written = compact(ns.run_dir, ns.dest)
    except InputError as err:
        print(f"sysrec: {err}", file=sys.stderr)
        return 2
    print(f"sysrec: wrote {len(written)} summaries to {ns.dest}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
