"""One scenario, many kernels, rendered: the report's kernel × cell table read from a
`sysrec run --kernel … --out DIR` tree, the kernel in timeline titles, and `--diff` across
kernels. The trees are hand-made from tests/data/real (no guest boots here)."""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sysrec.commands import run_kernels
from sysrec.kernels.guest import stamp
from sysrec.kernels.runs import KernelResult
from sysrec.kernels.spec import KernelSpec
from sysrec.render.report import build_report, kernel_dirs, runs_from_dir
from sysrec.render.timeline import timeline_title

ROOT = Path(__file__).parents[1]
REAL = Path(__file__).parent / "data" / "real"
SCENARIOS = [ROOT / "scenarios" / "connection-refused.toml", ROOT / "scenarios" / "syn-drop-timeout.toml"]
GUEST_6_1 = {"spec": "6.1", "accel": "tcg", "package": "linux-image-6.1.0-56-amd64",
             "package_version": "6.1.192-2", "release": "6.1.0-56-amd64"}
HOST = {"spec": "host", "accel": "host", "package": None, "package_version": None, "release": "6.18.44-fc-v669"}
SKIP_REASON = "net.core.somaxconn is not writable here"


def _copy_run(out: Path, label: str, scenario: str, kernel: dict) -> dict:
    """DIR/<label>/<scenario>/ as run_kernels leaves it: records stamped, summary with the kernel fields."""
    target = out / label / scenario
    shutil.copytree(REAL / scenario, target)
    stamp(str(target), kernel)
    summary = json.loads((target / "summary.json").read_text())
    summary.update(kernel=kernel["release"], accel=kernel["accel"], package=kernel["package"],
                   package_version=kernel["package_version"], kernel_spec=kernel["spec"])
    return summary


def _write(out: Path, label: str, summary: dict) -> None:
    (out / label / summary["scenario"] / "summary.json").write_text(json.dumps(summary, indent=2))


@pytest.fixture
def kernel_out(tmp_path: Path) -> Path:
    """host: both scenarios as recorded; 6.1: connection-refused skipped, syn-drop-timeout's two
    cells' records swapped (so its cells differ from the host's); 6.12: connection-refused only."""
    out = tmp_path / "out"
    v612 = dict(GUEST_6_1, spec="6.12", package_version="6.12.117-1~deb12u1", release="6.12.117-amd64")
    _write(out, "6.12", _copy_run(out, "6.12", "connection-refused", v612))  # made first: order is not mtime
    for name in ("connection-refused", "syn-drop-timeout"):
        _write(out, "host", _copy_run(out, "host", name, HOST))
    refused = _copy_run(out, "6.1", "connection-refused", GUEST_6_1)
    refused["cells"][0].update(state="skipped", reason=SKIP_REASON, runs=0, passed_runs=0, outcomes=[], records=[])
    _write(out, "6.1", refused)
    drop = _copy_run(out, "6.1", "syn-drop-timeout", GUEST_6_1)
    first, second = drop["cells"]
    first["records"], second["records"] = second["records"], first["records"]
    first["passed"] = drop["passed"] = False
    _write(out, "6.1", drop)
    return out


def test_kernel_directories_are_found_host_first_then_by_version(kernel_out):
    assert [d.name for d in kernel_dirs(kernel_out)] == ["host", "6.1", "6.12"]
    assert kernel_dirs(kernel_out / "host") == []  # a plain run's directory keeps the plain report
    assert kernel_dirs(REAL) == []


