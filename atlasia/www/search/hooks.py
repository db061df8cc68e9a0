"""Registration of the search screens in the shared extension points."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy

from atlasia.accounts.actor import actor_of
from atlasia.www import extensions


def _similar_panel(request: HttpRequest, use_case: Any) -> dict[str, Any] | None:
    from atlasia.search.selectors import similar_usecases

    return {"similar": similar_usecases(actor_of(request), use_case)}


def register() -> None:
    extensions.register_nav(gettext_lazy("Recherche"), "search", order=15, match_prefix="/recherche/")
    extensions.register_panel(
        "similar_usecases",
        "search/_similar_panel.html",
        _similar_panel,
        order=90,
        anchor="similaires-titre",
        title=gettext_lazy("Cas d'usage semblables ailleurs"),
    )
