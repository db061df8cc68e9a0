"""Reads of qualifications, scoped to what the user may see (a forbidden record is simply absent).

``latest_result(use_case)`` is the contract other modules rely on (the lifecycle gates): the engine's
output of the latest completed version, or ``None`` when the use case has never been qualified.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet

from atlasia.accounts.actor import ActorLike
from atlasia.core.qualification import CURRENT_LAW_VERSION
from atlasia.registry.models import UseCase
from atlasia.registry.selectors import usecases_visible_to

from .enums import Category
from .models import Qualification, QualificationDraft


def latest_qualification(use_case: UseCase) -> Qualification | None:
    """The latest completed version of ``use_case``, or ``None``."""
    return (
        Qualification.objects.filter(use_case=use_case)
        .select_related("completed_by")
        .order_by("-version")
        .first()
    )


@dataclass(frozen=True)
class QualificationRef:
    """The latest completed qualification, as other domains read it (compliance file, obligations)."""

    use_case_id: int
    version: int
    law_version: str
    category: str
    result: dict[str, Any]
    completed_at: dt.datetime
    completed_by: str


def latest_ref(use_case: UseCase) -> QualificationRef | None:
    """The latest completed qualification of ``use_case`` as a frozen record, or ``None``."""
    latest = latest_qualification(use_case)
    if latest is None:
        return None
    return QualificationRef(
        use_case_id=use_case.pk,
        version=latest.version,
        law_version=latest.law_version,
        category=latest.category,
        result=dict(latest.result),
        completed_at=latest.completed_at,
        completed_by=str(latest.completed_by) if latest.completed_by else "système",
    )


def refs_of(use_case: UseCase) -> list[QualificationRef]:
    """Every completed version of ``use_case``, the first first."""
    return [
        QualificationRef(
            use_case_id=use_case.pk,
            version=q.version,
            law_version=q.law_version,
            category=q.category,
            result=dict(q.result) if isinstance(q.result, dict) else {},
            completed_at=q.completed_at,
            completed_by=str(q.completed_by) if q.completed_by else "système",
        )
        for q in versions_of(use_case).order_by("version")
    ]


@dataclass(frozen=True)
class AiActSummary:
    """What other domains read of a use case's latest completed qualification (the lifecycle's gates,
    the portfolio, the publication dashboards and reports). ``NOT_QUALIFIED`` when it never was."""

    completed: bool  # a category other than « undetermined » and no unanswered question
    category: str | None  # a :class:`~atlasia.qualification.enums.Category` code
    fria_required: bool
    registration_required: bool
    dpia: str | None  # the engine's GDPR conclusion: "required", "recommended", "not_required"…

    @property
    def category_label(self) -> str:
        return str(Category(self.category).label) if self.category in Category.values else ""


NOT_QUALIFIED = AiActSummary(
    completed=False, category=None, fria_required=False, registration_required=False, dpia=None
)


def _dig(data: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def summary_of_result(result: dict[str, Any] | None) -> AiActSummary:
    """The summary of one engine output (docs/qualification.md, « Résultat »); ``NOT_QUALIFIED`` for
    ``None``."""
    if result is None:
        return NOT_QUALIFIED
    category = _dig(result, "ai_act", "category")
    missing = _dig(result, "ai_act", "missing") or []
    dpia = _dig(result, "gdpr", "dpia")
    return AiActSummary(
        # An "undetermined" category or unanswered questions mean the questionnaire is not finished.
        completed=bool(category) and category != "undetermined" and not missing,
        category=category if isinstance(category, str) else None,
        fria_required=_dig(result, "ai_act", "fria_required") is True,
        registration_required=_dig(result, "ai_act", "registration", "required") is True,
        dpia=dpia if isinstance(dpia, str) else None,
    )


def ai_act_summary_of(use_case: UseCase) -> AiActSummary:
    """The summary of ``use_case``'s latest completed qualification (``NOT_QUALIFIED`` when none)."""
    return summary_of_result(latest_result(use_case))


