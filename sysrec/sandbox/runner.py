"""Runs a scenario: every cell × repetition in its own worker, then checks the expectations.

Python API (also used by `sysrec report`):

    from sysrec.sandbox.runner import run_scenario
    summary = run_scenario("scenarios/accept-queue-overflow.toml", pins=["net.ipv4.tcp_abort_on_overflow=1"],
                           repeat=3, out_dir="out", jobs=2, capture=True)

writes `out/<scenario>/<cell>/run-<n>.jsonl` and `out/summary.json` and returns the summary
(see docs/scenarios.md, "summary.json"). Raises InputError/SysrecError for bad input or a
sandbox that cannot be set up; expectation failures are data in the summary, not exceptions.
"""

from __future__ import annotations

import json
import os
import platform
import select
import signal
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from sysrec import __version__
from sysrec.errors import SysrecError
from sysrec.scenario.expect import evaluate, load_facts
from sysrec.scenario.matrix import expand
from sysrec.scenario.model import Cell, Scenario
from sysrec.scenario.pacing import check_pacing, combined_state, state_of_run
from sysrec.scenario.parse import load_scenario
from sysrec.sandbox.outdir import OutDir
from sysrec.sandbox.worker import RunJob, start_worker

# Generous bound on set-up + teardown around the client's own timeout before a worker is killed.
WORKER_SLACK = 30.0   # a --kernel guest scales it (kernels.guest.SCALED_ALLOWANCES)

ProgressHook = Callable[[RunJob, dict[str, Any]], None]
TickHook = Callable[[], None]


@dataclass
class _Running:
    job: RunJob
    pid: int
    rfd: int
    deadline: float
    data: bytearray = field(default_factory=bytearray)
    overran: bool = False


def run_scenario(path: str | os.PathLike[str], *, pins: Iterable[str] = (), repeat: int = 1,
                 out_dir: str | os.PathLike[str], jobs: int = 1, capture: bool = True,
                 on_run_done: ProgressHook | None = None, on_tick: TickHook | None = None,
                 scenario: Scenario | None = None, allow_foreign_out: bool = False) -> dict[str, Any]:
    """Run every cell `repeat` times, `jobs` workers at a time; write records and summary.json.

    `on_run_done(job, outcome)` is called as each run ends, `on_tick()` about five times a
    second (a progress display refreshes there: nothing runs in a thread, workers are forked).
    """
    if repeat < 1:
        raise SysrecError(f"--repeat {repeat}: expected a positive number of runs")
    if jobs < 1:
        raise SysrecError(f"--jobs {jobs}: expected a positive number of parallel runs")
    scenario = scenario or load_scenario(path)
    cells, skipped = _cells_for_this_kernel(scenario, expand(scenario, pins))
    with OutDir(os.fspath(out_dir), allow_foreign=allow_foreign_out) as out:
        jobs_list = plan_jobs(scenario, [written for _, written in cells], repeat, out, capture)
        cells = [seen for seen, _ in cells]
        outcomes: dict[str, dict[str, Any]] = {}
        try:
            execute(jobs_list, jobs, scenario, on_run_done, on_tick, outcomes)
        except KeyboardInterrupt as stop:
            # Ctrl-C, SIGTERM, SIGHUP: say so in summary.json, with the runs that finished.
            done = [job for job in jobs_list if job.record_path in outcomes]
            summary = summarize(scenario, cells, done, outcomes, out.path, repeat, list(pins), skipped)
            summary.update(passed=False, end="interrupted",
                           signal=signal.Signals(getattr(stop, "signum", signal.SIGINT)).name)
            for cell in summary["cells"]:
                cell["complete"] = cell["runs"] == repeat
                cell["passed"] = cell["passed"] and cell["complete"]
            _write_summary(out, summary)
            raise
        summary = summarize(scenario, cells, jobs_list, outcomes, out.path, repeat, list(pins), skipped)
        summary["end"] = "completed"
        _write_summary(out, summary)
    return summary


