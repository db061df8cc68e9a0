"""Writes of the exchange app: API tokens, import jobs. Each service checks the permission, writes and
records the audit row in one transaction. The pull from other instances is in ``pull.py``."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from atlasia.accounts import perms
from atlasia.accounts.models import Membership, MembershipRole, User
from atlasia.audit.models import AuditAction
from atlasia.audit.services import audit_record
from atlasia.core import spreadsheet as sp
from atlasia.core.roles import Action
from atlasia.registry.models import Organisation

from . import importers
from .enums import ImportStatus
from .models import ApiToken, ImportJob

TOKEN_PREFIX = "atl_"  # noqa: S105 (a prefix, not a secret)


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def token_create(
    *,
    actor: Any,
    organisation: Organisation,
    role: str,
    label: str,
    expires_at: dt.datetime | None = None,
) -> tuple[ApiToken, str]:
    """Create a token and its service account; return the token and its clear value (shown once)."""
    if not perms.can(actor, Action.MEMBERS_MANAGE, organisation):
        raise PermissionDenied("Seuls les administrateurs de l'organisation créent des jetons d'API.")
    if role not in MembershipRole.values:
        raise ValidationError({"role": f"Rôle « {role} » inconnu."})
    if not label.strip():
        raise ValidationError({"label": "Donnez un libellé au jeton (à quoi sert-il ?)."})
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": "La date d'expiration doit être dans le futur."})
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    prefix = raw[:12]
    service_user = User(
        username=f"api-{secrets.token_hex(6)}",
        first_name="Jeton d'API",
        last_name=f"« {label.strip()[:60]} »",
        is_active=False,  # cannot log in to the screens
    )
    service_user.set_unusable_password()
    service_user.save()
    Membership.objects.create(user=service_user, organisation=organisation, role=role)
    token = ApiToken(
        organisation=organisation,
        role=role,
        label=label.strip(),
        prefix=prefix,
        token_hash=hash_token(raw),
        service_user=service_user,
        created_by=actor,
        expires_at=expires_at,
    )
    token.full_clean(exclude=["service_user"])
    token.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=token,
        changes={"jeton": [None, str(token)], "rôle": [None, role], "expire le": [None, expires_at]},
        organisation_id=organisation.pk,
    )
    return token, raw


@transaction.atomic
def token_revoke(*, actor: Any, token: ApiToken) -> ApiToken:
    if not perms.can(actor, Action.MEMBERS_MANAGE, token.organisation):
        raise PermissionDenied("Seuls les administrateurs de l'organisation révoquent des jetons d'API.")
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        # The service account loses its rights too.
        Membership.objects.filter(user=token.service_user).delete()
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=token,
            changes={"révoqué le": [None, token.revoked_at]},
            organisation_id=token.organisation_id,
            message="Jeton d'API révoqué",
        )
    return token


def token_authenticate(raw: str) -> ApiToken | None:
    """The active token matching ``raw``, or ``None`` (unknown, revoked, expired)."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("organisation", "service_user")
        .filter(token_hash=hash_token(raw))
        .first()
    )
    if token is None or not token.is_active:
        return None
    now = timezone.now()
    # Bookkeeping, not a change of the record: at most one write a minute per token.
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


# --- imports -----------------------------------------------------------------------------------------

MAX_IMPORT_BYTES = 20 * 1024 * 1024


@transaction.atomic
def import_job_create(*, actor: Any, organisation: Organisation, filename: str, content: bytes) -> ImportJob:
    """Store the uploaded file, read its header row and propose the automatic column mapping."""
    if not perms.can(actor, Action.USECASE_CREATE, organisation):
        raise PermissionDenied(f"Votre rôle ne permet pas de créer des cas d'usage pour {organisation}.")
    if len(content) > MAX_IMPORT_BYTES:
        raise ValidationError({"file": "Le fichier dépasse 20 Mo."})
    try:
        sheet = sp.read_file(filename, content)
    except sp.FileError as exc:
        raise ValidationError({"file": str(exc)}) from None
    job = ImportJob(
        organisation=organisation,
        created_by=actor,
        filename=filename[:255],
        content=content,
        headers=sheet.headers,
        mapping=importers.default_mapping(sheet.headers),
        total_rows=len(sheet.rows),
    )
    job.save()
    job.report = importers.analyse(job, sheet=sheet)
    job.status = ImportStatus.ANALYSED
    job.save(update_fields=["report", "status"])
    return job


