"""Registration of the "Évaluations" tab on the use-case page (extension point of the screens)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy

from atlasia.www import extensions


def tab_context(request: HttpRequest, use_case: Any) -> dict[str, Any]:
    from .views import tab_context as context

    return context(request, use_case)


def monitoring_panel(request: HttpRequest, use_case: Any) -> dict[str, Any] | None:
    """The use case's post-market monitoring in its compliance file (counts and the latest batch)."""
    from atlasia.evaluation import selectors

    has_series = extensions.may_have_rows(use_case, "monitoring_series")
    series = selectors.series_of(use_case) if has_series else None
    if series is None:
        return {"use_case": use_case, "series": None}
    counts = selectors.monitoring_counts(type(use_case).objects.filter(pk=use_case.pk))
    return {
        "use_case": use_case,
        "series": series,
        "counts": counts,
        "latest": series.batches.order_by("-number").first(),
    }


def register() -> None:
    from atlasia.evaluation.models import MonitoringSeries

    extensions.register_row_flag("monitoring_series", MonitoringSeries)
    extensions.register_tab(
        "evaluations", gettext_lazy("Évaluations"), "evaluation/_tab.html", tab_context, order=40
    )
    extensions.register_panel(
        "model_monitoring", "evaluation/_monitoring_panel.html", monitoring_panel, order=65, column="side"
    )
