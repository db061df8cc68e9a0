"""Reads of the campaigns domain. Other domains read campaigns only through the frozen dataclasses
returned here (``CensusCoverage``, ``SurveyFinding``, ``last_confirmed_on``)."""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone

from atlasia.accounts.actor import ActorLike, as_actor
from atlasia.core.roles import Action
from atlasia.registry.enums import OrganisationType
from atlasia.registry.models import Organisation, UseCase
from atlasia.registry.reference import region_names

from . import perms
from .enums import CampaignKind, CampaignScope, CensusAction, QuestionKind, Verdict
from .models import (
    AgendaItem,
    Answer,
    Campaign,
    CampaignTarget,
    CensusEntry,
    CommitteeMember,
    CommitteeSession,
    Question,
)
from .services import CLOSED_STATUSES

# --- who sees which campaign -------------------------------------------------------------------------


def campaigns_managed_by(user: ActorLike | None) -> QuerySet[Campaign]:
    scope = perms.launch_scope(user)
    if scope is None:
        return Campaign.objects.none()
    if scope[0] == CampaignScope.NATIONAL:
        return Campaign.objects.all()
    return Campaign.objects.filter(scope=CampaignScope.REGIONAL, region=scope[1])


def campaigns_with_rates(user: ActorLike | None) -> list[tuple[Campaign, Rate]]:
    """The campaigns the user runs, each with its overall response rate (two counts per query)."""
    rows = campaigns_managed_by(user).annotate(
        targeted=Count("targets", distinct=True),
        answered=Count("targets", filter=Q(targets__responded_at__isnull=False), distinct=True),
    )
    return [(c, Rate("", "Total", c.targeted, c.answered)) for c in rows]  # type: ignore[attr-defined]


def targets_answerable_by(user: ActorLike | None) -> QuerySet[CampaignTarget]:
    """Targets the user may answer for: her organisations where her role answers, and her delegations."""
    actor = as_actor(user)
    if not actor.is_authenticated:
        return CampaignTarget.objects.none()
    org_ids = actor.organisation_ids_with(Action.CAMPAIGN_ANSWER)
    return (
        CampaignTarget.objects.filter(Q(organisation_id__in=org_ids) | Q(delegate_id=actor.user_id))
        .select_related("campaign", "organisation")
        .order_by("campaign__closes_on", "organisation__name")
    )


def targets_visible_to(user: ActorLike | None) -> QuerySet[CampaignTarget]:
    """Targets of the user's organisations (any member reads what was asked) and her delegations."""
    actor = as_actor(user)
    if not actor.is_authenticated:
        return CampaignTarget.objects.none()
    org_ids = actor.organisation_ids
    return CampaignTarget.objects.filter(
        Q(organisation_id__in=org_ids) | Q(delegate_id=actor.user_id)
    ).select_related("campaign", "organisation", "delegate")


def open_targets_to_answer(user: ActorLike | None, today: date) -> list[CampaignTarget]:
    """The inbox: open campaigns the user may answer and that her organisation has not answered."""
    return list(
        targets_answerable_by(user).filter(
            responded_at__isnull=True, campaign__opens_on__lte=today, campaign__closes_on__gte=today
        )
    )


# --- census ------------------------------------------------------------------------------------------


def organisation_use_cases(organisation: Organisation) -> list[UseCase]:
    return list(
        UseCase.objects.filter(organisation=organisation)
        .exclude(status__in=CLOSED_STATUSES)
        .order_by("title", "pk")
    )


@dataclass(frozen=True)
class CensusRow:
    use_case: UseCase
    action: str  # a CensusAction value, or "" while nothing was done
    at: datetime | None
    entry_id: int | None = None

    @property
    def action_label(self) -> str:
        return str(CensusAction(self.action).label) if self.action else ""


def census_rows(target: CampaignTarget) -> list[CensusRow]:
    """Each current record of the organisation with what was done with it during the census: an entry
    (confirmed…), or — counted without an entry until the answer is sent — created or edited through the
    usual forms since the opening."""
    campaign = target.campaign
    entries = {e.use_case_id: e for e in CensusEntry.objects.filter(campaign=campaign)}
    rows = []
    for use_case in organisation_use_cases(target.organisation):
        entry = entries.get(use_case.pk)
        if entry is not None:
            rows.append(CensusRow(use_case, entry.action, entry.at, entry.pk))
        elif timezone.localdate(use_case.created_at) >= campaign.opens_on:
            rows.append(CensusRow(use_case, CensusAction.DECLARED, use_case.created_at))
        elif timezone.localdate(use_case.updated_at) >= campaign.opens_on:
            rows.append(CensusRow(use_case, CensusAction.UPDATED, use_case.updated_at))
        else:
            rows.append(CensusRow(use_case, "", None))
    return rows


