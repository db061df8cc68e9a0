"""Evaluation screens: upload → column mapping → progress → result; comparison of two versions; exports.

Runs are read through ``selectors.runs_visible_to`` (the use case's visibility), so another
organisation's internal record answers 404 on every page, download and export. Starting a run needs
the EVALUATION_RUN action on the use case's organisation (403 otherwise, nothing stored).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_http_methods

from atlasia.accounts import perms
from atlasia.accounts.actor import ActorLike, actor_of, user_of
from atlasia.core.evaluation.io import EvaluationInputError
from atlasia.core.roles import Action
from atlasia.evaluation import selectors, services
from atlasia.evaluation.enums import RunStatus
from atlasia.evaluation.files import max_evaluation_bytes
from atlasia.evaluation.models import EvaluationRun
from atlasia.lifecycle import selectors as lifecycle_selectors
from atlasia.registry.models import UseCase
from atlasia.registry.selectors import usecases_visible_to
from atlasia.www.core_messages import shown, shown_error
from atlasia.www.forms import attach_service_errors
from atlasia.www.progress import progress_response

from . import display
from .forms import MappingForm, UploadForm


def can_run(user: ActorLike | None, use_case: Any) -> bool:
    return perms.can(user, Action.EVALUATION_RUN, use_case.organisation)


def _experiments(use_case: Any) -> list[tuple[int, str]]:
    return lifecycle_selectors.experiment_choices(use_case)


def experiment_title(run: EvaluationRun) -> str:
    return lifecycle_selectors.experiment_title(run.experiment_id)


def tab_context(request: HttpRequest, use_case: Any) -> dict[str, Any]:
    runs = list(selectors.runs_of_usecase(actor_of(request), use_case)[:50])
    return {
        "use_case": use_case,
        "runs": runs,
        "can_run": can_run(actor_of(request), use_case),
        "done_versions": [r for r in runs if r.status == RunStatus.DONE],
        "monitoring_open_alerts": selectors.monitoring_counts(
            UseCase.objects.filter(pk=use_case.pk)
        ).open_alerts,
    }


@require_http_methods(["GET", "POST"])
def evaluation_upload(request: HttpRequest, pk: int) -> HttpResponse:
    use_case = get_object_or_404(usecases_visible_to(actor_of(request)).select_related("organisation"), pk=pk)
    if not can_run(actor_of(request), use_case):
        raise PermissionDenied
    experiments = _experiments(use_case)
    form = UploadForm(request.POST or None, request.FILES or None, experiments=experiments)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            predictions = form.cleaned_data["predictions"]
            reference = form.cleaned_data.get("reference")
            try:
                run = services.evaluationrun_upload(
                    actor=user_of(request),
                    use_case=use_case,
                    predictions=services.Upload(predictions.name, predictions.size, predictions.file),
                    reference=services.Upload(reference.name, reference.size, reference.file)
                    if reference
                    else None,
                    experiment_id=form.cleaned_data.get("experiment_id"),
                )
            except EvaluationInputError as error:
                bad_reference = reference is not None and f"« {reference.name} »" in error.message
                form.add_error("reference" if bad_reference else "predictions", shown_error(error))
            except ValidationError as error:
                attach_service_errors(form, error)
            else:
                return redirect("evaluation_mapping", run_id=run.pk)
    return render(
        request,
        "evaluation/upload.html",
        {
            "title": _("Nouvelle évaluation"),
            "use_case": use_case,
            "form": form,
            "max_mo": f"{max_evaluation_bytes() / 1024**2:.0f}",
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def evaluation_mapping(request: HttpRequest, run_id: int) -> HttpResponse:
    run = get_object_or_404(selectors.runs_visible_to(actor_of(request)), pk=run_id)
    use_case = run.use_case
    if not can_run(actor_of(request), use_case):
        raise PermissionDenied
    if run.version is not None or run.status not in {RunStatus.DRAFT, RunStatus.FAILED} or not run.upload_dir:
        return redirect("evaluation_detail", run_id=run.pk)
    initial: dict[str, Any] = {}
    if run.parameters:
        m = run.mapping
        initial = {k: m.get(k) or "" for k in ("target", "pred", "score", "date")}
        initial["groups"] = m.get("groups") or []
        boot = run.parameters.get("bootstrap", {})
        initial.update(
            n_resamples=boot.get("n_resamples"),
            seed=boot.get("seed"),
            level=boot.get("level"),
            threshold=run.parameters.get("threshold"),
            min_group_size=run.parameters.get("min_group_size"),
        )
    form = MappingForm(request.POST or None, columns=run.columns, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            d = form.cleaned_data
            parameters = services.build_parameters(
                target=d["target"],
                pred=d.get("pred") or None,
                score=d.get("score") or None,
                groups=list(d.get("groups") or []),
                date=d.get("date") or None,
                n_resamples=d["n_resamples"],
                seed=d["seed"],
                level=d["level"],
                threshold=d["threshold"],
                min_group_size=d["min_group_size"],
            )
            try:
                services.evaluationrun_launch(actor=user_of(request), run=run, parameters=parameters)
            except EvaluationInputError as error:
                form.add_error(form.field_for_column(error.column), shown_error(error))
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                return redirect("evaluation_detail", run_id=run.pk)
    return render(
        request,
        "evaluation/mapping.html",
        {
            "title": _("Colonnes du fichier"),
            "use_case": use_case,
            "run": run,
            "run_error": shown(run.error, run.error_message),
            "form": form,
            "file_deadline": services.unmapped_file_deadline(run),
        },
        status=status,
    )


@require_GET
def evaluation_progress(request: HttpRequest, run_id: int) -> JsonResponse:
    """The run's progress as JSON, for the progress bar of the evaluation page."""
    run = get_object_or_404(selectors.runs_visible_to(actor_of(request)), pk=run_id)
    return progress_response(run, finished=not run.is_pending)


