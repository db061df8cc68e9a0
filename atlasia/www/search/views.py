"""Search screens: thin views over :mod:`atlasia.search.selectors`."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from atlasia.accounts.actor import actor_of
from atlasia.campaigns.selectors import promising_use_case_ids
from atlasia.core.search import text
from atlasia.search import selectors

MODES = {
    "hybrid": gettext_lazy("Texte et sens"),
    "text": gettext_lazy("Mots du texte"),
    "semantic": gettext_lazy("Sens"),
}


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    query = text.clean_query(request.GET.get("q", ""))
    mode = request.GET.get("mode", "hybrid")
    if mode not in MODES:
        mode = "hybrid"
    # Only stop words ("le", "de la"…): nothing to search for; say so instead of an empty list.
    only_common_words = bool(query) and not text.query_words(query)
    hits = (
        selectors.search_usecases(actor_of(request), query, limit=30, mode=mode)
        if query and not only_common_words
        else []
    )
    return render(
        request,
        "search/search.html",
        {
            "q": query,
            "mode": mode,
            "modes": MODES,
            "hits": hits,
            "only_common_words": only_common_words,
            # Cases the expert committee labelled « prometteur à diffuser » are highlighted.
            "promising": promising_use_case_ids(hit.use_case.pk for hit in hits),
            "title": _("Recherche"),
        },
    )


@require_GET
def suggestions(request: HttpRequest) -> JsonResponse:
    """JSON for the "Cela ressemble à…" box of the create form."""
    title = request.GET.get("title", "").strip()[:200]
    summary = request.GET.get("summary", "").strip()[:1000]
    results = (
        selectors.suggestions(actor_of(request), title, summary) if len(title) + len(summary) >= 8 else []
    )
    return JsonResponse(
        {
            "results": [
                {
                    "title": r.use_case.title,
                    "organisation": r.use_case.organisation.name,
                    "url": reverse("usecase_detail", args=[r.use_case.pk]),
                    "shared_terms": r.shared_terms,
                    "score": round(r.score, 3),
                }
                for r in results
            ]
        }
    )


@require_GET
def duplicates(request: HttpRequest) -> HttpResponse:
    if not actor_of(request).is_national_team:
        raise Http404
    try:
        threshold = min(0.99, max(0.85, float(request.GET.get("seuil", selectors.DUPLICATE_THRESHOLD))))
    except ValueError:
        threshold = selectors.DUPLICATE_THRESHOLD
    pairs = selectors.probable_duplicates(actor_of(request), threshold=threshold)
    return render(
        request,
        "search/duplicates.html",
        {"pairs": pairs, "threshold": threshold, "title": _("Doublons probables")},
    )
