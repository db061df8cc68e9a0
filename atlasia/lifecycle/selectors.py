"""Reads of the lifecycle app, scoped to what the user may see or do.

The gates need facts that other domains own (the qualification's result): they are read through the
qualification's typed selector (:func:`qualification_of`, a frozen :class:`AiActSummary`) and gathered
in one place, :func:`usecase_facts`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.cache import cache
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from atlasia.accounts import perms
from atlasia.accounts.actor import ActorLike, as_actor
from atlasia.accounts.models import ReviewerScope
from atlasia.core import lifecycle as lc
from atlasia.core import prioritisation as prio
from atlasia.core.roles import Action
from atlasia.qualification import selectors as qualification_selectors
from atlasia.qualification.documents import DeployerFacts
from atlasia.qualification.selectors import AiActSummary
from atlasia.registry import selectors as registry_selectors
from atlasia.registry.enums import Status
from atlasia.registry.models import Organisation, UseCase

from .enums import DpiaDecision, ExperimentDecision, ProfileScope
from .models import (
    Charter,
    ComplianceRecord,
    Experiment,
    PriorityAssessment,
    StatusTransition,
    WeightProfile,
)

# --- qualification (owned by atlasia.qualification) -------------------------------------------------


def qualification_of(use_case: UseCase) -> AiActSummary:
    """What the gates read of the latest completed qualification (``NOT_QUALIFIED`` when there is none,
    which keeps the qualification gates closed)."""
    return qualification_selectors.ai_act_summary_of(use_case)


def dpia_contradiction(record: ComplianceRecord) -> str:
    """Why the DPO's DPIA decision contradicts the latest qualification, in French ("" when it does not).

    Deciding « non requise » while the questionnaire concludes that a DPIA is *required* (GDPR Art. 35(1)
    and (3), CNIL list, two EDPB criteria) needs written reasons; a stricter decision does not.
    """
    if record.dpia_decision != DpiaDecision.NOT_REQUIRED:
        return ""
    if qualification_of(record.use_case).dpia != "required":
        return ""
    return (
        "La qualification conclut qu'une AIPD est requise (RGPD, art. 35) : justifiez par écrit la décision "
        "« AIPD non requise » ; la justification figure sur la fiche et dans le dossier de conformité."
    )


# --- facts for the gates -----------------------------------------------------------------------------


def compliance_of(use_case: UseCase) -> ComplianceRecord:
    """The compliance record of the use case (an unsaved empty one when none exists yet)."""
    try:
        return ComplianceRecord.objects.get(use_case=use_case)
    except ComplianceRecord.DoesNotExist:
        return ComplianceRecord(use_case=use_case)


def latest_experiment(use_case: UseCase) -> Experiment | None:
    return use_case.experiments.order_by("-start_date", "-id").first()


def assessment_of(use_case: UseCase) -> PriorityAssessment | None:
    return PriorityAssessment.objects.filter(use_case=use_case).first()


def suspended_from(use_case: UseCase) -> lc.Status | None:
    """For a suspended use case, the status it was suspended from (read from the transition log)."""
    last = (
        StatusTransition.objects.filter(use_case=use_case, to_status=Status.SUSPENDED)
        .order_by("-at", "-id")
        .first()
    )
    if last is None:
        return None
    try:
        return lc.Status(last.from_status)
    except ValueError:
        return None


@dataclass(frozen=True)
class UseCaseGateData:
    """The facts of the gates and the rows they were read from (the use-case page shows both: read
    once per page)."""

    facts: lc.UseCaseFacts
    compliance: ComplianceRecord
    assessment: PriorityAssessment | None
    qualification: AiActSummary


#: What :func:`usecase_gate_data` can be told the record lacks (``absent``).
GATE_ROWS = ("qualifications", "compliance_record", "priority_assessment", "experiments")


def usecase_gate_data(use_case: UseCase, *, absent: Iterable[str] = ()) -> UseCaseGateData:
    """``absent``: names of :data:`GATE_ROWS` the caller knows the record has no row in (the record
    page reads that in its one query on the record): read as none without a query."""
    absent = set(absent)
    qualification = (
        qualification_selectors.summary_of_result(None)
        if "qualifications" in absent
        else qualification_of(use_case)
    )
    compliance = (
        ComplianceRecord(use_case=use_case) if "compliance_record" in absent else compliance_of(use_case)
    )
    assessment = None if "priority_assessment" in absent else assessment_of(use_case)
    facts = usecase_facts(
        use_case,
        qualification=qualification,
        compliance=compliance,
        assessment=assessment,
        experiment=None if "experiments" in absent else _UNSET,
    )
    return UseCaseGateData(facts, compliance, assessment, qualification)


_UNSET: Any = object()


def usecase_facts(
    use_case: UseCase,
    *,
    qualification: AiActSummary | None = None,
    compliance: ComplianceRecord | None = None,
    assessment: Any = _UNSET,
    experiment: Any = _UNSET,
) -> lc.UseCaseFacts:
    """What the core's gates need, built from the database.

    * qualification: :func:`qualification_of` (not qualified when unknown);
    * DPIA decision and completion, FRIA completion, registration reference: :class:`ComplianceRecord`;
    * priority score: a complete :class:`PriorityAssessment`;
    * evaluation and decision: the latest :class:`Experiment` (``results_summary`` filled = an
      evaluation is recorded).
    """
    q = qualification if qualification is not None else qualification_of(use_case)
    compliance = compliance if compliance is not None else compliance_of(use_case)
    assessment = assessment_of(use_case) if assessment is _UNSET else assessment
    experiment = latest_experiment(use_case) if experiment is _UNSET else experiment
    return lc.UseCaseFacts(
        has_completed_qualification=q.completed,
        ai_act_category=q.category,
        fria_required=q.fria_required,
        fria_completed=compliance.fria_completed_at is not None,
        registration_required=q.registration_required,
        registration_reference=compliance.registration_reference or None,
        processes_health_data=use_case.health_data,
        personal_data=use_case.personal_data,
        dpia_decision_recorded=compliance.dpia_decision or None,
        dpia_completed=compliance.dpia_completed_at is not None,
        has_priority_score=bool(assessment and assessment.is_complete),
        has_evaluation=bool(experiment and experiment.results_summary.strip()),
        experiment_decision=(experiment.decision or None) if experiment else None,
        suspended_from=suspended_from(use_case) if use_case.status == Status.SUSPENDED else None,
    )


def transition_log(use_case: UseCase) -> QuerySet[StatusTransition]:
    return StatusTransition.objects.filter(use_case=use_case).select_related("actor").order_by("-at", "-id")


# --- experiments -------------------------------------------------------------------------------------


def experiments_visible_to(user: ActorLike | None) -> QuerySet[Experiment]:
    """Experiments follow their use case's visibility (publication level): a stopped experiment of a
    shared use case stays readable by the network, as the library of failures asks."""
    return Experiment.objects.filter(
        use_case__in=registry_selectors.usecases_visible_to(user)
    ).select_related("use_case", "use_case__organisation")


def experiments_editable_by(user: ActorLike | None) -> QuerySet[Experiment]:
    return Experiment.objects.filter(
        use_case__in=registry_selectors.usecases_for(user, Action.EXPERIMENT_EDIT)
    ).select_related("use_case", "use_case__organisation")


def experiments_of(use_case: UseCase) -> QuerySet[Experiment]:
    """The experiments of ``use_case`` in chronological order (the API serialises them)."""
    return Experiment.objects.filter(use_case=use_case).order_by("start_date", "pk")


def experiment_choices(use_case: UseCase) -> list[tuple[int, str]]:
    """(id, title) of the experiments of ``use_case``, the latest first (to attach an evaluation to)."""
    return list(
        Experiment.objects.filter(use_case=use_case).order_by("-start_date").values_list("pk", "title")
    )


def experiment_title(experiment_id: int | None) -> str:
    """The title of an experiment (``""`` when there is none)."""
    if experiment_id is None:
        return ""
    return str(Experiment.objects.filter(pk=experiment_id).values_list("title", flat=True).first() or "")


def experiment_belongs_to(use_case: UseCase, experiment_id: int) -> bool:
    return Experiment.objects.filter(pk=experiment_id, use_case=use_case).exists()


@dataclass(frozen=True)
class ExperimentSummary:
    """An experiment as the publication's reports show it (descriptive fields only)."""

    use_case_id: int
    title: str
    objective: str
    start_date: date
    end_date: date | None
    decision: str
    decision_label: str
    results_summary: str
    what_worked: str
    what_did_not: str


