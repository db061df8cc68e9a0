"""Registration of the publication screens in the shared extension points."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy

from atlasia.accounts.actor import actor_of
from atlasia.www import extensions


def _problem_reports_panel(request: HttpRequest, use_case: Any) -> dict[str, Any] | None:
    from atlasia.monitoring.externalities.selectors import public_reports_for

    reports = public_reports_for(actor_of(request), use_case)
    if reports is None:
        return None
    # The page's query on the record says whether it has any externality at all (most have none).
    rows = list(reports[:50]) if extensions.may_have_rows(use_case, "externalities") else []
    return {"reports": rows, "is_public": use_case.publication_level == "public"}


def register() -> None:
    extensions.register_nav(
        gettext_lazy("Tableaux de bord"), "publication_dashboard", order=20, match_prefix="/tableaux-de-bord/"
    )
    extensions.register_nav(
        gettext_lazy("Rapports annuels"), "publication_report_list", order=25, match_prefix="/rapports/"
    )
    extensions.register_nav(
        gettext_lazy("Registre public"), "publication_register", order=30, match_prefix="/registre/"
    )
    extensions.register_panel(
        "problem_reports",
        "publication/_problem_reports_panel.html",
        _problem_reports_panel,
        order=80,
        column="main",
        anchor="signalements-titre",
        title=gettext_lazy("Signalements du public"),
    )
