"""The campaign screens plug into the header menu."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy

from atlasia.campaigns.selectors import census_status
from atlasia.www.extensions import may_have_rows, register_nav, register_panel, register_row_flag


def census_panel(request: HttpRequest, use_case: Any) -> dict[str, Any] | None:
    if not may_have_rows(use_case, "census_entries") and not may_have_rows(use_case, "closed_censuses"):
        return None  # no census ever concerned the record (census_status would say None)
    status = census_status(use_case, timezone.localdate())
    return None if status is None else {"status": status}


def _has_closed_census() -> Any:
    """A census of the record's organisation closed before today (what census_status looks for)."""
    from django.db.models import Exists, OuterRef

    from atlasia.campaigns.enums import CampaignKind
    from atlasia.campaigns.models import Campaign

    return Exists(
        Campaign.objects.filter(
            kind=CampaignKind.CENSUS,
            closes_on__lt=timezone.localdate(),
            targets__organisation_id=OuterRef("organisation_id"),
        )
    )


def register() -> None:
    from atlasia.campaigns.models import CensusEntry

    register_row_flag("census_entries", CensusEntry)
    register_row_flag("closed_censuses", _has_closed_census)
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
