"""End to end in Debian's Chromium: log in, create a use case, find it in the list."""

import pathlib
from typing import Any

import pytest
from browsing import launched

from atlasia.accounts.models import Membership, User
from atlasia.registry.loaders import load_reference
from atlasia.registry.models import Organisation

pytestmark = [
    pytest.mark.browser,
]


@pytest.fixture
def browser_page() -> Any:
    with launched() as browser:
        page = browser.new_page(locale="fr-FR")
        yield page


@pytest.mark.django_db(transaction=True)
def test_log_in_create_a_use_case_and_find_it_in_the_list(live_server: Any, browser_page: Any) -> None:
    load_reference()
    organisation = Organisation.objects.create(
        name="MDPH du Nord", slug="mdph-nord", type="mdph", region="32", department="59"
    )
    user = User.objects.create_user(
        username="marie", password="Mot-de-passe-2026", first_name="Marie", last_name="Curie"
    )
    Membership.objects.create(user=user, organisation=organisation, role="contributor")

    page = browser_page
    page.goto(f"{live_server.url}/cas-d-usage/")
    assert "/connexion/" in page.url
    page.get_by_label("Identifiant").fill("marie")
    page.get_by_label("Mot de passe").fill("Mot-de-passe-2026")
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{live_server.url}/cas-d-usage/")

    page.get_by_role("link", name="Déclarer un cas d'usage").click()
    page.get_by_role("textbox", name="Titre").fill("Pré-instruction des demandes de PCH")
    page.get_by_label("Résumé").fill("Un outil repère les pièces manquantes des dossiers déposés à la MDPH.")
    page.get_by_role("combobox", name="Thème").select_option(label="Autonomie et médico-social")
    page.get_by_role("combobox", name="Technique d'IA").select_option(index=1)
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_selector("h1:has-text('Pré-instruction des demandes de PCH')")
    assert "a été créé" in page.content()

    page.get_by_role("button", name="Registre").click()
    page.get_by_role("link", name="Cas d'usage", exact=True).first.click()
    page.get_by_label("Rechercher").fill("PCH")
    page.get_by_role("button", name="Filtrer").click()
    row = page.get_by_role("link", name="Pré-instruction des demandes de PCH")
    assert row.count() == 1
    assert "1 cas d'usage correspond aux filtres" in page.inner_text("#result-count")
    screenshots = pathlib.Path(__file__).resolve().parents[2] / "var"
    page.screenshot(path=str(screenshots / "browser-test-list.png"), full_page=True)