def experiments_for(use_case_ids: Iterable[int]) -> list[ExperimentSummary]:
    """The experiments of these use cases, by use case then in the order they were recorded."""
    labels = dict(ExperimentDecision.choices)
    return [
        ExperimentSummary(
            use_case_id=e.use_case_id,
            title=e.title,
            objective=e.objective,
            start_date=e.start_date,
            end_date=e.end_date,
            decision=e.decision,
            decision_label=str(labels.get(e.decision, e.decision)) if e.decision else "",
            results_summary=e.results_summary,
            what_worked=e.what_worked,
            what_did_not=e.what_did_not,
        )
        for e in Experiment.objects.filter(use_case_id__in=list(use_case_ids)).order_by("use_case_id", "pk")
    ]


def experiment_decisions_for(use_case_ids: Iterable[int]) -> dict[int, str]:
    """``{use_case_id: decision code}`` of the latest experiment that records a decision, per use case."""
    rows = (
        Experiment.objects.filter(use_case_id__in=list(use_case_ids))
        .exclude(decision="")
        .order_by("pk")
        .values_list("use_case_id", "decision")
    )
    return dict(rows)  # later rows win: the latest decision


# --- prioritisation ----------------------------------------------------------------------------------


def national_profile() -> tuple[prio.WeightProfile, WeightProfile | None]:
    """The national profile (the stored one, or the core's default when none is stored)."""
    stored = WeightProfile.objects.filter(scope=ProfileScope.NATIONAL).first()
    return (stored.to_core() if stored else prio.NATIONAL_DEFAULT_PROFILE), stored


