"""API tokens, spreadsheet import jobs, subscriptions to other instances and the provenance of pulled
records. Writes go through ``services.py``."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from atlasia.accounts.models import MembershipRole

from .enums import ImportStatus, SubscriptionStatus

USER = settings.AUTH_USER_MODEL


class ApiToken(models.Model):
    """A token scoped to ONE organisation and ONE membership role.

    Only the SHA-256 of the token is stored (tokens are 256-bit random strings, so a fast hash is
    enough); the clear token is shown once, at creation. Each token acts through its own *service
    account* (``service_user``: inactive, no password, one membership with the token's role), so the
    API goes through exactly the same permission code (``perms``, selectors, services) as the screens
    and the audit log names the token.
    """

    organisation = models.ForeignKey(
        "registry.Organisation", verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="+"
    )
    role = models.CharField(_("rôle"), max_length=20, choices=MembershipRole.choices)
    label = models.CharField(_("libellé"), max_length=200)
    prefix = models.CharField(_("début du jeton"), max_length=16, db_index=True)
    token_hash = models.CharField(max_length=64, unique=True)
    service_user = models.OneToOneField(USER, on_delete=models.PROTECT, related_name="api_token")
    created_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expire le"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("dernière utilisation"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("révoqué le"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("jeton d'API")
        verbose_name_plural = _("jetons d'API")

    def __str__(self) -> str:
        return f"{self.label} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        if self.revoked_at is not None:
            return False
        return self.expires_at is None or self.expires_at > timezone.now()


class ImportedRef(models.Model):
    """The link between an ``external_ref`` of a spreadsheet and the record it created, so that a
    re-import of the same file updates instead of duplicating."""

    organisation = models.ForeignKey("registry.Organisation", on_delete=models.CASCADE, related_name="+")
    external_ref = models.CharField(_("référence externe"), max_length=100)
    use_case = models.ForeignKey("registry.UseCase", on_delete=models.CASCADE, related_name="imported_refs")

    class Meta:
        verbose_name = _("référence importée")
        verbose_name_plural = _("références importées")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "external_ref"], name="importedref_unique")
        ]

    def __str__(self) -> str:
        return self.external_ref


class ImportJob(models.Model):
    """One uploaded spreadsheet: stored as is by the upload request, read and analysed (dry run) by a
    background job, then imported by another one.

    Idempotence: ``file_hash`` (SHA-256 of the bytes) names the file, so the same file uploaded twice
    is recognised; the job moves from « queued » to « running » by a conditional update that only one
    worker can win, and at most one job per organisation is « running » (a partial unique index), so
    two workers never write the same lines twice. ``heartbeat_at`` lets a job abandoned by a crashed
    worker be taken over after ``IMPORT_STALE_AFTER``.
    """

    organisation = models.ForeignKey(
        "registry.Organisation", verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="+"
    )
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    filename = models.CharField(_("fichier"), max_length=255)
    content = models.BinaryField()
    file_hash = models.CharField(_("empreinte SHA-256 du fichier"), max_length=64, blank=True, db_index=True)
    file_size = models.PositiveIntegerField(_("taille du fichier"), default=0)
    header_line = models.PositiveIntegerField(_("ligne d'en-tête choisie"), null=True, blank=True)
    header_found = models.PositiveIntegerField(_("ligne d'en-tête"), default=1)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    # The sheet as the analysis read it (values, line numbers, notes), so the import does not read the
    # file again; emptied once the import is over.
    sheet = models.JSONField(default=dict, blank=True)
    headers = models.JSONField(default=list, blank=True)
    mapping = models.JSONField(default=dict, blank=True)
    status = models.CharField(_("état"), max_length=12, choices=ImportStatus.choices, default="uploaded")
    only_valid = models.BooleanField(_("lignes valides seulement"), default=False)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=dict, blank=True)
    result = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import de tableur")
        verbose_name_plural = _("imports de tableur")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"],
                condition=models.Q(status="running"),
                name="importjob_one_running_per_organisation",
            )
        ]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"

    @property
    def progress_percent(self) -> int:
        return int(100 * self.processed_rows / self.total_rows) if self.total_rows else 0


class ImportMappingMemory(models.Model):
    """The column mapping an organisation chose, remembered by header (normalised text → field, ``""``
    for a column chosen to be ignored), so the next file with the same headers is mapped at once."""

    organisation = models.OneToOneField(
        "registry.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="import_mapping_memory",
    )
    mapping = models.JSONField(_("correspondances retenues"), default=dict, blank=True)
    updated_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("correspondance de colonnes retenue")
        verbose_name_plural = _("correspondances de colonnes retenues")

    def __str__(self) -> str:
        return str(self.organisation)


class Subscription(models.Model):
    """Another Atlas IA instance whose shared records this instance pulls."""

    name = models.CharField(_("nom"), max_length=200)
    slug = models.SlugField(_("identifiant court"), max_length=40, unique=True)
    base_url = models.URLField(_("adresse de l'instance distante"))
    # Sent as a bearer token to the remote instance: stored in clear because it must be replayed.
    token = models.CharField(_("jeton de l'instance distante"), max_length=200, blank=True)
    country = models.CharField(_("pays"), max_length=2, default="FR")
    status = models.CharField(
        _("état"), max_length=10, choices=SubscriptionStatus.choices, default=SubscriptionStatus.NEW
    )
    last_pulled_at = models.DateTimeField(_("dernière synchronisation"), null=True, blank=True)
    last_error = models.TextField(_("dernière erreur"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("abonnement à une instance")
        verbose_name_plural = _("abonnements à des instances")

    def __str__(self) -> str:
        return self.name


class RemoteProvenance(models.Model):
    """Where a pulled record comes from; one per local record."""

    use_case = models.OneToOneField(
        "registry.UseCase", on_delete=models.CASCADE, related_name="remote_provenance"
    )
    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="records")
    source_instance = models.CharField(_("instance source"), max_length=300)
    remote_uid = models.UUIDField(_("identifiant distant"))
    remote_updated_at = models.DateTimeField(_("mis à jour à la source le"))
    withdrawn = models.BooleanField(_("retiré à la source"), default=False)
    # Qualification, experiments and source organisation as received (shown in the provenance panel).
    payload = models.JSONField(default=dict, blank=True)
    pulled_at = models.DateTimeField(_("récupéré le"), default=timezone.now)

    class Meta:
        verbose_name = _("provenance d'un cas d'usage")
        verbose_name_plural = _("provenances des cas d'usage")
        constraints = [
            models.UniqueConstraint(fields=["subscription", "remote_uid"], name="provenance_unique_uid")
        ]

    def __str__(self) -> str:
        return f"{self.source_instance} {self.remote_uid}"


class InstanceIdentity(models.Model):
    """The stable identifier of this instance, sent in every exchange document, so that a subscription
    to the instance itself is recognised and refused (one row, created on first use)."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("identité de l'instance")
        verbose_name_plural = _("identité de l'instance")

    def __str__(self) -> str:
        return str(self.uid)
