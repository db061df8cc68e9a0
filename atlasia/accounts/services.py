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


@transaction.atomic
def password_change(*, actor: Any, old_password: str, new_password: str, ip_address: str = "") -> None:
    """The user changes their own password: the old one is checked, the new one passes every validator
    of ``AUTH_PASSWORD_VALIDATORS`` (12+ characters, not common in English or French), and the change is
    written to the audit log in the same transaction (never the password itself)."""
    from django.contrib.auth.password_validation import validate_password
    from django.utils.translation import gettext as _

    from atlasia.audit.services import audit_login_event

    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("Connectez-vous pour changer votre mot de passe."))
    if not actor.check_password(old_password):
        raise ValidationError({"old_password": _("Le mot de passe actuel saisi est incorrect.")})
    if new_password == old_password:
        raise ValidationError(
            {"new_password1": _("Le nouveau mot de passe doit être différent du mot de passe actuel.")}
        )
    try:
        validate_password(new_password, user=actor)
    except ValidationError as error:
        raise ValidationError({"new_password1": error.messages}) from error
    actor.set_password(new_password)
    actor.save(update_fields=["password"])
    audit_login_event(
        event="password_change", username=actor.get_username(), user=actor, ip_address=ip_address
    )
