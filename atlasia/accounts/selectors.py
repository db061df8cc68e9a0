"""Reads about accounts: second factors, invitations. (The organisations a ProConnect SIRET proposes are
read by the registry, which owns organisations: ``atlasia.registry.selectors.proconnect_identities``.)"""

from __future__ import annotations

from typing import Any


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
