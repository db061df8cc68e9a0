"""Dashboards (figures equal independent counts) and the annual report (sections, figures, hash, PDF)."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from typing import Any

import pytest
from django.urls import reverse

from atlasia.publication import aggregation
from atlasia.publication.models import ReportRun
from atlasia.publication.report import input_hash, report_data
from atlasia.registry.models import UseCase


def _table(page: str, dimension: str) -> dict[str, int]:
    block = page.split(f'data-dimension="{dimension}"', 1)[1].split("</table>", 1)[0]
    return {
        code: int(n) for code, n in re.findall(r'data-code="([^"]*)">.*?atlasia-num">(\d+)<', block, re.S)
    }


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["contributor", "other_referent", "regional", "national"])
def test_dashboard_figures_equal_independent_counts_of_what_the_user_may_see(
    client: Any, pub: Any, who: str
) -> None:
    user = pub["users"][who]
    client.force_login(user)
    page = client.get(reverse("publication_dashboard")).content.decode()
    # independent computation: the visibility rules written out again, on plain Python objects
    visible = []
    member_orgs = set(user.memberships.values_list("organisation_id", flat=True))
    for uc in UseCase.objects.select_related("organisation", "theme", "ai_technique"):
        if (
            user.reviewer_scope == "national"
            or uc.publication_level in ("network", "public")
            or uc.organisation_id in member_orgs
            or (user.reviewer_scope == "regional" and uc.organisation.region == user.reviewer_region)
        ):
            visible.append(uc)
    assert f"{len(visible)} cas d'usage" in page
    expected = {
        "theme": Counter(uc.theme.code for uc in visible),
        "status": Counter(uc.status for uc in visible),
        "organisation_type": Counter(uc.organisation.type for uc in visible),
        "region": Counter(uc.organisation.region for uc in visible),
        "technique": Counter(uc.ai_technique.code for uc in visible),
        "publication_level": Counter(uc.publication_level for uc in visible),
    }
    for dimension, counts in expected.items():
        shown = _table(page, dimension)
        assert {k: v for k, v in shown.items() if v} == dict(counts), dimension
    for year, n in Counter(uc.start_date.year for uc in visible if uc.start_date).items():
        assert re.search(rf"<th scope=\"row\">{year}</th><td class=\"atlasia-num\">{n}</td>", page)


@pytest.mark.django_db
def test_dashboard_filters_are_the_use_case_list_parameters(client: Any, pub: Any) -> None:
    client.force_login(pub["users"]["national"])
    page = client.get(
        reverse("publication_dashboard"), {"region": "04", "status": "generalised"}
    ).content.decode()
    assert "1 cas d'usage correspond aux filtres" in page
    assert _table(page, "region") == {**{c: 0 for c in _table(page, "region")}, "04": 1}


@pytest.mark.django_db
def test_the_map_is_an_accessible_svg_with_every_region_overseas_included(client: Any, pub: Any) -> None:
    client.force_login(pub["users"]["national"])
    page = client.get(reverse("publication_dashboard")).content.decode()
    svg = page.split('<svg xmlns="http://www.w3.org/2000/svg"', 1)[1].split("</svg>", 1)[0]
    assert 'role="group"' in svg and "<title id=" in svg and "<desc id=" in svg
    # Each region is a link that narrows the dashboard to it (Enter follows it), no empty tab stop.
    assert 'tabindex="0"' not in svg
    assert svg.count('<a href="/tableaux-de-bord/?region=') == 18
    assert 'href="/tableaux-de-bord/?region=04" class="atlasia-map__link"' in svg
    for name in ("Guadeloupe", "Martinique", "Guyane", "La Réunion", "Mayotte", "Île-de-France"):
        assert name in svg
    assert 'aria-label="La Réunion : 1 cas d&#x27;usage"' in svg or "La Réunion : 1 cas d'usage" in svg
    assert "Légende" in page and "Cartogramme en tuiles" in page


def test_class_breaks_cover_every_value_and_zero_is_apart() -> None:
    breaks = aggregation.class_breaks([0, 1, 3, 17])
    assert breaks[0][0] == 1 and breaks[-1][1] == 17
    assert aggregation.class_index(0, breaks) == 0
    for v in range(1, 18):
        low, high = breaks[aggregation.class_index(v, breaks) - 1]
        assert low <= v <= high
    assert aggregation.trend_by_year([2020, None, 2022, 2022]) == ([(2020, 1), (2021, 0), (2022, 2)], 1)


@pytest.mark.django_db
def test_the_dashboard_needs_a_login(client: Any, pub: Any) -> None:
    response = client.get(reverse("publication_dashboard"))
    assert response.status_code == 302 and "/connexion/" in response["Location"]


# --- annual report -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_report_data_has_the_expected_figures_and_a_stable_hash(pub: Any) -> None:
    run = ReportRun.objects.create(year=2024, requested_by=pub["users"]["national"])
    data = report_data(run)
    # active in 2024: every record of the world (start dates 2023-2024 or none, created now → not by 2024)
    expected = [uc for uc in UseCase.objects.all() if uc.start_date and uc.start_date.year <= 2024]
    assert data["figures"]["active"] == len(expected)
    assert data["figures"]["new"] == sum(1 for uc in expected if uc.start_date.year == 2024)
    assert {b["code"]: b["n"] for b in data["by_region"] if b["n"]} == dict(
        Counter(uc.organisation.region for uc in expected)
    )
    assert input_hash(data) == input_hash(report_data(ReportRun.objects.get(pk=run.pk)))
    region_run = ReportRun.objects.create(
        year=2024, scope="region", region="04", requested_by=pub["users"]["national"]
    )
    assert report_data(region_run)["figures"]["active"] == 1


@pytest.mark.django_db
def test_requesting_a_report_builds_html_and_pdf_in_the_background_with_progress(
    client: Any,
    pub: Any,
    django_capture_on_commit_callbacks: Any,
    settings: Any,
    tmp_path: Any,
    pdf_info: Any,
) -> None:
    settings.MEDIA_ROOT = tmp_path
    client.force_login(pub["users"]["national"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("publication_report_list"), {"year": 2024, "scope": "nation"})
    run = ReportRun.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "publication_report_detail", args=[run.pk]
    )
    assert (run.status, run.progress, run.step) == ("done", 100, "Rapport prêt")
    assert len(run.input_hash) == 64
    html = client.get(reverse("publication_report_file", args=[run.pk, "html"]))
    # self-contained document: its own <style> element is allowed, scripts still only from 'self'
    assert "style-src-elem 'self' 'unsafe-inline'" in html["Content-Security-Policy"]
    text = b"".join(html.streaming_content).decode()
    for section in (
        "Synthèse",
        "Chiffres clés",
        "Répartition par thème",
        "Répartition territoriale",
        "Étapes et évolution",
        "Organisations et techniques",
        "Empreinte environnementale",
        "Méthode",
    ):
        assert section in text
    assert f"<strong>{run_report_active(run)} cas d'usage</strong>" in text
    pdf = b"".join(client.get(reverse("publication_report_file", args=[run.pk, "pdf"])).streaming_content)
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
    meta = pdf_info(pdf)
    assert meta["Tagged"] == "yes" and meta["Title"].startswith("Cartographie des usages de l")
    detail = client.get(reverse("publication_report_detail", args=[run.pk])).content.decode()
    assert "Télécharger le rapport PDF" in detail and run.input_hash in detail
    # same data, same report: a second run has the same hash and the same HTML
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("publication_report_list"), {"year": 2024, "scope": "nation"})
    second = ReportRun.objects.exclude(pk=run.pk).get()
    assert second.input_hash == run.input_hash
    assert second.html_file.read() == run.html_file.open("rb").read()
    # another user does not see these runs
    client.force_login(pub["users"]["contributor"])
    assert client.get(reverse("publication_report_detail", args=[run.pk])).status_code == 404


def run_report_active(run: ReportRun) -> int:
    return report_data(run)["figures"]["active"]


@pytest.mark.django_db
def test_a_pending_run_page_follows_its_progress_and_a_bad_request_says_what_is_missing(
    client: Any, pub: Any
) -> None:
    client.force_login(pub["users"]["national"])
    run = ReportRun.objects.create(year=2024, requested_by=pub["users"]["national"])
    page = client.get(reverse("publication_report_detail", args=[run.pk])).content.decode()
    # No <meta refresh>: a script polls the JSON progress and offers the result when it is ready.
    assert 'http-equiv="refresh"' not in page and "<progress" in page
    progress_url = reverse("publication_report_progress", args=[run.pk])
    assert f'data-progress-url="{progress_url}"' in page
    state = client.get(progress_url).json()
    assert state["finished"] is False and state["status_label"] and state["progress"] == 0
    response = client.post(reverse("publication_report_list"), {"year": 2024, "scope": "region"})
    assert response.status_code == 400 and "Choisissez la région du rapport." in response.content.decode()


@pytest.mark.django_db
def test_a_report_names_no_internal_record_and_can_cover_the_public_register_only(pub: Any) -> None:
    from atlasia.lifecycle.models import Experiment

    for title in ("Triage interne A", "Chatbot public A"):
        use_case = UseCase.objects.get(title=title)
        UseCase.objects.filter(pk=use_case.pk).update(start_date=dt.date(2024, 1, 1))
        Experiment.objects.create(
            use_case=use_case,
            title=f"Essai {title}",
            start_date=dt.date(2024, 1, 1),
            end_date=dt.date(2024, 6, 30),
            decision="generalise",
            what_worked=f"Ce qui a marché pour {title}.",
        )
    national = pub["users"]["national"]
    data = report_data(ReportRun.objects.create(year=2024, requested_by=national))
    named = [e["use_case"] for e in data["experiments"]]
    assert "Chatbot public A" in named and "Triage interne A" not in named
    public = report_data(ReportRun.objects.create(year=2024, requested_by=national, public_only=True))
    assert public["public_only"] is True and public["scope_label"] == "France entière — registre public"
    assert public["figures"]["active"] == public["figures"]["public"] < data["figures"]["active"]
