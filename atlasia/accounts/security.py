"""Authentication hardening (OWASP ASVS L2, V2 and V3): the client's address behind the reverse proxy,
and the login events written to the audit log (success, failure, lockout, logout)."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.http import HttpRequest

from atlasia.audit.services import audit_login_event

from .models import User

# Session key holding the time of the login (seconds since the epoch), for the absolute session timeout.
LOGIN_AT_KEY = "_atlasia_login_at"


def client_ip(request: HttpRequest) -> str:
    """The client's address: ``REMOTE_ADDR``, or behind ``ATLASIA_TRUSTED_PROXY_COUNT`` reverse proxies the
    entry that the outermost of them appended to ``X-Forwarded-For`` (the entries on its left are typed
    by the client and cannot be trusted)."""
    count = settings.ATLASIA_TRUSTED_PROXY_COUNT
    remote = request.META.get("REMOTE_ADDR", "") or ""
    if count > 0:
        forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if p.strip()]
        if len(forwarded) >= count:
            return forwarded[-count]
    return remote


def _ip(request: HttpRequest | None) -> str:
    return client_ip(request) if request is not None else ""


def _from_a_client(request: HttpRequest | None) -> bool:
    """Whether the event comes from an HTTP request (every one has a client address). A login made in a
    shell or by a test's ``force_login`` has none and is not an event of the security journal."""
    return request is not None and bool(request.META.get("REMOTE_ADDR"))


def on_logged_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[LOGIN_AT_KEY] = int(time.time())
    if not _from_a_client(request):
        return
    audit_login_event(event="login", username=user.get_username(), user=user, ip_address=_ip(request))


def on_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kw: Any
) -> None:
    username = str(credentials.get("username", ""))[:150]
    locked = bool(getattr(request, "axes_locked_out", False))
    audit_login_event(
        event="login_refused_locked" if locked else "login_failed",
        username=username,
        user=User.objects.filter(username=username).first() if username else None,
        ip_address=_ip(request),
    )


def on_locked_out(
    sender: Any, request: HttpRequest | None, username: str, ip_address: str, **kw: Any
) -> None:
    audit_login_event(
        event="lockout",
        username=str(username or "")[:150],
        user=User.objects.filter(username=username).first() if username else None,
        ip_address=ip_address or _ip(request),
        message=(
            f"Connexion bloquée {settings.AXES_COOLOFF_TIME} après {settings.AXES_FAILURE_LIMIT} échecs "
            "pour ce compte depuis cette adresse."
        ),
    )


def on_logged_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is not None and _from_a_client(request):
        audit_login_event(event="logout", username=user.get_username(), user=user, ip_address=_ip(request))


def connect() -> None:
    """Called once by the app's ``ready()``."""
    from axes.signals import user_locked_out
    from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

    user_logged_in.connect(on_logged_in, dispatch_uid="atlasia-login-audit")
    user_login_failed.connect(on_login_failed, dispatch_uid="atlasia-login-failed-audit")
    user_logged_out.connect(on_logged_out, dispatch_uid="atlasia-logout-audit")
    user_locked_out.connect(on_locked_out, dispatch_uid="atlasia-lockout-audit")
