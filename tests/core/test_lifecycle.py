"""The lifecycle state machine: transition table, roles, reasons, gates, review cadence.

The expected tables below are written out by hand, independently of ``atlasia.core.lifecycle``: a
change to the code's table must be made here too, on purpose.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from atlasia.core.lifecycle import (
    STATUS_LABELS_FR,
    TRANSITIONS,
    TRANSITIONS_BY_NAME,
    Status,
    UseCaseFacts,
    available_transitions,
    check_transition,
    is_stale,
    mermaid_diagram,
    next_review_date,
    transitions_as_markdown,
)
from atlasia.core.roles import Role

REPO = Path(__file__).resolve().parents[2]

ALL_ROLES = [
    "contributor",
    "referent",
    "dpo",
    "org_admin",
    "regional_reviewer",
    "national_reviewer",
    "platform_admin",
]

# transition → roles that may fire it (written independently of the code).
EXPECTED_ROLES: dict[str, set[str]] = {
    "submit": {"contributor", "referent", "org_admin", "platform_admin"},
    "return_to_idea": {"referent", "org_admin", "platform_admin"},
    "qualify": {"referent", "dpo", "org_admin", "platform_admin"},
    "requalify": {"referent", "dpo", "org_admin", "platform_admin"},
    "prioritise": {"referent", "org_admin", "platform_admin"},
    "start_experiment": {"referent", "org_admin", "platform_admin"},
    "evaluate": {"referent", "org_admin", "platform_admin"},
    "iterate": {"referent", "org_admin", "platform_admin"},
    "deploy": {"referent", "org_admin", "platform_admin"},
    "generalise": {"referent", "org_admin", "platform_admin"},
    "suspend": {"referent", "dpo", "org_admin", "platform_admin"},
    "resume": {"referent", "dpo", "org_admin", "platform_admin"},
    "abandon": {"referent", "org_admin", "platform_admin"},
    "retire": {"referent", "org_admin", "platform_admin"},
}

# transition → (source statuses, target status; None = back to the status before the suspension).
EXPECTED_MOVES: dict[str, tuple[set[str], str | None]] = {
    "submit": ({"idea"}, "framing"),
    "return_to_idea": ({"framing"}, "idea"),
    "qualify": ({"framing"}, "qualified"),
    "requalify": ({"qualified", "prioritised"}, "framing"),
    "prioritise": ({"qualified"}, "prioritised"),
    "start_experiment": ({"prioritised"}, "experimentation"),
    "evaluate": ({"experimentation"}, "evaluated"),
    "iterate": ({"evaluated"}, "experimentation"),
    "deploy": ({"evaluated"}, "deployed"),
    "generalise": ({"evaluated", "deployed"}, "generalised"),
    "suspend": ({"experimentation", "evaluated", "deployed", "generalised"}, "suspended"),
    "resume": ({"suspended"}, None),
    "abandon": (
        {"idea", "framing", "qualified", "prioritised", "experimentation", "evaluated", "suspended"},
        "abandoned",
    ),
    "retire": ({"deployed", "generalised", "suspended"}, "retired"),
}

EXPECTED_REASON_REQUIRED = {"return_to_idea", "requalify", "iterate", "suspend", "abandon", "retire"}

#: Facts under which every gate is open.
OPEN = UseCaseFacts(
    has_completed_qualification=True,
    ai_act_category="high_risk",
    fria_required=True,
    fria_completed=True,
    registration_required=True,
    registration_reference="EU-DB-2027-000123",
    processes_health_data=True,
    personal_data=True,
    dpia_decision_recorded="required",
    dpia_completed=True,
    has_priority_score=True,
    has_evaluation=True,
    experiment_decision="generalise",
    suspended_from=Status.DEPLOYED,
)

ADMIN = {Role.PLATFORM_ADMIN}
REFERENT = {Role.REFERENT}


def codes(status: str, name: str, facts: UseCaseFacts = OPEN, reason: str | None = "motif", roles=None):
    return [r.code for r in check_transition(status, name, roles or ADMIN, facts, reason)]


def a_source(name: str) -> str:
    sources, _ = EXPECTED_MOVES[name]
    # "suspended" has checks that depend on the origin; prefer another source when there is one.
    return sorted(sources - {"suspended"})[0] if sources - {"suspended"} else "suspended"


# --- the table ---------------------------------------------------------------------------------------


def test_transition_names_are_the_expected_ones():
    assert [t.name for t in TRANSITIONS] == list(EXPECTED_MOVES)
    assert set(EXPECTED_ROLES) == set(EXPECTED_MOVES)


@pytest.mark.parametrize("name", list(EXPECTED_MOVES))
def test_transition_sources_target_and_reason_flag(name):
    transition = TRANSITIONS_BY_NAME[name]
    sources, target = EXPECTED_MOVES[name]
    assert {s.value for s in transition.sources} == sources
    assert (transition.target.value if transition.target else None) == target
    assert transition.requires_reason is (name in EXPECTED_REASON_REQUIRED)
    assert transition.label_fr and transition.label_en


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("name", list(EXPECTED_ROLES))
def test_every_role_transition_pair(role, name):
    """The full cross product: a role may fire a transition exactly when the expected table says so."""
    status = a_source(name)
    allowed = role in EXPECTED_ROLES[name]
    refusal_codes = codes(status, name, roles={Role(role)})
    assert ("role_not_allowed" not in refusal_codes) is allowed
    # Under open gates and with a reason, the role is the only thing that can refuse.
    assert refusal_codes == ([] if allowed else ["role_not_allowed"])
    assert (name in {t.name for t in available_transitions(status, {role})}) is allowed


def test_reviewers_never_move_a_use_case():
    for status in Status:
        assert available_transitions(status, {Role.REGIONAL_REVIEWER, Role.NATIONAL_REVIEWER}) == []


def test_one_allowed_role_among_several_is_enough():
    assert codes("idea", "submit", roles={Role.NATIONAL_REVIEWER, Role.CONTRIBUTOR}) == []


def test_role_refusal_message_is_french_and_names_the_action():
    [refusal] = check_transition("deployed", "retire", {Role.DPO}, OPEN, "fin de vie")
    assert refusal.code == "role_not_allowed"
    assert "Retirer du service" in refusal.message_fr
    assert "Retire from service" in refusal.message_en


@pytest.mark.parametrize("status", [s.value for s in Status])
@pytest.mark.parametrize("name", list(EXPECTED_MOVES))
def test_transition_only_from_its_sources(status, name):
    sources, _ = EXPECTED_MOVES[name]
    refusal_codes = codes(status, name)
    if status in sources:
        assert "wrong_status" not in refusal_codes
    else:
        assert refusal_codes == ["wrong_status"]


def test_terminal_statuses_have_no_way_out():
    for status in ("retired", "abandoned"):
        assert available_transitions(status, ADMIN) == []


def _reachable(edges: dict[str, set[str]], start: str) -> set[str]:
    seen, todo = {start}, [start]
    while todo:
        for nxt in edges.get(todo.pop(), set()) - seen:
            seen.add(nxt)
            todo.append(nxt)
    return seen


def test_every_status_is_reachable_from_idea_and_every_one_can_end():
    edges: dict[str, set[str]] = {}
    for sources, target in EXPECTED_MOVES.values():
        targets = {target} if target else EXPECTED_MOVES["suspend"][0]
        for s in sources:
            edges.setdefault(s, set()).update(targets)
    assert _reachable(edges, "idea") == {s.value for s in Status}
    for status in Status:
        assert _reachable(edges, status.value) & {"retired", "abandoned"}


def test_unknown_transition_is_refused():
    [refusal] = check_transition("idea", "teleport", ADMIN, OPEN, None)
    assert refusal.code == "unknown_transition"
    assert "teleport" in refusal.message_fr


def test_wrong_status_message_names_action_and_status():
    [refusal] = check_transition("idea", "deploy", ADMIN, OPEN, None)
    assert refusal.message_fr == "« Déployer en production » n'est pas possible depuis le statut « Idée »."


# --- reasons -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(EXPECTED_REASON_REQUIRED))
@pytest.mark.parametrize("reason", [None, "", "   \n\t"])
def test_missing_or_blank_reason_is_refused(name, reason):
    refusals = check_transition(a_source(name), name, ADMIN, OPEN, reason)
    assert [r.code for r in refusals] == ["reason_required"]
    assert refusals[0].message_fr.startswith("Un motif est obligatoire pour l'action « ")


@pytest.mark.parametrize("name", sorted(EXPECTED_REASON_REQUIRED))
def test_a_reason_lets_it_through(name):
    assert codes(a_source(name), name, reason="Décision du comité du 3 mars") == []


@pytest.mark.parametrize("name", sorted(set(EXPECTED_MOVES) - EXPECTED_REASON_REQUIRED))
def test_forward_moves_need_no_reason(name):
    assert codes(a_source(name), name, reason=None) == []


def test_role_and_reason_refusals_are_reported_together():
    assert codes("deployed", "suspend", roles={Role.CONTRIBUTOR}, reason="") == [
        "role_not_allowed",
        "reason_required",
    ]


# --- gates -------------------------------------------------------------------------------------------


def test_qualify_needs_a_completed_qualification():
    blocked = check_transition(
        "framing", "qualify", REFERENT, replace(OPEN, has_completed_qualification=False), None
    )
    assert [r.code for r in blocked] == ["qualification_missing"]
    assert "qualification terminée" in blocked[0].message_fr
    assert codes("framing", "qualify", roles=REFERENT) == []


def test_prioritise_needs_a_complete_scorecard():
    blocked = check_transition("qualified", "prioritise", REFERENT, replace(OPEN, has_priority_score=False))
    assert [r.code for r in blocked] == ["score_missing"]
    assert "grille de priorisation" in blocked[0].message_fr
    assert codes("qualified", "prioritise") == []


def test_no_experiment_of_a_use_case_that_is_not_qualified():
    facts = replace(OPEN, has_completed_qualification=False)
    blocked = check_transition("prioritised", "start_experiment", REFERENT, facts)
    assert [r.code for r in blocked] == ["qualification_missing"]
    assert blocked[0].message_fr.startswith("Passage au statut « expérimentation » impossible")
    assert codes("prioritised", "start_experiment") == []


@pytest.mark.parametrize("decision", [None, "recommended", "undetermined", ""])
def test_no_experiment_on_personal_health_data_without_a_dpia_decision(decision):
    facts = replace(OPEN, dpia_decision_recorded=decision, dpia_completed=False)
    blocked = check_transition("prioritised", "start_experiment", REFERENT, facts)
    assert [r.code for r in blocked] == ["dpia_decision_missing"]
    assert "données personnelles de santé" in blocked[0].message_fr
    assert "AIPD" in blocked[0].message_fr


def test_a_required_dpia_must_be_carried_out_before_the_experiment():
    facts = replace(OPEN, dpia_decision_recorded="required", dpia_completed=False)
    assert codes("prioritised", "start_experiment", facts) == ["dpia_missing"]
    assert codes("prioritised", "start_experiment", replace(facts, dpia_completed=True)) == []


def test_dpia_not_required_decision_opens_the_gate():
    facts = replace(OPEN, dpia_decision_recorded="not_required", dpia_completed=False)
    assert codes("prioritised", "start_experiment", facts) == []


@pytest.mark.parametrize(("personal", "health"), [(False, True), (True, False), (False, False)])
def test_dpia_gate_only_for_personal_health_data(personal, health):
    facts = replace(OPEN, personal_data=personal, processes_health_data=health, dpia_decision_recorded=None)
    assert codes("prioritised", "start_experiment", facts) == []


def test_iterating_goes_through_the_experimentation_gates_too():
    facts = replace(OPEN, dpia_decision_recorded=None)
    assert codes("evaluated", "iterate", facts) == ["dpia_decision_missing"]


@pytest.mark.parametrize(("status", "name"), [("prioritised", "start_experiment"), ("evaluated", "deploy")])
def test_a_prohibited_system_is_neither_tested_nor_deployed(status, name):
    facts = replace(OPEN, ai_act_category="prohibited")
    blocked = check_transition(status, name, ADMIN, facts, None)
    assert [r.code for r in blocked] == ["ai_act_prohibited"]
    assert "art. 5" in blocked[0].message_fr


def test_evaluated_needs_an_evaluation():
    blocked = check_transition("experimentation", "evaluate", REFERENT, replace(OPEN, has_evaluation=False))
    assert [r.code for r in blocked] == ["evaluation_missing"]
    assert codes("experimentation", "evaluate") == []


def test_no_deployment_of_a_high_risk_system_without_fria():
    facts = replace(OPEN, fria_required=True, fria_completed=False)
    blocked = check_transition("evaluated", "deploy", REFERENT, facts)
    assert [r.code for r in blocked] == ["fria_missing"]
    assert blocked[0].message_fr == (
        "Déploiement impossible : la qualification exige une analyse d'impact sur les droits "
        "fondamentaux (AIDF, AI Act art. 27) et elle n'est pas marquée comme réalisée."
    )


def test_fria_not_required_does_not_block():
    facts = replace(OPEN, fria_required=False, fria_completed=False)
    assert codes("evaluated", "deploy", facts) == []


@pytest.mark.parametrize("reference", [None, "", "   "])
def test_no_deployment_without_eu_database_registration_reference(reference):
    facts = replace(OPEN, registration_required=True, registration_reference=reference)
    blocked = check_transition("evaluated", "deploy", REFERENT, facts)
    assert [r.code for r in blocked] == ["registration_missing"]
    assert "base de données de l'UE" in blocked[0].message_fr
    assert "art. 49" in blocked[0].message_fr


def test_registration_not_required_does_not_block():
    facts = replace(OPEN, registration_required=False, registration_reference=None)
    assert codes("evaluated", "deploy", facts) == []


def test_deployment_lists_every_missing_piece_at_once():
    facts = replace(
        OPEN,
        has_completed_qualification=False,
        fria_completed=False,
        registration_reference=None,
    )
    assert codes("evaluated", "deploy", facts) == [
        "qualification_missing",
        "fria_missing",
        "registration_missing",
    ]


def test_deploying_a_minimal_risk_system_needs_no_fria_nor_registration():
    facts = UseCaseFacts(has_completed_qualification=True, ai_act_category="minimal")
    assert codes("evaluated", "deploy", facts) == []


def test_no_generalisation_without_evaluation():
    blocked = check_transition("deployed", "generalise", REFERENT, replace(OPEN, has_evaluation=False))
    assert [r.code for r in blocked] == ["evaluation_missing"]
    assert blocked[0].message_fr.startswith("Généralisation impossible : aucune évaluation")


def test_no_generalisation_without_a_decision():
    blocked = check_transition("deployed", "generalise", REFERENT, replace(OPEN, experiment_decision=None))
    assert [r.code for r in blocked] == ["decision_missing"]
    assert "aucune décision" in blocked[0].message_fr


@pytest.mark.parametrize("decision", ["iterate", "stop"])
def test_no_generalisation_when_the_decision_is_not_generalise(decision):
    blocked = check_transition(
        "evaluated", "generalise", REFERENT, replace(OPEN, experiment_decision=decision)
    )
    assert [r.code for r in blocked] == ["decision_not_generalise"]
    assert f"« {decision} »" in blocked[0].message_fr


def test_generalisation_also_needs_the_deployment_gates():
    facts = replace(OPEN, fria_completed=False, experiment_decision=None, has_evaluation=False)
    blocked = check_transition("evaluated", "generalise", REFERENT, facts)
    assert [r.code for r in blocked] == ["fria_missing", "evaluation_missing", "decision_missing"]
    assert blocked[0].message_fr.startswith("Généralisation impossible")


@pytest.mark.parametrize("source", ["evaluated", "deployed"])
def test_generalisation_passes_with_evaluation_and_decision(source):
    assert codes(source, "generalise", roles=REFERENT) == []


# --- suspension --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "origin", [Status.EXPERIMENTATION, Status.EVALUATED, Status.DEPLOYED, Status.GENERALISED]
)
def test_resume_goes_back_to_where_it_was(origin):
    assert codes("suspended", "resume", replace(OPEN, suspended_from=origin), reason=None) == []


def test_resume_without_a_known_origin_is_refused():
    for origin in (None, Status.IDEA):
        assert codes("suspended", "resume", replace(OPEN, suspended_from=origin)) == ["resume_target_unknown"]


def test_resume_applies_the_gates_of_the_status_it_returns_to():
    to_experiment = replace(OPEN, suspended_from=Status.EXPERIMENTATION, dpia_decision_recorded=None)
    assert codes("suspended", "resume", to_experiment) == ["dpia_decision_missing"]
    to_deployed = replace(OPEN, suspended_from=Status.DEPLOYED, registration_reference="")
    assert codes("suspended", "resume", to_deployed) == ["registration_missing"]


def test_dpo_may_suspend_but_not_deploy():
    assert codes("deployed", "suspend", roles={Role.DPO}, reason="AIPD à revoir") == []
    assert codes("evaluated", "deploy", roles={Role.DPO}) == ["role_not_allowed"]


def test_a_suspended_system_that_was_in_service_is_retired_not_abandoned():
    facts = replace(OPEN, suspended_from=Status.DEPLOYED)
    assert codes("suspended", "abandon", facts) == ["abandon_after_deployment"]
    assert codes("suspended", "retire", facts) == []


def test_a_suspended_experiment_is_abandoned_not_retired():
    facts = replace(OPEN, suspended_from=Status.EXPERIMENTATION)
    assert codes("suspended", "retire", facts) == ["retire_before_deployment"]
    assert codes("suspended", "abandon", facts) == []


# --- review cadence ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "last_change", "due"),
    [
        ("deployed", date(2026, 1, 15), date(2026, 7, 15)),
        ("experimentation", date(2026, 1, 15), date(2026, 4, 15)),
        ("experimentation", date(2026, 11, 30), date(2027, 2, 28)),
        ("deployed", date(2027, 8, 31), date(2028, 2, 29)),
        ("generalised", date(2026, 3, 1), date(2027, 3, 1)),
        ("idea", date(2026, 3, 1), date(2026, 9, 1)),
        ("framing", date(2026, 3, 1), date(2026, 6, 1)),
        ("suspended", date(2026, 10, 10), date(2027, 1, 10)),
    ],
)
def test_next_review_date(status, last_change, due):
    assert next_review_date(status, last_change) == due


@pytest.mark.parametrize("status", ["retired", "abandoned"])
def test_terminal_statuses_are_never_reviewed(status):
    assert next_review_date(status, date(2020, 1, 1)) is None
    assert not is_stale(status, date(2020, 1, 1), date(2030, 1, 1))


def test_every_non_terminal_status_has_a_cadence():
    for status in Status:
        assert (next_review_date(status, date(2026, 1, 1)) is None) is (
            status.value in {"retired", "abandoned"}
        )


def test_is_stale_from_the_due_date_on():
    last = date(2026, 1, 15)
    assert not is_stale("experimentation", last, date(2026, 4, 14))
    assert is_stale("experimentation", last, date(2026, 4, 15))
    assert is_stale("experimentation", last, date(2026, 12, 1))


# --- consistency with the reference data and the documentation ---------------------------------------


def test_statuses_match_the_reference_list():
    reference = json.loads((REPO / "data/reference/statuses.json").read_text(encoding="utf-8"))
    assert [d["code"] for d in sorted(reference, key=lambda d: d["order"])] == [s.value for s in Status]
    assert {d["code"]: d["label_fr"] for d in reference} == {s.value: v for s, v in STATUS_LABELS_FR.items()}


def test_docs_show_the_current_table_and_diagram():
    doc = (REPO / "docs/lifecycle.md").read_text(encoding="utf-8")
    assert transitions_as_markdown() in doc
    assert mermaid_diagram() in doc
