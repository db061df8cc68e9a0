"""In Debian's Chromium: click "S'identifier avec ProConnect", log in at the provider, land logged in."""

from __future__ import annotations

import pathlib
from typing import Any

import pytest
from browsing import launched

from atlasia.accounts import oidc
from atlasia.accounts.models import User
from atlasia.registry.models import Organisation

from .conftest import CLIENT_ID, CLIENT_SECRET, Provider

pytestmark = [pytest.mark.browser]


@pytest.fixture
def page() -> Any:
    with launched() as browser:
        yield browser.new_page(locale="fr-FR")


@pytest.mark.django_db(transaction=True)
def test_an_agent_logs_in_with_proconnect_in_the_browser(
    live_server: Any, provider: Provider, settings: Any, page: Any
) -> None:
    settings.ATLASIA_OIDC_ISSUER = provider.issuer
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    oidc.forget_provider_metadata()
    provider.setup(
        redirect_uris=[f"{live_server.url}/connexion/proconnect/retour/"],
        post_logout_redirect_uris=[f"{live_server.url}/deconnexion/proconnect/retour/"],
        tamper={},
    )
    provider.add_user(
        "agent-mdph",
        "mot-de-passe-du-fournisseur",
        "ines.leroy@mdph59.fr",
        given_name="Inès",
        usual_name="LEROY",
        siret="22590001700018",
        idp_id="fia1v2",
        acr="eidas1",
    )
    Organisation.objects.create(
        name="MDPH du Nord", slug="mdph-nord", type="mdph", siren="225900017", region="32", department="59"
    )

    shots = pathlib.Path(__file__).resolve().parents[2] / "var"
    page.goto(f"{live_server.url}/cas-d-usage/")
    assert "/connexion/" in page.url
    page.screenshot(path=str(shots / "proconnect-login-page.png"), full_page=True)
    page.get_by_role("button", name="S’identifier avec ProConnect").click()
    page.wait_for_url(f"{provider.url}/connexion/**")
    page.get_by_label("Adresse électronique").fill("agent-mdph")
    page.get_by_label("Mot de passe").fill("mot-de-passe-du-fournisseur")
    page.get_by_role("button", name="Continuer").click()
    page.wait_for_url(f"{live_server.url}/cas-d-usage/")

    assert page.get_by_role("link", name="Mon compte — connecté en tant que Inès LEROY").count() == 1
    user = User.objects.get(email="ines.leroy@mdph59.fr")
    assert not user.memberships.exists()
    page.goto(f"{live_server.url}/")
    notice = page.locator("#no-role-notice").inner_text()
    assert "aucun rôle" in notice and "MDPH du Nord" in notice
    page.screenshot(path=str(shots / "proconnect-first-login.png"), full_page=True)

    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_url(f"{live_server.url}/connexion/**")
    assert "Vous êtes déconnecté·e d'Atlas IA et de ProConnect." in page.content()
