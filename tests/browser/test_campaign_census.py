"""End to end in Debian's Chromium: the national team launches a census to every MDPH of
Hauts-de-France and watches the answers arrive as the MDPH referents confirm their records."""

import datetime as dt
import pathlib
from typing import Any

import pytest
from django.utils import timezone

from atlasia.accounts.models import Membership, User
from atlasia.registry.loaders import load_reference
from atlasia.registry.models import AITechnique, Organisation, Theme, UseCase

PASSWORD = "Mot-de-passe-2026"
pytestmark = [pytest.mark.browser]


def _log_in(browser: Any, base: str, username: str) -> Any:
    page = browser.new_context(locale="fr-FR").new_page()
    page.goto(f"{base}/campagnes/")
    assert "/connexion/" in page.url
    page.get_by_label("Identifiant").fill(username)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{base}/campagnes/")  # back where she was going, logged in
    return page


def _answer(browser: Any, base: str, username: str, record: str | None) -> None:
    """An MDPH referent opens the campaign from her list, confirms her record and sends the answer."""
    page = _log_in(browser, base, username)
    page.get_by_role("link", name="Recensement 2026 des MDPH").click()
    if record:
        page.get_by_role("button", name=f"Confirmer sans changement — {record}").click()
        page.wait_for_selector("text=est confirmée sans changement")
    page.get_by_role("button", name="Envoyer la réponse de l'organisation").click()
    page.wait_for_selector("#etat-reponse:has-text('Réponse envoyée le')")
    page.context.close()


@pytest.mark.django_db(transaction=True)
def test_national_team_launches_a_census_and_sees_answers_arrive(live_server: Any, browser: Any) -> None:
    load_reference()
    nord = Organisation.objects.create(
        name="MDPH du Nord", slug="mdph-nord", type="mdph", region="32", department="59"
    )
    somme = Organisation.objects.create(
        name="MDPH de la Somme", slug="mdph-somme", type="mdph", region="32", department="80"
    )
    Organisation.objects.create(
        name="MDPH de la Gironde", slug="mdph-gironde", type="mdph", region="75", department="33"
    )
    User.objects.create_user(username="nadia", password=PASSWORD, reviewer_scope="national")
    for username, organisation in (("marc", nord), ("sophie", somme)):
        user = User.objects.create_user(username=username, password=PASSWORD)
        Membership.objects.create(user=user, organisation=organisation, role="referent")
    record = UseCase.objects.create(
        title="Pré-instruction des demandes de PCH",
        summary="Un outil repère les pièces manquantes des dossiers.",
        theme=Theme.objects.first(),
        ai_technique=AITechnique.objects.first(),
        organisation=nord,
    )
    long_ago = timezone.now() - dt.timedelta(days=400)
    UseCase.objects.filter(pk=record.pk).update(created_at=long_ago, updated_at=long_ago)

    base = live_server.url
    team = _log_in(browser, base, "nadia")
    team.get_by_role("link", name="Lancer une campagne").click()
    team.get_by_label("Titre").fill("Recensement 2026 des MDPH")
    team.get_by_label("Recensement des cas d'usage").check(force=True)
    team.get_by_label("Consignes").fill("Confirmez ou mettez à jour chacune de vos fiches avant la clôture.")
    today = timezone.localdate()
    team.get_by_label("Ouverture").fill(today.isoformat())
    team.get_by_label("Clôture (dernier jour pour répondre)").fill(
        (today + dt.timedelta(days=30)).isoformat()
    )
    team.get_by_label("MDPH", exact=True).check(force=True)
    team.get_by_label("Hauts-de-France").check(force=True)
    team.get_by_role("button", name="Enregistrer").click()
    team.wait_for_selector("text=La campagne est lancée auprès de 2 organisation(s).")
    assert "0 % de réponses (0 organisations sur 2)" in team.inner_text("#taux")
    assert "MDPH de la Gironde" not in team.inner_text("#par-organisation")

    _answer(browser, base, "marc", "Pré-instruction des demandes de PCH")
    team.reload()
    assert "50 % de réponses (1 organisations sur 2)" in team.inner_text("#taux")
    nord_row = team.get_by_role("row", name="MDPH du Nord")
    assert f"le {today:%d/%m/%Y}".upper() in nord_row.inner_text().upper()
    assert "EN ATTENTE" in team.get_by_role("row", name="MDPH de la Somme").inner_text().upper()

    _answer(browser, base, "sophie", None)  # the MDPH de la Somme has no record: it answers so
    team.reload()
    assert "100 % de réponses (2 organisations sur 2)" in team.inner_text("#taux")
    screenshots = pathlib.Path(__file__).resolve().parents[2] / "var"
    team.screenshot(path=str(screenshots / "browser-test-campaign.png"), full_page=True)
