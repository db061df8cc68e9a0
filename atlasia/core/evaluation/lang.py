"""The language of the engine's sentences and figures (no Django here): French by default.

The reading sentences and the chart labels are French source strings passed through ``Lang.t`` (a
``gettext``), written as whole sentences with named placeholders so that a translation can reorder
them; numbers are written with the language's decimal mark, thousands separator and percent sign.
The web interface passes Django's ``gettext`` and its catalogue (``locale/en/LC_MESSAGES/django.po``)
holds the English of every string; the command line passes the same catalogue read with the standard
library's gettext (``atlasia evaluate --lang en``, :mod:`atlasia.core.cli_language`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from atlasia.core.messages import untranslated


@dataclass(frozen=True)
class Lang:
    gettext: Callable[[str], str] = untranslated
    decimal: str = ","
    thousands: str = " "  # « 186 000 »
    percent: str = " %"  # « 85 % »

    def t(self, text: str) -> str:
        return self.gettext(text)

    def number(self, x: float | None, digits: int = 2) -> str:
        if x is None:
            return self.t("non défini")
        return f"{x:.{digits}f}".replace(".", self.decimal).replace("-", "−")

    def integer(self, n: int) -> str:
        return f"{int(n):,}".replace(",", self.thousands).replace("-", "−")

    def pct(self, x: float | None, digits: int = 0) -> str:
        if x is None:
            return self.t("non défini")
        return f"{self.number(100 * x, digits)}{self.percent}"


FR = Lang()


def english(gettext: Callable[[str], str]) -> Lang:
    return Lang(gettext, decimal=".", thousands=",", percent="%")
