"""The private storage of uploaded prediction files, their checks and the reading of their header.

Prediction files can hold personal data row by row, so they never go to ``MEDIA_ROOT``: each run has
its own directory under ``ATLASIA_EVALUATION_UPLOAD_DIR`` (not served, not listed anywhere), removed
when the run ends. Only aggregated results are kept.

The registry's attachment allow-list (``atlasia.registry.uploads``) does not know Parquet and has a
10 MB limit; prediction files follow their own rules here (CSV or Parquet, recognised by content,
``ATLASIA_MAX_EVALUATION_BYTES``).
"""

from __future__ import annotations

import csv
import hashlib
import secrets
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePath
from typing import IO

from django.conf import settings
from django.utils.translation import gettext

from atlasia.core.evaluation.io import EvaluationInputError
from atlasia.registry.uploads import human_size

DEFAULT_MAX_EVALUATION_BYTES = 200 * 1024 * 1024
PARQUET_SUFFIXES = {".parquet", ".pq"}
ALLOWED_SUFFIXES = {".csv", ".txt", *PARQUET_SUFFIXES}


def max_evaluation_bytes() -> int:
    return int(getattr(settings, "ATLASIA_MAX_EVALUATION_BYTES", DEFAULT_MAX_EVALUATION_BYTES))


def upload_root() -> Path:
    default = Path(getattr(settings, "VAR_DIR", Path(settings.MEDIA_ROOT).parent)) / "evaluation-uploads"
    return Path(getattr(settings, "ATLASIA_EVALUATION_UPLOAD_DIR", default))


def is_parquet(name: str) -> bool:
    return PurePath(name).suffix.lower() in PARQUET_SUFFIXES


def check_predictions_file(name: str, size: int, handle: IO[bytes]) -> None:
    """Raise :class:`EvaluationInputError` (French message) for an empty, too large or unknown file."""
    limit = max_evaluation_bytes()
    if size == 0:
        raise EvaluationInputError(gettext("Le fichier « %(name)s » est vide.") % {"name": name})
    if size > limit:
        raise EvaluationInputError(
            gettext("Le fichier « %(name)s » pèse %(size)s, au-delà de la limite autorisée de %(limit)s.")
            % {"name": name, "size": human_size(size), "limit": human_size(limit)}
        )
    suffix = PurePath(name).suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        raise EvaluationInputError(
            gettext(
                "Le type du fichier « %(name)s » n'est pas accepté : déposez un "
                "fichier CSV (.csv) ou Parquet (.parquet)."
            )
            % {"name": name}
        )
    handle.seek(0)
    head = handle.read(4096)
    handle.seek(0)
    if suffix in PARQUET_SUFFIXES:
        if not head.startswith(b"PAR1"):
            raise EvaluationInputError(
                gettext(
                    "Le fichier « %(name)s » porte l'extension %(suffix)s mais n'est pas un fichier Parquet."
                )
                % {"name": name, "suffix": suffix}
            )
    elif b"\x00" in head:
        raise EvaluationInputError(
            gettext(
                "Le fichier « %(name)s » n'est pas un fichier texte CSV (il contient des octets binaires)."
            )
            % {"name": name}
        )


@dataclass(frozen=True)
class StoredFile:
    path: Path
    name: str
    size: int
    sha256: str


def new_run_dir() -> str:
    """A fresh, unguessable directory name under :func:`upload_root` (returned relative to it)."""
    name = secrets.token_hex(16)
    (upload_root() / name).mkdir(parents=True, mode=0o700)
    return name


def store(run_dir: str, role: str, name: str, chunks: IO[bytes]) -> StoredFile:
    """Copy an upload into the run's directory, hashing it on the way. ``role``: predictions/reference."""
    suffix = ".parquet" if is_parquet(name) else ".csv"
    target = upload_root() / run_dir / f"{role}{suffix}"
    digest = hashlib.sha256()
    size = 0
    chunks.seek(0)
    with target.open("wb") as out:
        for block in iter(lambda: chunks.read(1024 * 1024), b""):
            digest.update(block)
            size += len(block)
            out.write(block)
    target.chmod(0o600)
    return StoredFile(target, PurePath(name).name, size, digest.hexdigest())


def stored_path(run_dir: str, role: str) -> Path | None:
    for suffix in (".csv", ".parquet"):
        p = upload_root() / run_dir / f"{role}{suffix}"
        if p.exists():
            return p
    return None


def remove(run_dir: str) -> None:
    if run_dir and "/" not in run_dir and ".." not in run_dir:
        shutil.rmtree(upload_root() / run_dir, ignore_errors=True)


def read_header(path: Path, display_name: str) -> list[str]:
    """Column names of a CSV or Parquet file, read without loading the rows (for the mapping form)."""
    if path.suffix.lower() in PARQUET_SUFFIXES:
        import polars as pl

        try:
            return [str(c) for c in pl.read_parquet_schema(path)]
        except Exception as exc:  # polars raises many kinds on a damaged file: said to the user, chained
            raise EvaluationInputError(
                gettext("Le fichier « %(display_name)s » n'est pas un fichier Parquet lisible (%(error)s).")
                % {"display_name": display_name, "error": type(exc).__name__}
            ) from exc
    with path.open("rb") as handle:
        raw = handle.read(65536)
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    first = raw.split(b"\n", 1)[0].rstrip(b"\r")
    try:
        text = first.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = first.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise EvaluationInputError(
                gettext(
                    "Le fichier « %(display_name)s » n'est encodé ni en UTF-8 ni en "
                    "Windows-1252 : octet illisible à la ligne 1. Enregistrez-le en « CSV "
                    "UTF-8 » puis déposez-le à nouveau."
                )
                % {"display_name": display_name},
                rows=[1],
            ) from exc
    if not text.strip():
        raise EvaluationInputError(
            gettext("Le fichier « %(display_name)s » est vide.") % {"display_name": display_name}
        )
    counts = {sep: text.count(sep) for sep in (",", ";", "\t", "|")}
    sep = max(counts, key=lambda s: counts[s]) if max(counts.values()) else ","
    columns = [c.strip() for c in next(csv.reader([text], delimiter=sep))]
    if any(not c for c in columns):
        raise EvaluationInputError(
            gettext(
                "La première ligne du fichier « %(display_name)s » doit contenir le "
                "nom de chaque colonne : une colonne n'a pas de nom."
            )
            % {"display_name": display_name}
        )
    if len(set(columns)) != len(columns):
        dup = next(c for c in columns if columns.count(c) > 1)
        raise EvaluationInputError(
            gettext(
                "La colonne « %(dup)s » apparaît deux fois dans l'en-tête du fichier « %(display_name)s »."
            )
            % {"dup": dup, "display_name": display_name},
            column=dup,
        )
    return columns


def remove_orphans(known: set[str], *, older_than: datetime) -> int:
    """Remove the run directories no run refers to, last modified before ``older_than``."""
    root = upload_root()
    if not root.is_dir():
        return 0
    removed = 0
    for entry in root.iterdir():
        if not entry.is_dir() or entry.name in known:
            continue
        if datetime.fromtimestamp(entry.stat().st_mtime, tz=UTC) < older_than:
            remove(entry.name)
            removed += 1
    return removed
