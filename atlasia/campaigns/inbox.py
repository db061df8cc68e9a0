"""The campaigns' part of the « À faire » inbox: each open campaign the user may answer for one of her
organisations (or was delegated), until the organisation has sent its answer. Registered with the
lifecycle's inbox from :meth:`CampaignsConfig.ready`."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from atlasia.accounts.actor import ActorLike
from atlasia.lifecycle.selectors import InboxItem, InboxSection

from .enums import CampaignKind
from .selectors import census_rows, open_targets_to_answer

SECTIONS = [
    InboxSection(
        "campaign_answer",
        gettext_lazy("Campagnes en attente de votre réponse"),
        gettext_lazy(
            "Recensements et enquêtes lancés par les équipes nationale ou régionales, auxquels votre "
            "organisation n'a pas encore répondu."
        ),
        5,
    )
]


def campaigns_inbox(user: ActorLike | None, today: date) -> list[InboxItem]:
    if not getattr(user, "is_authenticated", False):
        return []
    items = []
    for target in open_targets_to_answer(user, today):
        campaign = target.campaign
        if campaign.kind == CampaignKind.CENSUS:
            label = _("Répondre au recensement « %(title)s »") % {"title": campaign.title}
            pending = sum(1 for row in census_rows(target) if not row.action)
            detail = _("%(n)s fiche(s) à confirmer ou mettre à jour") % {"n": pending} if pending else ""
        else:
            label = _("Répondre à l'enquête « %(title)s »") % {"title": campaign.title}
            detail = ""
        items.append(
            InboxItem(
                "campaign_answer",
                label,
                None,
                campaign.closes_on,
                url_name="campaigns_answer",
                url_args=(campaign.pk, target.organisation.slug),
                detail=detail,
                organisation_name=target.organisation.name,
            )
        )
    return items
