"""The failure-mode report as one self-contained HTML page: `sysrec report ... --html FILE`.

Everything is inline (CSS, the ladder diagrams as SVG elements): the page opens from a file, a
mail attachment or a CI artifact with no network, and fetches nothing. It holds what the
Markdown report holds for each scenario — the cell table, why, the counters, the timelines
(as text in <pre>) and the diffs between cells — plus a ladder diagram per cell (run 1).
Text from scenario files and records is escaped (`xml_text`).
"""

from __future__ import annotations

from typing import Mapping, Sequence

from sysrec.render.diff import diff_lines, diff_records
from sysrec.render.ladder import xml_text as esc
from sysrec.render.report import (
    EXCERPT_AROUND, KernelColumn, ScenarioRun, client_outcome, counter_rows, display_path, expectations_summary,
    kernel_table, why_items,
)
from sysrec.render.timeline import build_timeline, timeline_lines

STYLE = """
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #212121;
       max-width: 1260px; margin: 0 auto; padding: 16px 24px 64px; background: #fafafa; }
h1 { font-size: 26px; margin: 8px 0 4px; }
h2 { font-size: 21px; margin: 40px 0 6px; padding-top: 12px; border-top: 2px solid #cfd8dc; }
h3 { font-size: 16px; margin: 22px 0 6px; }
nav a { margin-right: 12px; }
.desc { font-style: italic; margin: 4px 0; }
.meta { color: #616161; font-size: 13px; }
table { border-collapse: collapse; margin: 6px 0 10px; background: #fff; }
th, td { border: 1px solid #cfd8dc; padding: 4px 8px; text-align: left; vertical-align: top; font-size: 13px; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.pass { color: #2e7d32; } .fail { color: #c62828; font-weight: bold; }
.inconclusive { color: #6a1b9a; } .skipped { color: #8d6e00; }
code, pre { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; }
pre { background: #fff; border: 1px solid #e0e0e0; padding: 8px; overflow-x: auto; font-size: 12px;
      line-height: 1.35; }
figure { margin: 10px 0 18px; }
figcaption { font-weight: bold; margin-bottom: 4px; }
figure svg { display: block; max-width: 100%; height: auto; border: 1px solid #e0e0e0; }
details > summary { cursor: pointer; color: #37474f; }
li { margin: 2px 0; }
"""


def _table(head: Sequence[str], rows: Sequence[Sequence[str]], numeric: Sequence[int] = ()) -> list[str]:
    """Cells are markup already (escaped by the caller)."""
    out = ["<table>", "<tr>" + "".join(f"<th>{h}</th>" for h in head) + "</tr>"]
    for row in rows:
        cells = [f'<td class="num">{c}</td>' if i in numeric else f"<td>{c}</td>" for i, c in enumerate(row)]
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</table>")
    return out


def _pre_text(lines: Sequence[str]) -> str:
    """Lines of text in <pre>, each escaped on its own (a newline inside a line stays spelled out)."""
    return "<pre>" + "\n".join(esc(line) for line in lines) + "</pre>"


