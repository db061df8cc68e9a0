"""French identifiers: SIREN (Luhn key), FINESS (format), INSEE region and department codes."""

from __future__ import annotations

import re

_FINESS_RE = re.compile(r"^[0-9][0-9AB][0-9]{7}$")
_FINESS_LOOSE_RE = re.compile(r"^[0-9][0-9A-Z][0-9]{7}$")


def luhn_valid(digits: str) -> bool:
    """True when the string of digits passes the Luhn checksum."""
    if not digits.isdigit():
        return False
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def normalise_siren(value: str) -> str:
    return re.sub(r"[\s.\-]", "", value or "")


def siren_error(value: str) -> str | None:
    """A French message explaining why ``value`` is not a SIREN, or None when it is one."""
    siren = normalise_siren(value)
    if not siren.isdigit() or len(siren) != 9:
        return f"Le SIREN « {value} » doit compter exactement 9 chiffres."
    if not luhn_valid(siren):
        return f"Le SIREN « {value} » n'est pas valide : sa clé de contrôle (algorithme de Luhn) est fausse."
    return None


def finess_error(value: str) -> str | None:
    """A French message explaining why ``value`` is not a FINESS number, or None when it is one.

    A FINESS number has 9 characters: the department (2 characters, 2A/2B for Corsica, 97/98 for
    overseas), then 7 digits, the last being a key.
    """
    finess = (value or "").strip().upper()
    if len(finess) != 9:
        return f"Le numéro FINESS « {value} » doit compter exactement 9 caractères."
    if not _FINESS_LOOSE_RE.match(finess):
        return (
            f"Le numéro FINESS « {value} » n'a pas le bon format : 2 caractères de département "
            "(chiffres, ou 2A/2B pour la Corse) suivis de 7 chiffres."
        )
    return None
