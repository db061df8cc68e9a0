"""The campaign screens plug into the header menu."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy

from atlasia.campaigns.selectors import census_status
from atlasia.www.extensions import register_nav, register_panel


def census_panel(request: HttpRequest, use_case: Any) -> dict[str, Any] | None:
    status = census_status(use_case, timezone.localdate())
    return None if status is None else {"status": status}


def register() -> None:
    register_nav(gettext_lazy("Campagnes"), "campaigns_list", order=45, match_prefix="/campagnes/")
    register_panel(
        "census",
        "campaigns/_census_panel.html",
        census_panel,
        order=5,
        column="side",
        anchor="recensement-titre",
        title=gettext_lazy("Recensement annuel"),
    )
    from . import committee

    committee.register()