def scenario_html(run: ScenarioRun, ladders: Mapping[tuple[str, str], str]) -> list[str]:
    s = run.summary
    out = [f'<section id="{esc(run.name)}">', f"<h2>{esc(run.name)}</h2>",
           f'<p class="desc">{esc(s.get("description", ""))}</p>',
           f'<p class="meta">Scenario file <code>{esc(display_path(run.path))}</code> · kernel '
           f'<code>{esc(s.get("kernel", "?"))}</code> · runs per cell: {esc(s.get("repeat", 1))}</p>']
    if run.comment:
        out += ["<details><summary>The failure mode, as the scenario file explains it</summary>",
                _pre_text(run.comment.splitlines()), "</details>"]

    out.append("<h3>What the client sees</h3>")
    rows = []
    for cell in run.cells:
        verdict = expectations_summary(cell.summary)
        css = ENTRY_CLASS.get(verdict[:1], "fail")
        rows.append([f"<code>{esc(cell.name)}</code>", esc(client_outcome(cell.first)),
                     f'<span class="{css}">{esc(verdict)}</span>'])
    out += _table(["cell", "client-visible outcome (run 1)", "expectations"], rows)

    out.append("<h3>Ladder diagrams (run 1)</h3>")
    for cell in run.cells:
        svg = ladders.get((run.name, cell.name))
        if svg:
            out += [f"<figure><figcaption>{esc(cell.name)}</figcaption>", svg, "</figure>"]

    out.append("<h3>Why</h3><ul>")
    whys = why_items(run.cells)
    for cell in run.cells:
        items = whys[cell.name]
        if not items:
            out.append(f"<li><b><code>{esc(cell.name)}</code></b>: no failure explained by the annotation rules.</li>")
            continue
        out.append(f"<li><b><code>{esc(cell.name)}</code></b><ul>")
        out += [f"<li>{esc(text)} — kernel: <code>{esc(ref)}</code></li>" for text, ref in items]
        out.append("</ul></li>")
    out.append("</ul>")

    out.append("<h3>Kernel counters (change over the run, run 1)</h3>")
    counters = counter_rows(run)
    if counters:
        head = ["counter"] + [f"<code>{esc(c.name)}</code>" for c in run.cells] + ["what it counts"]
        body = [[esc(name)] + [f"{v:+d}" for v in values] + [f"{esc(meaning)} (<code>{esc(where)}</code>)"]
                for name, values, meaning, where in counters]
        out += _table(head, body, numeric=range(1, len(run.cells) + 1))
    else:
        out.append("<p>No counter of interest changed.</p>")

    out.append("<h3>Timelines (run 1)</h3>")
    for cell in run.cells:
        timeline = build_timeline(cell.first)
        out.append(f"<h4><code>{esc(cell.name)}</code>: around the events that explain the outcome</h4>")
        out.append(_pre_text(timeline_lines(timeline, around=EXCERPT_AROUND, show_refs=False)))
        full = timeline_lines(timeline)
        out += [f"<details><summary>the whole timeline ({len(timeline.rows)} rows, with kernel references)"
                f"</summary>", _pre_text(full), "</details>"]

    if len(run.cells) > 1:
        out.append("<h3>Diff between cells (run 1)</h3>")
        base = run.cells[0]
        for other in run.cells[1:]:
            out.append(f"<p><code>{esc(base.name)}</code> → <code>{esc(other.name)}</code>:</p>")
            out.append(_pre_text(diff_lines(diff_records(base.first, other.first), show_paths=False)))
    out.append("</section>")
    return out


# an entry's first character (kernel_cell_text's mark) → its CSS class
ENTRY_CLASS = {"✔": "pass", "✘": "fail", "?": "inconclusive", "s": "skipped", "—": "skipped"}


def kernel_table_html(runs: Sequence[ScenarioRun], columns: Sequence[KernelColumn]) -> list[str]:
    """The kernel × cell table of `sysrec run --kernel` (the Markdown report's, same data)."""
    head = ["scenario / cell"] + ["<br>".join(esc(part) for part in c.heading()) for c in columns]
    rows = []
    for scenario, cell, entries in kernel_table(runs, columns):
        rows.append([f'<a href="#{esc(scenario)}">{esc(scenario)}</a> / <code>{esc(cell)}</code>']
                    + [f'<span class="{ENTRY_CLASS.get(e[:1], "")}">{esc(e)}</span>' for e in entries])
    return (['<section id="kernels">', "<h2>What the client sees on each kernel</h2>",
             f'<p class="meta">The same scenarios run with <code>sysrec run --kernel</code> on {len(columns)} '
             "kernel(s), run 1 of each cell: ✔/✘ the scenario's expectations held or not; ? inconclusive (the run "
             "missed the timing the scenario relies on); skipped: the kernel lacks what the scenario requires.</p>"]
            + _table(head, rows) + ["</section>"])


def build_html(runs: Sequence[ScenarioRun], ladders: Mapping[tuple[str, str], str]) -> str:
    """The page; `ladders` maps (scenario, cell) to that cell's SVG (run 1)."""
    kernels = ", ".join(sorted({str(r.summary.get("kernel", "?")) for r in runs})) or "?"
    out = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           "<title>Failure modes a TCP client sees</title>", f"<style>{STYLE}</style>", "</head>", "<body>",
           "<h1>Failure modes a TCP client sees</h1>",
           f'<p class="meta">Generated by <code>sysrec report</code> from the records of <code>sysrec run</code> '
           f"· kernel {esc(kernels)}. Every timeline line is a recorded system call or packet; every "
           f"explanation names the kernel code behind it.</p>",
           "<nav>" + "".join(f'<a href="#{esc(r.name)}">{esc(r.name)}</a>' for r in runs) + "</nav>"]
    columns = next((r.kernels for r in runs if r.kernels), [])
    if columns:
        out += kernel_table_html(runs, columns)
    for run in runs:
        out += scenario_html(run, ladders)
    out += ["</body>", "</html>"]
    return "\n".join(out) + "\n"
