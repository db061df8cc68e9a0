"""Screens of the compliance file: the obligations of a use case, one obligation (status, owner, evidence,
sign-off, history) and the portfolio by obligation and due date. Thin views: selectors read, services
write. An obligation of a use case the user may not see is a 404; a sign-off by a role that may not
sign is a 403 and stores nothing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from atlasia.accounts import perms
from atlasia.accounts.actor import actor_of, user_of
from atlasia.audit.models import AuditEntry
from atlasia.compliance import documents as compliance_documents
from atlasia.compliance import selectors, services
from atlasia.compliance.dossier import build_file
from atlasia.compliance.enums import (
    DOSSIER,
    LEVEL_BADGE,
    LEVEL_LABELS,
    STATUS_BADGE,
    EvidenceKind,
    FileJobStatus,
    ObligationStatus,
)
from atlasia.compliance.models import Evidence, ObligationItem, Risk, Vendor, VendorSystem
from atlasia.core.roles import Action
from atlasia.evaluation import refs as evaluation_refs
from atlasia.monitoring import refs as monitoring_refs
from atlasia.qualification import documents as qualification_documents
from atlasia.qualification import selectors as qualification_selectors
from atlasia.registry.models import Organisation, UseCase
from atlasia.www.forms import attach_service_errors
from atlasia.www.progress import progress_response

from .forms import (
    CharterCheckForm,
    EvidenceFileForm,
    EvidenceLinkForm,
    EvidenceObjectForm,
    ObligationForm,
    RiskForm,
    RiskReviewForm,
    VendorDocumentForm,
    VendorForm,
    VendorSystemForm,
)


def _usecase(request: HttpRequest, pk: int) -> UseCase:
    return get_object_or_404(
        selectors.usecases_with_file(actor_of(request)).select_related("organisation"), pk=pk
    )


def _item(request: HttpRequest, pk: int) -> ObligationItem:
    return get_object_or_404(selectors.obligations_visible_to(actor_of(request)), pk=pk)


def _editable(request: HttpRequest, pk: int) -> ObligationItem:
    item = _item(request, pk)
    if not perms.can(actor_of(request), Action.OBLIGATION_EDIT, item.use_case.organisation):
        raise Http404
    return item


def decorate(item: ObligationItem) -> ObligationItem:
    item.badge = STATUS_BADGE.get(item.status, "")  # type: ignore[attr-defined]
    return item


# --- the obligations of a use case -----------------------------------------------------------------------


def obligations_context(request: HttpRequest, use_case: UseCase) -> dict[str, Any]:
    today = timezone.localdate()
    items = [decorate(i) for i in selectors.obligations_of(use_case)]
    required = [i for i in items if not i.dropped]
    return {
        "use_case": use_case,
        "today": today,
        "open_items": [i for i in required if not i.is_closed],
        "closed_items": [i for i in required if i.is_closed],
        "dropped_items": [i for i in items if i.dropped],
        "overdue": sum(1 for i in required if not i.is_closed and i.due_date and i.due_date < today),
        "unsigned": sum(1 for i in required if i.is_closed and not i.signed_off_at),
        "counts": selectors.status_counts(use_case),
        "can_edit": perms.can(actor_of(request), Action.OBLIGATION_EDIT, use_case.organisation),
        "qualified": qualification_selectors.latest_ref(use_case) is not None,
    }


@require_GET
def usecase_obligations(request: HttpRequest, pk: int) -> HttpResponse:
    use_case = _usecase(request, pk)
    context = {
        "c": obligations_context(request, use_case),
        "use_case": use_case,
        "title": _("Obligations — %(title)s") % {"title": use_case.title},
    }
    return render(request, "compliance/obligations.html", context)


# --- one obligation -------------------------------------------------------------------------------------


def _object_options(item: ObligationItem) -> list[tuple[str, str]]:
    use_case = item.use_case
    options: list[tuple[str, str]] = []
    for version in qualification_selectors.versions_of(use_case):
        label = services.platform_object_label(item, EvidenceKind.QUALIFICATION_DOCUMENT, version.version)
        if label:
            options.append((f"{EvidenceKind.QUALIFICATION_DOCUMENT}:{version.version}", label))
    options += [
        (f"{EvidenceKind.EVALUATION_RUN}:{r.id}", r.label)
        for r in evaluation_refs.finished_runs_of(use_case.pk)
    ]
    options += [
        (f"{EvidenceKind.TRAINING_RECORD}:{t.id}", t.label)
        for t in monitoring_refs.trainings_of(use_case.organisation_id)
    ]
    return options


def _members(item: ObligationItem) -> list[tuple[int, str]]:
    return [(u.pk, u.get_full_name() or u.username) for u in selectors.assignable_members(item.use_case)]


def _history(item: ObligationItem) -> list[dict[str, Any]]:
    rows = []
    for entry in selectors.history_of(item)[:100]:
        changes = [
            {"field": key, "before": _shown(value[0]), "after": _shown(value[1])}
            for key, value in (entry.changes or {}).items()
            if isinstance(value, list) and len(value) == 2
        ]
        rows.append({"entry": entry, "changes": changes})
    return rows


def _shown(value: Any) -> str:
    if value in (None, ""):
        return "—"
    if isinstance(value, bool):
        return _("oui") if value else _("non")
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        return f"{value[8:10]}/{value[5:7]}/{value[0:4]}"
    return str(value)


def _page(
    request: HttpRequest,
    item: ObligationItem,
    *,
    form: ObligationForm | None = None,
    file_form: EvidenceFileForm | None = None,
    link_form: EvidenceLinkForm | None = None,
    object_form: EvidenceObjectForm | None = None,
    status: int = 200,
) -> HttpResponse:
    can_edit = perms.can(actor_of(request), Action.OBLIGATION_EDIT, item.use_case.organisation)
    if form is None:
        form = ObligationForm(
            initial={
                "status": item.status,
                "owner": item.owner_id,
                "reason": item.status_reason,
                "version": item.version,
            },
            members=_members(item),
        )
    context = {
        "item": decorate(item),
        "use_case": item.use_case,
        "evidence": list(item.evidence.select_related("attachment", "added_by")),
        "form": form,
        "file_form": file_form or EvidenceFileForm(),
        "link_form": link_form or EvidenceLinkForm(),
        "object_form": object_form or EvidenceObjectForm(options=_object_options(item)),
        "can_edit": can_edit,
        "can_sign": selectors.can_sign(actor_of(request), item),
        "history": _history(item),
        "today": timezone.localdate(),
        "title": item.shown_title,
    }
    return render(request, "compliance/obligation.html", context, status=status)


@require_http_methods(["GET", "POST"])
def obligation(request: HttpRequest, pk: int) -> HttpResponse:
    if request.method == "GET":
        return _page(request, _item(request, pk))
    item = _editable(request, pk)
    form = ObligationForm(request.POST, members=_members(item))
    if form.is_valid():
        owner_id = form.cleaned_data["owner"]
        owner = next((u for u in selectors.assignable_members(item.use_case) if u.pk == owner_id), None)
        try:
            services.obligation_update(
                actor=user_of(request),
                item=item,
                expected_version=form.cleaned_data["version"],
                status=form.cleaned_data["status"],
                owner=owner,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            attach_service_errors(form, error)
        else:
            messages.success(request, _("L'obligation a été mise à jour."))
            return redirect("compliance_obligation", pk=item.pk)
    item.refresh_from_db()
    return _page(request, item, form=form, status=400)


def _evidence_done(request: HttpRequest, item: ObligationItem) -> HttpResponse:
    messages.success(request, _("La preuve a été ajoutée."))
    return redirect(reverse("compliance_obligation", args=[item.pk]) + "#preuves")


@require_POST
def evidence_file(request: HttpRequest, pk: int) -> HttpResponse:
    item = _editable(request, pk)
    form = EvidenceFileForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.evidence_add_file(
                actor=user_of(request),
                item=item,
                uploaded=form.cleaned_data["file"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                error = ValidationError({"file": error.messages})
            attach_service_errors(form, error)
        else:
            return _evidence_done(request, item)
    return _page(request, item, file_form=form, status=400)


@require_POST
def evidence_link(request: HttpRequest, pk: int) -> HttpResponse:
    item = _editable(request, pk)
    form = EvidenceLinkForm(request.POST)
    if form.is_valid():
        try:
            services.evidence_add_link(
                actor=user_of(request),
                item=item,
                url=form.cleaned_data["url"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            attach_service_errors(form, error)
        else:
            return _evidence_done(request, item)
    return _page(request, item, link_form=form, status=400)


@require_POST
def evidence_object(request: HttpRequest, pk: int) -> HttpResponse:
    item = _editable(request, pk)
    form = EvidenceObjectForm(request.POST, options=_object_options(item))
    if form.is_valid():
        kind, _sep, object_id = form.cleaned_data["choice"].partition(":")
        try:
            services.evidence_add_object(
                actor=user_of(request),
                item=item,
                kind=kind,
                object_id=int(object_id),
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            attach_service_errors(form, ValidationError({"choice": error.messages}))
        else:
            return _evidence_done(request, item)
    return _page(request, item, object_form=form, status=400)


@require_POST
def evidence_remove(request: HttpRequest, pk: int, evidence_id: int) -> HttpResponse:
    item = _editable(request, pk)
    evidence = get_object_or_404(Evidence, pk=evidence_id, obligation=item)
    try:
        services.evidence_remove(actor=user_of(request), evidence=evidence)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("La preuve a été retirée."))
    return redirect(reverse("compliance_obligation", args=[item.pk]) + "#preuves")


@require_POST
def sign_off(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = None
    try:
        services.obligation_sign_off(actor=user_of(request), item=item, expected_version=version)
    except PermissionDenied:
        raise
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("L'obligation est validée."))
    return redirect("compliance_obligation", pk=item.pk)


# --- portfolio ------------------------------------------------------------------------------------------


@require_GET
def portfolio(request: HttpRequest) -> HttpResponse:
    """Obligations by key and due date across what the user may see (referents: their organisation;
    regional and national teams: their scope)."""
    if not perms.can_anywhere(actor_of(request), Action.COMPLIANCE_VIEW):
        raise Http404
    today = timezone.localdate()
    organisations = selectors.organisations_with_files(actor_of(request)).order_by("name")
    try:
        organisation_id = int(request.GET.get("organisation") or 0) or None
    except ValueError:
        organisation_id = None
    status = request.GET.get("statut", "")
    if status not in ObligationStatus.values:
        status = ""
    groups = selectors.portfolio(actor_of(request), today, organisation_id=organisation_id, status=status)
    for group in groups:
        for item in group.items:
            decorate(item)
    organisation = Organisation.objects.filter(pk=organisation_id).first() if organisation_id else None
    return render(
        request,
        "compliance/portfolio.html",
        {
            "groups": groups,
            "today": today,
            "organisations": organisations,
            "organisation": organisation,
            "status": status,
            "statuses": ObligationStatus.choices,
            "total": sum(len(g.items) for g in groups),
            "overdue": sum(g.overdue for g in groups),
            "title": _("Suivi des obligations"),
        },
    )


# --- risk register --------------------------------------------------------------------------------------


def _risk_members(use_case: UseCase) -> list[tuple[int, str]]:
    return [(u.pk, u.get_full_name() or u.username) for u in selectors.assignable_members(use_case)]


def _risk_data(form: RiskForm, use_case: UseCase) -> dict[str, Any]:
    data = {name: form.cleaned_data.get(name) for name in services.RISK_FIELDS if name != "owner"}
    owner_id = form.cleaned_data.get("owner")
    data["owner"] = next((u for u in selectors.assignable_members(use_case) if u.pk == owner_id), None)
    return data


def _decorate_risk(risk: Risk) -> Risk:
    risk.badge = LEVEL_BADGE.get(risk.level, "")  # type: ignore[attr-defined]
    risk.level_label = LEVEL_LABELS.get(risk.level, "")  # type: ignore[attr-defined]
    risk.residual_badge = LEVEL_BADGE.get(risk.residual_level, "")  # type: ignore[attr-defined]
    risk.residual_label = LEVEL_LABELS.get(risk.residual_level, "")  # type: ignore[attr-defined]
    return risk


def risks_context(request: HttpRequest, use_case: UseCase) -> dict[str, Any]:
    today = timezone.localdate()
    risks = [_decorate_risk(r) for r in selectors.risks_of(use_case)]
    return {
        "use_case": use_case,
        "risks": risks,
        "today": today,
        "feed": selectors.risk_feed(use_case),
        "overdue_reviews": sum(1 for r in risks if r.status != "closed" and r.next_review_on < today),
        "can_edit": perms.can(actor_of(request), Action.RISK_EDIT, use_case.organisation),
    }


@require_http_methods(["GET", "POST"])
def usecase_risks(request: HttpRequest, pk: int) -> HttpResponse:
    use_case = _usecase(request, pk)
    context = risks_context(request, use_case)
    source: tuple[str, int] | None = None
    raw = request.POST.get("source") or request.GET.get("source") or ""
    kind, _sep, ident = raw.partition(":")
    if kind in ("incident", "externality") and ident.isdigit():
        source = (kind, int(ident))
    status = 200
    if request.method == "POST":
        if not context["can_edit"]:
            raise Http404
        form = RiskForm(request.POST, members=_risk_members(use_case))
        if form.is_valid():
            try:
                services.risk_save(
                    actor=user_of(request), use_case=use_case, data=_risk_data(form, use_case), source=source
                )
            except ValidationError as error:
                attach_service_errors(form, error)
            else:
                messages.success(request, _("Le risque a été ajouté au registre."))
                return redirect("compliance_usecase_risks", pk=use_case.pk)
        status = 400
    else:
        initial: dict[str, Any] = {"next_review_on": timezone.localdate() + timedelta(days=90)}
        if source:
            prefill = selectors.risk_prefill(use_case, *source)
            if prefill is None:
                raise Http404
            initial.update(prefill)
        form = RiskForm(initial=initial, members=_risk_members(use_case))
    context.update(
        {
            "form": form,
            "source": f"{source[0]}:{source[1]}" if source else "",
            "title": _("Registre des risques — %(title)s") % {"title": use_case.title},
        }
    )
    return render(request, "compliance/risks.html", context, status=status)


@require_http_methods(["GET", "POST"])
def risk(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(selectors.risks_visible_to(actor_of(request)), pk=pk)
    use_case = entry.use_case
    can_edit = perms.can(actor_of(request), Action.RISK_EDIT, use_case.organisation)
    status = 200
    if request.method == "POST":
        if not can_edit:
            raise Http404
        form = RiskForm(request.POST, instance=entry, members=_risk_members(use_case))
        if form.is_valid():
            try:
                services.risk_save(
                    actor=user_of(request),
                    use_case=use_case,
                    risk=entry,
                    data=_risk_data(form, use_case),
                    expected_version=form.cleaned_data.get("version"),
                )
            except ValidationError as error:
                attach_service_errors(form, error)
            else:
                messages.success(request, _("Le risque a été mis à jour."))
                return redirect("compliance_usecase_risks", pk=use_case.pk)
        status = 400
    else:
        form = RiskForm(instance=entry, members=_risk_members(use_case))
    history = AuditEntry.objects.filter(object_type="compliance.risk", object_id=str(entry.pk)).order_by(
        "-at", "-id"
    )
    return render(
        request,
        "compliance/risk.html",
        {
            "risk": _decorate_risk(entry),
            "use_case": use_case,
            "form": form,
            "review_form": RiskReviewForm(
                initial={"next_review_on": timezone.localdate() + timedelta(days=90)}
            ),
            "can_edit": can_edit,
            "history": [
                {
                    "entry": h,
                    "changes": [
                        {"field": k, "before": _shown(v[0]), "after": _shown(v[1])}
                        for k, v in (h.changes or {}).items()
                        if isinstance(v, list) and len(v) == 2
                    ],
                }
                for h in history[:50]
            ],
            "title": entry.title,
        },
        status=status,
    )


@require_POST
def risk_review(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(selectors.risks_visible_to(actor_of(request)), pk=pk)
    if not perms.can(actor_of(request), Action.RISK_EDIT, entry.use_case.organisation):
        raise Http404
    form = RiskReviewForm(request.POST)
    if form.is_valid():
        try:
            services.risk_review(
                actor=user_of(request), risk=entry, next_review_on=form.cleaned_data["next_review_on"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("La revue du risque est enregistrée."))
    else:
        messages.error(request, _("Indiquez la date de la prochaine revue."))
    return redirect("compliance_risk", pk=entry.pk)


# --- vendor register ------------------------------------------------------------------------------------


def _organisation(request: HttpRequest, slug: str) -> Organisation:
    return get_object_or_404(selectors.organisations_with_files(actor_of(request)), slug=slug)


@require_http_methods(["GET", "POST"])
def vendors(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _organisation(request, slug)
    can_edit = perms.can(actor_of(request), Action.VENDOR_EDIT, organisation)
    form = VendorForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not can_edit:
            raise Http404
        if form.is_valid():
            try:
                vendor = services.vendor_save(
                    actor=user_of(request), organisation=organisation, data=form.cleaned_data
                )
            except ValidationError as error:
                attach_service_errors(form, error)
            else:
                messages.success(request, _("Le fournisseur a été ajouté au registre."))
                return redirect("compliance_vendor", pk=vendor.pk)
        status = 400
    principles = selectors.purchasing_principles()
    rows = []
    for vendor in (
        Vendor.objects.filter(organisation=organisation).prefetch_related("systems").order_by("name")
    ):
        statuses = [selectors.system_status(s, principles) for s in vendor.systems.all()]
        rows.append(
            {
                "vendor": vendor,
                "systems": statuses,
                "missing": sum(len(s.missing) for s in statuses),
                "charter_gaps": sum(s.charter_gaps for s in statuses),
            }
        )
    return render(
        request,
        "compliance/vendors.html",
        {
            "organisation": organisation,
            "rows": rows,
            "form": form,
            "can_edit": can_edit,
            "title": _("Registre des fournisseurs — %(name)s") % {"name": organisation.name},
        },
        status=status,
    )


def _vendor_page(
    request: HttpRequest,
    vendor: Vendor,
    *,
    system_form: VendorSystemForm | None = None,
    document_form: VendorDocumentForm | None = None,
    charter_forms: dict[int, CharterCheckForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    organisation = vendor.organisation
    principles = selectors.purchasing_principles()
    use_case_choices = [(uc.pk, uc.title) for uc in organisation.use_cases.order_by("title")]
    systems = [selectors.system_status(s, principles) for s in vendor.systems.all()]
    forms_by_system = charter_forms or {}
    for row in systems:
        if row.system.pk not in forms_by_system:
            initial = {}
            for principle_id, check in row.checks.items():
                initial[f"level_{principle_id}"] = check.level
                initial[f"evidence_{principle_id}"] = check.evidence
            forms_by_system[row.system.pk] = CharterCheckForm(
                initial=initial, principles=principles, prefix=f"s{row.system.pk}"
            )
        row.charter_form = forms_by_system[row.system.pk]  # type: ignore[attr-defined]
    return render(
        request,
        "compliance/vendor.html",
        {
            "vendor": vendor,
            "organisation": organisation,
            "systems": systems,
            "principles": principles,
            "system_form": system_form or VendorSystemForm(use_cases=use_case_choices),
            "document_form": document_form
            or VendorDocumentForm(
                systems=[(s.system.pk, s.system.name) for s in systems],
                initial={"received_on": timezone.localdate()},
            ),
            "can_edit": perms.can(actor_of(request), Action.VENDOR_EDIT, organisation),
            "title": vendor.name,
        },
        status=status,
    )


@require_GET
def vendor(request: HttpRequest, pk: int) -> HttpResponse:
    return _vendor_page(request, get_object_or_404(selectors.vendors_visible_to(actor_of(request)), pk=pk))


def _editable_vendor(request: HttpRequest, pk: int) -> Vendor:
    found = get_object_or_404(selectors.vendors_visible_to(actor_of(request)), pk=pk)
    if not perms.can(actor_of(request), Action.VENDOR_EDIT, found.organisation):
        raise Http404
    return found


@require_POST
def vendor_system(request: HttpRequest, pk: int) -> HttpResponse:
    found = _editable_vendor(request, pk)
    choices = [(uc.pk, uc.title) for uc in found.organisation.use_cases.order_by("title")]
    form = VendorSystemForm(request.POST, use_cases=choices)
    if form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "use_cases"}
        use_cases = list(found.organisation.use_cases.filter(pk__in=form.cleaned_data["use_cases"]))
        try:
            services.vendor_system_save(actor=user_of(request), vendor=found, data=data, use_cases=use_cases)
        except ValidationError as error:
            attach_service_errors(form, error)
        else:
            messages.success(request, _("Le système a été ajouté."))
            return redirect("compliance_vendor", pk=found.pk)
    return _vendor_page(request, found, system_form=form, status=400)


@require_POST
def vendor_document(request: HttpRequest, pk: int) -> HttpResponse:
    found = _editable_vendor(request, pk)
    systems = {s.pk: s for s in found.systems.all()}
    form = VendorDocumentForm(request.POST, request.FILES, systems=[(k, s.name) for k, s in systems.items()])
    if form.is_valid():
        try:
            services.vendor_document_add(
                actor=user_of(request),
                system=systems[form.cleaned_data["system"]],
                kind=form.cleaned_data["kind"],
                received_on=form.cleaned_data["received_on"],
                reference=form.cleaned_data["reference"],
                uploaded=form.cleaned_data.get("file"),
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                error = ValidationError({"file": error.messages})
            attach_service_errors(form, error)
        else:
            messages.success(request, _("Le document a été enregistré."))
            return redirect("compliance_vendor", pk=found.pk)
    return _vendor_page(request, found, document_form=form, status=400)


@require_POST
def vendor_charter(request: HttpRequest, pk: int, system_id: int) -> HttpResponse:
    found = _editable_vendor(request, pk)
    system = get_object_or_404(VendorSystem, pk=system_id, vendor=found)
    form = CharterCheckForm(
        request.POST, principles=selectors.purchasing_principles(), prefix=f"s{system.pk}"
    )
    if form.is_valid():
        try:
            services.vendor_charter_check(actor=user_of(request), system=system, checks=form.checks())
        except ValidationError as error:
            attach_service_errors(form, error)
        else:
            messages.success(request, _("Le contrôle au regard de la charte d'achat est enregistré."))
            return redirect("compliance_vendor", pk=found.pk)
    return _vendor_page(request, found, charter_forms={system.pk: form}, status=400)


# --- generated documents and the ZIP: prepared in the background -------------------------------------

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CONTENT_TYPES = {"zip": "application/zip", "pdf": "application/pdf", "docx": DOCX}


def request_file(
    request: HttpRequest, use_case: UseCase, kind: str, fmt: str, *, version: int | None = None
) -> HttpResponse:
    """Queue the preparation of a file and show the page that follows it: generating a PDF or the ZIP
    takes seconds, which never block a request. ``version``: of a document of the qualification (the
    qualification tab's forms)."""
    try:
        job = services.file_job_request(
            actor=user_of(request), use_case=use_case, kind=kind, fmt=fmt, version=version
        )
    except ValidationError:
        raise Http404 from None
    return redirect("compliance_job", pk=job.pk)


@require_POST
def document(request: HttpRequest, pk: int, kind: str, fmt: str) -> HttpResponse:
    use_case = _usecase(request, pk)
    if kind not in {**compliance_documents.KINDS, **qualification_documents.KINDS} or fmt not in (
        "docx",
        "pdf",
    ):
        raise Http404
    return request_file(request, use_case, kind, fmt)


@require_POST
def compliance_file_zip(request: HttpRequest, pk: int) -> HttpResponse:
    return request_file(request, _usecase(request, pk), DOSSIER, "zip")


@require_GET
def file_job(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(selectors.file_jobs_visible_to(actor_of(request)), pk=pk)
    # A document of the qualification is asked for from the qualification tab (or one of its versions),
    # which whoever reads the use case sees; the rest from the compliance file.
    if job.kind in qualification_documents.KINDS:
        back = (
            (
                reverse("qualification_version", args=[job.use_case_id, job.qualification_version]),
                _("Version %(version)s de la qualification") % {"version": job.qualification_version},
            )
            if job.qualification_version
            else (reverse("qualification_overview", args=[job.use_case_id]), _("Qualification"))
        )
        help_text = _(
            "La préparation se fait en arrière-plan : vous pouvez quitter cette page et y revenir depuis "
            "l'onglet Qualification."
        )
    else:
        back = (reverse("compliance_file", args=[job.use_case_id]), _("Dossier de conformité"))
        help_text = _(
            "La préparation se fait en arrière-plan : vous pouvez quitter cette page et y revenir, le "
            "fichier restera disponible depuis le dossier de conformité."
        )
    return render(
        request,
        "compliance/file_job.html",
        {
            "title": _("Préparation : %(file)s") % {"file": job.label},
            "job": job,
            "use_case": job.use_case,
            "step": _(job.step) if job.step else "",
            "back_url": back[0],
            "back_label": back[1],
            "help_text": help_text,
        },
    )


@require_GET
def file_job_progress(request: HttpRequest, pk: int) -> JsonResponse:
    """The job's progress as JSON, for the progress bar of its page."""
    job = get_object_or_404(selectors.file_jobs_visible_to(actor_of(request)), pk=pk)
    return progress_response(job, finished=job.is_finished)


@require_GET
def file_job_file(request: HttpRequest, pk: int) -> FileResponse:
    job = get_object_or_404(selectors.file_jobs_visible_to(actor_of(request)), pk=pk)
    if job.status != FileJobStatus.DONE or not job.file:
        raise Http404
    response = FileResponse(
        job.file.open("rb"), content_type=CONTENT_TYPES[job.fmt], as_attachment=True, filename=job.filename
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- the compliance file -------------------------------------------------------------------------------


@require_GET
def compliance_file(request: HttpRequest, pk: int) -> HttpResponse:
    use_case = _usecase(request, pk)
    dossier = build_file(use_case)
    prepared = selectors.prepared_files(use_case)
    return render(
        request,
        "compliance/file.html",
        {
            "f": dossier,
            "use_case": use_case,
            "obligations": obligations_context(request, use_case),
            "risks": [_decorate_risk(r) for r in dossier.risks],
            "today": dossier.today,
            "qualification_kinds": [
                (kind, _(title))
                for kind, title in qualification_documents.KINDS.items()
                if any(e.path == f"documents/{kind}.docx" for e in dossier.entries)
            ],
            "provider_kinds": [
                (kind, title, [prepared[kind, fmt] for fmt in ("pdf", "docx") if (kind, fmt) in prepared])
                for kind, title in compliance_documents.kinds().items()
            ]
            if dossier.provider_documents
            else [],
            "prepared": {"dossier_zip": prepared.get((DOSSIER, "zip"))},
            "title": _("Dossier de conformité — %(title)s") % {"title": use_case.title},
        },
    )