def organisation_profile(organisation: Organisation) -> WeightProfile | None:
    return WeightProfile.objects.filter(scope=ProfileScope.ORGANISATION, organisation=organisation).first()


def can_edit_national_weights(user: ActorLike | None) -> bool:
    """The national profile is the national team's (``weights.edit`` at the network level)."""
    return as_actor(user).is_national_team


def organisations_weights_editable_by(user: ActorLike | None) -> QuerySet[Organisation]:
    """Organisations whose weight profile the user may edit: through a *membership* role holding
    WEIGHTS_EDIT (organisation administrators), or any as platform administrator. The national team
    holds WEIGHTS_EDIT for the national profile, not for each organisation's own choices."""
    return registry_selectors.organisations_for(user, Action.WEIGHTS_EDIT)


def item_id(use_case_id: int) -> str:
    # Zero-padded so that the core's tie-break on ids (string order) is the numeric order.
    return f"{use_case_id:09d}"


@dataclass
class PortfolioRow:
    use_case: UseCase
    item: prio.PriorityItem
    assessment: PriorityAssessment
    result: prio.ScoreResult | None = None
    rank: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)


UNRANKED_STATUSES = (Status.ABANDONED, Status.SUSPENDED, Status.RETIRED)


def portfolio_unranked_count(user: ActorLike | None, organisation: Organisation | None = None) -> int:
    qs = registry_selectors.usecases_visible_to(user).filter(
        priority_assessment__isnull=False, status__in=UNRANKED_STATUSES
    )
    if organisation is not None:
        qs = qs.filter(organisation=organisation)
    return qs.count()


def portfolio_rows(user: ActorLike | None, organisation: Organisation | None = None) -> list[PortfolioRow]:
    """Scored use cases the user may see (of ``organisation`` only, when given), as core items."""
    # Abandoned, suspended and retired systems are not candidates for investment: they are not ranked.
    qs = (
        registry_selectors.usecases_visible_to(user)
        .filter(priority_assessment__isnull=False)
        .exclude(status__in=UNRANKED_STATUSES)
    )
    if organisation is not None:
        qs = qs.filter(organisation=organisation)
    rows = []
    use_cases = list(qs.select_related("organisation", "priority_assessment").order_by("pk"))
    qualified = qualification_selectors.ai_act_summaries_for(u.pk for u in use_cases)
    for use_case in use_cases:
        assessment = use_case.priority_assessment
        category = qualified.get(use_case.pk, qualification_selectors.NOT_QUALIFIED).category
        item = prio.PriorityItem(
            id=item_id(use_case.pk),
            scores=assessment.criterion_scores(),
            people_reached=assessment.people_reached,
            ai_act_category=category,
            title=use_case.title,
        )
        rows.append(PortfolioRow(use_case=use_case, item=item, assessment=assessment))
    return rows


# --- charters ----------------------------------------------------------------------------------------


def charters() -> QuerySet[Charter]:
    return Charter.objects.prefetch_related("principles").order_by("position", "id")


CHARTERS_CACHE_KEY = "lifecycle:charters"


