"""What the lifecycle adds to the use-case page (panels, tab) and to the header (navigation)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy

from atlasia.accounts import perms
from atlasia.accounts.actor import actor_of
from atlasia.core import lifecycle as lc
from atlasia.core import prioritisation as prio
from atlasia.core.roles import Action
from atlasia.lifecycle import selectors
from atlasia.lifecycle.enums import AssessmentLevel
from atlasia.lifecycle.models import (
    CharterAssessment,
    ComplianceRecord,
    Experiment,
    PriorityAssessment,
    StatusTransition,
)
from atlasia.www import extensions

from .labels import criterion_label, status_label
from .portfolio import AI_ACT_LABELS_FR

#: The main path shown by the stepper; suspended, retired and abandoned are shown as a state on top.
MAIN_PATH: list[lc.Status] = [
    lc.Status.IDEA,
    lc.Status.FRAMING,
    lc.Status.QUALIFIED,
    lc.Status.PRIORITISED,
    lc.Status.EXPERIMENTATION,
    lc.Status.EVALUATED,
    lc.Status.DEPLOYED,
    lc.Status.GENERALISED,
]


def _stepper(use_case: Any, facts: lc.UseCaseFacts) -> dict[str, Any]:
    status = lc.Status(use_case.status)
    off_path = status not in MAIN_PATH
    reached = status
    if off_path:
        # The last main-path status reached, from the log (where it was suspended or abandoned).
        last = (
            selectors.transition_log(use_case)
            .exclude(from_status__in=["suspended", "retired", "abandoned"])
            .first()
            if extensions.may_have_rows(use_case, "transitions")
            else None
        )
        reached = lc.Status(last.from_status) if last else lc.Status.IDEA
        if status is lc.Status.SUSPENDED and facts.suspended_from:
            reached = facts.suspended_from
    index = MAIN_PATH.index(reached) if reached in MAIN_PATH else 0
    nxt = MAIN_PATH[index + 1] if index + 1 < len(MAIN_PATH) and not off_path else None
    return {
        "current": index + 1,
        "total": len(MAIN_PATH),
        "label": status_label(status),
        "reached_label": status_label(reached),
        "off_path": off_path,
        "next_label": status_label(nxt) if nxt else "",
        "steps": [
            {
                "label": status_label(s),
                "done": i < index,
                "current": i == index,
            }
            for i, s in enumerate(MAIN_PATH)
        ],
    }


def _gate_data(request: HttpRequest, use_case: Any) -> selectors.UseCaseGateData:
    absent = [name for name in selectors.GATE_ROWS if not extensions.may_have_rows(use_case, name)]
    return extensions.request_memo(  # type: ignore[no-any-return]
        request,
        ("lifecycle-gates", use_case.pk),
        lambda: selectors.usecase_gate_data(use_case, absent=absent),
    )


def lifecycle_panel(request: HttpRequest, use_case: Any) -> dict[str, Any] | None:
    roles = perms.roles_for(actor_of(request), use_case.organisation)
    data = _gate_data(request, use_case)
    facts = data.facts
    transitions = []
    for t in lc.available_transitions(use_case.status, roles):
        # A placeholder reason: the gates are what the panel must show before anything is typed.
        refusals = [
            r
            for r in lc.check_transition(use_case.status, t.name, roles, facts, reason="—")
            if r.code != "reason_required"
        ]
        target = lc.resolve_target(t, facts)
        transitions.append(
            {
                "t": t,
                "refusals": refusals,
                "target": status_label(target) if target else gettext_lazy("statut d'avant la suspension"),
            }
        )
    compliance = data.compliance
    qualification = data.qualification
    return {
        "stepper": _stepper(use_case, facts),
        "transitions": transitions,
        "log": (
            list(selectors.transition_log(use_case)[:50])
            if extensions.may_have_rows(use_case, "transitions")
            else []
        ),
        "facts": facts,
        "compliance": compliance,
        "dpia_contradiction": bool(compliance.pk and selectors.dpia_contradiction(compliance)),
        "qualification": qualification,
        "category_label": AI_ACT_LABELS_FR.get(qualification.category or "", qualification.category),
        "can_compliance": perms.can(actor_of(request), Action.USECASE_QUALIFY, use_case.organisation),
    }


def priority_panel(request: HttpRequest, use_case: Any) -> dict[str, Any] | None:
    assessment = _gate_data(request, use_case).assessment
    can_assess = perms.can(actor_of(request), Action.USECASE_PRIORITISE, use_case.organisation)
    if assessment is None and not can_assess:
        return None
    context: dict[str, Any] = {"assessment": assessment, "can_assess": can_assess}
    if assessment is not None:
        profile = selectors.national_profile()[0]
        item = prio.PriorityItem(
            id=selectors.item_id(use_case.pk),
            scores=assessment.criterion_scores(),
            people_reached=assessment.people_reached,
        )
        context["result"] = prio.score_item(item, profile)
        context["missing"] = [criterion_label(c) for c in context["result"].missing]
    return context


def charters_panel(request: HttpRequest, use_case: Any) -> dict[str, Any] | None:
    assessments = (
        {a.principle_id: a for a in CharterAssessment.objects.filter(use_case=use_case)}
        if extensions.may_have_rows(use_case, "charter_assessments")
        else {}
    )
    charters = []
    for charter in selectors.charters_cached():
        principles = list(charter.principles.all())
        rows: list[dict[str, Any]] = [
            {"principle": p, "assessment": assessments.get(p.pk)} for p in principles
        ]
        levels = [assessments[p.pk].level for p in principles if p.pk in assessments]
        counts = {level: levels.count(level) for level in AssessmentLevel.values}
        charters.append(
            {
                "charter": charter,
                "rows": rows,
                "counts": counts,
                "assessed": sum(1 for r in rows if r["assessment"]),
            }
        )
    return {
        "charters": charters,
        "can_edit": perms.can(actor_of(request), Action.USECASE_EDIT, use_case.organisation),
    }


def experiments_tab(request: HttpRequest, use_case: Any) -> dict[str, Any] | None:
    return {
        "experiments": list(use_case.experiments.order_by("-start_date", "-id").prefetch_related("kpis")),
        "can_edit": perms.can(actor_of(request), Action.EXPERIMENT_EDIT, use_case.organisation),
    }


def register() -> None:
    # The rows of the record the panels read (one EXISTS each in the page's query on the record).
    # "qualifications" is registered by the qualification card.
    extensions.register_row_flag("transitions", StatusTransition)
    extensions.register_row_flag("charter_assessments", CharterAssessment)
    extensions.register_row_flag("compliance_record", ComplianceRecord)
    extensions.register_row_flag("priority_assessment", PriorityAssessment)
    extensions.register_row_flag("experiments", Experiment)
    extensions.register_panel(
        "lifecycle",
        "lifecycle/panel_lifecycle.html",
        lifecycle_panel,
        order=10,
        anchor="cycle-de-vie-titre",
        title=gettext_lazy("Cycle de vie"),
    )
    extensions.register_panel(
        "charters",
        "lifecycle/panel_charters.html",
        charters_panel,
        order=60,
        anchor="chartes-titre",
        title=gettext_lazy("Auto-évaluation au regard des chartes"),
    )
    extensions.register_panel(
        "priority", "lifecycle/panel_priority.html", priority_panel, order=10, column="side"
    )
    extensions.register_tab(
        "experimentations",
        gettext_lazy("Expérimentations"),
        "lifecycle/tab_experiments.html",
        experiments_tab,
        order=20,
    )
    extensions.register_nav(
        gettext_lazy("Portefeuille"), "lifecycle_portfolio", order=40, match_prefix="/portefeuille/"
    )
    extensions.register_nav(gettext_lazy("À faire"), "lifecycle_inbox", order=45, match_prefix="/a-faire/")
