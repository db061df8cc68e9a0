"""The record page's cached parts (issue 18): its text, data, landmarks, contacts and sources are rendered
once per version of the record and language, then read from the cache. The page must be the very same as
one rendered afresh, for every role and in both languages, and never stale: a change made through the
real forms and services shows on the next read."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from atlasia.lifecycle import services as lifecycle_services
from atlasia.registry import services
from atlasia.registry.models import AITechnique, DataCategory, UseCase
from atlasia.www.templatetags.fragment_cache import BatchedCacheNode

pytestmark = pytest.mark.django_db

ROLES = ["national", "referent", "contributor", "other_referent", "regional", "admin"]


def _client(user: Any, language: str = "fr") -> Client:
    client = Client()
    client.force_login(user)
    if language != "fr":
        client.cookies["django_language"] = language
    return client


def _read(client: Client, record: UseCase) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("usecase_detail", args=[record.pk]))
    assert response.status_code == 200
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
    return html, len(captured.captured_queries)


def _afresh(client: Client, record: UseCase, monkeypatch: pytest.MonkeyPatch) -> str:
    """The page with every ``{% cache %}`` rendering its content (as before the cache)."""
    with monkeypatch.context() as patched:
        patched.setattr(BatchedCacheNode, "render", lambda node, context: node.nodelist.render(context))
        return _read(client, record)[0]


@pytest.fixture
def rich(world: dict[str, Any]) -> UseCase:
    """The public record of CHU de Lille with text, categories, a partner, contacts, sources, an
    algorithm and a review date: every cached part has something to show."""
    record: UseCase = world["records"]["a_public"]
    admin = world["users"]["admin"]
    algorithm = services.algorithm_create(
        actor=admin, data={"name": "Tri des appels v1", "licence": "MIT", "description": "Un arbre."}
    )
    services.usecase_update(
        actor=admin,
        use_case=record,
        data={
            "problem": "Des appels perdus la nuit.",
            "expected_benefits": "Moins d'attente.",
            "data_sources": "Journal des appels",
            "cost_eur": 125000,
            "target_population": "Patients",
            "tags": ["nuit", "appels"],
            "algorithm": algorithm,
            "data_categories": list(DataCategory.objects.order_by("pk")[:2]),
            "partner_organisations": [world["org_b"]],
        },
    )
    services.contacts_save(
        actor=admin,
        use_case=record,
        rows=[
            {
                "role": "Chef de projet",
                "name": "Inès Martin",
                "email": "projet@example.org",
                "is_public": True,
            }
        ],
    )
    services.sources_replace(
        actor=admin, use_case=record, sources=[{"url": "https://example.org/appels", "title": "Présentation"}]
    )
    return UseCase.objects.get(pk=record.pk)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_cached_page_is_the_page_rendered_afresh_for_every_role(
    world: dict[str, Any], rich: UseCase, language: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for record in (rich, world["records"]["b_public"]):
        cache.clear()
        # The parts are cached by whoever reads the record first, then served to every other role.
        first = _read(_client(world["users"]["national"], language), record)[0]
        assert first == _afresh(_client(world["users"]["national"], language), record, monkeypatch)
        for role in ROLES:
            client = _client(world["users"][role], language)
            assert _read(client, record)[0] == _afresh(client, record, monkeypatch), role
    html = _read(_client(world["users"]["national"], language), rich)[0]
    assert "Inès Martin" in html and "https://example.org/appels" in html and "Tri des appels v1" in html
    assert "CAF de la Gironde" in html  # the partner


def _edit_form(record: UseCase, **changes: Any) -> dict[str, Any]:
    """The edit form as the browser posts it: the record's current values, its contact lines, then
    ``changes``."""
    contacts = list(record.contacts.order_by("pk"))
    data: dict[str, Any] = {
        "title": record.title,
        "summary": record.summary,
        "problem": record.problem,
        "expected_benefits": record.expected_benefits,
        "theme": record.theme_id,
        "ai_technique": record.ai_technique_id,
        "organisation": record.organisation_id,
        "provider_type": record.provider_type,
        "status": record.status,
        "publication_level": record.publication_level,
        "data_sources": record.data_sources,
        "cost_eur": record.cost_eur or "",
        "target_population": record.target_population,
        "tags_text": ", ".join(record.tags),
        "algorithm": record.algorithm_id or "",
        "data_categories": [c.pk for c in record.data_categories.all()],
        "partner_organisations": [o.pk for o in record.partner_organisations.all()],
        "version": services.usecase_version(record),
        "contacts-TOTAL_FORMS": str(len(contacts)),
        "contacts-INITIAL_FORMS": str(len(contacts)),
        "contacts-MIN_NUM_FORMS": "0",
        "contacts-MAX_NUM_FORMS": "10",
    }
    for i, c in enumerate(contacts):
        data.update(
            {
                f"contacts-{i}-id": c.pk,
                f"contacts-{i}-role": c.role,
                f"contacts-{i}-name": c.name,
                f"contacts-{i}-email": c.email,
                f"contacts-{i}-phone": c.phone,
                f"contacts-{i}-is_public": "on" if c.is_public else "",
            }
        )
    data.update(changes)
    return data


def test_an_edit_through_the_form_shows_on_the_next_read(world: dict[str, Any], rich: UseCase) -> None:
    referent = _client(world["users"]["referent"])
    reader = _client(world["users"]["other_referent"])
    before = _read(reader, rich)[0]
    assert "Des appels perdus la nuit." in before and "Inès Martin" in before
    category = DataCategory.objects.exclude(pk__in=rich.data_categories.all()).order_by("pk").first()
    assert category is not None and category.label_fr not in before
    response = referent.post(
        reverse("usecase_edit", args=[rich.pk]),
        _edit_form(
            rich,
            title="Chatbot public A, deuxième version",
            problem="Des appels perdus le week-end.",
            target_population="Aidants",
            data_categories=[category.pk],
            **{"contacts-0-name": "Inès Moreau"},
        ),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    after = _read(reader, rich)[0]
    assert "Des appels perdus le week-end." in after and "Des appels perdus la nuit." not in after
    assert '<h1 class="fr-mb-1w">Chatbot public A, deuxième version</h1>' in after
    assert "Aidants" in after and category.label_fr in after
    assert "Inès Moreau" in after and "Inès Martin" not in after


def test_changes_by_other_services_show_on_the_next_read(world: dict[str, Any], rich: UseCase) -> None:
    """Each change read on its own: none of them may hide behind another one's new key."""
    admin = world["users"]["admin"]
    reader = _client(world["users"]["national"])
    html = _read(reader, rich)[0]
    assert "Présentation" in html and "Tri des appels v1" in html and "Inès Martin" in html
    # Sources and contacts: rows of their own, an audit row of the record (the record is not saved).
    services.sources_replace(
        actor=admin,
        use_case=rich,
        sources=[{"url": "https://example.org/bilan", "title": "Bilan à six mois"}],
    )
    html = _read(reader, rich)[0]
    assert "Bilan à six mois" in html and "Présentation" not in html
    services.sources_replace(  # the same address, a new title
        actor=admin, use_case=rich, sources=[{"url": "https://example.org/bilan", "title": "Bilan à un an"}]
    )
    html = _read(reader, rich)[0]
    assert "Bilan à un an" in html and "Bilan à six mois" not in html
    contact = rich.contacts.get()
    services.contacts_save(
        actor=admin, use_case=rich, rows=[{"id": contact.pk, "role": contact.role, "name": "Inès Moreau"}]
    )
    html = _read(reader, rich)[0]
    assert "Inès Moreau" in html and "Inès Martin" not in html
    # The algorithm: its own row, shared by records (no audit row of the record).
    assert rich.algorithm is not None
    services.algorithm_update(actor=admin, algorithm=rich.algorithm, data={"name": "Tri des appels v2"})
    html = _read(reader, rich)[0]
    assert "Tri des appels v2" in html and "Tri des appels v1" not in html
    # The status, moved by the lifecycle.
    lifecycle_services.usecase_transition(
        actor=world["users"]["referent"], use_case=rich, transition="submit"
    )
    assert "<dt>Étape</dt><dd>Cadrage</dd>" in _read(reader, rich)[0]
    # Reference labels: a data category and a technique renamed (the admin saves the row).
    category = rich.data_categories.order_by("pk").first()
    assert category is not None
    category.label_fr = "Catégorie renommée"
    category.save()
    assert "Catégorie renommée" in _read(reader, rich)[0]
    technique = AITechnique.objects.get(pk=rich.ai_technique_id)
    technique.label_fr = "Apprentissage supervisé (revu)"
    technique.save()
    assert "Apprentissage supervisé (revu)" in _read(reader, rich)[0]
    # A partner renamed (another organisation's row: that part of the page is not cached), then the
    # record's own organisation (in the header).
    services.organisation_update(actor=admin, organisation=world["org_b"], data={"name": "CAF Gironde"})
    html = _read(reader, rich)[0]
    assert "CAF Gironde" in html and "CAF de la Gironde" not in html
    services.organisation_update(
        actor=admin, organisation=world["org_a"], data={"name": "CHU de Lille-Métropole"}
    )
    html = _read(reader, rich)[0]
    assert ">CHU de Lille-Métropole</a> (" in html and ">CHU de Lille</a>" not in html


