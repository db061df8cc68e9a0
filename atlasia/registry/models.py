"""Organisations, reference lists, algorithms and the use-case record with its attachments and contacts.

Models hold data and integrity rules (``clean``); writes go through ``services.py`` and reads through
``selectors.py``.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from atlasia.core.identifiers import finess_error, normalise_siren, siren_error

from . import reference
from .enums import Hosting, OrganisationType, ProviderType, PublicationLevel, SourceReliability, Status


class Organisation(models.Model):
    name = models.CharField(_("nom"), max_length=200)
    slug = models.SlugField(_("identifiant court"), max_length=80, unique=True)
    type = models.CharField(_("type"), max_length=20, choices=OrganisationType.choices)
    siren = models.CharField(_("SIREN"), max_length=9, blank=True, help_text=_("9 chiffres, clé de Luhn."))
    finess = models.CharField(
        _("FINESS"), max_length=9, blank=True, help_text=_("9 caractères, par exemple 750712184.")
    )
    region = models.CharField(_("région"), max_length=3, blank=True, choices=reference.region_choices)
    department = models.CharField(
        _("département"), max_length=3, blank=True, choices=reference.department_choices
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("organisation de rattachement"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    city = models.CharField(_("ville"), max_length=120, blank=True)
    country = models.CharField(_("pays"), max_length=2, default="FR")
    website = models.URLField(_("site web"), blank=True)
    description = models.TextField(_("présentation"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        indexes = [
            models.Index(fields=["region"]),
            models.Index(fields=["type"]),
            models.Index(fields=["name", "id"], name="registry_org_sort_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.siren:
            self.siren = normalise_siren(self.siren)
            if message := siren_error(self.siren):
                errors["siren"] = message
        if self.finess:
            self.finess = self.finess.strip().upper()
            if message := finess_error(self.finess):
                errors["finess"] = message
        if self.department:
            expected_region = reference.department_region().get(self.department)
            if expected_region is None:
                errors["department"] = _("Le département « %(department)s » n'existe pas.") % {
                    "department": self.department
                }
            elif self.region and self.region != expected_region:
                region_name = reference.region_names().get(expected_region, expected_region)
                errors["department"] = _(
                    "Le département %(department)s appartient à la région %(region_name)s, "
                    "pas à la région choisie."
                ) % {"department": self.department, "region_name": region_name}
            elif not self.region:
                self.region = expected_region
        if self.parent_id and self.pk and self.parent_id == self.pk:
            errors["parent"] = _("Une organisation ne peut pas être rattachée à elle-même.")
        if errors:
            raise ValidationError(errors)


class ReferenceItem(models.Model):
    """A code list item loaded from ``data/reference`` (labels in French and English)."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    label_fr = models.CharField(_("libellé"), max_length=200)
    label_en = models.CharField(_("libellé (anglais)"), max_length=200, blank=True)
    description_fr = models.TextField(_("description"), blank=True)
    position = models.PositiveIntegerField(default=0)
    extra = models.JSONField(default=dict, blank=True)

    class Meta:
        abstract = True
        ordering = ["position", "label_fr"]

    def __str__(self) -> str:
        return self.label_fr

    @property
    def label(self) -> str:
        """The English label when the language is English (and one is filled in), else the French one."""
        if (get_language() or "fr").startswith("en") and self.label_en:
            return self.label_en
        return self.label_fr


class Theme(ReferenceItem):
    class Meta(ReferenceItem.Meta):
        verbose_name = _("thème")
        verbose_name_plural = _("thèmes")


class Pillar(ReferenceItem):
    class Meta(ReferenceItem.Meta):
        verbose_name = _("axe stratégique")
        verbose_name_plural = _("axes stratégiques")


class AITechnique(ReferenceItem):
    class Meta(ReferenceItem.Meta):
        verbose_name = _("technique d'IA")
        verbose_name_plural = _("techniques d'IA")


class DataCategory(ReferenceItem):
    class Meta(ReferenceItem.Meta):
        verbose_name = _("catégorie de données")
        verbose_name_plural = _("catégories de données")


