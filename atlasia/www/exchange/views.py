"""Screens of the exchange app: API tokens, spreadsheet import, subscriptions to other instances."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from atlasia.accounts import perms
from atlasia.accounts.actor import actor_of, user_of
from atlasia.core.messages import Locale, render_value
from atlasia.core.roles import Action
from atlasia.exchange import importers, pull, selectors, services
from atlasia.exchange.enums import ImportStatus
from atlasia.exchange.models import ApiToken, Subscription
from atlasia.registry.selectors import organisations_for
from atlasia.www.core_messages import locale, shown, shown_all
from atlasia.www.forms import attach_service_errors

from .forms import ImportUploadForm, MappingForm, SubscriptionForm, TokenForm


def _errors(exc: ValidationError) -> list[str]:
    return (
        [m for messages_ in exc.message_dict.values() for m in messages_]
        if hasattr(exc, "error_dict")
        else exc.messages
    )


@require_GET
def exchange_home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "exchange/home.html",
        {
            "title": _("Import et API"),
            "can_manage_tokens": perms.can_anywhere(actor_of(request), Action.MEMBERS_MANAGE),
            "can_import": perms.can_anywhere(actor_of(request), Action.USECASE_CREATE),
            "is_platform_admin": perms.is_platform_admin(actor_of(request)),
            "jobs": selectors.import_jobs_of(actor_of(request))[:20],
        },
    )


# --- tokens ------------------------------------------------------------------------------------------


TOKEN_SESSION_KEY = "exchange_new_token"  # noqa: S105 (a session key, not a secret)


@require_http_methods(["GET", "POST"])
def token_list(request: HttpRequest) -> HttpResponse:
    """Tokens of the organisations the user manages, and the creation form.

    POST/redirect/GET: a created token is kept in the session and shown once by the page the browser
    is redirected to, so reloading that page neither creates a second token nor shows the first again.
    """
    organisations = organisations_for(actor_of(request), Action.MEMBERS_MANAGE)
    if not organisations.exists():
        raise PermissionDenied
    form = TokenForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        expires = form.cleaned_data["expires_at"]
        try:
            token, raw = services.token_create(
                actor=user_of(request),
                organisation=form.cleaned_data["organisation"],
                role=form.cleaned_data["role"],
                label=form.cleaned_data["label"],
                expires_at=(
                    timezone.make_aware(dt.datetime.combine(expires, dt.time(23, 59))) if expires else None
                ),
            )
        except ValidationError as exc:
            attach_service_errors(form, exc)
        else:
            request.session[TOKEN_SESSION_KEY] = {"id": token.pk, "raw": raw}
            messages.success(request, _("Le jeton « %(label)s » est créé.") % {"label": token.label})
            return redirect("exchange_tokens")
    shown: dict[str, Any] | None = (
        request.session.pop(TOKEN_SESSION_KEY, None) if request.method == "GET" else None
    )
    ids = (
        None
        if perms.is_platform_admin(actor_of(request))
        else set(organisations.values_list("pk", flat=True))
    )
    tokens = selectors.tokens_of(ids)
    created = tokens.filter(pk=shown["id"]).first() if shown else None
    return render(
        request,
        "exchange/tokens.html",
        {
            "title": _("Jetons d'API"),
            "form": form,
            "tokens": tokens,
            "created": created,
            "raw_token": shown["raw"] if shown and created else None,
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk)
    if not perms.can(actor_of(request), Action.MEMBERS_MANAGE, token.organisation):
        raise Http404
    services.token_revoke(actor=user_of(request), token=token)
    messages.success(request, _("Le jeton « %(label)s » est révoqué.") % {"label": token.label})
    return redirect("exchange_tokens")


# --- import ------------------------------------------------------------------------------------------


@require_GET
def import_template(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(
        importers.build_template(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="atlas-ia-modele-import.xlsx"'
    return response


@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    organisations = organisations_for(actor_of(request), Action.USECASE_CREATE)
    if not organisations.exists():
        raise PermissionDenied
    form = ImportUploadForm(request.POST or None, request.FILES or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = services.import_job_create(
                actor=user_of(request),
                organisation=form.cleaned_data["organisation"],
                filename=upload.name,
                content=upload.read(),
            )
        except ValidationError as exc:
            for message in _errors(exc):
                form.add_error("file", message)
        else:
            return redirect("exchange_import_detail", pk=job.pk)
    return render(request, "exchange/import_upload.html", {"title": _("Importer un tableur"), "form": form})


def _job(request: HttpRequest, pk: int) -> Any:
    job = selectors.import_jobs_of(actor_of(request)).filter(pk=pk).first()
    if job is None:
        raise Http404
    return job


def _changes(row: dict[str, Any], where: Locale) -> list[str]:
    """What the import changes in a row, one line per column, in the reader's language: the column's
    label, the old and the new value (a report stored before the values had their languages: as stored)."""
    lines = []
    for change in row.get("changes") or []:
        column = render_value(change.get("column_data", change.get("column", "")), where)
        new = where.quote(render_value(change.get("new_data", change.get("new", "")), where))
        if row.get("action") == "update":
            old = where.quote(render_value(change.get("old_data", change.get("old", "")), where))
            lines.append(_("%(column)s : %(old)s → %(new)s") % {"column": column, "old": old, "new": new})
        else:
            lines.append(_("%(column)s : %(new)s") % {"column": column, "new": new})
    return lines


@require_GET
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    report = dict(job.report or {})
    show = request.GET.get("voir", "tout")
    rows = report.get("rows", [])
    if show == "erreurs":
        rows = [r for r in rows if r["action"] == "error"]
    elif show == "modifications":
        rows = [r for r in rows if r["action"] in ("create", "update")]
    # The messages in the reader's language (a report stored before message codes: its French as is).
    report["file_errors"] = shown_all(report.get("file_errors", []), report.get("file_messages"))
    report["notes"] = shown_all(report.get("notes", []), report.get("note_messages"))
    report["already_imported"] = shown(
        report.get("already_imported", ""), report.get("already_imported_message")
    )
    result = job.result or {}
    where = locale()
    return render(
        request,
        "exchange/import_detail.html",
        {
            "title": _("Import : %(name)s") % {"name": job.filename},
            "job": job,
            "report": report,
            "result_errors": shown_all(result.get("errors", []), result.get("messages"))[:50],
            "rows": [
                {
                    **r,
                    "errors": shown_all(r.get("errors", []), r.get("messages")),
                    "changes": _changes(r, where),
                }
                for r in rows[:1000]
            ],
            "truncated": len(rows) > 1000,
            "show": show,
            "analysing": job.status in (ImportStatus.UPLOADED, ImportStatus.ANALYSING),
            "running": job.status in (ImportStatus.QUEUED, ImportStatus.RUNNING),
        },
    )


@require_http_methods(["GET", "POST"])
def import_mapping(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    form = MappingForm(request.POST or None, headers=job.headers, mapping=job.mapping)
    if request.method == "POST" and form.is_valid():
        try:
            services.import_job_set_mapping(actor=user_of(request), job=job, mapping=form.mapping())
        except ValidationError as exc:
            for message in _errors(exc):
                form.add_error(None, message)
        else:
            messages.success(
                request,
                _(
                    "Correspondance des colonnes enregistrée et retenue pour les prochains fichiers de "
                    "l'organisation ; l'analyse est relancée."
                ),
            )
            return redirect("exchange_import_detail", pk=job.pk)
    return render(
        request,
        "exchange/import_mapping.html",
        {"title": _("Correspondance des colonnes"), "job": job, "form": form},
    )


@require_POST
def import_header_line(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    raw = request.POST.get("header_line", "").strip()
    if raw and not raw.isdigit():
        messages.error(request, _("La ligne d'en-tête est un numéro de ligne (1, 2, 3…)."))
        return redirect("exchange_import_detail", pk=job.pk)
    try:
        services.import_job_set_header_line(actor=user_of(request), job=job, line=int(raw) if raw else None)
    except ValidationError as exc:
        for message in _errors(exc):
            messages.error(request, message)
    return redirect("exchange_import_detail", pk=job.pk)


@require_POST
def import_start(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    try:
        services.import_job_start(
            actor=user_of(request), job=job, only_valid=request.POST.get("only_valid") == "1"
        )
    except ValidationError as exc:
        for message in _errors(exc):
            messages.error(request, message)
    return redirect("exchange_import_detail", pk=job.pk)


@require_GET
def import_progress(request: HttpRequest, pk: int) -> JsonResponse:
    job = _job(request, pk)
    return JsonResponse(
        {
            "status": job.status,
            "status_label": job.get_status_display(),
            "processed": job.processed_rows,
            "total": job.total_rows,
            "percent": job.progress_percent,
            "result": job.result,
        }
    )


# --- subscriptions -----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def subscription_list(request: HttpRequest) -> HttpResponse:
    if not perms.is_platform_admin(actor_of(request)):
        raise PermissionDenied
    form = SubscriptionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            pull.subscription_create(actor=user_of(request), data=form.cleaned_data)
        except ValidationError as exc:
            for message in _errors(exc):
                form.add_error(None, message)
        else:
            messages.success(request, _("Abonnement enregistré."))
            return redirect("exchange_subscriptions")
    return render(
        request,
        "exchange/subscriptions.html",
        {
            "title": _("Abonnements à d'autres instances"),
            "form": form,
            "subscriptions": selectors.subscriptions(),
        },
    )


@require_POST
def subscription_pull(request: HttpRequest, pk: int) -> HttpResponse:
    if not perms.is_platform_admin(actor_of(request)):
        raise PermissionDenied
    subscription = get_object_or_404(Subscription, pk=pk)
    result = pull.pull_subscription(subscription=subscription, actor=user_of(request))
    if result.ok:
        messages.success(request, result.summary())
    else:
        messages.error(request, result.summary())
    return redirect("exchange_subscriptions")


@require_POST
def subscription_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Pause, resume or delete a subscription (deleting withdraws its copies)."""
    if not perms.is_platform_admin(actor_of(request)):
        raise PermissionDenied
    subscription = get_object_or_404(Subscription, pk=pk)
    if action == "pause":
        pull.subscription_pause(actor=user_of(request), subscription=subscription)
        messages.success(request, _("Abonnement mis en pause : il n'est plus synchronisé."))
    elif action == "reprendre":
        pull.subscription_resume(actor=user_of(request), subscription=subscription)
        messages.success(request, _("Abonnement repris."))
    elif action == "supprimer":
        removed = pull.subscription_delete(actor=user_of(request), subscription=subscription)
        messages.success(
            request,
            _("Abonnement supprimé ; %(n)s copie(s) retirée(s) du registre.") % {"n": removed},
        )
    else:
        raise Http404
    return redirect("exchange_subscriptions")
