"""Qualify the starter catalogue from the ``qualification_answers`` of ``data/catalogue/use_cases.json``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings

from atlasia.core.qualification import CURRENT_LAW_VERSION, qualify
from atlasia.registry.models import UseCase

from . import services
from .models import Qualification


def _as_stored(answers: dict[str, Any]) -> dict[str, Any]:
    """The answers as :func:`services.qualification_complete` stores them (ignored answers dropped)."""
    ignored = set(qualify(answers)["ignored"])
    return {k: v for k, v in answers.items() if v is not None and k not in ignored}


def qualify_catalogue(data_dir: Path | None = None) -> dict[str, int]:
    """Qualify, as the system, every catalogue use case present in the database.

    Idempotent: a use case whose latest version already holds the same answers under the current law
    version gets no new version. Returns ``{"qualified": n, "unchanged": n, "absent": n}``.
    """
    data_dir = data_dir or Path(settings.ATLASIA_DATA_DIR)
    catalogue = json.loads((data_dir / "catalogue" / "use_cases.json").read_text(encoding="utf-8"))
    counts = {"qualified": 0, "unchanged": 0, "absent": 0}
    for item in catalogue["use_cases"]:
        answers = item.get("qualification_answers")
        use_case = UseCase.objects.filter(catalogue_slug=item["slug"]).select_related("organisation").first()
        if use_case is None or not answers:
            counts["absent"] += 1
            continue
        latest = Qualification.objects.filter(use_case=use_case).order_by("-version").first()
        if latest and latest.law_version == CURRENT_LAW_VERSION and latest.answers == _as_stored(answers):
            counts["unchanged"] += 1
            continue
        services.qualification_complete(actor=None, use_case=use_case, answers=answers)
        counts["qualified"] += 1
    return counts
