"""`python -m sysrec.kernels.compact RUN_DIR DEST`: the kernel × cell results of a
`sysrec run --kernel … --out RUN_DIR`, small enough to keep in the repository (docs/data/kernels).

DEST/<kernel>/<scenario>/summary.json is the run's summary without records: `records` empty,
each ran cell's `client` the client-visible outcome of run 1 (what `sysrec report` puts in the
table, read from the record before it is left behind), plus DEST/kernels.json, the column order.
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


def compact_summary(summary_path: Path) -> dict[str, Any]:
    from sysrec.record import open_record
    from sysrec.render.report import digest_record, read_summary

    summary = read_summary(summary_path)
    for cell in summary.get("cells") or []:
        records = cell.get("records") or []
        if records and (summary_path.parent / records[0]).is_file():
            cell["client"] = digest_record(open_record(summary_path.parent / records[0])).outcome
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
