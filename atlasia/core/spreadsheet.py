"""Reading and checking a spreadsheet of use cases, without Django.

- header normalisation and the automatic mapping of French or English headers to fields;
- decoding (UTF-8 or Windows-1252) and separator detection (``;`` or ``,``) of CSV files;
- reading XLSX files: cached values of formulas (a formula without a cached value is refused),
  merged cells (their value is repeated over the merged area, with a note), empty lines (skipped,
  with a note);
- parsing of dates (JJ/MM/AAAA, AAAA-MM-JJ, Excel serial numbers), booleans and amounts;
- validation of one row, returning the cleaned values and every error as a sentence naming the line and
  the column.

Every message is a :class:`atlasia.core.messages.Message` (a stable code of ``MESSAGES`` and parameters):
its French text is what ``str()`` gives and what the reports store, and the screens render the code again
in the reader's language.

The Django side (``atlasia.exchange.importers``) supplies the code lists (themes, techniques…) and
writes through the registry services.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from atlasia.core.messages import Message, date, n, nested, register, size, word

# --- messages --------------------------------------------------------------------------------------
# French templates, one whole sentence each with named placeholders; the English is in the catalogue
# (locale/en/LC_MESSAGES/django.po, msgid = the French template).

_KEEP_CSV_UTF8 = "Ouvrez-le dans votre tableur et enregistrez-le au format « CSV UTF-8 »."
MESSAGES: dict[str, str] = {
    # where: a line and a column, or a whole line
    "sheet.at_line_column": "Ligne %(line)s, colonne « %(column)s » : %(message)s",
    "sheet.at_line": "Ligne %(line)s : %(message)s",
    "sheet.column_number": "n° %(number)s",
    # one cell
    "sheet.date_invalid": "« %(value)s » n'est pas une date valide",
    "sheet.date_invalid_format": (
        "« %(value)s » n'est pas une date valide (formats acceptés : JJ/MM/AAAA, AAAA-MM-JJ ou date Excel)"
    ),
    "sheet.bool_invalid": "« %(value)s » n'est pas une réponse oui/non (attendu : oui, non, yes, no)",
    "sheet.amount_invalid": "« %(value)s » n'est pas un montant valide",
    "sheet.code_unknown": "« %(value)s » ne fait pas partie de la liste des valeurs possibles",
    "sheet.required_missing": "valeur obligatoire manquante",
    "sheet.too_long": "texte trop long (%(length)s caractères, %(max)s au plus)",
    "sheet.required_column_absent": "colonne obligatoire absente du fichier",
    "sheet.end_before_start": "la date de fin (%(end)s) est antérieure à la date de début (%(start)s)",
    "sheet.negative_cost": "le coût ne peut pas être négatif",
    "sheet.health_not_personal": (
        "des données de santé sont des données personnelles : répondez « oui » aux deux"
    ),
    "sheet.formula_uncomputed": (
        "la formule « %(formula)s » n'a pas de valeur calculée enregistrée : ouvrez le fichier dans un "
        "tableur et enregistrez-le, ou remplacez la formule par sa valeur"
    ),
    # notes and errors about lines of the file
    "sheet.header_found_one": (
        "ligne d'en-tête trouvée ligne %(header)s : la ligne %(above)s, au-dessus, est ignorée"
    ),
    "sheet.header_found_many": (
        "ligne d'en-tête trouvée ligne %(header)s : les lignes %(first)s à %(last)s, au-dessus, sont ignorées"
    ),
    "sheet.blank_line": "ligne vide ignorée",
    "sheet.blank_lines": "%(count)s lignes vides ignorées (%(shown)s…)",
    "sheet.merged_header": "l'en-tête contient des cellules fusionnées : une colonne par champ est attendue",
    "sheet.merged_cells": (
        "cellules fusionnées %(area)s : la valeur « %(value)s » est reprise dans chaque cellule de la zone"
    ),
    # the whole file
    "sheet.empty": "Le fichier est vide.",
    "sheet.no_filled_line": "Le fichier ne contient aucune ligne remplie.",
    "sheet.format_unsupported": "Format non pris en charge : déposez un fichier .xlsx ou .csv.",
    "sheet.utf16_false": (
        "Le fichier annonce un encodage UTF-16 mais n'en est pas : enregistrez-le en « CSV UTF-8 »."
    ),
    "sheet.csv_unreadable": (
        "Ligne %(line)s : le CSV ne peut pas être lu (guillemet non refermé ou caractère inattendu). "
        + _KEEP_CSV_UTF8
    ),
    "sheet.csv_cell_too_long": (
        "Ligne %(line)s : le CSV ne peut pas être lu (une cellule dépasse la longueur maximale d'une "
        "cellule de CSV). " + _KEEP_CSV_UTF8
    ),
    "sheet.null_byte": (
        "Ligne %(line)s, colonne « %(column)s » : le fichier contient un caractère nul (octet 0), qui n'a "
        "pas sa place dans un tableur : il est abîmé ou ce n'est pas un vrai CSV. Ouvrez-le dans votre "
        "tableur et enregistrez-le au format « CSV UTF-8 » ou XLSX."
    ),
    "sheet.too_many_columns": (
        "Ligne %(line)s : %(count)s colonnes remplies, %(max)s au plus sont lues. Supprimez les colonnes "
        "inutiles (un champ par colonne)."
    ),
    "sheet.too_many_cells": (
        "Ligne %(line)s : le fichier dépasse %(max)s cellules, la limite d'un import. Découpez-le en "
        "plusieurs fichiers."
    ),
    "sheet.too_many_rows": (
        "Le fichier compte plus de %(max)s lignes de données, la limite d'un import (la ligne %(line)s la "
        "dépasse) : découpez-le en plusieurs fichiers."
    ),
    "sheet.header_line_absent": (
        "La ligne %(line)s, choisie comme ligne d'en-tête, est vide ou absente du fichier."
    ),
    "sheet.xlsx_unreadable": "Le fichier n'est pas un classeur XLSX lisible.",
    "sheet.zip_ratio": (
        "Le classeur est refusé par sécurité : sa partie « %(part)s » se décompresse %(ratio)s fois "
        "(%(packed)s → %(unpacked)s), au-delà de %(max)s fois. Enregistrez-le de nouveau depuis votre "
        "tableur, sans mise en forme superflue, ou déposez-le en CSV."
    ),
    "sheet.zip_total": (
        "Le classeur se décompresse en %(size)s, au-delà de %(max)s : déposez-le en CSV ou découpez-le en "
        "plusieurs fichiers."
    ),
}
message = register(MESSAGES)


# --- columns ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    field: str
    label_fr: str
    label_en: str
    kind: str = "text"  # text, date, bool, decimal, code, tags
    required: bool = False
    max_length: int | None = None
    aliases: tuple[str, ...] = ()
    help_fr: str = ""


COLUMNS: tuple[Column, ...] = (
    Column(
        "external_ref",
        "Référence externe",
        "External reference",
        max_length=100,
        aliases=(
            "reference",
            "ref",
            "identifiant",
            "id",
            "id externe",
            "external id",
            "numero",
            "n",
            "reference interne",
            "identifiant du projet",
            "code projet",
            "project id",
        ),
        help_fr="Votre identifiant de la ligne ; sert à mettre à jour au lieu de dupliquer.",
    ),
    Column(
        "title",
        "Titre",
        "Title",
        required=True,
        max_length=200,
        aliases=(
            "intitule",
            "nom",
            "name",
            "titre du projet",
            "nom du projet",
            "intitule du projet",
            "projet",
            "project",
            "project name",
            "project title",
            "cas d usage",
            "nom du cas d usage",
            "intitule du cas d usage",
            "use case",
        ),
    ),
    Column(
        "summary",
        "Résumé",
        "Summary",
        required=True,
        aliases=(
            "description",
            "resume du projet",
            "description du projet",
            "descriptif",
            "presentation",
            "objet",
            "objectif",
            "objectifs",
            "project description",
            "abstract",
        ),
    ),
    Column(
        "problem",
        "Problème traité",
        "Problem",
        aliases=("probleme", "problem addressed", "problematique", "besoin", "enjeu", "contexte", "need"),
    ),
    Column(
        "expected_benefits",
        "Bénéfices attendus",
        "Expected benefits",
        aliases=(
            "benefices",
            "gains attendus",
            "resultats attendus",
            "impact attendu",
            "apports",
            "benefits",
        ),
    ),
    Column(
        "theme",
        "Thème",
        "Theme",
        kind="code",
        required=True,
        aliases=(
            "domaine",
            "theme code",
            "thematique",
            "domaine d application",
            "categorie",
            "category",
            "topic",
        ),
    ),
    Column(
        "ai_technique",
        "Technique d'IA",
        "AI technique",
        kind="code",
        required=True,
        aliases=(
            "technique",
            "technique ia",
            "type d ia",
            "ai type",
            "type d intelligence artificielle",
            "technique d intelligence artificielle",
            "technologie",
            "technologie d ia",
            "technology",
            "famille d ia",
        ),
    ),
    Column(
        "status",
        "Étape",
        "Status",
        kind="code",
        aliases=("statut", "etat", "stage", "phase", "avancement", "etat d avancement", "statut du projet"),
    ),
    Column(
        "publication_level",
        "Niveau de publication",
        "Publication level",
        kind="code",
        aliases=("publication", "visibilite", "visibility", "diffusion", "niveau de diffusion"),
    ),
    Column(
        "provider_type",
        "Réalisation",
        "Provider type",
        kind="code",
        aliases=("type de realisation", "mode de realisation", "mode de developpement", "sourcing"),
    ),
    Column(
        "provider_name",
        "Prestataire ou éditeur",
        "Provider name",
        max_length=200,
        aliases=("prestataire", "editeur", "vendor", "provider", "fournisseur", "supplier", "titulaire"),
    ),
    Column(
        "hosting",
        "Hébergement",
        "Hosting",
        kind="code",
        aliases=("hebergeur", "hebergement des donnees", "lieu d hebergement"),
    ),
    Column(
        "personal_data",
        "Données personnelles",
        "Personal data",
        kind="bool",
        aliases=("donnees a caractere personnel", "dcp", "traitement de donnees personnelles"),
    ),
    Column(
        "health_data",
        "Données de santé",
        "Health data",
        kind="bool",
        aliases=("donnees de sante a caractere personnel", "donnees de sante personnelles"),
    ),
    Column(
        "start_date",
        "Date de début",
        "Start date",
        kind="date",
        aliases=(
            "debut",
            "start",
            "date debut",
            "date de demarrage",
            "demarrage",
            "date de lancement",
            "lancement",
        ),
    ),
    Column(
        "end_date",
        "Date de fin",
        "End date",
        kind="date",
        aliases=("fin", "end", "date fin", "date de fin prevue", "fin prevue", "echeance"),
    ),
    Column(
        "cost_eur",
        "Coût (€)",
        "Cost (EUR)",
        kind="decimal",
        aliases=(
            "cout",
            "cout eur",
            "cost",
            "budget",
            "budget eur",
            "montant",
            "cout total",
            "cout estime",
            "total cost",
        ),
    ),
    Column(
        "target_population",
        "Population concernée",
        "Target population",
        aliases=(
            "population",
            "public cible",
            "population cible",
            "beneficiaires",
            "usagers concernes",
            "cible",
        ),
    ),
    Column(
        "tags",
        "Mots-clés",
        "Keywords",
        kind="tags",
        aliases=("tags", "mots cles", "mots clefs", "etiquettes", "keywords", "labels"),
    ),
)
COLUMNS_BY_FIELD: dict[str, Column] = {c.field: c for c in COLUMNS}
CODED_FIELDS = tuple(c.field for c in COLUMNS if c.kind == "code")


def normalise_header(text: Any) -> str:
    """Lower case, no accents, no punctuation, single spaces: « Coût (€) » → ``cout``."""
    value = unicodedata.normalize("NFKD", str(text or "")).encode("ascii", "ignore").decode()
    value = re.sub(r"[^a-z0-9]+", " ", value.lower())
    return value.strip()


def _header_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for column in COLUMNS:
        for name in (column.field, column.label_fr, column.label_en, *column.aliases):
            index.setdefault(normalise_header(name), column.field)
    return index


HEADER_INDEX = _header_index()


_HINT_WORDS = {"obligatoire", "facultatif", "optionnel", "required", "optional", "oui non", "yes no"}


def header_field(header: Any) -> str | None:
    """The field a header names: its exact normalised form, else the same without what is between
    brackets (« Date de début (JJ/MM/AAAA) ») and without a hint word (« Titre — obligatoire »)."""
    if not isinstance(header, str):
        return None
    key = normalise_header(header)
    if key in HEADER_INDEX:
        return HEADER_INDEX[key]
    key = normalise_header(re.sub(r"\(.*?\)|\[.*?\]", " ", header))
    for hint in _HINT_WORDS:
        key = re.sub(rf"(^| ){hint}( |$)", " ", key).strip()
    return HEADER_INDEX.get(key)


def auto_mapping(headers: Sequence[Any]) -> dict[int, str]:
    """Column index → field, for every header recognised (first occurrence wins)."""
    mapping: dict[int, str] = {}
    used: set[str] = set()
    for index, header in enumerate(headers):
        target = header_field(header)
        if target and target not in used:
            mapping[index] = target
            used.add(target)
    return mapping


# --- values ----------------------------------------------------------------------------------------

EXCEL_EPOCH = dt.date(1899, 12, 30)


class CellError(ValueError):
    """A value that cannot be read; the message is about the value only (``str()``: its French)."""

    def __init__(self, code: str, **params: Any) -> None:
        self.message = message(code, **params)
        super().__init__(str(self.message))


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def parse_date(value: Any) -> dt.date | None:
    """JJ/MM/AAAA, AAAA-MM-JJ, an Excel serial number or a date object; ``None`` when blank."""
    if _is_blank(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1 <= value < 2958466:
            return EXCEL_EPOCH + dt.timedelta(days=int(value))
        raise CellError("sheet.date_invalid", value=str(value))
    text = str(value).strip()
    match = re.fullmatch(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})", text)
    if match:
        day, month, year = (int(g) for g in match.groups())
    else:
        match = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][\d:.]+)?", text)
        if match:
            year, month, day = (int(g) for g in match.groups())
        elif re.fullmatch(r"\d{4,5}", text):
            return EXCEL_EPOCH + dt.timedelta(days=int(text))
        else:
            raise CellError("sheet.date_invalid_format", value=text)
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise CellError("sheet.date_invalid", value=text) from None


TRUE_WORDS = {"oui", "o", "yes", "y", "vrai", "true", "1", "x"}
FALSE_WORDS = {"non", "n", "no", "faux", "false", "0"}


def parse_bool(value: Any) -> bool | None:
    if _is_blank(value):
        return None
    if isinstance(value, bool):
        return value
    word = normalise_header(value)
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise CellError("sheet.bool_invalid", value=str(value))


def parse_decimal(value: Any) -> Decimal | None:
    if _is_blank(value):
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return Decimal(str(value))
    text = re.sub(r"[\s\u00a0\u202f€]|EUR", "", str(value), flags=re.IGNORECASE)
    if "," in text and "." in text:
        text = (
            text.replace(".", "").replace(",", ".")
            if text.rfind(",") > text.rfind(".")
            else text.replace(",", "")
        )
    else:
        text = text.replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise CellError("sheet.amount_invalid", value=str(value)) from None
    if not number.is_finite():
        raise CellError("sheet.amount_invalid", value=str(value))
    return number


def code_index(items: Iterable[tuple[str, str, str]]) -> dict[str, str]:
    """An index of a code list from ``(code, label_fr, label_en)``: code or either label → code."""
    index: dict[str, str] = {}
    for code, label_fr, label_en in items:
        for name in (code, label_fr, label_en):
            if name:
                index.setdefault(normalise_header(name), code)
    return index


def parse_code(value: Any, index: Mapping[str, str]) -> str | None:
    if _is_blank(value):
        return None
    code = index.get(normalise_header(value))
    if code is None:
        raise CellError("sheet.code_unknown", value=str(value))
    return code


def parse_tags(value: Any) -> list[str]:
    if _is_blank(value):
        return []
    return [t.strip() for t in re.split(r"[;,|]", str(value)) if t.strip()]


# --- rows ------------------------------------------------------------------------------------------


@dataclass
class Issue:
    """An error or a note about a line (and a column) of the file.

    ``column``: the header as the file writes it, or a message parameter (``word(label_fr)`` for a column
    absent from the file, ``nested(column_number)`` for a column without header), "" for the whole line.
    ``message``: a :class:`Message`; plain text (an issue stored before codes existed, a message from
    outside the core) is kept as it is in every language."""

    line: int
    column: Any
    value: str
    message: Message | str
    level: str = "error"  # "error" or "note"

    def __post_init__(self) -> None:
        if isinstance(self.message, str):
            self.message = Message.verbatim(self.message)

    @property
    def text(self) -> Message:
        assert isinstance(self.message, Message)
        return self.message

    def located(self) -> Message:
        """The whole sentence: « Ligne 12, colonne « Titre » : … »."""
        if self.column:
            return message(
                "sheet.at_line_column", line=self.line, column=self.column, message=nested(self.text)
            )
        return message("sheet.at_line", line=self.line, message=nested(self.text))

    def sentence(self) -> str:
        return str(self.located())


@dataclass
class SheetRow:
    line: int  # 1-based line number in the file, header included
    values: list[Any]
    notes: list[Issue] = field(default_factory=list)


@dataclass
class Sheet:
    headers: list[str]
    rows: list[SheetRow]
    issues: list[Issue] = field(default_factory=list)  # file-level errors and notes
    header_line: int = 1  # line number of the header row in the file


def validate_row(
    row: SheetRow,
    mapping: Mapping[int, str],
    headers: Sequence[str],
    codes: Mapping[str, Mapping[str, str]],
) -> tuple[dict[str, Any], list[Issue]]:
    """Read the mapped cells of ``row``: the cleaned values by field, and every error found."""
    data: dict[str, Any] = {}
    issues: list[Issue] = []
    seen: set[str] = set()
    for index, field_name in mapping.items():
        column = COLUMNS_BY_FIELD.get(field_name)
        if column is None:
            continue
        seen.add(field_name)
        raw = row.values[index] if index < len(row.values) else None
        label = str(headers[index]) if index < len(headers) else column.label_fr
        try:
            value = _parse(column, raw, codes)
        except CellError as exc:
            issues.append(Issue(row.line, label, _show(raw), exc.message))
            continue
        if column.required and (value is None or value == ""):
            issues.append(Issue(row.line, label, "", message("sheet.required_missing")))
            continue
        if column.max_length and isinstance(value, str) and len(value) > column.max_length:
            issues.append(
                Issue(
                    row.line,
                    label,
                    _show(raw),
                    message("sheet.too_long", length=n(len(value)), max=n(column.max_length)),
                )
            )
            continue
        if value is not None:
            data[field_name] = value
    for column in COLUMNS:
        if column.required and column.field not in seen:
            issues.append(Issue(row.line, word(column.label_fr), "", message("sheet.required_column_absent")))
    start, end = data.get("start_date"), data.get("end_date")
    if start and end and end < start:
        label = _label_of("end_date", mapping, headers)
        issues.append(
            Issue(
                row.line,
                label,
                end.strftime("%d/%m/%Y"),
                message("sheet.end_before_start", end=date(end), start=date(start)),
            )
        )
    if data.get("cost_eur") is not None and data["cost_eur"] < 0:
        issues.append(
            Issue(
                row.line,
                _label_of("cost_eur", mapping, headers),
                str(data["cost_eur"]),
                message("sheet.negative_cost"),
            )
        )
        del data["cost_eur"]
    if data.get("health_data") and data.get("personal_data") is False:
        issues.append(
            Issue(
                row.line,
                _label_of("health_data", mapping, headers),
                "oui",
                message("sheet.health_not_personal"),
            )
        )
    return data, issues


def _label_of(field_name: str, mapping: Mapping[int, str], headers: Sequence[str]) -> Any:
    """The column of ``field_name`` as an issue names it: its header, else its label (translated)."""
    for index, target in mapping.items():
        if target == field_name and index < len(headers):
            return str(headers[index])
    return word(COLUMNS_BY_FIELD[field_name].label_fr)


def _column_name(headers: Sequence[str], index: int) -> Any:
    """The header of column ``index`` (0-based), else « n° 3 »."""
    if index < len(headers) and headers[index]:
        return headers[index]
    return nested(message("sheet.column_number", number=index + 1))


def _show(raw: Any) -> str:
    if isinstance(raw, dt.datetime | dt.date):
        return raw.strftime("%d/%m/%Y")
    return "" if raw is None else str(raw)


def _shown(raw: Any) -> Any:
    """A value as a message parameter: a date in the reader's format, anything else as it is."""
    if isinstance(raw, dt.datetime):
        raw = raw.date()
    if isinstance(raw, dt.date):
        return date(raw)
    return _show(raw)


