"""Template context shared by every page (no database query; one cache read)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext_lazy

from atlasia.accounts import oidc, perms
from atlasia.accounts.actor import actor_of
from atlasia.core.roles import Action

from . import extensions, fragments


class _SiteConfig:
    site_title = settings.ATLASIA_SITE_TITLE
    site_tagline = gettext_lazy(
        "Cartographier, qualifier, piloter et publier les usages de l'IA en santé et protection sociale"
    )
    footer_description = gettext_lazy(
        "Atlas IA est un logiciel libre pour les organismes publics de santé, du médico-social et de la "
        "protection sociale. Les résultats de qualification sont une aide et non un avis juridique."
    )
    header_brand_html = "République<br>Française"
    footer_brand_html = "République<br>Française"
    beta_tag = True
    notice_title = ""
    notice_description = ""
    mourning = False


def site(request: HttpRequest) -> dict[str, Any]:
    actor = actor_of(request)  # built once for the request, reused by the view's own checks
    menu = extensions.nav_menu(request) if actor.is_authenticated else []
    return {
        "SITE_CONFIG": _SiteConfig,
        "INSTANCE_NAME": settings.ATLASIA_INSTANCE_NAME,
        "can_create_usecase": perms.can_anywhere(actor, Action.USECASE_CREATE),
        "is_platform_admin": actor.is_platform_admin,
        "nav_menu": menu,
        # Keys of the cached fragments ({% cache %} in base.html and the list pages: www/fragments.py).
        "FRAGMENT_STAMP": fragments.stamp_of(request),
        "NAV_KEY": fragments.menu_key(menu),
        "PROCONNECT_ENABLED": oidc.enabled(),
    }