def last_confirmed_on(use_case_ids: Iterable[int]) -> dict[int, date]:
    """When each record was last confirmed, updated or declared in a census (records never reviewed are
    absent)."""
    rows = (
        CensusEntry.objects.filter(use_case_id__in=list(use_case_ids))
        .values("use_case_id")
        .annotate(last=Max("at"))
    )
    return {row["use_case_id"]: timezone.localdate(row["last"]) for row in rows}


def stale_use_cases(campaign: Campaign) -> QuerySet[UseCase]:
    """Records of the targeted organisations, existing by the closing date, that the census did not
    confirm (meaningful once closed)."""
    return (
        UseCase.objects.filter(
            organisation__campaign_targets__campaign=campaign, created_at__date__lte=campaign.closes_on
        )
        .exclude(status__in=CLOSED_STATUSES)
        .exclude(census_entries__campaign=campaign)
        .select_related("organisation")
        .order_by("organisation__name", "title")
    )


# --- tracking ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rate:
    key: str
    label: str
    targeted: int
    answered: int

    @property
    def percent(self) -> int:
        return round(100 * self.answered / self.targeted) if self.targeted else 0


@dataclass(frozen=True)
class Tracking:
    total: Rate
    by_region: list[Rate]
    by_type: list[Rate]
    organisations: list[CampaignTarget]


def _rates(pairs: list[tuple[str, bool]], labels: dict[str, str]) -> list[Rate]:
    targeted: Counter[str] = Counter()
    answered: Counter[str] = Counter()
    for key, done in pairs:
        targeted[key] += 1
        answered[key] += int(done)
    return sorted(
        (Rate(k, labels.get(k, k or "—"), targeted[k], answered[k]) for k in targeted),
        key=lambda r: r.label,
    )


def tracking(campaign: Campaign) -> Tracking:
    targets = list(
        campaign.targets.select_related("organisation", "delegate", "responded_by").order_by(
            "organisation__region", "organisation__name"
        )
    )
    regions = region_names()
    types = {str(value): str(label) for value, label in OrganisationType.choices}
    done = [t.responded_at is not None for t in targets]
    return Tracking(
        total=Rate("", "Total", len(targets), sum(done)),
        by_region=_rates([(t.organisation.region, d) for t, d in zip(targets, done, strict=True)], regions),
        by_type=_rates([(t.organisation.type, d) for t, d in zip(targets, done, strict=True)], types),
        organisations=targets,
    )


# --- survey results ----------------------------------------------------------------------------------


def current_questions(campaign: Campaign) -> list[Question]:
    return list(campaign.questions.filter(retired_at__isnull=True).order_by("position", "id"))


@dataclass(frozen=True)
class QuestionResult:
    question: Question
    respondents: int
    hidden: bool  # fewer respondents than the campaign's anonymity threshold
    counts: list[tuple[str, int, int]] = field(default_factory=list)  # (label, count, percent)
    mean: float | None = None
    median: float | None = None
    minimum: float | None = None
    maximum: float | None = None
    texts: list[str] = field(default_factory=list)
    versions: list[Question] = field(default_factory=list)  # earlier wordings, with their answers