def _parse(column: Column, raw: Any, codes: Mapping[str, Mapping[str, str]]) -> Any:
    if column.kind == "date":
        return parse_date(raw)
    if column.kind == "bool":
        return parse_bool(raw)
    if column.kind == "decimal":
        return parse_decimal(raw)
    if column.kind == "code":
        return parse_code(raw, codes.get(column.field, {}))
    if column.kind == "tags":
        return parse_tags(raw)
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    return str(raw).strip()


# --- files -----------------------------------------------------------------------------------------
#
# A file is read in the background job, never in the upload request, and within fixed bounds: a row cap,
# a column cap, a cell cap and, for XLSX (a ZIP archive), a cap on the decompressed size and on the
# compression ratio, checked from the archive's directory before anything is decompressed (a 3.5 MB
# XLSX used to expand to 1.5 GB of memory). XLSX sheets are streamed (openpyxl's read-only mode).

MAX_ROWS = 20_000  # data rows of one import
MAX_COLUMNS = 100
MAX_CELLS = 1_000_000  # filled cells of one file
HEADER_SCAN_LINES = 20  # the header row is looked for among the first filled lines
XLSX_MAX_UNCOMPRESSED = 150 * 1024 * 1024  # bytes, every part of the archive together
XLSX_MAX_RATIO = 100  # decompressed size / compressed size of one part (real sheets: 10 to 30)
XLSX_RATIO_FLOOR = 1024 * 1024  # parts smaller than this are not checked for their ratio


