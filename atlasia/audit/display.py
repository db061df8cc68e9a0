"""The audit log as people read it: each entry as a sentence, each change as « field label: before → after »
with the field's label and the value's label (choices, yes/no, dates, lists, numbers), in the active language.

The audit row stores raw values (JSON) so that nothing is lost; this module only presents them. It reads the
models' own metadata (verbose names, choices) through Django's app registry, which is the registry's job: no
domain is imported by name.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import formats, timezone
from django.utils.formats import number_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import AuditAction, AuditEntry

# Keys written by services that are not model fields (computed or grouped values).
EXTRA_LABELS: dict[str, Any] = {
    "contacts": gettext_lazy("Contacts"),
    "sources": gettext_lazy("Sources"),
    "status": gettext_lazy("Étape"),
    "from": gettext_lazy("Étape de départ"),
    "to": gettext_lazy("Étape d'arrivée"),
    "reason": gettext_lazy("Motif"),
    "role": gettext_lazy("Rôle"),
    "user": gettext_lazy("Compte"),
    "file": gettext_lazy("Fichier"),
    "size": gettext_lazy("Taille"),
    "pièce jointe": gettext_lazy("Pièce jointe"),
    "created_by": gettext_lazy("Créé par"),
    "updated_by": gettext_lazy("Modifié par"),
    "taille": gettext_lazy("Taille"),
}

# Fields never worth showing in a history: the row's own id and the record it belongs to (the history is
# the record's), and bookkeeping.
HIDDEN_FIELDS = frozenset({"id", "use_case", "uid"})

# Domains whose audit rows carry keys that are not model fields present them here: a presenter receives
# ``(key, value)`` and returns ``(label, text)``, or ``None`` to leave the key to the generic rules.
# Registered from the domain's AppConfig.ready() (e.g. the qualification's « answers.<question> » keys).
KeyPresenter = Callable[[str, Any], "tuple[str, str] | None"]
_KEY_PRESENTERS: dict[str, KeyPresenter] = {}


def register_key_presenter(prefix: str, presenter: KeyPresenter) -> None:
    _KEY_PRESENTERS[prefix] = presenter


def _presented(name: str, value: Any) -> tuple[str, str] | None:
    for prefix, presenter in _KEY_PRESENTERS.items():
        if name.startswith(prefix):
            return presenter(name, value)
    return None


ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


@dataclass(frozen=True)
class ChangeLine:
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class HistoryItem:
    at: dt.datetime
    actor_label: str
    kind: str  # create, update, delete, transition, event
    action: str
    sentence: str
    message: str
    lines: tuple[ChangeLine, ...]


# Audit rows outlive their models: a model merged into another (``publication.problemreport`` became
# ``monitoring.externality``) names its successor here, so that old rows read with its labels.
# Registered from the domain's AppConfig.ready().
_RETIRED_TYPES: dict[str, str] = {}


def register_retired_type(object_type: str, successor: str) -> None:
    _RETIRED_TYPES[object_type] = successor


def _model(object_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(_RETIRED_TYPES.get(object_type, object_type))
    except (LookupError, ValueError):
        return None


def _field(model: type[models.Model] | None, name: str) -> Any:
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        # Some services key their changes by the field's French label (« catégorie »): find it back.
        for field in model._meta.get_fields():
            if str(getattr(field, "verbose_name", "")) == name:
                return field
        return None


def field_label(model: type[models.Model] | None, name: str) -> str:
    field = _field(model, name)
    verbose = str(getattr(field, "verbose_name", "") or "") if field is not None else ""
    # A field declared without a label gets Django's English one (« created by »): prefer ours.
    if verbose and not (name in EXTRA_LABELS and verbose == name.replace("_", " ")):
        return str(capfirst(verbose))
    if name in EXTRA_LABELS:
        return str(EXTRA_LABELS[name])
    return capfirst(name.replace("_", " "))


def _number(value: float) -> str:
    if float(value).is_integer():
        return number_format(int(value), force_grouping=True)
    return number_format(round(value, 2), decimal_pos=None, force_grouping=True)


def format_value(value: Any, field: Any = None) -> str:
    """One stored value as a person reads it."""
    if value is None or value == "" or value == []:
        return "—"
    choices = getattr(field, "flatchoices", None) if field is not None else None
    if choices and not isinstance(value, list | dict):
        labels = {str(k): v for k, v in choices}
        if str(value) in labels:
            return str(labels[str(value)])
    if isinstance(value, bool):
        return _("oui") if value else _("non")
    if isinstance(value, int):
        return number_format(value, force_grouping=True)
    if isinstance(value, float):
        return _number(value)
    if isinstance(value, list):
        return "; ".join(format_value(v, field) for v in value) or "—"
    if isinstance(value, dict):
        return "; ".join(f"{k} : {format_value(v)}" for k, v in value.items()) or "—"
    text = str(value)
    if ISO_DATE.match(text):
        try:
            return formats.date_format(dt.date.fromisoformat(text), "SHORT_DATE_FORMAT")
        except ValueError:
            return text
    if ISO_DATETIME.match(text):
        try:
            moment = dt.datetime.fromisoformat(text)
        except ValueError:
            return text
        if timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        return formats.date_format(moment, "SHORT_DATETIME_FORMAT")
    return text


def _sentence(entry: AuditEntry, model: type[models.Model] | None) -> str:
    kind = str(model._meta.verbose_name) if model is not None else entry.object_type
    obj = entry.object_repr
    if entry.action == AuditAction.CREATE:
        return _("Création — %(kind)s « %(obj)s »") % {"kind": kind, "obj": obj}
    if entry.action == AuditAction.DELETE:
        return _("Suppression — %(kind)s « %(obj)s »") % {"kind": kind, "obj": obj}
    if entry.action == AuditAction.TRANSITION:
        return _("Changement d'étape — %(kind)s « %(obj)s »") % {"kind": kind, "obj": obj}
    if entry.action == AuditAction.EVENT:
        return _("Événement — %(kind)s « %(obj)s »") % {"kind": kind, "obj": obj}
    return _("Modification — %(kind)s « %(obj)s »") % {"kind": kind, "obj": obj}


def _lines(entry: AuditEntry, model: type[models.Model] | None) -> tuple[ChangeLine, ...]:
    lines = []
    changes = entry.changes if isinstance(entry.changes, dict) else {}
    for name, values in changes.items():
        if name in HIDDEN_FIELDS:
            continue
        field = _field(model, name)
        if isinstance(values, list) and len(values) == 2:
            before, after = values
        else:  # a created object's snapshot or a single value
            before, after = None, values
        presented_before, presented_after = _presented(name, before), _presented(name, after)
        if presented_after is not None and presented_before is not None:
            line = ChangeLine(label=presented_after[0], before=presented_before[1], after=presented_after[1])
        else:
            line = ChangeLine(
                label=field_label(model, name),
                before=format_value(before, field),
                after=format_value(after, field),
            )
        if line.before != "—" or line.after != "—":  # a field empty before and after says nothing
            lines.append(line)
    return tuple(lines)


def describe(entries: Any) -> list[HistoryItem]:
    """Readable history items for audit entries (newest first, as given)."""
    items = []
    for entry in entries:
        model = _model(entry.object_type)
        items.append(
            HistoryItem(
                at=entry.at,
                actor_label=entry.actor_label,
                kind=entry.action,
                action=entry.get_action_display(),
                sentence=_sentence(entry, model),
                message=entry.message,
                lines=_lines(entry, model),
            )
        )
    return items
