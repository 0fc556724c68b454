"""Re-record every shipped scenario into tests/data/real and regenerate what is derived from it.

    python3 tests/data/real/refresh.py [SCENARIO.toml...]

For each scenario: `sysrec run SCENARIO --out TMP`, then copy TMP/summary.json and the run-N.jsonl
records (not the logs) to tests/data/real/<scenario>/. Afterwards it regenerates
docs/failure-modes.md from the stored records and the golden timelines
(SYSREC_UPDATE_GOLDEN=1 pytest tests/test_timeline_render.py). Review `git diff` before committing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
REAL = Path(__file__).resolve().parent


def record(scenario: Path) -> None:
    name = scenario.stem
    with tempfile.TemporaryDirectory(prefix="sysrec-refresh-") as tmp:
        proc = subprocess.run([sys.executable, "-m", "sysrec", "run", str(scenario), "--out", tmp],
                              cwd=ROOT, stdout=subprocess.DEVNULL)
        if proc.returncode != 0:
            raise SystemExit(f"{scenario}: sysrec run exited {proc.returncode}; records not replaced")
        target = REAL / name
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(parents=True)
        shutil.copy(Path(tmp) / "summary.json", target / "summary.json")
        for path in Path(tmp).rglob("run-*.jsonl"):
            dest = target / path.relative_to(tmp)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, dest)
    print(f"recorded {name}")


def main(argv: list[str]) -> int:
    scenarios = [Path(a).resolve() for a in argv] or sorted((ROOT / "scenarios").glob("*.toml"))
    for scenario in scenarios:
        record(scenario)
    shipped = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "scenarios").glob("*.toml"))
    subprocess.run([sys.executable, "-m", "sysrec", "report", *shipped, "--from", str(REAL.relative_to(ROOT)),
                    "--kernels", "docs/data/kernels", "-o", "docs/failure-modes.md"], cwd=ROOT, check=True)
    env = dict(os.environ, SYSREC_UPDATE_GOLDEN="1")
    subprocess.run([sys.executable, "-m", "pytest", "-q", "tests/test_timeline_render.py"], cwd=ROOT, env=env,
                   check=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