@transaction.atomic
def import_job_set_mapping(*, actor: Any, job: ImportJob, mapping: dict[str, str]) -> ImportJob:
    """Change the column mapping (column index → field) and redo the dry run."""
    _require_owner(actor, job)
    fields = {c.field for c in sp.COLUMNS}
    targets = [v for v in mapping.values() if v]
    unknown = [v for v in targets if v not in fields]
    if unknown:
        raise ValidationError({"mapping": f"Champ inconnu : {', '.join(unknown)}."})
    doubles = sorted({v for v in targets if targets.count(v) > 1})
    if doubles:
        labels = ", ".join(f"« {sp.COLUMNS_BY_FIELD[d].label_fr} »" for d in doubles)
        raise ValidationError({"mapping": f"Un champ ne peut recevoir qu'une colonne : {labels}."})
    job.mapping = {k: v for k, v in mapping.items() if v}
    job.report = importers.analyse(job)
    job.status = ImportStatus.ANALYSED
    job.save(update_fields=["mapping", "report", "status"])
    return job


def _require_owner(actor: Any, job: ImportJob) -> None:
    if job.created_by_id != actor.pk and not perms.is_platform_admin(actor):
        raise PermissionDenied("Cet import a été lancé par quelqu'un d'autre.")
    if job.status in (ImportStatus.QUEUED, ImportStatus.RUNNING, ImportStatus.DONE):
        raise ValidationError("Cet import est déjà lancé.")


def import_job_start(*, actor: Any, job: ImportJob, only_valid: bool = False) -> ImportJob:
    """Queue the import (background job; run at once by the immediate backend in tests)."""
    from .tasks import run_import_job

    with transaction.atomic():
        _require_owner(actor, job)
        if not job.report.get("valid") and not only_valid:
            raise ValidationError(
                "Le fichier contient des erreurs : corrigez-les, ou choisissez d'importer uniquement les "
                "lignes valides."
            )
        job.only_valid = only_valid
        job.status = ImportStatus.QUEUED
        job.processed_rows = 0
        job.save(update_fields=["only_valid", "status", "processed_rows"])
    # Enqueued once the job row is committed (the block above), so the worker sees it.
    run_import_job.enqueue(job.pk)
    return job


def import_execute(*, job_id: int) -> str:
    """Body of the background job: run the import, recording progress and the result."""
    job = ImportJob.objects.select_related("organisation", "created_by").get(pk=job_id)
    job.status = ImportStatus.RUNNING
    job.save(update_fields=["status"])

    def progress(done: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(processed_rows=done)

    try:
        result = importers.run_import(job, progress=progress)
    except Exception as exc:  # the job must end in a visible state whatever happens
        result = {"written": False, "created": 0, "updated": 0, "skipped": 0, "errors": [f"Erreur : {exc}"]}
        job.status = ImportStatus.FAILED
    else:
        job.status = ImportStatus.DONE if result["written"] or not result["errors"] else ImportStatus.FAILED
    job.result = result
    job.finished_at = timezone.now()
    job.processed_rows = job.total_rows if job.status == ImportStatus.DONE else job.processed_rows
    job.save(update_fields=["result", "status", "finished_at", "processed_rows"])
    if result.get("created") or result.get("updated"):
        with transaction.atomic():
            audit_record(
                actor=job.created_by,
                action=AuditAction.EVENT,
                obj=job,
                changes={"créés": [None, result["created"]], "mis à jour": [None, result["updated"]]},
                organisation_id=job.organisation_id,
                message=f"Import du fichier {job.filename}",
            )
    return job.status