class FileError(ValueError):
    """The file cannot be read at all (a message saying what and where; ``str()``: its French)."""

    def __init__(self, code: str, **params: Any) -> None:
        self.message = message(code, **params)
        super().__init__(str(self.message))


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 (with a BOM, or without one: the NUL bytes of every other
    position give it away), else Windows-1252."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise FileError("sheet.utf16_false") from None
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    sample = data[:4096]
    if len(sample) >= 4 and sample.count(0) * 3 > len(sample):
        odd = sample[1::2].count(0)
        even = sample[0::2].count(0)
        try:
            return data.decode("utf-16-le" if odd > even else "utf-16-be")
        except UnicodeDecodeError:
            pass  # not UTF-16 after all: the NUL bytes are reported below with their place
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


SEPARATORS = (";", "\t", ",")


def detect_separator(text: str) -> str:
    """The separator whose count is the same on most of the first lines (``;`` first on a tie): a title
    line above the headers, or commas inside a sentence, do not mislead it."""
    lines = [line for line in text[:65536].splitlines() if line.strip()][:HEADER_SCAN_LINES]
    best, best_score = ",", (0, 0)
    for separator in SEPARATORS:
        counts = [line.count(separator) for line in lines if line.count(separator)]
        if not counts:
            continue
        common = max(set(counts), key=lambda c: (counts.count(c), c))
        score = (counts.count(common), common)
        if score > best_score:
            best, best_score = separator, score
    return best


