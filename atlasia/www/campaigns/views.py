"""Screens of campaigns: the team launches and follows, the organisations answer. Thin views: the
selectors read, the services check, write and audit.

A campaign the user does not run, or an organisation that is not a target (or not hers), is a 404."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from atlasia.accounts import perms as account_perms
from atlasia.accounts.actor import actor_of, user_of
from atlasia.campaigns import perms, selectors, services
from atlasia.campaigns.enums import CampaignKind, QuestionKind
from atlasia.campaigns.models import Campaign, CampaignTarget, Question
from atlasia.core import cells
from atlasia.publication.aggregation import map_svg
from atlasia.registry.enums import OrganisationType
from atlasia.registry.reference import region_names
from atlasia.www.forms import attach_service_errors

from . import forms as f

NEW_VERSION_MESSAGE = gettext_noop(
    "La question avait déjà des réponses : la version %(v)s la remplace, "
    "les réponses déjà données restent lisibles avec l'ancien libellé."
)


def safe_cell(value: Any) -> Any:
    """A spreadsheet cell that cannot run as a formula (free texts typed by organisations): the one
    rule of the open-data exports too (``atlasia.core.cells``, OWASP CSV injection)."""
    return cells.neutralise(value) if isinstance(value, str) else value


def _managed(request: HttpRequest, campaign_id: int) -> Campaign:
    return get_object_or_404(selectors.campaigns_managed_by(actor_of(request)), pk=campaign_id)


def _target(request: HttpRequest, campaign_id: int, slug: str) -> CampaignTarget:
    """The target page: for the organisation's members, its delegate and the team running the campaign."""
    target = get_object_or_404(
        CampaignTarget.objects.select_related("campaign", "organisation", "delegate"),
        campaign_id=campaign_id,
        organisation__slug=slug,
    )
    user = request.user
    if (
        target.organisation_id in account_perms.member_organisation_ids(user)
        or target.delegate_id == user.pk
        or perms.can_manage(user, target.campaign)
    ):
        return target
    raise Http404


@require_GET
def campaign_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    managed = selectors.campaigns_with_rates(actor_of(request))
    targets = list(selectors.targets_visible_to(actor_of(request)).order_by("-campaign__closes_on"))
    return render(
        request,
        "campaigns/list.html",
        {
            "title": _("Campagnes"),
            "managed": managed,
            "targets": targets,
            "can_launch": perms.launch_scope(actor_of(request)) is not None,
            "today": today,
        },
    )


@require_http_methods(["GET", "POST"])
def campaign_create(request: HttpRequest) -> HttpResponse:
    scope = perms.launch_scope(actor_of(request))
    if scope is None:
        raise PermissionDenied
    form = f.CampaignForm(request.POST or None, region=scope[1])
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_launch(actor=user_of(request), data=form.cleaned_data)
        except ValidationError as error:
            attach_service_errors(form, error)
        else:
            messages.success(
                request,
                _("La campagne est lancée auprès de %(n)s organisation(s).")
                % {"n": campaign.targets.count()},
            )
            if campaign.kind == CampaignKind.SURVEY:
                return redirect("campaigns_question_create", campaign.pk)
            return redirect("campaigns_detail", campaign.pk)
    return render(
        request,
        "campaigns/form.html",
        {
            "form": form,
            "title": _("Lancer une campagne"),
            "cancel": reverse("campaigns_list"),
            "lead": _("Campagne régionale : seules les organisations de votre région peuvent être ciblées.")
            if scope[1]
            else "",
        },
        status=400 if request.method == "POST" else 200,
    )


def _tracking_context(campaign: Campaign) -> dict[str, Any]:
    data = selectors.tracking(campaign)
    names = region_names()
    return {
        "tracking": data,
        "map": map_svg(
            {r.key: r.percent for r in data.by_region},
            names,
            svg_id="carte-reponses",
            title=_("Taux de réponse par région, en pourcentage"),
            unit=("%", "%"),
        ),
        "type_labels": dict(OrganisationType.choices),
        "region_labels": names,
    }


