"""ProConnect login: the State's OpenID Connect federation, through mozilla-django-oidc.

What ProConnect sends is written from its public documentation (numerique-gouv/proconnect-documentation):
- endpoints from the discovery document ``<issuer>/.well-known/openid-configuration``
  (``doc_fs/implementation_technique.md`` §2.2), with the issuer ``https://<PROCONNECT_DOMAIN>/api/v2``;
- scopes and claims ``openid email given_name usual_name uid siret idp_id`` (``doc_fs/scope-claims.md``,
  ``doc_fs/donnees_fournies.md``); the userinfo answer is a signed JWT (``application/jwt``);
- ``acr`` and, when asked for with ``claims={"id_token":{"amr":{"essential":true}}}``, ``amr`` in the
  id_token (``resources/claim_amr.md``);
- logout by a browser redirect to ``end_session_endpoint`` with ``id_token_hint``, ``state`` and
  ``post_logout_redirect_uri`` (``doc_fs/implementation_technique.md`` §2.4).

mozilla-django-oidc checks the state, the signature and the nonce; this module adds what it leaves out
(the ``iss`` and ``aud`` of the id_token, the userinfo ``sub`` equal to the id_token's) and decides which
local account the identity opens (``services.oidc_login``).
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, field
from typing import Any

import jwt
import requests
from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

logger = logging.getLogger("atlasia.accounts.oidc")

DISCOVERY_PATH = "/.well-known/openid-configuration"
_DISCOVERY_TTL_SECONDS = 3600
_discovery_cache: dict[str, tuple[float, ProviderMetadata]] = {}

# Asked at the authorization endpoint so that the id_token carries ``amr`` (resources/claim_amr.md).
AUTHORIZATION_CLAIMS = json.dumps({"id_token": {"amr": {"essential": True}}}, separators=(",", ":"))


class ProConnectError(Exception):
    """ProConnect cannot be used right now (not configured, or its discovery document is unusable)."""


class LoginRefused(Exception):
    """An identity was checked and refused; the message is shown to the person, in French."""


def enabled() -> bool:
    """True when the issuer, the client id and the client secret are all set."""
    return bool(
        settings.ATLASIA_OIDC_ISSUER and settings.OIDC_RP_CLIENT_ID and settings.OIDC_RP_CLIENT_SECRET
    )


@dataclass(frozen=True)
class ProviderMetadata:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    userinfo_endpoint: str
    jwks_uri: str
    end_session_endpoint: str


def provider_metadata() -> ProviderMetadata:
    """The endpoints of the configured issuer, from its discovery document (kept one hour per process)."""
    if not enabled():
        raise ProConnectError(_("ProConnect n'est pas configuré sur cette instance."))
    issuer = settings.ATLASIA_OIDC_ISSUER
    cached = _discovery_cache.get(issuer)
    if cached and cached[0] > time.monotonic():
        return cached[1]
    try:
        response = requests.get(issuer + DISCOVERY_PATH, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as error:
        logger.warning("ProConnect discovery failed at %s: %s", issuer, error)
        raise ProConnectError(_("ProConnect ne répond pas pour le moment.")) from error
    # OpenID Connect Discovery §4.3: the issuer of the document must be the one configured, exactly.
    if document.get("issuer") != issuer:
        logger.warning("ProConnect discovery issuer %r differs from %r", document.get("issuer"), issuer)
        raise ProConnectError(
            _("Le document de découverte de ProConnect ne correspond pas à l'émetteur configuré.")
        )
    try:
        metadata = ProviderMetadata(
            issuer=issuer,
            authorization_endpoint=document["authorization_endpoint"],
            token_endpoint=document["token_endpoint"],
            userinfo_endpoint=document["userinfo_endpoint"],
            jwks_uri=document["jwks_uri"],
            end_session_endpoint=document.get("end_session_endpoint", ""),
        )
    except KeyError as error:
        raise ProConnectError(
            _("Le document de découverte de ProConnect n'a pas de %(key)s.") % {"key": error.args[0]}
        ) from error
    _discovery_cache[issuer] = (time.monotonic() + _DISCOVERY_TTL_SECONDS, metadata)
    return metadata


def forget_provider_metadata() -> None:
    _discovery_cache.clear()


@dataclass(frozen=True)
class ProConnectIdentity:
    """What one ProConnect login asserts, from the checked id_token and userinfo."""

    issuer: str
    subject: str
    email: str
    given_name: str = ""
    usual_name: str = ""
    uid: str = ""
    siret: str = ""
    idp_id: str = ""
    acr: str = ""
    amr: tuple[str, ...] = field(default_factory=tuple)

    @property
    def used_two_factors(self) -> bool:
        """True when ProConnect says the identity provider used two factors (``acr`` or ``amr``)."""
        return self.acr in settings.ATLASIA_OIDC_MFA_ACR_VALUES or "mfa" in self.amr


def identity_from_claims(
    issuer: str, id_token: dict[str, Any], userinfo: dict[str, Any]
) -> ProConnectIdentity:
    """Check the claims and build the identity; raises :class:`LoginRefused` with a French message."""
    subject = str(id_token.get("sub") or "")
    if not subject or str(userinfo.get("sub") or "") != subject:
        # OpenID Connect Core §5.3.2: a userinfo answer about someone else must not be used.
        raise LoginRefused(_("ProConnect a renvoyé des informations incohérentes (sub). Réessayez."))
    email = str(userinfo.get("email") or "").strip()
    if "@" not in email:
        raise LoginRefused(
            _("ProConnect n'a pas transmis d'adresse électronique : la connexion est impossible.")
        )
    if userinfo.get("email_verified") is False:
        raise LoginRefused(
            _("Votre adresse électronique n'est pas vérifiée par votre fournisseur d'identité.")
        )
    siret = "".join(str(userinfo.get("siret") or "").split())
    amr = id_token.get("amr") or []
    return ProConnectIdentity(
        issuer=issuer,
        subject=subject,
        email=email,
        given_name=str(userinfo.get("given_name") or "").strip()[:150],
        usual_name=str(userinfo.get("usual_name") or userinfo.get("family_name") or "").strip()[:150],
        uid=str(userinfo.get("uid") or ""),
        siret=siret if len(siret) == 14 and siret.isdigit() else "",
        idp_id=str(userinfo.get("idp_id") or id_token.get("idp_id") or "")[:100],
        acr=str(id_token.get("acr") or "")[:200],
        amr=tuple(str(m) for m in amr) if isinstance(amr, list) else (str(amr),),
    )


class ProConnectBackend(OIDCAuthenticationBackend):
    """Authenticates the callback of a ProConnect login; every other ``authenticate()`` call passes.

    The endpoints are read from the discovery document only when a ProConnect callback arrives, so a
    password login never waits for ProConnect.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from django.contrib.auth import get_user_model

        self.UserModel = get_user_model()
        self.refusal = ""

    def authenticate(self, request: Any, **kwargs: Any) -> Any:
        if request is None or "nonce" not in kwargs or not enabled():
            return None
        if not (request.GET.get("code") and request.GET.get("state")):
            return None
        try:
            self.metadata = provider_metadata()
        except ProConnectError as error:
            request.atlasia_oidc_refusal = str(error)
            return None
        self.OIDC_OP_TOKEN_ENDPOINT = self.metadata.token_endpoint
        self.OIDC_OP_USER_ENDPOINT = self.metadata.userinfo_endpoint
        self.OIDC_OP_JWKS_ENDPOINT = self.metadata.jwks_uri
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.OIDC_RP_CLIENT_SECRET
        self.OIDC_RP_SIGN_ALGO = settings.OIDC_RP_SIGN_ALGO
        self.OIDC_RP_IDP_SIGN_KEY = None
        try:
            return super().authenticate(request, **kwargs)
        except LoginRefused as error:
            logger.warning("ProConnect login refused: %s", error)
            request.atlasia_oidc_refusal = str(error)
        except (SuspiciousOperation, jwt.PyJWTError) as error:
            logger.warning("ProConnect login refused (token check): %s", error)
            request.atlasia_oidc_refusal = _("La réponse de ProConnect n'a pas pu être vérifiée. Réessayez.")
        except (requests.RequestException, ValueError) as error:
            logger.warning("ProConnect login failed (provider call): %s", error)
            request.atlasia_oidc_refusal = _("ProConnect ne répond pas pour le moment. Réessayez plus tard.")
        return None

    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any]:
        """mozilla-django-oidc checks the signature, ``exp`` and the nonce; check ``iss`` and ``aud`` too."""
        payload: dict[str, Any] = super().verify_token(token, **kwargs)
        is_id_token = "nonce" in kwargs
        if (is_id_token or "iss" in payload) and payload.get("iss") != self.metadata.issuer:
            raise SuspiciousOperation(f"Unexpected issuer {payload.get('iss')!r}")
        if is_id_token or "aud" in payload:
            audience = payload.get("aud")
            audiences = audience if isinstance(audience, list) else [audience]
            if self.OIDC_RP_CLIENT_ID not in audiences:
                raise SuspiciousOperation(f"Unexpected audience {audience!r}")
        if is_id_token and "exp" not in payload:
            raise SuspiciousOperation("id_token without exp")
        return payload

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict[str, Any]) -> Any:
        from .services import oidc_login

        userinfo = self.get_userinfo(access_token, id_token, payload)
        identity = identity_from_claims(self.metadata.issuer, payload, userinfo)
        user = oidc_login(identity=identity)
        # Read by the callback view once the session is open (the session may be flushed by login()).
        user.atlasia_oidc = {"id_token": id_token, "identity": identity}  # type: ignore[attr-defined]
        return user
