"""The campaign screens plug into the header menu."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from atlasia.www.extensions import register_nav


def register() -> None:
    register_nav(gettext_lazy("Campagnes"), "campaigns_list", order=45, match_prefix="/campagnes/")
    from . import committee

    committee.register()
