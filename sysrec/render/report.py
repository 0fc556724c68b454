"""The failure-mode report: per scenario, what the client saw in each cell and why, in Markdown.

Each cell's ladder diagram (run 1) is linked as `img/<scenario>-<cell>.svg`, relative to the
report, as GitHub renders it; `sysrec report -o FILE.md` writes those files beside FILE.md.

Input is what `sysrec run --out DIR` leaves behind (summary.json + records) and the scenario
file itself (its description and leading comment). Everything in the report is derived from
those files, so the same inputs always give the same text; only the numbers inside the
timeline and diff excerpts (times, ports, sequence numbers, pids) change from run to run.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

from sysrec.annotate.counters import KEY_COUNTERS
from sysrec.annotate.facts import READ_CALLS, READINESS_CALLS, WRITE_CALLS, so_error_value, syscall_outcome
from sysrec.errors import InputError
from sysrec.record import Record, open_record
from sysrec.render.diff import diff_lines, diff_records
from sysrec.annotate.engine import fd_endpoint
from sysrec.render.stream import scan_record
from sysrec.scenario.pacing import state_of
from sysrec.render.timeline import (
    NON_NETWORK_ENDPOINTS, TimelineRow, iter_collapsed, iter_timeline_lines, shown_events, timeline_rows,
    timeline_title,
)

EXCERPT_AROUND = 2
OUTCOME_CALLS = frozenset({"connect", "accept", "accept4"}) | READINESS_CALLS | READ_CALLS | WRITE_CALLS

SEED_SECTION = """\
## The seed's experiment (2.6.32) and what this kernel does

The experiment this project started from ran a Ruby `TCPServer` that never calls `accept()` and
connected to it with `nc` over and over. On that 2.6.32-era kernel, a SYN was still answered
while the accept queue was full; the handshake's final ACK then found no room, and
`tcp_check_req()` (through `syn_recv_sock()` failing, `ListenOverflows` and `ListenDrops` +1)
either dropped the ACK (`tcp_abort_on_overflow=0`) or answered it with a RST
(`tcp_abort_on_overflow=1`, `EmbryonicRsts` +1). `nc` showed the RST as
`connect() = -1 EINPROGRESS`, `select()` ready, `getsockopt(SO_ERROR)` = `ECONNRESET`:
"Connection reset by peer".

Since Linux 4.10 (commit 5ea8ea2cb7f1, "tcp/dccp: drop SYN packets if accept queue is full"),
`tcp_conn_request()` drops a SYN whenever the accept queue is full. The same Ruby server and `nc`
clients on kernel {kernel} see no reset at all: the SYN is never answered, the client
retransmits it, and `nc -w` ends in a `select()` timeout. `ListenOverflows` and `ListenDrops` still
rise; `EmbryonicRsts` stays 0 whatever `tcp_abort_on_overflow` says.

The reset still happens on this kernel when the queue fills *between* a SYN-ACK and its final ACK:
the listener answered the SYN while it had room, and by the time the ACK lands the queue is full.
Latency between client and server produces that ordering in real networks; the scenarios below
produce it with a client that delays its final ACK (`TCP_DEFER_ACCEPT` set before `connect()`),
or with a delay link between client and server.
{crossref}

