"""Registration of the "Évaluations" tab on the use-case page (extension point of the screens)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy

from atlasia.www import extensions


def tab_context(request: HttpRequest, use_case: Any) -> dict[str, Any]:
    from .views import tab_context as context

    return context(request, use_case)


def register() -> None:
    extensions.register_tab(
        "evaluations", gettext_lazy("Évaluations"), "evaluation/_tab.html", tab_context, order=40
    )
