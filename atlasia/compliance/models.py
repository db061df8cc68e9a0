"""The compliance file of a use case: obligations as work items with their evidence.

Writes go through ``services.py`` (permission, validation, audit row in one transaction), reads
through ``selectors.py``. What the qualification asks is computed by the pure core
(:mod:`atlasia.core.compliance`); these tables hold the work done on it.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from atlasia.core.compliance import risk_level
from atlasia.core.identifiers import normalise_siren, siren_error

from .enums import (
    CHECK_LEVELS,
    DOSSIER,
    SCALE,
    EvidenceKind,
    FileJobStatus,
    ObligationStatus,
    RiskArea,
    RiskOrigin,
    RiskStatus,
    SignerRole,
    VendorDocumentKind,
)

USER = settings.AUTH_USER_MODEL


def person(user: Any) -> str:
    """A user as people read her name (« Diane Caf »), or "" for nobody."""
    if user is None:
        return ""
    return str(user.get_full_name() or user.username)


class ObligationItem(models.Model):
    """One obligation of the latest qualification, as work: owner, status, due date, evidence, sign-off.

    ``key`` is the engine's obligation id (or ``gdpr_*``); a requalification updates article, title and
    due date, flags what changed (``requalification_note``) and never deletes the work done: an item
    the new result no longer asks for is kept with ``dropped=True``.
    """

    use_case = models.ForeignKey(
        "registry.UseCase",
        verbose_name=_("cas d'usage"),
        on_delete=models.CASCADE,
        related_name="obligations",
    )
    key = models.CharField(_("identifiant"), max_length=60)
    source = models.CharField(_("texte"), max_length=10)
    article = models.CharField(_("article"), max_length=80)
    title = models.CharField(_("intitulé"), max_length=400)
    title_en = models.CharField(_("intitulé (anglais)"), max_length=400)
    operator_role = models.CharField(_("rôle de l'organisme"), max_length=30, blank=True)
    due_date = models.DateField(_("échéance"), null=True, blank=True)
    status = models.CharField(
        _("statut"), max_length=20, choices=ObligationStatus.choices, default=ObligationStatus.TODO
    )
    status_reason = models.TextField(_("motif"), blank=True, max_length=5000)
    owner = models.ForeignKey(
        USER,
        verbose_name=_("responsable"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    signer_role = models.CharField(_("validée par"), max_length=10, choices=SignerRole.choices)
    signed_off_by = models.ForeignKey(
        USER,
        verbose_name=_("validée par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    signed_off_at = models.DateTimeField(_("validée le"), null=True, blank=True)
    qualification_version = models.PositiveIntegerField(_("version de la qualification"))
    requalification_note = models.TextField(_("ce que la requalification a changé"), blank=True)
    to_review = models.BooleanField(_("à revoir après requalification"), default=False)
    dropped = models.BooleanField(_("n'est plus exigée"), default=False)
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["use_case_id", "dropped", "due_date", "id"]
        verbose_name = _("obligation à suivre")
        verbose_name_plural = _("obligations à suivre")
        constraints = [
            models.UniqueConstraint(fields=["use_case", "key"], name="compliance_obligation_once_per_usecase")
        ]
        indexes = [models.Index(fields=["key", "due_date"]), models.Index(fields=["owner", "status"])]

    def __str__(self) -> str:
        return f"{self.title} — {self.use_case}"

    @property
    def shown_title(self) -> str:
        """The title in the reader's language (English when the interface is in English)."""
        return self.title_en if (get_language() or "").startswith("en") and self.title_en else self.title

    @property
    def owner_name(self) -> str:
        return person(self.owner)

    @property
    def signed_off_name(self) -> str:
        return person(self.signed_off_by)

    @property
    def is_closed(self) -> bool:
        return self.status in (ObligationStatus.DONE, ObligationStatus.NOT_APPLICABLE)