| | 2.6.32 (the seed) | {kernel} (this machine) |
|---|---|---|
| SYN arrives, accept queue full | answered with SYN-ACK | dropped (`tcp_conn_request()`), ListenOverflows +1 |
| client sees | EINPROGRESS, then `SO_ERROR` = ECONNRESET (abort=1) | EINPROGRESS, then SYN retransmits and a timeout |
| final ACK arrives, queue full | abort=1: RST, EmbryonicRsts +1; abort=0: ACK dropped | the same (`tcp_check_req()`), when the SYN was answered first |
"""


# Scenarios that answer the seed's question, and what each shows (linked when in the report).
SEED_CROSSREFS = (
    ("nc-replay", "runs the seed's Ruby server and nc clients on this kernel"),
    ("accept-queue-overflow", "shows the reset that still happens, through getsockopt(SO_ERROR) like the seed's nc"),
    ("accept-queue-overflow-send", "shows it to a client that only polls and sends"),
    ("burst-over-latency", "gets it from latency with real nc clients"),
)


@dataclass
class CellRecords:
    name: str
    settings: dict[str, Any]
    summary: dict[str, Any]
    records: list[Record]

    digested: RecordDigest | None = None

    @property
    def first(self) -> Record:
        return self.records[0]

    def digest(self) -> RecordDigest:
        """The first run's digest, made once: the report reads each record twice in all."""
        if self.digested is None:
            self.digested = digest_record(self.first)
        return self.digested


@dataclass
class ScenarioRun:
    """A scenario file and the records of one `sysrec run` of it."""

    path: str
    summary: dict[str, Any]
    cells: list[CellRecords]
    comment: str
    kernels: list[KernelColumn] = field(default_factory=list)   # set when read from a `run --kernel` DIR

    @property
    def name(self) -> str:
        return str(self.summary.get("scenario"))


@dataclass
class KernelColumn:
    """One kernel of `sysrec run --kernel … --out DIR` (DIR/<label>/<scenario>/summary.json): its
    run of each scenario that ran there."""

    label: str
    runs: dict[str, ScenarioRun] = field(default_factory=dict)

    def heading(self) -> list[str]:
        """`6.1`, `6.1.0-56-amd64`, `6.1.192-2 · tcg`: from the summaries run_kernels wrote."""
        summary = next((r.summary for r in self.runs.values()), {})
        parts = [self.label, str(summary.get("kernel") or "?")]
        extra = [str(summary[k]) for k in ("package_version", "accel") if summary.get(k) and summary.get(k) != "host"]
        if extra:
            parts.append(" · ".join(extra))
        return parts


def kernel_text(summary: dict[str, Any]) -> str:
    """`6.1.0-56-amd64` and, for a guest, its package version and accel: uname -r alone does not
    tell the behaviour (Debian backports changes)."""
    extra = [str(summary[k]) for k in ("package_version", "accel") if summary.get(k) and summary.get(k) != "host"]
    return f"`{summary.get('kernel', '?')}`" + (f" ({', '.join(extra)})" if extra else "")


def leading_comment(path: str | os.PathLike[str]) -> str:
    """The `#` block a scenario file begins with: its author's account of the failure mode."""
    lines = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if not line.startswith("#"):
                break
            lines.append(line[1:].rstrip("\n")[1:] if line.startswith("# ") else line[1:].rstrip("\n"))
    return "\n".join(lines).strip()


def scenario_name(path: str | os.PathLike[str]) -> str:
    """The scenario's `name`; the report needs nothing else from the file (the run summary has the rest)."""
    import tomllib
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except OSError as err:
        raise InputError(f"{path}: cannot read: {err.strerror}") from None
    except tomllib.TOMLDecodeError as err:
        raise InputError(f"{path}: not valid TOML ({err})") from None
    name = data.get("name")
    if not isinstance(name, str) or not name:
        raise InputError(f"{path}: key 'name': expected a non-empty string")
    return name


def find_summary(from_dir: str | os.PathLike[str], name: str) -> Path:
    """`DIR/summary.json` or `DIR/*/summary.json` whose scenario is `name`."""
    base = Path(from_dir)
    if not base.is_dir():
        raise InputError(f"--from {from_dir}: not a directory")
    candidates = [base / "summary.json"] + sorted(base.glob("*/summary.json"))
    seen = []
    for path in candidates:
        if not path.is_file():
            continue
        data = read_summary(path)
        seen.append(str(data.get("scenario")))
        if data.get("scenario") == name:
            return path
    found = f" (found: {', '.join(seen)})" if seen else ""
    raise InputError(f"--from {from_dir}: no summary.json for scenario {name!r}{found}; "
                     f"run `sysrec run SCENARIO.toml --out DIR` first")


