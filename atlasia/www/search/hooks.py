"""Registration of the search screens in the shared extension points."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language, gettext_lazy

from atlasia.accounts.actor import actor_of
from atlasia.registry import selectors as registry_selectors
from atlasia.www import extensions, fragments


def _similar_panel(request: HttpRequest, use_case: Any) -> dict[str, Any] | None:
    """The « similar use cases » panel: its rendering is cached (``search/_similar_panel.html``) under
    ``key``, the record's version (its text drives the shared terms, its theme and technique the other
    reasons) and, for each neighbour the reader may see, its id, score, last save and its organisation's
    last save (title, tags, theme, technique, organisation name): any change of what the panel shows, of
    the stored neighbours or of what the reader may see gives a new key. One query on a cached panel;
    the records and their reasons (``similar``) are read only when it is rendered afresh. A record not
    embedded yet gets the full-text fallback, rendered at each request (``key`` empty)."""
    from atlasia.search import selectors as search_selectors

    actor = actor_of(request)
    neighbours = search_selectors.visible_neighbours(actor, use_case)
    if not neighbours and not search_selectors.is_embedded(use_case):
        return {"similar": search_selectors.similar_by_text(actor, use_case), "key": ""}
    stamps = ";".join(
        f"{n.target_id}:{n.score!r}:{n.saved.timestamp()!r}:{n.organisation_saved.timestamp()!r}"
        for n in neighbours
    )
    key = f"{registry_selectors.usecase_content_key(use_case)}|{stamps}"
    # Read with the page's other fragments, in its one cache round trip (www/fragments.py).
    fragments.prefetch(request, "similar_panel", fragments.stamp_of(request), get_language(), key)
    return {
        "similar": SimpleLazyObject(lambda: search_selectors.similar_records(actor, use_case, neighbours)),
        "key": key,
    }


def register() -> None:
    extensions.register_nav(gettext_lazy("Recherche"), "search", order=15, match_prefix="/recherche/")
    extensions.register_panel(
        "similar_usecases",
        "search/_similar_panel.html",
        _similar_panel,
        order=90,
        anchor="similaires-titre",
        title=gettext_lazy("Cas d'usage semblables ailleurs"),
    )
