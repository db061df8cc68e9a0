"""Screens of the expert committee: members, sessions and their agenda, opinions; the record page's
panel with the committee's opinions. Thin views: the campaigns domain checks, writes and audits."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from atlasia.accounts.actor import actor_of, user_of
from atlasia.campaigns import perms, selectors, services
from atlasia.campaigns.models import AgendaItem, CommitteeSession
from atlasia.registry import selectors as registry_selectors
from atlasia.www import extensions
from atlasia.www.forms import attach_service_errors

from . import forms as f


def _require_reader(request: HttpRequest) -> None:
    if not perms.can_read_committee(actor_of(request)):
        raise PermissionDenied


@require_GET
def committee_home(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    return render(
        request,
        "campaigns/committee.html",
        {
            "title": _("Comité d'experts"),
            "members": selectors.committee_members(),
            "sessions": selectors.committee_sessions(),
            "can_manage": perms.can_manage_committee(actor_of(request)),
        },
    )


def _form(request: HttpRequest, form: Any, title: str) -> HttpResponse:
    return render(
        request,
        "campaigns/form.html",
        {"form": form, "title": title, "cancel": reverse("committee_home"), "committee": True},
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
def session_create(request: HttpRequest) -> HttpResponse:
    if not perms.can_manage_committee(actor_of(request)):
        raise PermissionDenied
    form = f.SessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.committee_session_create(actor=user_of(request), data=form.cleaned_data)
        except ValidationError as error:
            attach_service_errors(form, error)
        else:
            messages.success(request, _("La séance est créée : inscrivez des cas d'usage depuis leur fiche."))
            return redirect("committee_session", session.pk)
    return _form(request, form, _("Nouvelle séance du comité"))


@require_http_methods(["GET", "POST"])
def member_add(request: HttpRequest) -> HttpResponse:
    if not perms.can_manage_committee(actor_of(request)):
        raise PermissionDenied
    form = f.MemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.committee_member_add(actor=user_of(request), **form.cleaned_data)
        except ValidationError as error:
            attach_service_errors(form, error)
        else:
            messages.success(request, _("Le membre est ajouté au comité."))
            return redirect("committee_home")
    return _form(request, form, _("Ajouter un membre du comité"))


@require_GET
def session_detail(request: HttpRequest, session_id: int) -> HttpResponse:
    _require_reader(request)
    session = get_object_or_404(CommitteeSession, pk=session_id)
    items = session.agenda.select_related("use_case__organisation", "decided_by")
    can_decide = perms.can_give_opinion(actor_of(request))
    rows = [
        {
            "item": item,
            "form": f.OpinionForm(
                prefix=f"avis-{item.pk}",
                initial={"verdict": item.verdict, "reasons": item.reasons, "promising": item.promising},
            )
            if can_decide
            else None,
        }
        for item in items
    ]
    return render(
        request,
        "campaigns/session.html",
        {"title": str(session), "session": session, "rows": rows, "can_decide": can_decide},
    )


@require_POST
def opinion_record(request: HttpRequest, item_id: int) -> HttpResponse:
    _require_reader(request)
    item = get_object_or_404(AgendaItem.objects.select_related("session", "use_case"), pk=item_id)
    form = f.OpinionForm(request.POST, prefix=f"avis-{item.pk}")
    if form.is_valid():
        try:
            services.opinion_record(actor=user_of(request), item=item, **form.cleaned_data)
        except ValidationError as error:
            attach_service_errors(form, error)
        else:
            messages.success(
                request,
                _("L'avis du comité sur « %(title)s » est enregistré.") % {"title": item.use_case.title},
            )
            return redirect(reverse("committee_session", args=[item.session_id]) + f"#point-{item.pk}")
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        messages.error(request, f"{label} : {' '.join(errors)}" if label else " ".join(errors))
    return redirect(reverse("committee_session", args=[item.session_id]) + f"#point-{item.pk}")


@require_POST
def agenda_add(request: HttpRequest, pk: int) -> HttpResponse:
    use_case = get_object_or_404(registry_selectors.usecases_visible_to(actor_of(request)), pk=pk)
    if not perms.can_manage_committee(actor_of(request)):
        raise PermissionDenied
    form = f.AgendaForm(request.POST)
    if form.is_valid():
        try:
            services.agenda_add(actor=user_of(request), use_case=use_case, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Le cas d'usage est inscrit à l'ordre du jour."))
    else:
        messages.error(request, _("Choisissez une séance à venir et la question posée au comité."))
    return redirect(reverse("usecase_detail", args=[pk]) + "#avis-comite")


def committee_panel(request: HttpRequest, use_case: Any) -> dict[str, Any] | None:
    has_items = extensions.may_have_rows(use_case, "agenda_items")
    opinions = selectors.opinions_on(use_case.pk) if has_items else []
    can_manage = perms.can_manage_committee(actor_of(request))
    if not opinions and not can_manage:
        return None
    agenda_form = None
    if can_manage:
        # The form only when a session is coming (the page's query says whether one is).
        upcoming = extensions.row_flag(use_case, "upcoming_committee_sessions")
        if upcoming is not False:
            form = f.AgendaForm()
            if upcoming or form.fields["session"].queryset.exists():  # type: ignore[attr-defined]
                agenda_form = form
    return {
        "use_case": use_case,
        "opinions": opinions,
        "can_manage": can_manage,
        "agenda_form": agenda_form,
    }


def _has_upcoming_session() -> Any:
    from django.db.models import Exists
    from django.utils import timezone

    return Exists(CommitteeSession.objects.filter(held_on__gte=timezone.localdate()))


def register() -> None:
    extensions.register_row_flag("agenda_items", AgendaItem)
    # Not a row of the record: whether any committee session is coming (the agenda form's choices).
    extensions.register_row_flag("upcoming_committee_sessions", _has_upcoming_session)
    extensions.register_panel(
        "committee",
        "campaigns/_committee_panel.html",
        committee_panel,
        order=70,
        anchor="avis-comite",
        title=gettext_lazy("Avis du comité d'experts"),
    )
    extensions.register_nav(
        gettext_lazy("Comité d'experts"), "committee_home", order=46, match_prefix="/comite/"
    )
