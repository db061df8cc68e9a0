"""Writes of qualifications. Each service checks the permission, validates the answers with the engine,
writes and records the audit row in one transaction; a refusal changes nothing.

``actor=None`` is the system (demo loader, ``qualify_catalogue``): no permission check, audit row
labelled « système ».
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext

from atlasia.accounts import perms
from atlasia.accounts.models import User
from atlasia.audit.concurrency import check_version, version_token
from atlasia.audit.models import AuditAction
from atlasia.audit.services import audit_record
from atlasia.core.qualification import (
    CURRENT_LAW_VERSION,
    QUESTIONS_BY_ID,
    AnswerError,
    UnknownLawVersionError,
    qualify,
    validate_answers,
)
from atlasia.core.roles import Action
from atlasia.registry.models import UseCase

from .models import Qualification, QualificationDraft

#: Called, in the transaction of :func:`qualification_complete`, with ``(actor, qualification)`` once a
#: new version is stored. Other domains register here (the obligation tracker follows the new result)
#: so that this app does not depend on them; a hook that raises cancels the completion.
CompletionHook = Callable[[Any, Qualification], None]
COMPLETION_HOOKS: list[CompletionHook] = []


def register_completion_hook(hook: CompletionHook) -> None:
    if hook not in COMPLETION_HOOKS:
        COMPLETION_HOOKS.append(hook)


def answer_error_fr(error: AnswerError) -> str:
    """A French message that names the question by its text (and its identifier)."""
    question = QUESTIONS_BY_ID.get(error.question_id)
    if question is None:
        return (
            f"Question inconnue « {error.question_id} » : cette question n'existe pas dans le questionnaire."
        )
    labels = {o.id: o.label_fr for o in question.options} | {"unknown": "Je ne sais pas"}
    if question.type == "bool":
        labels |= {"yes": "Oui", "no": "Non"}
    allowed = ", ".join(f"« {labels.get(v, v)} »" for v in error.allowed_values)
    message = f"Question « {question.text_fr} » ({question.id}) : {error.message_fr}"
    return f"{message} Réponses possibles : {allowed}." if allowed else message


def _validate(answers: Mapping[str, Any]) -> dict[str, Any]:
    try:
        validate_answers(answers)
    except AnswerError as error:
        raise ValidationError({"answers": answer_error_fr(error)}, code="invalid_answer") from error
    return {k: (list(v) if isinstance(v, tuple) else v) for k, v in answers.items() if v is not None}


def _require(actor: User | None, use_case: UseCase) -> None:
    if actor is not None and not perms.can(actor, Action.USECASE_QUALIFY, use_case.organisation):
        raise PermissionDenied(
            gettext("Qualification refusée pour %(organisation)s.") % {"organisation": use_case.organisation}
        )


def _same_answer(a: Any, b: Any) -> bool:
    # A multiple choice is a set: the order the boxes were ticked in is not a change.
    if isinstance(a, list) and isinstance(b, list):
        return sorted(map(str, a)) == sorted(map(str, b))
    return bool(a == b)


def _answer_changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    keys = list(dict.fromkeys([*before, *after]))
    return {
        f"answers.{k}": [before.get(k), after.get(k)]
        for k in keys
        if not _same_answer(before.get(k), after.get(k))
    }


def qualification_draft_version(use_case: UseCase) -> str:
    """The version token of the questionnaire pages: the answers they were built from."""
    return version_token({"answers": _shown_answers(use_case)})


def _shown_answers(use_case: UseCase) -> dict[str, Any]:
    draft = QualificationDraft.objects.filter(use_case=use_case).first()
    if draft is not None:
        return dict(draft.answers or {})
    latest = Qualification.objects.filter(use_case=use_case).order_by("-version").first()
    return dict(latest.answers or {}) if latest else {}


@transaction.atomic
def qualification_draft_save(
    *, actor: User, use_case: UseCase, answers: Mapping[str, Any], version: str | None = None
) -> QualificationDraft:
    """Replace the draft's answers (``None`` values are dropped: « not answered »). ``version``: the
    page's token (:func:`qualification_draft_version`); answers saved by someone else since are not
    overwritten (:class:`~atlasia.audit.concurrency.StaleEdit`)."""
    _require(actor, use_case)
    UseCase.objects.select_for_update().filter(pk=use_case.pk).first()  # one draft writer at a time
    check_version(version, {"answers": _shown_answers(use_case)})
    clean = _validate(answers)
    draft = QualificationDraft.objects.select_for_update().filter(use_case=use_case).first()
    created = draft is None
    if draft is None:
        # Without a draft the questionnaire shows the latest completed version: answers identical
        # to it are not a draft (posting a section back unchanged writes nothing).
        latest = Qualification.objects.filter(use_case=use_case).order_by("-version").first()
        if latest is not None and not _answer_changes(latest.answers or {}, clean):
            return QualificationDraft(use_case=use_case, answers=clean)
        draft = QualificationDraft(use_case=use_case)
    changes = _answer_changes(draft.answers if not created else {}, clean)
    if not changes and not created:
        return draft
    draft.answers = clean
    draft.updated_by = actor if getattr(actor, "is_authenticated", False) else None
    draft.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        obj=draft,
        changes=changes,
        use_case_id=use_case.pk,
        organisation_id=use_case.organisation_id,
        message="Brouillon de qualification enregistré.",
    )
    return draft


@transaction.atomic
def qualification_complete(
    *,
    actor: User | None,
    use_case: UseCase,
    answers: Mapping[str, Any] | None = None,
    law_version: str = CURRENT_LAW_VERSION,
) -> Qualification:
    """Qualify ``answers`` (the draft's when omitted) and store them as the next version.

    Answers to questions that the path does not ask are dropped before storing, so that a version
    holds only what the result rests on and two versions compare cleanly.
    """
    _require(actor, use_case)
    # Lock the use case so that two completions cannot take the same version number.
    locked = UseCase.objects.select_for_update().get(pk=use_case.pk)
    if answers is None:
        draft = QualificationDraft.objects.filter(use_case=locked).first()
        answers = draft.answers if draft else {}
    clean = _validate(answers)
    try:
        first = qualify(clean, law_version)
    except UnknownLawVersionError as error:
        raise ValidationError({"law_version": str(error)}) from error
    kept = {k: v for k, v in clean.items() if k not in set(first["ignored"])}
    result = qualify(kept, law_version) if kept != clean else first
    previous = Qualification.objects.filter(use_case=locked).order_by("-version").first()
    qualification = Qualification(
        use_case=locked,
        version=(previous.version + 1) if previous else 1,
        answers=kept,
        result=result,
        law_version=result["law_version"],
        category=result["ai_act"]["category"],
        completed_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    qualification.full_clean()
    qualification.save()
    changes: dict[str, Any] = {
        "version": [previous.version if previous else None, qualification.version],
        "category": [previous.category if previous else None, qualification.category],
        "law_version": [previous.law_version if previous else None, qualification.law_version],
    }
    changes.update(_answer_changes(previous.answers if previous else {}, kept))
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=qualification,
        changes=changes,
        use_case_id=locked.pk,
        organisation_id=locked.organisation_id,
        message=f"Qualification terminée (version {qualification.version}).",
    )
    for hook in COMPLETION_HOOKS:
        hook(actor, qualification)
    return qualification
