"""Publication screens: dashboards and annual reports (login), public register, algorithm library and
open data (no login). Thin views: reads through selectors, writes through services."""

from __future__ import annotations

import json
from typing import Any

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from atlasia.accounts.actor import actor_of, as_actor, user_of
from atlasia.accounts.models import User
from atlasia.accounts.security import client_ip
from atlasia.campaigns.selectors import last_confirmed_on, promising_use_case_ids
from atlasia.evaluation import selectors as evaluation_selectors
from atlasia.exchange import selectors as exchange_selectors
from atlasia.publication import exporters, public, selectors, services
from atlasia.publication.enums import ReportScope
from atlasia.publication.models import ReportRun
from atlasia.registry import reference
from atlasia.registry.models import Organisation
from atlasia.registry.selectors import usecases_visible_to
from atlasia.www.forms import UseCaseFilterForm, attach_service_errors
from atlasia.www.progress import progress_response
from atlasia.www.views import _filters_from

from .forms import ProblemReportForm, RegisterSearchForm, ReportRunForm

PAGE_SIZE = 20
DASHBOARD_SECTIONS = (
    ("theme", gettext_lazy("Par thème")),
    ("status", gettext_lazy("Par étape")),
    ("organisation_type", gettext_lazy("Par type d'organisation")),
    ("region", gettext_lazy("Par région")),
    ("technique", gettext_lazy("Par technique d'IA")),
    ("publication_level", gettext_lazy("Par niveau de publication")),
)
FILTER_NAMES = (
    "q",
    "theme",
    "status",
    "organisation",
    "organisation_type",
    "region",
    "technique",
    "publication_level",
)


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


# --- dashboards (login) ---------------------------------------------------------------------------


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    filters = _filters_from(request)
    form = UseCaseFilterForm(request.GET or None)
    query = request.GET.copy()
    query.pop("sort", None)

    def region_link(code: str) -> str:
        # Each region of the map opens the same dashboard narrowed to that region.
        narrowed = query.copy()
        narrowed["region"] = code
        return f"{reverse('publication_dashboard')}?{narrowed.urlencode()}"

    data = selectors.figures(
        selectors.dashboard_usecases(actor_of(request), filters), region_link=region_link
    )
    return render(
        request,
        "publication/dashboard.html",
        {
            "title": _("Tableaux de bord"),
            "form": form,
            "data": data,
            "scopes": selectors.dashboard_scopes(actor_of(request)),
            "query_string": query.urlencode(),
            "trend_svg": _trend_svg(data["trend"]),
            "sections": [
                {"key": key, "title": title, "buckets": data["counts"][key]}
                for key, title in DASHBOARD_SECTIONS
            ],
            "active_filters": any(getattr(filters, f) for f in FILTER_NAMES),
        },
    )


def _trend_svg(trend: list[tuple[int, int]]) -> str:
    from atlasia.publication.aggregation import column_chart_svg

    return column_chart_svg(trend, svg_id="tendance", title=_("Cas d'usage par année de début"))


# --- public register --------------------------------------------------------------------------------


@login_not_required
@require_GET
def register_list(request: HttpRequest) -> HttpResponse:
    form = RegisterSearchForm(request.GET or None)
    g = request.GET
    filters = selectors.RegisterFilters(
        q=g.get("q", "").strip()[:200],
        theme=g.get("theme", ""),
        organisation_type=g.get("organisation_type", ""),
        region=g.get("region", ""),
    )
    page = Paginator(selectors.register_list(filters), PAGE_SIZE).get_page(g.get("page"))
    # When each record was last confirmed by its organisation in a census (shown on each line).
    confirmed = last_confirmed_on(uc.pk for uc in page.object_list)
    query = g.copy()
    query.pop("page", None)
    return render(
        request,
        "publication/register_list.html",
        {
            "title": _("Registre public des usages de l'IA"),
            "form": form,
            "page_obj": page,
            "rows": [(uc, confirmed.get(uc.pk)) for uc in page.object_list],
            "promising": promising_use_case_ids(uc.pk for uc in page.object_list),
            "query_string": query.urlencode(),
            "filtered": any([filters.q, filters.theme, filters.organisation_type, filters.region]),
            "region_names": reference.region_names(),
        },
    )


def _register_detail_context(
    request: HttpRequest, record: public.PublicRecord, form: ProblemReportForm
) -> dict[str, Any]:
    return {
        "title": record.title,
        "record": record,
        "provenance": exchange_selectors.copy_provenance(record.uid),
        "form": form,
        # Campaign facts shown on the page (issue 21); not yet fields of the public record.
        "last_confirmed": last_confirmed_on([pk]).get(pk) if (pk := public.record_pk(record.uid)) else None,
        "promising": bool(pk and promising_use_case_ids([pk])),
    }