@require_GET
def campaign_detail(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = _managed(request, campaign_id)
    today = timezone.localdate()
    context = _tracking_context(campaign)
    context.update(
        {
            "campaign": campaign,
            "title": campaign.title,
            "today": today,
            "is_open": campaign.is_open(today),
            "is_closed": campaign.is_closed(today),
            "questions": selectors.current_questions(campaign),
            "stale": list(selectors.stale_use_cases(campaign)[:200])
            if campaign.kind == CampaignKind.CENSUS and campaign.is_closed(today)
            else [],
            "extend_form": f.ExtendForm(),
        }
    )
    return render(request, "campaigns/detail.html", context)


def _csv_response(filename: str, header: list[str], rows: list[list[Any]]) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(header)
    writer.writerows([[safe_cell(v) for v in row] for row in rows])
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
def campaign_tracking_csv(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = _managed(request, campaign_id)
    context = _tracking_context(campaign)
    rows = [
        [
            t.organisation.name,
            context["type_labels"].get(t.organisation.type, t.organisation.type),
            context["region_labels"].get(t.organisation.region, t.organisation.region),
            _("oui") if t.responded_at else _("non"),
            timezone.localtime(t.responded_at).strftime("%d/%m/%Y %H:%M") if t.responded_at else "",
        ]
        for t in context["tracking"].organisations
    ]
    header = [_("Organisation"), _("Type"), _("Région"), _("A répondu"), _("Réponse envoyée le")]
    return _csv_response(f"suivi-campagne-{campaign.pk}.csv", header, rows)


@require_POST
def campaign_remind(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = _managed(request, campaign_id)
    try:
        sent = services.campaign_remind(actor=user_of(request), campaign=campaign)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Relance envoyée à %(n)s organisation(s).") % {"n": sent})
    return redirect("campaigns_detail", campaign.pk)


@require_POST
def campaign_extend(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = _managed(request, campaign_id)
    form = f.ExtendForm(request.POST)
    if form.is_valid():
        try:
            services.campaign_extend(
                actor=user_of(request), campaign=campaign, closes_on=form.cleaned_data["closes_on"]
            )
        except ValidationError as error:
            attach_service_errors(form, error)
        else:
            messages.success(
                request,
                _("La clôture est repoussée au %(date)s.")
                % {"date": form.cleaned_data["closes_on"].strftime("%d/%m/%Y")},
            )
            return redirect("campaigns_detail", campaign.pk)
    for errors in form.errors.values():
        messages.error(request, " ".join(errors))
    return redirect("campaigns_detail", campaign.pk)


# --- questions ---------------------------------------------------------------------------------------


def _question_page(
    request: HttpRequest, campaign: Campaign, form: Any, title: str, lead: str = ""
) -> HttpResponse:
    return render(
        request,
        "campaigns/form.html",
        {
            "form": form,
            "title": title,
            "lead": lead,
            "campaign": campaign,
            "cancel": reverse("campaigns_detail", args=[campaign.pk]),
        },
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
def question_create(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = _managed(request, campaign_id)
    if campaign.kind != CampaignKind.SURVEY:
        raise Http404
    form = f.QuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.question_add(actor=user_of(request), campaign=campaign, data=form.cleaned_data)
        except ValidationError as error:
            attach_service_errors(form, error)
        else:
            messages.success(request, _("La question est ajoutée."))
            return redirect("campaigns_detail", campaign.pk)
    return _question_page(request, campaign, form, _("Ajouter une question"))


@require_http_methods(["GET", "POST"])
def question_edit(request: HttpRequest, campaign_id: int, question_id: int) -> HttpResponse:
    campaign = _managed(request, campaign_id)
    question = get_object_or_404(Question, pk=question_id, campaign=campaign, retired_at__isnull=True)
    initial = {
        "text": question.text,
        "kind": question.kind,
        "choices": "\n".join(question.choices),
        "help_text": question.help_text,
        "per_use_case": question.per_use_case,
        "required": question.required,
    }
    form = f.QuestionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            new = services.question_update(actor=user_of(request), question=question, data=form.cleaned_data)
        except ValidationError as error:
            attach_service_errors(form, error)
        else:
            if new.pk != question.pk:
                messages.success(
                    request,
                    _(NEW_VERSION_MESSAGE) % {"v": new.version},
                )
            else:
                messages.success(request, _("La question est modifiée."))
            return redirect("campaigns_detail", campaign.pk)
    lead = (
        _("Des organisations ont déjà répondu : une nouvelle version de la question sera créée.")
        if question.answers.exists()
        else ""
    )
    return _question_page(request, campaign, form, _("Modifier la question"), lead)


# --- results -----------------------------------------------------------------------------------------


def _result_rows(results: list[selectors.QuestionResult]) -> list[list[Any]]:
    rows: list[list[Any]] = []
    for r in results:
        label = f"{r.question.text} (v{r.question.version})"
        if r.hidden:
            rows.append([label, _("masqué (seuil d'anonymat)"), "", r.respondents])
            continue
        for option, count, _percent in r.counts:
            rows.append([label, option, count, r.respondents])
        if r.mean is not None and not r.counts:
            rows += [
                [label, _("moyenne"), r.mean, r.respondents],
                [label, _("médiane"), r.median, r.respondents],
                [label, _("minimum"), r.minimum, r.respondents],
                [label, _("maximum"), r.maximum, r.respondents],
            ]
        for text in r.texts:
            rows.append([label, text, "", r.respondents])
    return rows


@require_GET
def campaign_results(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = _managed(request, campaign_id)
    if campaign.kind != CampaignKind.SURVEY:
        raise Http404
    results = selectors.survey_results(campaign)
    export = request.GET.get("format")
    header = [_("Question"), _("Réponse"), _("Nombre"), _("Répondants")]
    if export == "csv":
        return _csv_response(f"resultats-campagne-{campaign.pk}.csv", header, _result_rows(results))
    if export == "xlsx":
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        sheet.title = _("Résultats")[:31]
        sheet.append(header)
        for row in _result_rows(results):
            sheet.append([safe_cell(v) for v in row])
        buffer = io.BytesIO()
        book.save(buffer)
        response = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="resultats-campagne-{campaign.pk}.xlsx"'
        return response
    return render(
        request,
        "campaigns/results.html",
        {"campaign": campaign, "results": results, "title": _("Résultats — %(t)s") % {"t": campaign.title}},
    )


# --- answering ---------------------------------------------------------------------------------------


def _survey_rows(target: CampaignTarget, posted: Any = None) -> list[dict[str, Any]]:
    """Each field of the questionnaire: question, use case (per-use-case questions), current value."""
    answers = selectors.answers_of(target)
    use_cases = selectors.organisation_use_cases(target.organisation)
    rows = []
    for question in selectors.current_questions(target.campaign):
        pairs: list[tuple[Any, str]] = (
            [(uc, f"q{question.pk}-{uc.pk}") for uc in use_cases]
            if question.per_use_case
            else [(None, f"q{question.pk}")]
        )
        for use_case, name in pairs:
            value = (
                posted.get(name, "")
                if posted is not None
                else answers.get((question.pk, use_case.pk if use_case else None), "")
            )
            rows.append(
                {
                    "question": question,
                    "use_case": use_case,
                    "name": name,
                    "value": "" if value is None else str(value),
                    "scale": ["1", "2", "3", "4", "5"] if question.kind == QuestionKind.SCALE else [],
                }
            )
    return rows


@require_http_methods(["GET", "POST"])
def campaign_answer(request: HttpRequest, campaign_id: int, slug: str) -> HttpResponse:
    target = _target(request, campaign_id, slug)
    campaign = target.campaign
    today = timezone.localdate()
    can_answer = perms.can_answer(actor_of(request), target)
    errors: list[str] = []
    status = 200
    posted = None
    if request.method == "POST":
        if not can_answer or campaign.kind != CampaignKind.SURVEY:
            raise PermissionDenied
        posted = request.POST
        values: dict[tuple[int, int | None], Any] = {}
        for row in _survey_rows(target, posted):
            key = (row["question"].pk, row["use_case"].pk if row["use_case"] else None)
            values[key] = posted.get(row["name"], "")
        try:
            services.survey_answer(actor=user_of(request), target=target, values=values)
        except ValidationError as error:
            errors = error.messages
            status = 400
        else:
            messages.success(
                request,
                _("Votre réponse est enregistrée. Vous pouvez la modifier jusqu'au %(date)s.")
                % {"date": campaign.closes_on.strftime("%d/%m/%Y")},
            )
            return redirect("campaigns_answer", campaign.pk, target.organisation.slug)
    context: dict[str, Any] = {
        "campaign": campaign,
        "target": target,
        "title": campaign.title,
        "can_answer": can_answer,
        "is_open": campaign.is_open(today),
        "is_closed": campaign.is_closed(today),
        "errors": errors,
        "can_delegate": perms.can_delegate(actor_of(request), target),
    }
    if context["can_delegate"]:
        context["delegate_form"] = f.DelegateForm(
            organisation=target.organisation, initial={"delegate": target.delegate_id}
        )
    if campaign.kind == CampaignKind.CENSUS:
        rows = selectors.census_rows(target)
        context["rows"] = rows
        context["pending"] = sum(1 for r in rows if not r.action)
    else:
        context["fields"] = _survey_rows(target, posted)
    return render(request, "campaigns/answer.html", context, status=status)


@require_POST
def census_confirm(request: HttpRequest, campaign_id: int, slug: str, pk: int) -> HttpResponse:
    target = _target(request, campaign_id, slug)
    use_case = get_object_or_404(target.organisation.use_cases.all(), pk=pk)
    try:
        services.census_confirm(actor=user_of(request), target=target, use_case=use_case)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("« %(title)s » est confirmée sans changement.") % {"title": use_case.title}
        )
    return redirect(reverse("campaigns_answer", args=[campaign_id, slug]) + f"#fiche-{use_case.pk}")


@require_POST
def census_submit(request: HttpRequest, campaign_id: int, slug: str) -> HttpResponse:
    target = _target(request, campaign_id, slug)
    try:
        services.census_submit(actor=user_of(request), target=target)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("La réponse de %(org)s est envoyée. Merci !") % {"org": target.organisation.name}
        )
    return redirect("campaigns_answer", campaign_id, slug)


@require_POST
def target_delegate(request: HttpRequest, campaign_id: int, slug: str) -> HttpResponse:
    target = _target(request, campaign_id, slug)
    form = f.DelegateForm(request.POST, organisation=target.organisation)
    if not form.is_valid():
        messages.error(request, _("Choisissez un membre de l'organisation."))
        return redirect("campaigns_answer", campaign_id, slug)
    try:
        services.target_delegate(
            actor=user_of(request), target=target, delegate=form.cleaned_data["delegate"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("La personne chargée de répondre est enregistrée."))
    return redirect("campaigns_answer", campaign_id, slug)
