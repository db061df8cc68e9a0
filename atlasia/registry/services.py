"""Writes of the registry. Each service checks the permission, validates (``full_clean``), writes and
records the audit row in one transaction; a refusal changes nothing."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from atlasia.accounts import perms
from atlasia.audit.models import AuditAction
from atlasia.audit.services import audit_record, diff, snapshot
from atlasia.core.roles import Action

from .enums import PublicationLevel
from .models import Attachment, Contact, Organisation, Source, UseCase
from .uploads import check_upload

USECASE_M2M = ("data_categories", "partner_organisations")


def _require(user: Any, action: Action, organisation: Organisation) -> None:
    if not perms.can(user, action, organisation):
        raise PermissionDenied(f"Action « {action.value} » refusée pour {organisation}.")


def _assign(obj: Any, data: Mapping[str, Any]) -> dict[str, Any]:
    m2m: dict[str, Any] = {}
    for key, value in data.items():
        if key in USECASE_M2M:
            m2m[key] = value
        else:
            setattr(obj, key, value)
    return m2m


@transaction.atomic
def organisation_create(*, actor: Any, data: Mapping[str, Any]) -> Organisation:
    if not perms.is_platform_admin(actor):
        raise PermissionDenied("Seuls les administrateurs de la plateforme créent des organisations.")
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
    )
    return organisation


@transaction.atomic
def organisation_update(*, actor: Any, organisation: Organisation, data: Mapping[str, Any]) -> Organisation:
    _require(actor, Action.ORGANISATION_EDIT, organisation)
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
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


def _check_publication(actor: Any, organisation: Organisation, level: str, previous: str | None) -> None:
    if level != (previous or PublicationLevel.INTERNAL) and not perms.can(
        actor, Action.USECASE_PUBLISH, organisation
    ):
        raise ValidationError(
            {
                "publication_level": "Votre rôle ne permet pas de changer le niveau de publication : "
                "demandez au référent IA de votre organisation."
            }
        )


@transaction.atomic
def usecase_create(*, actor: Any, organisation: Organisation, data: Mapping[str, Any]) -> UseCase:
    _require(actor, Action.USECASE_CREATE, organisation)
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
    return use_case


@transaction.atomic
def usecase_update(*, actor: Any, use_case: UseCase, data: Mapping[str, Any]) -> UseCase:
    _require(actor, Action.USECASE_EDIT, use_case.organisation)
    use_case = UseCase.objects.select_for_update().get(pk=use_case.pk)
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
def usecase_delete(*, actor: Any, use_case: UseCase) -> None:
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
def attachment_add(*, actor: Any, use_case: UseCase, uploaded: UploadedFile, title: str = "") -> Attachment:
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
    except Exception:
        _delete_files([stored_name])
        raise
    return attachment


@transaction.atomic
def attachment_delete(*, actor: Any, attachment: Attachment) -> None:
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


@transaction.atomic
def contacts_replace(*, actor: Any, use_case: UseCase, contacts: Sequence[Mapping[str, Any]]) -> None:
    """Replace the contacts of a use case by ``contacts`` (from the edit form's contact lines)."""
    _require(actor, Action.USECASE_EDIT, use_case.organisation)
    before = [f"{c.role} {c.name} {c.email}".strip() for c in use_case.contacts.order_by("id")]
    new_objects = []
    for data in contacts:
        contact = Contact(use_case=use_case, **data)
        contact.full_clean()
        new_objects.append(contact)
    use_case.contacts.all().delete()
    Contact.objects.bulk_create(new_objects)
    after = [f"{c.role} {c.name} {c.email}".strip() for c in new_objects]
    if before != after:
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=use_case,
            changes={"contacts": [before, after]},
            use_case_id=use_case.pk,
            organisation_id=use_case.organisation_id,
        )


@transaction.atomic
def sources_replace(*, actor: Any, use_case: UseCase, sources: Sequence[Mapping[str, Any]]) -> None:
    _require(actor, Action.USECASE_EDIT, use_case.organisation)
    before = sorted(s.url for s in use_case.sources.all())
    objects = []
    for data in sources:
        source = Source(use_case=use_case, **data)
        source.full_clean()
        objects.append(source)
    use_case.sources.all().delete()
    Source.objects.bulk_create(objects)
    after = sorted(s.url for s in objects)
    if before != after:
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=use_case,
            changes={"sources": [before, after]},
            use_case_id=use_case.pk,
            organisation_id=use_case.organisation_id,
        )
