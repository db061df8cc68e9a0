"""Transitions through the service and through the use-case page: roles, gates, log, audit, review date."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from lc_helpers import qualified, score

from atlasia.audit.models import AuditEntry
from atlasia.core import lifecycle as lc
from atlasia.lifecycle import services
from atlasia.lifecycle.models import ComplianceRecord, Experiment, StatusTransition
from atlasia.registry.models import UseCase

ROLES = [
    "contributor",
    "referent",
    "dpo",
    "org_admin",
    "regional_reviewer",
    "national_reviewer",
    "platform_admin",
]

# Written from the product brief's table, independently of atlasia.core.lifecycle.TRANSITIONS:
# transition -> (a source status to fire it from, target status, roles that may fire it).
DRIVERS = {"referent", "org_admin", "platform_admin"}
EXPECTED: dict[str, tuple[str, str, set[str]]] = {
    "submit": ("idea", "framing", DRIVERS | {"contributor"}),
    "return_to_idea": ("framing", "idea", DRIVERS),
    "qualify": ("framing", "qualified", DRIVERS | {"dpo"}),
    "requalify": ("prioritised", "framing", DRIVERS | {"dpo"}),
    "prioritise": ("qualified", "prioritised", DRIVERS),
    "start_experiment": ("prioritised", "experimentation", DRIVERS),
    "evaluate": ("experimentation", "evaluated", DRIVERS),
    "iterate": ("evaluated", "experimentation", DRIVERS),
    "deploy": ("evaluated", "deployed", DRIVERS),
    "generalise": ("deployed", "generalised", DRIVERS),
    "suspend": ("deployed", "suspended", DRIVERS | {"dpo"}),
    "resume": ("suspended", "experimentation", DRIVERS | {"dpo"}),
    "abandon": ("qualified", "abandoned", DRIVERS),
    "retire": ("generalised", "retired", DRIVERS),
}


def open_gates(use_case: UseCase, qualification: Any) -> None:
    """Every gate open: qualified (minimal), DPIA decided, complete scorecard, evaluated experiment
    with the decision to generalise; a suspended use case was suspended from experimentation."""
    qualification(qualified("minimal"))
    ComplianceRecord.objects.create(use_case=use_case, dpia_decision="not_required")
    score(use_case)
    Experiment.objects.create(
        use_case=use_case,
        title="Pilote",
        objective="Mesurer",
        start_date=date(2025, 1, 6),
        end_date=date(2025, 6, 30),
        results_summary="Résultats positifs.",
        decision="generalise",
        decision_rationale="Gains confirmés.",
    )
    if use_case.status == "suspended":
        StatusTransition.objects.create(
            use_case=use_case,
            from_status="experimentation",
            to_status="suspended",
            transition="suspend",
            reason="Incident",
        )


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", list(EXPECTED))
def test_every_role_transition_pair_through_the_service(lc_world, make_uc, qualification, role, name):
    source, target, allowed_roles = EXPECTED[name]
    use_case = make_uc(status=source, personal_data=True, health_data=True)
    open_gates(use_case, qualification)
    actor = lc_world["users"][role]
    if role in allowed_roles:
        log = services.usecase_transition(
            actor=actor, use_case=use_case, transition=name, reason="Motif écrit."
        )
        use_case.refresh_from_db()
        assert use_case.status == target
        assert (log.from_status, log.to_status, log.transition, log.actor) == (source, target, name, actor)
    else:
        with pytest.raises(services.TransitionRefused) as refused:
            services.usecase_transition(
                actor=actor, use_case=use_case, transition=name, reason="Motif écrit."
            )
        assert [r.code for r in refused.value.refusals] == ["role_not_allowed"]
        assert "Votre rôle ne permet pas" in refused.value.messages[0]
        use_case.refresh_from_db()
        assert use_case.status == source
        assert not StatusTransition.objects.filter(use_case=use_case, transition=name).exists()


def test_other_organisation_referent_cannot_move_a_use_case(lc_world, make_uc, qualification):
    use_case = make_uc(status="idea")
    with pytest.raises(services.TransitionRefused) as refused:
        services.usecase_transition(
            actor=lc_world["users"]["other_referent"], use_case=use_case, transition="submit"
        )
    assert refused.value.refusals[0].code == "role_not_allowed"


def test_success_updates_status_review_date_log_and_audit(lc_world, make_uc):
    use_case = make_uc(status="idea")
    referent = lc_world["users"]["referent"]
    services.usecase_transition(
        actor=referent, use_case=use_case, transition="submit", reason="Idée mûre", today=date(2026, 1, 31)
    )
    use_case.refresh_from_db()
    assert use_case.status == "framing"
    # Framing is reviewed every 3 months; 31 January + 3 months = 30 April (clamped), as the core says.
    assert use_case.next_review_date == date(2026, 4, 30) == lc.next_review_date("framing", date(2026, 1, 31))
    log = StatusTransition.objects.get(use_case=use_case)
    assert (log.from_status, log.to_status, log.reason, log.actor_label) == (
        "idea",
        "framing",
        "Idée mûre",
        "Referent",
    )
    audit = AuditEntry.objects.get(use_case_id=use_case.pk, action="transition")
    assert audit.changes["status"] == ["idea", "framing"]
    assert audit.changes["next_review_date"] == [None, "2026-04-30"]
    assert "Idée mûre" in audit.message and audit.actor == referent


def test_refused_transition_leaves_record_unchanged_and_writes_no_audit(lc_world, make_uc):
    review = date(2026, 3, 1)
    use_case = make_uc(status="framing", next_review_date=review)
    before = UseCase.objects.values().get(pk=use_case.pk)
    with pytest.raises(services.TransitionRefused) as refused:
        services.usecase_transition(
            actor=lc_world["users"]["referent"], use_case=use_case, transition="qualify"
        )
    assert refused.value.refusals[0].code == "qualification_missing"
    assert UseCase.objects.values().get(pk=use_case.pk) == before
    assert StatusTransition.objects.count() == 0
    assert AuditEntry.objects.count() == 0


def _refusal_codes(actor, use_case, name, reason="Motif.") -> list[str]:
    with pytest.raises(services.TransitionRefused) as refused:
        services.usecase_transition(actor=actor, use_case=use_case, transition=name, reason=reason)
    use_case.refresh_from_db()
    return [r.code for r in refused.value.refusals]


def test_gate_qualification_for_qualify_and_prioritise(lc_world, make_uc, qualification):
    referent = lc_world["users"]["referent"]
    framing = make_uc(status="framing")
    assert _refusal_codes(referent, framing, "qualify") == ["qualification_missing"]
    qualified_uc = make_uc(status="qualified")
    assert _refusal_codes(referent, qualified_uc, "prioritise") == ["qualification_missing", "score_missing"]
    # An "undetermined" category or unanswered questions are not a completed qualification.
    qualification({"ai_act": {"category": "undetermined", "missing": []}})
    assert _refusal_codes(referent, framing, "qualify") == ["qualification_missing"]
    qualification(qualified("limited"))
    assert _refusal_codes(referent, qualified_uc, "prioritise") == ["score_missing"]
    score(qualified_uc)
    services.usecase_transition(actor=referent, use_case=qualified_uc, transition="prioritise")
    qualified_uc.refresh_from_db()
    assert qualified_uc.status == "prioritised"


def test_incomplete_scorecard_keeps_the_score_gate_closed(lc_world, make_uc, qualification):
    qualification(qualified())
    use_case = make_uc(status="qualified")
    assessment = score(use_case)
    del assessment.scores["cost"]
    assessment.save()
    assert _refusal_codes(lc_world["users"]["referent"], use_case, "prioritise") == ["score_missing"]


def test_gate_dpia_for_experiment_on_health_data(lc_world, make_uc, qualification):
    qualification(qualified())
    referent = lc_world["users"]["referent"]
    use_case = make_uc(status="prioritised", personal_data=True, health_data=True)
    assert _refusal_codes(referent, use_case, "start_experiment") == ["dpia_decision_missing"]
    record = ComplianceRecord.objects.create(use_case=use_case, dpia_decision="recommended")
    assert _refusal_codes(referent, use_case, "start_experiment") == ["dpia_decision_missing"]
    record.dpia_decision = "required"
    record.save()
    assert _refusal_codes(referent, use_case, "start_experiment") == ["dpia_missing"]
    record.dpia_completed_at = date(2026, 1, 15)
    record.save()
    services.usecase_transition(actor=referent, use_case=use_case, transition="start_experiment")
    use_case.refresh_from_db()
    assert use_case.status == "experimentation"


def test_no_dpia_gate_without_health_data(lc_world, make_uc, qualification):
    qualification(qualified())
    use_case = make_uc(status="prioritised", personal_data=True, health_data=False)
    services.usecase_transition(
        actor=lc_world["users"]["referent"], use_case=use_case, transition="start_experiment"
    )
    use_case.refresh_from_db()
    assert use_case.status == "experimentation"


def test_gate_prohibited_system(lc_world, make_uc, qualification):
    qualification(qualified("prohibited"))
    use_case = make_uc(status="prioritised")
    assert _refusal_codes(lc_world["users"]["referent"], use_case, "start_experiment") == [
        "ai_act_prohibited"
    ]


def test_gate_evaluation(lc_world, make_uc):
    use_case = make_uc(status="experimentation")
    referent = lc_world["users"]["referent"]
    assert _refusal_codes(referent, use_case, "evaluate") == ["evaluation_missing"]
    Experiment.objects.create(
        use_case=use_case, title="E", objective="O", start_date=date(2025, 1, 1), results_summary="   "
    )
    assert _refusal_codes(referent, use_case, "evaluate") == ["evaluation_missing"]
    Experiment.objects.filter(use_case=use_case).update(results_summary="Délai divisé par deux.")
    services.usecase_transition(actor=referent, use_case=use_case, transition="evaluate")
    use_case.refresh_from_db()
    assert use_case.status == "evaluated"


def test_gates_fria_and_registration_for_high_risk_deployment(lc_world, make_uc, qualification):
    qualification(qualified("high_risk", fria=True, registration=True))
    referent = lc_world["users"]["referent"]
    use_case = make_uc(status="evaluated")
    with pytest.raises(services.TransitionRefused) as refused:
        services.usecase_transition(actor=referent, use_case=use_case, transition="deploy")
    assert [r.code for r in refused.value.refusals] == ["fria_missing", "registration_missing"]
    assert "AIDF, AI Act art. 27" in refused.value.messages[0]
    assert "base de données de l'UE" in refused.value.messages[1]
    record = ComplianceRecord.objects.create(use_case=use_case, fria_completed_at=date(2026, 2, 1))
    assert _refusal_codes(referent, use_case, "deploy") == ["registration_missing"]
    record.registration_reference = "EU-DB-2026-0042"
    record.save()
    services.usecase_transition(actor=referent, use_case=use_case, transition="deploy")
    use_case.refresh_from_db()
    assert use_case.status == "deployed"


def test_gates_generalisation_need_evaluation_and_decision(lc_world, make_uc, qualification):
    qualification(qualified())
    referent = lc_world["users"]["referent"]
    use_case = make_uc(status="deployed")
    assert _refusal_codes(referent, use_case, "generalise") == ["evaluation_missing", "decision_missing"]
    experiment = Experiment.objects.create(
        use_case=use_case,
        title="E",
        objective="O",
        start_date=date(2025, 1, 1),
        results_summary="Bon.",
        decision="iterate",
        decision_rationale="Encore un tour.",
    )
    assert _refusal_codes(referent, use_case, "generalise") == ["decision_not_generalise"]
    experiment.decision = "generalise"
    experiment.save()
    services.usecase_transition(actor=referent, use_case=use_case, transition="generalise")
    use_case.refresh_from_db()
    assert use_case.status == "generalised"


def test_reason_required_and_suspension_origin(lc_world, make_uc, qualification):
    qualification(qualified())
    referent = lc_world["users"]["referent"]
    use_case = make_uc(status="evaluated")
    Experiment.objects.create(
        use_case=use_case, title="E", objective="O", start_date=date(2025, 1, 1), results_summary="Bon."
    )
    assert _refusal_codes(referent, use_case, "suspend", reason="  ") == ["reason_required"]
    services.usecase_transition(actor=referent, use_case=use_case, transition="suspend", reason="Incident")
    use_case.refresh_from_db()
    assert use_case.status == "suspended"
    # Resume goes back to where it was suspended from, read from the log.
    services.usecase_transition(actor=referent, use_case=use_case, transition="resume")
    use_case.refresh_from_db()
    assert use_case.status == "evaluated"


def test_resume_with_unknown_origin_is_refused(lc_world, make_uc):
    use_case = make_uc(status="suspended")
    assert _refusal_codes(lc_world["users"]["referent"], use_case, "resume") == ["resume_target_unknown"]


def test_terminal_status_has_no_review_date(lc_world, make_uc):
    use_case = make_uc(status="qualified", next_review_date=date(2026, 1, 1))
    services.usecase_transition(
        actor=lc_world["users"]["referent"], use_case=use_case, transition="abandon", reason="Pas de données"
    )
    use_case.refresh_from_db()
    assert (use_case.status, use_case.next_review_date) == ("abandoned", None)


# --- through the screen ------------------------------------------------------------------------------


def test_panel_shows_stepper_available_transitions_and_missing_gates(client, lc_world, make_uc):
    use_case = make_uc(status="prioritised", personal_data=True, health_data=True)
    client.force_login(lc_world["users"]["referent"])
    html = client.get(reverse("usecase_detail", args=[use_case.pk])).content.decode()
    assert "Cycle de vie" in html
    assert 'data-fr-current-step="4"' in html and "Étape 4 sur 8" in html
    assert "Étape suivante :</span> Expérimentation" in html
    # The gate is shown as an alert listing what is missing, instead of a button.
    assert "« Lancer l&#x27;expérimentation » (vers « Expérimentation ») : conditions manquantes" in html
    assert "aucune décision du DPO sur l&#x27;analyse d&#x27;impact" in html
    assert "le cas d&#x27;usage n&#x27;a pas de qualification" in html
    # Transitions without closed gates are forms; the one needing a reason asks for it.
    assert 'name="transition" value="abandon"' in html
    assert 'id="motif-abandon" name="reason" rows="2" required' in html


def test_contributor_sees_no_driver_transition(client, lc_world, make_uc):
    use_case = make_uc(status="framing")
    client.force_login(lc_world["users"]["contributor"])
    html = client.get(reverse("usecase_detail", args=[use_case.pk])).content.decode()
    assert "Cycle de vie" in html
    assert 'value="qualify"' not in html and "Faire avancer le cas d" not in html


def test_screen_refuses_a_gated_transition_with_the_core_message(client, lc_world, make_uc, qualification):
    qualification(qualified())
    use_case = make_uc(status="prioritised", personal_data=True, health_data=True)
    client.force_login(lc_world["users"]["referent"])
    response = client.post(
        reverse("lifecycle_transition", args=[use_case.pk]),
        {"transition": "start_experiment", "reason": ""},
        follow=True,
    )
    html = response.content.decode()
    assert "Transition refusée" in html
    assert "Expérimentation impossible : le cas d&#x27;usage traite des données personnelles de santé" in html
    use_case.refresh_from_db()
    assert use_case.status == "prioritised"
    assert not StatusTransition.objects.exists() and not AuditEntry.objects.exists()


@pytest.mark.parametrize(
    ("status", "name", "setup", "expected"),
    [
        ("framing", "qualify", None, "n&#x27;a pas de qualification terminée"),
        ("qualified", "prioritise", "qualified", "la grille de priorisation n&#x27;est pas complète"),
        ("prioritised", "start_experiment", "prohibited", "pratiques interdites (AI Act, art. 5)"),
        ("experimentation", "evaluate", None, "aucune évaluation de l&#x27;expérimentation"),
        ("evaluated", "deploy", "high_risk", "analyse d&#x27;impact sur les droits fondamentaux"),
        ("evaluated", "deploy", "high_risk", "aucune référence d&#x27;enregistrement"),
        ("deployed", "generalise", "qualified", "aucune décision n&#x27;est enregistrée"),
        ("framing", "return_to_idea", None, "Un motif est obligatoire"),
    ],
)
def test_every_gate_through_the_screen(
    client, lc_world, make_uc, qualification, status, name, setup, expected
):
    if setup == "qualified":
        qualification(qualified())
    elif setup == "prohibited":
        qualification(qualified("prohibited"))
    elif setup == "high_risk":
        qualification(qualified("high_risk", fria=True, registration=True))
    use_case = make_uc(status=status)
    client.force_login(lc_world["users"]["referent"])
    html = client.post(
        reverse("lifecycle_transition", args=[use_case.pk]), {"transition": name, "reason": ""}, follow=True
    ).content.decode()
    assert expected in html
    use_case.refresh_from_db()
    assert use_case.status == status


def test_screen_fires_a_transition_and_shows_it_in_the_log(client, lc_world, make_uc):
    use_case = make_uc(status="framing")
    client.force_login(lc_world["users"]["referent"])
    response = client.post(
        reverse("lifecycle_transition", args=[use_case.pk]),
        {"transition": "return_to_idea", "reason": "Préciser le besoin"},
        follow=True,
    )
    html = response.content.decode()
    assert "le cas d&#x27;usage est maintenant au statut « Idée »" in html
    assert "<td>Cadrage</td><td>Idée</td><td>Préciser le besoin</td>" in html
    use_case.refresh_from_db()
    assert use_case.status == "idea"
    assert use_case.next_review_date == lc.next_review_date("idea", timezone.localdate())


def test_screen_transition_on_an_invisible_use_case_is_404(client, lc_world, make_uc):
    use_case = make_uc(org=lc_world["org_b"], status="idea")
    client.force_login(lc_world["users"]["referent"])
    response = client.post(reverse("lifecycle_transition", args=[use_case.pk]), {"transition": "submit"})
    assert response.status_code == 404
    use_case.refresh_from_db()
    assert use_case.status == "idea"


def test_compliance_form_records_dpia_decision_and_opens_the_gate(client, lc_world, make_uc, qualification):
    qualification(qualified())
    use_case = make_uc(status="prioritised", personal_data=True, health_data=True)
    dpo = lc_world["users"]["dpo"]
    client.force_login(dpo)
    response = client.post(
        reverse("lifecycle_compliance", args=[use_case.pk]),
        {
            "dpia_decision": "not_required",
            "dpia_justification": "Données pseudonymisées à la source, sans croisement ; avis du 3 mars.",
            "dpia_completed_at": "",
            "fria_completed_at": "",
            "registration_reference": "",
        },
    )
    assert response.status_code == 302
    record = ComplianceRecord.objects.get(use_case=use_case)
    assert record.dpia_decision == "not_required" and record.dpia_decided_by == dpo
    assert record.dpia_decided_at is not None and record.dpia_decided_at > timezone.now() - timedelta(
        minutes=1
    )
    assert AuditEntry.objects.filter(
        object_type="lifecycle.compliancerecord", use_case_id=use_case.pk
    ).exists()
    services.usecase_transition(
        actor=lc_world["users"]["referent"], use_case=use_case, transition="start_experiment"
    )


def test_compliance_form_is_404_for_a_contributor(client, lc_world, make_uc):
    use_case = make_uc()
    client.force_login(lc_world["users"]["contributor"])
    assert client.get(reverse("lifecycle_compliance", args=[use_case.pk])).status_code == 404
    response = client.post(
        reverse("lifecycle_compliance", args=[use_case.pk]), {"dpia_decision": "not_required"}
    )
    assert response.status_code == 404
    assert not ComplianceRecord.objects.exists()
