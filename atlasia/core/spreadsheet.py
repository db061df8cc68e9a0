"""Reading and checking a spreadsheet of use cases, without Django.

- header normalisation and the automatic mapping of French or English headers to fields;
- decoding (UTF-8 or Windows-1252) and separator detection (``;`` or ``,``) of CSV files;
- reading XLSX files: cached values of formulas (a formula without a cached value is refused),
  merged cells (their value is repeated over the merged area, with a note), empty lines (skipped,
  with a note);
- parsing of dates (JJ/MM/AAAA, AAAA-MM-JJ, Excel serial numbers), booleans and amounts;
- validation of one row, returning the cleaned values and every error as a French sentence naming the
  line and the column.

The Django side (``atlasia.exchange.importers``) supplies the code lists (themes, techniques…) and
writes through the registry services.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

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
        aliases=("reference", "ref", "identifiant", "id externe", "external id"),
        help_fr="Votre identifiant de la ligne ; sert à mettre à jour au lieu de dupliquer.",
    ),
    Column("title", "Titre", "Title", required=True, max_length=200, aliases=("intitule", "nom", "name")),
    Column("summary", "Résumé", "Summary", required=True, aliases=("description", "resume du projet")),
    Column("problem", "Problème traité", "Problem", aliases=("probleme", "problem addressed")),
    Column("expected_benefits", "Bénéfices attendus", "Expected benefits", aliases=("benefices",)),
    Column("theme", "Thème", "Theme", kind="code", required=True, aliases=("domaine", "theme code")),
    Column(
        "ai_technique",
        "Technique d'IA",
        "AI technique",
        kind="code",
        required=True,
        aliases=("technique", "technique ia", "type d ia", "ai type"),
    ),
    Column("status", "Étape", "Status", kind="code", aliases=("statut", "etat", "stage")),
    Column(
        "publication_level",
        "Niveau de publication",
        "Publication level",
        kind="code",
        aliases=("publication", "visibilite", "visibility"),
    ),
    Column(
        "provider_type",
        "Réalisation",
        "Provider type",
        kind="code",
        aliases=("type de realisation", "mode de realisation"),
    ),
    Column(
        "provider_name",
        "Prestataire ou éditeur",
        "Provider name",
        max_length=200,
        aliases=("prestataire", "editeur", "vendor", "provider"),
    ),
    Column("hosting", "Hébergement", "Hosting", kind="code", aliases=("hebergeur",)),
    Column("personal_data", "Données personnelles", "Personal data", kind="bool"),
    Column("health_data", "Données de santé", "Health data", kind="bool"),
    Column("start_date", "Date de début", "Start date", kind="date", aliases=("debut", "start")),
    Column("end_date", "Date de fin", "End date", kind="date", aliases=("fin", "end")),
    Column(
        "cost_eur", "Coût (€)", "Cost (EUR)", kind="decimal", aliases=("cout", "cout eur", "cost", "budget")
    ),
    Column("target_population", "Population concernée", "Target population", aliases=("population",)),
    Column("tags", "Mots-clés", "Keywords", kind="tags", aliases=("tags", "mots cles")),
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


def auto_mapping(headers: Sequence[Any]) -> dict[int, str]:
    """Column index → field, for every header recognised (first occurrence wins)."""
    mapping: dict[int, str] = {}
    used: set[str] = set()
    for index, header in enumerate(headers):
        target = HEADER_INDEX.get(normalise_header(header))
        if target and target not in used:
            mapping[index] = target
            used.add(target)
    return mapping


# --- values ----------------------------------------------------------------------------------------

EXCEL_EPOCH = dt.date(1899, 12, 30)
DATE_FORMATS_FR = "JJ/MM/AAAA, AAAA-MM-JJ ou date Excel"


class CellError(ValueError):
    """A value that cannot be read; the message is a French sentence about the value only."""


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
        raise CellError(f"« {value} » n'est pas une date valide")
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
            raise CellError(f"« {text} » n'est pas une date valide (formats acceptés : {DATE_FORMATS_FR})")
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise CellError(f"« {text} » n'est pas une date valide") from None


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
    raise CellError(f"« {value} » n'est pas une réponse oui/non (attendu : oui, non, yes, no)")


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
        raise CellError(f"« {value} » n'est pas un montant valide") from None
    if not number.is_finite():
        raise CellError(f"« {value} » n'est pas un montant valide")
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
        raise CellError(f"« {value} » ne fait pas partie de la liste des valeurs possibles")
    return code


def parse_tags(value: Any) -> list[str]:
    if _is_blank(value):
        return []
    return [t.strip() for t in re.split(r"[;,|]", str(value)) if t.strip()]


# --- rows ------------------------------------------------------------------------------------------


@dataclass
class Issue:
    line: int
    column: str  # label of the column, "" for the whole line
    value: str
    message: str
    level: str = "error"  # "error" or "note"

    def sentence(self) -> str:
        where = f"Ligne {self.line}"
        if self.column:
            where += f", colonne « {self.column} »"
        return f"{where} : {self.message}"


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
            issues.append(Issue(row.line, label, _show(raw), str(exc)))
            continue
        if column.required and (value is None or value == ""):
            issues.append(Issue(row.line, label, "", "valeur obligatoire manquante"))
            continue
        if column.max_length and isinstance(value, str) and len(value) > column.max_length:
            issues.append(
                Issue(
                    row.line,
                    label,
                    _show(raw),
                    f"texte trop long ({len(value)} caractères, {column.max_length} au plus)",
                )
            )
            continue
        if value is not None:
            data[field_name] = value
    for column in COLUMNS:
        if column.required and column.field not in seen:
            issues.append(Issue(row.line, column.label_fr, "", "colonne obligatoire absente du fichier"))
    start, end = data.get("start_date"), data.get("end_date")
    if start and end and end < start:
        label = _label_of("end_date", mapping, headers)
        issues.append(
            Issue(
                row.line,
                label,
                end.strftime("%d/%m/%Y"),
                f"la date de fin ({end:%d/%m/%Y}) est antérieure à la date de début ({start:%d/%m/%Y})",
            )
        )
    if data.get("cost_eur") is not None and data["cost_eur"] < 0:
        issues.append(
            Issue(
                row.line,
                _label_of("cost_eur", mapping, headers),
                str(data["cost_eur"]),
                "le coût ne peut pas être négatif",
            )
        )
        del data["cost_eur"]
    if data.get("health_data") and data.get("personal_data") is False:
        issues.append(
            Issue(
                row.line,
                _label_of("health_data", mapping, headers),
                "oui",
                "des données de santé sont des données personnelles : répondez « oui » aux deux",
            )
        )
    return data, issues


def _label_of(field_name: str, mapping: Mapping[int, str], headers: Sequence[str]) -> str:
    for index, target in mapping.items():
        if target == field_name and index < len(headers):
            return str(headers[index])
    return COLUMNS_BY_FIELD[field_name].label_fr


def _show(raw: Any) -> str:
    if isinstance(raw, dt.datetime | dt.date):
        return raw.strftime("%d/%m/%Y")
    return "" if raw is None else str(raw)


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


class FileError(ValueError):
    """The file cannot be read at all (French message)."""


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def detect_separator(text: str) -> str:
    first = next((line for line in text.splitlines() if line.strip()), "")
    return ";" if first.count(";") >= first.count(",") and first.count(";") else ","


def _blank_row(values: Sequence[Any]) -> bool:
    return all(_is_blank(v) for v in values)


def read_csv(data: bytes) -> Sheet:
    text = decode_text(data)
    if not text.strip():
        raise FileError("Le fichier est vide.")
    separator = detect_separator(text)
    lines = list(csv.reader(io.StringIO(text), delimiter=separator))
    return _sheet_from_lines([(i + 1, line) for i, line in enumerate(lines)], [])


def _sheet_from_lines(lines: list[tuple[int, list[Any]]], issues: list[Issue]) -> Sheet:
    while lines and _blank_row(lines[0][1]):
        lines.pop(0)
    if not lines:
        raise FileError("Le fichier ne contient aucune ligne d'en-tête.")
    header_line, header = lines[0]
    headers = [str(h).strip() if h is not None else "" for h in header]
    rows = []
    for line_no, values in lines[1:]:
        if _blank_row(values):
            issues.append(Issue(line_no, "", "", "ligne vide ignorée", level="note"))
            continue
        rows.append(SheetRow(line_no, list(values)))
    # Trailing empty lines are noise, not worth a note each.
    last = rows[-1].line if rows else header_line
    issues[:] = [i for i in issues if not (i.message == "ligne vide ignorée" and i.line > last)]
    return Sheet(headers, rows, issues)


def read_xlsx(data: bytes) -> Sheet:
    """The first sheet (or the one named « Cas d'usage ») of an XLSX file."""
    import openpyxl  # a plain library, not Django

    try:
        values_book = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
        formula_book = openpyxl.load_workbook(io.BytesIO(data), data_only=False)
    except Exception:
        raise FileError("Le fichier n'est pas un classeur XLSX lisible.") from None
    name = "Cas d'usage" if "Cas d'usage" in values_book.sheetnames else values_book.sheetnames[0]
    ws, wf = values_book[name], formula_book[name]
    issues: list[Issue] = []
    grid = [list(r) for r in ws.iter_rows(values_only=True)]
    formulas = [list(r) for r in wf.iter_rows(values_only=True)]
    # Formulas: the cached value is used; a formula never computed (no cached value) is refused.
    refused: dict[tuple[int, int], str] = {}
    for r, row in enumerate(formulas):
        for c, value in enumerate(row):
            if isinstance(value, str) and value.startswith("=") and (c >= len(grid[r]) or grid[r][c] is None):
                refused[(r, c)] = value
    # Merged cells: the top-left value is repeated over the area.
    for area in ws.merged_cells.ranges:
        top = grid[area.min_row - 1][area.min_col - 1]
        for r in range(area.min_row - 1, area.max_row):
            for c in range(area.min_col - 1, area.max_col):
                grid[r][c] = top
        if area.min_row == 1:
            continue
        for r in range(area.min_row, area.max_row + 1):
            issues.append(
                Issue(
                    r,
                    "",
                    "",
                    f"cellules fusionnées {area.coord} : la valeur « {_show(top)} » est reprise "
                    "dans chaque cellule de la zone",
                    level="note",
                )
            )
    lines = [(r + 1, row) for r, row in enumerate(grid)]
    sheet = _sheet_from_lines(lines, issues)
    if any(area.min_row == 1 and area.max_col > area.min_col for area in ws.merged_cells.ranges):
        sheet.issues.append(
            Issue(
                1, "", "", "l'en-tête contient des cellules fusionnées : une colonne par champ est attendue"
            )
        )
    by_line = {sheet_row.line: sheet_row for sheet_row in sheet.rows}
    for (r, c), formula in refused.items():
        target = by_line.get(r + 1)
        if target is None:
            continue
        label = sheet.headers[c] if c < len(sheet.headers) else f"n° {c + 1}"
        target.notes.append(
            Issue(
                r + 1,
                label,
                formula,
                f"la formule « {formula} » n'a pas de valeur calculée enregistrée : ouvrez le fichier dans "
                "un tableur et enregistrez-le, ou remplacez la formule par sa valeur",
            )
        )
    return sheet


def read_file(filename: str, data: bytes) -> Sheet:
    name = filename.lower()
    if name.endswith(".xlsx") or data[:2] == b"PK":
        return read_xlsx(data)
    if name.endswith((".csv", ".txt")):
        return read_csv(data)
    raise FileError("Format non pris en charge : déposez un fichier .xlsx ou .csv.")
