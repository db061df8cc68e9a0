"""Preparing the files of the compliance file in the background (:class:`FileJob`): the job records its
progress and step (French msgids, translated where they are shown) so the page can follow it, and says
what went wrong when it fails. The files of earlier jobs for the same file are removed when a new one is
ready: only the latest stays on disk."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop

from .enums import DOSSIER, FileJobStatus
from .models import FileJob

logger = logging.getLogger(__name__)

#: The steps of a job, as stored (translated on display).
STEP_WAITING = gettext_noop("En attente du traitement en arrière-plan")
STEP_READING = gettext_noop("Lecture du dossier : obligations, risques, preuves")
STEP_DOCUMENTS = gettext_noop("Fabrication des documents")
STEP_ARCHIVE = gettext_noop("Assemblage de l'archive")
STEP_PDF = gettext_noop("Mise en page du PDF")
STEP_DOCX = gettext_noop("Mise en page du document Word")
STEP_READY = gettext_noop("Fichier prêt")
STEP_FAILED = gettext_noop("Échec")


def _progress(job: FileJob, progress: int, step: str, **extra: object) -> None:
    FileJob.objects.filter(pk=job.pk).update(progress=progress, step=step, **extra)


def _content(job: FileJob) -> tuple[str, bytes]:
    from atlasia.lifecycle.selectors import deployer_facts
    from atlasia.qualification import documents as qualification_documents
    from atlasia.qualification import selectors as qualification_selectors

    from . import documents
    from .dossier import build_file, export_zip

    if job.kind == DOSSIER:
        dossier = build_file(job.use_case)
        _progress(job, 30, STEP_DOCUMENTS)
        content = export_zip(dossier)
        _progress(job, 90, STEP_ARCHIVE)
        return f"dossier-conformite-{job.use_case.uid.hex[:8]}-{timezone.localdate():%Y%m%d}.zip", content
    if job.kind in qualification_documents.KINDS:
        qualification = (
            qualification_selectors.version_of(job.use_case, job.qualification_version)
            if job.qualification_version
            else qualification_selectors.latest_qualification(job.use_case)
        )
        if qualification is None:
            raise ValueError(gettext("Ce cas d'usage n'est plus qualifié."))
        doc = qualification_documents.build(job.kind, qualification, deployer_facts(job.use_case.pk))
    else:
        doc = documents.build(job.kind, job.use_case)
    _progress(job, 30, STEP_PDF if job.fmt == "pdf" else STEP_DOCX)
    if job.fmt == "docx":
        return f"{doc.filename}.docx", qualification_documents.render_docx(doc)
    return f"{doc.filename}.pdf", qualification_documents.render_pdf(doc)


def run_file_job(job_id: int) -> str:
    job = FileJob.objects.select_related("use_case", "use_case__organisation").get(pk=job_id)
    _progress(job, 10, STEP_READING, status=FileJobStatus.RUNNING)
    try:
        # The archive and the documents are in French, whoever asked (the index is a legal record).
        with translation.override(settings.LANGUAGE_CODE):
            name, content = _content(job)
        job.file.save(name, ContentFile(content), save=False)
        _progress(
            job,
            100,
            STEP_READY,
            status=FileJobStatus.DONE,
            file=job.file.name,
            filename=name,
            finished_at=timezone.now(),
        )
    except Exception as error:  # the page must say it failed rather than wait for ever
        logger.exception("compliance file job %s failed", job_id)
        _progress(
            job,
            100,
            STEP_FAILED,
            status=FileJobStatus.FAILED,
            error=str(error)[:2000],
            finished_at=timezone.now(),
        )
        raise
    # Only the latest prepared file of the same kind stays on disk.
    for older in FileJob.objects.filter(
        use_case_id=job.use_case_id,
        kind=job.kind,
        fmt=job.fmt,
        qualification_version=job.qualification_version,
        pk__lt=job.pk,
    ).exclude(file=""):
        older.file.delete(save=False)
        FileJob.objects.filter(pk=older.pk).update(file="")
    return name
