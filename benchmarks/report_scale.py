"""Writes the figures of issue 18 (national scale) into benchmarks/README.md, between the markers
``<!-- scale-figures:begin -->`` and ``<!-- scale-figures:end -->``, from the results of the last
``make bench SCALE=…`` run (results/scale.json, results/import_sqlite.json, results/import_postgresql.json).
Every figure comes with the load average at the time it was measured.

usage: .venv/bin/python benchmarks/report_scale.py   (run by ``make bench SCALE=100000``)
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
README = HERE / "README.md"
BEGIN, END = "<!-- scale-figures:begin -->", "<!-- scale-figures:end -->"
USERS = {"bench-national": "national reviewer (sees all)", "bench-member": "member of one organisation"}
GOALS = {"list": 5.0, "detail": 5.0, "text": 50.0, "hybrid": 100.0, "import": 10.0, "recall": 0.99}


def _load(values: Any) -> str:
    return ", ".join(f"{v:.2f}" for v in values) if isinstance(values, list) else str(values)


def _ok(value: float, goal: float, *, below: bool = True) -> str:
    met = value <= goal if below else value >= goal
    return "met" if met else "**not met**"


def scale_tables(report: dict[str, Any]) -> list[str]:
    out = [
        f"Run of {report['run_at']} (server time), {report['machine']}, {report['database']}, "
        f"{report['organisations']:,} organisations, cache of the web process: "
        f"{report.get('cache', 'per-process memory')}; whole run {report.get('duration_s', '?')} s.",
        "",
        "| records | user | minimal view p50 / p95 (ms) | list p50 / p95 (ms) | **list ratio p95** "
        "(goal ≤ 5) | detail p50 / p95 (ms) | **detail ratio p95** (goal ≤ 5) | full-text p50 / **p95** (ms) "
        "(goal < 50) | hybrid p50 / **p95** (ms) (goal < 100) | load average (1 min) before → after |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for size, stage in report["stages"].items():
        m = stage["measure"]
        for who, label in USERS.items():
            e = m[who]
            out.append(
                f"| {int(size):,} | {label} | {e['minimal_view']['p50_ms']} / {e['minimal_view']['p95_ms']} "
                f"| {e['list']['p50_ms']} / {e['list']['p95_ms']} | {e['list']['ratio_p95']} "
                f"({_ok(e['list']['ratio_p95'], GOALS['list'])}) "
                f"| {e['detail']['p50_ms']} / {e['detail']['p95_ms']} | {e['detail']['ratio_p95']} "
                f"({_ok(e['detail']['ratio_p95'], GOALS['detail'])}) "
                f"| {e['search_text']['p50_ms']} / {e['search_text']['p95_ms']} "
                f"({_ok(e['search_text']['p95_ms'], GOALS['text'])}) "
                f"| {e['search_hybrid']['p50_ms']} / {e['search_hybrid']['p95_ms']} "
                f"({_ok(e['search_hybrid']['p95_ms'], GOALS['hybrid'])}) "
                f"| {e['load_before'][0]:.2f} → {e['load_after'][0]:.2f} |"
            )
    out += [
        "",
        "| records | audit rows | SQL queries: list pages measured (national / member) | SQL queries: detail "
        "(national / member) | RSS of the web process at start → after all requests (MiB) | neighbours "
        "computed per record (ms, load) | generation (s) |",
        "|---|---|---|---|---|---|---|",
    ]
    for size, stage in report["stages"].items():
        m = stage["measure"]
        lists, details = [], []
        for who in USERS:
            counts = m[who]["sql_queries"]
            lists.append(
                " / ".join(
                    str(v) for k, v in counts.items() if "/cas-d-usage/?" in k or k.endswith("/cas-d-usage/")
                )
            )
            details.append(
                " / ".join(str(v) for k, v in counts.items() if k.rstrip("/").split("/")[-1].isdigit())
            )
        gen = stage.get("generation_s", {})
        gen_text = (
            ", ".join(f"{k.removesuffix('_s')} {v}" for k, v in gen.items()) if isinstance(gen, dict) else gen
        )
        n = stage.get("neighbours", {})
        out.append(
            f"| {int(size):,} | {stage['audit_rows']:,} | {' ; '.join(lists)} | {' ; '.join(details)} "
            f"| {m['rss_mib_at_start']} → {m['rss_mib_after']} | {n.get('ms_per_record', '?')} "
            f"({_load(n.get('load', '?'))}) | {gen_text} |"
        )
    pool = report.get("pool_embedding") or {}
    if pool:
        how = (
            "read from the cache of an earlier run (var/bench/)"
            if pool.get("cached")
            else f"embedded in this run in {pool.get('seconds')} s (load {_load(pool.get('load', '?'))})"
        )
        out += [
            "",
            f"Real embeddings mixed into the synthetic records' vectors: {pool['texts']:,} texts, {how}.",
        ]
    recall = report.get("recall")
    if recall:
        out += [
            "",
            f"recall@10 of the database search against exact search over all {recall['records']:,} vectors "
            f"(load {_load(recall['load_before'])} → {_load(recall['load'])}); strict recall (share of the "
            "exact top 10 returned) and ann-benchmarks' epsilon-0.01 recall (a result counts when its cosine "
            "distance is within 1 % of the exact 10th one); n candidates: the n best by the asymmetric estimate "
            "among max(4,000, 8 × n) preselected by Hamming distance on the 1,152-bit signatures, rescored "
            "exactly (500 for a search of up to 50 results); latency of the whole database search (preselection, "
            "estimate, rescoring):",
            "",
        ]
        for name in ("relevance queries", "records as queries"):
            per = recall.get(name)
            if not per:
                continue
            keys = [k for k in per if k.startswith("candidates_")]
            out.append(
                f"| {name} ({per['queries']}) | "
                + " | ".join(k.split("_")[1] + " candidates" for k in keys)
                + " |"
            )
            out.append("|---|" + "---|" * len(keys))
            out.append(
                "| recall@10 (min) | "
                + " | ".join(f"{per[k]['recall_at_10']} ({per[k]['min']})" for k in keys)
                + " |"
            )
            out.append(
                "| epsilon recall@10 | "
                + " | ".join(str(per[k]["epsilon_recall_at_10"]) for k in keys)
                + " |"
            )
            out.append(
                "| p50 / p95 (ms) | "
                + " | ".join(f"{per[k]['p50_ms']} / {per[k]['p95_ms']}" for k in keys)
                + " |"
            )
            out.append("")
        off = recall.get("off_topic")
        if off:
            out += [
                f"The relevance floor at {recall['records']:,} records (cosine {off['floor']}): for each "
                "off-topic query of the calibration (`calibrate_thresholds.py`), the records at or above the "
                "floor by exact search, and the results of the hybrid search for the national reader (a "
                "full-text match is a real match: it is shown whatever the floor).",
                "",
                "| off-topic query | records at or above the floor | hybrid results |",
                "|---|---|---|",
                *(
                    f"| « {q['query']} » | {q['records_above_floor']:,} | {q['hybrid_results']} |"
                    for q in off["queries"]
                ),
                "",
            ]
    return out


def import_table(results: dict[str, dict[str, Any]]) -> list[str]:
    dbs = [d for d in ("sqlite", "postgresql") if d in results]
    if not dbs:
        return []
    head = "| figure | " + " | ".join("SQLite" if d == "sqlite" else "PostgreSQL" for d in dbs) + " |"
    rows = [
        ("date", lambda r: r["date"]),
        (
            "load average (1, 5, 15 min) at start → end",
            lambda r: f"{_load(r['load_average_start'])} → {_load(r['load_average_end'])}",
        ),
        ("upload (store only)", lambda r: f"{r['first_upload_s']} s"),
        (
            "analysis job (read 5,000 rows, dry run), wall / CPU",
            lambda r: f"{r['first_analysis_s']} s / {r.get('first_analysis_cpu_s', '?')} s",
        ),
        (
            "import job (5,000 creations), wall / CPU",
            lambda r: f"{r['first_import_s']} s / {r.get('first_import_cpu_s', '?')} s",
        ),
        (
            "**upload + analysis + import, wall** (goal < 10 s)",
            lambda r: f"**{r['first_total_s']} s** ({_ok(r['first_total_s'], GOALS['import'])})",
        ),
        (
            "the same, CPU seconds: the process + the database server",
            lambda r: f"{r['first_cpu_s']} + {r.get('first_server_cpu_s', 0)} s",
        ),
        (
            "wall seconds per CPU second: the import / a pure-Python loop before, after",
            lambda r: (
                f"{r.get('first_wall_per_cpu_s', '?')} / {r.get('contention_wall_per_cpu_s_before_after', '?')}"
            ),
        ),
        (
            "SQL queries of the import job",
            lambda r: f"{r['import_queries']} ({r['import_queries_per_row']} per row)",
        ),
        ("embedding jobs queued by the import", lambda r: str(r["embedding_jobs_queued"])),
        (
            "re-import of the same file (all « inchangé »): analysis + import",
            lambda r: f"{round(r['reimport_analysis_s'] + r['reimport_import_s'], 2)} s",
        ),
        (
            "reference: per-row services, scaled to 5,000 rows, wall",
            lambda r: (
                f"{r['reference_per_row_services_s']} s ({r['reference_queries_per_row']} queries per row, {r['reference_rows_measured']} rows measured)"
            ),
        ),
        ("speed-up over the reference, same run", lambda r: f"{r['speedup_vs_reference']}×"),
    ]
    out = [head, "|---|" + "---|" * len(dbs)]
    for label, fn in rows:
        out.append(f"| {label} | " + " | ".join(fn(results[d]) for d in dbs) + " |")
    return out


def main() -> None:
    results = HERE / "results"
    report = json.loads((results / "scale.json").read_text(encoding="utf-8"))
    imports = {}
    for db in ("sqlite", "postgresql"):
        path = results / f"import_{db}.json"
        if path.exists():
            imports[db] = json.loads(path.read_text(encoding="utf-8"))
    lines = [
        BEGIN,
        "",
        "*Written by `benchmarks/report_scale.py` from the last `make bench SCALE=…` run.*",
        "",
    ]
    lines += scale_tables(report)
    lines += ["", "5,000-row spreadsheet import (`bench_import.py`, same `make bench SCALE=…` run):", ""]
    lines += import_table(imports)
    lines += ["", END]
    text = README.read_text(encoding="utf-8")
    block = "\n".join(lines)
    if BEGIN in text and END in text:
        before, rest = text.split(BEGIN, 1)
        text = before + block + rest.split(END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    README.write_text(text, encoding="utf-8")
    print(block)


if __name__ == "__main__":
    main()