def ai_act_summaries_for(use_case_ids: Iterable[int]) -> dict[int, AiActSummary]:
    """``{use_case_id: summary}`` of the latest completed qualification of each use case that has one
    (one query; a use case never qualified is absent)."""
    rows = (
        Qualification.objects.filter(use_case_id__in=list(use_case_ids))
        .order_by("use_case_id", "version")
        .values_list("use_case_id", "result")
    )
    return {use_case_id: summary_of_result(result) for use_case_id, result in rows}  # the latest wins


def latest_result(use_case: UseCase) -> dict[str, Any] | None:
    """The engine's output (docs/qualification.md, « Résultat ») of the latest completed version, or
    ``None``."""
    latest = (
        Qualification.objects.filter(use_case=use_case).order_by("-version").values_list("result", flat=True)
    )
    return next(iter(latest[:1]), None)


def versions_of(use_case: UseCase) -> QuerySet[Qualification]:
    return Qualification.objects.filter(use_case=use_case).select_related("completed_by").order_by("-version")


def version_of(use_case: UseCase, version: int) -> Qualification | None:
    return versions_of(use_case).filter(version=version).first()


def draft_answers(use_case: UseCase) -> dict[str, Any]:
    """The draft's answers; without a draft, the latest version's answers (to revise them)."""
    draft = QualificationDraft.objects.filter(use_case=use_case).values_list("answers", flat=True).first()
    if draft is not None:
        return dict(draft)
    latest = latest_qualification(use_case)
    return dict(latest.answers) if latest else {}


def draft_of(use_case: UseCase) -> QualificationDraft | None:
    return QualificationDraft.objects.filter(use_case=use_case).select_related("updated_by").first()


def is_outdated(qualification: Qualification | None) -> bool:
    """« À revoir »: computed under an older law version than the current one."""
    return qualification is not None and qualification.law_version != CURRENT_LAW_VERSION


def latest_qualifications_visible_to(user: ActorLike | None) -> QuerySet[Qualification]:
    """The latest version of every use case the user may read."""
    return (
        Qualification.objects.latest_per_use_case()
        .filter(use_case__in=usecases_visible_to(user))
        .select_related("use_case", "use_case__organisation")
    )


def to_review(qs: QuerySet[Qualification]) -> QuerySet[Qualification]:
    """The records of ``qs`` qualified under an older law version (flag « à revoir »)."""
    return qs.exclude(law_version=CURRENT_LAW_VERSION)


@dataclass(frozen=True)
class PortfolioCounts:
    total_visible: int
    qualified: int
    not_qualified: int
    to_review: int
    by_category: list[tuple[str, str, int]]  # (code, label, count), every category in display order

    def as_dict(self) -> dict[str, int]:
        return {code: n for code, _label, n in self.by_category}


def portfolio_counts(user: ActorLike | None, category: str | None = None) -> PortfolioCounts:
    """Counts by AI Act category of the latest qualification of every use case the user may read.

    With ``category``, only that category is counted (the other counts are zero).
    """
    latest = latest_qualifications_visible_to(user)
    qualified_all = latest.count()
    if category:
        latest = latest.filter(category=category)
    counted = dict(
        latest.order_by().values_list("category").annotate(n=Count("id")).values_list("category", "n")
    )
    by_category = [(c.value, str(c.label), counted.get(c.value, 0)) for c in Category]
    visible = usecases_visible_to(user).count()
    return PortfolioCounts(
        total_visible=visible,
        qualified=sum(counted.values()),
        not_qualified=visible - qualified_all,
        to_review=to_review(latest).count(),
        by_category=by_category,
    )


@dataclass(frozen=True)
class DueObligation:
    date: dt.date
    article: str
    title_fr: str
    obligation_id: str
    role: str
    use_case: UseCase
    qualification: Qualification
    category: str

    @property
    def applicable(self) -> bool:
        """Already applicable on today's date."""
        return self.date <= dt.date.today()


