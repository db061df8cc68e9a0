"""Screens of monitoring: incidents, negative externalities, environmental footprint, AI literacy and
the ambassadors network. Thin views: selectors read, services write, the core computes.

A use case or an incident the user may not see is a 404; an action her role does not allow is a 403
(the services refuse and nothing is stored)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.forms import BaseForm
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from atlasia.accounts.actor import actor_of, user_of
from atlasia.audit.concurrency import StaleEdit, create_once
from atlasia.core import footprint as fp
from atlasia.core import incidents as incidents_core
from atlasia.core.permissions import Actor
from atlasia.core.roles import Action, Role
from atlasia.evaluation import monitoring as evaluation_monitoring
from atlasia.evaluation import selectors as evaluation_selectors
from atlasia.monitoring import perms as mperms
from atlasia.monitoring import selectors
from atlasia.monitoring.externalities import routing as externality_routing
from atlasia.monitoring.externalities import selectors as externalities_selectors
from atlasia.monitoring.externalities import services as externalities_services
from atlasia.monitoring.footprint import selectors as footprint_selectors
from atlasia.monitoring.footprint import services as footprint_services
from atlasia.monitoring.incidents import selectors as incidents_selectors
from atlasia.monitoring.incidents import services as incidents_services
from atlasia.monitoring.models import (
    Externality,
    Incident,
    NetworkEvent,
    NetworkResource,
    TrainingCompletion,
    TrainingModule,
)
from atlasia.monitoring.people import selectors as people_selectors
from atlasia.monitoring.people import services as people_services
from atlasia.registry import reference
from atlasia.registry import selectors as registry_selectors
from atlasia.registry.models import Organisation, UseCase
from atlasia.www.forms import (
    add_submission_field,
    add_version_field,
    attach_service_errors,
    posted_submission,
    posted_version,
    refresh_version,
)

from . import forms as f


def _usecase(request: HttpRequest, pk: int) -> UseCase:
    """A use case whose monitoring the user may read (its organisation's members, reviewers, admins)."""
    use_case = get_object_or_404(
        registry_selectors.usecases_visible_to(actor_of(request)).select_related("organisation"), pk=pk
    )
    if not mperms.can_read(actor_of(request), use_case.organisation):
        raise Http404
    return use_case


def _form_page(
    request: HttpRequest,
    form: Any,
    title: str,
    cancel: str,
    *,
    use_case: Any = None,
    lead: str = "",
    multipart: bool = False,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "monitoring/form.html",
        {
            "form": form,
            "title": title,
            "cancel": cancel,
            "use_case": use_case,
            "lead": lead,
            "multipart": multipart,
        },
        status=status,
    )


def _fields(form: BaseForm) -> dict[str, Any]:
    """The form's values for a service, without the one-time submission key."""
    return {k: v for k, v in form.cleaned_data.items() if k != "submission"}


# --- home: "to do" -----------------------------------------------------------------------------------


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request, "monitoring/home.html", {"todo": selectors.todo_for(actor_of(request)), "title": _("Suivi")}
    )


# --- incidents ---------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def incident_create(request: HttpRequest, pk: int) -> HttpResponse:
    use_case = _usecase(request, pk)
    if not mperms.can_declare(actor_of(request), use_case.organisation):
        raise PermissionDenied
    # proposed from a monitoring alert (?lot=<batch>): the form is prefilled from the batch's alerts
    initial: dict[str, Any] = {}
    batch_id = request.GET.get("lot", "")
    if batch_id.isdigit():
        batch = (
            evaluation_selectors.batches_visible_to(actor_of(request))
            .filter(pk=int(batch_id), series__use_case=use_case)
            .first()
        )
        if batch is not None:
            initial = evaluation_monitoring.incident_prefill(batch)
    form = f.IncidentForm(request.POST or None, initial=initial)
    add_submission_field(form)
    if request.method == "POST" and form.is_valid():
        try:
            incident = create_once(
                key=posted_submission(form),
                actor=user_of(request),
                model=Incident,
                create=lambda: incidents_services.incident_create(
                    actor=user_of(request), use_case=use_case, data=_fields(form)
                ),
            )
        except ValidationError as error:
            attach_service_errors(form, error)
        else:
            messages.success(request, _("L'incident a été enregistré."))
            return redirect("monitoring_incident", incident.pk)
    return _form_page(
        request,
        form,
        _("Déclarer un incident"),
        reverse("usecase_detail", args=[pk]),
        use_case=use_case,
        status=400 if request.method == "POST" else 200,
    )


