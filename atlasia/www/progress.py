"""The JSON a progress page polls (see templates/www/_progress.html and static/atlasia/progress.js)."""

from __future__ import annotations

from typing import Any

from django.http import JsonResponse
from django.utils.translation import gettext as _


def progress_response(run: Any, *, finished: bool) -> JsonResponse:
    """State of a background run (report, evaluation…) with ``status``, ``step`` and ``progress``."""
    return JsonResponse(
        {
            "finished": finished,
            "status": run.status,
            "status_label": str(run.get_status_display()),
            "step": _(run.step) if run.step else "",
            "progress": run.progress,
            "progress_text": _("Avancement : %(progress)s %%") % {"progress": run.progress},
        }
    )
