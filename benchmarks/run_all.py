"""`make bench`: runs every benchmark in turn; each writes its figures to benchmarks/results/.

`make bench SCALE=100000` runs the national-scale benchmark (bench_scale.py) at that size, the 5,000-row
import on both databases (bench_import.py), then writes every figure of issue 18 into README.md
(report_scale.py); without SCALE, bench_scale.py is left out (it generates 100,000 records: a long run of
its own)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    failures = 0
    scale = os.environ.get("SCALE", "")
    every = sorted(HERE.glob("bench_*.py"))
    if scale:
        # The national-scale run: pages, search, memory and recall at 10k and SCALE records, the 5,000-row
        # import on both databases, then every figure of issue 18 written into README.md.
        runs = [
            [HERE / "bench_scale.py", "--records", scale],
            [HERE / "bench_import.py", "--reference-rows", "100"],
            [HERE / "report_scale.py"],
        ]
    else:
        runs = [[s] for s in every if s.name != "bench_scale.py"]
    started = time.perf_counter()
    for script, *extra in runs:
        print(f"\n=== {script.name} === (load {os.getloadavg()[0]:.2f})", flush=True)
        result = subprocess.run([sys.executable, str(script), *extra, *sys.argv[1:]], cwd=HERE.parent)
        failures += result.returncode != 0
    print(
        f"\n=== done in {time.perf_counter() - started:.0f} s, load {os.getloadavg()[0]:.2f} ===", flush=True
    )
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
