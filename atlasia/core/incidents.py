"""Follow-up of an incident after deployment: statuses, transitions, gates, and the AI Act Art. 73
reporting deadline of a serious incident.

Pure Python (no Django), built like :mod:`atlasia.core.lifecycle`. The Django layer
(``atlasia.monitoring.incidents.services``) builds :class:`IncidentFacts` from the record, asks
:func:`check_transition` whether a transition may fire and, when the answer is an empty list, writes the
new status and the audit row of the transition in the same transaction.

The workflow: open → investigating → corrective actions → closed; from "corrective actions" one may go
back to "investigating" when the actions did not work. The gate of ``closed``: the corrective actions
are described. Who may move an incident is the permission matrix's ``usecase.transition`` (referent,
DPO, organisation administrator, platform administrator), checked by the service.

:data:`TRANSITIONS` is the single source of truth: the screen offers the targets of
:func:`available_transitions`, the service refuses anything else.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from atlasia.core.qualification import serious_incident_deadline
from atlasia.core.refusal import Refusal


class Status(StrEnum):
    OPEN = "open"
    INVESTIGATING = "investigating"
    CORRECTIVE_ACTIONS = "corrective_actions"
    CLOSED = "closed"


STATUS_LABELS_FR: dict[Status, str] = {
    Status.OPEN: "Ouvert",
    Status.INVESTIGATING: "En cours d'analyse",
    Status.CORRECTIVE_ACTIONS: "Actions correctives en cours",
    Status.CLOSED: "Clos",
}
STATUS_LABELS_EN: dict[Status, str] = {
    Status.OPEN: "Open",
    Status.INVESTIGATING: "Under analysis",
    Status.CORRECTIVE_ACTIONS: "Corrective actions in progress",
    Status.CLOSED: "Closed",
}
#: The order of the steps, as the screen shows them.
STATUS_ORDER: tuple[Status, ...] = (
    Status.OPEN,
    Status.INVESTIGATING,
    Status.CORRECTIVE_ACTIONS,
    Status.CLOSED,
)
TERMINAL_STATUSES: frozenset[Status] = frozenset({Status.CLOSED})


@dataclass(frozen=True)
class IncidentFacts:
    """What the gates need to know, built from the record. Defaults are the unfavourable values."""

    #: The corrective actions are described (recorded before, or typed with the transition).
    corrective_actions_described: bool = False


@dataclass(frozen=True)
class Transition:
    name: str
    sources: frozenset[Status]
    target: Status
    label_fr: str
    label_en: str
    #: A move back in the workflow.
    backward: bool = False


S = Status

TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        "investigate",
        frozenset({S.OPEN}),
        S.INVESTIGATING,
        "Analyser l'incident",
        "Investigate the incident",
    ),
    Transition(
        "start_corrective_actions",
        frozenset({S.INVESTIGATING}),
        S.CORRECTIVE_ACTIONS,
        "Engager les actions correctives",
        "Start the corrective actions",
    ),
    Transition(
        "close",
        frozenset({S.CORRECTIVE_ACTIONS}),
        S.CLOSED,
        "Clore l'incident",
        "Close the incident",
    ),
    Transition(
        "reinvestigate",
        frozenset({S.CORRECTIVE_ACTIONS}),
        S.INVESTIGATING,
        "Reprendre l'analyse (actions correctives sans effet)",
        "Investigate again (the corrective actions did not work)",
        backward=True,
    ),
)
TRANSITIONS_BY_NAME: dict[str, Transition] = {t.name: t for t in TRANSITIONS}


def _refusal(code: str, fr: str, en: str) -> Refusal:
    return Refusal(code, fr, en)


def _status(value: Status | str) -> Status | None:
    try:
        return Status(value)
    except ValueError:
        return None


def available_transitions(status: Status | str) -> list[Transition]:
    """The transitions that start from ``status``, in the order of :data:`TRANSITIONS`."""
    current = _status(status)
    return [t for t in TRANSITIONS if current in t.sources]


def next_statuses(status: Status | str) -> list[Status]:
    """The statuses one step away from ``status`` (what the screen offers)."""
    return [t.target for t in available_transitions(status)]


def transition_to(status: Status | str, target: Status | str) -> Transition | None:
    """The transition leading from ``status`` to ``target``, or ``None`` when there is none."""
    wanted = _status(target)
    return next((t for t in available_transitions(status) if t.target is wanted), None)


def gates_for(target: Status, facts: IncidentFacts) -> list[Refusal]:
    """The conditions of entering ``target``, whatever the path."""
    if target is Status.CLOSED and not facts.corrective_actions_described:
        return [
            _refusal(
                "corrective_actions_missing",
                "Un incident ne peut être clos qu'une fois les actions correctives décrites.",
                "An incident can only be closed once its corrective actions are described.",
            )
        ]
    return []


def check_transition(status: Status | str, transition_name: str, facts: IncidentFacts) -> list[Refusal]:
    """Every reason why ``transition_name`` may not fire from ``status``; an empty list means it may."""
    current = _status(status)
    transition = TRANSITIONS_BY_NAME.get(transition_name)
    if current is None:
        return [_refusal("unknown_status", f"État inconnu : « {status} ».", f"Unknown status: '{status}'.")]
    if transition is None:
        return [
            _refusal(
                "unknown_transition",
                f"Transition inconnue : « {transition_name} ».",
                f"Unknown transition: '{transition_name}'.",
            )
        ]
    if current not in transition.sources:
        return [_wrong_status(current, transition.target)]
    return gates_for(transition.target, facts)


def _wrong_status(current: Status, target: Status | str) -> Refusal:
    wanted = _status(target)
    target_fr = STATUS_LABELS_FR[wanted] if wanted else str(target)
    target_en = STATUS_LABELS_EN[wanted] if wanted else str(target)
    following = next_statuses(current)
    possible_fr = ", ".join(f"« {STATUS_LABELS_FR[s]} »" for s in following) or "aucune (l'incident est clos)"
    possible_en = ", ".join(f"'{STATUS_LABELS_EN[s]}'" for s in following) or "none (the incident is closed)"
    return _refusal(
        "wrong_status",
        f"Passage de « {STATUS_LABELS_FR[current]} » à « {target_fr} » impossible. "
        f"Étape(s) suivante(s) possible(s) : {possible_fr}.",
        f"Moving from '{STATUS_LABELS_EN[current]}' to '{target_en}' is not possible. "
        f"Possible next step(s): {possible_en}.",
    )


def check_move(status: Status | str, target: Status | str, facts: IncidentFacts) -> list[Refusal]:
    """Like :func:`check_transition` for a channel that carries the wanted status (the screen's
    « Nouvel état »): refused when no transition leads there from ``status``."""
    current = _status(status)
    if current is None:
        return [_refusal("unknown_status", f"État inconnu : « {status} ».", f"Unknown status: '{status}'.")]
    transition = transition_to(current, target)
    if transition is None:
        return [_wrong_status(current, target)]
    return check_transition(current, transition.name, facts)


# --- AI Act Art. 73: the reporting deadline of a serious incident -------------------------------------


def reporting_deadline(aware_on: date | None, serious_kind: str) -> date | None:
    """Latest date to report a serious incident to the authority (Art. 73(2)–(4): 15 days in general,
    10 for a death, 2 for a widespread infringement or a critical infrastructure), counted from the day
    the provider became aware of it; ``None`` when either is unknown."""
    if aware_on is None or not serious_kind:
        return None
    return serious_incident_deadline(aware_on, serious_kind)  # type: ignore[arg-type]


def days_left(deadline: date, today: date) -> int:
    """Days until the deadline (0: today, negative: overdue)."""
    return (deadline - today).days


def is_overdue(deadline: date | None, today: date, reported_on: date | None = None) -> bool:
    """Not reported and past the deadline."""
    return deadline is not None and reported_on is None and deadline < today


def transitions_as_markdown() -> str:
    """The transition table as Markdown (rendered in ``docs/incidents.md``)."""
    rows = [
        f"| {t.label_fr} (`{t.name}`) | {', '.join(s.value for s in STATUS_ORDER if s in t.sources)} "
        f"| {t.target.value} | {'oui' if t.backward else '—'} "
        f"| {'; '.join(r.message_fr for r in gates_for(t.target, IncidentFacts())) or '—'} |"
        for t in TRANSITIONS
    ]
    return "\n".join(["| transition | depuis | vers | retour | condition |", "|---|---|---|---|---|", *rows])
