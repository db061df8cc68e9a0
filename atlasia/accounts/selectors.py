"""Reads about accounts: ProConnect identities with the organisation their SIRET proposes, second factors."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from atlasia.registry.selectors import OrganisationRef, organisations_with_siren

from .models import ExternalIdentity


@dataclass(frozen=True)
class ProConnectIdentityView:
    email: str
    siret: str
    idp_id: str
    last_acr: str
    last_login_at: Any
    proposed_organisations: tuple[OrganisationRef, ...]


def proconnect_identities(user: Any) -> list[ProConnectIdentityView]:
    """The user's ProConnect identities, each with the organisations registered under its SIRET's SIREN."""
    return [
        ProConnectIdentityView(
            email=identity.email,
            siret=identity.siret,
            idp_id=identity.idp_id,
            last_acr=identity.last_acr,
            last_login_at=identity.last_login_at,
            proposed_organisations=tuple(organisations_with_siren(identity.siren)),
        )
        for identity in ExternalIdentity.objects.filter(user=user).order_by("-last_login_at")
    ]


def proposed_organisations(user: Any) -> list[OrganisationRef]:
    """Organisations proposed by the SIRET of the user's ProConnect identities (no duplicates)."""
    seen: dict[int, OrganisationRef] = {}
    for identity in proconnect_identities(user):
        for organisation in identity.proposed_organisations:
            seen.setdefault(organisation.pk, organisation)
    return list(seen.values())


def backup_codes_left(user: Any) -> int:
    from django_otp.plugins.otp_static.models import StaticToken

    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def pending_invitations(organisation: Any) -> Any:
    """Invitations of ``organisation`` still waiting for an answer, newest first."""
    from django.utils import timezone

    from .models import Invitation

    return (
        Invitation.objects.filter(
            organisation=organisation,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .select_related("invited_by")
        .order_by("-created_at")
    )


def account_exists_for(email: str) -> bool:
    from .models import User

    return User.objects.filter(email__iexact=email).exists()
