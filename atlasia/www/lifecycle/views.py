"""Screens of the lifecycle: transitions, compliance, scoring, weights, portfolio, experiments,
charters and the "À faire" inbox. Thin views: selectors read, services write, the core computes.

A record the user may not see, or not act on, is a 404 (querysets scoped to the user)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from atlasia.accounts import perms
from atlasia.accounts.actor import actor_of, user_of
from atlasia.audit.concurrency import StaleEdit, create_once
from atlasia.core import economics
from atlasia.core import lifecycle as lc
from atlasia.core import prioritisation as prio
from atlasia.core.roles import Action
from atlasia.lifecycle import selectors, services
from atlasia.lifecycle.models import CharterAssessment, Experiment, Kpi, KpiMeasurement
from atlasia.registry import selectors as registry_selectors
from atlasia.registry.models import Organisation, UseCase
from atlasia.www.forms import (
    add_submission_field,
    add_version_field,
    attach_service_errors,
    keep_untouched,
    posted_submission,
    posted_version,
    refresh_version,
)
from atlasia.www.templatetags.atlasia_i18n import localised_label

from . import portfolio as pf
from .forms import (
    AssessmentForm,
    CharterAssessmentForm,
    ComplianceForm,
    ExperimentForm,
    KpiForm,
    MeasurementForm,
    TransitionForm,
    WeightProfileForm,
)
from .labels import category_label, group_label, qualification_dpia_label


def _visible_usecase(request: HttpRequest, pk: int) -> UseCase:
    return get_object_or_404(
        registry_selectors.usecases_visible_to(actor_of(request)).select_related("organisation"), pk=pk
    )


def _usecase_for(request: HttpRequest, pk: int, action: Action) -> UseCase:
    """A use case the user may act on with ``action`` (404 otherwise): ``usecases_for`` answers like
    ``perms.can`` now, so the national team, which prioritises across organisations, reaches the
    scoring form."""
    scope = registry_selectors.usecases_for(actor_of(request), action).select_related("organisation")
    return get_object_or_404(scope, pk=pk)


# --- transitions and compliance ----------------------------------------------------------------------


@require_POST
def transition(request: HttpRequest, pk: int) -> HttpResponse:
    use_case = _visible_usecase(request, pk)
    form = TransitionForm(request.POST)
    anchor = reverse("usecase_detail", args=[pk]) + "#cycle-de-vie"
    if not form.is_valid():
        messages.error(request, _("Transition : formulaire incomplet."))
        return redirect(anchor)
    name = form.cleaned_data["transition"]
    try:
        services.usecase_transition(
            actor=user_of(request), use_case=use_case, transition=name, reason=form.cleaned_data["reason"]
        )
    except services.TransitionRefused as refused:
        messages.error(
            request, _("Transition refusée : %(reasons)s") % {"reasons": " ".join(refused.messages)}
        )
        return redirect(anchor)
    label = localised_label(lc.TRANSITIONS_BY_NAME[name])
    use_case.refresh_from_db()
    messages.success(
        request,
        _("« %(label)s » : le cas d'usage est maintenant au statut « %(get_status_display)s ».")
        % {"label": label, "get_status_display": use_case.get_status_display()},
    )
    return redirect(anchor)


@require_http_methods(["GET", "POST"])
def compliance_edit(request: HttpRequest, pk: int) -> HttpResponse:
    use_case = _usecase_for(request, pk, Action.USECASE_QUALIFY)
    record = selectors.compliance_of(use_case)
    form = ComplianceForm(request.POST or None, instance=record)
    add_version_field(form, services.compliance_version(use_case))
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in ComplianceForm.Meta.fields}
        try:
            services.compliance_update(
                actor=user_of(request), use_case=use_case, data=data, version=posted_version(form)
            )
        except StaleEdit as error:
            attach_service_errors(form, error)
            keep_untouched(form, error)
            refresh_version(form, services.compliance_version(use_case))
        except ValidationError as error:
            attach_service_errors(form, error)
        else:
            messages.success(request, _("Les éléments de conformité ont été enregistrés."))
            return redirect(reverse("usecase_detail", args=[pk]) + "#cycle-de-vie")
    qualification = selectors.qualification_of(use_case)
    return render(
        request,
        "lifecycle/compliance_form.html",
        {
            "form": form,
            "use_case": use_case,
            "qualification": qualification,
            "category_label": category_label(qualification.category),
            "dpia_label": qualification_dpia_label(qualification.dpia),
            "record": record,
            "title": _("Conformité — %(title)s") % {"title": use_case.title},
        },
        status=400 if request.method == "POST" else 200,
    )


# --- prioritisation ----------------------------------------------------------------------------------


def _scorecard_fields(error: StaleEdit) -> SimpleNamespace:
    """The stale-save differences of a scorecard, by form field: the stored ``scores`` (one entry per
    criterion, with its score and justification) become ``<criterion>_score``/``_justification``."""
    raw: list[tuple[str, Any, Any]] = []
    for key, old, new in error.raw:
        if key != "scores":
            raw.append((key, old, new))
            continue
        old, new = old or {}, new or {}
        for criterion in dict.fromkeys([*old, *new]):
            before, after = old.get(criterion) or {}, new.get(criterion) or {}
            for part in ("score", "justification"):
                was, now = before.get(part), after.get(part)
                raw.append((f"{criterion}_{part}", "" if was is None else was, now))
    return SimpleNamespace(raw=raw)


def _weights_fields(error: StaleEdit) -> SimpleNamespace:
    """The stale-save differences of a weight profile, by form field (``crit_<criterion>``,
    ``group_<group>``, ``name``)."""
    prefixes = {"criterion_weights": "crit_", "group_weights": "group_"}
    raw: list[tuple[str, Any, Any]] = []
    for key, old, new in error.raw:
        if key not in prefixes:
            raw.append((key, old, new))
            continue
        old, new = old or {}, new or {}
        raw.extend((prefixes[key] + k, old.get(k), new.get(k)) for k in dict.fromkeys([*old, *new]))
    return SimpleNamespace(raw=raw)


def _charter_fields(error: StaleEdit, principles: Any) -> SimpleNamespace:
    """The stale-save differences of a charter self-assessment (one entry per principle, by its label),
    by form field (``level_<principle>``, ``evidence_<principle>``)."""
    by_label = {str(p.get_code_display()): p.pk for p in principles}
    raw: list[tuple[str, Any, Any]] = []
    for label, old, new in error.raw:
        if label not in by_label:
            continue
        old, new = old or {}, new or {}
        pk = by_label[label]
        raw.append((f"level_{pk}", old.get("niveau") or "", new.get("niveau")))
        raw.append((f"evidence_{pk}", old.get("justification") or "", new.get("justification")))
    return SimpleNamespace(raw=raw)


@require_http_methods(["GET", "POST"])
def assess(request: HttpRequest, pk: int) -> HttpResponse:
    use_case = _usecase_for(request, pk, Action.USECASE_PRIORITISE)
    assessment = selectors.assessment_of(use_case)
    initial: dict[str, Any] = {}
    if assessment:
        initial["people_reached"] = assessment.people_reached
        for key, entry in (assessment.scores or {}).items():
            if isinstance(entry, dict):
                initial[f"{key}_score"] = entry.get("score")
                initial[f"{key}_justification"] = entry.get("justification", "")
    else:
        category = selectors.qualification_of(use_case).category
        if category in prio.SUGGESTED_REGULATORY_SCORE:
            initial["regulatory_category_score"] = prio.SUGGESTED_REGULATORY_SCORE[category]
    form = AssessmentForm(request.POST or None, initial=initial)
    add_version_field(form, services.priority_assessment_version(use_case))
    if request.method == "POST" and form.is_valid():
        try:
            services.priority_assessment_save(
                actor=user_of(request),
                use_case=use_case,
                scores=form.scores(),
                people_reached=form.cleaned_data["people_reached"],
                version=posted_version(form),
            )
        except StaleEdit as error:
            attach_service_errors(form, error)
            keep_untouched(form, _scorecard_fields(error))
            refresh_version(form, services.priority_assessment_version(use_case))
        except ValidationError as error:
            attach_service_errors(form, error)
        else:
            messages.success(request, _("La grille de priorisation a été enregistrée."))
            return redirect(reverse("usecase_detail", args=[pk]) + "#cycle-de-vie")
    return render(
        request,
        "lifecycle/assess_form.html",
        {
            "form": form,
            "use_case": use_case,
            "title": _("Priorisation — %(title)s") % {"title": use_case.title},
        },
        status=400 if request.method == "POST" else 200,
    )


def _member_organisations(request: HttpRequest) -> list[Organisation]:
    ids = perms.member_organisation_ids(actor_of(request))
    return list(Organisation.objects.filter(pk__in=ids).order_by("name"))


def _portfolio_scope(request: HttpRequest) -> dict[str, Any]:
    """Profile selector: the national profile over every visible use case, or an organisation's own
    profile over that organisation's use cases (the national profile when it has none yet)."""
    national = selectors.national_profile()[0]
    mine = _member_organisations(request)
    kind = request.GET.get("profil", "national")
    organisation = None
    notice = ""
    profile = national
    if kind == "organisation" and mine:
        slug = request.GET.get("organisation", "")
        organisation = next((o for o in mine if o.slug == slug), mine[0])
        stored = selectors.organisation_profile(organisation)
        if stored:
            profile = stored.to_core()
        else:
            notice = _(
                "%(organisation)s n'a pas encore de profil de pondération : le profil national est appliqué."
            ) % {"organisation": organisation.name}
    else:
        kind = "national"
    rows = selectors.portfolio_rows(actor_of(request), organisation)
    return {
        "unranked": selectors.portfolio_unranked_count(actor_of(request), organisation),
        "kind": kind,
        "organisation": organisation,
        "profile": profile,
        "rows": rows,
        "mine": mine,
        "notice": notice,
    }


