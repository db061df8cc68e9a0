"""Helpers shared by the monitoring sub-domains (incidents, externalities, footprint, people): the audit
row of a write, the assignment of the allowed fields, the refusal."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext

from atlasia.accounts.models import User
from atlasia.audit.services import audit_record
from atlasia.registry.models import UseCase


def fmt_date(day: date) -> str:
    return f"{day:%d/%m/%Y}"


def refuse(message: str) -> None:
    raise PermissionDenied(message)


def audit(
    actor: User | None,
    action: str,
    obj: Any,
    *,
    use_case: UseCase | None = None,
    organisation_id: int | None = None,
    changes: dict[str, Any] | None = None,
    message: str = "",
) -> None:
    audit_record(
        actor=actor,
        action=action,
        obj=obj,
        changes=changes or {},
        use_case_id=use_case.pk if use_case else None,
        organisation_id=use_case.organisation_id if use_case else organisation_id,
        message=message,
    )


def assign(obj: Any, data: Mapping[str, Any], allowed: tuple[str, ...]) -> None:
    for key, value in data.items():
        if key not in allowed:
            raise ValidationError(gettext("Champ inattendu : « %(key)s ».") % {"key": key})
        setattr(obj, key, value)
