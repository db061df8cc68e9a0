"""Migrations monitoring 0003/0004 and publication 0003: the public's problem reports and the
negative externalities end up in one table, every row kept (run with the migration executor on the
test database: SQLite and PostgreSQL alike)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from atlasia.monitoring.externalities.models import Externality

BEFORE = [("monitoring", "0002_footprint_source_file_hash"), ("publication", "0002_report_public_only")]
RECEIVED = dt.datetime(2025, 1, 2, 9, 30, tzinfo=dt.UTC)


def _migrate(targets: list[tuple[str, str]] | None = None) -> Any:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets or executor.loader.graph.leaf_nodes())
    return executor.loader.project_state(targets).apps if targets else None


@pytest.mark.django_db(transaction=True)
def test_rows_of_both_old_tables_end_up_in_the_merged_one(world: dict[str, Any]) -> None:
    use_case, other = world["records"]["a_public"], world["records"]["b_public"]
    old = _migrate(BEFORE)
    ProblemReport = old.get_model("publication", "ProblemReport")
    OldExternality = old.get_model("monitoring", "Externality")
    agent = OldExternality.objects.create(
        use_case_id=use_case.pk,
        source="agent",
        category="extra_work",
        description="Chaque alerte est revérifiée à la main.",
        status="accepted",
    )
    mirrored = ProblemReport.objects.create(
        use_case_id=use_case.pk,
        category="bias",
        description="Ma demande a été classée à tort comme suspecte.",
        contact_email="usager@example.org",
    )
    mirror = OldExternality.objects.create(
        use_case_id=use_case.pk,
        source="public",
        category="bias",
        description=mirrored.description,
        public_report_id=mirrored.pk,
        status="rejected",
    )
    lone = ProblemReport.objects.create(
        use_case_id=other.pk,
        category="error",
        description="Le montant annoncé ne correspond pas au courrier reçu.",
        contact_email="",
        status="in_progress",
    )
    ProblemReport.objects.filter(pk=lone.pk).update(created_at=RECEIVED)

    _migrate()

    assert "publication_problemreport" not in connection.introspection.table_names()
    assert Externality.objects.count() == 3
    kept = Externality.objects.get(pk=agent.pk)
    assert (kept.source, kept.category, kept.status, kept.contact_email) == (
        "agent",
        "extra_work",
        "accepted",
        "",
    )
    merged = Externality.objects.get(pk=mirror.pk)  # the mirror gets the reporter's address back
    assert (merged.source, merged.status, merged.contact_email, merged.public_report_id) == (
        "public",
        "rejected",
        "usager@example.org",
        mirrored.pk,
    )
    new = Externality.objects.get(public_report_id=lone.pk)  # never mirrored: now one externality
    assert (new.use_case_id, new.source, new.category, new.status, new.description) == (
        other.pk,
        "public",
        "error",
        "accepted",  # « en cours d'examen » is the externalities' « retenu »
        lone.description,
    )
    assert new.created_at == RECEIVED

    # Back and forth again: nothing lost, nothing doubled.
    old = _migrate(BEFORE)
    ProblemReport = old.get_model("publication", "ProblemReport")
    assert sorted(ProblemReport.objects.values_list("pk", "contact_email")) == sorted(
        [(mirrored.pk, "usager@example.org"), (lone.pk, "")]
    )
    assert ProblemReport.objects.get(pk=lone.pk).created_at == RECEIVED
    _migrate()
    assert Externality.objects.count() == 3
    assert Externality.objects.get(pk=mirror.pk).contact_email == "usager@example.org"