def _blank_row(values: Sequence[Any]) -> bool:
    return all(_is_blank(v) for v in values)


def _trimmed(values: Sequence[Any]) -> list[Any]:
    out = list(values)
    while out and _is_blank(out[-1]):
        out.pop()
    return out


class _Collector:
    """The lines of a file as they are read, checked against the caps as they come."""

    def __init__(self) -> None:
        self.lines: list[tuple[int, list[Any]]] = []  # filled lines only
        self.blank: list[int] = []
        self.cells = 0
        self.full = False  # enough lines read to know that the row cap is exceeded

    def add(self, line_no: int, values: Sequence[Any]) -> None:
        row = _trimmed(values)
        if not row:
            self.blank.append(line_no)
            return
        if len(row) > MAX_COLUMNS:
            raise FileError("sheet.too_many_columns", line=line_no, count=n(len(row)), max=n(MAX_COLUMNS))
        self.cells += len(row)
        if self.cells > MAX_CELLS:
            raise FileError("sheet.too_many_cells", line=line_no, max=n(MAX_CELLS))
        self.lines.append((line_no, row))
        self.full = len(self.lines) > MAX_ROWS + HEADER_SCAN_LINES


def read_csv(data: bytes, *, header_line: int | None = None) -> Sheet:
    text = decode_text(data)
    if not text.strip():
        raise FileError("sheet.empty")
    separator = detect_separator(text)
    # newline="": CRLF, LF and a bare CR (old Mac files) all end a line; a line break inside quotes stays.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    collector = _Collector()
    record = 0
    try:
        for record, values in enumerate(reader, start=1):
            collector.add(record, values)
            if collector.full:
                break
    except csv.Error as exc:
        code = "sheet.csv_cell_too_long" if "field limit" in str(exc) else "sheet.csv_unreadable"
        raise FileError(code, line=record + 1) from None
    return _build_sheet(collector, header_line=header_line, issues=[])


