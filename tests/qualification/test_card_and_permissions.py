"""The qualification card on the use-case page, and who may answer or read (404 otherwise)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from atlasia.qualification import services
from atlasia.qualification.models import QualificationDraft

pytestmark = pytest.mark.django_db


def _detail(client: Any, uc: Any) -> str:
    response = client.get(reverse("usecase_detail", kwargs={"pk": uc.pk}))
    assert response.status_code == 200
    return response.content.decode()


def _card(html: str) -> str:
    return re.search(
        r'<section class="fr-card[^"]*" aria-labelledby="carte-qualification">.*?</section>', html, re.S
    ).group(0)


def test_the_card_of_a_high_risk_annex_iii_5a_system(world: Any, login: Any, hr_answers: dict) -> None:
    uc = world["records"]["a_internal"]
    services.qualification_complete(actor=world["users"]["referent"], use_case=uc, answers=hr_answers)
    html = _detail(login(world["users"]["referent"]), uc)
    card = _card(html)
    # at the top of the main column, before « En bref »
    assert html.index('aria-labelledby="carte-qualification"') < html.index('id="en-bref"')
    assert '<span class="fr-badge fr-badge--no-icon fr-badge--warning">Haut risque</span>' in card
    assert "Art. 6(2) et annexe III, point 5(a) — prestations et services publics essentiels" in card
    assert re.search(r"Analyse d'impact sur les droits fondamentaux \(AIDF, art. 27\)</dt><dd>Oui", card)
    assert "annexe VIII, section C" in card
    assert "AIPD (RGPD, art. 35)</dt><dd>Requise" in card
    assert "Liste CNIL (délibération n° 2018-327)" in card
    assert "Hébergeur certifié HDS requis (CSP, L.1111-8)</dt><dd>Oui" in card
    assert "(CRPA, L.311-3-1)</dt><dd>Oui" in card
    # obligations as a dated timeline: Chapter III from 2 December 2027, AI literacy already applicable
    assert '<time datetime="2027-12-02">02/12/2027</time>art. 26(2)' in card
    assert '<time datetime="2027-12-02">02/12/2027</time>art. 27 — ' in card
    assert '<time datetime="2027-12-02">02/12/2027</time>art. 26(8), 49(3), annexe VIII C' in card
    literacy = re.search(r'<li class="is-applicable"><time datetime="2025-02-02">.*?</li>', card).group(0)
    assert "applicable" in literacy and "art. 4" in literacy
    assert card.index('datetime="2025-02-02"') < card.index('datetime="2027-12-02"')
    assert "Version du droit : 2026-07-omnibus" in card
    assert "Aide, pas un avis juridique." in card and "ne constitue pas un avis juridique" in card
    assert "À revoir" not in card
    assert "Mettre à jour la qualification" in card


def test_an_undetermined_card_lists_the_missing_answers(world: Any, login: Any) -> None:
    uc = world["records"]["a_internal"]
    services.qualification_complete(
        actor=world["users"]["referent"], use_case=uc, answers={"ai_technique": "machine_learning"}
    )
    card = _card(_detail(login(world["users"]["referent"]), uc))
    assert "Indéterminé" in card and "Réponses manquantes (AI Act)" in card
    assert "Une des exclusions du règlement s&#x27;applique-t-elle ?" in card


def test_the_card_flags_a_version_under_an_older_law_to_review(
    world: Any, login: Any, hr_answers: dict
) -> None:
    uc = world["records"]["a_internal"]
    services.qualification_complete(
        actor=world["users"]["referent"], use_case=uc, answers=hr_answers, law_version="2024-07-original"
    )
    card = _card(_detail(login(world["users"]["referent"]), uc))
    assert "fr-badge--new" in card and ">À revoir</span>" in card
    assert "Version du droit : 2024-07-original" in card


def test_a_contributor_cannot_answer(world: Any, login: Any) -> None:
    uc = world["records"]["a_internal"]
    client = login(world["users"]["contributor"])
    url = reverse("qualification_section", kwargs={"pk": uc.pk, "section": "ai_system"})
    assert client.get(url).status_code == 404
    assert client.post(url, {"shown": "ai_technique", "ai_technique": "machine_learning"}).status_code == 404
    assert client.post(reverse("qualification_complete", kwargs={"pk": uc.pk})).status_code == 404
    assert not QualificationDraft.objects.exists()
    # a contributor still reads the (empty) card of her organisation's record, without the button
    card = _card(_detail(client, uc))
    assert "Non qualifié" in card and "Qualifier ce cas d&#x27;usage" not in card


def test_another_organisation_gets_404_even_on_a_record_it_can_read(world: Any, login: Any) -> None:
    client = login(world["users"]["other_referent"])
    internal, network = world["records"]["a_internal"], world["records"]["a_network"]
    for uc in (internal, network):
        url = reverse("qualification_section", kwargs={"pk": uc.pk, "section": "ai_system"})
        assert client.get(url).status_code == 404
    # reading follows the record's visibility: internal → 404, network → readable
    assert client.get(reverse("qualification_overview", kwargs={"pk": internal.pk})).status_code == 404
    assert client.get(reverse("qualification_overview", kwargs={"pk": network.pk})).status_code == 200


def test_qualifying_roles_of_the_organisation_may_answer(world: Any, login: Any) -> None:
    uc = world["records"]["a_internal"]
    url = reverse("qualification_section", kwargs={"pk": uc.pk, "section": "ai_system"})
    for role in ("referent", "dpo", "org_admin", "admin"):
        assert login(world["users"][role]).get(url).status_code == 200, role
    for role in ("regional", "national", "nobody"):
        assert login(world["users"][role]).get(url).status_code == 404, role


def test_a_reviewer_reads_the_card_and_the_versions(world: Any, login: Any, hr_answers: dict) -> None:
    uc = world["records"]["a_internal"]
    services.qualification_complete(actor=world["users"]["referent"], use_case=uc, answers=hr_answers)
    client = login(world["users"]["regional"])
    card = _card(_detail(client, uc))
    assert "Haut risque" in card and "Mettre à jour la qualification" not in card
    page = client.get(reverse("qualification_overview", kwargs={"pk": uc.pk})).content.decode()
    assert "Version 1" in page and "Commencer le questionnaire" not in page
    tab = client.get(
        reverse("usecase_detail", kwargs={"pk": uc.pk}) + "?onglet=qualification"
    ).content.decode()
    assert "Résultat de la version 1" in tab
    # Each document: its DOCX in the request, its PDF asked for by a form and prepared in the background.
    prepare = reverse("qualification_document_prepare", kwargs={"pk": uc.pk, "kind": "aipd"})
    assert f'action="{prepare}"' in tab and f'action="{prepare}"' in page
    assert "aipd.docx" in tab and "aipd.pdf" not in tab and "aipd.pdf" not in page
    assert client.get(reverse("qualification_version", kwargs={"pk": uc.pk, "version": 1})).status_code == 200
    assert (
        login(world["users"]["regional_other"])
        .get(reverse("qualification_version", kwargs={"pk": uc.pk, "version": 1}))
        .status_code
        == 404
    )


def test_the_card_reads_in_english_for_an_english_reader(world: Any, login: Any, hr_answers: dict) -> None:
    uc = world["records"]["a_internal"]
    services.qualification_complete(actor=world["users"]["referent"], use_case=uc, answers=hr_answers)
    client = login(world["users"]["referent"])
    response = client.get(reverse("usecase_detail", kwargs={"pk": uc.pk}), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    card = _card(response.content.decode())
    # the legal bases, the law version, the DPIA and the obligations in English
    assert "Art. 6(2) and Annex III, point 5(a) — essential public benefits and services" in card
    assert "Law version: 2026-07-omnibus (AI Act as amended by the Digital Omnibus on AI (2026))" in card
    assert re.search(r"DPIA \(GDPR, art\. 35\)</dt><dd>Required", card)
    assert "CNIL list (deliberation No. 2018-327)" in card
    assert "Confidence: " in card
    assert "Regulation (EU) 2024/1689 (AI Act), Art. 49 and Annex VIII" in card  # the references too
    assert "An aid, not legal advice." in card and "is guidance based on your answers" in card
    for french in (
        "et annexe III",
        "prestations et services publics",
        "Version du droit",
        "AIPD",
        "Requise",
        "Liste CNIL",
        "déployeur",
        "droit français",
        "annexe VIII C",
        "ne constitue pas un avis juridique",
        "Règlement (UE)",
        "délibération",
    ):
        assert french not in card, french
    # the qualification tab of the record says the same
    tab = client.get(
        reverse("usecase_detail", kwargs={"pk": uc.pk}) + "?onglet=qualification", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Art. 6(2) and Annex III, point 5(a) — essential public benefits and services" in tab
    assert "Law version: 2026-07-omnibus (AI Act as amended by the Digital Omnibus on AI (2026))" in tab
    for french in ("et annexe III", "Version du droit", "AIPD", "Liste CNIL", "indéterminé"):
        assert french not in tab, french


def test_the_comparison_of_two_versions_reads_in_english(
    world: Any, login: Any, hr_answers: dict, minimal_answers: dict
) -> None:
    uc = world["records"]["a_internal"]
    referent = world["users"]["referent"]
    services.qualification_complete(actor=referent, use_case=uc, answers=minimal_answers)
    services.qualification_complete(actor=referent, use_case=uc, answers=hr_answers)
    from django.utils import translation

    from atlasia.qualification.display import compare
    from atlasia.qualification.models import Qualification

    old, new = Qualification.objects.filter(use_case=uc).order_by("version")[:2]
    with translation.override("en"):
        rows = {r["key"]: r for r in compare(old, new)["results"]}
    assert rows["law_label"]["label"] == "Law version"
    assert rows["dpia_label"]["label"] == "DPIA (GDPR, art. 35)"
    assert any("Annex III, point 5(a)" in b for b in rows["bases"]["new"])
    assert not any("annexe" in b for b in rows["bases"]["new"])