def read_summary(path: Path) -> dict[str, Any]:
    """A summary.json as `sysrec run` writes it (docs/scenarios.md), or one line saying why not."""
    def bad(why: str) -> InputError:
        return InputError(f"{path}: not a summary.json of sysrec run ({why})")

    try:
        data = json.loads(path.read_bytes().decode("utf-8"),
                          parse_constant=lambda name: (_ for _ in ()).throw(ValueError(name)))
    except OSError as err:
        raise InputError(f"{path}: cannot read: {err.strerror}") from None
    except UnicodeDecodeError:
        raise bad("not UTF-8") from None
    except RecursionError:
        raise bad("nested too deeply") from None
    except ValueError as err:
        raise bad(f"not JSON: {getattr(err, 'msg', err)}") from None
    if not isinstance(data, dict):
        raise bad("not a JSON object")
    cells = data.get("cells", [])
    if not isinstance(cells, list) or not all(isinstance(c, dict) for c in cells):
        raise bad('"cells" is not a list of objects')
    for cell in cells:
        records = cell.get("records", [])
        if not isinstance(records, list) or not all(isinstance(r, str) and r for r in records):
            raise bad('a cell\'s "records" is not a list of paths')
        if not isinstance(cell.get("settings", {}), dict):
            raise bad('a cell\'s "settings" is not an object')
    return data


def load_run(scenario_path: str | os.PathLike[str], summary_path: str | os.PathLike[str], *,
             need_records: bool = True) -> ScenarioRun:
    """With need_records=False (a kernel column, whose table entry a compact summary's `client`
    text can give) cells may come without records."""
    summary_path = Path(summary_path)
    summary = read_summary(summary_path)
    cells = []
    for cell in summary.get("cells") or []:
        if cell.get("state") == "skipped":  # it could not run on that kernel: nothing to show
            continue
        records = []
        for rel in cell.get("records") or []:
            if need_records or (summary_path.parent / rel).is_file():
                records.append(open_record(summary_path.parent / rel))
        if not records and need_records:
            raise InputError(f"{summary_path}: cell {cell.get('name')!r} lists no records")
        cells.append(CellRecords(str(cell.get("name")), dict(cell.get("settings") or {}), cell, records))
    return ScenarioRun(os.fspath(scenario_path), summary, cells, leading_comment(scenario_path))


# --- what the client saw -------------------------------------------------------------------

def client_outcome(record: Record) -> str:
    """The calls whose results a client acts on, counted: `connect EINPROGRESS ×3 · SO_ERROR=ECONNRESET ×2`."""
    outcomes = OutcomeCounter()
    for event in shown_events(record):
        outcomes.feed(event)
    return outcomes.text(record.footer or {})


class OutcomeCounter:
    """`client_outcome` one event at a time (timeline order)."""

    def __init__(self) -> None:
        self.per_call: dict[str, Counter[str]] = {}

    def feed(self, event: dict[str, Any]) -> None:
        if event.get("ev") != "syscall":
            return
        name = event.get("name", "")
        # `[client] inject` made the result: said so, apart from the same result the network made
        injected = " (injected)" if event.get("injected") else ""
        if name == "getsockopt" and so_error_value(event) is not None:
            self.per_call.setdefault("getsockopt", Counter())[syscall_outcome(event) + injected] += 1
        elif name in OUTCOME_CALLS and _on_socket(event):
            self.per_call.setdefault(name, Counter())[syscall_outcome(event) + injected] += 1

    def text(self, footer: dict[str, Any]) -> str:
        parts = []
        for name, outcomes in self.per_call.items():
            shown = ", ".join(f"{o}" + (f" ×{n}" if n > 1 else "") for o, n in outcomes.items())
            parts.append(f"{name} {shown}")
        parts.append(f"exit {footer.get('exit_status', '?')}" if footer.get("end") == "exited"
                     else f"ended: {footer.get('end', '?')}")
        return " · ".join(parts)


