"""Messages of the core for people, as a stable code and parameters, rendered in a language by whoever
shows them (no Django here).

The core cannot call Django's ``gettext``, yet what it says (a spreadsheet's errors, an evaluation file's
refusals) is stored in reports and read later by French and English users. So a message is kept as
``Message(code, params)``: ``code`` names a French template (``CATALOGUE``) written as a whole sentence
with named placeholders, so that a translation can reorder it; ``params`` are JSON values. The French
text is rendered at once (it is what the reports stored before codes existed hold, and what the command
line prints); the screens render the code again in the reader's language with a :class:`Locale` built on
Django's ``gettext`` (``locale/en/LC_MESSAGES/django.po`` holds the English of every template, with the
French template as its msgid).

A parameter is a plain JSON value (shown as it is: a header typed by the user, a line number) or a tagged
one, formatted per language:

- ``{"$n": 1000000}``: a number with thousands separators (« 1 000 000 », "1,000,000");
- ``{"$date": "2026-03-12"}``: a date (« 12/03/2026 », "2026-03-12");
- ``{"$size": 1536}``: a size in bytes (« 2 ko », "2 KB"; « 1,5 Mo », "1.5 MB" from one megabyte);
- ``{"$mb": 1536}``: a size in bytes, always in megabytes with one decimal (« 0,0 Mo », "0.0 MB");
- ``{"$t": "Titre"}``: a French word or phrase of the catalogue (a column's label, a status), translated;
- ``{"$quoted": [...]}``: values, each quoted, separated by commas (« « Titre », « Thème » »);
- ``{"$msg": {"code": …, "params": …}}``: a message within a message;
- ``{"$lang": {"fr": "Santé", "en": "Health"}}``: a value already written in each language (a reference
  list's label, a refusal Django wrote in both), shown in the reader's (French when it lacks one).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any


def untranslated(text: str) -> str:
    """The ``gettext`` of French, the source language: the text as it is. The one such function of the
    core (the command line, the evaluation's :class:`~atlasia.core.evaluation.lang.Lang`, the messages'
    :class:`Locale`)."""
    return text


@dataclass(frozen=True)
class Locale:
    """How a language writes what the messages hold: its ``gettext``, numbers, dates, sizes, quotes."""

    code: str = "fr"
    gettext: Callable[[str], str] = untranslated
    thousands: str = "\u202f"  # « 1 000 000 » (narrow no-break space)
    decimal: str = ","
    date_format: str = "%d/%m/%Y"
    quotes: tuple[str, str] = ("« ", " »")
    kilobyte: str = "ko"
    megabyte: str = "Mo"

    def t(self, text: str) -> str:
        return self.gettext(text) if text else text

    def integer(self, n: int) -> str:
        return f"{int(n):,}".replace(",", self.thousands)

    def date(self, value: dt.date | str) -> str:
        if isinstance(value, str):
            value = dt.date.fromisoformat(value[:10])
        return value.strftime(self.date_format)

    def size(self, n: int) -> str:
        if n >= 1024 * 1024:
            return f"{n / (1024 * 1024):.1f}".replace(".", self.decimal) + f" {self.megabyte}"
        return f"{max(1, n // 1024)} {self.kilobyte}"

    def megabytes(self, n: int) -> str:
        return f"{n / (1024 * 1024):.1f}".replace(".", self.decimal) + f" {self.megabyte}"

    def quote(self, text: str) -> str:
        return f"{self.quotes[0]}{text}{self.quotes[1]}"


FR = Locale()


def english(gettext: Callable[[str], str]) -> Locale:
    """English: "1,000,000", ISO dates (unambiguous on both sides of the Atlantic), “quotes”, KB/MB."""
    return Locale(
        code="en",
        gettext=gettext,
        thousands=",",
        decimal=".",
        date_format="%Y-%m-%d",
        quotes=("“", "”"),
        kilobyte="KB",
        megabyte="MB",
    )


#: code → French template (``%(name)s`` placeholders). Each module of the core registers its own.
CATALOGUE: dict[str, str] = {}

#: A message stored as plain text (a report written before codes, a message from outside the core): shown
#: as it is in every language.
VERBATIM = "text"
CATALOGUE[VERBATIM] = "%(text)s"


def register(templates: Mapping[str, str]) -> Callable[..., Message]:
    """Add a module's templates to the catalogue; returns that module's ``message(code, **params)``,
    which refuses (``KeyError``) a code the module did not register."""
    for code, template in templates.items():
        if CATALOGUE.get(code, template) != template:
            raise ValueError(f"message code {code!r} registered twice with different texts")
        CATALOGUE[code] = template
    own = frozenset(templates)

    def message(code: str, **params: Any) -> Message:
        if code not in own:
            raise KeyError(code)
        return Message(code, params)

    return message


PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def placeholders(code: str) -> list[str]:
    return PLACEHOLDER.findall(CATALOGUE[code])


@dataclass(frozen=True)
class Message:
    """A message for people: a stable code for programs and translations, its parameters (JSON)."""

    code: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def render(self, locale: Locale = FR) -> str:
        template = CATALOGUE[self.code]
        values = {
            name: render_value(self.params.get(name, ""), locale) for name in PLACEHOLDER.findall(template)
        }
        if self.code == VERBATIM:
            return str(values["text"])
        text = locale.t(template)
        return text % values if values else text

    def __str__(self) -> str:
        return self.render(FR)

    def data(self) -> dict[str, Any]:
        return {"code": self.code, "params": dict(self.params)}

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Message:
        return cls(str(data["code"]), dict(data.get("params") or {}))

    @classmethod
    def verbatim(cls, text: str) -> Message:
        return cls(VERBATIM, {"text": text})


def render_value(value: Any, locale: Locale = FR) -> str:
    if isinstance(value, Mapping) and len(value) == 1:
        ((tag, inner),) = value.items()
        if tag == "$n":
            return locale.integer(inner)
        if tag == "$date":
            return locale.date(inner)
        if tag == "$size":
            return locale.size(inner)
        if tag == "$mb":
            return locale.megabytes(inner)
        if tag == "$t":
            return locale.t(str(inner))
        if tag == "$quoted":
            return ", ".join(locale.quote(render_value(v, locale)) for v in inner)
        if tag == "$msg":
            return Message.from_data(inner).render(locale)
        if tag == "$lang":
            return str(inner.get(locale.code) or inner.get("fr") or "")
    if value is None:
        return ""
    return str(value)


def n(value: int) -> dict[str, int]:
    """A number shown with the language's thousands separator."""
    return {"$n": int(value)}


def date(value: dt.date) -> dict[str, str]:
    return {"$date": value.isoformat()}


def size(value: int) -> dict[str, int]:
    return {"$size": int(value)}


def mb(value: float) -> dict[str, int]:
    return {"$mb": int(value)}


def word(french: str) -> dict[str, str]:
    """A French word or phrase of the catalogue (a column's label, a status), translated when shown."""
    return {"$t": french}


def quoted(values: list[Any]) -> dict[str, list[Any]]:
    return {"$quoted": list(values)}


def in_languages(french: str, english: str) -> dict[str, dict[str, str]]:
    """A value written in French and in English (English left empty: the French is shown)."""
    return {"$lang": {"fr": french, "en": english}}


def nested(message: Message) -> dict[str, Any]:
    return {"$msg": message.data()}


def localise(text: str, data: Mapping[str, Any] | None, locale: Locale) -> str:
    """What to show for a stored message: ``data`` (its code and parameters) rendered in ``locale``, else
    the stored French ``text`` (a report written before codes existed, a code since removed)."""
    if not data:
        return text
    try:
        return Message.from_data(data).render(locale)
    except (KeyError, TypeError, ValueError, AttributeError):
        return text
