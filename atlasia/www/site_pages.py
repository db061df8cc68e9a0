"""The pages every State site carries (legal notice, personal-data notice, accessibility statement, site
map) and the public home an anonymous visitor gets on ``/``. Public: listed in ``public_urls.py``."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from atlasia.registry import selectors as registry_selectors

from . import extensions

# The accessibility statement's date: change it when the statement changes (its list of checked pages
# follows tests/browser/test_accessibility.py).
ACCESSIBILITY_STATEMENT_DATE = datetime.date(2026, 12, 6)


def _legal() -> dict[str, Any]:
    return {"legal": settings.ATLASIA_LEGAL}


def public_home(request: HttpRequest) -> HttpResponse:
    """``/`` for an anonymous visitor: what the platform is, and the ways into what is public."""
    public = registry_selectors.public_usecases()
    return render(
        request,
        "www/site/public_home.html",
        {
            "title": _("Accueil"),
            "public_count": public.count(),
            "organisation_count": public.order_by().values("organisation_id").distinct().count(),
        },
    )


@login_not_required
@require_GET
def legal_notice(request: HttpRequest) -> HttpResponse:
    return render(request, "www/site/legal_notice.html", {"title": _("Mentions légales"), **_legal()})


@login_not_required
@require_GET
def personal_data(request: HttpRequest) -> HttpResponse:
    context = {
        "title": _("Données personnelles"),
        "login_days": settings.ATLASIA_LOGIN_LOG_RETENTION_DAYS,
        "problem_days": settings.ATLASIA_PROBLEM_EMAIL_RETENTION_DAYS,
        "idle_minutes": settings.SESSION_COOKIE_AGE // 60,
        "max_hours": settings.ATLASIA_SESSION_MAX_AGE // 3600,
        **_legal(),
    }
    return render(request, "www/site/personal_data.html", context)


@login_not_required
@require_GET
def accessibility(request: HttpRequest) -> HttpResponse:
    context = {
        "title": _("Déclaration d'accessibilité"),
        "statement_date": ACCESSIBILITY_STATEMENT_DATE,
        **_legal(),
    }
    return render(request, "www/site/accessibility.html", context)


@login_not_required
@require_GET
def site_map(request: HttpRequest) -> HttpResponse:
    groups = extensions.nav_menu(request) if request.user.is_authenticated else []
    return render(request, "www/site/site_map.html", {"title": _("Plan du site"), "groups": groups})