@require_GET
def evaluation_detail(request: HttpRequest, run_id: int) -> HttpResponse:
    run = get_object_or_404(selectors.runs_visible_to(actor_of(request)), pk=run_id)
    context: dict[str, Any] = {
        "title": _("Évaluation %(label)s — %(title)s") % {"label": run.label, "title": run.use_case.title},
        "run": run,
        "run_error": shown(run.error, run.error_message),
        "use_case": run.use_case,
        "refresh": run.is_pending,
        "can_run": can_run(actor_of(request), run.use_case),
        "experiment_title": experiment_title(run),
    }
    if run.status == RunStatus.DONE and run.result:
        context["r"] = display.result_context(run.result)
        context["others"] = list(selectors.comparable_runs(run))
    return render(request, "evaluation/detail.html", context)


def _done_run(request: HttpRequest, run_id: int) -> EvaluationRun:
    run = get_object_or_404(selectors.runs_visible_to(actor_of(request)), pk=run_id)
    if run.status != RunStatus.DONE or not run.result:
        raise Http404
    return run


def _header(run: EvaluationRun) -> dict[str, str]:
    header = {
        pgettext("export header", "Cas d'usage"): run.use_case.title,
        _("Organisation"): str(run.use_case.organisation),
        _("Version"): run.label,
        _("Fichier"): f"{run.file_name} (SHA-256 {run.sha256[:16]}…)",
    }
    if run.reference_name:
        header[_("Référence")] = run.reference_name
    if run.finished_at:
        header[_("Terminée le")] = run.finished_at.strftime(_("%d/%m/%Y %H:%M"))
    return header


@require_GET
def evaluation_export(request: HttpRequest, run_id: int, fmt: str) -> HttpResponse:
    run = _done_run(request, run_id)
    assert run.result is not None
    base = f"evaluation-{slugify(run.use_case.title)[:60]}-{run.label}"
    if fmt == "html":
        response = HttpResponse(
            display.export_html(run.result, header=_header(run)), content_type="text/html; charset=utf-8"
        )
    elif fmt == "pdf":
        pdf = display.export_pdf(display.export_html(run.result, header=_header(run), for_pdf=True))
        response = HttpResponse(pdf, content_type="application/pdf")
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="{base}.{fmt}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
def evaluation_compare(request: HttpRequest, run_id: int) -> HttpResponse:
    run_a = _done_run(request, run_id)
    other = request.GET.get("avec", "")
    if not other.isdigit():
        raise Http404
    run_b = _done_run(request, int(other))
    if run_b.use_case_id != run_a.use_case_id or run_b.pk == run_a.pk:
        raise Http404
    # read in the natural order, whichever page the comparison starts from: the earlier version first,
    # the gap is later − earlier (a drop shows as a negative gap)
    run_a, run_b = sorted((run_a, run_b), key=lambda r: (r.version or 0, r.pk))
    assert run_a.result is not None and run_b.result is not None
    return render(
        request,
        "evaluation/compare.html",
        {
            "title": _("Comparaison des évaluations %(label)s et %(label2)s")
            % {"label": run_a.label, "label2": run_b.label},
            "use_case": run_a.use_case,
            "a": run_a,
            "b": run_b,
            "c": display.comparison_context(run_a.result, run_b.result),
        },
    )
