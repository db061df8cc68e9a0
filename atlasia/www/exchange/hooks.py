"""Registration of the exchange screens in the shared extension points."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from atlasia.www import extensions


def _provenance_panel(request: HttpRequest, use_case: Any) -> dict[str, Any] | None:
    from atlasia.exchange.selectors import provenance_of

    if not extensions.may_have_rows(use_case, "remote_provenance"):
        return None
    provenance = provenance_of(use_case)
    return None if provenance is None else {"provenance": provenance}


def register() -> None:
    from atlasia.exchange.models import RemoteProvenance

    extensions.register_row_flag("remote_provenance", RemoteProvenance)
    extensions.register_nav(_("Import et API"), "exchange_home", order=60, match_prefix="/echanges/")
    extensions.register_panel(
        "remote_provenance", "exchange/_provenance_panel.html", _provenance_panel, order=1, column="main"
    )