def _result(question: Question, answers: list[Answer], threshold: int) -> QuestionResult:
    respondents = len({a.target_id for a in answers})
    hidden = respondents < threshold
    if hidden:
        return QuestionResult(question, respondents, True)
    values = [a.value for a in answers]
    total = len(values)
    if question.kind in (QuestionKind.CHOICE, QuestionKind.SCALE):
        options: list[Any] = question.choices if question.kind == QuestionKind.CHOICE else [1, 2, 3, 4, 5]
        counter = Counter(values)
        counts = [(str(o), counter[o], round(100 * counter[o] / total) if total else 0) for o in options]
        numbers = [float(v) for v in values] if question.kind == QuestionKind.SCALE else []
        return QuestionResult(
            question,
            respondents,
            False,
            counts=counts,
            mean=round(statistics.fmean(numbers), 1) if numbers else None,
        )
    if question.kind == QuestionKind.NUMBER:
        numbers = [float(v) for v in values]
        return QuestionResult(
            question,
            respondents,
            False,
            mean=round(statistics.fmean(numbers), 1) if numbers else None,
            median=statistics.median(numbers) if numbers else None,
            minimum=min(numbers) if numbers else None,
            maximum=max(numbers) if numbers else None,
        )
    # Free texts are shown without the organisation, in a stable order that is not the answer order.
    return QuestionResult(question, respondents, False, texts=sorted(str(v) for v in values))


def survey_results(campaign: Campaign) -> list[QuestionResult]:
    """Aggregated answers per current question, then per earlier version still holding answers."""
    by_question: dict[int, list[Answer]] = defaultdict(list)
    for answer in Answer.objects.filter(target__campaign=campaign).order_by("pk"):
        by_question[answer.question_id].append(answer)
    results = []
    questions = list(campaign.questions.order_by("position", "version", "id"))
    for question in questions:
        if question.retired_at is not None and not by_question.get(question.pk):
            continue
        results.append(_result(question, by_question.get(question.pk, []), campaign.anonymity_threshold))
    return results


def answers_of(target: CampaignTarget) -> dict[tuple[int, int | None], Any]:
    return {(a.question_id, a.use_case_id): a.value for a in target.answers.all()}


# --- typed reads for the annual report ---------------------------------------------------------------


@dataclass(frozen=True)
class CensusCoverage:
    campaign_id: int
    title: str
    closes_on: date
    targeted: int
    answered: int
    confirmed_records: int
    stale_records: int

    @property
    def percent(self) -> int:
        return round(100 * self.answered / self.targeted) if self.targeted else 0


@dataclass(frozen=True)
class SurveyFinding:
    question: str
    respondents: int
    hidden: bool
    summary: str  # one French sentence: the most chosen answer, the mean, or the number of comments


@dataclass(frozen=True)
class SurveySummary:
    campaign_id: int
    title: str
    targeted: int
    answered: int
    findings: tuple[SurveyFinding, ...]


def census_coverage(year: int, region: str = "") -> CensusCoverage | None:
    """The last national census closing in ``year`` (the cartography of that year states its coverage),
    counted over the organisations of ``region`` when one is given."""
    campaign = (
        Campaign.objects.filter(kind=CampaignKind.CENSUS, closes_on__year=year, scope=CampaignScope.NATIONAL)
        .order_by("-closes_on", "-pk")
        .first()
    )
    if campaign is None:
        return None
    targets = campaign.targets.all()
    stale = stale_use_cases(campaign)
    entries = CensusEntry.objects.filter(campaign=campaign)
    if region:
        targets = targets.filter(organisation__region=region)
        stale = stale.filter(organisation__region=region)
        entries = entries.filter(use_case__organisation__region=region)
    return CensusCoverage(
        campaign_id=campaign.pk,
        title=campaign.title,
        closes_on=campaign.closes_on,
        targeted=targets.count(),
        answered=targets.filter(responded_at__isnull=False).count(),
        confirmed_records=entries.count(),
        stale_records=stale.count(),
    )


def _summary(result: QuestionResult) -> str:
    if result.hidden:
        return "Résultat masqué : moins de répondants que le seuil d'anonymat."
    if result.counts:
        label, _count, percent = max(result.counts, key=lambda c: c[1])
        if result.question.kind == QuestionKind.SCALE:
            return f"Note moyenne {result.mean:.1f} sur 5".replace(".", ",")
        return f"Réponse la plus fréquente : « {label} » ({percent} %)"
    if result.mean is not None:
        return f"Moyenne {result.mean:g}, médiane {result.median:g}".replace(".", ",")
    return f"{len(result.texts)} commentaire(s) libre(s)"


