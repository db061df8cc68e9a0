"""What monitoring adds to the use-case page (the "after deployment" panel) and to the header."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy

from atlasia.accounts.actor import actor_of
from atlasia.www import extensions


def panel_context(request: HttpRequest, use_case: Any) -> dict[str, Any] | None:
    from atlasia.monitoring import perms as mperms
    from atlasia.monitoring.externalities import selectors as externalities_selectors
    from atlasia.monitoring.footprint import selectors as footprint_selectors
    from atlasia.monitoring.incidents import selectors as incidents_selectors

    if not mperms.can_read(actor_of(request), use_case.organisation):
        return None  # incidents and externalities stay within the organisation and its reviewers
    today = timezone.localdate()
    # The panel shows the rows, not their use case (this page's): no select_related of the wide record
    # and its organisation (the visibility filter is kept as it is).
    # No query for a table where the record has no row (the page's row flags).
    incidents = (
        list(
            incidents_selectors.incidents_visible_to(actor_of(request))
            .filter(use_case=use_case)
            .select_related(None)[:10]
        )
        if extensions.may_have_rows(use_case, "incidents")
        else []
    )
    externalities = (
        list(
            externalities_selectors.externalities_visible_to(actor_of(request))
            .filter(use_case=use_case)
            .select_related(None)[:10]
        )
        if extensions.may_have_rows(use_case, "externalities")
        else []
    )
    footprint = (
        footprint_selectors.footprint_by_usecase([use_case.pk]).get(use_case.pk)
        if extensions.may_have_rows(use_case, "footprints")
        else None
    )
    return {
        "use_case": use_case,
        "incidents": [{"incident": i, "countdown": i.countdown(today)} for i in incidents],
        "externalities": externalities,
        "footprint": footprint,
        "can_declare": mperms.can_declare(actor_of(request), use_case.organisation),
        "can_report": mperms.can_read(actor_of(request), use_case.organisation),
    }


def register() -> None:
    from atlasia.monitoring.externalities.models import Externality
    from atlasia.monitoring.footprint.models import Footprint
    from atlasia.monitoring.incidents.models import Incident

    extensions.register_row_flag("incidents", Incident)
    extensions.register_row_flag("externalities", Externality)
    extensions.register_row_flag("footprints", Footprint)
    extensions.register_panel(
        "monitoring",
        "monitoring/_panel.html",
        panel_context,
        order=60,
        column="main",
        anchor="suivi-titre",
        title=gettext_lazy("Après le déploiement"),
    )
    extensions.register_nav(gettext_lazy("Suivi"), "monitoring_home", order=50, match_prefix="/suivi/")
    extensions.register_nav(
        gettext_lazy("Acculturation"), "monitoring_literacy", order=55, match_prefix="/formation/"
    )
    extensions.register_nav(
        gettext_lazy("Ambassadeurs"), "monitoring_ambassadors", order=56, match_prefix="/ambassadeurs/"
    )
