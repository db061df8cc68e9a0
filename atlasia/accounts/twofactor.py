"""Two-factor authentication policy (django-otp: TOTP application + single-use backup codes).

- Platform administrators and organisation administrators must use a second factor when
  ``ATLASIA_2FA_REQUIRED`` is on (the production default): after the password, they enrol an
  authenticator application (first time) or type its code (every login).
- Anyone else may enrol; once enrolled, the code is asked at every login.
- A ProConnect login counts as verified when ProConnect says its identity provider used two factors:
  ``acr`` in ``ATLASIA_OIDC_MFA_ACR_VALUES`` (eidas2, eidas3, self-asserted-2fa, consistency-checked-2fa:
  ProConnect's list of levels that guarantee two factors) or ``mfa`` in ``amr``. Asking the agent for a
  second code of ours after her ministry's card or TOTP would add nothing; a ProConnect login with a
  password only (eidas1) goes through our second factor like a local login.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django_otp import user_has_device

from atlasia.core.roles import Role

from . import perms

if TYPE_CHECKING:
    from .oidc import ProConnectIdentity

SESSION_PROCONNECT_MFA = "atlasia_mfa_by_proconnect"


class Step(StrEnum):
    SETUP = "setup"
    VERIFY = "verify"


def is_required_for(user: Any) -> bool:
    """True when the user's roles oblige her to use a second factor."""
    if not settings.ATLASIA_2FA_REQUIRED or not user.is_authenticated:
        return False
    return perms.is_platform_admin(user) or user.memberships.filter(role=Role.ORG_ADMIN).exists()


def has_confirmed_device(user: Any) -> bool:
    return bool(user.is_authenticated and user_has_device(user, confirmed=True))


def verified_by_proconnect(request: Any) -> bool:
    return bool(request.session.get(SESSION_PROCONNECT_MFA))


def pending_step(request: Any) -> Step | None:
    """What the logged-in person must do before using the site: nothing, verify a code, or enrol."""
    user = request.user
    if not user.is_authenticated or user.is_verified() or verified_by_proconnect(request):
        return None
    if has_confirmed_device(user):
        return Step.VERIFY
    if is_required_for(user):
        return Step.SETUP
    return None


def record_proconnect_login(request: Any, identity: ProConnectIdentity) -> None:
    if identity.used_two_factors:
        request.session[SESSION_PROCONNECT_MFA] = identity.acr or "amr=mfa"