def header_score(values: Sequence[Any]) -> int:
    """How many distinct fields the cells of a line name (a header line names several)."""
    return len({f for f in (header_field(v) for v in values) if f})


def find_header_index(lines: Sequence[Sequence[Any]]) -> int:
    """The index of the header among the first filled lines: the one naming the most fields (at least
    two), else the first line (the user then maps the columns by hand or chooses the line)."""
    best, best_score = 0, 1
    for index, values in enumerate(lines[:HEADER_SCAN_LINES]):
        score = header_score(values)
        if score > best_score:
            best, best_score = index, score
    return best


def _header_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _build_sheet(collector: _Collector, *, header_line: int | None, issues: list[Issue]) -> Sheet:
    lines = collector.lines
    if not lines:
        raise FileError("sheet.no_filled_line")
    if header_line is None:
        index = find_header_index([values for _, values in lines])
    else:
        found = [i for i, (line_no, _) in enumerate(lines) if line_no == header_line]
        if not found:
            raise FileError("sheet.header_line_absent", line=header_line)
        index = found[0]
    header_no, header = lines[index]
    headers = [_header_text(h) for h in header]
    data = lines[index + 1 :]
    if len(data) > MAX_ROWS:
        raise FileError("sheet.too_many_rows", max=n(MAX_ROWS), line=data[MAX_ROWS][0])
    for line_no, values in lines[index:]:
        for column, value in enumerate(values):
            if isinstance(value, str) and "\x00" in value:
                raise FileError("sheet.null_byte", line=line_no, column=_column_name(headers, column))
    if index > 0:
        above = [line_no for line_no, _ in lines[:index]]
        note = (
            message("sheet.header_found_one", header=header_no, above=above[0])
            if len(above) == 1
            else message("sheet.header_found_many", header=header_no, first=above[0], last=above[-1])
        )
        issues.insert(0, Issue(header_no, "", "", note, level="note"))
    last = data[-1][0] if data else header_no
    inner_blank = [line for line in collector.blank if header_no < line < last]
    if len(inner_blank) > 20:
        shown = ", ".join(str(line) for line in inner_blank[:10])
        issues.append(
            Issue(
                inner_blank[0],
                "",
                "",
                message("sheet.blank_lines", count=n(len(inner_blank)), shown=shown),
                level="note",
            )
        )
    else:
        blank = message("sheet.blank_line")
        issues.extend(Issue(line, "", "", blank, level="note") for line in inner_blank)
    issues.sort(key=lambda i: i.line)
    rows = [SheetRow(line_no, values) for line_no, values in data]
    return Sheet(headers, rows, issues, header_line=header_no)


