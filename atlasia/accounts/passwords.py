"""Password rules (OWASP ASVS L2 V2.1): a French list of common passwords besides Django's English one."""

from __future__ import annotations

import string
from pathlib import Path
from typing import Any

from django.contrib.auth.password_validation import CommonPasswordValidator
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

FRENCH_LIST = Path(__file__).resolve().parent / "data" / "mots-de-passe-courants.txt.gz"
_DECORATION = string.digits + string.punctuation + " "


class FrenchCommonPasswordValidator(CommonPasswordValidator):
    """Refuses a password found in the 20,000 most common French passwords (data/README.md gives the
    source), as typed or stripped of the digits and signs around it: « Marseille2026! » is « marseille »."""

    def __init__(self, password_list_path: Path | str = FRENCH_LIST) -> None:
        super().__init__(password_list_path=password_list_path)

    def validate(self, password: str, user: Any = None) -> None:
        typed = password.lower().strip()
        stem = typed.strip(_DECORATION)
        if typed in self.passwords or (len(stem) >= 3 and stem in self.passwords):
            raise ValidationError(
                _(
                    "Ce mot de passe figure parmi les mots de passe les plus courants en France "
                    "(éventuellement entouré de chiffres ou de signes) : choisissez-en un autre."
                ),
                code="password_too_common",
            )

    def get_help_text(self) -> str:
        return _("Votre mot de passe ne peut pas être un mot de passe couramment utilisé en France.")
