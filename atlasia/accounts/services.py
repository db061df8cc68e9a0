"""Writes on memberships: who belongs to which organisation with which role (audited)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from atlasia.audit.models import AuditAction
from atlasia.audit.services import audit_record
from atlasia.core.roles import ROLE_LABELS_FR, Action, Role

from . import perms
from .models import Membership, User


def _require_manage(actor: Any, organisation: Any) -> None:
    if not perms.can(actor, Action.MEMBERS_MANAGE, organisation):
        raise PermissionDenied("Seuls les administrateurs de l'organisation gèrent ses membres.")


@transaction.atomic
def membership_add(*, actor: Any, organisation: Any, identifier: str, role: str) -> Membership:
    """Give the person identified by ``identifier`` (username or e-mail) a role in ``organisation``."""
    _require_manage(actor, organisation)
    identifier = (identifier or "").strip()
    user = (
        User.objects.filter(username__iexact=identifier).first()
        or User.objects.filter(email__iexact=identifier).first()
    )
    if user is None:
        raise ValidationError(
            {"identifier": f"Aucun compte ne correspond à « {identifier} » (identifiant ou courriel)."}
        )
    if role not in {r.value for r in (Role.CONTRIBUTOR, Role.REFERENT, Role.DPO, Role.ORG_ADMIN)}:
        raise ValidationError({"role": f"Le rôle « {role} » n'existe pas."})
    if Membership.objects.filter(user=user, organisation=organisation, role=role).exists():
        raise ValidationError({"role": f"{user} a déjà le rôle « {ROLE_LABELS_FR[Role(role)]} » ici."})
    membership = Membership.objects.create(user=user, organisation=organisation, role=role)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=membership,
        changes={"membre": [None, str(user)], "rôle": [None, ROLE_LABELS_FR[Role(role)]]},
        organisation_id=organisation.pk,
    )
    return membership


@transaction.atomic
def membership_remove(*, actor: Any, membership: Membership) -> None:
    organisation = membership.organisation
    _require_manage(actor, organisation)
    remaining_admins = (
        Membership.objects.filter(organisation=organisation, role=Role.ORG_ADMIN)
        .exclude(pk=membership.pk)
        .count()
    )
    if membership.role == Role.ORG_ADMIN and remaining_admins == 0 and not perms.is_platform_admin(actor):
        raise ValidationError("L'organisation doit garder au moins un administrateur.")
    audit_record(
        actor=actor,
        action=AuditAction.DELETE,
        obj=membership,
        changes={
            "membre": [str(membership.user), None],
            "rôle": [ROLE_LABELS_FR[Role(membership.role)], None],
        },
        organisation_id=organisation.pk,
    )
    membership.delete()
