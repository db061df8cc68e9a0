"""``{{ use_case|search_excerpt:q }}``: the highlighted excerpt shown in the list page when it is
searched. Computed in Python from fields already loaded, so it costs no query per row."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe

from atlasia.core.search import text

register = template.Library()


@register.filter
def search_excerpt(use_case: Any, query: str | None) -> SafeString:
    if not query:
        return mark_safe("")
    stems = {text.stem(w) for w in text.query_words(query)}
    best, best_count = "", 0
    for value in (use_case.summary, use_case.problem, use_case.expected_benefits):
        if value:
            marked, count = text.mark_matches(value, stems)
            if count > best_count:
                best, best_count = marked, count
    # excerpt_html escapes the record's text; only our <mark> tags are HTML.
    return mark_safe(text.excerpt_html(best))  # noqa: S308