def survey_summary(year: int) -> SurveySummary | None:
    """The last national survey opened in ``year``, with one finding per current question."""
    campaign = (
        Campaign.objects.filter(kind=CampaignKind.SURVEY, opens_on__year=year, scope=CampaignScope.NATIONAL)
        .order_by("-opens_on", "-pk")
        .first()
    )
    if campaign is None:
        return None
    targets = campaign.targets.all()
    findings = tuple(
        SurveyFinding(r.question.text, r.respondents, r.hidden, _summary(r))
        for r in survey_results(campaign)
        if r.question.retired_at is None
    )
    return SurveySummary(
        campaign_id=campaign.pk,
        title=campaign.title,
        targeted=targets.count(),
        answered=targets.filter(responded_at__isnull=False).count(),
        findings=findings,
    )


# --- the expert committee ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CommitteeOpinion:
    session: str
    held_on: date
    question: str
    verdict: str  # a Verdict value, "" while the committee has not decided
    verdict_label: str
    reasons: str
    promising: bool


def opinions_on(use_case_id: int) -> list[CommitteeOpinion]:
    """The committee's opinions on a record, newest session first (pending agenda items included)."""
    items = AgendaItem.objects.filter(use_case_id=use_case_id).select_related("session")
    return [
        CommitteeOpinion(
            session=i.session.title,
            held_on=i.session.held_on,
            question=i.question,
            verdict=i.verdict,
            verdict_label=str(Verdict(i.verdict).label) if i.verdict else "",
            reasons=i.reasons,
            promising=i.promising,
        )
        for i in items.order_by("-session__held_on", "-pk")
    ]


def promising_use_case_ids(use_case_ids: Iterable[int] | None = None) -> set[int]:
    """Records the committee labelled « prometteur à diffuser » (its latest opinion on them says so)."""
    items = AgendaItem.objects.exclude(verdict="")
    if use_case_ids is not None:
        items = items.filter(use_case_id__in=list(use_case_ids))
    latest: dict[int, tuple[date, int, bool]] = {}
    for use_case_id, held_on, pk, promising in items.values_list(
        "use_case_id", "session__held_on", "pk", "promising"
    ):
        key = (held_on, pk, promising)
        if use_case_id not in latest or key[:2] > latest[use_case_id][:2]:
            latest[use_case_id] = key
    return {uc for uc, (_d, _pk, promising) in latest.items() if promising}


def committee_sessions() -> QuerySet[CommitteeSession]:
    return CommitteeSession.objects.prefetch_related("agenda__use_case__organisation")


def committee_members() -> QuerySet[CommitteeMember]:
    return CommitteeMember.objects.filter(left_on__isnull=True).select_related("user", "organisation")


@dataclass(frozen=True)
class PromisingCase:
    use_case_id: int
    title: str
    organisation: str
    reasons: str


def promising_cases(use_case_ids: Iterable[int]) -> list[PromisingCase]:
    """The labelled records among ``use_case_ids`` with the reasons of the labelling opinion (report)."""
    ids = promising_use_case_ids(use_case_ids)
    items = (
        AgendaItem.objects.filter(use_case_id__in=ids, promising=True)
        .select_related("use_case__organisation")
        .order_by("use_case__title", "-session__held_on")
    )
    seen: dict[int, PromisingCase] = {}
    for item in items:
        seen.setdefault(
            item.use_case_id,
            PromisingCase(
                item.use_case_id, item.use_case.title, item.use_case.organisation.name, item.reasons
            ),
        )
    return list(seen.values())


@dataclass(frozen=True)
class CensusStatus:
    last_confirmed: date | None
    stale_in: str  # title of the last closed census that did not confirm the record, else ""
    stale_since: date | None


def census_status(use_case: UseCase, today: date) -> CensusStatus | None:
    """What the censuses say about a record: its last confirmation, and whether the last closed census
    of its organisation left it unconfirmed (stale). ``None`` when no census ever concerned it."""
    last = last_confirmed_on([use_case.pk]).get(use_case.pk)
    census = (
        Campaign.objects.filter(
            kind=CampaignKind.CENSUS, closes_on__lt=today, targets__organisation_id=use_case.organisation_id
        )
        .order_by("-closes_on", "-pk")
        .first()
    )
    stale = (
        census is not None
        and use_case.status not in CLOSED_STATUSES
        and timezone.localdate(use_case.created_at) <= census.closes_on
        and not CensusEntry.objects.filter(campaign=census, use_case=use_case).exists()
    )
    if last is None and census is None:
        return None
    return CensusStatus(
        last_confirmed=last,
        stale_in=census.title if stale and census else "",
        stale_since=census.closes_on if stale and census else None,
    )
