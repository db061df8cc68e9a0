"""The annual cartography report: data for a year and a scope, rendered as HTML and PDF (WeasyPrint).

The report covers the use cases the requester may see (``usecases_visible_to``), of the chosen scope,
that were active during the year: started on or before 31 December (or, without a start date, created
by then) and not ended before 1 January. Everything is computed into a canonical, JSON-serialisable
dict with deterministic ordering; its SHA-256 is the run's ``input_hash`` and the HTML rendered from it
holds no generation timestamp, so the same data gives the same report.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from dataclasses import asdict
from typing import Any

from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext_noop

from atlasia.campaigns import selectors as campaign_selectors
from atlasia.lifecycle import selectors as lifecycle_selectors
from atlasia.monitoring.footprint.selectors import footprint_by_usecase
from atlasia.qualification import selectors as qualification_selectors
from atlasia.qualification.enums import Category
from atlasia.registry import reference
from atlasia.registry.enums import PublicationLevel
from atlasia.registry.models import UseCase
from atlasia.registry.selectors import public_usecases, usecases_visible_to

from . import aggregation
from .enums import ReportScope, RunStatus
from .models import ReportRun
from .selectors import _reference_labels, choice_labels

logger = logging.getLogger(__name__)

IN_SERVICE = {"deployed", "generalised"}
EXPERIMENTING = {"experimentation", "evaluated"}


def scope_queryset(run: ReportRun) -> QuerySet[UseCase]:
    qs = usecases_visible_to(run.requested_by) if run.requested_by_id else public_usecases()
    if run.public_only:
        qs = qs.filter(publication_level=PublicationLevel.PUBLIC)
    if run.scope == ReportScope.REGION:
        qs = qs.filter(organisation__region=run.region)
    elif run.scope == ReportScope.ORGANISATION:
        qs = qs.filter(organisation_id=run.organisation_id)  # type: ignore[misc]
    year_end = dt.date(run.year, 12, 31)
    year_start = dt.date(run.year, 1, 1)
    created_by_then = dt.datetime.combine(year_end, dt.time.max, tzinfo=timezone.get_current_timezone())
    started = Q(start_date__lte=year_end) | Q(start_date__isnull=True, created_at__lte=created_by_then)
    return qs.filter(started).exclude(end_date__lt=year_start)


def _buckets(items: list[aggregation.Bucket]) -> list[dict[str, Any]]:
    return [{"code": b.code, "label": b.label, "n": b.n} for b in items]


def report_data(run: ReportRun) -> dict[str, Any]:
    """The canonical content of the report (no timestamp, stable order)."""
    rows = list(
        scope_queryset(run)
        .order_by("uid")
        .values(
            "id",
            "uid",
            "title",
            "theme__code",
            "status",
            "organisation__name",
            "organisation__type",
            "organisation__region",
            "ai_technique__code",
            "publication_level",
            "start_date",
        )
    )
    labels = _reference_labels()
    ids = [r["id"] for r in rows]

    def col(key: str) -> list[str]:
        return [r[key] or "" for r in rows]  # type: ignore[literal-required]

    by_theme = aggregation.count_by(col("theme__code"), labels["theme"])
    by_region = aggregation.count_by(col("organisation__region"), labels["region"])
    data: dict[str, Any] = {
        "year": run.year,
        "scope": run.scope,
        "scope_label": run.scope_label,
        "public_only": run.public_only,
        "figures": {
            "active": len(rows),
            "new": sum(1 for r in rows if r["start_date"] and r["start_date"].year == run.year),
            "in_service": sum(1 for r in rows if r["status"] in IN_SERVICE),
            "experimenting": sum(1 for r in rows if r["status"] in EXPERIMENTING),
            "public": sum(1 for r in rows if r["publication_level"] == PublicationLevel.PUBLIC),
            "organisations": len({r["organisation__name"] for r in rows}),
            "regions": len({r["organisation__region"] for r in rows if r["organisation__region"]}),
        },
        "by_theme": _buckets(by_theme),
        "by_region": _buckets(by_region),
        "by_status": _buckets(aggregation.count_by(col("status"), labels["status"])),
        "by_organisation_type": _buckets(
            aggregation.count_by(col("organisation__type"), labels["organisation_type"], keep_zero=False)
        ),
        "by_technique": _buckets(
            aggregation.count_by(col("ai_technique__code"), labels["technique"], keep_zero=False)
        ),
        "trend": [
            list(t)
            for t in aggregation.trend_by_year(
                r["start_date"].year if r["start_date"] else None for r in rows
            )[0]
        ],
        "ai_act": None,
        "experiments": None,
        "footprint": None,
    }
    # The report is shared beyond the organisations: it names a record only when the record may be read
    # outside its organisation (network or public), or when the report is the organisation's own.
    nameable = {
        r["id"]
        for r in rows
        if run.scope == ReportScope.ORGANISATION or r["publication_level"] != PublicationLevel.INTERNAL
    }
    titles = {r["id"]: r["title"] for r in rows}
    qualified = {
        pk: s.category for pk, s in qualification_selectors.ai_act_summaries_for(ids).items() if s.category
    }
    data["ai_act"] = {
        "qualified": len(qualified),
        "not_qualified": len(ids) - len(qualified),
        "by_category": _buckets(
            aggregation.count_by(list(qualified.values()), choice_labels(Category), keep_zero=False)
        ),
    }
    data["experiments"] = [
        {
            **{k: v.isoformat() if isinstance(v, dt.date) else v for k, v in asdict(e).items()},
            "use_case": titles.get(e.use_case_id, ""),
        }
        for e in lifecycle_selectors.experiments_for(ids)
        if e.use_case_id in nameable and (e.decision or e.what_worked or e.what_did_not)
    ][:12]
    for row in data["experiments"]:
        del row["use_case_id"]
    footprint = {pk: float(row["co2e_kg"]) for pk, row in footprint_by_usecase(ids).items()}
    if footprint:
        data["footprint"] = {"known": len(footprint), "co2e_kg": round(sum(footprint.values()), 1)}
    # post-market monitoring of the models (AI Act Art. 72): counts only
    from atlasia.evaluation.selectors import monitoring_counts

    counts = monitoring_counts(UseCase.objects.filter(pk__in=ids))
    data["monitoring"] = None
    if counts.series:
        data["monitoring"] = {"series": counts.series, "batches": counts.batches, "alerts": counts.alerts}
    data["census"] = _census(run)
    data["survey"] = _survey(run)
    data["promising"] = [
        {"title": c.title, "organisation": c.organisation, "reasons": c.reasons}
        for c in campaign_selectors.promising_cases(nameable)
    ]
    return data


def _census(run: ReportRun) -> dict[str, Any] | None:
    """The coverage of the year's national census (over the region for a regional report)."""
    if run.scope == ReportScope.ORGANISATION:
        return None
    region = run.region if run.scope == ReportScope.REGION else ""
    coverage = campaign_selectors.census_coverage(run.year, region)
    if coverage is None or not coverage.targeted:
        return None
    return {
        "title": coverage.title,
        "closes_on": coverage.closes_on.isoformat(),
        "targeted": coverage.targeted,
        "answered": coverage.answered,
        "percent": coverage.percent,
        "confirmed_records": coverage.confirmed_records,
        "stale_records": coverage.stale_records,
    }