@require_GET
def portfolio(request: HttpRequest) -> HttpResponse:
    scope = _portfolio_scope(request)
    table = pf.ranked_table(scope["rows"], scope["profile"])
    return render(
        request,
        "lifecycle/portfolio.html",
        {
            **scope,
            "table": table,
            "scored": [r for r in table if r.rank is not None],
            "unscored": [r for r in table if r.rank is None],
            "matrix": pf.matrix(table, scope["profile"]),
            "bands": pf.RISK_BANDS,
            "query": request.GET.urlencode(),
            "group_weights": [(group_label(g), w) for g, w in scope["profile"].group_weights.items()],
            "title": _("Portefeuille"),
        },
    )


@require_GET
def sensitivity(request: HttpRequest) -> HttpResponse:
    scope = _portfolio_scope(request)
    has_scored = any(prio.score_item(r.item, scope["profile"]).scored for r in scope["rows"])
    return render(
        request,
        "lifecycle/sensitivity.html",
        {
            **scope,
            "sensitivity": pf.sensitivity_rows(scope["rows"], scope["profile"]) if has_scored else None,
            "query": request.GET.urlencode(),
            "title": _("Sensibilité du classement"),
        },
    )


@require_GET
def weights_list(request: HttpRequest) -> HttpResponse:
    national, stored = selectors.national_profile()
    organisations = selectors.organisations_weights_editable_by(actor_of(request)).order_by("name")
    return render(
        request,
        "lifecycle/weights_list.html",
        {
            "national": national,
            "national_stored": stored,
            "can_edit_national": selectors.can_edit_national_weights(actor_of(request)),
            "organisations": [(o, selectors.organisation_profile(o)) for o in organisations],
            "title": _("Pondérations"),
        },
    )


