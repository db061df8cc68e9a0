"""Writing the audit log. Call these inside the service's ``transaction.atomic`` block, so that the
change and its audit row are committed together or not at all."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from typing import Any

from django.db import models, transaction

from .models import AuditAction, AuditEntry

_PLAIN = frozenset({type(None), bool, int, float, str})


def _json_value(value: Any) -> Any:
    if type(value) in _PLAIN:  # the common case first (a bulk import audits 5,000 records × 40 fields)
        return value
    if isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, list | tuple | set):
        return [_json_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _json_value(v) for k, v in value.items()}
    if hasattr(value, "name"):  # FieldFile
        return value.name or ""
    return str(value)


def snapshot(obj: models.Model, *, exclude: tuple[str, ...] = ()) -> dict[str, Any]:
    """The auditable state of ``obj``: concrete fields (foreign keys as their label) and many-to-many
    fields (as sorted labels), JSON-serialisable."""
    state: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if field.name in exclude or field.name in {"created_at", "updated_at"}:
            continue
        if field.is_relation:
            state[field.name] = _json_value(getattr(obj, field.name))
        else:
            state[field.name] = _json_value(getattr(obj, field.attname))
    if obj.pk:
        for m2m in obj._meta.many_to_many:
            if m2m.name in exclude:
                continue
            state[m2m.name] = sorted(str(o) for o in getattr(obj, m2m.name).all())
    return state


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """``{field: [old, new]}`` for every field whose value changed."""
    keys = list(dict.fromkeys([*before, *after]))
    return {k: [before.get(k), after.get(k)] for k in keys if before.get(k) != after.get(k)}


def audit_record(
    *,
    actor: Any,
    action: AuditAction | str,
    obj: models.Model,
    changes: dict[str, Any] | None = None,
    use_case_id: int | None = None,
    organisation_id: int | None = None,
    message: str = "",
) -> AuditEntry:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record must run inside the transaction of the change it records")
    actor_obj = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEntry.objects.create(
        actor=actor_obj,
        actor_label=str(actor_obj) if actor_obj else "système",
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:300],
        use_case_id=use_case_id,
        organisation_id=organisation_id,
        changes=_json_value(changes or {}),
        message=message,
    )


def audit_entry(
    *,
    actor: Any,
    action: AuditAction | str,
    obj: models.Model,
    changes: dict[str, Any] | None = None,
    use_case_id: int | None = None,
    organisation_id: int | None = None,
    message: str = "",
) -> AuditEntry:
    """The unsaved audit row :func:`audit_record` would write, for :func:`audit_record_many`."""
    actor_obj = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEntry(
        actor=actor_obj,
        actor_label=str(actor_obj) if actor_obj else "système",
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:300],
        use_case_id=use_case_id,
        organisation_id=organisation_id,
        changes=_json_value(changes or {}),
        message=message,
    )


def audit_record_many(entries: list[AuditEntry]) -> None:
    """Write the audit rows of a bulk change in one statement, inside the change's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record_many must run inside the transaction of the changes it records")
    AuditEntry.objects.bulk_create(entries, batch_size=500)


def audit_login_event(
    *,
    event: str,
    username: str,
    user: Any = None,
    ip_address: str = "",
    message: str = "",
) -> AuditEntry:
    """One row of the security journal for a login event (``event``: ``login``, ``login_failed``,
    ``lockout``, ``logout``, ``password_change``). ``user`` is None when the name typed matches no account:
    the name is still kept (truncated), to see an attack on names that do not exist."""
    with transaction.atomic():
        return AuditEntry.objects.create(
            actor=user if getattr(user, "is_authenticated", False) else None,
            actor_label=(str(user) if user is not None else (username or "anonyme"))[:200],
            action=AuditAction.EVENT,
            object_type="accounts.login",
            object_id=str(user.pk) if user is not None else "",
            object_repr=(username or "")[:300],
            changes={"événement": event, "adresse": ip_address},
            message=message,
        )


def audit_login_events_purge(*, older_than: dt.datetime) -> int:
    """Delete the login events (``accounts.login`` rows) written before ``older_than``: the retention
    period announced on the personal-data notice (``ATLASIA_LOGIN_LOG_RETENTION_DAYS``). The rows of
    changes to records are never purged. Raw delete: the audit log refuses ordinary deletes."""
    rows = AuditEntry.objects.filter(object_type="accounts.login", at__lt=older_than)
    with transaction.atomic():
        return int(rows._raw_delete(rows.db))
