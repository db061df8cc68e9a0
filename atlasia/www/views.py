"""Screens of the registry: thin views that call selectors to read and services to write."""

from __future__ import annotations

import mimetypes
from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from atlasia.accounts import perms
from atlasia.accounts import selectors as account_selectors
from atlasia.accounts import services as account_services
from atlasia.accounts.actor import actor_of, user_of
from atlasia.accounts.models import MembershipRole
from atlasia.audit.concurrency import StaleEdit
from atlasia.audit.display import describe as describe_history
from atlasia.audit.selectors import history_of_use_case
from atlasia.core.roles import Action
from atlasia.registry import reference, selectors, services
from atlasia.registry.models import Attachment, Organisation, UseCase
from atlasia.search import selectors as search_selectors

from . import extensions, fragments, listing
from .forms import (
    AttachmentForm,
    ContactFormSet,
    OrganisationForm,
    UseCaseFilterForm,
    UseCaseForm,
    add_submission_field,
    add_version_field,
    attach_service_errors,
    keep_untouched,
    posted_submission,
    posted_version,
    refresh_version,
)
from .site_pages import public_home

PAGE_SIZE = 50


@login_not_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The dashboard of a logged-in user; for an anonymous visitor, the public home (register, open data)."""
    if not request.user.is_authenticated:
        return public_home(request)
    counts = selectors.home_counts(actor_of(request))
    status_labels = dict(UseCase._meta.get_field("status").choices)  # type: ignore[arg-type]
    by_status = [
        {"code": code, "label": label, "n": counts["by_status"].get(code, 0)}
        for code, label in status_labels.items()
    ]
    recent = selectors.usecases_visible_to(actor_of(request)).select_related("organisation", "theme")[:6]
    memberships = request.user.memberships.select_related("organisation").order_by("organisation__name")  # type: ignore[union-attr]
    # A new account (ProConnect's first login) has no role: say so, with the organisation its SIRET proposes.
    proposed = selectors.proposed_organisations(request.user) if not memberships else []
    return render(
        request,
        "www/home.html",
        {
            "counts": counts,
            "by_status": by_status,
            "recent": recent,
            "memberships": memberships,
            "proposed_organisations": proposed,
            "title": _("Accueil"),
        },
    )


def _filters_from(request: HttpRequest) -> selectors.UseCaseFilters:
    g = request.GET
    return selectors.UseCaseFilters(
        q=g.get("q", "").strip()[:200],
        theme=g.get("theme", ""),
        status=g.get("status", ""),
        organisation=" ".join(g.get("organisation", "").split())[:200],
        organisation_type=g.get("organisation_type", ""),
        region=g.get("region", ""),
        technique=g.get("technique", ""),
        publication_level=g.get("publication_level", ""),
        sort=g.get("sort", "-updated_at"),
    )


@require_GET
def usecase_list(request: HttpRequest) -> HttpResponse:
    filters = _filters_from(request)
    # Built only when the cached filter fragment is rendered afresh (its key is the submitted values).
    form = SimpleLazyObject(lambda: UseCaseFilterForm(request.GET or None))
    qs = search_selectors.usecase_list(actor_of(request), filters, page_columns=True)
    page = selectors.CappedPaginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    # The page's records as rows of plain values (registry.selectors.usecase_rows), read in one query,
    # and their <tr> written in Python (www/listing.py: a tenth of the template engine's cost).
    page.object_list = selectors.usecase_rows(
        cast("QuerySet[UseCase]", page.object_list), texts=bool(filters.q)
    )
    rows = listing.usecase_rows_html(page.object_list, request.GET.get("q", ""))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "www/usecase_list.html",
        {
            "form": form,
            "page_obj": page,
            "rows": rows,
            "query_string": query.urlencode(),
            # The filter form is a cached fragment: its key is the values it shows (www/fragments.py).
            "filters_key": fragments.values_key(request.GET, list(UseCaseFilterForm.base_fields)),
            "active_filters": any(
                getattr(filters, f)
                for f in (
                    "q",
                    "theme",
                    "status",
                    "organisation",
                    "organisation_type",
                    "region",
                    "technique",
                    "publication_level",
                )
            ),
            "title": _("Cas d'usage"),
        },
    )


@require_GET
def usecase_detail(request: HttpRequest, pk: int) -> HttpResponse:
    use_case = get_object_or_404(
        selectors.usecase_detail_queryset(actor_of(request), extensions.packed_row_flags()), pk=pk
    )
    organisation = use_case.organisation
    tab = request.GET.get("onglet", "fiche")
    can_audit = perms.can(actor_of(request), Action.AUDIT_VIEW, organisation)
    can_upload = perms.can(actor_of(request), Action.ATTACHMENT_UPLOAD, organisation)
    context: dict[str, Any] = {
        "use_case": use_case,
        "tab": tab,
        "title": use_case.title,
        "can_edit": perms.can(actor_of(request), Action.USECASE_EDIT, organisation),
        "can_delete": perms.can(actor_of(request), Action.USECASE_DELETE, organisation),
        "can_upload": can_upload,
        "can_audit": can_audit,
        "attachment_form": AttachmentForm() if can_upload else None,  # shown only to who may upload
        "region_name": reference.region_names().get(organisation.region, ""),
        # Keys of the page's cached parts (www/fragments.py): the record's version, and for the header
        # its organisation's last save too.
        "content_key": selectors.usecase_content_key(use_case),
    }
    context["header_key"] = (
        f"{context['content_key']}|{organisation.pk}.{organisation.updated_at.timestamp()}"
    )
    if tab == "historique":
        if not can_audit:
            raise Http404
        context["history"] = describe_history(history_of_use_case(use_case.pk)[:200])
    extra_tabs = {t.key: t for t in extensions.tabs_for(request, use_case)}
    context["extra_tabs"] = list(extra_tabs.values())
    if tab in extra_tabs:
        tab_context = extra_tabs[tab].context(request, use_case)
        if tab_context is None:
            raise Http404
        context["tab_template"] = extra_tabs[tab].template
        context["tab_context"] = tab_context
    elif tab not in {"fiche", "historique"}:
        raise Http404
    if tab == "fiche":
        # Read only by the parts of the page not served from the cache (www/fragments.py).
        context["relations"] = selectors.detail_relations(use_case)
    context["panels"] = extensions.panels_for(request, use_case)
    return render(request, "www/usecase_detail.html", context)


def _contact_rows(formset: Any) -> list[dict[str, Any]]:
    """The contact lines for :func:`services.contacts_save`: every line that names an existing
    contact (the service keeps what did not change), and the new lines the user filled in."""
    rows = []
    for form in formset.forms:
        data = dict(form.cleaned_data)
        delete = bool(data.pop("DELETE", False))
        if data.get("id"):
            rows.append({**data, "delete": delete})
        elif form.has_changed() and not delete:
            rows.append(data)
    return rows


def _contact_initial(use_case: UseCase) -> list[dict[str, Any]]:
    return [
        {
            "id": c.pk,
            "role": c.role,
            "name": c.name,
            "email": c.email,
            "phone": c.phone,
            "is_public": c.is_public,
        }
        for c in use_case.contacts.order_by("id")
    ]


@require_http_methods(["GET", "POST"])
def usecase_create(request: HttpRequest) -> HttpResponse:
    organisations = selectors.organisations_for(actor_of(request), Action.USECASE_CREATE).order_by("name")
    if not organisations.exists():
        raise PermissionDenied(_("Votre rôle ne permet pas de créer un cas d'usage."))
    form = UseCaseForm(request.POST or None, organisations=organisations)
    add_submission_field(form)
    contacts = ContactFormSet(request.POST or None, prefix="contacts")
    if request.method == "POST" and form.is_valid() and contacts.is_valid():
        try:
            with transaction.atomic():
                use_case = services.usecase_create(
                    actor=user_of(request),
                    organisation=form.cleaned_data["organisation"],
                    data=form.service_data(),
                    submission=posted_submission(form),
                )
                if not use_case.contacts.exists():  # a repeated submit does not add them twice
                    services.contacts_save(
                        actor=user_of(request), use_case=use_case, rows=_contact_rows(contacts)
                    )
        except ValidationError as error:
            attach_service_errors(form, error)
        else:
            messages.success(
                request, _("Le cas d'usage « %(title)s » a été créé.") % {"title": use_case.title}
            )
            return redirect("usecase_detail", pk=use_case.pk)
    return render(
        request,
        "www/usecase_form.html",
        {"form": form, "contacts": contacts, "title": _("Nouveau cas d'usage"), "is_new": True},
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
def usecase_edit(request: HttpRequest, pk: int) -> HttpResponse:
    use_case = get_object_or_404(
        selectors.usecases_for(actor_of(request), Action.USECASE_EDIT).select_related("organisation"), pk=pk
    )
    organisations = Organisation.objects.filter(pk=use_case.organisation_id)
    form = UseCaseForm(request.POST or None, instance=use_case, organisations=organisations)
    form.fields["organisation"].disabled = True
    add_version_field(form, services.usecase_version(use_case))
    contacts = ContactFormSet(request.POST or None, prefix="contacts", initial=_contact_initial(use_case))
    if request.method == "POST" and form.is_valid() and contacts.is_valid():
        # The ModelForm has already written the cleaned values on the instance: reload it so that
        # the service compares the stored record with the new values.
        fresh = UseCase.objects.get(pk=use_case.pk)
        try:
            with transaction.atomic():
                services.usecase_update(
                    actor=user_of(request),
                    use_case=fresh,
                    data=form.service_data(),
                    version=posted_version(form),
                )
                services.contacts_save(actor=user_of(request), use_case=fresh, rows=_contact_rows(contacts))
        except StaleEdit as error:
            attach_service_errors(form, error)
            keep_untouched(form, error)
            refresh_version(form, services.usecase_version(fresh))
        except ValidationError as error:
            attach_service_errors(form, error)
        else:
            messages.success(request, _("Les modifications ont été enregistrées."))
            return redirect("usecase_detail", pk=use_case.pk)
    return render(
        request,
        "www/usecase_form.html",
        {
            "form": form,
            "contacts": contacts,
            "use_case": use_case,
            "title": _("Modifier « %(title)s »") % {"title": use_case.title},
        },
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
def usecase_delete(request: HttpRequest, pk: int) -> HttpResponse:
    use_case = get_object_or_404(
        selectors.usecases_for(actor_of(request), Action.USECASE_DELETE).select_related("organisation"), pk=pk
    )
    if request.method == "POST":
        title = use_case.title
        services.usecase_delete(actor=user_of(request), use_case=use_case)
        messages.success(request, _("Le cas d'usage « %(title)s » a été supprimé.") % {"title": title})
        return redirect("usecase_list")
    return render(
        request, "www/usecase_delete.html", {"use_case": use_case, "title": _("Supprimer un cas d'usage")}
    )


@require_POST
def attachment_upload(request: HttpRequest, pk: int) -> HttpResponse:
    use_case = get_object_or_404(
        selectors.usecases_for(actor_of(request), Action.ATTACHMENT_UPLOAD).select_related("organisation"),
        pk=pk,
    )
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.attachment_add(
                actor=user_of(request),
                use_case=use_case,
                uploaded=form.cleaned_data["file"],
                title=form.cleaned_data["title"],
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect(reverse("usecase_detail", args=[pk]) + "#pieces-jointes")
        messages.success(request, _("La pièce jointe a été ajoutée."))
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, _("Pièce jointe : %(message)s") % {"message": message})
    return redirect(reverse("usecase_detail", args=[pk]) + "#pieces-jointes")


@require_GET
def attachment_download(request: HttpRequest, pk: int, attachment_id: int) -> FileResponse:
    use_case = get_object_or_404(selectors.usecases_visible_to(actor_of(request)), pk=pk)
    attachment = get_object_or_404(Attachment, pk=attachment_id, use_case=use_case)
    content_type = attachment.content_type or mimetypes.guess_type(attachment.original_name)[0]
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
def attachment_delete(request: HttpRequest, pk: int, attachment_id: int) -> HttpResponse:
    use_case = get_object_or_404(selectors.usecases_for(actor_of(request), Action.USECASE_EDIT), pk=pk)
    attachment = get_object_or_404(Attachment, pk=attachment_id, use_case=use_case)
    services.attachment_delete(actor=user_of(request), attachment=attachment)
    messages.success(request, _("La pièce jointe a été supprimée."))
    return redirect(reverse("usecase_detail", args=[pk]) + "#pieces-jointes")


@require_GET
def organisation_list(request: HttpRequest) -> HttpResponse:
    visible = selectors.usecases_visible_to(actor_of(request))
    organisations = (
        Organisation.objects.annotate(n=Count("use_cases", filter=Q(use_cases__in=visible)))
        .select_related("parent")
        .order_by("name")
    )
    q = request.GET.get("q", "").strip()
    if q:
        organisations = organisations.filter(Q(name__icontains=q) | Q(siren=q) | Q(finess=q))
    page = Paginator(organisations, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "www/organisation_list.html",
        {"page_obj": page, "q": q, "region_names": reference.region_names(), "title": _("Organisations")},
    )


@require_GET
def organisation_suggestions(request: HttpRequest) -> JsonResponse:
    """JSON for the organisation autocomplete of the list filters (``www/organisation-autocomplete.js``)."""
    found = selectors.organisation_suggestions(request.GET.get("q", ""))
    return JsonResponse({"results": [{"slug": o.slug, "name": o.name} for o in found]})


@require_GET
def organisation_detail(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_object_or_404(Organisation.objects.select_related("parent"), slug=slug)
    use_cases = (
        selectors.usecases_visible_to(actor_of(request))
        .filter(organisation=organisation)
        .select_related("theme")
        .order_by("title")
    )
    return render(
        request,
        "www/organisation_detail.html",
        {
            "organisation": organisation,
            "use_cases": use_cases,
            "children": organisation.children.order_by("name"),
            "region_name": reference.region_names().get(organisation.region, ""),
            "can_edit": perms.can(actor_of(request), Action.ORGANISATION_EDIT, organisation),
            "members": organisation.memberships.select_related("user").order_by("user__last_name")
            if perms.can(actor_of(request), Action.MEMBERS_MANAGE, organisation)
            else None,
            "role_choices": MembershipRole.choices,
            "invitations": account_selectors.pending_invitations(organisation)
            if perms.can(actor_of(request), Action.MEMBERS_MANAGE, organisation)
            else None,
            "invitation_days": settings.ATLASIA_INVITATION_DAYS,
            "title": organisation.name,
        },
    )


@require_http_methods(["GET", "POST"])
def organisation_edit(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_object_or_404(
        selectors.organisations_for(actor_of(request), Action.ORGANISATION_EDIT), slug=slug
    )
    form = OrganisationForm(request.POST or None, instance=organisation)
    form.fields["parent"].queryset = Organisation.objects.exclude(pk=organisation.pk).order_by("name")  # type: ignore[attr-defined]
    add_version_field(form, services.organisation_version(organisation))
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        fresh = Organisation.objects.get(pk=organisation.pk)
        try:
            services.organisation_update(
                actor=user_of(request), organisation=fresh, data=data, version=posted_version(form)
            )
        except StaleEdit as error:
            attach_service_errors(form, error)
            keep_untouched(form, error)
            refresh_version(form, services.organisation_version(fresh))
        except ValidationError as error:
            attach_service_errors(form, error)
        else:
            messages.success(request, _("La fiche de l'organisation a été enregistrée."))
            return redirect("organisation_detail", slug=organisation.slug)
    return render(
        request,
        "www/organisation_form.html",
        {"form": form, "organisation": organisation, "title": _("Modifier l'organisation")},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
def membership_remove(request: HttpRequest, slug: str, membership_id: int) -> HttpResponse:
    organisation = get_object_or_404(
        selectors.organisations_for(actor_of(request), Action.MEMBERS_MANAGE), slug=slug
    )
    membership = get_object_or_404(organisation.memberships.select_related("user"), pk=membership_id)
    try:
        account_services.membership_remove(actor=user_of(request), membership=membership)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Le rôle de %(user)s a été retiré.") % {"user": membership.user})
    return redirect(reverse("organisation_detail", args=[slug]) + "#membres")


@login_not_required
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")
