"""Lifecycle of a use case: statuses, transitions by role, gates and review cadence.

Pure Python (no Django). The Django layer builds a :class:`UseCaseFacts` from the database, asks
:func:`check_transition` whether a transition may fire and, when the answer is an empty list, writes the
new status and a transition-log row (who, when, why) in the same transaction.

Three kinds of refusal, all returned together so that the screen can say everything that is missing:

* the transition does not exist or does not start from the current status (``unknown_transition``,
  ``wrong_status``; nothing else is checked then);
* none of the user's roles may fire it (``role_not_allowed``), or it needs a reason and none was given
  (``reason_required``);
* a **gate** of the target status is closed (e.g. ``dpia_decision_missing``). Gates belong to the
  *target* status, not to the transition: whatever the path into ``experimentation`` (start, iterate,
  resume after a suspension), the same conditions apply. ``docs/lifecycle.md`` lists them.

The transition table :data:`TRANSITIONS` is the single source of truth; ``docs/lifecycle.md`` renders
it (see :func:`transitions_as_markdown` and :func:`mermaid_diagram`).
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from atlasia.core.refusal import Refusal
from atlasia.core.roles import Role


class Status(StrEnum):
    IDEA = "idea"
    FRAMING = "framing"
    QUALIFIED = "qualified"
    PRIORITISED = "prioritised"
    EXPERIMENTATION = "experimentation"
    EVALUATED = "evaluated"
    DEPLOYED = "deployed"
    GENERALISED = "generalised"
    SUSPENDED = "suspended"
    RETIRED = "retired"
    ABANDONED = "abandoned"


STATUS_LABELS_FR: dict[Status, str] = {
    Status.IDEA: "Idée",
    Status.FRAMING: "Cadrage",
    Status.QUALIFIED: "Qualifié",
    Status.PRIORITISED: "Priorisé",
    Status.EXPERIMENTATION: "Expérimentation",
    Status.EVALUATED: "Évalué",
    Status.DEPLOYED: "Déployé",
    Status.GENERALISED: "Généralisé",
    Status.SUSPENDED: "Suspendu",
    Status.RETIRED: "Retiré",
    Status.ABANDONED: "Abandonné",
}

STATUS_LABELS_EN: dict[Status, str] = {
    Status.IDEA: "Idea",
    Status.FRAMING: "Framing",
    Status.QUALIFIED: "Qualified",
    Status.PRIORITISED: "Prioritised",
    Status.EXPERIMENTATION: "Experimentation",
    Status.EVALUATED: "Evaluated",
    Status.DEPLOYED: "Deployed",
    Status.GENERALISED: "Generalised",
    Status.SUSPENDED: "Suspended",
    Status.RETIRED: "Retired",
    Status.ABANDONED: "Abandoned",
}

#: Statuses no transition leaves.
TERMINAL_STATUSES: frozenset[Status] = frozenset({Status.RETIRED, Status.ABANDONED})
#: Statuses a use case may be suspended from, and therefore resumed to.
SUSPENDABLE_STATUSES: frozenset[Status] = frozenset(
    {Status.EXPERIMENTATION, Status.EVALUATED, Status.DEPLOYED, Status.GENERALISED}
)
#: Statuses where the system is in service: leaving them for good is "retire", not "abandon".
IN_SERVICE_STATUSES: frozenset[Status] = frozenset({Status.DEPLOYED, Status.GENERALISED})
#: Non-terminal statuses before deployment: leaving them for good is "abandon".
PRE_DEPLOYMENT_STATUSES: frozenset[Status] = frozenset(
    {
        Status.IDEA,
        Status.FRAMING,
        Status.QUALIFIED,
        Status.PRIORITISED,
        Status.EXPERIMENTATION,
        Status.EVALUATED,
    }
)

#: DPO decisions on the need for a DPIA (GDPR Art. 35). The qualification engine may answer
#: "recommended" or "undetermined"; the DPO then decides one of these two.
DPIA_DECISIONS: frozenset[str] = frozenset({"required", "not_required"})
#: Decisions recorded at the end of an experiment (product brief §6).
EXPERIMENT_DECISIONS: frozenset[str] = frozenset({"generalise", "iterate", "stop"})
#: AI Act categories as the qualification engine writes them (docs/qualification.md, « Résultat »).
HIGH_RISK = "high_risk"
PROHIBITED = "prohibited"


@dataclass(frozen=True)
class UseCaseFacts:
    """What the gates need to know about a use case, built by the Django layer from the database.

    Every default is the *unfavourable* value (nothing recorded), so that a fact the caller forgot
    closes a gate instead of opening it.
    """

    #: A qualification questionnaire has been completed (and not reset since).
    has_completed_qualification: bool = False
    #: AI Act category from the qualification ("high_risk", "limited", "minimal", "prohibited", …).
    ai_act_category: str | None = None
    #: The qualification says a fundamental-rights impact assessment is required (AI Act Art. 27).
    fria_required: bool = False
    fria_completed: bool = False
    #: The qualification says an EU-database registration is required (AI Act Art. 49).
    registration_required: bool = False
    #: Registration number in the EU database (blank = not registered yet).
    registration_reference: str | None = None
    processes_health_data: bool = False
    personal_data: bool = False
    #: The DPO's decision on the DPIA: "required", "not_required" or None (not decided yet).
    dpia_decision_recorded: str | None = None
    #: The DPIA itself has been carried out (only looked at when the decision is "required").
    dpia_completed: bool = False
    #: A complete prioritisation scorecard exists (see :mod:`atlasia.core.prioritisation`).
    has_priority_score: bool = False
    #: An evaluation of the experiment has been recorded.
    has_evaluation: bool = False
    #: Decision recorded on the latest experiment: "generalise", "iterate", "stop" or None.
    experiment_decision: str | None = None
    #: For a suspended use case, the status it was suspended from (read from the transition log).
    suspended_from: Status | None = None


@dataclass(frozen=True)
class Transition:
    """A named move between statuses.

    ``target`` is None only for "resume", whose target is the status the use case was suspended from
    (``UseCaseFacts.suspended_from``); use :func:`resolve_target`.
    """

    name: str
    sources: frozenset[Status]
    target: Status | None
    roles: frozenset[Role]
    requires_reason: bool
    label_fr: str
    label_en: str
    #: A move back in the lifecycle (always requires a reason).
    backward: bool = False


R = Role
S = Status

_DRIVERS = frozenset({R.REFERENT, R.ORG_ADMIN, R.PLATFORM_ADMIN})
_DRIVERS_AND_DPO = _DRIVERS | {R.DPO}

#: The transition table. Platform administrators may fire every transition; reviewers (regional and
#: national teams) read, they never move a use case.
TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        name="submit",
        sources=frozenset({S.IDEA}),
        target=S.FRAMING,
        roles=_DRIVERS | {R.CONTRIBUTOR},
        requires_reason=False,
        label_fr="Soumettre l'idée pour cadrage",
        label_en="Submit the idea for framing",
    ),
    Transition(
        name="return_to_idea",
        sources=frozenset({S.FRAMING}),
        target=S.IDEA,
        roles=_DRIVERS,
        requires_reason=True,
        label_fr="Renvoyer au stade d'idée (compléments demandés)",
        label_en="Send back to the idea stage (more information needed)",
        backward=True,
    ),
    Transition(
        name="qualify",
        sources=frozenset({S.FRAMING}),
        target=S.QUALIFIED,
        roles=_DRIVERS_AND_DPO,
        requires_reason=False,
        label_fr="Valider la qualification",
        label_en="Confirm the qualification",
    ),
    Transition(
        name="requalify",
        sources=frozenset({S.QUALIFIED, S.PRIORITISED}),
        target=S.FRAMING,
        roles=_DRIVERS_AND_DPO,
        requires_reason=True,
        label_fr="Revenir au cadrage pour requalification",
        label_en="Back to framing for requalification",
        backward=True,
    ),
    Transition(
        name="prioritise",
        sources=frozenset({S.QUALIFIED}),
        target=S.PRIORITISED,
        roles=_DRIVERS,
        requires_reason=False,
        label_fr="Retenir dans le portefeuille priorisé",
        label_en="Add to the prioritised portfolio",
    ),
    Transition(
        name="start_experiment",
        sources=frozenset({S.PRIORITISED}),
        target=S.EXPERIMENTATION,
        roles=_DRIVERS,
        requires_reason=False,
        label_fr="Lancer l'expérimentation",
        label_en="Start the experiment",
    ),
    Transition(
        name="evaluate",
        sources=frozenset({S.EXPERIMENTATION}),
        target=S.EVALUATED,
        roles=_DRIVERS,
        requires_reason=False,
        label_fr="Clore l'expérimentation et enregistrer l'évaluation",
        label_en="Close the experiment and record the evaluation",
    ),
    Transition(
        name="iterate",
        sources=frozenset({S.EVALUATED}),
        target=S.EXPERIMENTATION,
        roles=_DRIVERS,
        requires_reason=True,
        label_fr="Relancer une itération d'expérimentation",
        label_en="Run another experiment iteration",
        backward=True,
    ),
    Transition(
        name="deploy",
        sources=frozenset({S.EVALUATED}),
        target=S.DEPLOYED,
        roles=_DRIVERS,
        requires_reason=False,
        label_fr="Déployer en production",
        label_en="Deploy to production",
    ),
    Transition(
        name="generalise",
        sources=frozenset({S.EVALUATED, S.DEPLOYED}),
        target=S.GENERALISED,
        roles=_DRIVERS,
        requires_reason=False,
        label_fr="Généraliser",
        label_en="Generalise",
    ),
    Transition(
        name="suspend",
        sources=SUSPENDABLE_STATUSES,
        target=S.SUSPENDED,
        roles=_DRIVERS_AND_DPO,
        requires_reason=True,
        label_fr="Suspendre",
        label_en="Suspend",
    ),
    Transition(
        name="resume",
        sources=frozenset({S.SUSPENDED}),
        target=None,
        roles=_DRIVERS_AND_DPO,
        requires_reason=False,
        label_fr="Reprendre (retour au statut d'avant la suspension)",
        label_en="Resume (back to the status before the suspension)",
    ),
    Transition(
        name="abandon",
        sources=PRE_DEPLOYMENT_STATUSES | {S.SUSPENDED},
        target=S.ABANDONED,
        roles=_DRIVERS,
        requires_reason=True,
        label_fr="Abandonner",
        label_en="Abandon",
    ),
    Transition(
        name="retire",
        sources=IN_SERVICE_STATUSES | {S.SUSPENDED},
        target=S.RETIRED,
        roles=_DRIVERS,
        requires_reason=True,
        label_fr="Retirer du service",
        label_en="Retire from service",
    ),
)

TRANSITIONS_BY_NAME: dict[str, Transition] = {t.name: t for t in TRANSITIONS}


def _roles(roles: Iterable[Role | str]) -> frozenset[Role]:
    return frozenset(Role(r) for r in roles)


def available_transitions(status: Status | str, roles: Iterable[Role | str]) -> list[Transition]:
    """Transitions leaving ``status`` that at least one of ``roles`` may fire, in table order.

    Gates and reasons are not looked at here (they need the facts): this is the list of buttons to
    show; :func:`check_transition` gives the definitive answer.
    """
    current = Status(status)
    held = _roles(roles)
    return [t for t in TRANSITIONS if current in t.sources and t.roles & held]


def transitions_between(
    status: Status | str, target: Status | str, suspended_from: Status | None = None
) -> list[Transition]:
    """The transitions that move a use case from ``status`` straight to ``target``, in table order
    ("resume" counts when ``suspended_from`` is ``target``). Used to turn a requested status (an
    import column, say) into a transition that the gates then check."""
    current, wanted = Status(status), Status(target)
    return [t for t in TRANSITIONS if current in t.sources and (t.target or suspended_from) is wanted]


def resolve_target(transition: Transition, facts: UseCaseFacts) -> Status | None:
    """The status the transition leads to; for "resume", the status before the suspension."""
    if transition.target is not None:
        return transition.target
    return facts.suspended_from


# --- gates -------------------------------------------------------------------------------------------


def _refusal(code: str, fr: str, en: str) -> Refusal:
    return Refusal(code=code, message_fr=fr, message_en=en)


def _qualification_gate(facts: UseCaseFacts, target: Status) -> list[Refusal]:
    if facts.has_completed_qualification:
        return []
    what_fr = STATUS_LABELS_FR[target].lower()
    return [
        _refusal(
            "qualification_missing",
            f"Passage au statut « {what_fr} » impossible : le cas d'usage n'a pas de qualification "
            "terminée (AI Act et RGPD). Complétez le questionnaire de qualification.",
            f"Cannot move to '{STATUS_LABELS_EN[target].lower()}': the use case has no completed "
            "qualification (AI Act and GDPR). Complete the qualification questionnaire.",
        )
    ]


def _prohibited_gate(facts: UseCaseFacts) -> list[Refusal]:
    if facts.ai_act_category != PROHIBITED:
        return []
    return [
        _refusal(
            "ai_act_prohibited",
            "La qualification classe ce système parmi les pratiques interdites (AI Act, art. 5) : "
            "il ne peut être ni expérimenté ni déployé.",
            "The qualification classifies this system as a prohibited practice (AI Act Art. 5): "
            "it may be neither tested nor deployed.",
        )
    ]


def _dpia_gate(facts: UseCaseFacts) -> list[Refusal]:
    if not (facts.personal_data and facts.processes_health_data):
        return []
    if facts.dpia_decision_recorded not in DPIA_DECISIONS:
        return [
            _refusal(
                "dpia_decision_missing",
                "Expérimentation impossible : le cas d'usage traite des données personnelles de santé "
                "et aucune décision du DPO sur l'analyse d'impact (AIPD, RGPD art. 35) n'est "
                "enregistrée. Le DPO doit indiquer si une AIPD est requise ou non.",
                "Cannot start the experiment: the use case processes personal health data and no DPO "
                "decision on the data protection impact assessment (DPIA, GDPR Art. 35) is recorded.",
            )
        ]
    if facts.dpia_decision_recorded == "required" and not facts.dpia_completed:
        return [
            _refusal(
                "dpia_missing",
                "Expérimentation impossible : le DPO a décidé qu'une analyse d'impact (AIPD, RGPD "
                "art. 35) est requise et elle n'est pas encore réalisée ; elle doit précéder le "
                "traitement.",
                "Cannot start the experiment: the DPO decided a DPIA (GDPR Art. 35) is required and it "
                "has not been carried out yet; it must precede the processing.",
            )
        ]
    return []


def _deployment_gates(facts: UseCaseFacts, target: Status) -> list[Refusal]:
    refusals = _qualification_gate(facts, target) + _prohibited_gate(facts)
    what_fr = "Déploiement" if target is Status.DEPLOYED else "Généralisation"
    what_en = "deploy" if target is Status.DEPLOYED else "generalise"
    if facts.fria_required and not facts.fria_completed:
        refusals.append(
            _refusal(
                "fria_missing",
                f"{what_fr} impossible : la qualification exige une analyse d'impact sur les droits "
                "fondamentaux (AIDF, AI Act art. 27) et elle n'est pas marquée comme réalisée.",
                f"Cannot {what_en}: the qualification requires a fundamental-rights impact assessment "
                "(FRIA, AI Act Art. 27) and it is not marked as completed.",
            )
        )
    if facts.registration_required and not (facts.registration_reference or "").strip():
        refusals.append(
            _refusal(
                "registration_missing",
                f"{what_fr} impossible : la qualification exige l'enregistrement du système dans la "
                "base de données de l'UE (AI Act art. 49) et aucune référence d'enregistrement n'est "
                "saisie.",
                f"Cannot {what_en}: the qualification requires registration in the EU database "
                "(AI Act Art. 49) and no registration reference is recorded.",
            )
        )
    return refusals


def _evaluation_gate(facts: UseCaseFacts, what_fr: str, what_en: str) -> list[Refusal]:
    if facts.has_evaluation:
        return []
    return [
        _refusal(
            "evaluation_missing",
            f"{what_fr} impossible : aucune évaluation de l'expérimentation n'est enregistrée.",
            f"Cannot {what_en}: no evaluation of the experiment is recorded.",
        )
    ]


def _generalisation_gates(facts: UseCaseFacts) -> list[Refusal]:
    refusals = _evaluation_gate(facts, "Généralisation", "generalise")
    if facts.experiment_decision is None:
        refusals.append(
            _refusal(
                "decision_missing",
                "Généralisation impossible : aucune décision n'est enregistrée sur l'expérimentation "
                "(généraliser, itérer ou arrêter).",
                "Cannot generalise: no decision (generalise, iterate, stop) is recorded on the experiment.",
            )
        )
    elif facts.experiment_decision != "generalise":
        refusals.append(
            _refusal(
                "decision_not_generalise",
                "Généralisation impossible : la décision enregistrée sur l'expérimentation est "
                f"« {facts.experiment_decision} » et non « généraliser ».",
                f"Cannot generalise: the decision recorded on the experiment is "
                f"'{facts.experiment_decision}', not 'generalise'.",
            )
        )
    return refusals


def gates_for(target: Status, facts: UseCaseFacts) -> list[Refusal]:
    """The closed gates of ``target``: what is missing before a use case may enter that status."""
    if target is Status.QUALIFIED:
        return _qualification_gate(facts, target)
    if target is Status.PRIORITISED:
        refusals = _qualification_gate(facts, target)
        if not facts.has_priority_score:
            refusals.append(
                _refusal(
                    "score_missing",
                    "Priorisation impossible : la grille de priorisation n'est pas complète (chaque "
                    "critère doit être noté de 1 à 5 avec une justification).",
                    "Cannot prioritise: the prioritisation scorecard is incomplete (every criterion "
                    "needs a 1–5 score and a justification).",
                )
            )
        return refusals
    if target is Status.EXPERIMENTATION:
        return _qualification_gate(facts, target) + _prohibited_gate(facts) + _dpia_gate(facts)
    if target is Status.EVALUATED:
        return _evaluation_gate(facts, "Passage au statut « évalué »", "move to 'evaluated'")
    if target is Status.DEPLOYED:
        return _deployment_gates(facts, target)
    if target is Status.GENERALISED:
        return _deployment_gates(facts, target) + _generalisation_gates(facts)
    return []


def _suspension_refusals(transition: Transition, facts: UseCaseFacts) -> list[Refusal]:
    """Checks that depend on where a suspended use case was suspended from."""
    origin = facts.suspended_from
    if transition.name == "resume" and origin not in SUSPENDABLE_STATUSES:
        return [
            _refusal(
                "resume_target_unknown",
                "Reprise impossible : le statut d'avant la suspension est inconnu ; choisissez "
                "« Abandonner » ou « Retirer du service », ou corrigez l'historique.",
                "Cannot resume: the status before the suspension is unknown.",
            )
        ]
    if transition.name == "abandon" and origin in IN_SERVICE_STATUSES:
        return [
            _refusal(
                "abandon_after_deployment",
                "Ce cas d'usage était en service avant sa suspension : utilisez « Retirer du service » "
                "plutôt que « Abandonner ».",
                "This use case was in service before its suspension: retire it instead of abandoning it.",
            )
        ]
    if transition.name == "retire" and origin is not None and origin not in IN_SERVICE_STATUSES:
        return [
            _refusal(
                "retire_before_deployment",
                "Ce cas d'usage n'a jamais été mis en service : utilisez « Abandonner » plutôt que "
                "« Retirer du service ».",
                "This use case was never in service: abandon it instead of retiring it.",
            )
        ]
    return []


def check_transition(
    status: Status | str,
    transition_name: str,
    roles: Iterable[Role | str],
    facts: UseCaseFacts,
    reason: str | None = None,
) -> list[Refusal]:
    """Every reason why ``transition_name`` may not fire now; an empty list means it may.

    ``roles`` are all the roles the user holds on the use case (one is enough). ``reason`` is the
    free text the user typed; it is required for suspensions, abandons, retirements and every
    backward move, and a blank string counts as missing.
    """
    current = Status(status)
    transition = TRANSITIONS_BY_NAME.get(transition_name)
    if transition is None:
        return [
            _refusal(
                "unknown_transition",
                f"Transition inconnue : « {transition_name} ».",
                f"Unknown transition: '{transition_name}'.",
            )
        ]
    if current not in transition.sources:
        return [
            _refusal(
                "wrong_status",
                f"« {transition.label_fr} » n'est pas possible depuis le statut "
                f"« {STATUS_LABELS_FR[current]} ».",
                f"'{transition.label_en}' is not possible from status '{STATUS_LABELS_EN[current]}'.",
            )
        ]
    refusals: list[Refusal] = []
    if not transition.roles & _roles(roles):
        allowed = ", ".join(sorted(r.value for r in transition.roles))
        refusals.append(
            _refusal(
                "role_not_allowed",
                f"Votre rôle ne permet pas l'action « {transition.label_fr} » (rôles autorisés : {allowed}).",
                f"Your role does not allow '{transition.label_en}' (allowed roles: {allowed}).",
            )
        )
    if transition.requires_reason and not (reason or "").strip():
        refusals.append(
            _refusal(
                "reason_required",
                f"Un motif est obligatoire pour l'action « {transition.label_fr} ».",
                f"A reason is required for '{transition.label_en}'.",
            )
        )
    if current is Status.SUSPENDED:
        refusals.extend(_suspension_refusals(transition, facts))
    target = resolve_target(transition, facts)
    if target is not None:
        refusals.extend(gates_for(target, facts))
    return refusals


# --- review cadence ----------------------------------------------------------------------------------

#: Months between reviews, by status. Terminal statuses are not reviewed.
REVIEW_CADENCE_MONTHS: dict[Status, int] = {
    Status.IDEA: 6,
    Status.FRAMING: 3,
    Status.QUALIFIED: 6,
    Status.PRIORITISED: 6,
    Status.EXPERIMENTATION: 3,
    Status.EVALUATED: 3,
    Status.DEPLOYED: 6,
    Status.GENERALISED: 12,
    Status.SUSPENDED: 3,
}


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months`` calendar months, the day clamped to the month's end (31 Jan → 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def next_review_date(status: Status | str, last_change: date) -> date | None:
    """When the record is due for review: ``last_change`` plus the status's cadence.

    None for terminal statuses (retired, abandoned), which are never due.
    """
    months = REVIEW_CADENCE_MONTHS.get(Status(status))
    return None if months is None else add_months(last_change, months)


def is_stale(status: Status | str, last_change: date, today: date) -> bool:
    """True when the review is due: ``today`` is on or after :func:`next_review_date`."""
    due = next_review_date(status, last_change)
    return due is not None and today >= due


# --- documentation -----------------------------------------------------------------------------------


def transitions_as_markdown() -> str:
    """The transition table as Markdown (rendered in ``docs/lifecycle.md``)."""
    roles = list(Role)
    header = "| transition | depuis | vers | motif | " + " | ".join(r.value for r in roles) + " |"
    sep = "|---|---|---|---|" + "---|" * len(roles)
    rows = []
    for t in TRANSITIONS:
        sources = ", ".join(s.value for s in Status if s in t.sources)
        target = t.target.value if t.target else "statut d'avant la suspension"
        cells = " | ".join("✅" if r in t.roles else "—" for r in roles)
        reason = "obligatoire" if t.requires_reason else "—"
        rows.append(f"| {t.label_fr} (`{t.name}`) | {sources} | {target} | {reason} | {cells} |")
    return "\n".join([header, sep, *rows])


def mermaid_diagram() -> str:
    """The state diagram in Mermaid syntax (rendered in ``docs/lifecycle.md``)."""
    lines = ["stateDiagram-v2", "    [*] --> idea"]
    for t in TRANSITIONS:
        for source in (s for s in Status if s in t.sources):
            if t.target is None:
                origins = (s for s in Status if s in SUSPENDABLE_STATUSES)
                lines.extend(f"    {source.value} --> {o.value}: {t.name}" for o in origins)
            else:
                lines.append(f"    {source.value} --> {t.target.value}: {t.name}")
    lines.extend(f"    {s.value} --> [*]" for s in Status if s in TERMINAL_STATUSES)
    return "\n".join(lines)