def _incident(request: HttpRequest, incident_id: int) -> Any:
    return get_object_or_404(incidents_selectors.incidents_visible_to(actor_of(request)), pk=incident_id)


@require_GET
def incident_detail(request: HttpRequest, incident_id: int) -> HttpResponse:
    incident = _incident(request, incident_id)
    can_manage = mperms.can_manage(actor_of(request), incident.use_case.organisation)

    status_form = f.IncidentStatusForm(initial={"corrective_actions": incident.corrective_actions})
    labels = dict(status_form.fields["status"].choices)
    status_form.fields["status"].choices = [
        (s.value, labels[s.value]) for s in incidents_core.next_statuses(incident.status)
    ]
    return render(
        request,
        "monitoring/incident_detail.html",
        {
            "incident": incident,
            "use_case": incident.use_case,
            "can_manage": can_manage,
            "can_edit": mperms.can_declare(actor_of(request), incident.use_case.organisation),
            "status_form": status_form,
            "report_form": f.IncidentReportForm(initial={"reported_to": incident.authority}),
            "suspend_form": f.SuspendForm(),
            "can_suspend": can_manage and incident.use_case.status != "suspended",
            "title": _("Incident — %(title)s") % {"title": incident.title},
        },
    )


@require_POST
def incident_status(request: HttpRequest, incident_id: int) -> HttpResponse:
    incident = _incident(request, incident_id)
    form = f.IncidentStatusForm(request.POST)
    if form.is_valid():
        try:
            incidents_services.incident_set_status(
                actor=user_of(request),
                incident=incident,
                status=form.cleaned_data["status"],
                corrective_actions=form.cleaned_data["corrective_actions"],
            )
        except ValidationError as error:
            messages.error(
                request, _("Changement d'état refusé : %(reasons)s") % {"reasons": " ".join(error.messages)}
            )
        else:
            messages.success(request, _("L'état de l'incident a été mis à jour."))
    else:
        messages.error(request, _("Changement d'état : formulaire incomplet."))
    return redirect("monitoring_incident", incident.pk)


@require_POST
def incident_report(request: HttpRequest, incident_id: int) -> HttpResponse:
    incident = _incident(request, incident_id)
    form = f.IncidentReportForm(request.POST)
    if form.is_valid():
        try:
            incidents_services.incident_record_report(
                actor=user_of(request),
                incident=incident,
                reported_on=form.cleaned_data["reported_on"],
                reported_to=form.cleaned_data["reported_to"],
                reference=form.cleaned_data["reference"],
            )
        except ValidationError as error:
            messages.error(
                request, _("Signalement non enregistré : %(reasons)s") % {"reasons": " ".join(error.messages)}
            )
        else:
            messages.success(request, _("Le signalement a été enregistré : les relances s'arrêtent."))
    else:
        messages.error(
            request,
            _("Signalement : %(reasons)s")
            % {"reasons": " ".join(e for errs in form.errors.values() for e in errs)},
        )
    return redirect("monitoring_incident", incident.pk)


@require_POST
def incident_suspend(request: HttpRequest, incident_id: int) -> HttpResponse:
    incident = _incident(request, incident_id)
    form = f.SuspendForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Suspension : indiquez le motif."))
        return redirect("monitoring_incident", incident.pk)
    try:
        incidents_services.incident_suspend_usecase(
            actor=user_of(request), incident=incident, reason=form.cleaned_data["reason"]
        )
    except ValidationError as error:
        messages.error(request, _("Suspension refusée : %(reasons)s") % {"reasons": " ".join(error.messages)})
    else:
        messages.success(request, _("Le cas d'usage est suspendu."))
    return redirect("monitoring_incident", incident.pk)


# --- externalities -----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def externality_create(request: HttpRequest, pk: int) -> HttpResponse:
    use_case = _usecase(request, pk)
    form = f.ExternalityForm(request.POST or None)
    add_submission_field(form)
    if request.method == "POST" and form.is_valid():
        try:
            create_once(
                key=posted_submission(form),
                actor=user_of(request),
                model=Externality,
                create=lambda: externalities_services.externality_report(
                    actor=user_of(request), use_case=use_case, data=_fields(form)
                ),
            )
        except ValidationError as error:
            attach_service_errors(form, error)
        else:
            messages.success(request, _("Merci : l'externalité a été transmise à l'organisation porteuse."))
            return redirect(reverse("usecase_detail", args=[pk]) + "#suivi")
    return _form_page(
        request,
        form,
        _("Signaler une externalité négative"),
        reverse("usecase_detail", args=[pk]),
        use_case=use_case,
        status=400 if request.method == "POST" else 200,
        lead=_("Un effet indésirable de l'outil : biais, erreurs, surcroît de travail, perte de droits…"),
    )