def _public_record_or_404(uid: Any) -> public.PublicRecord:
    record = public.public_record(uid)
    if record is None:
        raise Http404
    return record


@login_not_required
@require_GET
def register_detail(request: HttpRequest, uid: str) -> HttpResponse:
    record = _public_record_or_404(uid)
    return render(
        request,
        "publication/register_detail.html",
        _register_detail_context(request, record, ProblemReportForm()),
    )


@login_not_required
@require_POST
def problem_report(request: HttpRequest, uid: str) -> HttpResponse:
    record = _public_record_or_404(uid)
    use_case = get_object_or_404(public.public_queryset(), uid=uid)
    form = ProblemReportForm(request.POST)
    context = _register_detail_context(request, record, form)
    if request.POST.get("website"):
        context["refusal"] = (
            "Votre signalement n'a pas été enregistré : un champ caché, réservé à la détection des envois "
            "automatiques, a été rempli. Si vous êtes une personne, rechargez la page et recommencez."
        )
        return render(request, "publication/register_detail.html", context, status=400)
    if not form.is_valid():
        return render(request, "publication/register_detail.html", context, status=400)
    try:
        services.problem_report_create(
            use_case=use_case,
            category=form.cleaned_data["category"],
            description=form.cleaned_data["description"],
            contact_email=form.cleaned_data["contact_email"],
            client_ip=client_ip(request),  # the client's, not the reverse proxy's, address
        )
    except services.RateLimited as error:
        context["refusal"] = f"Votre signalement n'a pas été enregistré. {error}"
        return render(request, "publication/register_detail.html", context, status=429)
    except ValidationError as error:
        attach_service_errors(form, error)
        return render(request, "publication/register_detail.html", context, status=400)
    messages.success(
        request,
        _("Merci : votre signalement a été transmis à l'organisation qui porte ce cas d'usage."),
    )
    return redirect(reverse("publication_register_detail", args=[use_case.uid]) + "#signaler")


# --- algorithm library (public) ----------------------------------------------------------------------


@login_not_required
@require_GET
def algorithm_list(request: HttpRequest) -> HttpResponse:
    algorithms = list(selectors.public_algorithms())
    return render(
        request,
        "publication/algorithm_list.html",
        {"title": _("Bibliothèque des algorithmes publics"), "algorithms": algorithms},
    )


@login_not_required
@require_GET
def algorithm_detail(request: HttpRequest, uid: str) -> HttpResponse:
    algorithm = get_object_or_404(selectors.public_algorithms(), uid=uid)
    use_cases = list(selectors.public_usecases_of(algorithm))
    # the model card's blank fields are filled from the latest evaluation of a public record using it
    card = evaluation_selectors.latest_evaluation_card([uc.pk for uc in use_cases])
    return render(
        request,
        "publication/algorithm_detail.html",
        {"title": algorithm.name, "algorithm": algorithm, "use_cases": use_cases, "card": card},
    )


# --- open data (public) -------------------------------------------------------------------------------


def _public_records(request: HttpRequest) -> list[dict[str, Any]]:
    return exporters.records(public.public_records(), base_url=_base_url(request))


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


@login_not_required
@require_GET
def open_data(request: HttpRequest) -> HttpResponse:
    records = public.public_records()
    return render(
        request,
        "publication/open_data.html",
        {
            "title": _("Données ouvertes"),
            "count": len(records),
            "fields": exporters.FIELDS,
            "licence_name": exporters.LICENCE_NAME,
            "licence_url": exporters.LICENCE_URL,
        },
    )


@login_not_required
@require_GET
def export_csv(request: HttpRequest) -> HttpResponse:
    return _download(
        exporters.to_csv(_public_records(request), delimiter=";"), "registre.csv", "text/csv; charset=utf-8"
    )


@login_not_required
@require_GET
def export_csv_comma(request: HttpRequest) -> HttpResponse:
    return _download(
        exporters.to_csv(_public_records(request), delimiter=","),
        "registre-virgule.csv",
        "text/csv; charset=utf-8",
    )


@login_not_required
@require_GET
def export_json(request: HttpRequest) -> HttpResponse:
    body = exporters.to_json(_public_records(request), base_url=_base_url(request))
    return _download(body, "registre.json", "application/json")


@login_not_required
@require_GET
def export_parquet(request: HttpRequest) -> HttpResponse:
    return _download(
        exporters.to_parquet(_public_records(request)), "registre.parquet", "application/vnd.apache.parquet"
    )


