"""Incidents: Art. 73 deadlines and countdown, impossible dates, status workflow, permissions,
suspension through the lifecycle, reminder e-mails."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

from atlasia.audit.models import AuditEntry
from atlasia.monitoring.incidents import services as incidents_services
from atlasia.monitoring.incidents.deadlines import countdown_fr
from atlasia.monitoring.models import Incident, IncidentReminder

TODAY = date(2025, 3, 10)


def _serious(kind: str = "general", aware: date | None = None, **extra: Any) -> dict[str, Any]:
    today = timezone.localdate()
    return {
        "title": "Orientation erronée de patients",
        "occurred_on": today - timedelta(days=3),
        "description": "Le score a sous-estimé la gravité de plusieurs passages aux urgences.",
        "people_affected": 4,
        "severity": "serious",
        "serious_kind": kind,
        "aware_on": aware or today - timedelta(days=2),
        **extra,
    }


# --- Art. 73 deadlines and countdown -----------------------------------------------------------------


@pytest.mark.parametrize(
    "kind,days",
    [("general", 15), ("death", 10), ("widespread_or_critical_infrastructure", 2)],
)
def test_serious_incident_deadline_follows_art_73(mworld: dict[str, Any], kind: str, days: int) -> None:
    aware = timezone.localdate() - timedelta(days=1)
    incident = incidents_services.incident_create(
        actor=mworld["users"]["contributor"], use_case=mworld["deployed"], data=_serious(kind, aware)
    )
    assert incident.deadline == aware + timedelta(days=days)


def test_minor_incident_has_no_deadline(mworld: dict[str, Any]) -> None:
    data = _serious()
    data.update(severity="minor", serious_kind="general", aware_on=None)
    incident = incidents_services.incident_create(
        actor=mworld["users"]["contributor"], use_case=mworld["deployed"], data=data
    )
    assert incident.deadline is None and incident.serious_kind == "" and incident.countdown() == ""


def test_countdown_says_days_left_today_and_overdue_in_words() -> None:
    deadline = date(2025, 3, 12)
    assert (
        countdown_fr(deadline, TODAY) == "Il reste 2 jours pour signaler l'incident (échéance le 12/03/2025)."
    )
    assert countdown_fr(deadline, date(2025, 3, 11)).startswith("Il reste 1 jour pour")
    assert countdown_fr(deadline, deadline) == (
        "Échéance aujourd'hui (12/03/2025) : signalez l'incident sans attendre."
    )
    assert countdown_fr(deadline, date(2025, 3, 15)) == (
        "En retard de 3 jours : l'échéance était le 12/03/2025. Signalez l'incident immédiatement."
    )
    assert countdown_fr(deadline, date(2025, 3, 20), reported_on=date(2025, 3, 11)) == (
        "Signalé le 11/03/2025, dans le délai (échéance le 12/03/2025)."
    )
    assert "avec 1 jour de retard" in countdown_fr(deadline, TODAY, reported_on=date(2025, 3, 13))


# --- impossible dates --------------------------------------------------------------------------------


def test_awareness_before_occurrence_is_refused_and_nothing_stored(mworld: dict[str, Any]) -> None:
    today = timezone.localdate()
    data = _serious(aware=today - timedelta(days=10))
    with pytest.raises(ValidationError) as caught:
        incidents_services.incident_create(
            actor=mworld["users"]["contributor"], use_case=mworld["deployed"], data=data
        )
    assert "ne peut pas précéder l'incident" in str(caught.value.message_dict["aware_on"])
    assert (
        Incident.objects.count() == 0
        and not AuditEntry.objects.filter(object_type="monitoring.incident").exists()
    )


def test_future_date_is_refused(mworld: dict[str, Any]) -> None:
    data = _serious()
    data["occurred_on"] = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValidationError) as caught:
        incidents_services.incident_create(
            actor=mworld["users"]["contributor"], use_case=mworld["deployed"], data=data
        )
    assert "est dans le futur" in caught.value.message_dict["occurred_on"][0]
    assert Incident.objects.count() == 0


def test_incident_on_a_use_case_not_in_service_is_refused(mworld: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as caught:
        incidents_services.incident_create(
            actor=mworld["users"]["contributor"], use_case=mworld["records"]["a_internal"], data=_serious()
        )
    assert "en service" in caught.value.messages[0]
    assert Incident.objects.count() == 0


# --- workflow ----------------------------------------------------------------------------------------


@pytest.fixture
def incident(mworld: dict[str, Any]) -> Incident:
    return incidents_services.incident_create(
        actor=mworld["users"]["contributor"], use_case=mworld["deployed"], data=_serious()
    )


def test_workflow_refuses_skipping_a_step_and_closing_without_corrective_actions(
    mworld: dict[str, Any], incident: Incident
) -> None:
    referent = mworld["users"]["referent"]
    with pytest.raises(ValidationError) as caught:
        incidents_services.incident_set_status(actor=referent, incident=incident, status="closed")
    assert "« Ouvert » à « Clos » impossible" in caught.value.message_dict["status"][0]
    incidents_services.incident_set_status(actor=referent, incident=incident, status="investigating")
    incidents_services.incident_set_status(actor=referent, incident=incident, status="corrective_actions")
    with pytest.raises(ValidationError) as caught:
        incidents_services.incident_set_status(actor=referent, incident=incident, status="closed")
    assert "actions correctives" in caught.value.message_dict["corrective_actions"][0]
    incident.refresh_from_db()
    assert incident.status == "corrective_actions" and incident.closed_on is None
    incidents_services.incident_set_status(
        actor=referent,
        incident=incident,
        status="closed",
        corrective_actions="Seuil recalibré, double lecture.",
    )
    incident.refresh_from_db()
    assert incident.status == "closed" and incident.closed_on == timezone.localdate()
    with pytest.raises(ValidationError):
        incidents_services.incident_set_status(actor=referent, incident=incident, status="investigating")


def test_contributor_may_declare_but_not_move_the_workflow(
    mworld: dict[str, Any], incident: Incident
) -> None:
    with pytest.raises(PermissionDenied):
        incidents_services.incident_set_status(
            actor=mworld["users"]["contributor"], incident=incident, status="investigating"
        )
    incident.refresh_from_db()
    assert incident.status == "open"


def test_reporting_is_recorded_and_medical_device_goes_to_ansm(mworld: dict[str, Any]) -> None:
    incident = incidents_services.incident_create(
        actor=mworld["users"]["contributor"],
        use_case=mworld["deployed"],
        data=_serious(is_medical_device=True),
    )
    dpo = mworld["users"]["dpo"]
    with pytest.raises(ValidationError) as caught:
        incidents_services.incident_record_report(
            actor=dpo, incident=incident, reported_on=timezone.localdate(), reported_to="market_surveillance"
        )
    assert "ANSM" in caught.value.message_dict["reported_to"][0]
    incidents_services.incident_record_report(
        actor=dpo,
        incident=incident,
        reported_on=timezone.localdate(),
        reported_to="ansm",
        reference="ANSM-2025-1",
    )
    incident.refresh_from_db()
    assert incident.reported_to == "ansm" and incident.report_reference == "ANSM-2025-1"
    assert "dans le délai" in incident.countdown()


# --- permissions through the screens ----------------------------------------------------------------


def test_other_organisation_gets_404_and_nothing_is_stored(
    client: Any, mworld: dict[str, Any], incident: Incident
) -> None:
    client.force_login(mworld["users"]["other_referent"])
    assert client.get(f"/suivi/incidents/{incident.pk}/").status_code == 404
    response = client.post(f"/suivi/incidents/{incident.pk}/etat/", {"status": "investigating"})
    assert response.status_code == 404
    # A use case shared with the network is visible, but not its incidents, and declaring is refused.
    response = client.post(f"/cas-d-usage/{mworld['deployed'].pk}/incidents/nouveau/", {"title": "x"})
    assert response.status_code == 404
    incident.refresh_from_db()
    assert incident.status == "open" and Incident.objects.count() == 1


def test_screens_show_the_countdown_and_refuse_impossible_dates(client: Any, mworld: dict[str, Any]) -> None:
    client.force_login(mworld["users"]["referent"])
    today = timezone.localdate()
    url = f"/cas-d-usage/{mworld['deployed'].pk}/incidents/nouveau/"
    bad = {
        "title": "Erreur",
        "occurred_on": today.isoformat(),
        "description": "Décrit.",
        "severity": "serious",
        "serious_kind": "death",
        "aware_on": (today - timedelta(days=1)).isoformat(),
    }
    response = client.post(url, bad)
    assert response.status_code == 400
    assert "ne peut pas précéder l&#x27;incident" in response.content.decode()
    assert Incident.objects.count() == 0
    good = {**bad, "occurred_on": (today - timedelta(days=1)).isoformat(), "aware_on": today.isoformat()}
    response = client.post(url, good, follow=True)
    page = response.content.decode()
    assert "Il reste 10 jours pour signaler l&#x27;incident" in page
    detail = client.get(f"/cas-d-usage/{mworld['deployed'].pk}/").content.decode()
    assert "Il reste 10 jours" in detail and "Déclarer un incident" in detail
    todo = client.get("/suivi/").content.decode()
    assert "Erreur" in todo and "Il reste 10 jours" in todo


# --- suspension through the lifecycle ----------------------------------------------------------------


def test_suspension_calls_the_lifecycle_service(
    monkeypatch: Any, mworld: dict[str, Any], incident: Incident
) -> None:
    calls: list[dict[str, Any]] = []

    def fake_transition(**kwargs: Any) -> str:
        calls.append(kwargs)
        return "logged"

    monkeypatch.setattr(incidents_services, "usecase_transition", fake_transition)
    result = incidents_services.incident_suspend_usecase(
        actor=mworld["users"]["referent"], incident=incident, reason="Biais"
    )
    assert result == "logged"
    assert calls == [
        {
            "actor": mworld["users"]["referent"],
            "use_case": incident.use_case,
            "transition": "suspend",
            "reason": "Biais",
        }
    ]


def test_suspension_through_the_real_lifecycle(mworld: dict[str, Any], incident: Incident) -> None:
    incidents_services.incident_suspend_usecase(
        actor=mworld["users"]["referent"], incident=incident, reason="Incident grave"
    )
    incident.use_case.refresh_from_db()
    assert incident.use_case.status == "suspended"
    assert AuditEntry.objects.filter(object_type="monitoring.incident", message__contains="suspendu").exists()


def test_contributor_cannot_suspend(mworld: dict[str, Any], incident: Incident) -> None:
    with pytest.raises(PermissionDenied):
        incidents_services.incident_suspend_usecase(actor=mworld["users"]["contributor"], incident=incident)
    incident.use_case.refresh_from_db()
    assert incident.use_case.status == "deployed"


# --- reminders ---------------------------------------------------------------------------------------


def test_reminder_email_content_and_idempotence(mworld: dict[str, Any], incident: Incident) -> None:
    today = timezone.localdate()
    result = incidents_services.incident_reminders_send(today=today, base_url="https://atlas.example.org")
    assert result == {"sent": 1, "already_sent_today": 0, "without_recipient": 0}
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert sorted(message.to) == ["dpo@example.org", "referent@example.org"]  # referents and DPOs only
    deadline = incident.deadline
    assert message.subject == (
        f"[Atlas IA] Incident grave à signaler avant le {deadline:%d/%m/%Y} — {incident.use_case.title}"
    )
    assert f"Il reste {(deadline - today).days} jours pour signaler l'incident" in message.body
    assert "l'autorité de surveillance du marché" in message.body
    assert f"https://atlas.example.org/suivi/incidents/{incident.pk}/" in message.body
    # Same day: nothing more, through the command as well.
    call_command("send_incident_reminders")
    assert len(mail.outbox) == 1 and IncidentReminder.objects.count() == 1
    # Next day: one more; once reported: none.
    incidents_services.incident_reminders_send(today=today + timedelta(days=1))
    assert len(mail.outbox) == 2
    # Without --base-url the link is still absolute: the site's public address (ATLASIA_BASE_URL).
    assert f"http://127.0.0.1:8000/suivi/incidents/{incident.pk}/" in mail.outbox[1].body
    incidents_services.incident_record_report(
        actor=mworld["users"]["referent"],
        incident=incident,
        reported_on=today,
        reported_to="market_surveillance",
    )
    assert incidents_services.incident_reminders_send(today=today + timedelta(days=2))["sent"] == 0
    assert len(mail.outbox) == 2


# --- the workflow is the core's ----------------------------------------------------------------------


def test_status_choices_are_the_core_statuses_with_their_labels_in_both_languages() -> None:
    from django.utils import translation

    from atlasia.core import incidents as core
    from atlasia.monitoring.incidents.enums import IncidentStatus

    assert [c for c, _label in IncidentStatus.choices] == [s.value for s in core.STATUS_ORDER]
    for status in core.Status:
        with translation.override("fr"):
            assert str(IncidentStatus(status.value).label) == core.STATUS_LABELS_FR[status]
        with translation.override("en"):
            assert str(IncidentStatus(status.value).label) == core.STATUS_LABELS_EN[status]


def test_each_transition_is_audited_with_its_name(mworld: dict[str, Any], incident: Incident) -> None:
    referent = mworld["users"]["referent"]
    incidents_services.incident_set_status(actor=referent, incident=incident, status="investigating")
    entry = AuditEntry.objects.filter(object_type="monitoring.incident").order_by("-pk").first()
    assert entry is not None and entry.action == "transition" and entry.actor_id == referent.pk
    assert entry.changes["transition"] == "investigate"
    assert entry.changes["status"] == ["open", "investigating"]


def test_a_refused_transition_writes_nothing_and_speaks_english(
    mworld: dict[str, Any], incident: Incident
) -> None:
    from django.utils import translation

    before = AuditEntry.objects.count()
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        incidents_services.incident_set_status(
            actor=mworld["users"]["referent"], incident=incident, status="corrective_actions"
        )
    assert caught.value.message_dict["status"] == [
        "Moving from 'Open' to 'Corrective actions in progress' is not possible. "
        "Possible next step(s): 'Under analysis'."
    ]
    incident.refresh_from_db()
    assert incident.status == "open" and AuditEntry.objects.count() == before


def test_incident_page_offers_the_next_steps_only(
    client: Any, mworld: dict[str, Any], incident: Incident
) -> None:
    client.force_login(mworld["users"]["referent"])
    page = client.get(f"/suivi/incidents/{incident.pk}/").content.decode()
    assert '<option value="investigating">En cours d&#x27;analyse</option>' in page
    assert 'value="closed"' not in page and 'value="corrective_actions"' not in page
    response = client.post(f"/suivi/incidents/{incident.pk}/etat/", {"status": "closed"})
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.status == "open"
    page = client.get(f"/suivi/incidents/{incident.pk}/").content.decode()
    assert "Changement d&#x27;état refusé" in page and "« Ouvert » à « Clos » impossible" in page


def test_the_status_changes_only_through_the_workflow(mworld: dict[str, Any], incident: Incident) -> None:
    with pytest.raises(ValidationError) as caught:
        incidents_services.incident_update(
            actor=mworld["users"]["admin"], incident=incident, data={"status": "closed"}
        )
    assert "Champ inattendu : « status »" in caught.value.messages[0]
    incident.refresh_from_db()
    assert incident.status == "open"
