"""What a browser would send back: the self-posting forms of a page, parsed from its HTML, and a
snapshot of every stored row, to check that a form posted back unchanged changes nothing.

Shared by the "post every edit form back unchanged" test and the concurrency suite."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from django.apps import apps
from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver

#: Apps whose rows the walk compares (the domain; not sessions, tasks or the search index).
DOMAIN_APPS = (
    "accounts",
    "registry",
    "lifecycle",
    "qualification",
    "evaluation",
    "monitoring",
    "publication",
    "exchange",
    "audit",
)


@dataclass
class ParsedForm:
    method: str
    action: str | None
    fields: list[tuple[str, str]] = field(default_factory=list)
    submits: list[tuple[str, str]] = field(default_factory=list)
    #: Names of the fields a person types into (text inputs and text areas).
    typed: list[str] = field(default_factory=list)


class _FormParser(HTMLParser):
    """Collects each <form> and what a browser would submit for it untouched: text inputs and hidden
    fields with their value, checked boxes and radios, selected options (the first one of a single
    select when none is marked), textareas with their text (without the newline that follows the tag,
    which browsers drop)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[ParsedForm] = []
        self._form: ParsedForm | None = None
        self._select: dict[str, Any] | None = None
        self._option: dict[str, Any] | None = None
        self._textarea: dict[str, Any] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self._form = ParsedForm(method=a.get("method", "get").lower(), action=a.get("action"))
            self.forms.append(self._form)
            return
        if self._form is None or "disabled" in a:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self._form.fields.append((name, a.get("value", "on")))
            elif kind in ("submit", "image"):
                self._form.submits.append((name, a.get("value", "")))
            elif kind not in ("file", "reset", "button"):
                self._form.fields.append((name, a.get("value", "")))
                if kind == "text":
                    self._form.typed.append(name)
        elif tag == "button" and name and a.get("type", "submit") == "submit":
            self._form.submits.append((name, a.get("value", "")))
        elif tag == "select" and name:
            self._select = {"name": name, "multiple": "multiple" in a, "options": [], "selected": []}
        elif tag == "option" and self._select is not None:
            self._option = {"value": a.get("value"), "text": "", "selected": "selected" in a}
        elif tag == "textarea" and name:
            self._textarea = {"name": name, "text": ""}
            self._form.typed.append(name)

    def handle_data(self, data: str) -> None:
        if self._option is not None:
            self._option["text"] += data
        if self._textarea is not None:
            self._textarea["text"] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "option" and self._select is not None and self._option is not None:
            value = self._option["value"]
            value = self._option["text"].strip() if value is None else value
            self._select["options"].append(value)
            if self._option["selected"]:
                self._select["selected"].append(value)
            self._option = None
        elif tag == "select" and self._select is not None and self._form is not None:
            chosen = self._select["selected"]
            if not chosen and not self._select["multiple"] and self._select["options"]:
                chosen = self._select["options"][:1]
            self._form.fields.extend((self._select["name"], v) for v in chosen)
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            text = self._textarea["text"]
            text = text[1:] if text.startswith("\n") else text
            self._form.fields.append((self._textarea["name"], text.replace("\r\n", "\n")))
            self._textarea = None
        elif tag == "form":
            self._form = None


def forms_of(html: str) -> list[ParsedForm]:
    parser = _FormParser()
    parser.feed(html)
    return parser.forms


def self_posting_forms(html: str, path: str) -> list[ParsedForm]:
    """The POST forms of the page that submit to the page itself (the page's own edit form)."""
    return [
        f for f in forms_of(html) if f.method == "post" and (not f.action or f.action.split("?")[0] == path)
    ]


def as_post_data(form: ParsedForm) -> dict[str, list[str]]:
    data: dict[str, list[str]] = {}
    for name, value in form.fields:
        data.setdefault(name, []).append(value)
    if form.submits:
        name, value = form.submits[0]
        data.setdefault(name, []).append(value)
    return data


def routes() -> Iterator[tuple[str, str]]:
    """(route, url name) of every named page of the site (the admin and the API apart)."""

    def walk(patterns: list[Any], prefix: str) -> Iterator[tuple[str, str]]:
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern) and p.name:
                yield prefix + str(p.pattern), p.name

    for route, name in walk(get_resolver().url_patterns, ""):
        if not route.startswith(("admin/", "api/")):
            yield route, name


def _auto_times(model: type[models.Model]) -> set[str]:
    return {
        f.attname
        for f in model._meta.concrete_fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    }


def database_state() -> dict[str, dict[Any, dict[str, Any]]]:
    """Every row of the domain tables, by model and primary key (automatic timestamps left out: a save
    that changes nothing else is still caught by the audit count and the other fields)."""
    state: dict[str, dict[Any, dict[str, Any]]] = {}
    for label in DOMAIN_APPS:
        for model in apps.get_app_config(label).get_models():
            skip = _auto_times(model) - {"created_at"}
            rows = {}
            for row in model._default_manager.all().values():
                rows[row["id"] if "id" in row else repr(row)] = {
                    k: v for k, v in row.items() if k not in skip
                }
            for m2m in model._meta.many_to_many:
                through = getattr(model, m2m.name).through
                rows[f"m2m:{m2m.name}"] = {
                    "pairs": sorted(map(repr, through._default_manager.values_list().order_by()))
                }
            state[model._meta.label] = rows
    return state


def state_diff(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """Readable differences between two :func:`database_state` results."""
    out = []
    for label in sorted(set(before) | set(after)):
        b, a = before.get(label, {}), after.get(label, {})
        for key in sorted(set(b) | set(a), key=str):
            if b.get(key) != a.get(key):
                if key not in a:
                    out.append(f"{label} #{key} supprimé")
                elif key not in b:
                    out.append(f"{label} #{key} créé")
                else:
                    fields = {k for k in set(b[key]) | set(a[key]) if b[key].get(k) != a[key].get(k)}
                    out.append(
                        f"{label} #{key}: "
                        + ", ".join(f"{k} {b[key].get(k)!r} → {a[key].get(k)!r}" for k in sorted(fields))
                    )
    return out