@dataclass
class RecordDigest:
    """All the report shows of one record, from two streaming passes (a scan, then the rows)."""

    outcome: str
    explanations: dict[str, tuple[str, str, bool]]   # rule → (text, kernel ref, key), first appearance
    deltas: dict[str, int]
    excerpt: list[str]


def digest_record(record: Record) -> RecordDigest:
    scan = scan_record(record)
    outcomes = OutcomeCounter()
    seen: dict[str, tuple[str, str, bool]] = {}
    passes = 0

    def rows() -> Iterator[TimelineRow]:
        nonlocal passes
        passes += 1
        if passes > 1:  # --around found nothing interesting and reads the rows again
            return iter_collapsed(timeline_rows(record, scan))
        return _noting(iter_collapsed(timeline_rows(record, scan, on_event=outcomes.feed)))

    def _noting(collapsed: Iterator[TimelineRow]) -> Iterator[TimelineRow]:
        for row in collapsed:
            a = row.annotation
            if a is not None and a.rule_id not in seen:
                seen[a.rule_id] = (a.text, a.ref, a.key)
            yield row

    title = timeline_title(record.header, record.footer or {"end": "truncated"})
    excerpt = list(iter_timeline_lines(title, rows, around=EXCERPT_AROUND, show_refs=False))
    return RecordDigest(outcomes.text(record.footer or {}), seen, scan.counters.all_deltas(), excerpt)


def _on_socket(event: dict[str, Any]) -> bool:
    """Whether a call was about the network: not stdout writes, not glibc asking nscd's UNIX socket."""
    if str(fd_endpoint(event) or "").startswith(NON_NETWORK_ENDPOINTS):
        return False
    if event.get("name") not in READ_CALLS | WRITE_CALLS:
        return True
    args = event.get("args") or []
    first = args[0] if args else None
    fd = first.get("$fd") if isinstance(first, dict) else first
    info = (event.get("fds") or {}).get(str(fd))
    if info:
        return any(str(v).startswith(("socket:", "TCP", "UDP")) for v in info.values())
    return isinstance(fd, int) and fd > 2


def explanations(record: Record, *, key_only: bool = True) -> dict[str, tuple[str, str]]:
    """The distinct explanations of a record by rule, in order of first appearance: (text, kernel ref)."""
    return _explanations(digest_record(record), key_only)


def _explanations(digest: RecordDigest, key_only: bool) -> dict[str, tuple[str, str]]:
    return {rule: (text, ref) for rule, (text, ref, key) in digest.explanations.items() if key or not key_only}


def why_items(cells: Sequence[CellRecords]) -> dict[str, list[tuple[str, str]]]:
    """Per cell, the explanations that say why its client saw what it saw.

    The key explanations (failures and their causes) when there are any; for a cell where nothing
    failed, what sets it apart: its explanations that not every other cell shares.
    """
    every = {cell.name: _explanations(cell.digest(), key_only=False) for cell in cells}
    out = {}
    for cell in cells:
        key = _explanations(cell.digest(), key_only=True)
        if key or len(cells) == 1:
            out[cell.name] = list(key.values())
            continue
        others = [set(every[c.name]) for c in cells if c.name != cell.name]
        common = set.intersection(*others) if others else set()
        out[cell.name] = [v for rule_id, v in every[cell.name].items() if rule_id not in common]
    return out


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|")


IMAGE_DIR = "img"
_UNSAFE_IN_NAME = re.compile(r"[^A-Za-z0-9._=-]")


