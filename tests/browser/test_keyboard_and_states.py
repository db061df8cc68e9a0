"""Keyboard and assistive-technology journeys in Debian's Chromium, with axe-core on the page states that
the main audit does not reach: a form sent back with errors (focus goes to the error summary), a report
being prepared (progress without reloading), the map of the dashboard (regions followed with Enter)."""

from __future__ import annotations

from typing import Any

import pytest
from browsing import launched

from atlasia.publication.models import ReportRun

pytestmark = [pytest.mark.browser]
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}


def _violations(page: Any) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    result = Axe().run(page, options=AXE_OPTIONS)
    return [f"{v['id']}: {v['nodes'][0]['target']} — {v['help']}" for v in result.response["violations"]]


@pytest.fixture
def logged_in(live_server: Any, world: dict[str, Any]) -> Any:
    user = world["users"]["referent"]
    user.set_password("Mot-de-passe-2026")
    user.save()
    with launched() as browser:
        page = browser.new_page(locale="fr-FR")
        page.goto(live_server.url + "/connexion/")
        page.get_by_label("Identifiant").fill(user.username)
        page.get_by_label("Mot de passe").fill("Mot-de-passe-2026")
        page.get_by_role("button", name="Se connecter").click()
        page.wait_for_load_state()
        yield page


@pytest.mark.django_db(transaction=True)
def test_a_failed_submit_moves_the_focus_to_an_error_summary(live_server: Any, logged_in: Any) -> None:
    page = logged_in
    page.goto(live_server.url + "/cas-d-usage/nouveau/")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_load_state()
    page.wait_for_selector("[data-error-summary]")
    focused = page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
    assert focused, "the focus stays on the page body after a failed submit"
    summary = page.inner_text("[data-error-summary]")
    assert "Le formulaire n'a pas été enregistré" in summary and "Titre" in summary
    # The summary's links lead to the fields.
    page.locator("[data-error-summary] a").first.click()
    assert page.evaluate("document.activeElement.tagName") in {"INPUT", "TEXTAREA", "SELECT"}
    assert _violations(page) == []


@pytest.mark.django_db(transaction=True)
def test_a_report_in_preparation_shows_its_progress_without_reloading(
    live_server: Any, logged_in: Any, world: dict[str, Any]
) -> None:
    run = ReportRun.objects.create(year=2025, requested_by=world["users"]["referent"])
    page = logged_in
    page.goto(f"{live_server.url}/rapports/{run.pk}/")
    assert page.locator('meta[http-equiv="refresh"]').count() == 0
    assert page.locator("progress").get_attribute("value") == "0"
    assert _violations(page) == []
    # The job advances: the bar follows, the page is not reloaded, and the result is offered at the end.
    # (polled from here: the Content-Security-Policy forbids the eval that wait_for_function needs)
    page.evaluate("window.__stayed = true")
    ReportRun.objects.filter(pk=run.pk).update(progress=60, step="Graphiques")
    bar = page.locator("progress")
    for _ in range(80):
        if bar.get_attribute("value") == "60":
            break
        page.wait_for_timeout(250)
    assert bar.get_attribute("value") == "60"
    ReportRun.objects.filter(pk=run.pk).update(progress=100, status="done", step="Terminé")
    page.wait_for_selector("[data-progress-done]:not([hidden])", timeout=20_000)
    assert page.evaluate("window.__stayed === true")
    assert "Terminé" in page.inner_text("[data-progress-status]")


@pytest.mark.django_db(transaction=True)
def test_the_regions_of_the_map_are_links_followed_with_enter(live_server: Any, logged_in: Any) -> None:
    page = logged_in
    page.goto(live_server.url + "/tableaux-de-bord/")
    links = page.locator("svg.atlasia-map a")
    assert links.count() == 18
    links.first.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/tableaux-de-bord/?region=*")
    assert "region=" in page.url
    assert _violations(page) == []
