"""Screens of one's account: the account page, two-factor enrolment, verification and backup codes."""

from __future__ import annotations

from base64 import b32encode
from typing import Any
from urllib.parse import urlencode

import django_otp
import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from atlasia.accounts import selectors, services, twofactor
from atlasia.registry import selectors as registry_selectors

SESSION_NEW_CODES = "atlasia_new_backup_codes"


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


def _grouped(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@require_GET
@never_cache
def account(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    return render(
        request,
        "accounts/account.html",
        {
            "title": _("Mon compte"),
            "memberships": user.memberships.select_related("organisation").order_by("organisation__name"),
            "has_2fa": services.user_has_confirmed_totp(user),
            "backup_codes_left": selectors.backup_codes_left(user),
            "required_2fa": twofactor.is_required_for(user),
            "verified_by_proconnect": twofactor.verified_by_proconnect(request),
            "identities": registry_selectors.proconnect_identities(user),
        },
    )


@require_http_methods(["GET", "POST"])
@never_cache
def twofactor_setup(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator application: QR code (made here, no remote service), secret, first code."""
    user: Any = request.user
    if services.user_has_confirmed_totp(user) and not request.user.is_verified():  # type: ignore[union-attr]
        return redirect("twofactor_verify")
    device = services.totp_device_pending(user=user)
    error = ""
    if request.method == "POST":
        try:
            codes = services.totp_confirm(user=user, device=device, token=request.POST.get("token", ""))
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            device.refresh_from_db()
            django_otp.login(request, device)
            request.session[SESSION_NEW_CODES] = codes
            messages.success(request, _("La double authentification est activée."))
            target = reverse("twofactor_backup_codes_show")
            if next_url := _next_url(request):
                target += "?" + urlencode({"next": next_url})
            return redirect(target)
    return render(
        request,
        "accounts/twofactor_setup.html",
        {
            "title": _("Activer la double authentification"),
            "secret": _grouped(b32encode(device.bin_key).decode()),
            "error": error,
            "next": _next_url(request),
            "required": twofactor.is_required_for(user),
        },
        status=400 if error else 200,
    )


@require_GET
@never_cache
def twofactor_qrcode(request: HttpRequest) -> HttpResponse:
    """The QR code of the pending device only: a confirmed secret is never shown again."""
    device = services.totp_device_pending(user=request.user)  # type: ignore[arg-type]
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return HttpResponse(image.to_string(), content_type="image/svg+xml")


@require_http_methods(["GET", "POST"])
@never_cache
def twofactor_verify(request: HttpRequest) -> HttpResponse:
    """Second step of the login: a code of the application, or one of the backup codes."""
    user: Any = request.user
    if user.is_verified() or not twofactor.has_confirmed_device(user):
        return redirect(_next_url(request) or "home")
    error = ""
    if request.method == "POST":
        token = "".join(request.POST.get("token", "").split()).lower()
        device = django_otp.match_token(user, token) if token else None
        if device is None:
            error = _(
                "Ce code n'est pas valable. Tapez le code à 6 chiffres affiché par votre application, "
                "ou un code de secours. Après plusieurs erreurs, il faut attendre avant de réessayer."
            )
        else:
            django_otp.login(request, device)
            services.twofactor_verified(user=user, device=device)
            return redirect(_next_url(request) or "home")
    return render(
        request,
        "accounts/twofactor_verify.html",
        {"title": _("Vérification en deux étapes"), "error": error, "next": _next_url(request)},
        status=400 if error else 200,
    )


@require_GET
@never_cache
def twofactor_backup_codes_show(request: HttpRequest) -> HttpResponse:
    codes = request.session.pop(SESSION_NEW_CODES, None)
    if not codes:
        return redirect("account")
    return render(
        request,
        "accounts/backup_codes.html",
        {"title": _("Vos codes de secours"), "codes": codes, "next": _next_url(request)},
    )


@require_POST
def twofactor_backup_codes_new(request: HttpRequest) -> HttpResponse:
    try:
        codes = services.backup_codes_regenerate(user=request.user)  # type: ignore[arg-type]
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("account")
    request.session[SESSION_NEW_CODES] = codes
    return redirect("twofactor_backup_codes_show")


@require_POST
def twofactor_disable(request: HttpRequest) -> HttpResponse:
    try:
        services.twofactor_disable(user=request.user)  # type: ignore[arg-type]
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("La double authentification est retirée de votre compte."))
    return redirect("account")
