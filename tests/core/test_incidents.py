"""The incident workflow of the core (pure Python): allowed and refused transitions, the closing gate,
the Art. 73 deadline."""

from __future__ import annotations

from datetime import date

import pytest

from atlasia.core import incidents as core

S = core.Status
DESCRIBED = core.IncidentFacts(corrective_actions_described=True)
NOTHING = core.IncidentFacts()

ALLOWED = [
    (S.OPEN, "investigate", S.INVESTIGATING),
    (S.INVESTIGATING, "start_corrective_actions", S.CORRECTIVE_ACTIONS),
    (S.CORRECTIVE_ACTIONS, "close", S.CLOSED),
    (S.CORRECTIVE_ACTIONS, "reinvestigate", S.INVESTIGATING),
]


@pytest.mark.parametrize("source,name,target", ALLOWED)
def test_allowed_transitions(source: core.Status, name: str, target: core.Status) -> None:
    assert core.check_transition(source, name, DESCRIBED) == []
    assert core.check_move(source, target, DESCRIBED) == []
    transition = core.transition_to(source, target)
    assert transition is not None and transition.name == name and transition.target is target


def test_every_other_move_is_refused_with_the_possible_next_steps() -> None:
    allowed = {(s, t) for s, _n, t in ALLOWED}
    for source in S:
        for target in S:
            if (source, target) in allowed:
                continue
            refusals = core.check_move(source, target, DESCRIBED)
            assert [r.code for r in refusals] == ["wrong_status"], (source, target)
    refusal = core.check_move("open", "closed", DESCRIBED)[0]
    assert refusal.message_fr == (
        "Passage de « Ouvert » à « Clos » impossible. "
        "Étape(s) suivante(s) possible(s) : « En cours d'analyse »."
    )
    assert refusal.message_en == (
        "Moving from 'Open' to 'Closed' is not possible. Possible next step(s): 'Under analysis'."
    )
    closed = core.check_move("closed", "investigating", DESCRIBED)[0]
    assert "aucune (l'incident est clos)" in closed.message_fr and "none" in closed.message_en


def test_named_transition_from_the_wrong_status_and_unknown_names() -> None:
    assert [r.code for r in core.check_transition("open", "close", DESCRIBED)] == ["wrong_status"]
    assert [r.code for r in core.check_transition("open", "teleport", DESCRIBED)] == ["unknown_transition"]
    assert [r.code for r in core.check_transition("lost", "close", DESCRIBED)] == ["unknown_status"]
    assert [r.code for r in core.check_move("open", "lost", DESCRIBED)] == ["wrong_status"]


def test_closing_needs_the_corrective_actions_described() -> None:
    refusals = core.check_transition("corrective_actions", "close", NOTHING)
    assert [r.code for r in refusals] == ["corrective_actions_missing"]
    assert "actions correctives décrites" in refusals[0].message_fr
    assert "corrective actions are described" in refusals[0].message_en
    # the gate belongs to the target: going back to the investigation needs nothing
    assert core.check_transition("corrective_actions", "reinvestigate", NOTHING) == []


def test_next_statuses_follow_the_table() -> None:
    assert core.next_statuses("open") == [S.INVESTIGATING]
    assert core.next_statuses("corrective_actions") == [S.CLOSED, S.INVESTIGATING]
    assert core.next_statuses("closed") == []
    assert core.STATUS_ORDER[0] is S.OPEN and core.STATUS_ORDER[-1] is S.CLOSED
    assert set(core.STATUS_LABELS_FR) == set(core.STATUS_LABELS_EN) == set(S)


@pytest.mark.parametrize(
    "kind,days", [("general", 15), ("death", 10), ("widespread_or_critical_infrastructure", 2)]
)
def test_art_73_reporting_deadline(kind: str, days: int) -> None:
    aware = date(2026, 3, 1)
    deadline = core.reporting_deadline(aware, kind)
    assert deadline is not None and (deadline - aware).days == days
    assert core.reporting_deadline(None, kind) is None and core.reporting_deadline(aware, "") is None
    assert core.days_left(date(2026, 3, 16), date(2026, 3, 14)) == 2
    assert core.is_overdue(date(2026, 3, 16), date(2026, 3, 17))
    assert not core.is_overdue(date(2026, 3, 16), date(2026, 3, 17), reported_on=date(2026, 3, 15))
    assert not core.is_overdue(None, date(2026, 3, 17))


def test_the_documentation_shows_the_transition_table() -> None:
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[2] / "docs" / "incidents.md").read_text(encoding="utf-8")
    assert core.transitions_as_markdown() in doc
