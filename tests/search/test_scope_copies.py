"""The copies of a record's organisation and publication level in its search rows (issue 18): the
scans of a member filter on them instead of joining the registry. They follow every write, and they
never decide what a reader sees: a stale copy hides nothing it should not and shows nothing it
should not (what a scan keeps is checked against the reader's real visibility)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from atlasia.registry.models import UseCase
from atlasia.registry.selectors import usecases_visible_to
from atlasia.search import selectors, services
from atlasia.search.models import UseCaseDocument, UseCaseEmbedding
from atlasia.search.scope import Scope

pytestmark = pytest.mark.django_db

FRAUD = "Un score estime le risque de versement à tort pour orienter les contrôles des allocataires."
QUERY = "score de risque d'indu des allocataires"


@pytest.fixture
def records(
    world: dict[str, Any],
    make_usecase: Callable[..., Any],
    e5_model: Any,
    django_capture_on_commit_callbacks: Any,
) -> dict[str, UseCase]:
    a, b = world["org_a"], world["org_b"]
    with django_capture_on_commit_callbacks(execute=True):
        return {
            "mine": make_usecase(a, title="Score de risque d'indu des allocataires", summary=FRAUD),
            "shared": make_usecase(
                b, title="Score de risque d'indu (réseau)", summary=FRAUD, publication_level="network"
            ),
            "secret": make_usecase(
                b, title="Score de risque d'indu (interne)", summary=FRAUD, publication_level="internal"
            ),
        }


def _copies(use_case: UseCase) -> set[tuple[int | None, str]]:
    """The copies in the document row, the embedding row and, on PostgreSQL, the candidate scan's
    signature row (kept in step with the embedding row by the database's triggers)."""
    doc = UseCaseDocument.objects.values_list("scope_organisation", "scope_level").get(pk=use_case.pk)
    emb = UseCaseEmbedding.objects.values_list("scope_organisation", "scope_level").get(use_case=use_case)
    copies = {doc, emb}
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT scope_organisation, scope_level FROM search_signature WHERE use_case_id = %s",
                [use_case.pk],
            )
            copies |= set(cursor.fetchall())
    return copies


def _found(user: Any, mode: str) -> set[int]:
    return {h.use_case.pk for h in selectors.search_usecases(user, QUERY, mode=mode, limit=50)}


def test_every_search_row_carries_its_records_organisation_and_level(records: dict[str, UseCase]) -> None:
    for use_case in records.values():
        assert _copies(use_case) == {(use_case.organisation_id, use_case.publication_level)}


@pytest.mark.parametrize("mode", ["text", "semantic", "hybrid"])
def test_publishing_and_unpublishing_a_record_moves_it_in_and_out_of_a_members_search(
    world: dict[str, Any],
    records: dict[str, UseCase],
    mode: str,
    django_capture_on_commit_callbacks: Any,
) -> None:
    member, secret = world["users"]["contributor"], records["secret"]
    assert secret.pk not in _found(member, mode)
    with django_capture_on_commit_callbacks(execute=True):
        secret.publication_level = "network"
        secret.save()
    assert _copies(secret) == {(secret.organisation_id, "network")}
    assert secret.pk in _found(member, mode)
    with django_capture_on_commit_callbacks(execute=True):
        secret.publication_level = "internal"
        secret.save()
    assert _copies(secret) == {(secret.organisation_id, "internal")}
    assert secret.pk not in _found(member, mode)


def test_a_bulk_write_and_a_move_to_another_organisation_update_the_copies(
    world: dict[str, Any], records: dict[str, UseCase]
) -> None:
    secret = records["secret"]
    UseCase.objects.filter(pk=secret.pk).update(organisation=world["org_a"], publication_level="public")
    services.documents_sync_many([secret.pk])  # what the registry's bulk-saved signal runs
    assert _copies(secret) == {(world["org_a"].pk, "public")}
    UseCase.objects.filter(pk=secret.pk).update(organisation=world["org_b"], publication_level="internal")
    services.scopes_refresh([secret.pk])
    assert _copies(secret) == {(world["org_b"].pk, "internal")}


