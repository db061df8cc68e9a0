"""Writes on accounts and memberships: who belongs to which organisation with which role, ProConnect
logins (account matched or created), two-factor devices and invitations. Every write is audited."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.validators import EmailValidator
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _

from atlasia.audit.models import AuditAction
from atlasia.audit.services import audit_record
from atlasia.core.roles import ROLE_LABELS_FR, Action, Role

from . import perms
from .models import ExternalIdentity, Invitation, Membership, User, role_label

if TYPE_CHECKING:
    from .oidc import ProConnectIdentity


def _require_manage(actor: User, organisation: Any) -> None:
    if not perms.can(actor, Action.MEMBERS_MANAGE, organisation):
        raise PermissionDenied(_("Seuls les administrateurs de l'organisation gèrent ses membres."))


@transaction.atomic
def membership_remove(*, actor: User, membership: Membership) -> None:
    organisation = membership.organisation
    _require_manage(actor, organisation)
    remaining_admins = (
        Membership.objects.filter(organisation=organisation, role=Role.ORG_ADMIN)
        .exclude(pk=membership.pk)
        .count()
    )
    if membership.role == Role.ORG_ADMIN and remaining_admins == 0 and not perms.is_platform_admin(actor):
        raise ValidationError(_("L'organisation doit garder au moins un administrateur."))
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
def password_change(*, actor: User, old_password: str, new_password: str, ip_address: str = "") -> None:
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


def _free_username(email: str) -> str:
    base = email.lower()[:150]
    candidate, n = base, 1
    while User.objects.filter(username__iexact=candidate).exists():
        n += 1
        suffix = f"-{n}"
        candidate = base[: 150 - len(suffix)] + suffix
    return candidate


@transaction.atomic
def oidc_login(*, identity: ProConnectIdentity) -> User:
    """The local account a checked ProConnect identity opens, created without any role on first login.

    Recognised by ``(issuer, sub)``, else by the verified e-mail (a local account with the same address is
    linked to the identity), else created. Two accounts with the address: refused (an administrator must
    decide). Audit rows: account created, account linked, login.
    """
    from .oidc import LoginRefused

    link = (
        ExternalIdentity.objects.select_for_update()
        .select_related("user")
        .filter(issuer=identity.issuer, subject=identity.subject)
        .first()
    )
    created = linked = False
    if link is not None:
        user = link.user
    else:
        matches = list(User.objects.filter(email__iexact=identity.email).order_by("pk")[:2])
        if len(matches) > 1:
            raise LoginRefused(
                _(
                    "Plusieurs comptes Atlas IA portent l'adresse %(email)s : un administrateur doit d'abord "
                    "n'en garder qu'un."
                )
                % {"email": identity.email}
            )
        if matches:
            user, linked = matches[0], True
        else:
            user = User(
                username=_free_username(identity.email),
                email=identity.email,
                first_name=identity.given_name,
                last_name=identity.usual_name,
            )
            user.set_unusable_password()
            try:
                user.full_clean()
            except ValidationError as error:
                raise LoginRefused(
                    _("Le compte ne peut pas être créé avec les informations de ProConnect : %(error)s")
                    % {"error": " ".join(error.messages)}
                ) from error
            user.save()
            created = True
        link = ExternalIdentity(user=user, issuer=identity.issuer, subject=identity.subject)
    if not user.is_active:
        raise LoginRefused(_("Votre compte Atlas IA est désactivé : adressez-vous à un administrateur."))
    link.email = identity.email
    link.siret = identity.siret
    link.idp_id = identity.idp_id
    link.last_acr = identity.acr
    link.last_login_at = timezone.now()
    link.save()
    if (
        not created
        and not (user.first_name or user.last_name)
        and (identity.given_name or identity.usual_name)
    ):
        user.first_name, user.last_name = identity.given_name, identity.usual_name
        user.save(update_fields=["first_name", "last_name"])
    if created:
        audit_record(
            actor=user,
            action=AuditAction.CREATE,
            obj=user,
            changes={
                "identifiant": [None, user.username],
                "courriel": [None, user.email],
                "prénom": [None, user.first_name],
                "nom": [None, user.last_name],
                "SIRET": [None, identity.siret],
            },
            message="Compte créé à la première connexion avec ProConnect, sans rôle dans une organisation.",
        )
    if linked:
        audit_record(
            actor=user,
            action=AuditAction.UPDATE,
            obj=user,
            changes={"ProConnect": [None, identity.email]},
            message="Compte existant relié à ProConnect par son adresse électronique vérifiée.",
        )
    audit_record(
        actor=user,
        action=AuditAction.EVENT,
        obj=user,
        changes={"fournisseur": identity.idp_id, "acr": identity.acr, "amr": list(identity.amr)},
        message="Connexion avec ProConnect.",
    )
    return user


# --- Two-factor authentication (django-otp) -------------------------------------------------------------

BACKUP_CODE_COUNT = 10
TOTP_DEVICE_NAME = "Application d'authentification"
BACKUP_DEVICE_NAME = "Codes de secours"


def totp_device_pending(*, user: User) -> Any:
    """The not yet confirmed TOTP device of ``user`` (created on first call): its secret is shown once."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