def test_the_query_count_stays_constant_as_the_record_grows(world: dict[str, Any], rich: UseCase) -> None:
    admin = world["users"]["admin"]
    reader = _client(world["users"]["national"])
    _read(reader, rich)
    _, before = _read(reader, rich)
    services.contacts_save(
        actor=admin,
        use_case=rich,
        rows=[{"role": f"Référent {i}", "email": f"ref{i}@example.org", "is_public": True} for i in range(8)],
    )
    services.sources_replace(
        actor=admin,
        use_case=rich,
        sources=[{"url": f"https://example.org/{i}", "title": f"Source {i}"} for i in range(8)],
    )
    services.usecase_update(
        actor=admin, use_case=rich, data={"data_categories": list(DataCategory.objects.all())}
    )
    html, first = _read(reader, rich)  # the new version's parts are rendered (their queries run once)
    assert "Référent 7" in html and "Source 7" in html
    _, after = _read(reader, rich)
    assert after == before
    assert first >= after
    # A record without any related row reads the same number of queries once its parts are cached.
    empty = world["records"]["b_public"]
    _read(reader, empty)
    assert _read(reader, empty)[1] <= after


# --- the « similar use cases » panel ----------------------------------------------------------------------

PANEL_READERS = ["national", "contributor", "other_referent", "regional", "nobody"]