@pytest.mark.parametrize("mode", ["text", "semantic", "hybrid"])
def test_a_stale_copy_never_shows_a_record_the_reader_may_not_see(
    world: dict[str, Any], records: dict[str, UseCase], mode: str
) -> None:
    """The copies say « public » (written behind the services' back): a member of another organisation
    still does not get the internal record, and still gets what she may see."""
    secret = records["secret"]
    UseCaseDocument.objects.filter(pk=secret.pk).update(scope_level="public")
    UseCaseEmbedding.objects.filter(use_case=secret).update(scope_level="public")
    found = _found(world["users"]["contributor"], mode)
    assert secret.pk not in found
    assert records["shared"].pk in found


@pytest.mark.parametrize("mode", ["text", "semantic", "hybrid"])
def test_every_reader_gets_the_same_results_with_the_scope_as_with_the_join(
    world: dict[str, Any], records: dict[str, UseCase], mode: str
) -> None:
    """The permission agreement of the fast path: for every user of the fixture and the anonymous
    reader, ranking with the scope copies returns exactly what ranking with the visibility join does."""
    for user in [None, *world["users"].values()]:
        visible = usecases_visible_to(user)
        scope = selectors.reader_scope(user)
        with_scope = selectors._rank(visible, QUERY, limit=50, mode=mode, scope=scope)
        with_join = selectors._rank(visible, QUERY, limit=50, mode=mode, scope=None)
        assert [h.use_case.pk for h in with_scope] == [h.use_case.pk for h in with_join], user
        assert {h.use_case.pk for h in with_scope} <= set(visible.values_list("pk", flat=True))


def test_the_scope_condition() -> None:
    assert Scope(everything=True).sql("d") == ("TRUE", [])
    assert Scope(organisation_ids=frozenset({3, 1}), publication_levels=frozenset({"public"})).sql("c") == (
        "(c.scope_organisation = ANY(%s) OR c.scope_level = ANY(%s))",
        [[1, 3], ["public"]],
    )
    assert Scope().sql("c") == ("FALSE", [])
    assert Scope(everything=True, except_organisation=7).sql("c") == ("c.scope_organisation <> %s", [7])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the threshold is PostgreSQL's scan")
@pytest.mark.parametrize("mode", ["semantic", "hybrid"])
def test_a_stale_copy_is_refused_when_the_scan_uses_its_hamming_threshold(
    world: dict[str, Any], records: dict[str, UseCase], mode: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same refusal when the vector scan keeps only the rows under its sampled Hamming threshold
    (the national-scale path: on a table this small it is otherwise not used)."""
    from atlasia.search import vectorsearch

    monkeypatch.setattr(vectorsearch, "_sample", None)
    monkeypatch.setattr(vectorsearch, "THRESHOLD_MIN_ROWS_PER_PRESELECTED", 0)
    monkeypatch.setattr(vectorsearch, "THRESHOLD_MARGIN", 0.5)
    monkeypatch.setattr(vectorsearch, "preselect_count", lambda candidates: 3)
    thresholds: list[int | None] = []
    estimate = vectorsearch.hamming_threshold
    monkeypatch.setattr(
        vectorsearch, "hamming_threshold", lambda *args: thresholds.append(estimate(*args)) or thresholds[-1]
    )
    secret = records["secret"]
    UseCaseDocument.objects.filter(pk=secret.pk).update(scope_level="public")
    UseCaseEmbedding.objects.filter(use_case=secret).update(scope_level="public")
    found = _found(world["users"]["contributor"], mode)
    assert thresholds and thresholds[0] is not None
    assert secret.pk not in found
    assert records["shared"].pk in found


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the scope copies are PostgreSQL's scans")
@pytest.mark.parametrize("mode", ["text", "semantic", "hybrid"])
def test_a_members_search_checks_her_visibility_without_a_query_of_its_own(
    world: dict[str, Any], records: dict[str, UseCase], mode: str
) -> None:
    """The check of what the scans kept rides on the query that loads the records shown: a member's
    search runs no more queries than a national reader's (the shared record found, the secret not)."""
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for who in ("national", "contributor"):
        user = world["users"][who]
        _found(user, mode)  # the user's memberships and perimeter, loaded once
        with CaptureQueriesContext(connection) as queries:
            found = _found(user, mode)
        counts[who] = len(queries)
        assert records["shared"].pk in found
    assert records["secret"].pk not in found
    assert counts["contributor"] <= counts["national"]
