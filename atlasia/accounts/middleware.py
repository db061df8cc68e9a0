"""Session hardening (OWASP ASVS L2 V3.3 and V8.2): absolute session lifetime, and no copy of a logged-in
page kept by the browser or a proxy cache (``Cache-Control: no-store``). The idle timeout itself is the
session cookie's sliding expiry (``SESSION_COOKIE_AGE`` with ``SESSION_SAVE_EVERY_REQUEST``)."""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import add_never_cache_headers, patch_cache_control

from .security import LOGIN_AT_KEY


class SessionSecurityMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            started = request.session.get(LOGIN_AT_KEY)
            if started is None:
                request.session[LOGIN_AT_KEY] = now
            elif now - int(started) > settings.ATLASIA_SESSION_MAX_AGE:
                logout(request)
                return redirect_to_login(request.get_full_path())
        response = self.get_response(request)
        _allow_forms_to_lead_to_proconnect(response)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
            patch_cache_control(response, no_store=True, private=True)
        return response


def _allow_forms_to_lead_to_proconnect(response: HttpResponseBase) -> None:
    """The ProConnect button and the logout are forms whose answer redirects to the provider; browsers
    apply the page's ``form-action`` to that redirect, so the provider's origin is added to it while
    ProConnect is configured (read at each request: tests start a provider on a free port)."""
    issuer = settings.ATLASIA_OIDC_ISSUER
    if not issuer:
        return
    parts = urlsplit(issuer)
    update = dict(getattr(response, "_csp_update", None) or {})
    update["form-action"] = [*update.get("form-action", []), f"{parts.scheme}://{parts.netloc}"]
    response._csp_update = update  # type: ignore[attr-defined]  # read by django-csp's middleware
