"""Reading a lazily translated value in both languages of the platform, whatever the active one."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.utils import translation

T = TypeVar("T")


def in_french_and_english(read: Callable[[], T]) -> tuple[T, T]:
    """``read()`` with French active, then with English active (a report or a label is stored once and
    read later in either language; Django's lazy texts depend on the language active when read)."""
    with translation.override("fr"):
        french = read()
    with translation.override("en"):
        english = read()
    return french, english
