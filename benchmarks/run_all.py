"""`make bench`: runs every benchmark in turn; each writes its figures to benchmarks/results/.

`make bench SCALE=100000` runs only the national-scale benchmark (bench_scale.py) at that size; without
SCALE, bench_scale.py is left out (it generates 100,000 records: a long run of its own)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    failures = 0
    scale = os.environ.get("SCALE", "")
    every = sorted(HERE.glob("bench_*.py"))
    scripts = [HERE / "bench_scale.py"] if scale else [s for s in every if s.name != "bench_scale.py"]
    for script in scripts:
        print(f"\n=== {script.name} ===", flush=True)
        result = subprocess.run([sys.executable, str(script), *sys.argv[1:]], cwd=HERE.parent)
        failures += result.returncode != 0
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
