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
domains' panels) or on other organisations (partners) is rendered at each request; the similar
records panel is a fragment of its own, keyed by the record's version and by what the reader may see of
its stored neighbours (``www/search/hooks.py``). ``tests/www/test_detail_fragments.py`` checks both:
the cached page is the page rendered afresh for every role and language, and each kind of change shows
at once.

A page reads all its fragments from the cache in one round trip (:class:`FragmentBatch`, used by
``{% load fragment_cache %}``'s ``{% cache %}`` tag): the keys of the fragments of its template and of
the templates it extends, and those a view announced with :func:`prefetch`.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.core.cache.backends.base import BaseCache
from django.core.cache.utils import make_template_fragment_key

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


def stamp_of(request: Any) -> str:
    """:func:`stamp`, read once per request (the context processor and the panels that announce their
    fragment share it: one cache read)."""
    if request is None:
        return stamp()
    known = getattr(request, "_atlasia_fragment_stamp", None)
    if known is None:
        known = request._atlasia_fragment_stamp = stamp()
    return str(known)


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


class FragmentBatch:
    """The fragment keys of one request, read from the cache together: the first fragment rendered
    reads every key wanted so far with one ``get_many``; a key nobody announced is read alone."""

    def __init__(self) -> None:
        self._wanted: dict[str, None] = {}  # an ordered set
        self._read: dict[str, Any] = {}
        self._pages: set[int] = set()

    def first_render_of(self, page: object) -> bool:
        """True the first time a fragment of the page (a top-level template) renders in this request."""
        if id(page) in self._pages:
            return False
        self._pages.add(id(page))
        return True

    def want(self, *keys: str) -> None:
        for key in keys:
            if key not in self._read:
                self._wanted[key] = None

    def read(self, key: str, cache: BaseCache) -> Any:
        """The cached fragment (``None`` when absent), every pending key read with it."""
        if key not in self._read:
            if key in self._wanted:
                pending = list(self._wanted)
                self._wanted.clear()
                found = cache.get_many(pending)
                self._read.update({k: found.get(k) for k in pending})
            else:
                self._read[key] = cache.get(key)
        return self._read[key]

    def remember(self, key: str, value: Any) -> None:
        self._read[key] = value


def batch_of(request: Any) -> FragmentBatch | None:
    """The request's batch (made on first use); ``None`` outside a request (a template rendered alone)."""
    if request is None:
        return None
    batch = getattr(request, "_atlasia_fragments", None)
    if batch is None:
        batch = FragmentBatch()
        request._atlasia_fragments = batch
    return batch


def prefetch(request: Any, name: str, *vary_on: Any) -> None:
    """Announce a fragment the page will render where its key cannot be computed from the page's
    context (a panel included in a loop): read in the page's one round trip."""
    batch = batch_of(request)
    if batch is not None:
        batch.want(make_template_fragment_key(name, vary_on))
