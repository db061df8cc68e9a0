"""Registration of the compliance screens: a tab on the use-case page and a header menu item."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy

from atlasia.accounts.actor import actor_of
from atlasia.compliance import selectors
from atlasia.www import extensions


def tab_context(request: HttpRequest, use_case: Any) -> dict[str, Any] | None:
    from .views import obligations_context

    if not selectors.usecases_with_file(actor_of(request)).filter(pk=use_case.pk).exists():
        return {"use_case": use_case, "hidden": True}
    return obligations_context(request, use_case)


def register() -> None:
    extensions.register_tab(
        "obligations", gettext_lazy("Conformité"), "compliance/_tab.html", tab_context, order=25
    )
    extensions.register_nav(
        gettext_lazy("Suivi des obligations"),
        "compliance_portfolio",
        order=41,
        match_prefix="/conformite/obligations/",
    )
