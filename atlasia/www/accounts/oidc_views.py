"""Screens of the ProConnect login: start, callback, logout and the return from ProConnect's logout.

mozilla-django-oidc's views do the protocol (state and nonce in the session, token exchange); these
subclasses read the endpoints from the discovery document, ask for ``amr``, and turn every refusal into a
French message on the login page (logged, never a 400 or a 500).
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.crypto import get_random_string
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_GET, require_POST
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from atlasia.accounts import oidc, twofactor

logger = logging.getLogger("atlasia.accounts.oidc")

SESSION_LOGOUT_STATE = "atlasia_oidc_logout_state"


@method_decorator(login_not_required, name="dispatch")
class ProConnectLoginView(OIDCAuthenticationRequestView):
    """Redirects the browser to ProConnect's authorization endpoint (state and nonce kept in the session)."""

    def __init__(self, **kwargs: Any) -> None:
        View.__init__(self, **kwargs)  # the endpoints are read at request time, from the discovery document

    def get(self, request: HttpRequest) -> HttpResponse:
        try:
            metadata = oidc.provider_metadata()
        except oidc.ProConnectError as error:
            messages.error(
                request,
                _("%(error)s Connectez-vous avec votre mot de passe ou réessayez.") % {"error": error},
            )
            return redirect("login")
        self.OIDC_OP_AUTH_ENDPOINT = metadata.authorization_endpoint
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        return super().get(request)

    def get_extra_params(self, request: HttpRequest) -> dict[str, str]:
        return {"claims": oidc.AUTHORIZATION_CLAIMS}


@method_decorator(login_not_required, name="dispatch")
class ProConnectCallbackView(OIDCAuthenticationCallbackView):
    """ProConnect's ``redirect_uri``: checks the state, lets the backend check the tokens, logs in."""

    refusal = ""

    def get(self, request: HttpRequest) -> HttpResponse:
        if request.GET.get("error"):
            logger.warning(
                "ProConnect callback with error %r: %s",
                request.GET.get("error"),
                request.GET.get("error_description", "")[:300],
            )
            self.refusal = _("ProConnect a interrompu la connexion (%(error)s).") % {
                "error": request.GET.get("error", "")[:100]
            }
        elif request.GET.get("code") and request.GET.get("state") not in request.session.get(
            "oidc_states", {}
        ):
            # A callback this browser did not start (CSRF, replay, or a session that expired).
            logger.warning("ProConnect callback refused: unknown state")
            self.refusal = _(
                "Cette réponse de ProConnect ne correspond à aucune connexion commencée dans ce "
                "navigateur (elle a peut-être expiré). Recommencez la connexion."
            )
            return self.login_failure()
        return super().get(request)

    def login_failure(self) -> HttpResponse:
        reason = getattr(self.request, "atlasia_oidc_refusal", "") or self.refusal
        messages.error(self.request, reason or _("La connexion avec ProConnect a échoué. Réessayez."))
        return redirect("login")

    def login_success(self) -> HttpResponse:
        info = self.user.atlasia_oidc
        response: HttpResponse = super().login_success()
        # After auth.login(): the session of the new login carries the id_token (ProConnect's logout needs
        # it) and whether ProConnect's identity provider used two factors (the two-factor policy reads it).
        self.request.session["oidc_id_token"] = info["id_token"]
        twofactor.record_proconnect_login(self.request, info["identity"])
        return response


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    """Ends the Atlas IA session, then ProConnect's when the person came through it (browser redirect)."""
    id_token = request.session.get("oidc_id_token", "")
    end_session = ""
    if id_token and oidc.enabled():
        try:
            end_session = oidc.provider_metadata().end_session_endpoint
        except oidc.ProConnectError:
            end_session = ""
    auth.logout(request)
    if not end_session:
        return redirect(settings.LOGOUT_REDIRECT_URL)
    state = get_random_string(32)
    request.session[SESSION_LOGOUT_STATE] = state
    query = urlencode(
        {
            "id_token_hint": id_token,
            "state": state,
            "post_logout_redirect_uri": request.build_absolute_uri(reverse("proconnect_logout_return")),
        }
    )
    return HttpResponseRedirect(f"{end_session}?{query}")


@require_GET
@login_not_required
def logout_return(request: HttpRequest) -> HttpResponse:
    """ProConnect's ``post_logout_redirect_uri``: checks the state it sends back."""
    expected = request.session.pop(SESSION_LOGOUT_STATE, None)
    if expected and request.GET.get("state") == expected:
        messages.success(request, _("Vous êtes déconnecté·e d'Atlas IA et de ProConnect."))
    else:
        logger.warning("ProConnect logout return with an unknown state")
        messages.info(request, _("Vous êtes déconnecté·e d'Atlas IA."))
    return redirect("login")
