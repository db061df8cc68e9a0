"""Post-market monitoring screens: start a series from a reference batch, add batches, read the
timeline of performance, fairness gaps and drift, set thresholds, review an alert."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from atlasia.accounts.actor import actor_of, user_of
from atlasia.core.evaluation import monitoring as core
from atlasia.core.evaluation.io import EvaluationInputError
from atlasia.evaluation import monitoring as services
from atlasia.evaluation import selectors
from atlasia.evaluation.labels import alert_sentence
from atlasia.evaluation.services import Upload
from atlasia.registry.selectors import usecases_visible_to
from atlasia.www.core_messages import shown_error
from atlasia.www.forms import attach_service_errors

from .forms import BatchForm, SeriesForm, ThresholdsForm
from .timeline_chart import timeline_charts
from .views import can_run

SERIES_FIELDS = {"target": "target", "pred": "pred", "score": "score", "groups": "groups"}


def _use_case(request: HttpRequest, pk: int) -> Any:
    return get_object_or_404(usecases_visible_to(actor_of(request)).select_related("organisation"), pk=pk)


def _timeline(series: Any) -> dict[str, Any]:
    """The timeline's rows (each batch with its alerts as sentences in the interface language) and its
    charts (one SVG per measure, the table being their text alternative)."""
    if series is None:
        return {"timeline": None, "charts": []}
    points = selectors.monitoring_timeline(series)
    reference = series.reference_summary or {}
    rows = [
        {"p": p, "alerts": [alert_sentence(a, p.batch.summary or {}, reference) for a in p.batch.alerts]}
        for p in points
    ]
    return {"timeline": rows, "charts": [mark_safe(c) for c in timeline_charts(series, points)]}  # noqa: S308


def _thresholds(d: dict[str, Any]) -> core.Thresholds:
    return core.Thresholds(d["max_performance_drop"], d["max_recall_gap"], d["max_psi"])


@require_http_methods(["GET", "POST"])
def monitoring_series(request: HttpRequest, pk: int) -> HttpResponse:
    """The timeline (or, before the first batch, the form that starts the monitoring)."""
    use_case = _use_case(request, pk)
    series = selectors.series_of(use_case)
    allowed = can_run(actor_of(request), use_case)
    status = 200
    start_form = batch_form = thresholds_form = None
    if series is None:
        start_form = SeriesForm(request.POST or None, request.FILES or None) if allowed else None
        if request.method == "POST":
            if not allowed or start_form is None:
                raise PermissionDenied
            status = 400
            if start_form.is_valid():
                d = start_form.cleaned_data
                ref = d["reference"]
                try:
                    services.series_create(
                        actor=user_of(request),
                        use_case=use_case,
                        reference=Upload(ref.name, ref.size, ref.file),
                        target=d["target"].strip(),
                        pred=d.get("pred", "").strip() or None,
                        score=d.get("score", "").strip() or None,
                        groups=d["groups"],
                        thresholds=_thresholds(d),
                    )
                except EvaluationInputError as error:
                    field = SERIES_FIELDS.get(_field_of(error.column, d), "reference")
                    start_form.add_error(field, shown_error(error))
                except ValidationError as error:
                    attach_service_errors(start_form, error)
                else:
                    messages.success(request, _("Le suivi a commencé : déposez les lots suivants ici."))
                    return redirect("evaluation_monitoring", pk=use_case.pk)
    elif request.method == "POST":
        raise PermissionDenied
    elif allowed:
        batch_form = BatchForm()
        thresholds_form = ThresholdsForm(
            initial={
                "max_performance_drop": series.max_performance_drop,
                "max_recall_gap": series.max_recall_gap,
                "max_psi": series.max_psi,
            }
        )
    return render(
        request,
        "evaluation/monitoring.html",
        {
            "title": _("Suivi après déploiement"),
            "use_case": use_case,
            "series": series,
            **_timeline(series),
            "can_run": allowed,
            "start_form": start_form,
            "batch_form": batch_form,
            "thresholds_form": thresholds_form,
        },
        status=status,
    )


def _field_of(column: str | None, d: dict[str, Any]) -> str:
    if not column:
        return "reference"
    for name in ("target", "pred", "score"):
        if (d.get(name) or "").strip() == column:
            return name
    return "groups" if column in d.get("groups", []) else "reference"


@require_POST
def monitoring_batch_add(request: HttpRequest, pk: int) -> HttpResponse:
    use_case = _use_case(request, pk)
    series = selectors.series_of(use_case)
    if series is None or not can_run(actor_of(request), use_case):
        raise PermissionDenied
    form = BatchForm(request.POST, request.FILES)
    if form.is_valid():
        f = form.cleaned_data["batch"]
        try:
            batch = services.batch_add(
                actor=user_of(request),
                series=series,
                upload=Upload(f.name, f.size, f.file),
                label=form.cleaned_data.get("label") or "",
            )
        except EvaluationInputError as error:
            form.add_error("batch", shown_error(error))
        except ValidationError as error:
            attach_service_errors(form, error)
        else:
            if batch.alerts:
                messages.warning(
                    request, _("Le lot n° %(n)s dépasse un seuil d'alerte.") % {"n": batch.number}
                )
            else:
                messages.success(request, _("Le lot n° %(n)s est évalué.") % {"n": batch.number})
            return redirect("evaluation_monitoring", pk=use_case.pk)
    return render(
        request,
        "evaluation/monitoring.html",
        {
            "title": _("Suivi après déploiement"),
            "use_case": use_case,
            "series": series,
            **_timeline(series),
            "can_run": True,
            "batch_form": form,
            "thresholds_form": ThresholdsForm(
                initial={
                    "max_performance_drop": series.max_performance_drop,
                    "max_recall_gap": series.max_recall_gap,
                    "max_psi": series.max_psi,
                }
            ),
        },
        status=400,
    )


@require_POST
def monitoring_thresholds(request: HttpRequest, pk: int) -> HttpResponse:
    use_case = _use_case(request, pk)
    series = selectors.series_of(use_case)
    if series is None or not can_run(actor_of(request), use_case):
        raise PermissionDenied
    form = ThresholdsForm(request.POST)
    if form.is_valid():
        try:
            services.series_set_thresholds(
                actor=user_of(request), series=series, thresholds=_thresholds(form.cleaned_data)
            )
        except ValidationError as error:
            attach_service_errors(form, error)
        else:
            messages.success(request, _("Les seuils d'alerte sont enregistrés."))
            return redirect("evaluation_monitoring", pk=use_case.pk)
    return render(
        request,
        "evaluation/monitoring.html",
        {
            "title": _("Suivi après déploiement"),
            "use_case": use_case,
            "series": series,
            **_timeline(series),
            "can_run": True,
            "batch_form": BatchForm(),
            "thresholds_form": form,
        },
        status=400,
    )


@require_POST
def monitoring_alert_review(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = get_object_or_404(selectors.batches_visible_to(actor_of(request)), pk=batch_id)
    use_case = batch.series.use_case
    if not can_run(actor_of(request), use_case):
        raise PermissionDenied
    try:
        services.batch_review_alert(actor=user_of(request), batch=batch)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("L'alerte du lot n° %(n)s est marquée comme examinée.") % {"n": batch.number}
        )
    return redirect("evaluation_monitoring", pk=use_case.pk)