def _panel(html: str) -> str:
    found = re.search(r'<section class="atlasia-section" id="similaires".*?</section>', html, re.S)
    assert found, "no similar panel"
    return found.group(0)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_cached_similar_panel_is_the_panel_rendered_afresh(
    world: dict[str, Any], neighbours: UseCase, language: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache.clear()
    seen: dict[str, str] = {}
    for role in PANEL_READERS:
        client = _client(world["users"][role], language)
        first = _read(client, neighbours)[0]  # cached by the first reader of each visible set
        assert first == _read(client, neighbours)[0] == _afresh(client, neighbours, monkeypatch), role
        seen[role] = _panel(first)
    assert "Non-recours public B" in seen["contributor"] and "Relances réseau B" in seen["contributor"]
    assert "Ciblage interne B" not in seen["contributor"]  # another organisation's internal record
    assert "Ciblage interne B" in seen["other_referent"] and "Ciblage interne B" in seen["national"]
    assert "Prévision réseau A" not in seen["national"]  # the record's own organisation
    assert seen["regional"] == seen["contributor"]
    assert "Ciblage interne B" not in seen["nobody"]
    assert "0,95" in seen["national"] if language == "fr" else "0.95" in seen["national"]


def test_each_change_of_the_similar_panel_shows_on_the_next_read(
    world: dict[str, Any], neighbours: UseCase, monkeypatch: pytest.MonkeyPatch
) -> None:
    from atlasia.search.models import UseCaseNeighbour

    admin = world["users"]["admin"]
    records = world["records"]
    reader = _client(world["users"]["contributor"])

    def panel() -> str:
        html = _panel(_read(reader, neighbours)[0])
        assert html == _panel(_afresh(reader, neighbours, monkeypatch))
        return html

    assert "allocataires" not in panel()
    # A target renamed.
    services.usecase_update(
        actor=admin, use_case=records["b_public"], data={"title": "Non-recours, version 2"}
    )
    html = panel()
    assert "Non-recours, version 2" in html and "Non-recours public B" not in html
    # The targets' organisation renamed.
    services.organisation_update(actor=admin, organisation=world["org_b"], data={"name": "CAF Gironde"})
    html = panel()
    assert "CAF Gironde" in html and "CAF de la Gironde" not in html
    # A target made internal: a member of another organisation no longer sees it.
    services.usecase_update(
        actor=admin, use_case=records["b_network"], data={"publication_level": "internal"}
    )
    assert "Relances réseau B" not in panel()
    # A new neighbour stored by the embedding task.
    other = services.usecase_create(
        actor=admin,
        organisation=world["org_b"],
        data={
            "title": "Détection du non-recours aux aides",
            "summary": "Un résumé.",
            "theme": neighbours.theme,
            "ai_technique": neighbours.ai_technique,
            "publication_level": "public",
        },
    )
    UseCaseNeighbour.objects.create(source=neighbours, target=other, score=0.96)
    assert "Détection du non-recours aux aides" in panel()
    # A score recomputed.
    UseCaseNeighbour.objects.filter(source=neighbours, target=other).update(score=0.9)
    html = panel()
    assert "similarité 0,90" in html and "similarité 0,96" not in html
    # The record's own summary changed: the terms it shares with its neighbours.
    services.usecase_update(
        actor=admin, use_case=neighbours, data={"summary": "Les allocataires qui renoncent à leurs droits."}
    )
    html = panel()
    assert "termes communs : allocataires, renoncent, droits" in html


def test_a_cached_similar_panel_reads_one_query(
    world: dict[str, Any], neighbours: UseCase, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The panel read its stored neighbours, then the visible ones (two queries); cached, it reads one
    (its key: the visible neighbours with their last saves) and never more when rendered afresh."""
    from atlasia.www import extensions

    reader = _client(world["users"]["contributor"])
    cache.clear()
    _, cold = _read(reader, neighbours)
    _, warm = _read(reader, neighbours)
    cache.clear()
    with monkeypatch.context() as patched:
        patched.delitem(extensions.PANELS, "similar_usecases")
        _, cold_without = _read(reader, neighbours)
        _, warm_without = _read(reader, neighbours)
    assert (cold - cold_without, warm - warm_without) == (2, 1)
    # Embedded, without a neighbour the reader may see: the neighbours, then whether it is embedded.
    lonely = world["records"]["a_network"]
    from atlasia.search import embeddings
    from atlasia.search.models import UseCaseEmbedding

    UseCaseEmbedding.objects.create(
        use_case=lonely, model_name=embeddings.MODEL_NAME, dim=384, vector=bytes(4 * 384), text_hash="y"
    )
    _read(reader, lonely)
    _, lonely_warm = _read(reader, lonely)
    with monkeypatch.context() as patched:
        patched.delitem(extensions.PANELS, "similar_usecases")
        _, lonely_without = _read(reader, lonely)
    assert lonely_warm - lonely_without == 2
    assert "Aucune fiche d'une autre organisation" in _panel(_read(reader, lonely)[0])


def test_the_similar_panel_of_a_record_not_embedded_yet_uses_the_full_text_engine(
    world: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """No stored neighbour and no vector yet: the full-text fallback, rendered at each request."""
    records = world["records"]
    admin = world["users"]["admin"]
    services.usecase_update(actor=admin, use_case=records["b_public"], data={"title": "Chatbot public B"})
    reader = _client(world["users"]["contributor"])
    html = _panel(_read(reader, records["a_public"])[0])
    assert "Chatbot public B" in html
    assert html == _panel(_afresh(reader, records["a_public"], monkeypatch))
    services.usecase_update(actor=admin, use_case=records["b_public"], data={"title": "Chatbot public B2"})
    assert "Chatbot public B2" in _panel(_read(reader, records["a_public"])[0])