class Algorithm(models.Model):
    """An entry of the algorithm library, with its model card."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("nom"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    licence = models.CharField(_("licence"), max_length=100, blank=True)
    repository_url = models.URLField(_("dépôt du code"), blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation qui le publie"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="algorithms",
    )
    purpose = models.TextField(_("finalité"), blank=True)
    training_data = models.TextField(_("données d'entraînement"), blank=True)
    performance = models.TextField(_("performances mesurées"), blank=True)
    known_limits = models.TextField(_("limites connues"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("algorithme")
        verbose_name_plural = _("algorithmes")

    def __str__(self) -> str:
        return self.name


class UseCase(models.Model):
    """The use-case record (product.md §1). Its fields cover UK ATRS tiers 1–2, the Dutch algorithm
    register schema and AI Act Annex VIII, so that exports need no retyping."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Identity and purpose
    title = models.CharField(_("titre"), max_length=200)
    summary = models.TextField(_("résumé"))
    problem = models.TextField(_("problème traité"), blank=True)
    expected_benefits = models.TextField(_("bénéfices attendus"), blank=True)
    theme = models.ForeignKey(Theme, verbose_name=_("thème"), on_delete=models.PROTECT, related_name="+")
    pillar = models.ForeignKey(
        Pillar,
        verbose_name=_("axe stratégique"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    tags = models.JSONField(_("mots-clés"), default=list, blank=True)
    # Who
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation porteuse"),
        on_delete=models.PROTECT,
        related_name="use_cases",
    )
    partner_organisations = models.ManyToManyField(
        Organisation,
        verbose_name=_("organisations partenaires"),
        blank=True,
        related_name="partner_use_cases",
    )
    partners_other = models.TextField(_("autres partenaires"), blank=True)
    sites = models.TextField(_("sites"), blank=True)
    target_population = models.TextField(_("population concernée"), blank=True)
    # Accountability (UK ATRS 2.1.2 and 2.1.3): a role distinct from the DPO, who is a contact.
    team = models.CharField(_("équipe responsable"), max_length=200, blank=True)
    senior_responsible_owner = models.CharField(
        _("responsable de haut niveau (nom et fonction)"), max_length=300, blank=True
    )
    # How
    ai_technique = models.ForeignKey(
        AITechnique, verbose_name=_("technique d'IA"), on_delete=models.PROTECT, related_name="+"
    )
    provider_type = models.CharField(
        _("réalisation"), max_length=20, choices=ProviderType.choices, default=ProviderType.IN_HOUSE
    )
    provider_name = models.CharField(_("prestataire ou éditeur"), max_length=200, blank=True)
    algorithm = models.ForeignKey(
        Algorithm,
        verbose_name=_("algorithme"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="use_cases",
    )
    human_oversight = models.TextField(_("contrôle humain"), blank=True)
    # Legal basis, proportionality, risks (Dutch register lawful_basis, proportionality, risks; ATRS 2.5.2)
    legal_basis_details = models.TextField(_("textes qui fondent le traitement"), blank=True)
    proportionality = models.TextField(_("proportionnalité"), blank=True)
    risks_and_mitigations = models.TextField(_("risques identifiés et mesures pour les réduire"), blank=True)
    # Data
    personal_data = models.BooleanField(_("données personnelles"), default=False)
    health_data = models.BooleanField(_("données de santé"), default=False)
    data_categories = models.ManyToManyField(
        DataCategory, verbose_name=_("catégories de données"), blank=True, related_name="+"
    )
    data_sources = models.TextField(_("sources des données"), blank=True)
    data_volume = models.CharField(_("volumes"), max_length=300, blank=True)
    hosting = models.CharField(_("hébergement"), max_length=40, choices=Hosting.choices, blank=True)
    # Status, dates, money
    status = models.CharField(_("étape"), max_length=20, choices=Status.choices, default=Status.IDEA)
    start_date = models.DateField(_("date de début"), null=True, blank=True)
    end_date = models.DateField(_("date de fin"), null=True, blank=True)
    dates_note = models.CharField(_("précision sur les dates"), max_length=300, blank=True)
    cost_eur = models.DecimalField(_("coût (€)"), max_digits=14, decimal_places=2, null=True, blank=True)
    funding = models.TextField(_("financement"), blank=True)
    next_review_date = models.DateField(_("prochaine revue"), null=True, blank=True)
    # Publication
    publication_level = models.CharField(
        _("niveau de publication"),
        max_length=10,
        choices=PublicationLevel.choices,
        default=PublicationLevel.INTERNAL,
    )
    from_public_sources = models.BooleanField(_("construit à partir de sources publiques"), default=False)
    catalogue_slug = models.SlugField(max_length=100, blank=True, db_index=True)
    # Bookkeeping
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("cas d'usage")
        verbose_name_plural = _("cas d'usage")
        indexes = [
            models.Index(fields=["status"]),
            models.Index(fields=["publication_level"]),
            models.Index(fields=["organisation", "publication_level"]),
            # A reader's visible records (level shared, or her organisations) read from the index alone
            # (index-only scan), not from the wide rows: the semantic search joins them at every query.
            models.Index(
                fields=["publication_level", "organisation"], include=["id"], name="registry_uc_visibility"
            ),
            models.Index(fields=["-updated_at", "-id"]),
            # One index per sort of the list page (registry.selectors.SORTS), so that a page of 50 out of
            # 100,000 records is read in order instead of sorting them all (issue 18).
            models.Index(fields=["title", "id"], name="registry_uc_sort_title"),
            models.Index(fields=["status", "title", "id"], name="registry_uc_sort_status"),
            models.Index(fields=["-start_date", "-id"], name="registry_uc_sort_start"),
            models.Index(fields=["organisation", "title", "id"], name="registry_uc_sort_org"),
            # The list's filters with a member's visibility (her organisations, or the levels shared with
            # the network) read from the index alone: the capped count of ``?status=``, ``?theme=`` or
            # ``?technique=`` reads at most 10,001 index entries, not as many rows of the table (#18).
            # A status and the default order: the recently updated records are seldom the deployed ones,
            # so walking the ``-updated_at`` index for 50 of them read 2,600 rows (12 ms at 100k).
            models.Index(
                fields=["status", "-updated_at", "-id"],
                include=["publication_level", "organisation"],
                name="registry_uc_status_updated",
            ),
            models.Index(
                fields=["theme", "publication_level", "organisation"],
                include=["id"],
                name="registry_uc_theme_visible",
            ),
            models.Index(
                fields=["ai_technique", "publication_level", "organisation"],
                include=["id"],
                name="registry_uc_technique_visible",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _(
                "La date de fin (%(end_date)s) est antérieure à la date de début (%(start_date)s)."
            ) % {
                "end_date": format(self.end_date, "%d/%m/%Y"),
                "start_date": format(self.start_date, "%d/%m/%Y"),
            }
        if self.health_data and not self.personal_data:
            errors["health_data"] = _(
                "Des données de santé relatives à des personnes sont des données "
                "personnelles : cochez aussi « données personnelles »."
            )
        if self.cost_eur is not None and self.cost_eur < 0:
            errors["cost_eur"] = _("Le coût ne peut pas être négatif.")
        if not isinstance(self.tags, list) or not all(isinstance(t, str) for t in self.tags):
            errors["tags"] = _("Les mots-clés doivent être une liste de textes.")
        if errors:
            raise ValidationError(errors)


class Source(models.Model):
    use_case = models.ForeignKey(UseCase, on_delete=models.CASCADE, related_name="sources")
    url = models.URLField(_("adresse"), max_length=500)
    title = models.CharField(_("titre"), max_length=300, blank=True)
    reliability = models.CharField(
        _("fiabilité"), max_length=2, choices=SourceReliability.choices, default=SourceReliability.VERIFIED
    )

    class Meta:
        verbose_name = _("source publique")
        verbose_name_plural = _("sources publiques")

    def __str__(self) -> str:
        return self.title or self.url


class Contact(models.Model):
    use_case = models.ForeignKey(UseCase, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("nom"), max_length=200, blank=True)
    role = models.CharField(_("fonction"), max_length=200)
    email = models.EmailField(_("courriel"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    is_public = models.BooleanField(_("affiché dans le registre public"), default=False)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self) -> str:
        return self.name or self.role


def attachment_path(instance: Attachment, filename: str) -> str:
    # The stored name never reuses the uploaded name: no path tricks, no collisions.
    return f"attachments/{instance.use_case.uid}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    use_case = models.ForeignKey(UseCase, on_delete=models.CASCADE, related_name="attachments")
    title = models.CharField(_("titre"), max_length=200)
    file = models.FileField(_("fichier"), upload_to=attachment_path, max_length=300)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = _("pièce jointe")
        verbose_name_plural = _("pièces jointes")

    def __str__(self) -> str:
        return self.title