def _new_backup_codes(user: User) -> list[str]:
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=BACKUP_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


@transaction.atomic
def totp_confirm(*, user: User, device: Any, token: str) -> list[str]:
    """Confirm the pending TOTP device with a first code; returns new backup codes (shown once)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user, confirmed=False)
    token = "".join((token or "").split())
    if not (token.isdigit() and len(token) == device.digits and device.verify_token(token)):
        raise ValidationError(
            {"token": _("Ce code ne correspond pas : tapez les 6 chiffres affichés par l'application.")}
        )
    TOTPDevice.objects.filter(user=user, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _new_backup_codes(user)
    audit_record(
        actor=user,
        action=AuditAction.UPDATE,
        obj=user,
        changes={"double authentification": [None, "application d'authentification"]},
        message=f"Double authentification activée ({BACKUP_CODE_COUNT} codes de secours créés).",
    )
    return codes


@transaction.atomic
def backup_codes_regenerate(*, user: User) -> list[str]:
    if not user_has_confirmed_totp(user):
        raise ValidationError(_("Activez d'abord la double authentification."))
    codes = _new_backup_codes(user)
    audit_record(
        actor=user,
        action=AuditAction.UPDATE,
        obj=user,
        changes={"codes de secours": ["anciens", "nouveaux"]},
        message="Nouveaux codes de secours : les anciens ne fonctionnent plus.",
    )
    return codes


def user_has_confirmed_totp(user: User) -> bool:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


@transaction.atomic
def twofactor_disable(*, user: User) -> None:
    """Remove the second factor of ``user`` (refused when her roles require one)."""
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from .twofactor import is_required_for

    if is_required_for(user):
        raise PermissionDenied(
            _(
                "Votre rôle d'administrateur impose la double authentification : "
                "elle ne peut pas être retirée."
            )
        )
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    audit_record(
        actor=user,
        action=AuditAction.UPDATE,
        obj=user,
        changes={"double authentification": ["application d'authentification", None]},
        message="Double authentification retirée.",
    )


@transaction.atomic
def twofactor_verified(*, user: User, device: Any) -> None:
    """Audit row of a login completed by a second factor (code of the application or a backup code)."""
    from django_otp.plugins.otp_static.models import StaticDevice

    backup = isinstance(device, StaticDevice)
    audit_record(
        actor=user,
        action=AuditAction.EVENT,
        obj=user,
        changes={"second facteur": "code de secours" if backup else "application d'authentification"},
        message="Connexion complétée par la double authentification.",
    )


# --- Invitations to join an organisation ---------------------------------------------------------------

_INVITATION_SALT = "atlasia.accounts.invitation"
ORGANISATION_ROLES = {r.value for r in (Role.CONTRIBUTOR, Role.REFERENT, Role.DPO, Role.ORG_ADMIN)}


class InvitationRefused(Exception):
    """The invitation link cannot be used; the message says why, in French."""


def invitation_token(invitation: Invitation) -> str:
    return signing.dumps({"i": invitation.pk, "n": invitation.nonce}, salt=_INVITATION_SALT, compress=True)


@transaction.atomic
def invitation_create(
    *, actor: User, organisation: Any, email: str, role: str, link_for: Callable[[str], str]
) -> Invitation:
    """Invite ``email`` to join ``organisation`` as ``role``: a single-use signed link is e-mailed.

    ``link_for(token)`` gives the absolute URL of the acceptance page (the screen knows the site's address).
    """
    _require_manage(actor, organisation)
    email = (email or "").strip()
    errors: dict[str, str] = {}
    try:
        EmailValidator()(email)
    except ValidationError:
        errors["email"] = _("« %(email)s » n'est pas une adresse électronique valide.") % {"email": email}
    if role not in ORGANISATION_ROLES:
        errors["role"] = _("Le rôle « %(role)s » n'existe pas.") % {"role": role}
    if errors:
        raise ValidationError(errors)
    if Membership.objects.filter(organisation=organisation, role=role, user__email__iexact=email).exists():
        raise ValidationError(
            {"email": _("%(email)s a déjà ce rôle dans l'organisation.") % {"email": email}}
        )
    now = timezone.now()
    pending = Invitation.objects.filter(
        organisation=organisation,
        email__iexact=email,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=now,
    )
    if pending.exists():
        raise ValidationError(
            {
                "email": _(
                    "Une invitation attend déjà la réponse de %(email)s : "
                    "révoquez-la pour en envoyer une autre."
                )
                % {"email": email}
            }
        )
    invitation = Invitation(
        organisation=organisation,
        email=email,
        role=role,
        nonce=get_random_string(32),
        invited_by=actor if getattr(actor, "is_authenticated", False) else None,
        expires_at=now + timedelta(days=settings.ATLASIA_INVITATION_DAYS),
    )
    invitation.full_clean()
    invitation.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=invitation,
        changes={"courriel": [None, email], "rôle": [None, ROLE_LABELS_FR[Role(role)]]},
        organisation_id=organisation.pk,
        message="Invitation envoyée par courriel.",
    )
    link = link_for(invitation_token(invitation))
    subject = _("Invitation à rejoindre %(organisation)s sur Atlas IA") % {"organisation": organisation.name}
    body = render_to_string(
        "accounts/email/invitation.txt",
        {"invitation": invitation, "link": link, "inviter": actor, "role": role_label(role)},
    )
    transaction.on_commit(lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [email]))
    return invitation


def invitation_from_token(token: str) -> Invitation:
    """The invitation a link designates, if it can still be used; else :class:`InvitationRefused`."""
    try:
        data = signing.loads(
            token, salt=_INVITATION_SALT, max_age=timedelta(days=settings.ATLASIA_INVITATION_DAYS)
        )
    except signing.SignatureExpired as error:
        raise InvitationRefused(_("Cette invitation a expiré : demandez-en une nouvelle.")) from error
    except signing.BadSignature as error:
        raise InvitationRefused(
            _("Ce lien d'invitation n'est pas valable (il a peut-être été tronqué).")
        ) from error
    pk = data.get("i") if isinstance(data, dict) else None
    invitation = (
        Invitation.objects.select_related("organisation", "invited_by").filter(pk=pk).first()
        if isinstance(pk, int)
        else None
    )
    if invitation is None or invitation.nonce != data.get("n"):
        raise InvitationRefused(_("Ce lien d'invitation n'est pas valable (il a peut-être été tronqué)."))
    if invitation.accepted_at is not None:
        raise InvitationRefused(_("Cette invitation a déjà été utilisée."))
    if invitation.revoked_at is not None:
        raise InvitationRefused(_("Cette invitation a été révoquée par un administrateur de l'organisation."))
    if invitation.expires_at <= timezone.now():
        raise InvitationRefused(_("Cette invitation a expiré : demandez-en une nouvelle."))
    return invitation


@transaction.atomic
def invitation_accept(*, user: User, token: str) -> Membership:
    """The invited person (logged in with the invited address) joins the organisation with the role."""
    invitation = invitation_from_token(token)
    invitation = Invitation.objects.select_for_update().select_related("organisation").get(pk=invitation.pk)
    if invitation.accepted_at is not None:  # accepted meanwhile, in another tab
        raise InvitationRefused(_("Cette invitation a déjà été utilisée."))
    if not user.is_authenticated or (user.email or "").strip().lower() != invitation.email.lower():
        raise InvitationRefused(
            _(
                "Cette invitation est adressée à %(email)s : connectez-vous avec le compte de cette adresse "
                "pour l'accepter."
            )
            % {"email": invitation.email}
        )
    membership, created = Membership.objects.get_or_create(
        user=user, organisation=invitation.organisation, role=invitation.role
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    audit_record(
        actor=user,
        action=AuditAction.UPDATE,
        obj=invitation,
        changes={"état": ["en attente", "acceptée"]},
        organisation_id=invitation.organisation_id,
        message="Invitation acceptée.",
    )
    if created:
        audit_record(
            actor=user,
            action=AuditAction.CREATE,
            obj=membership,
            changes={"membre": [None, str(user)], "rôle": [None, ROLE_LABELS_FR[Role(invitation.role)]]},
            organisation_id=invitation.organisation_id,
            message="Membre ajouté en acceptant une invitation.",
        )
    return membership


@transaction.atomic
def invitation_account_create(
    *, token: str, first_name: str, last_name: str, password: str, password_confirmation: str
) -> User:
    """Create the local account of an invited person who has none (instances without ProConnect)."""
    invitation = invitation_from_token(token)
    if User.objects.filter(email__iexact=invitation.email).exists():
        raise InvitationRefused(
            _("Un compte existe déjà pour %(email)s : connectez-vous pour accepter.")
            % {"email": invitation.email}
        )
    errors: dict[str, Any] = {}
    if not first_name.strip():
        errors["first_name"] = _("Indiquez votre prénom.")
    if not last_name.strip():
        errors["last_name"] = _("Indiquez votre nom.")
    user = User(
        username=_free_username(invitation.email),
        email=invitation.email,
        first_name=first_name.strip()[:150],
        last_name=last_name.strip()[:150],
    )
    try:
        validate_password(password, user)
    except ValidationError as error:
        errors["password"] = error.messages
    if password != password_confirmation:
        errors["password_confirmation"] = _("Les deux mots de passe ne sont pas identiques.")
    if errors:
        raise ValidationError(errors)
    user.set_password(password)
    user.full_clean()
    user.save()
    audit_record(
        actor=user,
        action=AuditAction.CREATE,
        obj=user,
        changes={"identifiant": [None, user.username], "courriel": [None, user.email]},
        organisation_id=invitation.organisation_id,
        message="Compte créé depuis une invitation.",
    )
    return user


@transaction.atomic
def invitation_revoke(*, actor: User, invitation: Invitation) -> None:
    invitation = Invitation.objects.select_for_update().select_related("organisation").get(pk=invitation.pk)
    _require_manage(actor, invitation.organisation)
    if invitation.accepted_at is not None or invitation.revoked_at is not None:
        raise ValidationError(_("Cette invitation n'est plus en attente."))
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=invitation,
        changes={"état": ["en attente", "révoquée"]},
        organisation_id=invitation.organisation_id,
        message="Invitation révoquée.",
    )