def ladder_image_path(scenario: str, cell: str) -> str:
    """Where a cell's ladder diagram goes, relative to the report: `img/<scenario>-<cell>.svg`,
    with anything but letters, digits and `._=-` (a comma between matrix axes) as `_`."""
    return f"{IMAGE_DIR}/{_UNSAFE_IN_NAME.sub('_', f'{scenario}-{cell}')}.svg"


def expectations_summary(cell: dict[str, Any]) -> str:
    checks = cell.get("expectations") or []
    runs = int(cell.get("runs") or 0)
    held = sum(1 for c in checks if not c.get("failed_runs"))
    text = f"{held}/{len(checks)} held in {cell.get('passed_runs', 0)}/{runs} runs"
    state = state_of(cell)
    if state == "inconclusive":
        text += " (inconclusive: a run missed the scenario's [pacing])"
    return KERNEL_MARKS.get(state, KERNEL_MARKS["failed"]) + " " + text


def counter_rows(run: ScenarioRun) -> list[tuple[str, list[int], str, str]]:
    """The key counters that changed in some cell (run 1): name, change per cell, meaning, where."""
    deltas = {cell.name: cell.digest().deltas for cell in run.cells}
    rows = []
    for name in KEY_COUNTERS:
        if any(d.get(name) for d in deltas.values()):
            meaning, where = KEY_COUNTERS[name]
            rows.append((name, [deltas[c.name].get(name, 0) for c in run.cells], meaning, where))
    return rows


def display_path(path: str) -> str:
    """A scenario file as the report names it: relative to here when below here."""
    return _display_path(path)


def scenario_section(run: ScenarioRun) -> list[str]:
    s = run.summary
    out = [f"## {run.name}", "", f"> {s.get('description', '')}", ""]
    out.append(f"Scenario file `{_display_path(run.path)}` · kernel {kernel_text(s)} · "
               f"runs per cell: {s.get('repeat', 1)}")
    out.append("")
    if run.comment:
        out += ["<details><summary>The failure mode, as the scenario file explains it</summary>", "",
                "```text", run.comment, "```", "", "</details>", ""]

    out += ["### What the client sees", "", "| cell | client-visible outcome (run 1) | expectations |",
            "|---|---|---|"]
    for cell in run.cells:
        out.append(f"| `{cell.name}` | {_md_escape(cell.digest().outcome)} | {expectations_summary(cell.summary)} |")
    out.append("")

    out += ["### Ladder diagrams (run 1)", ""]
    for cell in run.cells:
        out += [f"![{run.name}, {cell.name}: the client's syscalls and the packets between client and server]"
                f"({ladder_image_path(run.name, cell.name)})", ""]

    out += ["### Why", ""]
    whys = why_items(run.cells)
    for cell in run.cells:
        items = whys[cell.name]
        if not items:
            out.append(f"- **`{cell.name}`**: no failure explained by the annotation rules.")
            continue
        out.append(f"- **`{cell.name}`**:")
        for text, ref in items:
            out.append(f"  - {text} — kernel: `{ref}`")
    out.append("")

    out += ["### Kernel counters (change over the run, run 1)", ""]
    rows = counter_rows(run)
    if rows:
        out.append("| counter | " + " | ".join(f"`{c.name}`" for c in run.cells) + " | what it counts |")
        out.append("|---|" + "---:|" * len(run.cells) + "---|")
        for name, values, meaning, where in rows:
            shown = " | ".join(f"{v:+d}" for v in values)
            out.append(f"| {name} | {shown} | {meaning} (`{where}`) |")
    else:
        out.append("No counter of interest changed.")
    out.append("")

    out += ["### Timelines (around the events that explain the outcome)", ""]
    for cell in run.cells:
        out += [f"#### `{cell.name}`", "", "```text"]
        out += cell.digest().excerpt
        out += ["```", ""]

    if len(run.cells) > 1:
        out += ["### Diff between cells", ""]
        base = run.cells[0]
        for other in run.cells[1:]:
            result = diff_records(base.first, other.first)
            out += [f"`{base.name}` → `{other.name}`:", "", "```text"]
            out += diff_lines(result, show_paths=False)
            out += ["```", ""]
    return out