_MERGE_RE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]{1,3}[0-9]{1,7}(?::[A-Z]{1,3}[0-9]{1,7})?)"')
_FORMULA_RE = re.compile(rb"<(?:\w+:)?f[\s>/]")


def _check_archive(data: bytes) -> zipfile.ZipFile:
    """Open the XLSX archive and refuse it, before decompressing anything, when it would expand beyond
    the caps (a decompression bomb)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise FileError("sheet.xlsx_unreadable") from None
    total = 0
    for info in infos:
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > XLSX_RATIO_FLOOR and ratio > XLSX_MAX_RATIO:
            raise FileError(
                "sheet.zip_ratio",
                part=info.filename,
                ratio=n(int(ratio)),
                packed=size(info.compress_size),
                unpacked=size(info.file_size),
                max=n(XLSX_MAX_RATIO),
            )
    if total > XLSX_MAX_UNCOMPRESSED:
        raise FileError("sheet.zip_total", size=size(total), max=size(XLSX_MAX_UNCOMPRESSED))
    return archive


def _scan_sheet_xml(archive: zipfile.ZipFile, path: str) -> tuple[bool, list[str]]:
    """Whether the sheet holds formulas, and its merged areas, in one streaming pass over its XML."""
    has_formula = False
    merged: list[str] = []
    tail = b""
    try:
        with archive.open(path.lstrip("/")) as source:
            while chunk := source.read(1 << 20):
                buffer = tail + chunk
                if not has_formula and _FORMULA_RE.search(buffer):
                    has_formula = True
                merged.extend(m.group(1).decode() for m in _MERGE_RE.finditer(buffer) if m.end() > len(tail))
                tail = buffer[-256:]
    except (KeyError, zipfile.BadZipFile, OSError):
        raise FileError("sheet.xlsx_unreadable") from None
    return has_formula, merged


def read_xlsx(data: bytes, *, header_line: int | None = None) -> Sheet:
    """The first sheet (or the one named « Cas d'usage ») of an XLSX file, streamed."""
    import openpyxl  # a plain library, not Django
    from openpyxl.utils.cell import range_boundaries

    archive = _check_archive(data)
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of errors on a damaged archive
        raise FileError("sheet.xlsx_unreadable") from None
    try:
        name = "Cas d'usage" if "Cas d'usage" in book.sheetnames else book.sheetnames[0]
        ws = book[name]
        has_formula, merged = _scan_sheet_xml(archive, ws._worksheet_path)
        ws.reset_dimensions()  # a lying <dimension> must not make openpyxl pad millions of cells
        collector = _Collector()
        for line_no, values in enumerate(ws.iter_rows(values_only=True), start=1):
            collector.add(line_no, values)
            if collector.full:
                break
    except FileError:
        raise
    except Exception:
        raise FileError("sheet.xlsx_unreadable") from None
    finally:
        book.close()
    last_line = collector.lines[-1][0] if collector.lines else 0
    grid = dict(collector.lines)
    issues: list[Issue] = []
    # Merged cells: the top-left value is repeated over the area (clipped to what was read).
    areas = []
    for ref in merged:
        min_col, min_row, max_col, max_row = range_boundaries(ref)
        max_row, max_col = min(max_row, last_line), min(max_col, MAX_COLUMNS)
        if min_row > last_line or min_col > MAX_COLUMNS:
            continue
        areas.append((ref, min_col, min_row, max_col, max_row))
        top_row = grid.get(min_row, [])
        top = top_row[min_col - 1] if min_col - 1 < len(top_row) else None
        for r in range(min_row, max_row + 1):
            if r not in grid:
                continue
            row = grid[r]
            if len(row) < max_col:
                row.extend([None] * (max_col - len(row)))
            for c in range(min_col - 1, max_col):
                row[c] = top
    # Formulas: the cached value is used; a formula never computed (no cached value) is refused.
    refused: dict[tuple[int, int], str] = {}
    if has_formula:
        formula_book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        try:
            wf = formula_book[name]
            wf.reset_dimensions()
            for line_no, values in enumerate(wf.iter_rows(values_only=True), start=1):
                if line_no > last_line:
                    break
                cached = grid.get(line_no)
                for c, value in enumerate(values):
                    if (
                        isinstance(value, str)
                        and value.startswith("=")
                        and (cached is None or c >= len(cached) or cached[c] is None)
                    ):
                        refused[(line_no, c)] = value
        finally:
            formula_book.close()
        for line_no, _column in refused:
            if line_no not in grid:  # a line holding only uncomputed formulas is still a line of the file
                grid[line_no] = []
                collector.lines.append((line_no, grid[line_no]))
                collector.blank = [n for n in collector.blank if n != line_no]
        collector.lines.sort(key=lambda item: item[0])
    sheet = _build_sheet(collector, header_line=header_line, issues=issues)
    for ref, min_col, min_row, max_col, max_row in areas:
        if min_row <= sheet.header_line <= max_row:
            if max_col > min_col and min_row == sheet.header_line:
                sheet.issues.append(
                    Issue(
                        sheet.header_line,
                        "",
                        "",
                        message("sheet.merged_header"),
                    )
                )
            continue
        if max_row < sheet.header_line:
            continue
        top = grid.get(min_row, [None] * max_col)[min_col - 1] if min_row in grid else None
        for r in range(min_row, max_row + 1):
            sheet.issues.append(
                Issue(
                    r,
                    "",
                    "",
                    message("sheet.merged_cells", area=ref, value=_shown(top)),
                    level="note",
                )
            )
    by_line = {sheet_row.line: sheet_row for sheet_row in sheet.rows}
    for (line_no, c), formula in refused.items():
        target = by_line.get(line_no)
        if target is None:
            continue
        target.notes.append(
            Issue(
                line_no,
                _column_name(sheet.headers, c),
                formula,
                message("sheet.formula_uncomputed", formula=formula),
            )
        )
    sheet.issues.sort(key=lambda i: i.line)
    return sheet


def read_file(filename: str, data: bytes, *, header_line: int | None = None) -> Sheet:
    name = filename.lower()
    if name.endswith(".xlsx") or data[:2] == b"PK":
        return read_xlsx(data, header_line=header_line)
    if name.endswith((".csv", ".txt", ".tsv")):
        return read_csv(data, header_line=header_line)
    raise FileError("sheet.format_unsupported")


# --- a read sheet kept between the analysis and the import ----------------------------------------------


def _encode(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$d": value.isoformat()}
    if isinstance(value, dt.time):
        return {"$t": value.isoformat()}
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        if "$dt" in value:
            return dt.datetime.fromisoformat(value["$dt"])
        if "$d" in value:
            return dt.date.fromisoformat(value["$d"])
        if "$t" in value:
            return dt.time.fromisoformat(value["$t"])
    return value


def _issue_data(issue: Issue) -> list[Any]:
    return [issue.line, issue.column, issue.value, str(issue.text), issue.level, issue.text.data()]


def _issue(data: Sequence[Any]) -> Issue:
    """An issue read back; one stored before codes existed has five items (its French message only)."""
    line, column, value, text, level = data[:5]
    return Issue(line, column, value, Message.from_data(data[5]) if len(data) > 5 else text, level)


def sheet_to_data(sheet: Sheet) -> dict[str, Any]:
    """A JSON-serialisable copy of ``sheet`` (dates tagged), so the import does not read the file again."""
    return {
        "headers": sheet.headers,
        "header_line": sheet.header_line,
        "issues": [_issue_data(i) for i in sheet.issues],
        "rows": [
            [row.line, [_encode(v) for v in row.values], [_issue_data(n) for n in row.notes]]
            for row in sheet.rows
        ],
    }


def sheet_from_data(data: Mapping[str, Any]) -> Sheet:
    return Sheet(
        headers=list(data["headers"]),
        rows=[
            SheetRow(line, [_decode(v) for v in values], [_issue(note) for note in notes])
            for line, values, notes in data["rows"]
        ],
        issues=[_issue(i) for i in data["issues"]],
        header_line=data["header_line"],
    )
