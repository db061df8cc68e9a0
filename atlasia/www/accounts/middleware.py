"""Sends a logged-in person who still owes a second factor to the verification or enrolment page."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import Resolver404, resolve, reverse

from atlasia.accounts import twofactor
from atlasia.www.public_urls import PUBLIC_URL_NAMES

# Pages reachable before the second factor: the two-factor pages themselves, logout, language switch.
ALLOWED_BEFORE_SECOND_FACTOR = {
    "twofactor_setup",
    "twofactor_qrcode",
    "twofactor_verify",
    "logout",
    "proconnect_logout_return",
}
# Public pages that show a logged-in person their own data: "/" is the public home for an anonymous
# visitor but the dashboard once logged in, so it waits for the second factor like any private page.
SECOND_FACTOR_EVEN_IF_PUBLIC = {"home"}


class TwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        step = twofactor.pending_step(request)
        if step is not None:
            try:
                name = resolve(request.path_info).url_name or ""
            except Resolver404:
                name = ""
            public = name in PUBLIC_URL_NAMES and name not in SECOND_FACTOR_EVEN_IF_PUBLIC
            if name not in ALLOWED_BEFORE_SECOND_FACTOR and not public:
                target = "twofactor_verify" if step == twofactor.Step.VERIFY else "twofactor_setup"
                query = urlencode({"next": request.get_full_path()}) if request.method == "GET" else ""
                return HttpResponseRedirect(reverse(target) + (f"?{query}" if query else ""))
        return self.get_response(request)
