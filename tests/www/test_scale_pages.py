"""List and detail pages at national scale (issue 18): a constant number of SQL queries whatever the
number of organisations, records and related rows; the organisation filter as a text field (slug or
part of the name) with its autocomplete endpoint; cached reference lists dropped on change; a capped
count; no vector index loaded by pages that do not search."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from atlasia.audit.models import AuditEntry
from atlasia.registry import selectors
from atlasia.registry.models import Contact, Source, Theme
from atlasia.search import vectorsearch
from atlasia.search.models import UseCaseNeighbour

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _queries(client: Client, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries), response.content.decode()


def test_list_query_count_does_not_grow_with_organisations(
    world: dict[str, Any], make_org: Any, make_usecase: Any
) -> None:
    client = _client(world["users"]["national"])
    urls = [reverse("usecase_list"), reverse("usecase_list") + "?sort=organisation&organisation=CHU"]
    for url in urls:
        client.get(url)  # warm the session and the reference cache
    before = [_queries(client, url)[0] for url in urls]
    for i in range(40):
        make_usecase(
            make_org(name=f"Centre hospitalier {i:02d}"), title=f"Prévision {i}", publication_level="public"
        )
    after = [_queries(client, url)[0] for url in urls]
    assert after == before
    html = client.get(reverse("usecase_list")).content.decode()
    assert "<option" not in html.split('name="organisation"')[1].split("</div>")[0]  # no 40-option select


def test_detail_query_count_does_not_grow_with_related_rows(
    world: dict[str, Any], make_org: Any, make_usecase: Any
) -> None:
    record = world["records"]["a_public"]
    client = _client(world["users"]["national"])
    url = reverse("usecase_detail", args=[record.pk])

    def add_related(i: int) -> None:
        other = make_usecase(make_org(), title=f"Voisin {i}", publication_level="public")
        UseCaseNeighbour.objects.create(source=record, target=other, score=0.95 - i / 100)
        Contact.objects.create(use_case=record, role=f"Référent {i}", email=f"ref{i}@example.org")
        Source.objects.create(use_case=record, url=f"https://example.org/{i}", title=f"Source {i}")
        AuditEntry.objects.create(
            action="update", object_type="registry.usecase", object_id=str(record.pk), use_case_id=record.pk
        )

    add_related(0)
    client.get(url)
    # The first read of a version of the record renders its cached parts (one query per relation
    # with rows), the next ones read them from the cache: compare first reads, then next reads.
    cache.clear()
    before, _ = _queries(client, url)
    cached_before, _ = _queries(client, url)
    for i in range(1, 12):
        add_related(i)
    cache.clear()
    after, html = _queries(client, url)
    cached_after, _ = _queries(client, url)
    assert "Voisin 0" in html  # the similar panel reads the stored neighbours
    assert after == before
    assert cached_after == cached_before < before


def test_organisation_filter_takes_a_slug_or_part_of_the_name(client: Any, world: dict[str, Any]) -> None:
    client.force_login(world["users"]["national"])
    by_slug = client.get(reverse("usecase_list"), {"organisation": "caf-gironde"}).content.decode()
    by_name = client.get(reverse("usecase_list"), {"organisation": "gironde"}).content.decode()
    for html in (by_slug, by_name):
        assert "Non-recours public B" in html and "Chatbot public A" not in html
    # The field keeps what was typed (never lost) and is a plain text input without JavaScript.
    assert 'value="gironde"' in by_name and "data-organisation-autocomplete" in by_name


def test_organisation_suggestions_json_is_short_and_needs_a_login(
    client: Any, world: dict[str, Any], make_org: Any
) -> None:
    for i in range(15):
        make_org(name=f"EHPAD des Tilleuls {i:02d}")
    url = reverse("organisation_suggestions")
    assert client.get(url, {"q": "tilleuls"}).status_code == 302  # login required
    client.force_login(world["users"]["contributor"])
    results = client.get(url, {"q": "tilleuls"}).json()["results"]
    assert len(results) == 10 and results[0] == {"slug": results[0]["slug"], "name": "EHPAD des Tilleuls 00"}
    assert client.get(url, {"q": "CHU"}).json()["results"][0]["name"] == "CHU de Lille"
    assert client.get(url, {"q": "x"}).json()["results"] == []  # two letters at least


def test_reference_choices_are_cached_and_dropped_on_change(client: Any, world: dict[str, Any]) -> None:
    client.force_login(world["users"]["national"])
    client.get(reverse("usecase_list"))
    with CaptureQueriesContext(connection) as captured:
        selectors.reference_choices("theme")
    assert captured.captured_queries == []
    theme = Theme.objects.get(code="acces_soins")
    theme.label_fr = "Accès aux soins (libellé modifié)"
    theme.save()
    assert "Accès aux soins (libellé modifié)" in client.get(reverse("usecase_list")).content.decode()


def test_the_count_is_capped(client: Any, world: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(selectors.CappedPaginator, "cap", 3)
    client.force_login(world["users"]["national"])
    html = client.get(reverse("usecase_list")).content.decode()
    assert "Plus de 3 cas d'usage" in html
    html = client.get(
        reverse("usecase_list"), {"organisation": "caf-gironde", "publication_level": "public"}
    ).content
    assert ">1 cas d'usage" in html.decode()


def test_pages_that_do_not_search_never_load_the_vector_index(
    client: Any, world: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(vectorsearch, "_index", None)
    client.force_login(world["users"]["national"])
    for url in (
        reverse("usecase_list"),
        reverse("usecase_list") + "?q=chatbot",
        reverse("usecase_detail", args=[world["records"]["a_public"].pk]),
        reverse("home"),
    ):
        assert client.get(url).status_code == 200
    assert vectorsearch.loaded_index() is None


def test_cached_fragments_follow_the_language_the_values_and_the_current_page(
    client: Any, world: dict[str, Any]
) -> None:
    """The menu, the footer and the filter form are cached fragments: a second request reads them
    from the cache, yet each shows what that request asks (language, chosen values, current link)."""
    client.force_login(world["users"]["national"])
    url = reverse("usecase_list")
    first = client.get(url).content.decode()
    assert 'aria-current="page">Cas d' in first
    chosen = client.get(url, {"status": "deployed"}).content.decode()
    assert '<option value="deployed" selected>' in chosen
    assert '<option value="deployed" selected>' not in client.get(url).content.decode()
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Plan du site" in first and "Site map" in english and "Plan du site" not in english
    organisations = client.get(reverse("organisation_list")).content.decode()
    assert 'aria-current="page">Cas d' not in organisations


def test_the_list_page_renders_without_the_long_texts(client: Any, world: dict[str, Any]) -> None:
    """Without a search query the list page does not read the long texts (deferred columns), with
    one it does (its excerpts)."""
    client.force_login(world["users"]["national"])
    with CaptureQueriesContext(connection) as captured:
        client.get(reverse("usecase_list"))
    page_query = next(
        q["sql"]
        for q in captured.captured_queries
        if '"registry_usecase"."title"' in q["sql"] and "ORDER BY" in q["sql"] and "COUNT" not in q["sql"]
    )
    assert '"expected_benefits"' not in page_query
    assert client.get(reverse("usecase_list"), {"q": "fraude"}).status_code == 200


def test_list_rows_written_in_python_escape_link_and_translate(
    client: Any, world: dict[str, Any], make_org: Any, make_usecase: Any
) -> None:
    """The rows of the list page are written by www/listing.py, not the template engine: the texts are
    escaped, each title links to its record, the labels follow the language, the badges the level, and
    a searched list shows the excerpts."""
    org = make_org(name="Hôpital <Nord> & Sud", slug="hopital-nord-sud")
    record = make_usecase(
        org, title="Tri <b>des</b> appels & urgences", publication_level="public", status="deployed"
    )
    client.force_login(world["users"]["national"])
    html = client.get(reverse("usecase_list"), {"organisation": "hopital-nord-sud"}).content.decode()
    detail = reverse("usecase_detail", args=[record.pk])
    assert f'<a href="{detail}">Tri &lt;b&gt;des&lt;/b&gt; appels &amp; urgences</a>' in html
    assert "<td>Hôpital &lt;Nord&gt; &amp; Sud</td>" in html and "<b>des</b>" not in html
    assert "<td>Accès aux soins et urgences</td>" in html
    assert 'atlasia-status-deployed">Déployé</span>' in html
    assert 'fr-badge--info fr-badge--no-icon">Public</span>' in html
    english = client.get(
        reverse("usecase_list"), {"organisation": "hopital-nord-sud"}, HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "<td>Access to care and emergencies</td>" in english
    assert "<td>Classical supervised learning</td>" in english
    searched = client.get(reverse("usecase_list"), {"q": "résumé", "organisation": "hopital-nord-sud"})
    assert '<p class="fr-text--xs fr-mb-0 atlasia-excerpt">' in searched.content.decode()
    empty = client.get(reverse("usecase_list"), {"organisation": "aucune-organisation"}).content.decode()
    assert "Aucun cas d'usage ne correspond à ces critères." in empty


def test_a_count_over_the_cap_is_kept_a_minute_and_an_exact_count_never(
    client: Any, world: dict[str, Any], make_usecase: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(selectors.CappedPaginator, "cap", 3)
    client.force_login(world["users"]["national"])
    url = reverse("usecase_list")
    assert "Plus de 3 cas d'usage" in client.get(url).content.decode()
    html = _queries(client, url)[1]
    assert "Plus de 3 cas d'usage" in html
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    assert not any("COUNT(" in q["sql"] for q in captured.captured_queries)  # over the cap: from the cache
    # An exact count (under the cap) is counted on every request: a new record shows at once.
    filters = {"organisation": "caf-gironde", "publication_level": "public"}
    assert ">1 cas d'usage" in client.get(url, filters).content.decode()
    make_usecase(world["org_b"], title="Nouveau public B", publication_level="public")
    assert ">2 cas d'usage" in client.get(url, filters).content.decode()
