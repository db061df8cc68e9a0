"""Calibration of the search thresholds (issue 18), on labelled data, with the real bundled model.

- "similar" and "duplicates" cosine thresholds: the 820 pairs of the 41 catalogue records, labelled in
  ``benchmarks/search_pairs.json`` (duplicate / similar / unrelated); for each threshold on a 0.005 grid,
  precision, recall and F1 of "cosine ≥ threshold" for duplicates (vs the rest) and for similar-or-
  duplicate (vs unrelated). Kept: the threshold of best F1 (ties: the higher one).
- relevance floor of semantic search: recall@10 of semantic search on the tuning and held-out halves of
  ``benchmarks/search_relevance.json`` and how many of 10 off-topic queries still get a result, for each
  floor; kept: the highest floor that keeps the tuning half's recall@10 at its no-floor level and
  leaves "xyzzy introuvable" without a result (chosen on the tuning half; held-out reported).

Texts embedded as the application embeds them (``atlasia.search.embeddings.usecase_text``: title,
summary, problem, benefits, keywords). Writes ``benchmarks/results/thresholds.json``.

usage: .venv/bin/python benchmarks/calibrate_thresholds.py
"""

from __future__ import annotations

import itertools
import json
import os
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OFF_TOPIC = [
    "xyzzy introuvable",
    "recette de la tarte aux pommes",
    "résultats du match de football",
    "horaires des marées à Brest",
    "qwerty azerty",
    "prix du billet de train Paris Lyon",
    "comment réparer un vélo",
    "météo de demain",
    "blablabla",
    "location de vacances en Bretagne",
]


def grid(lo: float, hi: float, step: float = 0.005) -> list[float]:
    return [round(lo + i * step, 3) for i in range(round((hi - lo) / step) + 1)]


def prf(scores: np.ndarray, positive: np.ndarray, threshold: float) -> dict[str, float]:
    predicted = scores >= threshold
    tp = int((predicted & positive).sum())
    precision = tp / max(1, int(predicted.sum()))
    recall = tp / max(1, int(positive.sum()))
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "threshold": threshold,
        "precision": round(precision, 3),
        "recall": round(recall, 3),
        "f1": round(f1, 3),
    }


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    os.environ.setdefault("DATABASE_URL", "sqlite:///:memory:")
    import django

    django.setup()
    from atlasia.search import embeddings, selectors

    records = json.loads((ROOT / "data" / "catalogue" / "use_cases.json").read_text(encoding="utf-8"))[
        "use_cases"
    ]
    texts = [
        embeddings.usecase_text(
            SimpleNamespace(
                title=r["title"],
                summary=r.get("summary", ""),
                problem=r.get("problem", ""),
                expected_benefits=r.get("expected_benefits", ""),
                tags=r.get("tags", []),
            )
        )
        for r in records
    ]
    vectors = embeddings.embed_passages(texts)
    vectors = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    index = {r["slug"]: i for i, r in enumerate(records)}
    labels = json.loads((ROOT / "benchmarks" / "search_pairs.json").read_text(encoding="utf-8"))
    kind: dict[frozenset[int], str] = {}
    for name in ("similar", "duplicate"):
        for pair in labels[name]:
            kind[frozenset((index[pair["a"]], index[pair["b"]]))] = name
    pairs = list(itertools.combinations(range(len(records)), 2))
    scores = np.array([float(vectors[i] @ vectors[j]) for i, j in pairs])
    label = np.array([kind.get(frozenset(p), "unrelated") for p in pairs])
    duplicate_rows = [prf(scores, label == "duplicate", t) for t in grid(0.85, 0.95)]
    similar_rows = [prf(scores, label != "unrelated", t) for t in grid(0.82, 0.93)]
    best_dup = max(duplicate_rows, key=lambda r: (r["f1"], r["threshold"]))
    best_sim = max(similar_rows, key=lambda r: (r["f1"], r["threshold"]))
    named = {
        f"{records[i]['slug']} / {records[j]['slug']}": round(float(s), 3)
        for (i, j), s, lab in zip(pairs, scores, label, strict=True)
        if lab == "duplicate"
    }

    spec = json.loads((ROOT / "benchmarks" / "search_relevance.json").read_text(encoding="utf-8"))["queries"]
    queries = np.vstack([embeddings.embed_query(q["query"]) for q in spec])
    off = np.vstack([embeddings.embed_query(q) for q in OFF_TOPIC])
    floor_rows = []
    for floor in [0.0, *grid(0.78, 0.84)]:
        row: dict[str, float | int] = {"floor": floor}
        for split in ("tuning", "heldout"):
            recalls = []
            for q, vec in zip(spec, queries, strict=True):
                if q["split"] != split:
                    continue
                sims = vectors @ vec
                top = [i for i in np.argsort(-sims) if sims[i] >= floor][:10]
                recalls.append(sum(index[s] in top for s in q["relevant"]) / len(q["relevant"]))
            row[f"recall_at_10_{split}"] = round(float(np.mean(recalls)), 3)
        best_off = (vectors @ off.T).max(axis=0)
        row["off_topic_with_results"] = int((best_off >= floor).sum())
        row["xyzzy_has_results"] = bool(best_off[0] >= floor)
        floor_rows.append(row)
    base = floor_rows[0]["recall_at_10_tuning"]
    eligible = [r for r in floor_rows if r["recall_at_10_tuning"] >= base and not r["xyzzy_has_results"]]
    best_floor = max(eligible, key=lambda r: r["floor"]) if eligible else None
    report = {
        "run_at": time.strftime("%Y-%m-%d %H:%M"),
        "model": embeddings.MODEL_NAME,
        "pairs": {
            "total": len(pairs),
            "duplicate": int((label == "duplicate").sum()),
            "similar": int((label == "similar").sum()),
            "cosine_of_labelled_duplicates": named,
            "cosine_quantiles_unrelated": [
                round(float(x), 3) for x in np.quantile(scores[label == "unrelated"], [0.5, 0.9, 0.99])
            ],
        },
        "duplicates": {"best": best_dup, "grid": duplicate_rows, "in_code": selectors.DUPLICATE_THRESHOLD},
        "similar": {"best": best_sim, "grid": similar_rows, "in_code": selectors.SIMILAR_MIN_SCORE},
        "semantic_floor": {
            "best": best_floor,
            "grid": floor_rows,
            "in_code": selectors.SEMANTIC_FLOOR,
            "off_topic_queries": OFF_TOPIC,
        },
    }
    out = ROOT / "benchmarks" / "results" / "thresholds.json"
    out.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(json.dumps({k: report[k] for k in ("pairs",)}, ensure_ascii=False, indent=1))
    print("duplicates", best_dup, "similar", best_sim, "floor", best_floor)


if __name__ == "__main__":
    main()