def test_report_has_a_kernel_by_cell_table_of_what_the_client_sees(kernel_out):
    text = build_report(runs_from_dir([str(p) for p in SCENARIOS], kernel_out))
    table = text[text.index("## What the client sees on each kernel"):text.index("## connection-refused")]
    header = next(line for line in table.splitlines() if line.startswith("| scenario / cell"))
    assert header.index("host<br>6.18.44") < header.index("6.1<br>6.1.0-56-amd64<br>6.1.192-2 · tcg") \
        < header.index("6.12<br>6.12.117-amd64<br>6.12.117-1~deb12u1 · tcg")
    rows = {line.split(" | ")[0]: line.removesuffix(" |").split(" | ")[1:] for line in table.splitlines()
            if line.startswith("| connection-refused") or line.startswith("| syn-drop-timeout")}
    host, v61, v612 = rows["| connection-refused / `default`"]
    assert host.startswith("✔ connect EINPROGRESS") and "SO_ERROR=ECONNREFUSED" in host and v612 == host
    assert v61 == f"skipped: {SKIP_REASON}"
    host, v61, v612 = rows["| syn-drop-timeout / `tcp_syn_retries=1`"]
    assert host.startswith("✔ connect ETIMEDOUT") and v61.startswith("✘ connect ETIMEDOUT")
    assert v612.startswith("— (did not run)")
    # what the calls alone do not show: the counters that differ between the kernels
    assert "TcpExtTCPSynRetrans +2" in host and "TcpExtTCPSynRetrans +5" in v61
    assert len(rows) == 3
    # the sections below come from the first kernel a scenario ran on, and say which kernel that was
    section = text[text.index("## syn-drop-timeout"):]
    assert "kernel `6.18.44-fc-v669` ·" in section


def test_a_guest_only_scenario_section_names_package_version_and_accel(tmp_path):
    out = tmp_path / "out"
    _write(out, "6.1", _copy_run(out, "6.1", "connection-refused", GUEST_6_1))
    text = build_report(runs_from_dir([str(SCENARIOS[0])], out))
    assert "kernel `6.1.0-56-amd64` (6.1.192-2, tcg) ·" in text