def _cells_for_this_kernel(scenario: Scenario, cells: list[Cell]) -> tuple[list[tuple[Cell, Cell]], dict[str, Any]]:
    """[requires] against this kernel: (runnable cells as (seen, written)), {name: skipped cell}."""
    from sysrec.scenario.requires import applicable, skip_reason
    reason = skip_reason(scenario)
    if reason is None:
        return [applicable(scenario, cell) for cell in cells], {}
    return [], {cell.name: {"name": cell.name, "settings": dict(cell.settings), "varied": dict(cell.varied),
                            "state": "skipped", "reason": reason, "runs": 0, "passed_runs": 0, "passed": True,
                            "expectations": [], "failed": [], "outcomes": [], "records": []}
                for cell in cells}


def _write_summary(out: OutDir, summary: dict[str, Any]) -> None:
    with out.replace("summary.json") as fh:
        json.dump(summary, fh, indent=2)
        fh.write("\n")


def plan_jobs(scenario: Scenario, cells: list[Cell], repeat: int, out: OutDir,
              capture: bool) -> list[RunJob]:
    planned = []
    for cell in cells:
        cell_dir = out.subdir(scenario.name, cell.name)
        for n in range(1, repeat + 1):
            planned.append(RunJob(scenario=scenario, cell=cell, run=n,
                                  record_path=os.path.join(cell_dir, f"run-{n}.jsonl"), capture=capture))
    return planned


def _time_budget(scenario: Scenario) -> float:
    budget = scenario.client.timeout + WORKER_SLACK
    if scenario.server is not None:
        budget += scenario.server.start_timeout + scenario.server.ready_delay
    budget += sum(step.timeout + step.delay for step in scenario.preload)
    return budget


def execute(planned: list[RunJob], jobs: int, scenario: Scenario,
            on_run_done: ProgressHook | None = None,
            on_tick: TickHook | None = None,
            outcomes: dict[str, dict[str, Any]] | None = None) -> dict[str, dict[str, Any]]:
    """Run the workers; returns outcome per record path (filled into `outcomes` as runs end, so
    an interrupted caller still has them). Ctrl-C (SIGINT) stops every worker."""
    pending = list(planned)
    running: dict[int, _Running] = {}
    outcomes = {} if outcomes is None else outcomes
    budget = _time_budget(scenario)
    failure: dict[str, Any] | None = None
    try:
        while (pending and failure is None) or running:
            while pending and failure is None and len(running) < jobs:
                job = pending.pop(0)
                pid, rfd = start_worker(job)
                running[rfd] = _Running(job, pid, rfd, time.monotonic() + budget)
            readable, _, _ = select.select(list(running), [], [], 0.2)
            for rfd in readable:
                item = running[rfd]
                chunk = os.read(rfd, 65536)
                if chunk:
                    item.data.extend(chunk)
                    continue
                del running[rfd]
                os.close(rfd)
                _reap(item.pid)
                _drop_empty_logs(item.job)
                outcome = _decode(item)
                if item.overran:
                    outcome = {"ok": False, "status": 1, "error": (
                        f"{item.job.record_path}: the run did not finish within {budget:g} s (server start, "
                        "preload, client timeout and teardown); it was stopped")}
                outcomes[item.job.record_path] = outcome
                if not outcome.get("ok") and failure is None:
                    failure = outcome
                if on_run_done is not None:
                    on_run_done(item.job, outcome)
            now = time.monotonic()
            for item in list(running.values()):
                if now > item.deadline:
                    # SIGTERM first: the worker's teardown reaches its servers' own children,
                    # which PR_SET_PDEATHSIG alone would not. Its result says "interrupted".
                    item.deadline = float("inf")
                    item.overran = True
                    _terminate_worker(item.pid, reap=False)
            if on_tick is not None:
                on_tick()
    except BaseException:
        _terminate_all([item.pid for item in running.values()])
        for item in running.values():
            os.close(item.rfd)
        raise
    if failure is not None:
        status = int(failure.get("status", 1))
        message = str(failure.get("error", "a run failed"))
        if status != 2:  # not bad input: a sandbox step failed on this machine
            message += " (`sysrec doctor` shows what this machine can do)"
        raise SysrecError(message, exit_status=status)
    return outcomes


def _drop_empty_logs(job: RunJob) -> None:
    """Logs beside a record are kept only when something was written to them."""
    stem = job.record_path[: -len(".jsonl")]
    directory = os.path.dirname(stem)
    prefix = os.path.basename(stem) + "."
    for name in os.listdir(directory):
        if name.startswith(prefix) and name.endswith(".log"):
            path = os.path.join(directory, name)
            try:
                if os.path.getsize(path) == 0:
                    os.unlink(path)
            except OSError:
                pass


