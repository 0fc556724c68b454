"""`sysrec report SCENARIO... [-o FILE.md] [--html FILE.html] [--from DIR] [--repeat N]`: the
failure-mode report, as Markdown (with each cell's ladder diagram in `img/` beside FILE.md) and
as one self-contained HTML page."""

from __future__ import annotations

import argparse
import os
import stat
import sys
import tempfile
from dataclasses import dataclass, field
from typing import Any

from sysrec.errors import InputError


@dataclass
class Rendered:
    """Everything the report writes, built while the records are still there."""

    markdown: str | None = None
    html: str | None = None
    ladders: dict[tuple[str, str], str] = field(default_factory=dict)   # (scenario, cell) → SVG


def _render(runs: list[Any], ns: argparse.Namespace) -> Rendered:
    from sysrec.render.ladder import record_ladder_svg
    from sysrec.render.report import build_report

    out = Rendered()
    for run in runs:
        for cell in run.cells:
            out.ladders[(run.name, cell.name)] = record_ladder_svg(cell.first)
    if ns.output or not ns.html:
        out.markdown = build_report(runs)
    if ns.html:
        from sysrec.render.html import build_html
        out.html = build_html(runs, out.ladders)
    return out


def _kernel_columns(ns: argparse.Namespace) -> list[Any]:
    """`--kernels DIR`: the kernel × cell table's columns, read before anything runs."""
    if not getattr(ns, "kernels_dir", None):
        return []
    from sysrec.render.report import load_kernel_columns
    return load_kernel_columns(ns.scenarios, ns.kernels_dir)


def _add_kernel_columns(runs: list[Any], columns: list[Any]) -> None:
    if columns:
        for run in runs:
            run.kernels = columns


def _run_and_render(paths: list[str], ns: argparse.Namespace, columns: list[Any] | None = None) -> Rendered:
    from sysrec.render.report import load_run, scenario_name
    from sysrec.sandbox.runner import run_scenario

    repeat = ns.repeat
    with tempfile.TemporaryDirectory(prefix="sysrec-report-") as tmp:
        runs = []
        for path in paths:
            name = scenario_name(path)
            out_dir = os.path.join(tmp, name)
            os.makedirs(out_dir)
            print(f"sysrec: running {path} ({repeat} run{'s' if repeat != 1 else ''} per cell)…", file=sys.stderr)
            run_scenario(path, repeat=repeat, out_dir=out_dir)
            runs.append(load_run(path, os.path.join(out_dir, "summary.json")))
        _add_kernel_columns(runs, columns or [])
        return _render(runs, ns)  # records are read here, before the directory goes away


def _writes_a_file(path: str) -> bool:
    """Whether -o names a file (new or regular) that images can sit beside; not stdout or a device."""
    if path == "-":
        return False
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except FileNotFoundError:
        return True
    except OSError:
        return False


def _write(path: str, text: str, label: str) -> None:
    from sysrec.atomic_file import atomic_output

    with atomic_output(path, label=label) as fh:
        fh.write(text)


def _write_images(markdown_path: str, ladders: dict[tuple[str, str], str]) -> int:
    """Each ladder as `img/<scenario>-<cell>.svg` beside the Markdown, where its links point."""
    from sysrec.render.report import IMAGE_DIR, ladder_image_path

    base = os.path.dirname(os.path.abspath(markdown_path))
    directory = os.path.join(base, IMAGE_DIR)
    created = not os.path.isdir(directory)
    try:
        os.makedirs(directory, exist_ok=True)
    except OSError as err:
        raise InputError(f"-o {markdown_path}: cannot create {directory}: {err.strerror}") from None
    try:
        for (scenario, cell), svg in ladders.items():
            _write(os.path.join(base, ladder_image_path(scenario, cell)), svg, "-o ")
    except BaseException:
        if created:  # a full disk, Ctrl-C: leave no half set of pictures behind
            import shutil
            shutil.rmtree(directory, ignore_errors=True)
        raise
    return len(ladders)


def main(ns: argparse.Namespace) -> int:
    from sysrec.scenario.catalog import resolve_scenario

    ns.scenarios = [resolve_scenario(path) for path in ns.scenarios]
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
    if ns.html and ns.output and os.path.abspath(ns.html) == os.path.abspath(ns.output) and ns.output != "-":
        raise InputError(f"--html {ns.html}: the same file as -o")
    columns = _kernel_columns(ns)   # bad input stops here, before anything runs
    if ns.from_dir:
        from sysrec.render.report import runs_from_dir
        runs = runs_from_dir(ns.scenarios, ns.from_dir)
        _add_kernel_columns(runs, columns)
        rendered = _render(runs, ns)
    else:
        rendered = _run_and_render(list(ns.scenarios), ns, columns)
    from sysrec.cstring import terminal_safe

    if ns.html:
        _write(ns.html, rendered.html or "", "--html ")
        if ns.html != "-":
            print(f"sysrec: wrote {ns.html}", file=sys.stderr)
    if rendered.markdown is not None:
        text = terminal_safe(rendered.markdown)  # names and values from scenario files and records
        if ns.output:
            images = _write_images(ns.output, rendered.ladders) if _writes_a_file(ns.output) else 0
            _write(ns.output, text, "-o ")
            if ns.output != "-":
                print(f"sysrec: wrote {ns.output}" + (f" and {images} diagram{'s' if images != 1 else ''} in "
                                                      f"{os.path.join(os.path.dirname(ns.output) or '.', 'img')}"
                                                      if images else ""), file=sys.stderr)
        else:
            sys.stdout.write(text)
    return 0