def _display_path(path: str) -> str:
    """Relative to here when below here; a shipped scenario as `scenarios/<file>`, however it
    was named (no local install paths in a report)."""
    from sysrec.scenario.catalog import shipped_dir

    resolved = Path(path).resolve()
    if resolved.parent == shipped_dir().resolve():
        return f"scenarios/{resolved.name}"
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return path
    return rel if not rel.startswith("..") else path


def build_report(runs: Sequence[ScenarioRun]) -> str:
    kernels = sorted({str(r.summary.get("kernel", "?")) for r in runs}) or ["?"]
    out = ["# Failure modes a TCP client sees", "",
           "Generated by `sysrec report` from the records of `sysrec run`; regenerate it with",
           "`sysrec report scenarios/*.toml --from DIR [--kernels DIR] -o docs/failure-modes.md` (which also writes each",
           "cell's ladder diagram to `docs/img/`; `--html FILE` makes one self-contained page of it all).",
           "Every timeline line is a recorded system call or packet; every explanation names the kernel",
           "code behind it.", "",
           "Scenarios: " + ", ".join(f"[{r.name}](#{r.name})" for r in runs), ""]
    names = {r.name for r in runs}
    refs = [f"[{n}](#{n}) {what}" for n, what in SEED_CROSSREFS if n in names]
    crossref = ("\nIn this report: " + "; ".join(refs) + ".") if refs else ""
    out += SEED_SECTION.format(kernel=", ".join(kernels), crossref=crossref).splitlines()
    out.append("")
    columns = next((r.kernels for r in runs if r.kernels), [])
    if columns:
        out += kernel_table_section(runs, columns)
    for run in runs:
        out += scenario_section(run)
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n"


def runs_from_dir(scenario_paths: Iterable[str], from_dir: str | os.PathLike[str]) -> list[ScenarioRun]:
    dirs = kernel_dirs(from_dir)
    if dirs:
        return runs_across_kernels(scenario_paths, from_dir, dirs)
    runs = []
    for path in scenario_paths:
        summary = find_summary(from_dir, scenario_name(path))
        runs.append(load_run(path, summary))
    return runs


# --- one scenario, many kernels -------------------------------------------------------------

def kernel_cell_text(run: ScenarioRun | None, cell_name: str) -> str:
    """What the client saw in one cell on one kernel (run 1), or why there is nothing to see."""
    if run is None:
        return "— (did not run)"
    summary_cell = next((c for c in run.summary.get("cells") or [] if c.get("name") == cell_name), None)
    if summary_cell is None:
        return "— (no such cell)"
    if summary_cell.get("state") == "skipped":
        return f"skipped: {summary_cell.get('reason', '')}"
    mark = KERNEL_MARKS.get(state_of(summary_cell), KERNEL_MARKS["failed"])
    seen = summary_cell.get("client")   # a compact summary (sysrec.kernels.compact) keeps run 1's outcome
    if not isinstance(seen, str):
        cell = next((c for c in run.cells if c.name == cell_name and c.records), None)
        seen = cell.digest().outcome if cell is not None else "(no record)"
    text = f"{mark} {seen}"
    reason = next((o.get("inconclusive") for o in summary_cell.get("outcomes") or [] if o.get("inconclusive")), None)
    if state_of(summary_cell) == "inconclusive" and reason:
        text += f" — inconclusive: {reason}"
    return text


# ✔ the expectations held, ✘ they did not, ? the run missed the pacing the scenario relies on
KERNEL_MARKS = {"passed": "✔", "failed": "✘", "inconclusive": "?"}


