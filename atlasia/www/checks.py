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