def _weights_form(request: HttpRequest, organisation: Organisation | None) -> HttpResponse:
    national = selectors.national_profile()[0]
    stored = selectors.organisation_profile(organisation) if organisation else None
    start = stored.to_core() if stored else national
    name = (
        stored.name
        if stored
        else (
            _("Profil de %(organisation)s") % {"organisation": organisation.name}
            if organisation
            else national.name
        )
    )
    form = WeightProfileForm(request.POST or None, initial=WeightProfileForm.initial_from(start, name))
    add_version_field(form, services.weight_profile_version(organisation))
    if (
        request.method == "POST"
        and form.is_valid()
        and organisation
        and not stored
        and not form.has_changed()
    ):
        # Posted as proposed: no profile of its own is created, the national one keeps applying.
        messages.info(request, _("Aucune modification : le profil national reste appliqué."))
        return redirect("lifecycle_weights")
    if request.method == "POST" and form.is_valid():
        try:
            services.weight_profile_save(
                actor=user_of(request),
                organisation=organisation,
                name=form.cleaned_data["name"],
                criterion_weights={c.value: w for c, w in form.criterion_weights().items()},
                group_weights={g.value: w for g, w in form.group_weights().items()},
                version=posted_version(form),
            )
        except StaleEdit as error:
            attach_service_errors(form, error)
            keep_untouched(form, _weights_fields(error))
            refresh_version(form, services.weight_profile_version(organisation))
        except ValidationError as error:
            attach_service_errors(form, error)
        else:
            messages.success(request, _("Les pondérations ont été enregistrées."))
            return redirect("lifecycle_weights")
    return render(
        request,
        "lifecycle/weights_form.html",
        {
            "form": form,
            "organisation": organisation,
            "title": _("Pondérations — %(profile)s")
            % {"profile": organisation.name if organisation else _("profil national")},
        },
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
def weights_national(request: HttpRequest) -> HttpResponse:
    if not selectors.can_edit_national_weights(actor_of(request)):
        raise PermissionDenied(_("Seule l'équipe nationale modifie le profil national."))
    return _weights_form(request, None)


@require_http_methods(["GET", "POST"])
def weights_organisation(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_object_or_404(
        selectors.organisations_weights_editable_by(actor_of(request)), slug=slug
    )
    return _weights_form(request, organisation)


# --- experiments -------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def experiment_create(request: HttpRequest, pk: int) -> HttpResponse:
    use_case = get_object_or_404(
        registry_selectors.usecases_for(actor_of(request), Action.EXPERIMENT_EDIT).select_related(
            "organisation"
        ),
        pk=pk,
    )
    form = ExperimentForm(request.POST or None)
    add_submission_field(form)
    if request.method == "POST" and form.is_valid():
        try:
            experiment = services.experiment_create(
                actor=user_of(request),
                use_case=use_case,
                data=form.service_data(),
                submission=posted_submission(form),
            )
        except ValidationError as error:
            attach_service_errors(form, error)
        else:
            messages.success(
                request, _("L'expérimentation « %(title)s » a été créée.") % {"title": experiment.title}
            )
            return redirect("lifecycle_experiment", pk=experiment.pk)
    return render(
        request,
        "lifecycle/experiment_form.html",
        {"form": form, "use_case": use_case, "is_new": True, "title": _("Nouvelle expérimentation")},
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
def experiment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    experiment = get_object_or_404(selectors.experiments_editable_by(actor_of(request)), pk=pk)
    form = ExperimentForm(request.POST or None, instance=experiment)
    add_version_field(form, services.experiment_version(experiment))
    if request.method == "POST" and form.is_valid():
        try:
            services.experiment_update(
                actor=user_of(request),
                experiment=experiment,
                data=form.service_data(),
                version=posted_version(form),
            )
        except StaleEdit as error:
            attach_service_errors(form, error)
            keep_untouched(form, error)
            refresh_version(form, services.experiment_version(Experiment.objects.get(pk=experiment.pk)))
        except ValidationError as error:
            attach_service_errors(form, error)
        else:
            messages.success(request, _("L'expérimentation a été enregistrée."))
            return redirect("lifecycle_experiment", pk=experiment.pk)
    return render(
        request,
        "lifecycle/experiment_form.html",
        {
            "form": form,
            "use_case": experiment.use_case,
            "experiment": experiment,
            "title": _("Modifier « %(title)s »") % {"title": experiment.title},
        },
        status=400 if request.method == "POST" else 200,
    )


def _economic_summary(experiment: Any) -> dict[str, Any] | None:
    inputs = experiment.economic_inputs()
    if inputs is None:
        return None
    try:
        return {"summary": economics.medico_economic_summary(inputs), "inputs": inputs}
    except economics.EconomicsError as error:
        return {"errors": error.messages_fr, "inputs": inputs}


@require_GET
def experiment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    experiment = get_object_or_404(
        selectors.experiments_visible_to(actor_of(request)).select_related("decided_by"), pk=pk
    )
    can_edit = perms.can(actor_of(request), Action.EXPERIMENT_EDIT, experiment.use_case.organisation)
    kpis = list(experiment.kpis.prefetch_related("measurements"))
    for kpi in kpis:
        measures = list(kpi.measurements.all())
        kpi.latest = measures[-1] if measures else None  # type: ignore[attr-defined]
        kpi.measure_form = _with_key(MeasurementForm(prefix=f"kpi{kpi.pk}")) if can_edit else None  # type: ignore[attr-defined]
    return render(
        request,
        "lifecycle/experiment_detail.html",
        {
            "experiment": experiment,
            "use_case": experiment.use_case,
            "kpis": kpis,
            "economics": _economic_summary(experiment),
            "can_edit": can_edit,
            "kpi_form": _with_key(KpiForm()) if can_edit else None,
            "title": experiment.title,
        },
    )


def _with_key(form: Any) -> Any:
    """A one-time key on the small add forms: a double click adds one indicator or measurement."""
    add_submission_field(form)
    return form


@require_POST
def kpi_add(request: HttpRequest, pk: int) -> HttpResponse:
    experiment = get_object_or_404(selectors.experiments_editable_by(actor_of(request)), pk=pk)
    form = _with_key(KpiForm(request.POST))
    if form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "submission"}
        try:
            create_once(
                key=posted_submission(form),
                actor=user_of(request),
                model=Kpi,
                create=lambda: services.kpi_add(actor=user_of(request), experiment=experiment, data=data),
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, _("Indicateur : %(message)s") % {"message": message})
        else:
            messages.success(
                request,
                _("L'indicateur « %(name)s » a été ajouté.") % {"name": form.cleaned_data["name"]},
            )
    else:
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else "Indicateur"
            for text in errors:
                messages.error(request, f"{label} : {text}")
    return redirect(reverse("lifecycle_experiment", args=[pk]) + "#indicateurs")


@require_POST
def measurement_add(request: HttpRequest, pk: int, kpi_id: int) -> HttpResponse:
    experiment = get_object_or_404(selectors.experiments_editable_by(actor_of(request)), pk=pk)
    kpi = get_object_or_404(Kpi, pk=kpi_id, experiment=experiment)
    form = _with_key(MeasurementForm(request.POST, prefix=f"kpi{kpi.pk}"))
    if form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "submission"}
        try:
            create_once(
                key=posted_submission(form),
                actor=user_of(request),
                model=KpiMeasurement,
                create=lambda: services.kpi_measurement_add(actor=user_of(request), kpi=kpi, data=data),
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(
                    request,
                    _("Mesure de « %(name)s » : %(message)s") % {"name": kpi.name, "message": message},
                )
        else:
            messages.success(request, _("La mesure de « %(name)s » a été ajoutée.") % {"name": kpi.name})
    else:
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else "Mesure"
            for text in errors:
                messages.error(
                    request,
                    _("Mesure de « %(name)s », %(label)s : %(text)s")
                    % {"name": kpi.name, "label": label, "text": text},
                )
    return redirect(reverse("lifecycle_experiment", args=[pk]) + "#indicateurs")


# --- charters ----------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def charter_edit(request: HttpRequest, pk: int, charter_id: int) -> HttpResponse:
    use_case = _usecase_for(request, pk, Action.USECASE_EDIT)
    charter = get_object_or_404(selectors.charters(), pk=charter_id)
    existing = {
        a.principle_id: a
        for a in CharterAssessment.objects.filter(use_case=use_case, principle__charter=charter)
    }
    form = CharterAssessmentForm(request.POST or None, principles=charter.principles.all(), existing=existing)
    add_version_field(form, services.charter_assessment_version(use_case, charter))
    if request.method == "POST" and form.is_valid():
        try:
            services.charter_assessment_save(
                actor=user_of(request),
                use_case=use_case,
                charter=charter,
                rows=form.rows(),
                version=posted_version(form),
            )
        except StaleEdit as error:
            attach_service_errors(form, error)
            keep_untouched(form, _charter_fields(error, charter.principles.all()))
            refresh_version(form, services.charter_assessment_version(use_case, charter))
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for principle, errs in error.error_dict.items():
                    for e in errs:
                        form.add_error(None, f"{principle} : {' '.join(e.messages)}")
            else:
                form.add_error(None, error)
        else:
            messages.success(
                request, _("L'auto-évaluation « %(name)s » a été enregistrée.") % {"name": charter.name}
            )
            return redirect(reverse("usecase_detail", args=[pk]) + "#chartes")
    return render(
        request,
        "lifecycle/charter_form.html",
        {
            "form": form,
            "use_case": use_case,
            "charter": charter,
            "title": f"{charter.name} — {use_case.title}",
        },
        status=400 if request.method == "POST" else 200,
    )


# --- inbox -------------------------------------------------------------------------------------------


@require_POST
def mark_reviewed(request: HttpRequest, pk: int) -> HttpResponse:
    """« Marquer comme relue »: the record is still accurate; its next review date moves on."""
    use_case = get_object_or_404(registry_selectors.usecases_visible_to(actor_of(request)), pk=pk)
    try:
        following = services.usecase_mark_reviewed(actor=user_of(request), use_case=use_case)
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Revue enregistrée : la fiche est confirmée à jour. Prochaine revue le %(date)s.")
            % {"date": following.strftime("%d/%m/%Y")},
        )
    back = request.POST.get("next", "")
    if back.startswith("/") and not back.startswith("//"):
        return redirect(back)
    return redirect("usecase_detail", use_case.pk)


@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    items = selectors.inbox_for(actor_of(request), today)
    sections = [
        {"key": s.key, "title": s.title, "help": s.help, "items": [i for i in items if i.kind == s.key]}
        for s in selectors.inbox_sections()
    ]
    return render(
        request,
        "lifecycle/inbox.html",
        {"sections": sections, "total": len(items), "today": today, "title": _("À faire")},
    )
