"""Users, their memberships of organisations (with a role) and reviewer scopes."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from atlasia.core.roles import (
    ACTION_LABELS_EN,
    ACTION_LABELS_FR,
    ROLE_LABELS_EN,
    ROLE_LABELS_FR,
    Action,
    Role,
)


def _english() -> bool:
    return (get_language() or "fr").startswith("en")


def role_label(role: Role | str) -> str:
    """The label of ``role`` in the active language (French unless English is active)."""
    labels = ROLE_LABELS_EN if _english() else ROLE_LABELS_FR
    return labels[Role(role)]


def action_label(action: Action | str) -> str:
    """The label of ``action`` in the active language (French unless English is active)."""
    labels = ACTION_LABELS_EN if _english() else ACTION_LABELS_FR
    return labels[Action(action)]


class ReviewerScope(models.TextChoices):
    NONE = "", _("Aucun")
    REGIONAL = "regional", _("Équipe régionale")
    NATIONAL = "national", _("Équipe nationale")


class User(AbstractUser):
    """A person using Atlas IA. Organisation roles come from :class:`Membership`."""

    reviewer_scope = models.CharField(
        _("relecture transversale"), max_length=10, choices=ReviewerScope.choices, blank=True, default=""
    )
    reviewer_region = models.CharField(
        _("région relue"),
        max_length=3,
        blank=True,
        default="",
        help_text=_("Code INSEE de la région, pour une équipe régionale (ARS…)."),
    )
    is_platform_admin = models.BooleanField(_("administrateur de la plateforme"), default=False)

    class Meta:
        verbose_name = _("utilisateur")
        verbose_name_plural = _("utilisateurs")

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class MembershipRole(models.TextChoices):
    # Literal French strings (equal to ``ROLE_LABELS_FR``, a test checks it) so that makemessages
    # extracts them; the English catalogue gives ``ROLE_LABELS_EN``.
    CONTRIBUTOR = Role.CONTRIBUTOR.value, _("Contributeur ou contributrice")
    REFERENT = Role.REFERENT.value, _("Référent IA (ambassadeur)")
    DPO = Role.DPO.value, _("Délégué à la protection des données (DPO)")
    ORG_ADMIN = Role.ORG_ADMIN.value, _("Administrateur de l'organisation")


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        "registry.Organisation", on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("rôle"), max_length=20, choices=MembershipRole.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("appartenance")
        verbose_name_plural = _("appartenances")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation", "role"], name="membership_unique_role")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.organisation} ({role_label(self.role)})"


class ExternalIdentity(models.Model):
    """An identity asserted by ProConnect (OpenID Connect) and linked to a local account.

    ``sub`` is stable per identity provider of the federation, so an agent is recognised by
    ``(issuer, sub)`` first and by her verified e-mail the first time. The organisation claims (``siret``)
    are kept to propose her organisation to the administrator who grants her a role.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="external_identities")
    issuer = models.CharField(_("fournisseur d'identité"), max_length=300)
    subject = models.CharField(_("identifiant (sub)"), max_length=255)
    email = models.EmailField(_("courriel"), max_length=254)
    siret = models.CharField(_("SIRET"), max_length=14, blank=True)
    idp_id = models.CharField(_("fournisseur d'identité de la fédération"), max_length=100, blank=True)
    last_acr = models.CharField(_("niveau d'authentification (acr)"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("première connexion"), auto_now_add=True)
    last_login_at = models.DateTimeField(_("dernière connexion"), null=True, blank=True)

    class Meta:
        verbose_name = _("identité ProConnect")
        verbose_name_plural = _("identités ProConnect")
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="external_identity_unique_subject")
        ]

    def __str__(self) -> str:
        return f"{self.email} ({self.idp_id or self.issuer})"

    @property
    def siren(self) -> str:
        return self.siret[:9] if len(self.siret) == 14 else ""


class Invitation(models.Model):
    """An organisation administrator's invitation to join the organisation with a role.

    The e-mailed link carries a signed token (``services.invitation_token``); it works once, until
    ``expires_at``, and only for the account whose e-mail is ``email``.
    """

    organisation = models.ForeignKey(
        "registry.Organisation", on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("courriel"), max_length=254)
    role = models.CharField(_("rôle"), max_length=20, choices=MembershipRole.choices)
    nonce = models.CharField(max_length=32, editable=False)
    invited_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("envoyée le"), auto_now_add=True)
    expires_at = models.DateTimeField(_("valable jusqu'au"))
    accepted_at = models.DateTimeField(_("acceptée le"), null=True, blank=True)
    accepted_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    revoked_at = models.DateTimeField(_("révoquée le"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        indexes = [models.Index(fields=["organisation", "email"])]

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation} ({role_label(self.role)})"