@require_http_methods(["GET", "POST"])
def externality_detail(request: HttpRequest, externality_id: int) -> HttpResponse:
    externality = get_object_or_404(
        externalities_selectors.externalities_visible_to(actor_of(request)), pk=externality_id
    )
    can_manage = externality_routing.can_triage(actor_of(request), externality.use_case.organisation)
    form = f.TriageForm(request.POST or None, initial={"status": externality.status})
    add_version_field(form, externalities_services.externality_version(externality))
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if form.is_valid():
            try:
                externalities_services.externality_triage(
                    actor=user_of(request),
                    externality=externality,
                    status=form.cleaned_data["status"],
                    note=form.cleaned_data["note"],
                    version=posted_version(form),
                )
            except StaleEdit as error:
                attach_service_errors(form, error)
                externality.refresh_from_db()
                refresh_version(form, externalities_services.externality_version(externality))
            except ValidationError as error:
                attach_service_errors(form, error)
            else:
                messages.success(request, _("Le suivi a été enregistré."))
                return redirect("monitoring_externality", externality.pk)
    return render(
        request,
        "monitoring/externality_detail.html",
        {
            "externality": externality,
            "use_case": externality.use_case,
            "form": form,
            "can_manage": can_manage,
            "notes": externality.notes.all(),
            "title": _("Externalité négative"),
        },
        status=400 if request.method == "POST" else 200,
    )


# --- footprint ---------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def footprint(request: HttpRequest, pk: int) -> HttpResponse:
    use_case = _usecase(request, pk)
    can_edit = mperms.can_declare(actor_of(request), use_case.organisation)
    kind = request.POST.get("kind", "")
    declared = f.FootprintDeclaredForm(request.POST if kind == "declared" else None, prefix="declared")
    codecarbon = f.CodeCarbonForm(
        request.POST if kind == "codecarbon" else None,
        request.FILES if kind == "codecarbon" else None,
        prefix="codecarbon",
    )
    genai = f.GenAIForm(
        request.POST if kind == "genai" else None, prefix="genai", providers=fp.genai_providers()
    )
    status = 200
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if kind not in {"declared", "codecarbon", "genai"}:
            messages.error(request, _("Formulaire inconnu : rien n'a été enregistré."))
            return redirect("monitoring_footprint", pk)
        try:
            if kind == "declared" and declared.is_valid():
                footprint_services.footprint_declare(
                    actor=user_of(request), use_case=use_case, data=declared.cleaned_data
                )
            elif kind == "codecarbon" and codecarbon.is_valid():
                upload = codecarbon.cleaned_data["file"]
                footprint_services.footprint_import_codecarbon(
                    actor=user_of(request),
                    use_case=use_case,
                    name=upload.name,
                    size=upload.size,
                    handle=upload.file,
                    phase=codecarbon.cleaned_data["phase"],
                )
            elif kind == "genai" and genai.is_valid():
                data = genai.cleaned_data
                footprint_services.footprint_estimate_genai(
                    actor=user_of(request),
                    use_case=use_case,
                    provider=data["provider"],
                    model=data["model"],
                    output_tokens_per_request=data["output_tokens_per_request"],
                    requests=data["requests"],
                    zone=data["zone"],
                    period_start=data["period_start"],
                    period_end=data["period_end"],
                )
            else:
                raise ValidationError(_("Le formulaire contient des erreurs : rien n'a été enregistré."))
        except ValidationError as error:
            forms_by_kind: dict[str, BaseForm] = {
                "declared": declared,
                "codecarbon": codecarbon,
                "genai": genai,
            }
            target = forms_by_kind.get(kind, declared)
            # The form's own errors already say what is wrong.
            if not target.errors:
                attach_service_errors(target, error)
            status = 400
        else:
            messages.success(request, _("L'empreinte a été enregistrée."))
            return redirect("monitoring_footprint", pk)
    footprints = footprint_selectors.footprints_visible_to(actor_of(request)).filter(use_case=use_case)
    totals = footprint_selectors.footprint_totals(UseCase.objects.filter(pk=use_case.pk))
    return render(
        request,
        "monitoring/footprint.html",
        {
            "use_case": use_case,
            "footprints": footprints,
            "totals": totals,
            "can_edit": can_edit,
            "declared_form": declared,
            "codecarbon_form": codecarbon,
            "genai_form": genai,
            "kind": kind,
            "factor": fp.electricity_factor(),
            "title": _("Empreinte environnementale — %(title)s") % {"title": use_case.title},
        },
        status=status,
    )


