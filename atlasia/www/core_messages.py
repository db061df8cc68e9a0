"""The core's messages (:mod:`atlasia.core.messages`) in the reader's language.

The core stores a French text and, next to it, a code with parameters; the screens render the code again
with Django's ``gettext`` (the catalogue's msgid is the French template) and the language's numbers and
dates. A report stored before the codes existed has the French text only, which is then shown as it is.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.translation import get_language, gettext

from atlasia.core.messages import FR, Locale, Message, english, localise


def locale() -> Locale:
    """The active language's :class:`Locale` (French: the core's own, so the text is the stored one)."""
    return english(gettext) if (get_language() or "fr").startswith("en") else FR


def shown(text: str, data: Mapping[str, Any] | None, where: Locale | None = None) -> str:
    """One stored message in the reader's language."""
    return localise(text, data, where or locale())


def shown_all(texts: Sequence[str], data: Sequence[Mapping[str, Any] | None] | None) -> list[str]:
    """Stored messages (``texts``, French) and their codes (``data``, the same length, or absent in a
    report stored before codes) in the reader's language."""
    where = locale()
    if not data or len(data) != len(texts):
        return list(texts)
    return [localise(text, item, where) for text, item in zip(texts, data, strict=True)]


def shown_error(error: Exception) -> str:
    """An engine's refusal (an exception whose ``text`` is a :class:`Message`) in the reader's language;
    any other error: its message as it is."""
    text = getattr(error, "text", None)
    if isinstance(text, Message):
        return text.render(locale())
    return str(getattr(error, "message", None) or error)