def test_a_scenario_that_ran_on_no_kernel_is_one_line_naming_the_directory(kernel_out):
    for name in ("host", "6.1", "6.12"):
        shutil.rmtree(kernel_out / name / "connection-refused")
    (kernel_out / "6.12").mkdir(exist_ok=True)
    proc = subprocess.run([sys.executable, "-m", "sysrec", "report", str(SCENARIOS[0]), "--from", str(kernel_out)],
                          capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert str(kernel_out) in proc.stderr and "connection-refused" in proc.stderr and len(proc.stderr.splitlines()) == 1


def test_report_cli_from_a_kernel_directory(kernel_out, tmp_path):
    md = tmp_path / "report.md"
    proc = subprocess.run([sys.executable, "-m", "sysrec", "report", *map(str, SCENARIOS), "--from", str(kernel_out),
                           "-o", str(md)], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert "## What the client sees on each kernel" in md.read_text()


def test_timeline_title_names_package_version_and_accel_of_a_guest_kernel():
    header = {"kernel": "6.1.0-56-amd64", "context": {"scenario": "s", "cell": "c", "run": 1, "kernel": GUEST_6_1}}
    assert timeline_title(header).endswith("— kernel 6.1.0-56-amd64 (6.1.192-2, tcg)")
    header["context"]["kernel"] = HOST
    assert timeline_title(header).endswith("— kernel 6.1.0-56-amd64")
    del header["context"]["kernel"]
    assert timeline_title(header).endswith("— kernel 6.1.0-56-amd64")


def _results(out: Path) -> list[KernelResult]:
    specs = {"host": KernelSpec("host", "host"), "6.1": KernelSpec("6.1", "package", package=GUEST_6_1["package"])}
    results = []
    for label, spec in specs.items():
        result = KernelResult(spec, {}, str(out / label))
        for summary in sorted((out / label).glob("*/summary.json")):
            data = json.loads(summary.read_text())
            result.summaries[data["scenario"]] = data
        results.append(result)
    return results


def test_kernel_pairs_cover_every_cell_and_say_why_one_has_no_diff(kernel_out):
    pairs = run_kernels.kernel_pairs(_results(kernel_out))
    assert [(p.scenario, p.cell, p.base, p.other) for p in pairs] == [
        ("connection-refused", "default", "host", "6.1"),
        ("syn-drop-timeout", "tcp_syn_retries=1", "host", "6.1"),
        ("syn-drop-timeout", "tcp_syn_retries=2", "host", "6.1")]
    assert pairs[0].missing == f"skipped on 6.1: {SKIP_REASON}"
    assert pairs[1].other_record and "tcp_syn_retries=2" in pairs[1].other_record  # the swapped record
    assert run_kernels.kernel_pairs(_results(kernel_out)[:1]) == []


def _namespace(diff: bool) -> argparse.Namespace:
    return argparse.Namespace(kernels=["host", "6.1"], scenarios=[], out=None, pins=[], repeat=1, capture=False,
                              jobs=1, json=False, diff=diff)


def test_run_diff_with_two_kernels_diffs_each_cell_across_kernels(kernel_out, monkeypatch, capsys):
    import sysrec.kernels.runs as runs
    monkeypatch.setattr(runs, "parse_specs", lambda texts: [])
    monkeypatch.setattr(runs, "run_on_kernels", lambda *a, **k: _results(kernel_out))
    within = []
    status = run_kernels.main_kernels(_namespace(diff=True), lambda *a: None, lambda *a: within.append(a))
    out = capsys.readouterr().out
    assert status == 1  # a failed cell on 6.1
    assert within == [], "two kernels: cells are compared across kernels, not with each other"
    refused = out[out.index("=== diff connection-refused / default: host → 6.1"):]
    assert refused.splitlines()[1] == f"(no diff: skipped on 6.1: {SKIP_REASON})"
    same = out[out.index("=== diff syn-drop-timeout / tcp_syn_retries=1: host → 6.1"):
               out.index("=== diff syn-drop-timeout / tcp_syn_retries=2")]
    assert "(6.1.192-2, tcg)" in same  # the guest's side is titled with its package and accel
    assert "identical after normalization" not in same  # 3 SYNs on one side, 6 on the other
    assert "kernel × cell" in out


def test_run_diff_with_one_kernel_still_diffs_its_cells(kernel_out, monkeypatch, capsys):
    import sysrec.kernels.runs as runs
    monkeypatch.setattr(runs, "parse_specs", lambda texts: [])
    monkeypatch.setattr(runs, "run_on_kernels", lambda *a, **k: _results(kernel_out)[:1])
    within = []
    run_kernels.main_kernels(_namespace(diff=True), lambda *a: None, lambda *a: within.append(a))
    assert len(within) == 2 and "=== diff" not in capsys.readouterr().out


def test_the_run_records_its_kernel_order_and_the_report_follows_it(kernel_out, monkeypatch, capsys):
    import sysrec.kernels.runs as runs
    monkeypatch.setattr(runs, "parse_specs", lambda texts: [])
    monkeypatch.setattr(runs, "run_on_kernels", lambda *a, **k: _results(kernel_out)[::-1])
    ns = _namespace(diff=False)
    ns.out = str(kernel_out)
    run_kernels.main_kernels(ns, lambda *a: None, lambda *a: None)
    capsys.readouterr()
    assert [d.name for d in kernel_dirs(kernel_out)] == ["6.1", "host", "6.12"]
    text = build_report(runs_from_dir([str(SCENARIOS[1])], kernel_out))
    assert "on 3 kernels (run 1" in text and "this kernel: `6.1`" in text  # sections: the first kernel
    (kernel_out / run_kernels.KERNEL_ORDER_FILE).write_text("[not json")
    assert [d.name for d in kernel_dirs(kernel_out)] == ["host", "6.1", "6.12"]


def _table_rows(text: str) -> dict[str, list[str]]:
    table = text[text.index("## What the client sees on each kernel"):]
    table = table[:table.index("\n## ")]
    return {line.split(" | ")[0]: line.removesuffix(" |").split(" | ")[1:] for line in table.splitlines()
            if line.startswith("| connection-refused") or line.startswith("| syn-drop-timeout")}


def test_a_compact_copy_keeps_the_table_without_records(kernel_out, tmp_path):
    """docs/data/kernels: summaries only, each cell with run 1's client-visible outcome; `report
    --from HOST_RUN --kernels COMPACT` puts the same table above the host's sections."""
    from sysrec.kernels.compact import compact
    dest = tmp_path / "compact"
    written = compact(str(kernel_out), str(dest))
    assert sorted(written) == ["6.1/connection-refused/summary.json", "6.1/syn-drop-timeout/summary.json",
                               "6.12/connection-refused/summary.json", "host/connection-refused/summary.json",
                               "host/syn-drop-timeout/summary.json"]
    assert not list(dest.rglob("*.jsonl"))
    kept = json.loads((dest / "host" / "syn-drop-timeout" / "summary.json").read_text())
    assert all(c["records"] == [] and c["client"].startswith("connect ETIMEDOUT") for c in kept["cells"])
    full = _table_rows(build_report(runs_from_dir([str(p) for p in SCENARIOS], kernel_out)))
    md = tmp_path / "report.md"
    proc = subprocess.run([sys.executable, "-m", "sysrec", "report", *map(str, SCENARIOS), "--from", str(REAL),
                           "--kernels", str(dest), "-o", str(md)], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert _table_rows(md.read_text()) == full
    assert "The sections below show this kernel: `" in md.read_text()   # the --from run's


def test_kernels_option_bad_directory_is_one_line(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "sysrec", "report", str(SCENARIOS[0]), "--from", str(REAL),
                           "--kernels", str(REAL)], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 2 and len(proc.stderr.splitlines()) == 1 and "--kernels" in proc.stderr


def test_an_inconclusive_cell_shows_why_in_the_table_and_the_html_page(kernel_out):
    from sysrec.render.html import build_html
    path = kernel_out / "6.1" / "syn-drop-timeout" / "summary.json"
    summary = json.loads(path.read_text())
    cell = summary["cells"][1]
    cell.update(state="inconclusive", passed=False)
    cell["outcomes"][0].update(state="inconclusive", inconclusive="the clients' connect() calls spread over 2700 ms")
    path.write_text(json.dumps(summary))
    runs = runs_from_dir([str(p) for p in SCENARIOS], kernel_out)
    entry = _table_rows(build_report(runs))["| syn-drop-timeout / `tcp_syn_retries=2`"][1]
    assert entry.startswith("? connect ETIMEDOUT") and entry.endswith("inconclusive: the clients' connect() calls spread over 2700 ms")
    page = build_html(runs, {})
    section = page[page.index('<section id="kernels">'):page.index("</section>")]
    assert "6.1<br>6.1.0-56-amd64<br>6.1.192-2 · tcg" in section
    assert section.count("<tr>") == 4   # the heading and three cells
    assert '<span class="inconclusive">? connect ETIMEDOUT' in section
    assert f'<span class="skipped">skipped: {SKIP_REASON}</span>' in section
    assert '<span class="pass">✔ connect EINPROGRESS' in section and '<span class="fail">✘ connect ETIMEDOUT' in section


def test_kernel_runs_exit_3_when_only_inconclusive(kernel_out, monkeypatch, capsys):
    import sysrec.kernels.runs as runs
    results = _results(kernel_out)
    for result in results:
        for summary in result.summaries.values():
            for cell in summary["cells"]:
                if cell.get("state") != "skipped":
                    cell.update(state="passed", passed=True)
            summary.update(state="passed", passed=True)
    monkeypatch.setattr(runs, "parse_specs", lambda texts: [])
    monkeypatch.setattr(runs, "run_on_kernels", lambda *a, **k: results)
    assert run_kernels.main_kernels(_namespace(diff=False), lambda *a: None, lambda *a: None) == 0
    drop = results[1].summaries["syn-drop-timeout"]
    drop["cells"][0].update(state="inconclusive", passed=False)
    drop["cells"][0]["outcomes"][0]["inconclusive"] = "the clients' connect() calls spread over 2700 ms"
    drop.update(state="inconclusive", passed=False)
    assert run_kernels.main_kernels(_namespace(diff=False), lambda *a: None, lambda *a: None) == 3
    drop["cells"][1].update(state="failed", passed=False)
    drop["state"] = "failed"
    assert run_kernels.main_kernels(_namespace(diff=False), lambda *a: None, lambda *a: None) == 1
    text, style = run_kernels.cell_text(drop["cells"][0])
    assert text.startswith("? ") and "inconclusive: the clients' connect() calls spread over 2700 ms" in text
    assert style == "magenta"


def test_an_inconclusive_cell_adds_no_counters_to_compare(kernel_out):
    path = kernel_out / "6.1" / "syn-drop-timeout" / "summary.json"
    summary = json.loads(path.read_text())
    summary["cells"][0].update(state="inconclusive", passed=False)
    path.write_text(json.dumps(summary))
    rows = _table_rows(build_report(runs_from_dir([str(p) for p in SCENARIOS], kernel_out)))
    host, v61, _ = rows["| syn-drop-timeout / `tcp_syn_retries=1`"]
    assert "[" not in host and "[" not in v61   # one comparable kernel left: nothing differs