def kernel_table(runs: Sequence[ScenarioRun], columns: Sequence[KernelColumn]) -> list[tuple[str, str, list[str]]]:
    """(scenario, cell, one entry per kernel) for every cell any kernel ran: the data of the
    kernel × cell table, for the Markdown here and any other renderer."""
    rows = []
    for run in runs:
        names: list[str] = []
        for column in columns:
            other = column.runs.get(run.name)
            for cell in (other.summary.get("cells") or []) if other else []:
                if cell.get("name") not in names:
                    names.append(str(cell.get("name")))
        for name in names:
            entries = [kernel_cell_text(c.runs.get(run.name), name) for c in columns]
            rows.append((run.name, name, _with_differing_counters(entries, [
                kernel_cell_counters(c.runs.get(run.name), name) for c in columns])))
    return rows


def kernel_cell_counters(run: ScenarioRun | None, cell_name: str) -> dict[str, int] | None:
    """Run 1's key counter deltas in one cell on one kernel (a compact summary keeps them as
    `counters`); None when the cell did not run there, or ran without its pacing (inconclusive:
    its counters tell the timing, not the kernel)."""
    from sysrec.annotate.counters import key_counters
    if run is None:
        return None
    summary_cell = next((c for c in run.summary.get("cells") or [] if c.get("name") == cell_name), None)
    if summary_cell is None or state_of(summary_cell) in ("skipped", "inconclusive"):
        return None
    kept = summary_cell.get("counters")
    if isinstance(kept, dict):
        return {str(k): int(v) for k, v in kept.items()}
    cell = next((c for c in run.cells if c.name == cell_name and c.records), None)
    return key_counters(cell.digest().deltas) if cell is not None else None


def _with_differing_counters(entries: list[str], counters: list[dict[str, int] | None]) -> list[str]:
    """Each entry with the key counters that differ between the kernels that ran the cell: what
    the client's calls alone do not show (syn-drop-timeout: the same ETIMEDOUT, 3 SYNs or 6)."""
    ran = [c for c in counters if c is not None]
    if len(ran) < 2:
        return entries
    names = [n for n in dict.fromkeys(n for c in ran for n in c) if len({c.get(n, 0) for c in ran}) > 1]
    if not names:
        return entries
    out = []
    for entry, values in zip(entries, counters):
        if values is None:
            out.append(entry)
            continue
        shown = ", ".join(f"{n} {values.get(n, 0):+d}" for n in names)
        outcome, sep, why = entry.partition(" — ")   # the counters before an inconclusive's reason
        out.append(f"{outcome} [{shown}]{sep}{why}")
    return out


def kernel_table_section(runs: Sequence[ScenarioRun], columns: Sequence[KernelColumn]) -> list[str]:
    """A kernel × cell table of the client-visible outcome: the same scenario, another server kernel."""
    out = ["## What the client sees on each kernel", "",
           f"The same scenarios run with `sysrec run --kernel` on {len(columns)} kernel{'s' if len(columns) != 1 else ''} "
           "(run 1 of each cell; "
           "✔/✘: the scenario's expectations held or not; ?: inconclusive, the run missed the timing the "
           "scenario relies on; [counters]: key counters that differ between the kernels). "
           + _sections_sentence(runs, columns), "",
           "| scenario / cell | " + " | ".join("<br>".join(map(_md_escape, c.heading())) for c in columns) + " |",
           "|---|" + "---|" * len(columns)]
    for scenario, cell, entries in kernel_table(runs, columns):
        out.append(f"| {_md_escape(scenario)} / `{cell}` | " + " | ".join(map(_md_escape, entries)) + " |")
    out.append("")
    return out


def _sections_sentence(runs: Sequence[ScenarioRun], columns: Sequence[KernelColumn]) -> str:
    """Which kernel the sections below come from, once per kernel rather than once per scenario."""
    by_label: dict[str, list[str]] = {}
    for run in runs:
        by_label.setdefault(_kernel_label(run, columns), []).append(run.name)
    if len(by_label) == 1:
        return f"The sections below show this kernel: `{next(iter(by_label))}`."
    return "The sections below show " + "; ".join(f"{', '.join(names)} on `{label}`"
                                                   for label, names in by_label.items()) + "."


