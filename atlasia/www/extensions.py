"""Extension points of the screens, so each domain adds its part without editing shared templates.

- **panels** on the use-case page: ``register_panel(key, template, context, order, column, anchor=,
  title=)``; the context function receives ``(request, use_case)`` and returns a dict, or ``None`` to hide
  the panel; ``anchor`` (its heading's id) and ``title`` put it in the page's « Sommaire ».
- **navigation** items in the header: ``register_nav(label, url_name, order, match_prefix)``.
- **tabs** on the use-case page: ``register_tab(key, label, template, context, order)``.

Apps register in their ``AppConfig.ready()``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

ContextFn = Callable[[HttpRequest, Any], dict[str, Any] | None]


@dataclass(frozen=True)
class Panel:
    key: str
    template: str
    context: ContextFn
    order: int = 100
    column: str = "main"  # "main" (wide column) or "side"
    # The id of the panel's heading and its title, for the page's « Sommaire » (in-page navigation).
    anchor: str = ""
    title: Any = None


@dataclass(frozen=True)
class NavItem:
    label: Any  # str or a lazy translation
    url_name: str
    order: int = 100
    match_prefix: str = ""


@dataclass(frozen=True)
class Tab:
    key: str
    label: Any  # str or a lazy translation
    template: str
    context: ContextFn
    order: int = 100


PANELS: dict[str, Panel] = {}
NAV_ITEMS: dict[str, NavItem] = {}
TABS: dict[str, Tab] = {}
#: Row flags of the use-case page: ``name -> model`` (whose ``use_case`` rows are looked for) or a
#: function returning an expression (an ``Exists``). The page's one query on the record carries them
#: all, and a panel skips its own query when the record has no row there (most records have no
#: incident, no committee opinion…).
ROW_FLAGS: dict[str, Any] = {}


def register_panel(
    key: str,
    template: str,
    context: ContextFn,
    order: int = 100,
    column: str = "main",
    *,
    anchor: str = "",
    title: Any = None,
) -> None:
    PANELS[key] = Panel(key, template, context, order, column, anchor, title)


def register_row_flag(name: str, rows: Any) -> None:
    """``rows``: a model with a ``use_case`` foreign key (the flag is true when the record has rows in
    it), or a function returning a boolean expression on the use case (an ``Exists`` reading the
    record's own columns), called once per process and day (:func:`packed_row_flags`). Read with
    :func:`may_have_rows` or :func:`row_flag`."""
    ROW_FLAGS[name] = rows


def row_flag_annotations() -> dict[str, Any]:
    """The annotations of the record page's query on the use case (one ``EXISTS`` per flag)."""
    from atlasia.registry.selectors import rows_exist

    return {
        f"has_rows_{name}": rows_exist(rows) if isinstance(rows, type) else rows()
        for name, rows in ROW_FLAGS.items()
    }


def packed_row_flags() -> Any:
    """The flags of :func:`row_flag_annotations` and the registry's relation flags, packed into one
    column of the record page's query (``registry.selectors.detail_flags``): compiled once per process
    and day, not at each request. A flag function is therefore called once a day: its expression may
    depend on today's date, on nothing else that changes (not the reader, not the time of day)."""
    from django.db import connection
    from django.utils import timezone

    return _packed_row_flags(timezone.localdate(), tuple(ROW_FLAGS.items()), connection.vendor)


@lru_cache(maxsize=4)
def _packed_row_flags(day: Any, flags: tuple[tuple[str, Any], ...], vendor: str) -> Any:
    from atlasia.registry.selectors import detail_flags, rows_exist

    return detail_flags(
        {f"has_rows_{name}": rows_exist(rows) if isinstance(rows, type) else rows() for name, rows in flags}
    )


def may_have_rows(use_case: Any, name: str) -> bool:
    """False only when the page's query found no row of the record in that table; a use case loaded
    without the flags (another page, a test) may have rows, so the panel queries as before."""
    return getattr(use_case, f"has_rows_{name}", True) is not False


def row_flag(use_case: Any, name: str) -> bool | None:
    """The flag as the page's query read it, ``None`` when the use case was loaded without it."""
    value = getattr(use_case, f"has_rows_{name}", None)
    return None if value is None else bool(value)


def register_nav(label: Any, url_name: str, order: int = 100, match_prefix: str = "") -> None:
    NAV_ITEMS[url_name] = NavItem(label, url_name, order, match_prefix)


def register_tab(key: str, label: Any, template: str, context: ContextFn, order: int = 100) -> None:
    TABS[key] = Tab(key, label, template, context, order)


def request_memo(request: HttpRequest, key: Any, compute: Callable[[], Any]) -> Any:
    """``compute()`` once per request for ``key``: panels that show the same rows (the lifecycle
    panel, the priority panel) read them once per page."""
    memo: dict[Any, Any] = request.__dict__.setdefault("_atlasia_memo", {})
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def panels_for(request: HttpRequest, use_case: Any) -> dict[str, list[dict[str, Any]]]:
    """Rendered-panel descriptors for the use-case page, grouped by column."""
    columns: dict[str, list[dict[str, Any]]] = {"main": [], "side": []}
    for panel in sorted(PANELS.values(), key=lambda p: (p.order, p.key)):
        context = panel.context(request, use_case)
        if context is not None:
            columns.setdefault(panel.column, []).append(
                {"template": panel.template, "context": context, "anchor": panel.anchor, "title": panel.title}
            )
    return columns


def tabs_for(request: HttpRequest, use_case: Any) -> list[Tab]:
    return sorted(TABS.values(), key=lambda t: (t.order, t.key))


def nav_items() -> list[NavItem]:
    return sorted(NAV_ITEMS.values(), key=lambda n: (n.order, n.label))


#: Header menu groups, by URL name. Items registered by the apps are placed in the group that
#: lists them; an item no group lists is shown in "Autres".
NAV_GROUPS: list[tuple[str, Any, list[str]]] = [
    ("registre", gettext_lazy("Registre"), ["usecase_list", "organisation_list", "search", "exchange_home"]),
    (
        "piloter",
        gettext_lazy("Piloter"),
        [
            "lifecycle_inbox",
            "lifecycle_portfolio",
            "qualification_portfolio",
            "compliance_portfolio",
            "monitoring_home",
            "evaluation_home",
            "campaigns_list",
            "committee_home",
        ],
    ),
    ("reseau", gettext_lazy("Réseau"), ["monitoring_ambassadors", "monitoring_literacy"]),
    (
        "publier",
        gettext_lazy("Publier"),
        ["publication_dashboard", "publication_report_list", "publication_register"],
    ),
]
_CORE_ITEMS = [
    NavItem(gettext_lazy("Cas d'usage"), "usecase_list", 10, "/cas-d-usage/"),
    NavItem(gettext_lazy("Organisations"), "organisation_list", 12, "/organisations/"),
]


def nav_menu(request: HttpRequest) -> list[dict[str, Any]]:
    """The header menu: groups of links, each marked current when the page belongs to it."""
    items = {item.url_name: item for item in [*_CORE_ITEMS, *NAV_ITEMS.values()]}
    url_name = getattr(getattr(request, "resolver_match", None), "url_name", None)
    path = request.path

    def is_current(item: NavItem) -> bool:
        return url_name == item.url_name or bool(item.match_prefix and path.startswith(item.match_prefix))

    menu: list[dict[str, Any]] = []
    placed: set[str] = set()
    for key, label, names in NAV_GROUPS:
        group = [items[n] for n in names if n in items]
        placed.update(n for n in names if n in items)
        if group:
            links = [{"item": i, "current": is_current(i)} for i in group]
            menu.append(
                {
                    "id": f"menu-{key}",
                    "label": label,
                    "links": links,
                    "current": any(link["current"] for link in links),
                }
            )
    others = sorted((i for n, i in items.items() if n not in placed), key=lambda i: (i.order, i.label))
    if others:
        links = [{"item": i, "current": is_current(i)} for i in others]
        menu.append(
            {
                "id": "menu-autres",
                "label": _("Autres"),
                "links": links,
                "current": any(link["current"] for link in links),
            }
        )
    return menu