def charters_cached() -> list[Charter]:
    """:func:`charters` with their principles, from the cache (reference data shown on every use-case
    page; dropped whenever a charter or a principle changes: apps.py)."""
    cached = cache.get(CHARTERS_CACHE_KEY)
    if cached is None:
        cached = list(charters())
        for charter in cached:
            list(charter.principles.all())  # the prefetched principles travel with the charters
        cache.set(CHARTERS_CACHE_KEY, cached, 3600)
    return cached  # type: ignore[no-any-return]


def charters_cache_clear(*args: Any, **kwargs: Any) -> None:
    cache.delete(CHARTERS_CACHE_KEY)


# --- inbox -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class InboxItem:
    kind: str  # the key of its InboxSection: "stale", "dpia_decision", "incident_report", …
    label: str
    use_case: UseCase | None  # None for work about an organisation (a campaign to answer)
    due: date | None = None
    url_name: str = "usecase_detail"
    url_args: tuple[Any, ...] = ()
    overdue: bool = False
    detail: str = ""  # e.g. an incident's countdown
    organisation_name: str = ""  # shown when the item is about an organisation, not a use case

    @property
    def url(self) -> str:
        return reverse(self.url_name, args=self.url_args)


@dataclass(frozen=True)
class InboxSection:
    key: str
    title: Any  # lazy translation
    help: Any
    order: int


InboxSource = Callable[[Any, date], list[InboxItem]]

# The inbox gathers work from every domain. A domain contributes a section and a source (a function
# ``(user, today) -> items``) from its AppConfig.ready() with register_inbox_source: the lifecycle does
# not import the domains that feed it (no import cycle, no reflection).
_SECTIONS: dict[str, InboxSection] = {}
_SOURCES: list[InboxSource] = []


def register_inbox_source(sections: list[InboxSection], source: InboxSource) -> None:
    for section in sections:
        _SECTIONS[section.key] = section
    if source not in _SOURCES:
        _SOURCES.append(source)


def inbox_sections() -> list[InboxSection]:
    return sorted(_SECTIONS.values(), key=lambda s: (s.order, s.key))


def _pending_dpia(user: ActorLike | None) -> QuerySet[UseCase]:
    """Use cases on personal health data, heading for experimentation, with no DPO decision."""
    before_experiment = [Status.FRAMING, Status.QUALIFIED, Status.PRIORITISED]
    decided = ComplianceRecord.objects.filter(
        dpia_decision__in=[DpiaDecision.REQUIRED, DpiaDecision.NOT_REQUIRED]
    ).values("use_case_id")
    return (
        registry_selectors.usecases_for(user, Action.USECASE_QUALIFY)
        .filter(personal_data=True, health_data=True, status__in=before_experiment)
        .exclude(pk__in=decided)
    )


def inbox_for(user: ActorLike | None, today: date) -> list[InboxItem]:
    """Everything the user has to do: the lifecycle's own items and those of every registered source
    (incidents, obligations, alerts…), overdue first, then by due date."""
    items: list[InboxItem] = []
    for source in _SOURCES:
        items += source(user, today)
    items.sort(key=lambda i: (not i.overdue, i.due is None, i.due or today))
    return items


