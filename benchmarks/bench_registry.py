"""Registry benchmark (issue 3): 10,000 use cases across 300 organisations on PostgreSQL.

Measures p50/p95 of the list page (50 per page, filtered) and of the detail page, against a minimal
Django view served by the same process and database, and reports the ratios. Requests go through
Django's full stack (middleware, sessions, templates) with the test client, in one process.

usage: .venv/bin/python benchmarks/bench_registry.py [--records 10000] [--orgs 300] [--requests 200]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB_NAME = "atlasia_bench"
PG_ADMIN = os.environ.get("BENCH_PG_ADMIN", "postgres://postgres@127.0.0.1:5432/postgres")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def recreate_database() -> None:
    for sql in (f"DROP DATABASE IF EXISTS {DB_NAME}", f"CREATE DATABASE {DB_NAME}"):
        subprocess.run(["psql", PG_ADMIN, "-q", "-c", sql], check=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--orgs", type=int, default=300)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()

    recreate_database()
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    call_command("migrate", verbosity=0)
    from atlasia.accounts.models import Membership, User
    from atlasia.registry import reference
    from atlasia.registry.loaders import load_reference
    from atlasia.registry.models import AITechnique, Organisation, Theme, UseCase

    load_reference()
    rng = random.Random(42)
    departments = reference.load("departments")
    types = ["hospital", "essms", "mdph", "department", "ars", "cnam", "cnaf", "msa"]
    organisations = []
    for i in range(args.orgs):
        dep = rng.choice(departments)
        organisations.append(
            Organisation(
                name=f"Organisation {i:03d}",
                slug=f"org-{i:03d}",
                type=rng.choice(types),
                region=dep["region"],
                department=dep["code"],
            )
        )
    Organisation.objects.bulk_create(organisations)
    organisations = list(Organisation.objects.all())
    themes, techniques = list(Theme.objects.all()), list(AITechnique.objects.all())
    statuses = ["idea", "framing", "qualified", "experimentation", "deployed", "abandoned"]
    levels = ["internal", "network", "public"]
    t0 = time.perf_counter()
    batch = [
        UseCase(
            title=f"Cas d'usage {i:05d}",
            summary="Résumé " * 20,
            theme=rng.choice(themes),
            ai_technique=rng.choice(techniques),
            organisation=rng.choice(organisations),
            status=rng.choice(statuses),
            publication_level=rng.choice(levels),
        )
        for i in range(args.records)
    ]
    UseCase.objects.bulk_create(batch, batch_size=2000)
    load_seconds = time.perf_counter() - t0
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    national = User.objects.create_user(username="bench-national", password="x", reviewer_scope="national")
    member = User.objects.create_user(username="bench-member", password="x")
    Membership.objects.create(user=member, organisation=organisations[0], role="referent")
    from atlasia.registry.selectors import usecases_visible_to

    def measure(client: Client, urls: list[str]) -> list[float]:
        for url in urls[:5]:
            client.get(url)  # warm-up
        timings = []
        for i in range(args.requests):
            url = urls[i % len(urls)]
            start = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        return timings

    results: dict[str, object] = {}
    for label, user in (("national_reviewer", national), ("organisation_member", member)):
        client = Client()
        client.force_login(user)
        minimal = measure(client, ["/healthz"])
        lists = measure(
            client,
            [
                "/cas-d-usage/?status=deployed",
                "/cas-d-usage/?theme=fraude_controle&sort=title",
                "/cas-d-usage/?region=32&page=2",
                "/cas-d-usage/?publication_level=public&sort=-title",
            ],
        )
        visible_ids = list(usecases_visible_to(user).order_by("pk").values_list("pk", flat=True))
        detail_ids = visible_ids[:: max(1, len(visible_ids) // 500)]
        details = measure(client, [f"/cas-d-usage/{pk}/" for pk in detail_ids])
        with CaptureQueriesContext(connection) as queries:
            client.get("/cas-d-usage/?status=deployed")
        base_p50, base_p95 = percentile(minimal, 50), percentile(minimal, 95)
        results[label] = {
            "minimal_view_ms": {"p50": round(base_p50, 2), "p95": round(base_p95, 2)},
            "list_ms": {"p50": round(percentile(lists, 50), 2), "p95": round(percentile(lists, 95), 2)},
            "detail_ms": {"p50": round(percentile(details, 50), 2), "p95": round(percentile(details, 95), 2)},
            "list_ratio_to_minimal": {
                "p50": round(percentile(lists, 50) / base_p50, 1),
                "p95": round(percentile(lists, 95) / base_p95, 1),
            },
            "detail_ratio_to_minimal": {
                "p50": round(percentile(details, 50) / base_p50, 1),
                "p95": round(percentile(details, 95) / base_p95, 1),
            },
            "list_sql_queries": len(queries.captured_queries),
            "mean_list_ms": round(statistics.mean(lists), 2),
        }
    report = {
        "benchmark": "registry list and detail pages",
        "records": args.records,
        "organisations": args.orgs,
        "requests_per_page": args.requests,
        "bulk_load_seconds": round(load_seconds, 2),
        "database": "PostgreSQL " + connection.cursor().connection.info.server_version.__str__(),
        "python": platform.python_version(),
        "results": results,
    }
    out = ROOT / "benchmarks" / "results" / "registry.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps(report, indent=2, ensure_ascii=False))
    connection.close()
    subprocess.run(["psql", PG_ADMIN, "-q", "-c", f"DROP DATABASE IF EXISTS {DB_NAME}"], check=False)


if __name__ == "__main__":
    main()