def _survey(run: ReportRun) -> dict[str, Any] | None:
    """The findings of the year's national survey (anonymised: hidden below its threshold)."""
    if run.scope == ReportScope.ORGANISATION:
        return None
    summary = campaign_selectors.survey_summary(run.year)
    if summary is None:
        return None
    return {
        "title": summary.title,
        "targeted": summary.targeted,
        "answered": summary.answered,
        "findings": [
            {"question": f.question, "summary": f.summary, "respondents": f.respondents}
            for f in summary.findings
        ],
    }


def input_hash(data: dict[str, Any]) -> str:
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _font_faces() -> str:
    """@font-face rules for Marianne when django-dsfr ships it; otherwise the free fallbacks apply."""
    rules = []
    for weight, name in ((400, "Regular"), (700, "Bold"), (300, "Light")):
        path = finders.find(f"dsfr/dist/fonts/Marianne-{name}.woff")
        if path:
            rules.append(
                f'@font-face {{ font-family: "Marianne"; font-weight: {weight}; src: url("file://{path}"); }}'
            )
    return "\n".join(rules)


def render_html(data: dict[str, Any], *, for_pdf: bool = False) -> str:
    names = reference.region_names()
    map_counts = {b["code"]: b["n"] for b in data["by_region"]}
    context = {
        "d": data,
        "map": aggregation.map_svg(
            map_counts,
            names,
            svg_id="rapport-carte",
            title=f"Cas d'usage actifs en {data['year']} par région",
            focusable=not for_pdf,
        ),
        "theme_svg": aggregation.bar_chart_svg(
            [(b["label"], b["n"]) for b in data["by_theme"]],
            svg_id="rapport-themes",
            title=f"Cas d'usage actifs en {data['year']} par thème",
        ),
        "status_svg": aggregation.bar_chart_svg(
            [(b["label"], b["n"]) for b in data["by_status"] if b["n"]],
            svg_id="rapport-etapes",
            title=f"Cas d'usage actifs en {data['year']} par étape",
        ),
        "trend_svg": aggregation.column_chart_svg(
            [(y, n) for y, n in data["trend"]],
            svg_id="rapport-tendance",
            title="Cas d'usage par année de début",
        ),
        "font_faces": _font_faces() if for_pdf else "",
        "for_pdf": for_pdf,
    }
    return render_to_string("publication/report_document.html", context)


def render_pdf(html: str) -> bytes:
    from atlasia.core.pdf import html_to_pdf

    return html_to_pdf(html, base_url="/")


def _progress(run: ReportRun, progress: int, step: str, **extra: Any) -> None:
    ReportRun.objects.filter(pk=run.pk).update(progress=progress, step=step, **extra)


def run_report(run_id: int) -> str:
    """Build the report of ``run_id`` step by step; on failure the run says what went wrong."""
    run = ReportRun.objects.select_related("organisation", "requested_by").get(pk=run_id)
    _progress(run, 5, gettext_noop("Lecture des cas d'usage du périmètre"), status=RunStatus.RUNNING)
    try:
        data = report_data(run)
        digest = input_hash(data)
        _progress(run, 35, gettext_noop("Calcul des chiffres et des graphiques"), input_hash=digest)
        html = render_html(data)
        _progress(run, 55, gettext_noop("Mise en page HTML"))
        run.html_file.save(f"cartographie-{run.year}.html", ContentFile(html.encode("utf-8")), save=False)
        _progress(run, 65, gettext_noop("Fabrication du PDF"), html_file=run.html_file.name)
        pdf = render_pdf(render_html(data, for_pdf=True))
        run.pdf_file.save(f"cartographie-{run.year}.pdf", ContentFile(pdf), save=False)
        _progress(
            run,
            100,
            gettext_noop("Rapport prêt"),
            status=RunStatus.DONE,
            pdf_file=run.pdf_file.name,
            finished_at=timezone.now(),
        )
    except Exception as error:  # the page must say it failed rather than spin for ever
        logger.exception("report run %s failed", run_id)
        _progress(
            run,
            100,
            gettext_noop("Échec"),
            status=RunStatus.FAILED,
            error=str(error)[:2000],
            finished_at=timezone.now(),
        )
        raise
    return digest
