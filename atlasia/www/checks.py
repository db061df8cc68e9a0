"""Deployment checks (``manage.py check --deploy``, run by ``make serve``): the legal pages of a State
site need to know who runs the instance."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Tags, Warning, register

_LEGAL_VARIABLES = {
    "publisher": "ATLASIA_PUBLISHER",
    "publication_director": "ATLASIA_PUBLICATION_DIRECTOR",
    "hosting_provider": "ATLASIA_HOSTING_PROVIDER",
    "contact_email": "ATLASIA_CONTACT_EMAIL",
    "dpo_email": "ATLASIA_DPO_EMAIL",
}


@register(Tags.security, deploy=True)
def legal_pages_are_filled(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    missing = [variable for key, variable in _LEGAL_VARIABLES.items() if not settings.ATLASIA_LEGAL.get(key)]
    if not missing:
        return []
    return [
        Warning(
            "Les mentions légales, la page « Données personnelles » et la déclaration d'accessibilité "
            f"disent « non déclaré » tant que ces variables sont vides : {', '.join(missing)}.",
            hint="Voir docs/configuration.md et docs/deployment.md (§ 3).",
            id="atlasia.W001",
        )
    ]


@register(Tags.caches, deploy=True)
def shared_cache_in_production(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    """Several web processes with a per-process cache each keep their own copy of the cached fragments
    and reference lists: a change drops the copy of the process that made it only (until the backstop
    expiry). Production wants a shared cache (Redis)."""
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if not getattr(settings, "ATLASIA_PRODUCTION", False) or "locmem" not in backend.lower():
        return []
    return [
        Warning(
            "Le cache est la mémoire de chaque processus (ATLASIA_CACHE_URL vide) : avec plusieurs "
            "processus web, un changement des thèmes, techniques ou organisations n'est vu par les autres "
            "processus qu'à l'expiration de leur copie.",
            hint="ATLASIA_CACHE_URL=redis://127.0.0.1:6379/1 (docs/configuration.md).",
            id="atlasia.W002",
        )
    ]
