"""Benchmark of the qualification engine.

Generates 100,000 random valid answer sets (seeded), qualifies them all and writes
``benchmarks/results/qualification.json``. Usage::

    .venv/bin/python benchmarks/bench_qualification.py [--n 100000] [--seed 20260727]
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import statistics
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from atlasia.core.qualification import CURRENT_LAW_VERSION, QUESTIONS, qualify

RESULTS = Path(__file__).resolve().parent / "results" / "qualification.json"


def random_answers(rng: random.Random) -> dict[str, Any]:
    """A random valid answer set: each question answered (mostly), ``unknown`` or left out."""
    answers: dict[str, Any] = {}
    for question in QUESTIONS:
        roll = rng.random()
        if roll < 0.04:
            continue
        if roll < 0.08:
            answers[question.id] = "unknown"
            continue
        options = question.option_ids
        if question.type == "multi":
            real = [o for o in options if o != "none"]
            if rng.random() < 0.45:
                answers[question.id] = ["none"]
            else:
                answers[question.id] = rng.sample(real, k=rng.choice((1, 1, 1, 2)))
        else:
            answers[question.id] = rng.choice(options)
    # bias towards in-scope AI systems so that the deep paths are exercised
    if rng.random() < 0.7:
        answers["ai_technique"] = "machine_learning"
        answers["exclusion"] = ["none"]
        if rng.random() < 0.8:
            answers["prohibited_practices"] = ["none"]
    return answers


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=20260727)
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)

    rng = random.Random(args.seed)
    sets = [random_answers(rng) for _ in range(args.n)]

    for answers in sets[:1000]:  # warm-up
        qualify(answers)

    durations: list[int] = []
    categories: Counter[str] = Counter()
    clock = time.perf_counter_ns
    started = clock()
    for answers in sets:
        t0 = clock()
        result = qualify(answers)
        durations.append(clock() - t0)
        categories[result["ai_act"]["category"]] += 1
    total_s = (clock() - started) / 1e9

    durations.sort()
    mean_us = statistics.fmean(durations) / 1000
    p50_us = durations[len(durations) // 2] / 1000
    p99_us = durations[min(len(durations) - 1, int(len(durations) * 0.99))] / 1000
    report = {
        "benchmark": "qualification",
        "n": args.n,
        "seed": args.seed,
        "law_version": CURRENT_LAW_VERSION,
        "throughput_per_s": round(args.n / total_s, 1),
        "mean_us": round(mean_us, 2),
        "p50_us": round(p50_us, 2),
        "p99_us": round(p99_us, 2),
        "max_us": round(durations[-1] / 1000, 2),
        "total_s": round(total_s, 3),
        "categories": dict(sorted(categories.items())),
        "python": sys.version.split()[0],
        "implementation": platform.python_implementation(),
        "machine": platform.machine(),
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(
        f"qualification: {args.n} answer sets in {total_s:.2f} s, {report['throughput_per_s']:.0f}/s, "
        f"mean {mean_us:.1f} µs, p99 {p99_us:.1f} µs (Python {report['python']})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
