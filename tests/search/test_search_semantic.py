"""Embeddings (background task), semantic and hybrid search, similar records, suggestions and the
duplicates page, always scoped to what the reader may see. Uses the real bundled model."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from django.urls import reverse

from atlasia.search import embeddings
from atlasia.search.models import UseCaseEmbedding
from atlasia.search.selectors import (
    probable_duplicates,
    search_usecases,
    similar_usecases,
    suggestions,
)

pytestmark = pytest.mark.django_db

FRAUD = "Un score estime le risque de versement à tort pour orienter les contrôles des allocataires."


@pytest.fixture
def embedded(
    world: dict[str, Any],
    make_usecase: Callable[..., Any],
    e5_model: Any,
    django_capture_on_commit_callbacks: Any,
) -> dict[str, Any]:
    a, b = world["org_a"], world["org_b"]
    with django_capture_on_commit_callbacks(execute=True):
        records = {
            "mine": make_usecase(a, title="Score de risque d'indu des allocataires", summary=FRAUD),
            "twin": make_usecase(
                b,
                title="Score de risque d'indu pour cibler les contrôles",
                summary=FRAUD,
                publication_level="network",
            ),
            "secret": make_usecase(
                b,
                title="Score de risque d'indu (version interne)",
                summary=FRAUD,
                publication_level="internal",
            ),
            "falls": make_usecase(
                b,
                title="Prévention des chutes des personnes âgées",
                summary="Des capteurs signalent une chute en EHPAD.",
                publication_level="public",
            ),
        }
    return records


def test_the_task_stores_a_float32_vector_per_record(embedded: dict[str, Any]) -> None:
    row = UseCaseEmbedding.objects.get(use_case=embedded["mine"], model_name=embeddings.MODEL_NAME)
    assert row.dim == 384
    vector = np.frombuffer(bytes(row.vector), dtype=np.float32)
    assert vector.shape == (384,)
    assert np.linalg.norm(vector) == pytest.approx(1.0, abs=1e-3)


def test_the_embedding_is_recomputed_on_text_change_only(
    embedded: dict[str, Any], monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    calls: list[list[str]] = []
    real = embeddings.embed_passages

    def counting(texts: list[str]) -> Any:
        calls.append(texts)
        return real(texts)

    monkeypatch.setattr(embeddings, "embed_passages", counting)
    record = embedded["mine"]
    before = bytes(UseCaseEmbedding.objects.get(use_case=record).vector)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        record.status = "experiment"
        record.save()
    assert callbacks == [] and calls == []
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        record.summary = "Un tout autre texte : des chutes à l'hôpital."
        record.save()
    assert len(callbacks) == 1 and len(calls) == 1
    assert bytes(UseCaseEmbedding.objects.get(use_case=record).vector) != before


def test_semantic_search_finds_a_record_sharing_no_word_with_the_query(
    world: dict[str, Any], embedded: dict[str, Any]
) -> None:
    user = world["users"]["contributor"]
    hits = search_usecases(user, "personne âgée qui tombe", mode="semantic", limit=1)
    assert hits[0].use_case.pk == embedded["falls"].pk


@pytest.mark.parametrize("mode", ["semantic", "hybrid"])
def test_semantic_and_hybrid_search_never_return_an_invisible_record(
    world: dict[str, Any], embedded: dict[str, Any], mode: str
) -> None:
    hits = search_usecases(world["users"]["contributor"], "score de risque d'indu", mode=mode, limit=50)
    ids = {h.use_case.pk for h in hits}
    assert embedded["twin"].pk in ids
    assert embedded["secret"].pk not in ids


def test_similar_records_come_from_other_organisations_the_user_may_see(
    world: dict[str, Any], embedded: dict[str, Any]
) -> None:
    similar = similar_usecases(world["users"]["contributor"], embedded["mine"])
    assert [s.use_case.pk for s in similar][:1] == [embedded["twin"].pk]
    assert embedded["secret"].pk not in {s.use_case.pk for s in similar}
    assert all(s.use_case.organisation_id != world["org_a"].pk for s in similar)
    top = similar[0]
    assert "score" in top.shared_terms and top.same_theme and top.same_technique


def test_the_similar_panel_shows_on_the_record_page(
    client: Any, world: dict[str, Any], embedded: dict[str, Any]
) -> None:
    client.force_login(world["users"]["contributor"])
    html = client.get(reverse("usecase_detail", args=[embedded["mine"].pk])).content.decode()
    assert "Cas d'usage semblables ailleurs" in html
    assert "Score de risque d&#x27;indu pour cibler les contrôles" in html
    assert "version interne" not in html


def test_suggestions_while_typing_are_scoped(
    client: Any, world: dict[str, Any], embedded: dict[str, Any]
) -> None:
    assert embedded["secret"].pk not in {
        s.use_case.pk for s in suggestions(world["users"]["contributor"], "Score de risque d'indu")
    }
    client.force_login(world["users"]["contributor"])
    data = client.get(reverse("search_suggestions"), {"title": "Score de risque d'indu"}).json()
    titles = [r["title"] for r in data["results"]]
    assert "Score de risque d'indu pour cibler les contrôles" in titles
    assert "Score de risque d'indu (version interne)" not in titles


def test_duplicates_pairs_records_of_different_organisations(
    world: dict[str, Any], embedded: dict[str, Any]
) -> None:
    pairs = probable_duplicates(world["users"]["national"], threshold=0.9)
    pair_ids = [{p.first.pk, p.second.pk} for p in pairs]
    assert {embedded["mine"].pk, embedded["twin"].pk} in pair_ids
    assert {embedded["twin"].pk, embedded["secret"].pk} not in pair_ids  # same organisation
    scoped = probable_duplicates(world["users"]["contributor"], threshold=0.9)
    assert all(embedded["secret"].pk not in {p.first.pk, p.second.pk} for p in scoped)


@pytest.mark.parametrize("who", ["contributor", "org_admin", "regional", "nobody"])
def test_the_duplicates_page_is_404_outside_the_national_team(
    client: Any, world: dict[str, Any], who: str
) -> None:
    client.force_login(world["users"][who])
    assert client.get(reverse("search_duplicates")).status_code == 404


@pytest.mark.parametrize("who", ["national", "admin"])
def test_the_national_team_sees_the_duplicates(
    client: Any, world: dict[str, Any], embedded: dict[str, Any], who: str
) -> None:
    client.force_login(world["users"][who])
    html = client.get(reverse("search_duplicates") + "?seuil=0.9").content.decode()
    assert "Doublons probables" in html
    assert "Score de risque d&#x27;indu pour cibler les contrôles" in html


def test_search_page_shows_ranked_hits_with_excerpts(
    client: Any, world: dict[str, Any], embedded: dict[str, Any]
) -> None:
    client.force_login(world["users"]["contributor"])
    html = client.get(reverse("search"), {"q": "contrôle des allocataires"}).content.decode()
    assert "<mark>" in html and "version interne" not in html


def test_batch_embedding_gives_the_same_vectors_as_one_by_one(e5_model: Any) -> None:
    texts = [
        "Score de risque d'indu des allocataires.",
        "Prévention des chutes des personnes âgées en EHPAD grâce à des capteurs.",
        "Un agent conversationnel répond aux usagers sur leurs droits, jour et nuit.",
        "Prévision des entrées aux urgences " * 30,  # a long text, padded against short ones
        "IA",
    ]
    batch = embeddings.embed_passages(texts)
    one_by_one = np.vstack([embeddings.embed_passages([t]) for t in texts])
    assert batch.shape == (5, 384)
    np.testing.assert_allclose(batch, one_by_one, atol=1e-5)


def test_records_saved_in_one_transaction_are_embedded_by_one_task_in_batches(
    world: dict[str, Any],
    make_usecase: Callable[..., Any],
    e5_model: Any,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    calls: list[list[str]] = []
    real = embeddings.embed_passages

    def counting(texts: list[str]) -> Any:
        calls.append(texts)
        return real(texts)

    monkeypatch.setattr(embeddings, "embed_passages", counting)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        created = [make_usecase(world["org_a"], title=f"Tri des courriers n° {i}") for i in range(5)]
    # One callback per save, but only the last one holds the ids: one task, one model call.
    assert len(callbacks) == 5 and len(calls) == 1 and len(calls[0]) >= 5
    assert UseCaseEmbedding.objects.filter(use_case__in=created).count() == 5


def test_reindex_command_embeds_every_record_in_batches_with_progress(
    embedded: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from io import StringIO

    from django.core.management import call_command

    sizes: list[int] = []
    real = embeddings.embed_passages

    def counting(texts: list[str]) -> Any:
        sizes.append(len(texts))
        return real(texts)

    monkeypatch.setattr(embeddings, "embed_passages", counting)
    out = StringIO()
    call_command("search_reindex", "--embeddings", stdout=out)
    assert sizes == [] and "0 plongements calculés." in out.getvalue()  # all up to date
    total = UseCaseEmbedding.objects.count()
    call_command("search_reindex", "--embeddings", "--force", "--batch-size", "3", stdout=out)
    assert sum(sizes) == total and max(sizes) <= 3
    assert f"plongements {total}/{total} (100 %)" in out.getvalue()
