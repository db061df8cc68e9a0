"""Experiments (protocol, KPIs, medico-economic summary, decision, visibility), the "À faire" inbox,
the review-reminder e-mails and the charter self-assessments."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from lc_helpers import score

from atlasia.audit.models import AuditEntry
from atlasia.core import economics
from atlasia.lifecycle.models import (
    Charter,
    CharterAssessment,
    ComplianceRecord,
    Experiment,
    Kpi,
    KpiMeasurement,
    ReminderLog,
)

BASE = {
    "title": "Pilote aux urgences",
    "objective": "Réduire le temps de tri.",
    "hypothesis": "Le tri assisté divise par deux l'attente.",
    "sites": "Urgences adultes",
    "population": "Patients adultes",
    "start_date": "2025-03-01",
    "end_date": "2025-09-30",
    "comparison_method": "Avant / après",
    "hours_per_fte": "1607",
}
ECONOMICS = {
    "build_cost": "120000",
    "run_cost_per_year": "30000",
    "hours_saved_per_year": "3214",
    "cases_per_year": "40000",
    "hour_value": "35",
    "horizon_years": "3",
}


def test_new_experiment_form_saves_as_prefilled(client, lc_world, make_uc):
    """The prefilled hours per FTE (1 607 h) is posted back as shown and accepted (it was « 1607.0 »)."""
    import re

    use_case = make_uc()
    client.force_login(lc_world["users"]["contributor"])
    url = reverse("lifecycle_experiment_create", args=[use_case.pk])
    html = client.get(url).content.decode()
    shown = re.search(
        r'name="hours_per_fte"[^>]*value="([^"]*)"|value="([^"]*)"[^>]*name="hours_per_fte"', html
    )
    assert shown is not None
    value = shown.group(1) or shown.group(2)
    assert value == "1607"
    data = {k: v for k, v in BASE.items() if k != "hours_per_fte"} | {"hours_per_fte": value}
    response = client.post(url, data)
    assert response.status_code == 302
    assert Experiment.objects.get().hours_per_fte == 1607


def test_create_experiment_with_economics_and_see_the_core_summary(client, lc_world, make_uc):
    use_case = make_uc()
    client.force_login(lc_world["users"]["contributor"])
    response = client.post(reverse("lifecycle_experiment_create", args=[use_case.pk]), {**BASE, **ECONOMICS})
    experiment = Experiment.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "lifecycle_experiment", args=[experiment.pk]
    )
    assert AuditEntry.objects.filter(object_type="lifecycle.experiment", action="create").count() == 1
    expected = economics.medico_economic_summary(economics.EconomicInputs(120000, 30000, 3214, 40000, 35, 3))
    html = client.get(reverse("lifecycle_experiment", args=[experiment.pk])).content.decode()
    assert "Résumé médico-économique" in html
    assert f'<td class="atlasia-num">{expected.fte_saved:.2f}'.replace(".", ",") in html  # 2,00 ETP
    assert f"{expected.cost_per_case:.2f} €".replace(".", ",") in html
    assert f"{round(expected.roi * 100)} %" in html
    assert f"{expected.payback_years:.1f} an(s)".replace(".", ",") in html
    for assumption in expected.assumptions:
        assert assumption.replace("'", "&#x27;") in html


def test_experiment_dates_out_of_order_give_a_french_error_and_store_nothing(client, lc_world, make_uc):
    use_case = make_uc()
    client.force_login(lc_world["users"]["referent"])
    response = client.post(
        reverse("lifecycle_experiment_create", args=[use_case.pk]),
        {**BASE, "start_date": "2025-09-30", "end_date": "2025-03-01"},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "La date de fin (01/03/2025) est antérieure à la date de début (30/09/2025)." in html
    assert not Experiment.objects.exists() and not AuditEntry.objects.exists()


def test_partial_or_impossible_economics_are_refused(client, lc_world, make_uc):
    use_case = make_uc()
    client.force_login(lc_world["users"]["referent"])
    html = client.post(
        reverse("lifecycle_experiment_create", args=[use_case.pk]), {**BASE, "build_cost": "1000"}
    ).content.decode()
    assert "renseignez toutes les données médico-économiques, ou aucune" in html
    html = client.post(
        reverse("lifecycle_experiment_create", args=[use_case.pk]),
        {**BASE, **ECONOMICS, "cases_per_year": "0"},
    ).content.decode()
    assert "doit être strictement positif, car on divise par cette valeur" in html
    assert not Experiment.objects.exists()


def test_decision_needs_a_rationale_and_records_who_and_when(client, lc_world, make_uc):
    use_case = make_uc()
    referent = lc_world["users"]["referent"]
    experiment = Experiment.objects.create(
        use_case=use_case, title="E", objective="O", start_date=date(2025, 1, 1)
    )
    client.force_login(referent)
    url = reverse("lifecycle_experiment_edit", args=[experiment.pk])
    html = client.post(url, {**BASE, "decision": "stop"}).content.decode()
    assert "Justifiez la décision (généraliser, itérer ou arrêter)." in html
    experiment.refresh_from_db()
    assert experiment.decision == "" and experiment.title == "E"
    client.post(
        url,
        {
            **BASE,
            "decision": "stop",
            "decision_rationale": "Pas de gain mesurable.",
            "what_did_not": "Données trop hétérogènes.",
        },
    )
    experiment.refresh_from_db()
    assert (experiment.decision, experiment.decided_by) == ("stop", referent)
    assert experiment.decided_at is not None
    html = client.get(reverse("lifecycle_experiment", args=[experiment.pk])).content.decode()
    assert (
        "Décision : Arrêter" in html
        and "Pas de gain mesurable." in html
        and "Données trop hétérogènes." in html
    )


def test_stopped_experiment_stays_visible_with_its_use_case_publication_level(client, lc_world, make_uc):
    shared = make_uc(org=lc_world["org_b"], publication_level="network", status="abandoned")
    experiment = Experiment.objects.create(
        use_case=shared,
        title="Essai arrêté",
        objective="O",
        start_date=date(2024, 1, 1),
        decision="stop",
        decision_rationale="Biais constaté.",
    )
    client.force_login(lc_world["users"]["referent"])  # another organisation, network level: readable
    html = client.get(reverse("lifecycle_experiment", args=[experiment.pk])).content.decode()
    assert "Essai arrêté" in html and "Décision : Arrêter" in html and "Biais constaté." in html
    assert 'href="/experimentations/%d/modifier/"' % experiment.pk not in html
    tab = client.get(
        reverse("usecase_detail", args=[shared.pk]), {"onglet": "experimentations"}
    ).content.decode()
    assert "Essai arrêté" in tab and "Décision : <strong>Arrêter</strong>" in tab
    # ... but not editable by another organisation.
    assert client.get(reverse("lifecycle_experiment_edit", args=[experiment.pk])).status_code == 404


def test_other_organisation_internal_experiment_is_404(client, lc_world, make_uc):
    internal = make_uc(org=lc_world["org_b"], publication_level="internal")
    experiment = Experiment.objects.create(
        use_case=internal, title="Secret", objective="O", start_date=date(2025, 1, 1)
    )
    client.force_login(lc_world["users"]["referent"])
    for url in (
        reverse("lifecycle_experiment", args=[experiment.pk]),
        reverse("lifecycle_experiment_edit", args=[experiment.pk]),
        reverse("lifecycle_experiment_create", args=[internal.pk]),
    ):
        assert client.get(url).status_code == 404
    assert client.post(reverse("lifecycle_kpi_add", args=[experiment.pk]), {"name": "X"}).status_code == 404
    assert not Kpi.objects.exists()


def test_kpis_and_measurements(client, lc_world, make_uc):
    use_case = make_uc()
    experiment = Experiment.objects.create(
        use_case=use_case, title="E", objective="O", start_date=date(2025, 1, 1)
    )
    client.force_login(lc_world["users"]["contributor"])
    client.post(
        reverse("lifecycle_kpi_add", args=[experiment.pk]),
        {"name": "Délai de tri", "unit": "min", "baseline": "42", "target": "20"},
    )
    kpi = Kpi.objects.get()
    url = reverse("lifecycle_measurement_add", args=[experiment.pk, kpi.pk])
    prefix = f"kpi{kpi.pk}"
    client.post(url, {f"{prefix}-date": "2025-04-01", f"{prefix}-value": "31.5"})
    response = client.post(url, {f"{prefix}-date": "2025-04-01", f"{prefix}-value": "30"}, follow=True)
    html = response.content.decode()
    assert "Une mesure existe déjà à cette date pour cet indicateur." in html
    assert KpiMeasurement.objects.count() == 1
    assert '<th scope="row">Délai de tri</th><td>min</td>' in html
    assert "01/04/2025 : 31,5" in html  # French decimal comma


# --- inbox and reminders -----------------------------------------------------------------------------


@pytest.fixture
def pending(lc_world, make_uc):
    today = timezone.localdate()
    stale = make_uc(title="Fiche ancienne", status="framing", next_review_date=today - timedelta(days=3))
    make_uc(title="Fiche à jour", status="framing", next_review_date=today + timedelta(days=30))
    make_uc(title="Abandonnée ancienne", status="abandoned", next_review_date=today - timedelta(days=90))
    dpia = make_uc(
        title="Santé sans AIPD",
        status="qualified",
        personal_data=True,
        health_data=True,
        next_review_date=today + timedelta(days=30),
    )
    decided = make_uc(title="Santé décidée", status="qualified", personal_data=True, health_data=True)
    ComplianceRecord.objects.create(use_case=decided, dpia_decision="not_required")
    score(decided)
    score(dpia)
    running = make_uc(
        title="Expé terminée", status="experimentation", next_review_date=today + timedelta(days=30)
    )
    Experiment.objects.create(
        use_case=running,
        title="Pilote fini",
        objective="O",
        start_date=today - timedelta(days=200),
        end_date=today - timedelta(days=10),
    )
    to_score = make_uc(title="Qualifié non noté", status="qualified")
    make_uc(
        org=lc_world["org_b"],
        title="Ancienne ailleurs",
        status="framing",
        next_review_date=today - timedelta(days=3),
    )
    return {"stale": stale, "dpia": dpia, "running": running, "to_score": to_score}


def test_inbox_lists_stale_records_and_pending_decisions(client, lc_world, pending):
    client.force_login(lc_world["users"]["referent"])
    html = client.get(reverse("lifecycle_inbox")).content.decode()
    assert "Fiches à revoir (1)" in html and "Fiche ancienne" in html
    assert (
        "Fiche à jour" not in html and "Abandonnée ancienne" not in html and "Ancienne ailleurs" not in html
    )
    assert "Décisions sur l&#x27;analyse d&#x27;impact (AIPD) (1)" in html or "(AIPD) (1)" in html
    assert "Santé sans AIPD" in html and "Santé décidée" not in html
    assert "Décision à enregistrer sur l&#x27;expérimentation « Pilote fini »" in html
    assert "Qualifié non noté" in html and "Grilles de priorisation à compléter (1)" in html
    assert reverse("lifecycle_compliance", args=[pending["dpia"].pk]) in html


def test_inbox_of_a_contributor_and_of_another_organisation(client, lc_world, pending):
    client.force_login(lc_world["users"]["contributor"])
    html = client.get(reverse("lifecycle_inbox")).content.decode()
    # A contributor edits records (stale ones are hers) and documents experiments, but neither decides
    # on the DPIA nor scores.
    assert "Fiche ancienne" in html and "Pilote fini" in html
    assert "Santé sans AIPD" not in html and "Qualifié non noté" not in html
    client.force_login(lc_world["users"]["other_referent"])
    html = client.get(reverse("lifecycle_inbox")).content.decode()
    assert "Ancienne ailleurs" in html and "Fiche ancienne" not in html


def test_review_reminders_email_content_and_daily_idempotence(lc_world, pending):
    call_command("send_review_reminders")
    by_recipient = {m.to[0]: m for m in mail.outbox}
    referent_mail = by_recipient["referent@example.org"]
    assert referent_mail.subject == "Atlas IA — 4 éléments à traiter"
    body = referent_mail.body
    assert "Bonjour Referent," in body
    assert "Fiche à revoir (date de revue dépassée) : « Fiche ancienne » (CHU de Lille)" in body
    assert "Décision sur l'AIPD à prendre : « Santé sans AIPD »" in body
    assert "Décision à enregistrer sur l'expérimentation « Pilote fini »" in body
    assert f"/cas-d-usage/{pending['stale'].pk}/" in body and "/a-faire/" in body
    assert "Ancienne ailleurs" not in body
    assert "Ancienne ailleurs" in by_recipient["other@example.org"].body
    assert "national@example.org" not in by_recipient  # no membership, no digest
    sent = len(mail.outbox)
    assert ReminderLog.objects.count() == sent
    call_command("send_review_reminders")
    assert len(mail.outbox) == sent  # same day: nothing more
    call_command("send_review_reminders", date=(timezone.localdate() + timedelta(days=1)).isoformat())
    assert len(mail.outbox) == 2 * sent  # next day: sent again


# --- charters ----------------------------------------------------------------------------------------


def test_default_charters_are_seeded_with_the_six_principles(db):
    names = {c.kind: [p.code for p in c.principles.all()] for c in Charter.objects.all()}
    assert set(names) == {"ethics", "usage", "purchasing"}
    for codes in names.values():
        assert codes == [
            "human_primacy",
            "transparency",
            "non_discrimination",
            "energy_sobriety",
            "security",
            "privacy_by_default",
        ]


def test_charter_self_assessment_form_and_panel(client, lc_world, make_uc):
    use_case = make_uc()
    charter = Charter.objects.get(kind="ethics")
    principles = {p.code: p for p in charter.principles.all()}
    client.force_login(lc_world["users"]["contributor"])
    url = reverse("lifecycle_charter", args=[use_case.pk, charter.pk])
    hp, tr = principles["human_primacy"].pk, principles["transparency"].pk
    html = client.post(url, {f"level_{hp}": "met", f"evidence_{hp}": ""}).content.decode()
    assert (
        "Primauté humaine : Indiquez les éléments qui montrent que le principe est (partiellement) respecté."
        in html
    )
    assert not CharterAssessment.objects.exists()
    response = client.post(
        url,
        {
            f"level_{hp}": "met",
            f"evidence_{hp}": "Validation par un médecin.",
            f"level_{tr}": "not_met",
            f"evidence_{tr}": "",
        },
    )
    assert response.status_code == 302
    assert CharterAssessment.objects.count() == 2
    assert AuditEntry.objects.filter(use_case_id=use_case.pk, action="update").exists()
    page = client.get(reverse("usecase_detail", args=[use_case.pk])).content.decode()
    assert "Auto-évaluation au regard des chartes" in page
    assert "(2 principes évalués sur 6)" in page
    assert "Validation par un médecin." in page and "Non respecté" in page


def test_charter_form_is_404_for_another_organisation(client, lc_world, make_uc):
    use_case = make_uc(publication_level="network")
    charter = Charter.objects.get(kind="ethics")
    client.force_login(lc_world["users"]["other_referent"])
    p = charter.principles.first()
    response = client.post(
        reverse("lifecycle_charter", args=[use_case.pk, charter.pk]), {f"level_{p.pk}": "not_applicable"}
    )
    assert response.status_code == 404
    assert not CharterAssessment.objects.exists()