def obligations_due(
    user: ActorLike | None,
    until: dt.date | None = None,
    *,
    since: dt.date | None = None,
    category: str | None = None,
) -> list[DueObligation]:
    """Dated obligations of the latest qualification of every visible use case, by date then use case.

    ``until``/``since`` bound the dates (inclusive); an obligation without a date in the law version
    (``applies_from`` null) is left out: it has no due date to show.
    """
    latest = latest_qualifications_visible_to(user)
    if category:
        latest = latest.filter(category=category)
    rows: list[DueObligation] = []
    for qualification in latest:
        for item in (qualification.result.get("ai_act") or {}).get("obligations") or []:
            when = item.get("applies_from")
            if not when:
                continue
            day = dt.date.fromisoformat(when)
            if (until and day > until) or (since and day < since):
                continue
            rows.append(
                DueObligation(
                    date=day,
                    article=item.get("article", ""),
                    title_fr=item.get("title_fr", ""),
                    obligation_id=item.get("id", ""),
                    role=item.get("role", ""),
                    use_case=qualification.use_case,
                    qualification=qualification,
                    category=qualification.category,
                )
            )
    rows.sort(key=lambda r: (r.date, r.use_case.title.lower(), r.use_case.pk, r.article))
    return rows


# --- what the public register shows of a qualification --------------------------------------------


@dataclass(frozen=True)
class PublicQualification:
    """The part of the latest qualification a public record shows (``publication.public``): the AI Act
    category, the GDPR legal basis and the impact assessments the engine asks for. The answers
    themselves and the rest of the result stay internal."""

    version: int
    category: str
    category_label: str
    law_version: str
    completed_at: dt.datetime
    legal_basis: str  # GDPR Art. 6(1) answer code, "" when not answered
    legal_basis_label: str  # e.g. « Mission d'intérêt public (e) »
    special_category_exception: str  # GDPR Art. 9(2) answer code, "" when none
    special_category_exception_label: str
    dpia: str  # required | recommended | not_required | undetermined | ""
    fria_required: bool
    annex3_points: tuple[str, ...]  # e.g. ("annex3_5a",)


def _option_label(question_id: str, code: Any) -> str:
    from atlasia.core.qualification import QUESTIONS_BY_ID

    question = QUESTIONS_BY_ID.get(question_id)
    if question is None or not isinstance(code, str):
        return ""
    return next((o.label_fr for o in question.options if o.id == code), "")


def public_qualifications(use_case_ids: list[int]) -> dict[int, PublicQualification]:
    """The public part of the latest qualification of each of these use cases (absent: never qualified)."""
    labels = {str(c.value): str(c.label) for c in Category}
    out: dict[int, PublicQualification] = {}
    rows = (
        Qualification.objects.filter(use_case_id__in=use_case_ids)
        .order_by("use_case_id", "version")
        .values_list("use_case_id", "version", "category", "law_version", "completed_at", "answers", "result")
    )
    for uc_id, version, category, law_version, completed_at, answers, result in rows:  # later versions win
        answers = answers if isinstance(answers, dict) else {}
        result = result if isinstance(result, dict) else {}
        ai_act = result.get("ai_act") or {}
        gdpr = result.get("gdpr") or {}
        basis = answers.get("legal_basis") if isinstance(answers.get("legal_basis"), str) else ""
        exception = answers.get("art9_exception") if isinstance(answers.get("art9_exception"), str) else ""
        out[uc_id] = PublicQualification(
            version=version,
            category=category,
            category_label=labels.get(category, category),
            law_version=law_version,
            completed_at=completed_at,
            legal_basis=basis or "",
            legal_basis_label=_option_label("legal_basis", basis),
            special_category_exception=exception or "",
            special_category_exception_label=_option_label("art9_exception", exception),
            dpia=str(gdpr.get("dpia") or ""),
            fria_required=bool(ai_act.get("fria_required")),
            annex3_points=tuple(b for b in ai_act.get("bases") or [] if str(b).startswith("annex3_")),
        )
    return out