def _decode(item: _Running) -> dict[str, Any]:
    if not item.data:
        return {"ok": False, "error": f"the worker for {item.job.record_path} died without a result "
                                      f"(see {item.job.log_path('sandbox')})", "status": 1}
    try:
        return json.loads(bytes(item.data))
    except json.JSONDecodeError:
        return {"ok": False, "error": "the worker sent an unreadable result", "status": 1}


def _reap(pid: int) -> None:
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass


def _kill_worker(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _terminate_all(pids: list[int], grace: float = 5.0) -> None:
    """Ctrl-C: every worker tears down at once; SIGKILL for those still there after `grace`."""
    for pid in pids:
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    deadline = time.monotonic() + grace
    left = set(pids)
    while left and time.monotonic() < deadline:
        for pid in list(left):
            try:
                done, _ = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                done = pid
            if done:
                left.discard(pid)
        time.sleep(0.02)
    for pid in left:
        _kill_worker(pid)
        _reap(pid)


def _terminate_worker(pid: int, grace: float = 5.0, reap: bool = True) -> None:
    """SIGTERM: the worker tears its sandbox down; SIGKILL after `grace` (PDEATHSIG does the rest).
    With reap=False the worker is left for the main loop to reap (its result pipe closes)."""
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        try:
            exited = os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None
        except ChildProcessError:
            return
        if exited:
            if reap:
                _reap(pid)
            return
        time.sleep(0.02)
    _kill_worker(pid)
    if reap:
        _reap(pid)


def summarize(scenario: Scenario, cells: list[Cell], planned: list[RunJob],
              outcomes: dict[str, dict[str, Any]], out_dir: str, repeat: int,
              pins: list[str], skipped: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    """Skipped cells (see [requires]) keep their place and say why; they neither pass nor fail."""
    cells_out = list((skipped or {}).values())
    for cell in cells:
        runs = [job for job in planned if job.cell.name == cell.name]
        failed: list[dict[str, Any]] = []
        checks: dict[str, dict[str, Any]] = {}
        run_rows = []
        for job in runs:
            outcome = outcomes.get(job.record_path, {})
            facts = load_facts(job.record_path)
            verdicts = [evaluate(e, facts) for e in scenario.expectations if e.applies_to(cell.settings)]
            pacing = check_pacing(scenario.pacing, facts, cell.settings)
            run_state = state_of_run(all(v.passed for v in verdicts), pacing)
            row = {"run": job.run, "end": outcome.get("end"), "exit_status": outcome.get("exit_status"),
                   "passed": run_state == "passed", "record": os.path.relpath(job.record_path, out_dir),
                   "state": run_state}
            if pacing.measured:
                row["pacing"] = pacing.measured
            if pacing.reason:
                row["inconclusive"] = pacing.reason
            run_rows.append(row)
            for v in verdicts:
                entry = checks.setdefault(v.expectation.key, {
                    "key": v.expectation.key, "kind": v.expectation.kind, "says": v.expectation.says,
                    "passed_runs": 0, "failed_runs": 0, "example": v.reason})
                if v.passed:
                    entry["passed_runs"] += 1
                else:
                    entry["failed_runs"] += 1
                    failed.append({"expectation": v.expectation.key, "says": v.expectation.says,
                                   "run": job.run, "reason": v.reason})
        cell_state = combined_state([r["state"] for r in run_rows])
        cells_out.append({
            "name": cell.name, "settings": dict(cell.settings), "varied": dict(cell.varied),
            "runs": len(runs), "passed_runs": sum(1 for r in run_rows if r["passed"]),
            "passed": cell_state == "passed", "expectations": list(checks.values()), "failed": failed,
            "outcomes": run_rows, "records": [r["record"] for r in run_rows],
            "state": cell_state,
        })
    state = combined_state([c["state"] for c in cells_out])
    summary = {
        "scenario": scenario.name, "file": scenario.path, "description": scenario.description,
        "kernel": platform.release(), "sysrec": __version__, "repeat": repeat, "pins": pins,
        "passed": state == "passed", "state": state, "cells": cells_out,
    }
    if scenario.pacing is not None:
        summary["pacing"] = {"says": scenario.pacing.says, "bounds_ms": dict(scenario.pacing.bounds)}
    return summary
