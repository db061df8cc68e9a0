"""Spreadsheet import of use cases: the template, the dry run (what would be created or updated, line by
line and column by column, with every error) and the import itself through the registry services.

Matching rule (no duplicate on re-import), within the organisation chosen for the import:
1. a row whose « Référence externe » was already imported updates the record it created;
2. otherwise a row whose title equals (ignoring case and surrounding spaces) the title of a record of
   the organisation updates that record;
3. otherwise the row creates a record (and its external reference is remembered).
A blank cell never erases a value of an existing record; an update that changes nothing is reported
as « inchangé » and writes nothing.

Every message of the report is stored twice: its French text (``errors``, ``file_errors``, ``notes``…, what
reports stored before message codes hold) and, in the parallel list ``messages``, ``file_messages``,
``note_messages``…, its code and parameters (:mod:`atlasia.core.messages`), which the screens render in
the reader's language. The analysis runs in a background job, whatever language its request had: the
French is always written in French.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models.functions import Lower

from atlasia.accounts import perms
from atlasia.accounts.models import User
from atlasia.core import spreadsheet as sp
from atlasia.core.lifecycle import STATUS_LABELS_FR
from atlasia.core.lifecycle import Status as CoreStatus
from atlasia.core.messages import VERBATIM, Message, in_languages, n, quoted, register, render_value, word
from atlasia.core.roles import Action
from atlasia.registry import bulk
from atlasia.registry.enums import Status
from atlasia.registry.models import AITechnique, Organisation, Theme, UseCase

from .codes import code_labels_in_languages, code_lists, labels_for
from .models import ImportedRef, ImportJob, ImportMappingMemory

COMPARED_FIELDS = [c.field for c in sp.COLUMNS if c.field != "external_ref"]

_STATUS_REFUSAL = (
    "elle passe par les verrous du cycle de vie (AIPD, qualification, évaluation…) : faites avancer le "
    "cas d'usage depuis sa fiche, ou videz cette colonne"
)
MESSAGES: dict[str, str] = {
    "import.status_not_idea": (
        "un cas d'usage importé commence à l'étape « %(idea)s », pas « %(new)s » : " + _STATUS_REFUSAL
    ),
    "import.status_change": (
        "l'étape ne change pas par un import (« %(current)s » → « %(new)s ») : " + _STATUS_REFUSAL
    ),
    "import.same_ref": "même référence externe « %(ref)s » que la ligne %(line)s",
    "import.same_title": "même titre que la ligne %(line)s (doublon dans le fichier)",
    "import.required_unmapped": "Colonnes obligatoires non associées : %(columns)s.",
    "import.created_since": "un cas d'usage de même titre ou de même référence a été créé depuis l'analyse",
    "import.role_refused": "Votre rôle ne permet pas d'importer des cas d'usage pour %(organisation)s.",
    "import.interrupted": (
        "Import interrompu à la ligne %(line)s : %(written)s ligne(s) écrite(s) avant le lot de %(chunk)s "
        "lignes qui la contient, rien de ce lot."
    ),
    "import.already_imported": (
        "Ce même fichier (contenu identique) a déjà été importé pour %(organisation)s le %(date)s à "
        "%(time)s : l'importer de nouveau ne crée aucun doublon, l'analyse ci-dessous montre ce qui "
        "changerait encore."
    ),
    "import.internal_error": (
        "Le fichier n'a pas pu être analysé à cause d'une erreur interne ; l'équipe technique en est "
        "avertie. Réessayez, ou déposez-le dans l'autre format (XLSX ou CSV)."
    ),
}
message = register(MESSAGES)


def texts(messages: list[Message]) -> tuple[list[str], list[dict[str, Any]]]:
    """The French texts of ``messages`` and, in the same order, their codes and parameters."""
    return [str(m) for m in messages], [m.data() for m in messages]


FK_FIELDS: dict[str, Any] = {"theme": Theme, "ai_technique": AITechnique}


# --- template ----------------------------------------------------------------------------------------


def build_template() -> bytes:
    """The XLSX template: a « Cas d'usage » sheet with the French headers and drop-down lists for the
    coded columns, an « Instructions » sheet, and a hidden « Listes » sheet holding the lists."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = "Cas d'usage"
    ws.append([c.label_fr for c in sp.COLUMNS])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    lists = wb.create_sheet("Listes")
    list_col = 0
    for index, column in enumerate(sp.COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = max(14, len(column.label_fr) + 4)
        letter = get_column_letter(index)
        if column.kind == "code":
            list_col += 1
            list_letter = get_column_letter(list_col)
            values = labels_for(column.field)
            lists.cell(row=1, column=list_col, value=column.label_fr)
            for r, value in enumerate(values, start=2):
                lists.cell(row=r, column=list_col, value=value)
            validation = DataValidation(
                type="list",
                formula1=f"=Listes!${list_letter}$2:${list_letter}${len(values) + 1}",
                allow_blank=not column.required,
                showErrorMessage=True,
                errorTitle="Valeur non prévue",
                error=f"Choisissez une valeur de la liste « {column.label_fr} ».",
            )
            validation.add(f"{letter}2:{letter}5001")
            ws.add_data_validation(validation)
        elif column.kind == "bool":
            validation = DataValidation(type="list", formula1='"oui,non"', allow_blank=True)
            validation.add(f"{letter}2:{letter}5001")
            ws.add_data_validation(validation)
    lists.sheet_state = "hidden"
    info = wb.create_sheet("Instructions")
    info.column_dimensions["A"].width = 30
    info.column_dimensions["B"].width = 110
    rows = [
        ("Import de cas d'usage — Atlas IA", ""),
        ("", ""),
        ("Une ligne par cas d'usage.", "Les colonnes marquées « obligatoire » doivent être remplies."),
        ("Dates", "JJ/MM/AAAA (31/01/2025), AAAA-MM-JJ (2025-01-31) ou date Excel."),
        ("Oui / non", "oui, non (ou yes, no)."),
        (
            "Listes",
            "Choisissez dans la liste déroulante ; le code ou le libellé anglais sont aussi acceptés.",
        ),
        (
            "Mise à jour",
            "Une ligne dont la « Référence externe » a déjà été importée, ou dont le titre est celui "
            "d'un cas d'usage existant de l'organisation, met ce cas d'usage à jour au lieu d'en créer "
            "un nouveau. Une cellule vide n'efface jamais une valeur existante.",
        ),
        ("Formules", "La valeur calculée est reprise ; une formule jamais calculée est refusée."),
        ("", ""),
        ("Colonne", "Contenu attendu"),
    ]
    for column in sp.COLUMNS:
        kind = {
            "date": "date",
            "bool": "oui / non",
            "decimal": "montant en euros",
            "code": "valeur de la liste",
            "tags": "mots séparés par des points-virgules",
        }.get(column.kind, "texte")
        text = kind + (" — obligatoire" if column.required else "")
        if column.help_fr:
            text += f". {column.help_fr}"
        rows.append((column.label_fr, text))
    for row in rows:
        info.append(row)
    info["A1"].font = Font(bold=True, size=14)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


# --- dry run -----------------------------------------------------------------------------------------


def _display(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, list):
        return "; ".join(value)
    return str(value)


#: The « old » value of a field of a record the import creates (no old value to show).
_NEW = object()


def _comparable(field_name: str, value: Any) -> Any:
    if isinstance(value, Decimal):
        return value.quantize(Decimal("0.01"))
    if value is None and field_name == "tags":
        return []
    return value


def read_sheet(job: ImportJob) -> sp.Sheet:
    """The sheet as the analysis read it, else the file read again with the header line it found."""
    if job.sheet:
        return sp.sheet_from_data(job.sheet)
    return sp.read_file(job.filename, bytes(job.content), header_line=job.header_found or None)


def default_mapping(headers: list[str]) -> dict[str, str]:
    return {str(i): f for i, f in sp.auto_mapping(headers).items()}


def initial_mapping(organisation: Organisation, headers: list[str]) -> dict[str, str]:
    """What the organisation chose last time for each header it has seen (« ignorer » included), then
    the automatic recognition for the others."""
    memory = (
        ImportMappingMemory.objects.filter(organisation=organisation)
        .values_list("mapping", flat=True)
        .first()
        or {}
    )
    mapping: dict[str, str] = {}
    for index, header in enumerate(headers):
        key = sp.normalise_header(header)
        target = memory.get(key) if key else None
        if target and target in sp.COLUMNS_BY_FIELD and target not in mapping.values():
            mapping[str(index)] = target
    remembered = {sp.normalise_header(h) for h in headers if sp.normalise_header(h) in memory}
    for index, target in sp.auto_mapping(headers).items():
        if sp.normalise_header(headers[index]) in remembered or target in mapping.values():
            continue
        mapping[str(index)] = target
    return mapping


STATUS_LABELS = {s.value: str(s.label) for s in Status}
# French whatever the language active when the module is imported (the report's text is French).
STATUS_LABELS_FRENCH = {s.value: label for s, label in STATUS_LABELS_FR.items()}


def _status_word(status: str) -> Any:
    return word(STATUS_LABELS_FRENCH[status]) if status in STATUS_LABELS_FRENCH else status


def _status_issue(row: sp.SheetRow, label: Any, new: str, current: str | None) -> sp.Issue | None:
    """The status column never sets the status: a new record starts at « Idée » and an existing one
    keeps its status unless a transition (checked by the lifecycle gates) moves it."""
    if current is None:
        if new == Status.IDEA:
            return None
        refusal = message(
            "import.status_not_idea", idea=_status_word(CoreStatus.IDEA.value), new=_status_word(new)
        )
    else:
        if new == current:
            return None
        refusal = message("import.status_change", current=_status_word(current), new=_status_word(new))
    return sp.Issue(row.line, label, STATUS_LABELS_FRENCH.get(new, new), refusal)


def analyse(
    job: ImportJob,
    *,
    sheet: sp.Sheet | None = None,
    progress: Callable[[int], None] | None = None,
    cleaned: dict[int, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The dry run: a JSON-serialisable report of what the import would do. Writes nothing.

    ``cleaned``, when given, receives the cleaned values of each line (by line number) for the import."""
    sheet = sheet or read_sheet(job)
    mapping = {int(k): v for k, v in job.mapping.items() if v}
    codes = code_lists()
    shown = code_labels_in_languages()

    def display(name: str, value: Any) -> str:
        """The value as the French report shows it."""
        return shown[name].get(value, (str(value),))[0] if name in shown and value else _display(value)

    def shown_data(name: str, value: Any) -> Any:
        """The value for a reader of either language (:func:`atlasia.core.messages.render_value`): a
        code's label, yes/no and a date written per language; anything else as the French report has it."""
        if name in shown and value:
            french, english = shown[name].get(value, (str(value), str(value)))
            return in_languages(french, english)
        if isinstance(value, bool):
            return in_languages("oui" if value else "non", "yes" if value else "no")
        if isinstance(value, dt.date):
            return {"$date": value.isoformat()[:10]}
        return _display(value)

    def change(name: str, label: Any, old: Any, new: Any) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "field": name,
            "column": render_value(label),
            "old": "" if old is _NEW else display(name, old),
        }
        entry["new"] = display(name, new)
        # the same in the reader's language, kept only when it differs from the French text
        for key, data in (
            ("column_data", label),
            ("old_data", None if old is _NEW else shown_data(name, old)),
        ):
            if isinstance(data, dict):
                entry[key] = data
        new_data = shown_data(name, new)
        if isinstance(new_data, dict):
            entry["new_data"] = new_data
        return entry

    organisation = job.organisation
    existing = {
        row["pk"]: row
        for row in UseCase.objects.filter(organisation=organisation).values(
            "pk", *[f if f not in FK_FIELDS else f"{f}__code" for f in COMPARED_FIELDS]
        )
    }
    for row in existing.values():
        for name in FK_FIELDS:
            row[name] = row.pop(f"{name}__code")
    by_title: dict[str, int] = {}
    for pk, row in sorted(existing.items()):
        by_title.setdefault(row["title"].strip().lower(), pk)
    by_ref = dict(
        ImportedRef.objects.filter(organisation=organisation).values_list("external_ref", "use_case_id")
    )
    report_rows: list[dict[str, Any]] = []
    seen_refs: dict[str, int] = {}
    seen_titles: dict[str, int] = {}
    counts = {"create": 0, "update": 0, "unchanged": 0, "error": 0}
    for done, row in enumerate(sheet.rows, start=1):
        if progress and done % 500 == 0:
            progress(done)
        data, issues = sp.validate_row(row, mapping, sheet.headers, codes)
        issues = [*[n for n in row.notes if n.level == "error"], *issues]
        ref = data.get("external_ref", "")
        title_key = str(data.get("title", "")).strip().lower()
        if ref and ref in seen_refs:
            issues.append(
                sp.Issue(
                    row.line,
                    sp._label_of("external_ref", mapping, sheet.headers),
                    ref,
                    message("import.same_ref", ref=ref, line=seen_refs[ref]),
                )
            )
        elif title_key and not ref and title_key in seen_titles:
            issues.append(
                sp.Issue(
                    row.line,
                    sp._label_of("title", mapping, sheet.headers),
                    "",
                    message("import.same_title", line=seen_titles[title_key]),
                )
            )
        if ref:
            seen_refs.setdefault(ref, row.line)
        if title_key:
            seen_titles.setdefault(title_key, row.line)
        target = by_ref.get(ref) if ref else None
        if target is None and title_key:
            target = by_title.get(title_key)
        if "status" in data:
            current = existing[target]["status"] if target is not None else None
            refusal = _status_issue(
                row, sp._label_of("status", mapping, sheet.headers), data["status"], current
            )
            if refusal:
                issues.append(refusal)
            else:
                del data["status"]  # the same status: nothing to write
        if cleaned is not None:
            cleaned[row.line] = data
        entry: dict[str, Any] = {
            "line": row.line,
            "title": str(data.get("title", "")),
            "external_ref": ref,
            "target_id": target,
            "changes": [],
            "errors": [i.sentence() for i in issues],
            "messages": [i.located().data() for i in issues],
        }
        # the header of each field's column (always mapped: the data come from mapped columns)
        labels = {f: sp._label_of(f, mapping, sheet.headers) for f in data}
        if issues:
            entry["action"] = "error"
        elif target is not None:
            before = existing[target]
            for name, value in data.items():
                if name == "external_ref":
                    continue
                old = before.get(name)
                if _comparable(name, old) != _comparable(name, value):
                    entry["changes"].append(change(name, labels[name], old, value))
            entry["action"] = "update" if entry["changes"] else "unchanged"
        else:
            entry["action"] = "create"
            entry["changes"] = [change(n, labels[n], _NEW, v) for n, v in data.items() if n != "external_ref"]
        counts[entry["action"]] += 1
        report_rows.append(entry)
    file_messages = [i.located() for i in sheet.issues if i.level == "error"]
    missing = [c.label_fr for c in sp.COLUMNS if c.required and c.field not in set(mapping.values())]
    if missing:
        file_messages.append(message("import.required_unmapped", columns=quoted([word(m) for m in missing])))
    file_errors, file_data = texts(file_messages)
    notes, note_data = texts([i.located() for i in sheet.issues if i.level == "note"])
    unmapped = [h for i, h in enumerate(sheet.headers) if i not in mapping and h]
    return {
        "headers": sheet.headers,
        "rows": report_rows,
        "counts": counts,
        "file_errors": file_errors,
        "file_messages": file_data,
        "notes": notes,
        "note_messages": note_data,
        "unmapped": unmapped,
        "errors": file_errors + [e for r in report_rows for e in r["errors"]],
        "messages": file_data + [m for r in report_rows for m in r["messages"]],
        "valid": not file_errors and counts["error"] == 0,
    }


def file_error_report(refusal: Message) -> dict[str, Any]:
    """The report of a file that cannot be read at all."""
    errors, data = texts([refusal])
    return {
        "headers": [],
        "rows": [],
        "counts": {"create": 0, "update": 0, "unchanged": 0, "error": 0},
        "file_errors": errors,
        "file_messages": data,
        "notes": [],
        "note_messages": [],
        "unmapped": [],
        "errors": errors,
        "messages": data,
        "valid": False,
    }


# --- import ------------------------------------------------------------------------------------------


def _service_data(data: dict[str, Any], refs: dict[str, dict[str, Any]], *, update: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in data.items():
        if name == "external_ref":
            continue
        if name in FK_FIELDS:
            out[name] = refs[name][value]
        elif update and value in ("", None, []):
            continue  # a blank cell never erases an existing value
        else:
            out[name] = value
    return out


class _ChunkRefused(Exception):
    """A row refused at write time in an all-or-nothing import: the chunk's transaction rolls back."""

    def __init__(self, line: int) -> None:
        self.line = line


def run_import(job: ImportJob, *, progress: Callable[[int], None] | None = None) -> dict[str, Any]:
    """Write the rows of ``job`` through the registry's bulk service.

    Nothing is written unless the dry run is clean (or ``job.only_valid`` is set, and then only the
    valid lines are written). The dry run is redone here, under the job's lock, so it sees every record
    written before; it applies the same checks as the services, and the permission is checked before
    the first write, so a valid file is written whole. Rows are written in chunks of ``CHUNK`` per
    transaction (one statement for the records, one for their audit rows, one for their search
    documents) so that the progress is visible and a large import does not hold the database's write
    lock for its whole duration; should the service still refuse a row (a concurrent change), the
    import stops there and the result says which lines were written. The embeddings of every record
    written are computed by ONE background job, queued at the end.
    """
    sheet = read_sheet(job)
    cleaned: dict[int, dict[str, Any]] = {}
    report = analyse(job, sheet=sheet, cleaned=cleaned)
    empty = {"written": False, "created": 0, "updated": 0, "skipped": 0}
    if report["file_errors"] or (not report["valid"] and not job.only_valid):
        return {**empty, "errors": report["errors"], "messages": report["messages"]}
    actor = job.created_by
    organisation: Organisation = job.organisation
    if not perms.can(actor, Action.USECASE_CREATE, organisation) or not perms.can(
        actor, Action.USECASE_EDIT, organisation
    ):
        refusal, data = texts([message("import.role_refused", organisation=str(organisation))])
        return {**empty, "errors": refusal, "messages": data}
    mapping = {int(k): v for k, v in job.mapping.items() if v}
    # Foreign keys: the reference lists are read once for the whole import.
    refs: dict[str, dict[str, Any]] = {
        name: {o.code: o for o in m.objects.all()} for name, m in FK_FIELDS.items()
    }
    counts = {"created": 0, "updated": 0, "skipped": 0}
    errors: list[Message] = []
    written_ids: list[int] = []
    rows = report["rows"]
    try:
        for start in range(0, len(rows), CHUNK):
            try:
                _write_chunk(
                    rows[start : start + CHUNK],
                    job,
                    actor,
                    organisation,
                    mapping,
                    refs,
                    cleaned,
                    counts,
                    errors,
                    written_ids,
                )
            except _ChunkRefused as refused:
                written = counts["created"] + counts["updated"]
                errors.append(
                    message("import.interrupted", line=refused.line, written=n(written), chunk=n(CHUNK))
                )
                texts_fr, data = texts(errors)
                return {"written": written > 0, **counts, "errors": texts_fr, "messages": data}
            if progress:
                progress(min(start + CHUNK, len(rows)))
    finally:
        bulk.usecases_batch_finish(use_case_ids=written_ids)  # one embedding job for the whole import
    texts_fr, data = texts(errors)
    if job.only_valid:
        texts_fr, data = texts_fr + report["errors"], data + report["messages"]
    return {"written": True, **counts, "errors": texts_fr, "messages": data}


CHUNK = 500


def _write_chunk(
    entries: list[dict[str, Any]],
    job: ImportJob,
    actor: User | None,
    organisation: Organisation,
    mapping: dict[int, str],
    refs: dict[str, dict[str, Any]],
    cleaned: dict[int, dict[str, Any]],
    counts: dict[str, int],
    errors: list[Message],
    written_ids: list[int],
) -> None:
    """Write one chunk in one transaction (raises :class:`_ChunkRefused` to roll it back whole)."""
    skipped = 0
    rows: list[bulk.BulkRow] = []
    refs_of: dict[int, str] = {}
    for entry in entries:
        if entry["action"] == "error":
            skipped += 1
            continue
        if entry["action"] == "unchanged":
            continue
        data = cleaned[entry["line"]]  # validated by the dry run just made; a status left is refused there
        update = entry["action"] == "update"
        rows.append(
            bulk.BulkRow(
                key=entry["line"],
                data=_service_data(data, refs, update=update),
                target_id=entry["target_id"] if update else None,
            )
        )
        if data.get("external_ref"):
            refs_of[entry["line"]] = data["external_ref"]
    with transaction.atomic():
        # Duplicates, checked once for the chunk: a record of the same title or reference written since
        # the dry run (a form, the API) turns the creation into an error rather than a second record.
        creations = {r.key: str(r.data.get("title", "")).strip().lower() for r in rows if r.target_id is None}
        taken_titles = set(
            UseCase.objects.filter(organisation=organisation)
            .annotate(t=Lower("title"))
            .filter(t__in=set(creations.values()))
            .values_list("t", flat=True)
        )
        taken_refs = set(
            ImportedRef.objects.filter(
                organisation=organisation, external_ref__in=[refs_of[k] for k in creations if k in refs_of]
            ).values_list("external_ref", flat=True)
        )
        late = {
            k
            for k, t in creations.items()
            if t in {x.strip() for x in taken_titles} or refs_of.get(k) in taken_refs
        }
        result = bulk.usecases_write_many(
            actor=actor, organisation=organisation, rows=[r for r in rows if r.key not in late], in_batch=True
        )
        late_message = message("import.created_since")
        refused: dict[int, list[sp.Issue]] = {k: [sp.Issue(k, "", "", late_message)] for k in late}
        for key, problems in result.errors.items():
            # The registry's refusals come written in French and in English: shown in the reader's.
            refused[key] = [
                sp.Issue(
                    key,
                    sp._label_of(p.field, mapping, job.headers) if p.field in sp.COLUMNS_BY_FIELD else "",
                    "",
                    Message(VERBATIM, {"text": in_languages(p.french, p.english)}),
                )
                for p in problems
            ]
        sentences = [issue.located() for key in sorted(refused) for issue in refused[key]]
        if refused and not job.only_valid:
            errors.extend(sentences)
            raise _ChunkRefused(min(refused))
        errors.extend(sentences)
        ImportedRef.objects.bulk_create(
            [
                ImportedRef(organisation=organisation, external_ref=refs_of[key], use_case=use_case)
                for key, use_case in result.created.items()
                if key in refs_of
            ],
            ignore_conflicts=True,
        )
    counts["created"] += len(result.created)
    counts["updated"] += len(result.updated)
    counts["skipped"] += skipped + len(refused)
    written_ids.extend(uc.pk for uc in [*result.created.values(), *result.updated.values()])