def lifecycle_inbox(user: ActorLike | None, today: date) -> list[InboxItem]:
    """The lifecycle's part of the inbox: her stale records (review date passed) and the pending decisions.

    Scoped to the organisations where she may act (a record she may only read is not her task):
    * stale records: use cases she may move through the lifecycle or edit, whose ``next_review_date``
      is today or earlier;
    * DPIA decisions to take (DPO, referents): see :func:`_pending_dpia`;
    * experiments whose end date has passed and that have no decision (those who document them);
    * qualified use cases without a complete scorecard (those who prioritise).
    """
    items: list[InboxItem] = []
    actionable = registry_selectors.usecases_for(
        user, Action.USECASE_TRANSITION
    ) | registry_selectors.usecases_for(user, Action.USECASE_EDIT)
    stale = (
        actionable.filter(next_review_date__lte=today)
        .exclude(status__in=[Status.RETIRED, Status.ABANDONED])
        .select_related("organisation")
        .distinct()
        .order_by("next_review_date", "pk")
    )
    items += [
        InboxItem(
            "stale",
            _("Fiche à revoir (date de revue dépassée)"),
            uc,
            uc.next_review_date,
            url_args=(uc.pk,),
            overdue=bool(uc.next_review_date and uc.next_review_date < today),
        )
        for uc in stale
    ]
    if perms.is_platform_admin(user) or perms.organisation_ids_with(user, Action.USECASE_QUALIFY):
        items += [
            InboxItem(
                "dpia_decision",
                _("Décision sur l'AIPD à prendre"),
                uc,
                url_name="lifecycle_compliance",
                url_args=(uc.pk,),
            )
            for uc in _pending_dpia(user).select_related("organisation").order_by("pk")
        ]
    experiments = (
        experiments_editable_by(user)
        .filter(end_date__lt=today, decision="")
        .exclude(use_case__status__in=[Status.RETIRED, Status.ABANDONED])
        .order_by("end_date", "pk")
    )
    items += [
        InboxItem(
            "experiment_decision",
            _("Décision à enregistrer sur l'expérimentation « %(title)s »") % {"title": e.title},
            e.use_case,
            e.end_date,
            url_name="lifecycle_experiment_edit",
            url_args=(e.pk,),
        )
        for e in experiments
    ]
    complete_ids = [
        a.use_case_id
        for a in PriorityAssessment.objects.filter(use_case__status=Status.QUALIFIED)
        if a.is_complete
    ]
    to_score = (
        registry_selectors.usecases_to_do(user, Action.USECASE_PRIORITISE)
        .filter(status=Status.QUALIFIED)
        .exclude(pk__in=complete_ids)
        .select_related("organisation")
        .order_by("pk")
    )
    items += [
        InboxItem(
            "scoring",
            _("Grille de priorisation à compléter"),
            uc,
            url_name="lifecycle_assess",
            url_args=(uc.pk,),
        )
        for uc in to_score
    ]
    return items


register_inbox_source(
    [
        InboxSection(
            "stale",
            gettext_lazy("Fiches à revoir"),
            gettext_lazy(
                "La date de revue est passée : vérifiez que la fiche est à jour et faites-la avancer, "
                "ou confirmez son étape."
            ),
            20,
        ),
        InboxSection(
            "dpia_decision",
            gettext_lazy("Décisions sur l'analyse d'impact (AIPD)"),
            gettext_lazy(
                "Cas d'usage sur des données de santé qui attendent la décision du DPO avant toute "
                "expérimentation."
            ),
            30,
        ),
        InboxSection(
            "experiment_decision",
            gettext_lazy("Décisions d'expérimentation"),
            gettext_lazy("Expérimentations terminées sans décision (généraliser, itérer ou arrêter)."),
            40,
        ),
        InboxSection(
            "scoring",
            gettext_lazy("Grilles de priorisation à compléter"),
            gettext_lazy("Cas d'usage qualifiés qui attendent leur notation."),
            50,
        ),
    ],
    lifecycle_inbox,
)


def reminder_recipients() -> QuerySet[Any]:
    """Active members of an organisation and regional or national teams (problem reports of organisations
    without members are routed to them), with an e-mail address. Platform administrators without a
    membership get no digest: their inbox would be every record of the platform."""
    from django.db.models import Q

    from atlasia.accounts.models import User

    return (
        User.objects.filter(
            Q(memberships__isnull=False)
            | Q(reviewer_scope__in=[ReviewerScope.REGIONAL, ReviewerScope.NATIONAL]),
            is_active=True,
        )
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )


@dataclass(frozen=True)
class PublicCompliance:
    """The compliance facts a public record shows: whether the DPIA is required and done, when the FRIA
    was done, the EU-database registration reference."""

    dpia_decision: str
    dpia_completed_at: date | None
    fria_completed_at: date | None
    registration_reference: str


def public_compliance(use_case_ids: list[int]) -> dict[int, PublicCompliance]:
    return {
        uc_id: PublicCompliance(dpia, dpia_done, fria_done, reference)
        for uc_id, dpia, dpia_done, fria_done, reference in ComplianceRecord.objects.filter(
            use_case_id__in=use_case_ids
        ).values_list(
            "use_case_id", "dpia_decision", "dpia_completed_at", "fria_completed_at", "registration_reference"
        )
    }


def deployer_facts(use_case_id: int) -> DeployerFacts:
    """The compliance facts the EU-database registration sheet (section C) reports, for the
    qualification's documents (``qualification.documents.build(kind, q, deployer_facts(id))``)."""
    compliance = public_compliance([use_case_id]).get(use_case_id)
    if compliance is None:
        return DeployerFacts()
    return DeployerFacts(
        registration_reference=compliance.registration_reference,
        fria_completed_at=compliance.fria_completed_at,
    )
