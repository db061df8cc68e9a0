"""Reads of evaluation runs, scoped like their use case: a run of a use case the user may not read is
absent from these querysets (so its pages, exports and comparisons answer 404)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from atlasia.accounts.actor import ActorLike
from atlasia.registry.selectors import usecases_visible_to

from .labels import alert_sentence
from .models import EvaluationRun, MonitoringBatch, MonitoringSeries


def runs_visible_to(user: ActorLike | None) -> QuerySet[EvaluationRun]:
    return EvaluationRun.objects.filter(use_case__in=usecases_visible_to(user)).select_related(
        "use_case", "use_case__organisation", "created_by"
    )


def runs_of_usecase(user: ActorLike | None, use_case: Any) -> QuerySet[EvaluationRun]:
    return runs_visible_to(user).filter(use_case=use_case).order_by("-version", "-created_at", "-id")


def comparable_runs(run: EvaluationRun) -> QuerySet[EvaluationRun]:
    """Other finished versions of the same use case (a comparison needs two results)."""
    return (
        EvaluationRun.objects.done()
        .filter(use_case_id=run.use_case_id)
        .exclude(pk=run.pk)
        .order_by("-version")
    )


@dataclass(frozen=True)
class EvaluationCard:
    """What a model card can say from the latest finished evaluation of a use case (aggregates only)."""

    use_case_id: int
    use_case_title: str
    version_label: str
    finished_at: datetime | None
    data: str
    performance: str
    limits: str


def latest_evaluation_card(use_case_ids: list[int]) -> EvaluationCard | None:
    """The card of the most recent finished evaluation among ``use_case_ids`` (the caller passes the use
    cases it may show, e.g. the public records running an algorithm), or ``None``."""
    run = (
        EvaluationRun.objects.done()
        .filter(use_case_id__in=use_case_ids, result__isnull=False)
        .select_related("use_case")
        .order_by("-finished_at", "-id")
        .first()
    )
    if run is None or not run.result:
        return None
    return _card(run)


def _card(run: EvaluationRun) -> EvaluationCard:
    from atlasia.core.evaluation.reading import fmt_int, fmt_number

    from .labels import label_of

    result = run.result or {}
    data = result.get("data", {})
    params = result.get("parameters", {})
    level = float(params.get("bootstrap", {}).get("level", 0.95))
    groups = ", ".join(params.get("groups") or []) or _("aucune")
    when = formats.date_format(run.finished_at, "j F Y") if run.finished_at else ""
    data_text = _(
        "Évaluée le %(date)s sur %(n)s prédictions (fichier « %(file)s »), dont %(pos)s cas positifs "
        "réels ; groupes comparés : %(groups)s."
    ) % {
        "date": when,
        "n": fmt_int(int(data.get("n_rows") or 0)),
        "file": run.file_name,
        "pos": fmt_int(int(data.get("n_positive") or 0)),
        "groups": groups,
    }

    def pct(metric: str) -> str | None:
        entry = result.get("overall", {}).get("metrics", {}).get(metric)
        if not entry or entry.get("value") is None:
            return None
        text = f"{label_of(metric)} {fmt_number(100 * entry['value'], 1)} %"
        ci = entry.get("ci")
        if ci and ci[0] is not None:
            text += f" ({fmt_number(100 * ci[0], 1)} à {fmt_number(100 * ci[1], 1)})"
        return text

    parts = [p for p in (pct(m) for m in ("accuracy", "recall", "precision", "false_positive_rate")) if p]
    auc = result.get("overall", {}).get("metrics", {}).get("roc_auc")
    if auc and auc.get("value") is not None:
        text = f"AUC ROC {fmt_number(auc['value'], 3)}"
        if auc.get("ci") and auc["ci"][0] is not None:
            text += f" ({fmt_number(auc['ci'][0], 3)} à {fmt_number(auc['ci'][1], 3)})"
        parts.append(text)
    performance = (
        _("Évaluation %(label)s, intervalles de confiance à %(level)s %% : %(parts)s.")
        % {"label": run.label, "level": fmt_number(100 * level, 0), "parts": " ; ".join(parts)}
        if parts
        else ""
    )
    limits: list[str] = []
    for g in result.get("groupings", []):
        if g.get("kind") != "marginal":
            continue
        for metric in ("recall", "false_positive_rate", "roc_auc", "mae"):
            gap = g.get("gaps", {}).get(metric)
            if not gap or not gap.get("excludes_zero"):
                continue
            limits.append(
                _("%(metric)s plus faible pour %(low)s que pour %(high)s (%(name)s), écart significatif")
                % {
                    "metric": label_of(metric),
                    "low": " · ".join(gap["low_group"]),
                    "high": " · ".join(gap["high_group"]),
                    "name": g["name"],
                }
            )
        if g.get("n_small"):
            limits.append(
                _("%(n)s groupe(s) de « %(name)s » d'effectif trop faible pour des chiffres fiables")
                % {"n": g["n_small"], "name": g["name"]}
            )
    if not limits:
        limits.append(_("Aucun écart significatif entre groupes dans cette évaluation"))
    return EvaluationCard(
        use_case_id=run.use_case_id,
        use_case_title=run.use_case.title,
        version_label=run.label,
        finished_at=run.finished_at,
        data=data_text,
        performance=performance,
        limits="\n".join(f"{x}." for x in limits),
    )


# ------------------------------------------------------------------------------ post-market monitoring


def series_of(use_case: Any) -> MonitoringSeries | None:
    """The monitoring series of a use case the caller may read (the caller scoped the use case)."""
    return MonitoringSeries.objects.filter(use_case=use_case).select_related("use_case").first()


def batches_visible_to(user: ActorLike | None) -> QuerySet[MonitoringBatch]:
    return MonitoringBatch.objects.filter(series__use_case__in=usecases_visible_to(user)).select_related(
        "series", "series__use_case", "series__use_case__organisation"
    )


@dataclass(frozen=True)
class TimelinePoint:
    batch: MonitoringBatch
    roc_auc: float | None
    accuracy: float | None
    recall_gap: float | None
    max_psi: float | None
    max_psi_feature: str | None
    alert_kinds: tuple[str, ...]


def monitoring_timeline(series: MonitoringSeries) -> list[TimelinePoint]:
    out = []
    for b in series.batches.order_by("number"):
        s = b.summary or {}
        out.append(
            TimelinePoint(
                batch=b,
                roc_auc=s.get("roc_auc"),
                accuracy=s.get("accuracy"),
                recall_gap=s.get("recall_gap"),
                max_psi=s.get("max_psi"),
                max_psi_feature=s.get("max_psi_feature"),
                alert_kinds=tuple(a["kind"] for a in b.alerts),
            )
        )
    return out


@dataclass(frozen=True)
class MonitoringAlertItem:
    """An alert waiting in the "À faire" inbox (not yet marked as examined)."""

    use_case: Any
    batch_id: int
    batch_number: int
    batch_label: str
    raised_on: date
    messages: tuple[str, ...]


def open_monitoring_alerts(use_cases: QuerySet[Any]) -> list[MonitoringAlertItem]:
    batches = (
        MonitoringBatch.objects.filter(series__use_case__in=use_cases, alert_reviewed_at__isnull=True)
        .exclude(alerts=[])
        .select_related("series__use_case", "series__use_case__organisation")
        .order_by("created_at", "pk")
    )
    return [
        MonitoringAlertItem(
            use_case=b.series.use_case,
            batch_id=b.pk,
            batch_number=b.number,
            batch_label=b.label,
            raised_on=timezone.localdate(b.created_at),
            messages=tuple(
                alert_sentence(a, b.summary or {}, b.series.reference_summary or {}) for a in b.alerts
            ),
        )
        for b in batches
        if b.alerts
    ]


@dataclass(frozen=True)
class MonitoringCounts:
    series: int
    batches: int
    alerts: int
    open_alerts: int


def monitoring_counts(use_cases: QuerySet[Any]) -> MonitoringCounts:
    """Counts only (annual report, compliance file): series, batches, batches with an alert."""
    batches = MonitoringBatch.objects.filter(series__use_case__in=use_cases)
    with_alert = batches.exclude(alerts=[])
    return MonitoringCounts(
        series=MonitoringSeries.objects.filter(use_case__in=use_cases).count(),
        batches=batches.count(),
        alerts=with_alert.count(),
        open_alerts=with_alert.filter(alert_reviewed_at__isnull=True).count(),
    )
