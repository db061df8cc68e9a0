"""Qualification screens: questionnaire by section, completion, versions, comparison, documents and
the compliance portfolio.

Answering needs ``USECASE_QUALIFY`` on the use case's organisation; reading follows the use case's
visibility. Anything else is a 404 (the object is absent from the user's querysets).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from atlasia.accounts import perms
from atlasia.accounts.actor import ActorLike, actor_of, user_of
from atlasia.audit.concurrency import StaleEdit
from atlasia.core.qualification import QUESTIONS_BY_ID, SECTIONS, qualify
from atlasia.core.roles import Action
from atlasia.lifecycle import selectors as lifecycle_selectors
from atlasia.qualification import documents, selectors, services
from atlasia.qualification.display import answer_text, compare, result_summary
from atlasia.qualification.enums import CATEGORY_BADGE, CATEGORY_COLOUR, Category
from atlasia.registry.models import UseCase
from atlasia.registry.selectors import usecases_for, usecases_visible_to
from atlasia.www.compliance.views import request_file
from atlasia.www.templatetags.atlasia_i18n import localised_label

from .forms import SectionForm

SECTIONS_BY_ID = {s.id: s for s in SECTIONS}


def _readable(request: HttpRequest, pk: int) -> UseCase:
    return get_object_or_404(usecases_visible_to(actor_of(request)).select_related("organisation"), pk=pk)


def _qualifiable(request: HttpRequest, pk: int) -> UseCase:
    return get_object_or_404(
        usecases_for(actor_of(request), Action.USECASE_QUALIFY).select_related("organisation"), pk=pk
    )


def can_qualify(user: ActorLike | None, use_case: UseCase) -> bool:
    return perms.can(user, Action.USECASE_QUALIFY, use_case.organisation)


def section_progress(answers: dict[str, Any]) -> list[dict[str, Any]]:
    """Per section: the questions on the path and how many are answered (« je ne sais pas » counts)."""
    form_path = set(SectionForm(SECTIONS[0], answers).path)
    rows = []
    for section in SECTIONS:
        shown = [q for q in section.question_ids if q in form_path]
        answered = [q for q in shown if answers.get(q) is not None]
        rows.append(
            {
                "section": section,
                "shown": len(shown),
                "answered": len(answered),
                "done": bool(shown) and len(answered) == len(shown),
            }
        )
    return rows


def overview_context(request: HttpRequest, use_case: UseCase) -> dict[str, Any]:
    """What the « Qualification » tab and page show, for any reader of the use case."""
    latest = selectors.latest_qualification(use_case)
    allowed = can_qualify(actor_of(request), use_case)
    context: dict[str, Any] = {
        "use_case": use_case,
        "latest": latest,
        "summary": result_summary(latest.result, latest.law_version) if latest else None,
        "versions": list(selectors.versions_of(use_case)),
        "can_qualify": allowed,
        "documents": documents.kinds(),
    }
    if allowed:
        draft = selectors.draft_of(use_case)
        answers = selectors.draft_answers(use_case)
        context["draft"] = draft
        context["progress"] = section_progress(answers)
        context["first_section"] = SECTIONS[0].id
    return context


def qualification_overview(request: HttpRequest, pk: int) -> HttpResponse:
    use_case = _readable(request, pk)
    context = {
        "c": overview_context(request, use_case),
        "use_case": use_case,
        "title": _("Qualification — %(title)s") % {"title": use_case.title},
    }
    return render(request, "qualification/overview.html", context)


def _keep_untouched_answers(posted: QueryDict, error: StaleEdit) -> tuple[QueryDict, int]:
    """After a refused stale save: each question of the page the person left as it was takes the answer
    saved meanwhile (so saving again does not undo it); an answer she changed keeps her input. Returns
    the data to show and how many answers were refreshed."""
    data = posted.copy()
    shown = set(posted.getlist("shown"))
    refreshed = 0
    for key, old, new in error.raw:
        if key != "answers":
            continue
        old, new = old or {}, new or {}
        for qid in dict.fromkeys([*old, *new]):
            if qid not in shown or old.get(qid) == new.get(qid):
                continue
            before = old.get(qid)
            typed: Any = posted.getlist(qid) if isinstance(before, list) else posted.get(qid)
            if (typed or None) != (before or None):
                continue  # she changed it: her answer stays
            value = new.get(qid)
            if value is None:
                data.pop(qid, None)
            elif isinstance(value, list):
                data.setlist(qid, [str(v) for v in value])
            else:
                data[qid] = str(value)
            refreshed += 1
    return data, refreshed


@require_http_methods(["GET", "POST"])
def qualification_section(request: HttpRequest, pk: int, section: str) -> HttpResponse:
    use_case = _qualifiable(request, pk)
    current = SECTIONS_BY_ID.get(section)
    if current is None:
        raise Http404
    answers = selectors.draft_answers(use_case)
    form = SectionForm(current, answers, request.POST if request.method == "POST" else None)
    # The page keeps the version it was built from until a save goes through (or is refused as stale).
    version = request.POST.get("version") or None
    if request.method == "GET" or not version:
        version = services.qualification_draft_version(use_case)
    if request.method == "POST" and form.is_valid():
        assert form.cleaned_answers is not None
        before_shown = set(form.shown_ids)
        try:
            services.qualification_draft_save(
                actor=user_of(request),
                use_case=use_case,
                answers=form.cleaned_answers,
                version=request.POST.get("version") or None,
            )
        except StaleEdit as error:
            merged, refreshed = _keep_untouched_answers(request.POST, error)
            if refreshed:
                form = SectionForm(current, selectors.draft_answers(use_case), merged)
                form.is_valid()
            form.non_field_errors.extend(error.messages)
            if refreshed:
                form.non_field_errors.append(
                    _("Les champs que vous n'aviez pas modifiés affichent déjà la nouvelle valeur.")
                )
            version = services.qualification_draft_version(use_case)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                form.non_field_errors.extend(m for msgs in error.message_dict.values() for m in msgs)
            else:
                form.non_field_errors.extend(error.messages)
        else:
            after = SectionForm(current, form.cleaned_answers or {})
            new_questions = [q for q in after.shown_ids if q not in before_shown]
            messages.success(
                request,
                _("Réponses de la section « %(section)s » enregistrées.")
                % {"section": localised_label(current)},
            )
            index = SECTIONS.index(current)
            if new_questions:
                messages.info(
                    request,
                    _("%(count)s nouvelle(s) question(s) s'applique(nt) compte tenu de vos réponses.")
                    % {"count": len(new_questions)},
                )
                return redirect(_section_url(use_case, current.id) + f"#q-{new_questions[0]}")
            if "next" in request.POST and index + 1 < len(SECTIONS):
                return redirect(_section_url(use_case, SECTIONS[index + 1].id))
            if "next" in request.POST:
                return redirect("qualification_complete", pk=use_case.pk)
            return redirect(_section_url(use_case, current.id))
    index = SECTIONS.index(current)
    context = {
        "title": _("Qualification — %(section)s") % {"section": localised_label(current)},
        "use_case": use_case,
        "section": current,
        "form": form,
        "progress": section_progress(answers),
        "previous": SECTIONS[index - 1] if index else None,
        "next": SECTIONS[index + 1] if index + 1 < len(SECTIONS) else None,
        "step": index + 1,
        "steps": len(SECTIONS),
        "version": version,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "qualification/section.html", context, status=status)


def _section_url(use_case: UseCase, section: str) -> str:
    return reverse("qualification_section", kwargs={"pk": use_case.pk, "section": section})


@require_http_methods(["GET", "POST"])
def qualification_complete(request: HttpRequest, pk: int) -> HttpResponse:
    use_case = _qualifiable(request, pk)
    answers = selectors.draft_answers(use_case)
    if request.method == "POST":
        try:
            qualification = services.qualification_complete(
                actor=user_of(request), use_case=use_case, answers=answers
            )
        except ValidationError as error:
            for msgs in error.message_dict.values():
                for message in msgs:
                    messages.error(request, message)
            return redirect("qualification_complete", pk=use_case.pk)
        messages.success(
            request,
            _("Qualification enregistrée (version %(version)s).") % {"version": qualification.version},
        )
        return redirect("qualification_version", pk=use_case.pk, version=qualification.version)
    preview = qualify(answers)
    context = {
        "title": _("Terminer la qualification — %(title)s") % {"title": use_case.title},
        "use_case": use_case,
        "summary": result_summary(preview),
        "progress": section_progress(answers),
        "latest": selectors.latest_qualification(use_case),
    }
    return render(request, "qualification/complete.html", context)


def qualification_version(request: HttpRequest, pk: int, version: int) -> HttpResponse:
    use_case = _readable(request, pk)
    qualification = selectors.version_of(use_case, version)
    if qualification is None:
        raise Http404
    answers = [
        {
            "section": localised_label(s),
            "rows": [
                (QUESTIONS_BY_ID[q].text_fr, answer_text(q, qualification.answers.get(q)))
                for q in s.question_ids
                if q in qualification.answers
            ],
        }
        for s in SECTIONS
    ]
    context = {
        "title": _("Qualification v%(version)s — %(title)s") % {"version": version, "title": use_case.title},
        "use_case": use_case,
        "qualification": qualification,
        "summary": result_summary(qualification.result, qualification.law_version),
        "answers": [a for a in answers if a["rows"]],
        "versions": list(selectors.versions_of(use_case)),
        "documents": documents.kinds(),
        "can_qualify": can_qualify(actor_of(request), use_case),
    }
    return render(request, "qualification/version.html", context)


def qualification_diff(request: HttpRequest, pk: int) -> HttpResponse:
    use_case = _readable(request, pk)
    versions = list(selectors.versions_of(use_case))
    if len(versions) < 2:
        raise Http404
    try:
        a = int(request.GET.get("de", versions[1].version))
        b = int(request.GET.get("a", versions[0].version))
    except ValueError as error:
        raise Http404 from error
    by_number = {v.version: v for v in versions}
    if a not in by_number or b not in by_number:
        raise Http404
    comparison = compare(by_number[a], by_number[b])
    context = {
        "title": _("Comparer les versions %(a)s et %(b)s — %(title)s")
        % {"a": a, "b": b, "title": use_case.title},
        "use_case": use_case,
        "old": by_number[a],
        "new": by_number[b],
        "versions": versions,
        "comparison": comparison,
        "only_changes": request.GET.get("tout") != "1",
        "changed_answers": sum(1 for r in comparison["answers"] if r["changed"]),
        "changed_results": sum(1 for r in comparison["results"] if r["changed"]),
    }
    return render(request, "qualification/diff.html", context)


def qualification_document(request: HttpRequest, pk: int, kind: str, fmt: str) -> HttpResponse:
    """The editable DOCX of a document of the qualification, made in the request (python-docx: a few
    tens of milliseconds). The PDF takes seconds (WeasyPrint): it is prepared in the background
    (:func:`qualification_document_prepare`), never here."""
    use_case = _readable(request, pk)
    if kind not in documents.KINDS or fmt != "docx":
        raise Http404
    version = request.GET.get("version")
    qualification = (
        selectors.version_of(use_case, int(version))
        if version and version.isdigit()
        else selectors.latest_qualification(use_case)
    )
    if qualification is None:
        raise Http404
    doc = documents.build(kind, qualification, lifecycle_selectors.deployer_facts(use_case.pk))
    response = HttpResponse(
        documents.render_docx(doc),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = f'attachment; filename="{doc.filename}.docx"'
    return response


@require_POST
def qualification_document_prepare(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """Queue the PDF of a document of the qualification (the latest version, or ``version`` of the form)
    and show the page that follows its preparation (the compliance file's jobs)."""
    use_case = _readable(request, pk)
    version = request.POST.get("version", "")
    if kind not in documents.KINDS or (version and not version.isdigit()):
        raise Http404
    return request_file(request, use_case, kind, "pdf", version=int(version) if version else None)


def portfolio(request: HttpRequest) -> HttpResponse:
    category = request.GET.get("categorie", "")
    if category and category not in Category.values:
        category = ""
    include_past = request.GET.get("passees") == "1"
    to_review_only = request.GET.get("a_revoir") == "1"
    counts = selectors.portfolio_counts(actor_of(request), category or None)
    today = dt.date.today()
    due = selectors.obligations_due(
        request.user, since=None if include_past else today, category=category or None
    )
    if to_review_only:
        due = [d for d in due if selectors.is_outdated(d.qualification)]
    page = Paginator(due, 50).get_page(request.GET.get("page"))
    biggest = max([n for _c, _l, n in counts.by_category] + [1])
    bars = [
        {
            "code": code,
            "label": label,
            "count": n,
            "percent": max(1, round(100 * n / biggest)) if n else 0,
            "colour": CATEGORY_COLOUR[code],
            "badge": CATEGORY_BADGE[code],
        }
        for code, label, n in counts.by_category
    ]
    review = selectors.to_review(selectors.latest_qualifications_visible_to(actor_of(request)))
    if category:
        review = review.filter(category=category)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "title": _("Conformité du portefeuille"),
        "counts": counts,
        "bars": bars,
        "categories": Category.choices,
        "category": category,
        "include_past": include_past,
        "to_review_only": to_review_only,
        "page": page,
        "due_total": len(due),
        "to_review": review.order_by("use_case__title")[:100],
        "today": today,
        "query": query.urlencode(),
    }
    return render(request, "qualification/portfolio.html", context)
