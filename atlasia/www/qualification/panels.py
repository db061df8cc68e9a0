"""Registration of the qualification card, tab and navigation item (extension points of the screens)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy

from atlasia.accounts.actor import actor_of
from atlasia.www import extensions


def card_context(request: HttpRequest, use_case: Any) -> dict[str, Any]:
    from atlasia.qualification import selectors
    from atlasia.qualification.display import result_summary

    from .views import can_qualify

    has_rows = extensions.may_have_rows(use_case, "qualifications")
    latest = selectors.latest_qualification(use_case) if has_rows else None
    return {
        "use_case": use_case,
        "latest": latest,
        "summary": result_summary(latest.result, latest.law_version) if latest else None,
        "can_qualify": can_qualify(actor_of(request), use_case),
    }


def tab_context(request: HttpRequest, use_case: Any) -> dict[str, Any]:
    from .views import overview_context

    return overview_context(request, use_case)


def register() -> None:
    from atlasia.qualification.models import Qualification

    extensions.register_row_flag("qualifications", Qualification)
    extensions.register_panel(
        "qualification",
        "qualification/_card.html",
        card_context,
        order=10,
        column="top",
        anchor="carte-qualification",
        title=gettext_lazy("Qualification réglementaire"),
    )
    extensions.register_tab(
        "qualification", gettext_lazy("Qualification"), "qualification/_tab.html", tab_context, order=20
    )
    extensions.register_nav(
        gettext_lazy("Conformité"), "qualification_portfolio", order=40, match_prefix="/conformite/"
    )