class Evidence(models.Model):
    """A proof attached to an obligation: a file (a use-case attachment, so the attachment rules apply),
    a link, or a platform object (a generated qualification document, an evaluation run, a training
    record), referred to by its id and kept with its label at the time."""

    obligation = models.ForeignKey(ObligationItem, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(_("nature"), max_length=30, choices=EvidenceKind.choices)
    attachment = models.ForeignKey(
        "registry.Attachment", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    url = models.URLField(_("adresse"), blank=True, max_length=500)
    object_id = models.PositiveBigIntegerField(_("objet de la plateforme"), null=True, blank=True)
    label = models.CharField(_("libellé"), max_length=300)
    note = models.CharField(_("commentaire"), max_length=500, blank=True)
    added_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    added_at = models.DateTimeField(_("ajoutée le"), auto_now_add=True)

    class Meta:
        ordering = ["added_at", "id"]
        verbose_name = _("preuve")
        verbose_name_plural = _("preuves")

    def __str__(self) -> str:
        return self.label

    @property
    def added_by_name(self) -> str:
        return person(self.added_by)


class Risk(models.Model):
    """One entry of the risk register of a use case (AI Act Art. 9): a risk to health, safety or
    fundamental rights, its likelihood and severity (CNIL PIA scales, 1 to 4), the measures, the residual
    risk once they apply (Art. 9(5)) and when it is reviewed next. It may come from an incident or a
    negative externality of the monitoring module (``source_kind``/``source_id``)."""

    use_case = models.ForeignKey(
        "registry.UseCase", verbose_name=_("cas d'usage"), on_delete=models.CASCADE, related_name="risks"
    )
    title = models.CharField(_("risque"), max_length=200)
    description = models.TextField(_("description"), max_length=5000)
    area = models.CharField(_("ce qui est menacé"), max_length=20, choices=RiskArea.choices)
    origin = models.CharField(_("origine"), max_length=20, choices=RiskOrigin.choices)
    affected_groups = models.CharField(
        _("personnes ou groupes exposés"),
        max_length=300,
        blank=True,
        help_text=_("Dont les mineurs et les autres groupes vulnérables (art. 9(9))."),
    )
    likelihood = models.PositiveSmallIntegerField(_("vraisemblance"), choices=SCALE)
    severity = models.PositiveSmallIntegerField(_("gravité"), choices=SCALE)
    mitigations = models.TextField(_("mesures"), blank=True, max_length=5000)
    residual_likelihood = models.PositiveSmallIntegerField(
        _("vraisemblance résiduelle"), choices=SCALE, null=True, blank=True
    )
    residual_severity = models.PositiveSmallIntegerField(
        _("gravité résiduelle"), choices=SCALE, null=True, blank=True
    )
    residual_acceptable = models.BooleanField(
        _("risque résiduel jugé acceptable (art. 9(5))"), null=True, blank=True
    )
    status = models.CharField(_("état"), max_length=10, choices=RiskStatus.choices, default=RiskStatus.OPEN)
    owner = models.ForeignKey(
        USER,
        verbose_name=_("responsable"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    next_review_on = models.DateField(_("prochaine revue le"))
    last_reviewed_on = models.DateField(_("dernière revue le"), null=True, blank=True)
    source_kind = models.CharField(_("enregistrement d'origine"), max_length=20, blank=True)
    source_id = models.PositiveBigIntegerField(null=True, blank=True)
    source_label = models.CharField(max_length=300, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["use_case_id", "status", "-likelihood", "-severity", "id"]
        verbose_name = _("risque")
        verbose_name_plural = _("registre des risques")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(likelihood__gte=1, likelihood__lte=4, severity__gte=1, severity__lte=4),
                name="compliance_risk_scales",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} — {self.use_case}"

    @property
    def level(self) -> str:
        return risk_level(self.likelihood, self.severity).value

    @property
    def residual_level(self) -> str:
        if self.residual_likelihood and self.residual_severity:
            return risk_level(self.residual_likelihood, self.residual_severity).value
        return ""

    @property
    def owner_name(self) -> str:
        return person(self.owner)

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        today = timezone.localdate()
        self.title = " ".join((self.title or "").split())
        if not self.title:
            errors["title"] = _("Nommez le risque.")
        if not (self.description or "").strip():
            errors["description"] = _(
                "Décrivez le risque : ce qui peut arriver, à qui, dans quelle situation."
            )
        if (self.residual_likelihood is None) != (self.residual_severity is None):
            errors["residual_severity"] = _(
                "Le risque résiduel se note par sa vraisemblance et sa gravité : "
                "renseignez les deux ou aucune."
            )
        if self.residual_acceptable is not None and self.residual_likelihood is None:
            errors["residual_acceptable"] = _(
                "Évaluez le risque résiduel avant de le juger acceptable ou non."
            )
        if self.status != RiskStatus.OPEN and not (self.mitigations or "").strip():
            errors["mitigations"] = _("Un risque maîtrisé ou clos indique les mesures prises (art. 9(2)(d)).")
        if self.last_reviewed_on and self.last_reviewed_on > today:
            errors["last_reviewed_on"] = _(
                "La date de dernière revue (%(last_reviewed_on)s) est dans le futur."
            ) % {"last_reviewed_on": format(self.last_reviewed_on, "%d/%m/%Y")}
        if self.next_review_on and self.last_reviewed_on and self.next_review_on < self.last_reviewed_on:
            errors["next_review_on"] = _("La prochaine revue ne peut pas précéder la dernière.")
        if errors:
            raise ValidationError(errors)


class Vendor(models.Model):
    """A provider of AI systems that an organisation uses (vendor register)."""

    organisation = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="vendors",
    )
    name = models.CharField(_("fournisseur"), max_length=200)
    siren = models.CharField(_("SIREN"), max_length=9, blank=True)
    country = models.CharField(_("pays"), max_length=60, default="France")
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    website = models.URLField(_("site"), blank=True, max_length=300)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation_id", "name", "id"]
        verbose_name = _("fournisseur")
        verbose_name_plural = _("registre des fournisseurs")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="compliance_vendor_once_per_org")
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        self.name = " ".join((self.name or "").split())
        if not self.name:
            raise ValidationError({"name": _("Indiquez le nom du fournisseur.")})
        if self.siren:
            error = siren_error(self.siren)
            if error:
                raise ValidationError({"siren": error})
            self.siren = normalise_siren(self.siren)


class VendorSystem(models.Model):
    """An AI system of a vendor, the contract under which it is used and the use cases that run it."""

    vendor = models.ForeignKey(Vendor, on_delete=models.CASCADE, related_name="systems")
    name = models.CharField(_("système"), max_length=200)
    release = models.CharField(_("version"), max_length=60, blank=True)
    use_cases = models.ManyToManyField(
        "registry.UseCase", verbose_name=_("cas d'usage"), blank=True, related_name="+"
    )
    contract_reference = models.CharField(_("référence du marché"), max_length=120, blank=True)
    contract_start = models.DateField(_("début du marché"), null=True, blank=True)
    contract_end = models.DateField(_("fin du marché"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["vendor_id", "name", "id"]
        verbose_name = _("système d'un fournisseur")
        verbose_name_plural = _("systèmes des fournisseurs")

    def __str__(self) -> str:
        return f"{self.name} ({self.vendor})"

    def clean(self) -> None:
        self.name = " ".join((self.name or "").split())
        if not self.name:
            raise ValidationError({"name": _("Indiquez le nom du système.")})
        if self.contract_start and self.contract_end and self.contract_end < self.contract_start:
            raise ValidationError(
                {"contract_end": _("La fin du marché précède son début : vérifiez les deux dates.")}
            )


class VendorDocument(models.Model):
    """A document received from the vendor for one of its systems (a file under the attachment rules, kept
    as an attachment of one of the use cases, or a link or a reference)."""

    system = models.ForeignKey(VendorSystem, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("document"), max_length=30, choices=VendorDocumentKind.choices)
    received_on = models.DateField(_("reçu le"))
    reference = models.CharField(_("référence ou adresse"), max_length=500, blank=True)
    attachment = models.ForeignKey(
        "registry.Attachment", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(_("commentaire"), max_length=500, blank=True)
    added_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["system_id", "kind", "-received_on"]
        verbose_name = _("document d'un fournisseur")
        verbose_name_plural = _("documents des fournisseurs")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.system}"

    def clean(self) -> None:
        if self.received_on and self.received_on > timezone.localdate():
            raise ValidationError(
                {
                    "received_on": _("La date de réception (%(received_on)s) est dans le futur.")
                    % {"received_on": format(self.received_on, "%d/%m/%Y")}
                }
            )
        if not self.attachment_id and not (self.reference or "").strip():
            raise ValidationError(
                {"reference": _("Joignez le fichier ou indiquez sa référence ou son adresse.")}
            )


class VendorCharterCheck(models.Model):
    """How a vendor's system meets one principle of the purchasing charter."""

    system = models.ForeignKey(VendorSystem, on_delete=models.CASCADE, related_name="charter_checks")
    principle = models.ForeignKey("lifecycle.CharterPrinciple", on_delete=models.CASCADE, related_name="+")
    level = models.CharField(_("niveau"), max_length=20, choices=CHECK_LEVELS)
    evidence = models.TextField(_("éléments"), blank=True, max_length=3000)
    checked_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    checked_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["system_id", "principle__position"]
        verbose_name = _("contrôle au regard de la charte d'achat")
        verbose_name_plural = _("contrôles au regard de la charte d'achat")
        constraints = [
            models.UniqueConstraint(fields=["system", "principle"], name="compliance_vendor_check_once")
        ]

    def __str__(self) -> str:
        return f"{self.system} — {self.principle}"

    def clean(self) -> None:
        if self.level in ("met", "partial") and not (self.evidence or "").strip():
            raise ValidationError({"evidence": _("Indiquez ce qui montre que le principe est respecté.")})


def file_job_path(instance: FileJob, filename: str) -> str:
    return f"compliance/files/{instance.pk or 'new'}/{filename}"


class FileJob(models.Model):
    """A file of the compliance file prepared in the background: the whole file as a ZIP, or one of the
    provider's generated documents as PDF or DOCX. Generating one takes seconds (the Annex IV PDF about
    16 s), so the request only queues the job; the page follows ``progress``/``step`` and offers the file
    when it is ready (templates/www/_progress.html)."""

    use_case = models.ForeignKey(
        "registry.UseCase", verbose_name=_("cas d'usage"), on_delete=models.CASCADE, related_name="+"
    )
    #: ``dossier`` (the ZIP) or a key of :data:`atlasia.compliance.documents.KINDS`.
    kind = models.CharField(_("fichier"), max_length=30)
    fmt = models.CharField(_("format"), max_length=4)
    #: For a document of the qualification: the version asked for (``None``: the latest one).
    qualification_version = models.PositiveIntegerField(
        _("version de la qualification"), null=True, blank=True
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        _("état"), max_length=10, choices=FileJobStatus.choices, default=FileJobStatus.PENDING
    )
    progress = models.PositiveSmallIntegerField(_("avancement (%)"), default=0)
    step = models.CharField(_("étape en cours"), max_length=200, blank=True)
    error = models.TextField(_("erreur"), blank=True)
    file = models.FileField(_("fichier préparé"), upload_to=file_job_path, blank=True, max_length=200)
    filename = models.CharField(_("nom du fichier"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("demandé le"), auto_now_add=True)
    finished_at = models.DateTimeField(_("terminé le"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("préparation d'un fichier du dossier de conformité")
        verbose_name_plural = _("préparations de fichiers du dossier de conformité")
        indexes = [models.Index(fields=["use_case", "kind", "fmt", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.label} — {self.use_case}"

    @property
    def label(self) -> str:
        from atlasia.qualification.documents import KINDS as QUALIFICATION_KINDS

        from .documents import kinds

        if self.kind == DOSSIER:
            return str(_("Dossier de conformité (ZIP avec index)"))
        title = kinds().get(self.kind) or gettext(QUALIFICATION_KINDS.get(self.kind, self.kind))
        if self.qualification_version:
            return gettext("%(title)s, qualification v%(version)s (%(fmt)s)") % {
                "title": title,
                "version": self.qualification_version,
                "fmt": self.fmt.upper(),
            }
        return f"{title} ({self.fmt.upper()})"

    @property
    def is_finished(self) -> bool:
        return self.status in {FileJobStatus.DONE, FileJobStatus.FAILED}