def _kernel_label(run: ScenarioRun, columns: Sequence[KernelColumn]) -> str:
    """The column a section's run came from; with `--kernels DIR` the sections come from `--from`."""
    return next((c.label for c in columns if c.runs.get(run.name) is run), str(run.summary.get("kernel", "?")))


def load_kernel_columns(scenario_paths: Iterable[str], kernels_dir: str | os.PathLike[str]) -> list[KernelColumn]:
    """`report --kernels DIR`: the kernel columns of a `run --kernel … --out DIR`, or of its compact
    copy (summaries only, e.g. docs/data/kernels); scenarios that ran on no kernel there get "—"."""
    dirs = kernel_dirs(kernels_dir)
    if not dirs:
        raise InputError(f"--kernels {kernels_dir}: expected the --out directory of `sysrec run --kernel` "
                         "(DIR/<kernel>/<scenario>/summary.json)")
    columns = [KernelColumn(d.name) for d in dirs]
    for path in scenario_paths:
        name = scenario_name(path)
        for column, directory in zip(columns, dirs):
            summary = _summary_in(directory, name)
            if summary is not None:
                column.runs[name] = load_run(path, summary, need_records=False)
    return columns


def _natural_key(text: str) -> list[Any]:
    """`6.1` before `6.12` before `linux-image-…`: numbers compared as numbers."""
    return [(0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"(\d+)", text) if part]


def _kernel_order(base: Path) -> list[str]:
    """The --kernel order the run wrote to DIR/kernels.json; [] when absent or unreadable (the
    order is a nicety: the directories themselves are the data)."""
    try:
        labels = json.loads((base / "kernels.json").read_text(encoding="utf-8")).get("kernels")
    except (OSError, ValueError, AttributeError):
        return []
    return [str(label) for label in labels] if isinstance(labels, list) else []


def kernel_dirs(from_dir: str | os.PathLike[str]) -> list[Path]:
    """The kernel directories of `sysrec run --kernel … --out DIR`: in the run's --kernel order,
    others after it `host` first then by version; [] when DIR is a plain run's (its summary.json
    at DIR or DIR/<scenario>/)."""
    base = Path(from_dir)
    if not base.is_dir() or (base / "summary.json").is_file() or any(base.glob("*/summary.json")):
        return []
    found = {p.parent.parent for p in base.glob("*/*/summary.json")}
    order = _kernel_order(base)
    return sorted(found, key=lambda d: (order.index(d.name) if d.name in order else len(order),
                                        d.name != "host", _natural_key(d.name)))


def _summary_in(directory: Path, name: str) -> Path | None:
    """DIR/<kernel>/<x>/summary.json whose scenario is `name`; None when it did not run there."""
    for path in [directory / name / "summary.json"] + sorted(directory.glob("*/summary.json")):
        if path.is_file() and read_summary(path).get("scenario") == name:
            return path
    return None


def runs_across_kernels(scenario_paths: Iterable[str], from_dir: str | os.PathLike[str],
                        dirs: Sequence[Path]) -> list[ScenarioRun]:
    """Each scenario's run on the first kernel it ran on (the sections), all kernels in `.kernels` (the table)."""
    columns = [KernelColumn(d.name) for d in dirs]
    primary = []
    for path in scenario_paths:
        name = scenario_name(path)
        for column, directory in zip(columns, dirs):
            summary = _summary_in(directory, name)
            if summary is not None:
                column.runs[name] = load_run(path, summary)
        first = next((c.runs[name] for c in columns if name in c.runs), None)
        if first is None:
            raise InputError(f"--from {from_dir}: no summary.json for scenario {name!r} under any kernel "
                             f"({', '.join(c.label for c in columns)})")
        primary.append(first)
    for run in primary:
        run.kernels = columns
    return primary