@login_not_required
@require_GET
def export_algoritmeregister(request: HttpRequest) -> HttpResponse:
    body = [exporters.to_algoritmeregister(r, base_url=_base_url(request)) for r in public.public_records()]
    return _download(
        json.dumps(body, ensure_ascii=False, indent=2).encode(), "algoritmeregister.json", "application/json"
    )


@login_not_required
@require_GET
def export_atrs(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    body = {
        "standard": f"Algorithmic Transparency Recording Standard v{exporters.ATRS_VERSION}",
        "records": [
            exporters.to_atrs(r, base_url=_base_url(request), published=today)
            for r in public.public_records()
        ],
    }
    return _download(json.dumps(body, ensure_ascii=False, indent=2).encode(), "atrs.json", "application/json")


@login_not_required
@require_GET
def dcat_catalog(request: HttpRequest) -> HttpResponse:
    records = public.public_records()
    body = exporters.dcat_catalog(
        base_url=_base_url(request),
        records=records,
        publisher=settings.ATLASIA_INSTANCE_NAME,
        contact_email=settings.ATLASIA_CONTACT_EMAIL,
    )
    return HttpResponse(
        json.dumps(body, ensure_ascii=False, indent=2), content_type="application/ld+json; charset=utf-8"
    )


@login_not_required
@require_GET
def data_dictionary(request: HttpRequest) -> JsonResponse:
    return JsonResponse(exporters.data_dictionary(), json_dumps_params={"ensure_ascii": False, "indent": 2})


@login_not_required
@require_GET
def json_schema(request: HttpRequest, name: str) -> JsonResponse:
    allowed = {
        "registre-public": "registre-public.schema.json",
        "algoritmeregister-v1_0": "algoritmeregister-v1_0.json",
    }
    if name not in allowed:
        raise Http404
    return JsonResponse(
        exporters.load_schema(allowed[name]), json_dumps_params={"ensure_ascii": False, "indent": 2}
    )


# --- annual report (login) --------------------------------------------------------------------------


def _runs_for(user: User) -> Any:
    qs = ReportRun.objects.select_related("organisation", "requested_by")
    if as_actor(user).is_national_team:
        return qs
    return qs.filter(requested_by=user)


@require_http_methods(["GET", "POST"])
def report_list(request: HttpRequest) -> HttpResponse:
    organisations = Organisation.objects.filter(
        pk__in=usecases_visible_to(actor_of(request)).order_by().values("organisation_id")
    ).order_by("name")
    form = ReportRunForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        try:
            run = services.reportrun_request(
                actor=user_of(request),
                year=form.cleaned_data["year"],
                scope=form.cleaned_data["scope"],
                region=form.cleaned_data["region"],
                organisation=form.cleaned_data["organisation"],
                public_only=form.cleaned_data["public_only"],
            )
        except ValidationError as error:
            attach_service_errors(form, error)
        else:
            messages.success(request, _("Le rapport est en préparation : cette page suit son avancement."))
            return redirect("publication_report_detail", pk=run.pk)
    runs = _runs_for(user_of(request))[:50]
    return render(
        request,
        "publication/report_list.html",
        {
            "title": _("Rapports annuels de cartographie"),
            "form": form,
            "runs": runs,
            "refresh": any(not r.is_finished for r in runs),
            "scopes": ReportScope,
        },
        status=400 if request.method == "POST" else 200,
    )


@require_GET
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(_runs_for(user_of(request)), pk=pk)
    return render(
        request,
        "publication/report_detail.html",
        {"title": run.title, "run": run},
    )


@require_GET
def report_progress(request: HttpRequest, pk: int) -> JsonResponse:
    """The report's progress as JSON, for the progress bar of the report page."""
    run = get_object_or_404(_runs_for(user_of(request)), pk=pk)
    return progress_response(run, finished=run.is_finished)


# The HTML report is a self-contained document with its own <style> element (also used for the PDF).
@csp_update({"style-src-elem": [UNSAFE_INLINE]})  # type: ignore[arg-type]  # typed for 1-arg views
@require_GET
def report_file(request: HttpRequest, pk: int, kind: str) -> FileResponse:
    run = get_object_or_404(_runs_for(user_of(request)), pk=pk)
    field = {"html": run.html_file, "pdf": run.pdf_file}.get(kind)
    if not field:
        raise Http404
    content_type = "text/html; charset=utf-8" if kind == "html" else "application/pdf"
    filename = f"cartographie-ia-{run.year}-{run.pk}.{kind}"
    response = FileResponse(
        field.open("rb"), content_type=content_type, as_attachment=kind == "pdf", filename=filename
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
