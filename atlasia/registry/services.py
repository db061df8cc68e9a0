"""Writes of the registry. Each service checks the permission, validates (``full_clean``), writes and
records the audit row in one transaction; a refusal changes nothing."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext, gettext_noop

from atlasia.accounts import perms
from atlasia.accounts.models import User
from atlasia.audit.concurrency import (
    check_version,
    claim_submission,
    complete_submission,
    record_state,
    version_token,
)
from atlasia.audit.models import AuditAction
from atlasia.audit.services import audit_record, diff, snapshot
from atlasia.core.roles import Action

from .enums import PublicationLevel, Status
from .models import Algorithm, Attachment, Contact, Organisation, Source, UseCase
from .uploads import check_upload

USECASE_M2M = ("data_categories", "partner_organisations")


def _require(user: User, action: Action, organisation: Organisation) -> None:
    if not perms.can(user, action, organisation):
        raise PermissionDenied(
            gettext("Action « %(value)s » refusée pour %(organisation)s.")
            % {"value": action.value, "organisation": organisation}
        )


def _assign(obj: Any, data: Mapping[str, Any]) -> dict[str, Any]:
    m2m: dict[str, Any] = {}
    for key, value in data.items():
        if key in USECASE_M2M:
            m2m[key] = value
        else:
            setattr(obj, key, value)
    return m2m


def _organisation_insert(*, actor: User | None, data: Mapping[str, Any], message: str = "") -> Organisation:
    organisation = Organisation()
    _assign(organisation, data)
    organisation.full_clean()
    organisation.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=organisation,
        changes=diff({}, snapshot(organisation)),
        organisation_id=organisation.pk,
        message=message,
    )
    return organisation


@transaction.atomic
def organisation_create(*, actor: User, data: Mapping[str, Any]) -> Organisation:
    if not perms.is_platform_admin(actor):
        raise PermissionDenied(
            gettext("Seuls les administrateurs de la plateforme créent des organisations.")
        )
    return _organisation_insert(actor=actor, data=data)


@transaction.atomic
def organisation_create_received(*, actor: User | None, data: Mapping[str, Any], source: str) -> Organisation:
    """The local copy of an organisation received from another instance (``source``, its name), by the
    pull of a subscription that a platform administrator created: the same validation and audit row as
    :func:`organisation_create`, the source named in the row, the actor being the pull's (or none for
    the scheduled job)."""
    return _organisation_insert(actor=actor, data=data, message=f"Reçue de l'instance {source}")


def organisation_version(organisation: Organisation) -> str:
    """The version token an edit form of ``organisation`` carries."""
    return version_token(record_state(organisation))


@transaction.atomic
def organisation_update(
    *, actor: User, organisation: Organisation, data: Mapping[str, Any], version: str | None = None
) -> Organisation:
    """``version``: the token of the edit form (:func:`organisation_version`); a stale one is refused."""
    _require(actor, Action.ORGANISATION_EDIT, organisation)
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    check_version(version, record_state(organisation), model=Organisation)
    before = snapshot(organisation)
    _assign(organisation, data)
    organisation.full_clean()
    organisation.save()
    changes = diff(before, snapshot(organisation))
    if changes:
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=organisation,
            changes=changes,
            organisation_id=organisation.pk,
        )
    return organisation


def _require_platform_admin(actor: User, refusal: str) -> None:
    """``refusal``: the whole sentence, already translated (a sentence is never assembled from parts)."""
    if not perms.is_platform_admin(actor):
        raise PermissionDenied(refusal)


@transaction.atomic
def algorithm_create(*, actor: User, data: Mapping[str, Any]) -> Algorithm:
    """Add an entry to the algorithm library (platform administrators, from the admin)."""
    _require_platform_admin(
        actor, gettext("Seuls les administrateurs de la plateforme ajoutent un algorithme à la bibliothèque.")
    )
    algorithm = Algorithm()
    _assign(algorithm, data)
    algorithm.full_clean()
    algorithm.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=algorithm,
        changes=diff({}, snapshot(algorithm)),
        organisation_id=algorithm.organisation_id,
    )
    return algorithm


@transaction.atomic
def algorithm_update(*, actor: User, algorithm: Algorithm, data: Mapping[str, Any]) -> Algorithm:
    _require_platform_admin(
        actor, gettext("Seuls les administrateurs de la plateforme modifient la bibliothèque d'algorithmes.")
    )
    algorithm = Algorithm.objects.select_for_update().get(pk=algorithm.pk)
    before = snapshot(algorithm)
    _assign(algorithm, data)
    algorithm.full_clean()
    algorithm.save()
    changes = diff(before, snapshot(algorithm))
    if changes:
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=algorithm,
            changes=changes,
            organisation_id=algorithm.organisation_id,
        )
    return algorithm


def _check_publication(actor: User, organisation: Organisation, level: str, previous: str | None) -> None:
    if level != (previous or PublicationLevel.INTERNAL) and not perms.can(
        actor, Action.USECASE_PUBLISH, organisation
    ):
        raise ValidationError(
            {
                "publication_level": gettext(
                    "Votre rôle ne permet pas de changer le niveau de publication : "
                    "demandez au référent IA de votre organisation."
                )
            }
        )


STATUS_REFUSAL = gettext_noop(
    "L'étape ne se modifie pas avec la fiche : elle avance par les transitions du cycle de vie "
    "(encadré « Cycle de vie » de la fiche, ou POST /api/v1/usecases/{uid}/transitions), qui vérifient "
    "le rôle et les verrous (AIPD, qualification, évaluation…)."
)


def _refuse_status_change(data: Mapping[str, Any], current: str) -> None:
    """The lifecycle status changes only through ``lifecycle.services.usecase_transition`` (its gates,
    its transition log): a write that carries another status is refused, whatever the channel."""
    if "status" in data and (data["status"] or "") != current:
        raise ValidationError({"status": gettext(STATUS_REFUSAL)})


def usecase_state(use_case: UseCase) -> dict[str, Any]:
    """What an edit of ``use_case`` rests on: its fields and its contacts."""
    state = record_state(use_case)
    state["contacts"] = [
        [c.pk, c.role, c.name, c.email, c.phone, c.is_public] for c in use_case.contacts.order_by("pk")
    ]
    return state


def usecase_version(use_case: UseCase) -> str:
    """The version token an edit form of ``use_case`` carries."""
    return version_token(usecase_state(use_case))


@transaction.atomic
def usecase_create(
    *, actor: User, organisation: Organisation, data: Mapping[str, Any], submission: str | None = None
) -> UseCase:
    """``submission``: the one-time key of the create form (or the API's ``Idempotency-Key``); a second
    call with the same key returns the record the first one created."""
    _require(actor, Action.USECASE_CREATE, organisation)
    if (already := claim_submission(key=submission, actor=actor, model=UseCase)) is not None:
        return already
    _refuse_status_change(data, Status.IDEA)
    use_case = UseCase(organisation=organisation, created_by=actor if actor.is_authenticated else None)
    m2m = _assign(use_case, data)
    _check_publication(actor, organisation, use_case.publication_level, None)
    use_case.full_clean()
    use_case.save()
    for name, values in m2m.items():
        getattr(use_case, name).set(values)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=use_case,
        changes=diff({}, snapshot(use_case)),
        use_case_id=use_case.pk,
        organisation_id=organisation.pk,
    )
    complete_submission(key=submission, obj=use_case)
    return use_case


@transaction.atomic
def usecase_update(
    *, actor: User, use_case: UseCase, data: Mapping[str, Any], version: str | None = None
) -> UseCase:
    """``version``: the token of the edit form (:func:`usecase_version`); when someone saved the record
    (or its contacts) since, the save is refused with what changed (:class:`StaleEdit`)."""
    _require(actor, Action.USECASE_EDIT, use_case.organisation)
    use_case = UseCase.objects.select_for_update().get(pk=use_case.pk)
    check_version(version, usecase_state(use_case), model=UseCase)
    _refuse_status_change(data, use_case.status)
    before = snapshot(use_case)
    previous_level = use_case.publication_level
    m2m = _assign(use_case, data)
    if "organisation" in data and data["organisation"] != use_case.organisation:
        _require(actor, Action.USECASE_CREATE, use_case.organisation)
    _check_publication(actor, use_case.organisation, use_case.publication_level, previous_level)
    use_case.full_clean()
    use_case.save()
    for name, values in m2m.items():
        getattr(use_case, name).set(values)
    changes = diff(before, snapshot(use_case))
    if changes:
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=use_case,
            changes=changes,
            use_case_id=use_case.pk,
            organisation_id=use_case.organisation_id,
        )
    return use_case


@transaction.atomic
def usecase_delete(*, actor: User, use_case: UseCase) -> None:
    _require(actor, Action.USECASE_DELETE, use_case.organisation)
    before = snapshot(use_case)
    pk, org_id = use_case.pk, use_case.organisation_id
    files = [a.file.name for a in use_case.attachments.all()]
    audit_record(
        actor=actor,
        action=AuditAction.DELETE,
        obj=use_case,
        changes=diff(before, {}),
        use_case_id=pk,
        organisation_id=org_id,
    )
    use_case.delete()
    # Files are removed only once the deletion is committed.
    transaction.on_commit(lambda: _delete_files(files))


def _delete_files(names: Iterable[str]) -> None:
    from django.core.files.storage import default_storage

    for name in names:
        if name and default_storage.exists(name):
            default_storage.delete(name)


@transaction.atomic
def attachment_add(*, actor: User, use_case: UseCase, uploaded: UploadedFile, title: str = "") -> Attachment:
    _require(actor, Action.ATTACHMENT_UPLOAD, use_case.organisation)
    checked = check_upload(uploaded.name or "fichier", uploaded.size or 0, uploaded.file)  # type: ignore[arg-type]
    attachment = Attachment(
        use_case=use_case,
        title=(title or uploaded.name or "Pièce jointe")[:200],
        original_name=(uploaded.name or "fichier")[:255],
        content_type=checked.content_type,
        size=checked.size,
        uploaded_by=actor,
    )
    attachment.file.save("upload", uploaded, save=False)
    stored_name = attachment.file.name
    try:
        attachment.full_clean(exclude=["file"])
        attachment.save()
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=attachment,
            changes={"pièce jointe": [None, attachment.original_name], "taille": [None, attachment.size]},
            use_case_id=use_case.pk,
            organisation_id=use_case.organisation_id,
        )
    except Exception:  # not swallowed: the stored file is removed, then the error goes on unchanged
        _delete_files([stored_name])
        raise
    return attachment


@transaction.atomic
def attachment_delete(*, actor: User, attachment: Attachment) -> None:
    use_case = attachment.use_case
    _require(actor, Action.USECASE_EDIT, use_case.organisation)
    name = attachment.file.name
    audit_record(
        actor=actor,
        action=AuditAction.DELETE,
        obj=attachment,
        changes={"pièce jointe": [attachment.original_name, None]},
        use_case_id=use_case.pk,
        organisation_id=use_case.organisation_id,
    )
    attachment.delete()
    transaction.on_commit(lambda: _delete_files([name]))


CONTACT_FIELDS = ("role", "name", "email", "phone", "is_public")


@transaction.atomic
def contacts_save(*, actor: User, use_case: UseCase, rows: Sequence[Mapping[str, Any]]) -> None:
    """Apply the contact lines of the edit form to the contacts of ``use_case``.

    A line with an ``id`` updates that contact (every field it carries) or, with ``delete`` set,
    removes it; a line without ``id`` creates a contact (an empty line is ignored). A contact that no
    line names is left exactly as it is: nothing is deleted that the user did not ask to delete.
    Each created, changed or removed contact gets its own audit row (phone and public flag included).
    """
    _require(actor, Action.USECASE_EDIT, use_case.organisation)
    UseCase.objects.select_for_update().filter(pk=use_case.pk).first()
    existing = {c.pk: c for c in Contact.objects.select_for_update().filter(use_case=use_case)}
    errors: dict[str, list[str]] = {}
    for index, row in enumerate(rows, start=1):
        values = {k: row[k] for k in CONTACT_FIELDS if k in row}
        pk = row.get("id")
        if pk:
            contact = existing.get(int(pk))
            if contact is None:
                errors.setdefault("contacts", []).append(
                    f"Contact n° {index} : ce contact n'existe plus sur cette fiche "
                    "(supprimé entre-temps ?). Rechargez la page."
                )
                continue
            before = snapshot(contact, exclude=("use_case",))
            if row.get("delete"):
                _audit_contact(actor, AuditAction.DELETE, contact, use_case, diff(before, {}))
                contact.delete()
                continue
        elif row.get("delete") or not any(values.get(k) for k in CONTACT_FIELDS):
            continue
        else:
            contact, before = Contact(use_case=use_case), {}
        for key, value in values.items():
            setattr(contact, key, value)
        try:
            contact.full_clean(exclude=["use_case"])
        except ValidationError as error:
            errors.setdefault("contacts", []).extend(f"Contact n° {index} : {m}" for m in error.messages)
            continue
        changes = diff(before, snapshot(contact, exclude=("use_case",)))
        if not changes:
            continue
        contact.save()
        _audit_contact(
            actor, AuditAction.UPDATE if before else AuditAction.CREATE, contact, use_case, changes
        )
    if errors:
        raise ValidationError(errors)


def _audit_contact(
    actor: User, action: AuditAction, contact: Contact, use_case: UseCase, changes: dict[str, Any]
) -> None:
    audit_record(
        actor=actor,
        action=action,
        obj=contact,
        changes=changes,
        use_case_id=use_case.pk,
        organisation_id=use_case.organisation_id,
    )


def _source_label(source: Source) -> str:
    """A source as its audit row records it: its address, its title when it has one, its reliability."""
    return " — ".join(part for part in (source.url, source.title) if part) + f" [{source.reliability}]"


@transaction.atomic
def sources_replace(*, actor: User, use_case: UseCase, sources: Sequence[Mapping[str, Any]]) -> None:
    _require(actor, Action.USECASE_EDIT, use_case.organisation)
    before = sorted(_source_label(s) for s in use_case.sources.all())
    objects = []
    for data in sources:
        source = Source(use_case=use_case, **data)
        source.full_clean()
        objects.append(source)
    use_case.sources.all().delete()
    Source.objects.bulk_create(objects)
    after = sorted(_source_label(s) for s in objects)
    # A new title or reliability is a change too (the record page shows them, and its cached parts
    # are keyed by the record's latest audit row).
    if before != after:
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=use_case,
            changes={"sources": [before, after]},
            use_case_id=use_case.pk,
            organisation_id=use_case.organisation_id,
        )
