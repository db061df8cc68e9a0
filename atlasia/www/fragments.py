"""Keys of the page fragments cached with ``{% cache %}`` (the header menu, the footer, the list page's
filter form, the parts of the record page), rendered once and then read from the cache
(``ATLASIA_CACHE_URL``: Redis in production, shared by the web processes).

Every key holds the language and a *stamp*: the templates' modification times (a new release renders
afresh) and the registry's reference version (any change of a theme, a technique or a data category
drops the fragments showing their labels at once). What else a fragment depends on goes in its own key
(the menu: which link is current).

The record page (``www/usecase_detail.html``) caches what depends on the record alone, the same for every
reader: its header, text, data, landmarks, contacts and sources. Their key is the record's version
(:func:`atlasia.registry.selectors.usecase_content_key`: its last save, its latest audit row, its
algorithm's last save; the header adds its organisation's last save), so a change made through any
service shows on the next read. What depends on the reader (actions, forms with their CSRF token, the
domains' panels), on other organisations (partners) or on other records (similar records) is rendered at
each request. ``tests/www/test_detail_fragments.py`` checks both: the cached page is the page rendered
afresh for every role and language, and each kind of change shows at once.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path
from typing import Any

from atlasia.registry import selectors as registry_selectors

FRAGMENT_SECONDS = 600  # a backstop: every change that shows is in the key
TEMPLATES = Path(__file__).resolve().parent / "templates"


@lru_cache(maxsize=1)
def code_stamp() -> str:
    """The templates' latest modification time, read once per process."""
    latest = max((p.stat().st_mtime_ns for p in TEMPLATES.rglob("*.html")), default=0)
    return f"{latest:x}"


def stamp() -> str:
    return f"{code_stamp()}.{registry_selectors.reference_version()}"


def menu_key(menu: list[dict[str, Any]]) -> str:
    """What the rendered menu depends on besides the language: its links and which one is current."""
    shape = [
        (g["id"], g["current"], [(link["item"].url_name, link["current"]) for link in g["links"]])
        for g in menu
    ]
    return hashlib.sha1(repr(shape).encode(), usedforsecurity=False).hexdigest()[:16]


def values_key(data: Any, names: list[str]) -> str:
    """The submitted values of the fields ``names`` (a form fragment depends on nothing else)."""
    values = [(name, data.getlist(name)) for name in names if data.getlist(name)]
    return hashlib.sha1(repr(values).encode(), usedforsecurity=False).hexdigest()[:16]
