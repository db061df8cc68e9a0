"""Automated accessibility audit (axe-core, WCAG 2.1 A and AA rules) of the main pages in Chromium.

axe finds about a third of the RGAA criteria automatically; the rest (reading order, relevance of
alternatives, keyboard journeys) are checked by hand. A page that fails here has a certain defect.
"""

from typing import Any

import pytest
from browsing import launched

from atlasia.registry.models import UseCase

pytestmark = [
    pytest.mark.browser,
]
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}


def _violations(page: Any, axe: Any) -> list[str]:
    result = axe.run(page, options=AXE_OPTIONS)
    return [
        f"{v['impact']} {v['id']}: {v['nodes'][0]['target']} — {v['help']}"
        for v in result.response["violations"]
    ]


@pytest.mark.django_db(transaction=True)
def test_main_pages_have_no_axe_violation(live_server: Any, world: dict[str, Any]) -> None:
    from axe_playwright_python.sync_playwright import Axe

    public = world["records"]["a_public"]
    private = world["records"]["a_internal"]
    user = world["users"]["referent"]
    user.set_password("Mot-de-passe-2026")
    user.save()
    anonymous_pages = [
        "/",
        "/mentions-legales/",
        "/donnees-personnelles/",
        "/accessibilite/",
        "/plan-du-site/",
        "/page-qui-n-existe-pas/",
        "/registre/",
        f"/registre/{public.uid}/",
        "/algorithmes/",
        "/donnees-ouvertes/",
        "/connexion/",
    ]
    member_pages = [
        "/",
        "/cas-d-usage/",
        f"/cas-d-usage/{private.pk}/",
        f"/cas-d-usage/{private.pk}/?onglet=historique",
        f"/cas-d-usage/{private.pk}/modifier/",
        "/cas-d-usage/nouveau/",
        "/organisations/",
        f"/organisations/{world['org_a'].slug}/",
        "/tableaux-de-bord/",
        "/portefeuille/",
        "/conformite/",
        "/recherche/?q=triage",
        "/a-faire/",
        "/compte/mot-de-passe/",
    ]
    failures: dict[str, list[str]] = {}
    axe = Axe()
    with launched() as browser:
        page = browser.new_page(locale="fr-FR")
        # The Content-Security-Policy refuses inline scripts and <style> elements: Chromium reports each
        # refusal on the console, so a page that still relies on one fails here.
        csp_refusals: list[str] = []
        page.on(
            "console",
            lambda message: (
                csp_refusals.append(f"{page.url}: {message.text}")
                if "Content Security Policy" in message.text
                else None
            ),
        )
        for url in anonymous_pages:
            page.goto(live_server.url + url)
            failures[url] = _violations(page, axe)
        page.goto(live_server.url + "/connexion/")
        page.get_by_label("Identifiant").fill(user.username)
        page.get_by_label("Mot de passe").fill("Mot-de-passe-2026")
        page.get_by_role("button", name="Se connecter").click()
        page.wait_for_load_state()
        for url in member_pages:
            response = page.goto(live_server.url + url)
            assert response is not None and response.status == 200, url
            failures[url] = _violations(page, axe)
    assert UseCase.objects.filter(pk=private.pk).exists()
    assert csp_refusals == []
    assert {url: found for url, found in failures.items() if found} == {}
