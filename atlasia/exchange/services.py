"""Writes of the exchange app: API tokens, import jobs. Each service checks the permission, writes and
records the audit row in one transaction. The pull from other instances is in ``pull.py``."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
import time

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from atlasia.accounts import perms
from atlasia.accounts.models import Membership, MembershipRole, User
from atlasia.audit.models import AuditAction
from atlasia.audit.services import audit_record
from atlasia.core import spreadsheet as sp
from atlasia.core.messages import Message, date
from atlasia.core.roles import Action
from atlasia.registry.models import Organisation
from atlasia.registry.uploads import human_size

from . import importers
from .enums import ImportStatus
from .models import ApiToken, ImportJob, ImportMappingMemory

TOKEN_PREFIX = "atl_"  # noqa: S105 (a prefix, not a secret)


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def token_create(
    *,
    actor: User,
    organisation: Organisation,
    role: str,
    label: str,
    expires_at: dt.datetime | None = None,
) -> tuple[ApiToken, str]:
    """Create a token and its service account; return the token and its clear value (shown once)."""
    if not perms.can(actor, Action.MEMBERS_MANAGE, organisation):
        raise PermissionDenied(
            gettext("Seuls les administrateurs de l'organisation créent des jetons d'API.")
        )
    if role not in MembershipRole.values:
        raise ValidationError({"role": gettext("Rôle « %(role)s » inconnu.") % {"role": role}})
    if not label.strip():
        raise ValidationError({"label": gettext("Donnez un libellé au jeton (à quoi sert-il ?).")})
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": gettext("La date d'expiration doit être dans le futur.")})
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
def token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    if not perms.can(actor, Action.MEMBERS_MANAGE, token.organisation):
        raise PermissionDenied(
            gettext("Seuls les administrateurs de l'organisation révoquent des jetons d'API.")
        )
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
IMPORT_EXTENSIONS = (".xlsx", ".csv", ".txt", ".tsv")
# A job « running » without a sign of life for this long was abandoned by a dead worker.
IMPORT_STALE_AFTER = dt.timedelta(minutes=10)
# How long a worker waits for another import of the same organisation to finish before giving up.
IMPORT_WAIT_SECONDS = 600.0

logger = logging.getLogger(__name__)


def _check_upload(filename: str, content: bytes) -> None:
    """Size and type, from the bytes (not only the name): the rest is read by the background job."""
    name = filename.lower()
    if not name.endswith(IMPORT_EXTENSIONS):
        raise ValidationError(
            {
                "file": gettext("« %(filename)s » n'est pas un tableur : déposez un fichier .xlsx ou .csv.")
                % {"filename": filename}
            }
        )
    if not content:
        raise ValidationError(
            {"file": gettext("Le fichier « %(filename)s » est vide.") % {"filename": filename}}
        )
    if len(content) > MAX_IMPORT_BYTES:
        raise ValidationError(
            {
                "file": gettext(
                    "Le fichier « %(filename)s » pèse %(size)s : %(limit)s "
                    "au plus. Découpez-le en plusieurs fichiers."
                )
                % {
                    "filename": filename,
                    "size": human_size(len(content)),
                    "limit": human_size(MAX_IMPORT_BYTES),
                }
            }
        )
    is_zip = content[:4] == b"PK\x03\x04"
    if name.endswith(".xlsx") and not is_zip:
        raise ValidationError(
            {
                "file": gettext("« %(filename)s » porte l'extension .xlsx mais n'est pas un classeur XLSX.")
                % {"filename": filename}
            }
        )
    if not name.endswith(".xlsx") and (is_zip or content[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise ValidationError(
            {
                "file": gettext(
                    "« %(filename)s » est un classeur (XLSX ou XLS), pas un CSV : "
                    "enregistrez-le au format XLSX avec l'extension .xlsx, ou en « CSV "
                    "UTF-8 »."
                )
                % {"filename": filename}
            }
        )


def import_job_create(*, actor: User, organisation: Organisation, filename: str, content: bytes) -> ImportJob:
    """Store the uploaded file (size and type checked) with its SHA-256 and queue its analysis.

    Nothing is parsed here: reading a spreadsheet is bounded work done by the background job
    (:func:`import_analyse`), and the page shows its progress. The upload writes an audit row."""
    if not perms.can(actor, Action.USECASE_CREATE, organisation):
        raise PermissionDenied(
            gettext("Votre rôle ne permet pas de créer des cas d'usage pour %(organisation)s.")
            % {"organisation": organisation}
        )
    filename = (filename or "fichier").rsplit("/", 1)[-1].rsplit("\\", 1)[-1][:255]
    _check_upload(filename, content)
    with transaction.atomic():
        job = ImportJob.objects.create(
            organisation=organisation,
            created_by=actor,
            filename=filename,
            content=content,
            file_hash=hashlib.sha256(content).hexdigest(),
            file_size=len(content),
            status=ImportStatus.UPLOADED,
        )
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=job,
            changes={
                "fichier": [None, filename],
                "taille": [None, len(content)],
                "empreinte SHA-256": [None, job.file_hash],
            },
            organisation_id=organisation.pk,
            message=f"Dépôt du fichier {filename} pour import",
        )
    _enqueue_analysis(job)
    return job


def _enqueue_analysis(job: ImportJob) -> None:
    from .tasks import analyse_import_job

    # Enqueued once the job row is committed, so the worker sees it.
    analyse_import_job.enqueue(job.pk)


def import_analyse(*, job_id: int) -> str:
    """Body of the analysis job: read the file within its caps, find the header row, map the columns
    (remembered mapping, then automatic recognition) and record the dry run."""
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportStatus.UPLOADED).update(
        status=ImportStatus.ANALYSING, processed_rows=0, heartbeat_at=timezone.now()
    )
    if not claimed:  # analysed already, or by another worker
        return str(ImportJob.objects.filter(pk=job_id).values_list("status", flat=True).first() or "")
    job = ImportJob.objects.select_related("organisation").get(pk=job_id)
    try:
        try:
            sheet = sp.read_file(job.filename, bytes(job.content), header_line=job.header_line)
        except sp.FileError as exc:
            job.headers, job.mapping, job.total_rows, job.sheet = [], {}, 0, {}
            job.report = importers.file_error_report(exc.message)
        else:
            if sheet.headers != job.headers or not job.mapping:
                job.mapping = importers.initial_mapping(job.organisation, sheet.headers)
            job.headers = sheet.headers
            job.header_found = sheet.header_line
            job.sheet = sp.sheet_to_data(sheet)
            job.total_rows = len(sheet.rows)
            ImportJob.objects.filter(pk=job.pk).update(total_rows=job.total_rows)

            def progress(done: int) -> None:
                ImportJob.objects.filter(pk=job.pk).update(processed_rows=done, heartbeat_at=timezone.now())

            job.report = importers.analyse(job, sheet=sheet, progress=progress)
            already = _already_imported(job)
            job.report["already_imported"] = str(already) if already else ""
            job.report["already_imported_message"] = already.data() if already else None
    except Exception:  # the job must end in a visible state whatever happens
        logger.exception("analysis of import job %s failed", job_id)
        job.sheet = {}
        job.report = importers.file_error_report(importers.message("import.internal_error"))
    job.status = ImportStatus.ANALYSED
    job.processed_rows = 0
    job.save(
        update_fields=[
            "headers",
            "mapping",
            "header_found",
            "sheet",
            "total_rows",
            "report",
            "status",
            "processed_rows",
        ]
    )
    return job.status


def _already_imported(job: ImportJob) -> Message | None:
    previous = (
        ImportJob.objects.filter(
            organisation=job.organisation, file_hash=job.file_hash, status=ImportStatus.DONE
        )
        .exclude(pk=job.pk)
        .order_by("-finished_at")
        .first()
    )
    if previous is None or previous.finished_at is None:
        return None
    when = timezone.localtime(previous.finished_at)
    return importers.message(
        "import.already_imported",
        organisation=str(job.organisation),
        date=date(when.date()),
        time=f"{when:%H:%M}",
    )


def import_job_set_mapping(*, actor: User, job: ImportJob, mapping: dict[str, str]) -> ImportJob:
    """Change the column mapping (column index → field), remember it for the organisation's next
    files, and redo the dry run in the background."""
    with transaction.atomic():
        job = _require_owner(actor, job)
        fields = {c.field for c in sp.COLUMNS}
        targets = [v for v in mapping.values() if v]
        unknown = [v for v in targets if v not in fields]
        if unknown:
            raise ValidationError(
                {"mapping": gettext("Champ inconnu : %(unknown)s.") % {"unknown": ", ".join(unknown)}}
            )
        doubles = sorted({v for v in targets if targets.count(v) > 1})
        if doubles:
            labels = ", ".join(f"« {sp.COLUMNS_BY_FIELD[d].label_fr} »" for d in doubles)
            raise ValidationError(
                {
                    "mapping": gettext("Un champ ne peut recevoir qu'une colonne : %(labels)s.")
                    % {"labels": labels}
                }
            )
        before = dict(job.mapping)
        job.mapping = {k: v for k, v in mapping.items() if v}
        job.status = ImportStatus.UPLOADED
        job.save(update_fields=["mapping", "status"])
        _remember_mapping(actor, job)
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=job,
            changes={"correspondance des colonnes": [before, job.mapping]},
            organisation_id=job.organisation_id,
        )
    _enqueue_analysis(job)
    return job


def _remember_mapping(actor: User, job: ImportJob) -> None:
    memory, _created = ImportMappingMemory.objects.select_for_update().get_or_create(
        organisation=job.organisation
    )
    remembered = dict(memory.mapping)
    for index, header in enumerate(job.headers):
        key = sp.normalise_header(header)
        if key:
            remembered[key] = job.mapping.get(str(index), "")
    memory.mapping = remembered
    memory.updated_by = actor
    memory.save()


def import_job_set_header_line(*, actor: User, job: ImportJob, line: int | None) -> ImportJob:
    """Choose the header row (``None``: found automatically) and redo the analysis in the background."""
    with transaction.atomic():
        job = _require_owner(actor, job)
        if line is not None and line < 1:
            raise ValidationError({"header_line": gettext("Le numéro de ligne commence à 1.")})
        before = job.header_line
        job.header_line = line
        job.status = ImportStatus.UPLOADED
        job.save(update_fields=["header_line", "status"])
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=job,
            changes={"ligne d'en-tête": [before, line]},
            organisation_id=job.organisation_id,
        )
    _enqueue_analysis(job)
    return job


def _require_owner(actor: User, job: ImportJob) -> ImportJob:
    """The job, locked, when ``actor`` may change it and it is not under way."""
    if job.created_by_id != actor.pk and not perms.is_platform_admin(actor):
        raise PermissionDenied(gettext("Cet import a été lancé par quelqu'un d'autre."))
    job = ImportJob.objects.select_for_update().select_related("organisation").get(pk=job.pk)
    if job.status in (ImportStatus.QUEUED, ImportStatus.RUNNING, ImportStatus.DONE):
        raise ValidationError(gettext("Cet import est déjà lancé."))
    if job.status in (ImportStatus.UPLOADED, ImportStatus.ANALYSING):
        raise ValidationError(gettext("L'analyse du fichier est en cours : attendez qu'elle se termine."))
    return job


def import_job_start(*, actor: User, job: ImportJob, only_valid: bool = False) -> ImportJob:
    """Queue the import (background job; run at once by the immediate backend in tests)."""
    from .tasks import run_import_job

    with transaction.atomic():
        job = _require_owner(actor, job)
        if not job.report.get("valid") and (only_valid is False or job.report.get("file_errors")):
            raise ValidationError(
                gettext(
                    "Le fichier contient des erreurs : corrigez-les, ou choisissez "
                    "d'importer uniquement les lignes valides."
                )
            )
        same_file = (
            ImportJob.objects.filter(
                organisation=job.organisation,
                file_hash=job.file_hash,
                status__in=[ImportStatus.QUEUED, ImportStatus.RUNNING],
            )
            .exclude(pk=job.pk)
            .first()
        )
        if same_file is not None:
            raise ValidationError(
                gettext(
                    "Ce même fichier est déjà en cours d'import pour %(organisation)s "
                    "(dépôt du %(created_at)s) : attendez la fin de cet import, puis "
                    "relancez l'analyse pour voir ce qui reste à faire."
                )
                % {
                    "organisation": job.organisation,
                    "created_at": format(timezone.localtime(same_file.created_at), "%d/%m/%Y à %H:%M"),
                }
            )
        job.only_valid = only_valid
        job.status = ImportStatus.QUEUED
        job.processed_rows = 0
        job.save(update_fields=["only_valid", "status", "processed_rows"])
    # Enqueued once the job row is committed (the block above), so the worker sees it.
    run_import_job.enqueue(job.pk)
    return job


def _claim(job_id: int) -> bool:
    """Move the job from « queued » to « running »; false when another worker already has it.

    Only one conditional update can win (PostgreSQL re-checks the condition after the row lock,
    SQLite writes one at a time), and the partial unique index lets only one job of an organisation
    run at once: a second one waits here for the first to finish, then redoes its dry run, which
    finds the lines already written (no duplicate)."""
    deadline = time.monotonic() + IMPORT_WAIT_SECONDS
    while True:
        now = timezone.now()
        ImportJob.objects.filter(
            status=ImportStatus.RUNNING, heartbeat_at__lt=now - IMPORT_STALE_AFTER
        ).update(
            status=ImportStatus.FAILED,
            finished_at=now,
            result={
                "written": False,
                "created": 0,
                "updated": 0,
                "skipped": 0,
                "errors": ["Import interrompu (le travailleur de fond s'est arrêté) : relancez l'analyse."],
            },
        )
        try:
            with transaction.atomic():
                return bool(
                    ImportJob.objects.filter(pk=job_id, status=ImportStatus.QUEUED).update(
                        status=ImportStatus.RUNNING, heartbeat_at=now
                    )
                )
        except IntegrityError:  # another import of the organisation is running
            if time.monotonic() > deadline:
                ImportJob.objects.filter(pk=job_id, status=ImportStatus.QUEUED).update(
                    status=ImportStatus.FAILED,
                    finished_at=now,
                    result={
                        "written": False,
                        "created": 0,
                        "updated": 0,
                        "skipped": 0,
                        "errors": [
                            "Un autre import de l'organisation est resté en cours trop longtemps : "
                            "relancez celui-ci plus tard."
                        ],
                    },
                )
                return False
            time.sleep(0.2)


def import_execute(*, job_id: int) -> str:
    """Body of the background job: run the import, recording progress and the result."""
    if not _claim(job_id):
        return str(ImportJob.objects.filter(pk=job_id).values_list("status", flat=True).first() or "")
    job = ImportJob.objects.select_related("organisation", "created_by").get(pk=job_id)

    def progress(done: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(processed_rows=done, heartbeat_at=timezone.now())

    try:
        result = importers.run_import(job, progress=progress)
    except Exception:  # the job must end in a visible state whatever happens
        logger.exception("import job %s failed", job_id)
        result = {
            "written": False,
            "created": 0,
            "updated": 0,
            "skipped": 0,
            "errors": ["L'import s'est arrêté sur une erreur interne ; l'équipe technique en est avertie."],
        }
        job.status = ImportStatus.FAILED
    else:
        job.status = ImportStatus.DONE if result["written"] or not result["errors"] else ImportStatus.FAILED
    job.result = result
    job.finished_at = timezone.now()
    job.processed_rows = job.total_rows if job.status == ImportStatus.DONE else job.processed_rows
    job.sheet = {}  # read again from the file should the import be relaunched
    with transaction.atomic():
        job.save(update_fields=["result", "status", "finished_at", "processed_rows", "sheet"])
        audit_record(
            actor=job.created_by,
            action=AuditAction.EVENT,
            obj=job,
            changes={
                "créés": [None, result["created"]],
                "mis à jour": [None, result["updated"]],
                "écartés": [None, result["skipped"]],
            },
            organisation_id=job.organisation_id,
            message=f"Import du fichier {job.filename}",
        )
    return job.status
