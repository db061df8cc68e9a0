"""What a person reads on the history tab and in the « À faire » inbox: labels and formatted values, not
field names and Python values; deadlines of serious incidents (Art. 73) among the things to do."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from atlasia.monitoring.models import Externality, Incident
from atlasia.registry import services

pytestmark = pytest.mark.django_db


def _history(client: Client, pk: int, lang: str = "fr") -> str:
    response = client.get(
        reverse("usecase_detail", args=[pk]) + "?onglet=historique", HTTP_ACCEPT_LANGUAGE=lang
    )
    assert response.status_code == 200
    return response.content.decode()


def test_history_shows_labels_and_formatted_values(client: Client, world: dict[str, Any]) -> None:
    referent = world["users"]["referent"]
    use_case = world["records"]["a_internal"]
    services.usecase_update(
        actor=referent,
        use_case=use_case,
        data={"personal_data": True, "health_data": True, "provider_type": "mixed", "title": "Triage revu"},
    )
    client.force_login(referent)
    page = _history(client, use_case.pk)
    assert "Modification — cas d&#x27;usage « Triage revu »" in page
    # Field labels, value labels, yes/no — never the raw names and values.
    assert "Données de santé" in page and "health_data" not in page
    assert "<td>Développement interne</td><td>Mixte</td>" in page
    assert "in_house" not in page
    assert ">oui<" in page and "True" not in page and "False" not in page
    # The heading of each entry comes before its table (no card markup that reorders them).
    assert page.index("Triage revu »</h3>") < page.index("<caption>Valeurs modifiées</caption>")


def test_history_in_english(client: Client, world: dict[str, Any]) -> None:
    referent = world["users"]["referent"]
    use_case = world["records"]["a_internal"]
    services.usecase_update(
        actor=referent, use_case=use_case, data={"personal_data": True, "health_data": True}
    )
    client.force_login(referent)
    page = _history(client, use_case.pk, "en")
    assert "Changed — " in page and ">yes<" in page


def test_history_formats_numbers_without_float_noise() -> None:
    from django.utils import translation

    from atlasia.audit.display import format_value

    translation.activate("fr")
    assert format_value(6.239999999999999) == "6,24"
    assert format_value(1607.0) == "1\xa0607"
    assert format_value(["a", "b"]) == "a; b"
    assert format_value(None) == "—"
    assert format_value("2026-03-12") == "12/03/2026"


@pytest.fixture
def serious_incident(world: dict[str, Any]) -> Incident:
    today = timezone.localdate()
    return Incident.objects.create(
        use_case=world["records"]["a_network"],
        title="Orientation erronée de patients",
        occurred_on=today - dt.timedelta(days=40),
        aware_on=today - dt.timedelta(days=36),
        description="Des patients ont été orientés vers le mauvais service.",
        severity="serious",
        serious_kind="general",
    )


def test_inbox_lists_an_overdue_serious_incident_first(
    client: Client, world: dict[str, Any], serious_incident: Incident
) -> None:
    client.force_login(world["users"]["referent"])
    page = client.get(reverse("lifecycle_inbox")).content.decode()
    assert "Incidents graves à signaler" in page
    assert "Signaler l&#x27;incident « Orientation erronée de patients »" in page
    assert "en retard" in page and "En retard de 21 jours" in page
    assert reverse("monitoring_incident", args=[serious_incident.pk]) in page
    assert "Rien ne vous attend" not in page


def test_inbox_of_another_organisation_does_not_show_the_incident(
    client: Client, world: dict[str, Any], serious_incident: Incident
) -> None:
    client.force_login(world["users"]["other_referent"])
    page = client.get(reverse("lifecycle_inbox")).content.decode()
    assert "Orientation erronée" not in page


def test_inbox_lists_new_externalities_to_triage(client: Client, world: dict[str, Any]) -> None:
    Externality.objects.create(
        use_case=world["records"]["a_public"],
        source="public",
        category="bias",
        description="Les personnes sourdes ne peuvent pas utiliser l'agent conversationnel.",
    )
    client.force_login(world["users"]["referent"])
    page = client.get(reverse("lifecycle_inbox")).content.decode()
    assert "Signalements et externalités à examiner" in page
    assert "Les personnes sourdes" in page


def test_incident_countdown_in_english(serious_incident: Incident) -> None:
    from django.utils import translation

    with translation.override("en"):
        text = serious_incident.countdown(timezone.localdate())
    assert text.startswith("21 days late")


# --- problem reports to an organisation nobody triages ------------------------------------------------


@pytest.fixture
def orphan_report(world: dict[str, Any], make_org: Any, make_usecase: Any) -> Externality:
    """A public problem report on the record of an organisation that has no member (region 32)."""
    from atlasia.publication.services import problem_report_create

    orphan = make_org(name="EHPAD Les Tilleuls", slug="ehpad-tilleuls", type="ehpad", region="32")
    use_case = make_usecase(orphan, title="Détection de chutes la nuit", publication_level="public")
    problem_report_create(
        use_case=use_case,
        category="error",
        description="Alertes de chute déclenchées sans chute, chaque nuit.",
    )
    return Externality.objects.get(use_case=use_case)


def test_report_to_an_organisation_without_members_goes_to_its_regional_team(
    client: Client, world: dict[str, Any], orphan_report: Externality
) -> None:
    client.force_login(world["users"]["regional"])  # region 32
    page = client.get(reverse("lifecycle_inbox")).content.decode()
    assert "Alertes de chute déclenchées sans chute" in page
    # …who can triage it in the organisation's place.
    url = reverse("monitoring_externality", args=[orphan_report.pk])
    response = client.post(url, {"status": "accepted", "note": "Transmis à l'EHPAD par courrier."})
    assert response.status_code == 302
    orphan_report.refresh_from_db()
    assert orphan_report.status == "accepted"
    # The regional team of another region and the national team (region 32 has a regional team) do not.
    for other in ("regional_other", "national"):
        client.force_login(world["users"][other])
        assert "Alertes de chute" not in client.get(reverse("lifecycle_inbox")).content.decode()


def test_report_goes_to_the_national_team_when_the_region_has_no_regional_team(
    client: Client, world: dict[str, Any], orphan_report: Externality
) -> None:
    world["users"]["regional"].reviewer_region = "84"
    world["users"]["regional"].save()
    client.force_login(world["users"]["national"])
    page = client.get(reverse("lifecycle_inbox")).content.decode()
    assert "Alertes de chute déclenchées sans chute" in page


def test_a_regional_team_cannot_triage_a_report_of_an_organisation_with_members(
    client: Client, world: dict[str, Any]
) -> None:
    externality = Externality.objects.create(
        use_case=world["records"]["a_public"],
        source="public",
        category="error",
        description="Réponse erronée.",
    )
    client.force_login(world["users"]["regional"])
    assert "Réponse erronée" not in client.get(reverse("lifecycle_inbox")).content.decode()
    response = client.post(reverse("monitoring_externality", args=[externality.pk]), {"status": "accepted"})
    assert response.status_code == 403
    externality.refresh_from_db()
    assert externality.status == "new"


# --- « Marquer comme relue » ---------------------------------------------------------------------------


def test_mark_as_reviewed_from_the_inbox_moves_the_review_date_and_is_audited(
    client: Client, world: dict[str, Any]
) -> None:
    from atlasia.audit.models import AuditEntry
    from atlasia.registry.models import UseCase

    use_case = world["records"]["a_network"]
    UseCase.objects.filter(pk=use_case.pk).update(
        status="deployed", next_review_date=timezone.localdate() - dt.timedelta(days=3)
    )
    client.force_login(world["users"]["referent"])
    inbox = client.get(reverse("lifecycle_inbox")).content.decode()
    assert "Marquer comme relue" in inbox
    response = client.post(
        reverse("lifecycle_mark_reviewed", args=[use_case.pk]), {"next": reverse("lifecycle_inbox")}
    )
    assert response.status_code == 302 and response["Location"] == reverse("lifecycle_inbox")
    use_case.refresh_from_db()
    assert use_case.next_review_date > timezone.localdate()
    entry = AuditEntry.objects.filter(use_case_id=use_case.pk, action="event").latest("id")
    assert entry.message == "Fiche relue : toujours à jour"
    page = client.get(reverse("lifecycle_inbox")).content.decode()
    assert "Prévision réseau A" not in page


def test_mark_as_reviewed_is_refused_to_other_organisations_and_readers(
    client: Client, world: dict[str, Any]
) -> None:
    from atlasia.registry.models import UseCase

    use_case = world["records"]["a_network"]
    past = timezone.localdate() - dt.timedelta(days=3)
    UseCase.objects.filter(pk=use_case.pk).update(status="deployed", next_review_date=past)
    for name in ("other_referent", "regional", "national"):
        client.force_login(world["users"][name])
        response = client.post(reverse("lifecycle_mark_reviewed", args=[use_case.pk]))
        assert response.status_code == 404, name
    use_case.refresh_from_db()
    assert use_case.next_review_date == past


def test_record_page_has_a_summary_linking_to_each_section(client: Client, world: dict[str, Any]) -> None:
    import re

    client.force_login(world["users"]["referent"])
    page = client.get(reverse("usecase_detail", args=[world["records"]["a_network"].pk])).content.decode()
    assert '<nav class="fr-summary' in page
    summary = page[
        page.index('<nav class="fr-summary') : page.index("</nav>", page.index('<nav class="fr-summary'))
    ]
    anchors = re.findall(r'href="#([^"]+)"', summary)
    assert {"en-bref", "fonctionnement", "donnees", "pieces-jointes", "cycle-de-vie-titre"} <= set(anchors)
    for anchor in anchors:  # every link of the summary leads to a heading of the page
        assert f'id="{anchor}"' in page, anchor


def test_history_of_a_qualification_shows_questions_and_answers_not_keys(world: dict[str, Any]) -> None:
    from django.utils import translation

    from atlasia.audit.display import describe
    from atlasia.audit.models import AuditEntry

    entry = AuditEntry.objects.create(
        action="update",
        object_type="qualification.qualification",
        object_id="1",
        object_repr="Qualification v2",
        use_case_id=world["records"]["a_internal"].pk,
        changes={"answers.personal_data": ["no", "yes"], "answers.nir": [None, "unknown"], "id": [1, 1]},
    )
    with translation.override("fr"):
        lines = describe([entry])[0].lines
    assert [(line.label, line.before, line.after) for line in lines] == [
        ("Le système traite-t-il des données personnelles, y compris pseudonymisées ?", "Non", "Oui"),
        (lines[1].label, "—", "Je ne sais pas"),
    ]
    assert "answers" not in lines[1].label and "nir" not in lines[1].label
    with translation.override("en"):
        lines = describe([entry])[0].lines
    assert lines[0].after == "Yes" and "personal data" in lines[0].label