@require_GET
def footprint_overview(request: HttpRequest) -> HttpResponse:
    scope = registry_selectors.usecases_visible_to(actor_of(request))
    visible = footprint_selectors.footprints_visible_to(actor_of(request)).values("use_case_id")
    totals = footprint_selectors.footprint_totals(scope.filter(pk__in=visible))
    return render(
        request,
        "monitoring/footprint_overview.html",
        {"totals": totals, "title": _("Empreinte environnementale")},
    )


# --- AI literacy -------------------------------------------------------------------------------------


def _literacy_orgs(actor: Actor) -> QuerySet[Organisation]:
    """Organisations where the actor records training completions (``monitoring.perms.LITERACY_ROLES``)."""
    if actor.is_platform_admin:
        return Organisation.objects.all()
    return Organisation.objects.filter(
        pk__in=[org_id for org_id, roles in actor.roles.items() if roles & mperms.LITERACY_ROLES]
    )


@require_GET
def literacy(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    # The teams see the network's figures; everyone sees the coverage of the organisations she reads.
    national_view = actor.is_national_team or bool(actor.perimeter)
    scope = registry_selectors.organisations_for(actor, Action.USECASE_VIEW)
    return render(
        request,
        "monitoring/literacy.html",
        {
            "modules": TrainingModule.objects.filter(is_active=True),
            "coverage": people_selectors.literacy_coverage(scope),
            "national": people_selectors.literacy_national(),
            "national_view": national_view,
            "threshold": int(people_selectors.LITERACY_THRESHOLD * 100),
            "can_edit_catalogue": mperms.can_manage_network(actor),
            "can_record": _literacy_orgs(actor).exists(),
            "title": _("Acculturation à l'IA"),
        },
    )


@require_http_methods(["GET", "POST"])
def module_create(request: HttpRequest) -> HttpResponse:
    if not mperms.can_manage_network(actor_of(request)):
        raise PermissionDenied
    form = f.TrainingModuleForm(request.POST or None)
    add_submission_field(form)
    if request.method == "POST" and form.is_valid():
        try:
            create_once(
                key=posted_submission(form),
                actor=user_of(request),
                model=TrainingModule,
                create=lambda: people_services.training_module_create(
                    actor=user_of(request), data=_fields(form)
                ),
            )
        except ValidationError as error:
            attach_service_errors(form, error)
        else:
            messages.success(request, _("Le module a été ajouté au catalogue."))
            return redirect("monitoring_literacy")
    return _form_page(
        request,
        form,
        _("Ajouter un module de formation"),
        reverse("monitoring_literacy"),
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
def completion_create(request: HttpRequest) -> HttpResponse:
    organisations = _literacy_orgs(actor_of(request))
    if not organisations.exists():
        raise PermissionDenied
    form = f.CompletionForm(request.POST or None, organisations=organisations)
    add_submission_field(form)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            create_once(
                key=posted_submission(form),
                actor=user_of(request),
                model=TrainingCompletion,
                create=lambda: people_services.training_completion_record(
                    actor=user_of(request),
                    organisation=data["organisation"],
                    module=data["module"],
                    completed_on=data["completed_on"],
                    person_name=data["person_name"],
                ),
            )
        except ValidationError as error:
            attach_service_errors(form, error)
        else:
            messages.success(
                request, _("Formation enregistrée pour %(data)s.") % {"data": data["person_name"]}
            )
            return redirect("monitoring_literacy")
    return _form_page(
        request,
        form,
        _("Enregistrer une formation suivie"),
        reverse("monitoring_literacy"),
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
def declaration_edit(request: HttpRequest) -> HttpResponse:
    organisations = _literacy_orgs(actor_of(request))
    if not organisations.exists():
        raise PermissionDenied
    form = f.DeclarationForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        try:
            people_services.literacy_declare(
                actor=user_of(request),
                organisation=form.cleaned_data["organisation"],
                agents_using_ai=form.cleaned_data["agents_using_ai"],
            )
        except ValidationError as error:
            attach_service_errors(form, error)
        else:
            messages.success(request, _("L'effectif a été enregistré."))
            return redirect("monitoring_literacy")
    return _form_page(
        request,
        form,
        _("Déclarer le nombre d'agents qui utilisent l'IA"),
        reverse("monitoring_literacy"),
        lead=_("Il sert à calculer le taux de couverture des formations (AI Act art. 4)."),
        status=400 if request.method == "POST" else 200,
    )


# --- ambassadors network -----------------------------------------------------------------------------


@require_GET
def ambassadors(request: HttpRequest) -> HttpResponse:
    region = request.GET.get("region", "")[:3]
    organisation = request.GET.get("organisation", "")[:80]
    members = list(people_selectors.ambassadors(region=region, organisation=organisation))
    visible = (
        registry_selectors.usecases_visible_to(actor_of(request))
        .filter(organisation_id__in={m.organisation_id for m in members})
        .only("pk", "title", "organisation_id", "status")
    )
    by_org: dict[int, list[Any]] = {}
    for uc in visible.order_by("title"):
        by_org.setdefault(uc.organisation_id, []).append(uc)
    rows = [{"membership": m, "use_cases": by_org.get(m.organisation_id, [])} for m in members]
    return render(
        request,
        "monitoring/ambassadors.html",
        {
            "rows": rows,
            "regions": reference.region_choices(),
            "organisations": Organisation.objects.filter(memberships__role=Role.REFERENT)
            .distinct()
            .order_by("name"),
            "region": region,
            "organisation": organisation,
            "region_names": reference.region_names(),
            "title": _("Réseau des ambassadeurs IA"),
        },
    )


@require_GET
def network(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "monitoring/network.html",
        {
            "events": NetworkEvent.objects.all(),
            "resources": NetworkResource.objects.all(),
            "can_edit": mperms.can_manage_network(actor_of(request)),
            "title": _("Vie du réseau : événements et ressources"),
        },
    )


@require_http_methods(["GET", "POST"])
def event_create(request: HttpRequest) -> HttpResponse:
    if not mperms.can_manage_network(actor_of(request)):
        raise PermissionDenied
    form = f.EventForm(request.POST or None)
    add_submission_field(form)
    if request.method == "POST" and form.is_valid():
        try:
            create_once(
                key=posted_submission(form),
                actor=user_of(request),
                model=NetworkEvent,
                create=lambda: people_services.network_event_create(
                    actor=user_of(request), data=_fields(form)
                ),
            )
        except ValidationError as error:
            attach_service_errors(form, error)
        else:
            messages.success(request, _("L'événement a été publié."))
            return redirect("monitoring_network")
    return _form_page(
        request,
        form,
        _("Ajouter un événement"),
        reverse("monitoring_network"),
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
def resource_create(request: HttpRequest) -> HttpResponse:
    if not mperms.can_manage_network(actor_of(request)):
        raise PermissionDenied
    form = f.ResourceForm(request.POST or None, request.FILES or None)
    add_submission_field(form)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            create_once(
                key=posted_submission(form),
                actor=user_of(request),
                model=NetworkResource,
                create=lambda: people_services.network_resource_add(
                    actor=user_of(request),
                    title=data["title"],
                    description=data["description"],
                    url=data["url"],
                    uploaded=data["file"],
                ),
            )
        except ValidationError as error:
            attach_service_errors(form, error)
        else:
            messages.success(request, _("La ressource a été partagée."))
            return redirect("monitoring_network")
    return _form_page(
        request,
        form,
        _("Partager une ressource"),
        reverse("monitoring_network"),
        multipart=True,
        status=400 if request.method == "POST" else 200,
    )


@require_GET
def resource_download(request: HttpRequest, resource_id: int) -> HttpResponseBase:
    resource = get_object_or_404(NetworkResource, pk=resource_id)
    if not resource.file:
        raise Http404
    response = FileResponse(
        resource.file.open("rb"),
        as_attachment=True,
        filename=resource.original_name or "ressource",
        content_type=resource.content_type or "application/octet-stream",
    )
    return response


@require_POST
def resource_delete(request: HttpRequest, resource_id: int) -> HttpResponse:
    resource = get_object_or_404(NetworkResource, pk=resource_id)
    people_services.network_resource_delete(actor=user_of(request), resource=resource)
    messages.success(request, _("La ressource a été retirée."))
    return redirect("monitoring_network")
