"""Attachment checks: size limit and an allow-list of types, recognised by their content, not their name."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext

ALLOWED = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".csv": "text/csv",
    ".txt": "text/plain",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
}
ALLOWED_LABEL = "PDF, PNG, JPEG, CSV, TXT, DOCX, XLSX, ODT ou ODS"


@dataclass(frozen=True)
class CheckedUpload:
    extension: str
    content_type: str
    size: int


def human_size(size: int) -> str:
    """A file size as French users read it: « 512 Ko », « 10,0 Mo »."""
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} Ko"
    return f"{size / (1024 * 1024):.1f} Mo".replace(".", ",")


def _content_matches(extension: str, head: bytes, handle: IO[bytes]) -> bool:
    if extension == ".pdf":
        return head.startswith(b"%PDF-")
    if extension == ".png":
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if extension in {".jpg", ".jpeg"}:
        return head.startswith(b"\xff\xd8\xff")
    if extension in {".csv", ".txt"}:
        if b"\x00" in head:
            return False
        try:
            head.decode("utf-8")
        except UnicodeDecodeError:
            try:
                head.decode("cp1252")
            except UnicodeDecodeError:
                return False
        return True
    if extension in {".docx", ".xlsx", ".odt", ".ods"}:
        if not head.startswith(b"PK\x03\x04"):
            return False
        handle.seek(0)
        try:
            with zipfile.ZipFile(handle) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            return False
        expected = {
            ".docx": "word/document.xml",
            ".xlsx": "xl/workbook.xml",
            ".odt": "content.xml",
            ".ods": "content.xml",
        }[extension]
        return expected in names
    return False


def check_upload(name: str, size: int, handle: IO[bytes]) -> CheckedUpload:
    """Raise a ValidationError with a French message when the file is too big or not an allowed type."""
    limit = settings.ATLASIA_MAX_UPLOAD_BYTES
    if size > limit:
        raise ValidationError(
            gettext("Le fichier « %(name)s » pèse %(size)s : la taille maximale est de %(limit)s.")
            % {"name": name, "size": human_size(size), "limit": human_size(limit)}
        )
    if size == 0:
        raise ValidationError(gettext("Le fichier « %(name)s » est vide.") % {"name": name})
    extension = PurePath(name).suffix.lower()
    if extension not in ALLOWED:
        raise ValidationError(
            gettext("Le type du fichier « %(name)s » n'est pas accepté. Types acceptés : %(types)s.")
            % {"name": name, "types": ALLOWED_LABEL}
        )
    handle.seek(0)
    head = handle.read(2048)
    if not _content_matches(extension, head, handle):
        raise ValidationError(
            gettext(
                "Le contenu du fichier « %(name)s » ne correspond pas à son extension "
                "%(extension)s : le fichier est peut-être endommagé ou renommé."
            )
            % {"name": name, "extension": extension}
        )
    handle.seek(0)
    return CheckedUpload(extension=extension, content_type=ALLOWED[extension], size=size)
