"""Language-aware labels for the reference lists (themes, techniques, pillars, data categories, sections…).

The reference items carry ``label_fr`` and ``label_en``; ``{{ item|label }}`` shows the English label when the
active language is English and one is filled in, the French label otherwise. For rows coming from
``.values()``, give the prefix of the keys: ``{{ row|label:"theme__" }}``.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from django import template
from django.utils.translation import get_language, override

from atlasia.registry.enums import Status

register = template.Library()


def localised_label(item: Any, prefix: str = "", base: str = "label") -> str:
    """The English label of ``item`` when the language is English (and it has one), else the French one."""
    if item is None:
        return ""

    def get(name: str) -> str:
        key = f"{prefix}{name}"
        value = item.get(key, "") if isinstance(item, dict) else getattr(item, key, "")
        return value or ""

    if (get_language() or "fr").startswith("en"):
        english = get(f"{base}_en")
        if english:
            return english
    return get(f"{base}_fr")


@register.filter(name="label")
def label(item: Any, prefix: str = "") -> str:
    return localised_label(item, prefix)


@register.filter(name="localised")
def localised(item: Any, base: str) -> str:
    """``{{ question|localised:"text" }}``: ``text_en`` in English (when filled in), ``text_fr`` otherwise."""
    return localised_label(item, "", base)


def localised_choice(labels_fr: Mapping[Any, str], labels_en: Mapping[Any, str], key: Any) -> str:
    """``labels_en[key]`` in English (when it has the key), else ``labels_fr[key]``."""
    if (get_language() or "fr").startswith("en") and labels_en.get(key):
        return labels_en[key]
    return labels_fr[key]


@lru_cache(maxsize=8)
def _status_labels(language: str) -> dict[str, str]:
    with override(language):
        return {str(value): str(label) for value, label in Status.choices}


@register.filter(name="status_label")
def status_label(value: Any) -> str:
    """``{{ uc.status|status_label }}``: the label of a use case's status in the active language, from a
    table built once per language (``get_status_display`` rebuilds and hashes the lazy choices on every
    call: 50 calls per list page)."""
    return _status_labels(get_language() or "fr").get(str(value), str(value))
