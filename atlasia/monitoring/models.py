"""After deployment (incidents, negative externalities), environmental footprint, AI literacy and the
ambassadors network. Models hold data and integrity rules (``clean``, with French messages naming the
field); writes go through ``services.py`` and reads through ``selectors.py``."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import deadlines
from .enums import (
    Authority,
    EventFormat,
    ExternalityCategory,
    ExternalitySource,
    ExternalityStatus,
    FootprintMethod,
    IncidentStatus,
    ModuleKind,
    ModuleLevel,
    Phase,
    SeriousKind,
    Severity,
)


def _fmt(day: date) -> str:
    return f"{day:%d/%m/%Y}"


# --- incidents ---------------------------------------------------------------------------------------


class Incident(models.Model):
    use_case = models.ForeignKey(
        "registry.UseCase", verbose_name=_("cas d'usage"), on_delete=models.CASCADE, related_name="incidents"
    )
    title = models.CharField(_("intitulé"), max_length=200)
    occurred_on = models.DateField(_("date de l'incident"))
    description = models.TextField(_("description"), max_length=10000)
    people_affected = models.PositiveIntegerField(_("personnes concernées"), null=True, blank=True)
    severity = models.CharField(_("gravité"), max_length=10, choices=Severity.choices)
    serious_kind = models.CharField(
        _("nature de l'incident grave"), max_length=40, choices=SeriousKind.choices, blank=True
    )
    aware_on = models.DateField(
        _("date de prise de connaissance"),
        null=True,
        blank=True,
        help_text=_("Le délai de signalement (AI Act art. 73) court à partir de cette date."),
    )
    is_medical_device = models.BooleanField(
        _("dispositif médical"), default=False, help_text=_("Le signalement va alors à l'ANSM.")
    )
    status = models.CharField(
        _("état"), max_length=20, choices=IncidentStatus.choices, default=IncidentStatus.OPEN
    )
    corrective_actions = models.TextField(_("actions correctives"), blank=True, max_length=10000)
    reported_on = models.DateField(_("signalé le"), null=True, blank=True)
    reported_to = models.CharField(_("signalé à"), max_length=30, choices=Authority.choices, blank=True)
    report_reference = models.CharField(_("référence du signalement"), max_length=200, blank=True)
    closed_on = models.DateField(_("clos le"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-occurred_on", "-id"]
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        indexes = [models.Index(fields=["severity", "status"])]

    def __str__(self) -> str:
        return f"{self.title} ({self.occurred_on:%d/%m/%Y})" if self.occurred_on else self.title

    @property
    def is_serious(self) -> bool:
        return self.severity == Severity.SERIOUS

    @property
    def deadline(self) -> date | None:
        """Latest date to report the serious incident (AI Act Art. 73), ``None`` otherwise."""
        if not self.is_serious:
            return None
        return deadlines.deadline_for(self.aware_on, self.serious_kind)

    def countdown(self, today: date | None = None) -> str:
        deadline = self.deadline
        if deadline is None:
            return ""
        return deadlines.countdown_fr(deadline, today or timezone.localdate(), self.reported_on)

    @property
    def authority(self) -> str:
        return Authority.ANSM if self.is_medical_device else Authority.MARKET_SURVEILLANCE

    @property
    def to_report(self) -> bool:
        return self.is_serious and self.reported_on is None and self.status != IncidentStatus.CLOSED

    def clean(self) -> None:
        today = timezone.localdate()
        errors: dict[str, Any] = {}
        if self.occurred_on and self.occurred_on > today:
            errors["occurred_on"] = f"La date de l'incident ({_fmt(self.occurred_on)}) est dans le futur."
        if self.aware_on:
            if self.aware_on > today:
                errors["aware_on"] = (
                    f"La date de prise de connaissance ({_fmt(self.aware_on)}) est dans le futur."
                )
            elif self.occurred_on and self.aware_on < self.occurred_on:
                errors["aware_on"] = (
                    f"La prise de connaissance ({_fmt(self.aware_on)}) ne peut pas précéder l'incident "
                    f"({_fmt(self.occurred_on)})."
                )
        if self.severity == Severity.SERIOUS:
            if not self.serious_kind:
                errors["serious_kind"] = (
                    "Précisez la nature de l'incident grave : elle fixe le délai de signalement."
                )
            if not self.aware_on:
                errors["aware_on"] = (
                    "Indiquez la date de prise de connaissance : le délai de signalement en dépend."
                )
        else:
            self.serious_kind = ""
        if self.reported_on:
            if self.reported_on > today:
                errors["reported_on"] = (
                    f"La date de signalement ({_fmt(self.reported_on)}) est dans le futur."
                )
            elif self.occurred_on and self.reported_on < self.occurred_on:
                errors["reported_on"] = "Le signalement ne peut pas précéder l'incident."
            if not self.reported_to:
                errors["reported_to"] = "Indiquez à quelle autorité l'incident a été signalé."
            elif self.is_medical_device and self.reported_to != Authority.ANSM:
                errors["reported_to"] = "Pour un dispositif médical, l'incident se signale à l'ANSM."
        if self.people_affected is not None and self.people_affected < 0:
            errors["people_affected"] = "Le nombre de personnes concernées ne peut pas être négatif."
        if self.status == IncidentStatus.CLOSED and not self.corrective_actions.strip():
            errors["corrective_actions"] = (
                "Un incident ne peut être clos qu'une fois les actions correctives décrites."
            )
        if errors:
            raise ValidationError(errors)


class IncidentReminder(models.Model):
    """One reminder e-mail per serious incident and per day (the command is idempotent per day)."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="reminders")
    sent_on = models.DateField(_("envoyé le"))
    recipients = models.TextField(_("destinataires"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_on", "-id"]
        verbose_name = _("relance d'incident")
        verbose_name_plural = _("relances d'incidents")
        constraints = [
            models.UniqueConstraint(fields=["incident", "sent_on"], name="incident_reminder_once_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.incident} — {self.sent_on:%d/%m/%Y}"


# --- negative externalities --------------------------------------------------------------------------


class Externality(models.Model):
    """A negative externality reported by an agent, or copied from the public register's problem report
    (without the reporter's e-mail: no personal data is kept here)."""

    use_case = models.ForeignKey(
        "registry.UseCase",
        verbose_name=_("cas d'usage"),
        on_delete=models.CASCADE,
        related_name="externalities",
    )
    source = models.CharField(_("origine"), max_length=10, choices=ExternalitySource.choices)
    category = models.CharField(_("catégorie"), max_length=20, choices=ExternalityCategory.choices)
    description = models.TextField(_("description"), max_length=5000)
    status = models.CharField(
        _("suivi"), max_length=10, choices=ExternalityStatus.choices, default=ExternalityStatus.NEW
    )
    observed_on = models.DateField(_("constaté le"), null=True, blank=True)
    public_report_id = models.BigIntegerField(_("signalement public"), null=True, blank=True, unique=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("externalité négative")
        verbose_name_plural = _("externalités négatives")
        indexes = [models.Index(fields=["category", "status"])]

    def __str__(self) -> str:
        return f"{self.get_category_display()} — {self.use_case}"

    def clean(self) -> None:
        if self.observed_on and self.observed_on > timezone.localdate():
            raise ValidationError({"observed_on": f"La date ({_fmt(self.observed_on)}) est dans le futur."})
        if not self.description.strip():
            raise ValidationError({"description": "Décrivez ce qui a été constaté."})


class ExternalityNote(models.Model):
    externality = models.ForeignKey(Externality, on_delete=models.CASCADE, related_name="notes")
    text = models.TextField(_("note de suivi"), max_length=5000)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_label = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("note de suivi")
        verbose_name_plural = _("notes de suivi")

    def __str__(self) -> str:
        return self.text[:60]


# --- footprint ---------------------------------------------------------------------------------------


class Footprint(models.Model):
    """Energy, CO2e and water of one phase of a use case over a period, with the method and its source."""

    use_case = models.ForeignKey(
        "registry.UseCase", verbose_name=_("cas d'usage"), on_delete=models.CASCADE, related_name="footprints"
    )
    phase = models.CharField(_("phase"), max_length=10, choices=Phase.choices)
    method = models.CharField(_("méthode"), max_length=10, choices=FootprintMethod.choices)
    period_start = models.DateField(_("début de la période"), null=True, blank=True)
    period_end = models.DateField(_("fin de la période"), null=True, blank=True)
    energy_kwh = models.FloatField(_("énergie (kWh)"), null=True, blank=True)
    co2e_kg = models.FloatField(_("émissions (kg CO2e)"), null=True, blank=True)
    water_l = models.FloatField(_("eau (L)"), null=True, blank=True)
    carbon_factor = models.FloatField(
        _("facteur d'émission (kg CO2e/kWh)"),
        null=True,
        blank=True,
        help_text=_("Facteur appliqué quand les émissions sont calculées à partir de l'énergie."),
    )
    method_note = models.TextField(_("méthode et sources"), blank=True)
    # Estimation inputs (generative AI)
    provider = models.CharField(_("fournisseur du modèle"), max_length=60, blank=True)
    model_name = models.CharField(_("modèle"), max_length=120, blank=True)
    output_tokens_per_request = models.PositiveIntegerField(
        _("jetons générés par requête"), null=True, blank=True
    )
    requests = models.PositiveBigIntegerField(_("nombre de requêtes"), null=True, blank=True)
    # Measurement (CodeCarbon)
    source_file_name = models.CharField(_("fichier importé"), max_length=255, blank=True)
    # SHA-256 of the imported file: the same file imported twice for a use case would count the same
    # measurements twice (refused; the unique constraint holds under concurrent submissions too).
    source_file_hash = models.CharField(_("empreinte SHA-256 du fichier"), max_length=64, blank=True)
    measurement_rows = models.PositiveIntegerField(_("lignes de mesure"), null=True, blank=True)
    tool_version = models.CharField(_("version de l'outil"), max_length=60, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("empreinte environnementale")
        verbose_name_plural = _("empreintes environnementales")
        constraints = [
            models.UniqueConstraint(
                fields=["use_case", "source_file_hash"],
                condition=~models.Q(source_file_hash=""),
                name="footprint_file_imported_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_phase_display()} — {self.get_method_display()} — {self.use_case}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        for name, label in (("energy_kwh", "L'énergie"), ("co2e_kg", "Les émissions"), ("water_l", "L'eau")):
            value = getattr(self, name)
            if value is not None and value < 0:
                errors[name] = f"{label} ne peut pas être négative ({value})."
        if self.energy_kwh is None and self.co2e_kg is None:
            errors["energy_kwh"] = "Indiquez au moins l'énergie consommée ou les émissions."
        today = timezone.localdate()
        for name in ("period_start", "period_end"):
            value = getattr(self, name)
            if value and value > today:
                errors[name] = f"La date {_fmt(value)} est dans le futur."
        if self.period_start and self.period_end and self.period_end < self.period_start:
            errors["period_end"] = (
                f"La fin de la période ({_fmt(self.period_end)}) précède son début "
                f"({_fmt(self.period_start)})."
            )
        if errors:
            raise ValidationError(errors)


# --- AI literacy -------------------------------------------------------------------------------------


class TrainingModule(models.Model):
    title = models.CharField(_("intitulé"), max_length=200)
    provider = models.CharField(_("organisme de formation"), max_length=200)
    kind = models.CharField(_("type"), max_length=10, choices=ModuleKind.choices, default=ModuleKind.EXTERNAL)
    duration_hours = models.DecimalField(_("durée (heures)"), max_digits=6, decimal_places=1)
    level = models.CharField(_("niveau"), max_length=15, choices=ModuleLevel.choices)
    url = models.URLField(_("adresse"), blank=True, max_length=500)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("proposé"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title", "id"]
        verbose_name = _("module de formation")
        verbose_name_plural = _("modules de formation")

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.duration_hours is not None and self.duration_hours <= 0:
            raise ValidationError({"duration_hours": "La durée doit être positive."})


class TrainingCompletion(models.Model):
    """One person (a user, or an agent named by the organisation) who completed a module."""

    module = models.ForeignKey(TrainingModule, on_delete=models.PROTECT, related_name="completions")
    organisation = models.ForeignKey(
        "registry.Organisation", on_delete=models.CASCADE, related_name="training_completions"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    person_name = models.CharField(_("nom de la personne"), max_length=200)
    completed_on = models.DateField(_("terminé le"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-completed_on", "-id"]
        verbose_name = _("formation suivie")
        verbose_name_plural = _("formations suivies")
        constraints = [
            models.UniqueConstraint(
                fields=["module", "organisation", "person_name"], name="completion_once_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_name} — {self.module}"

    def clean(self) -> None:
        self.person_name = " ".join((self.person_name or "").split())
        errors: dict[str, str] = {}
        if not self.person_name:
            errors["person_name"] = "Indiquez la personne formée."
        if self.completed_on and self.completed_on > timezone.localdate():
            errors["completed_on"] = f"La date ({_fmt(self.completed_on)}) est dans le futur."
        if errors:
            raise ValidationError(errors)


class LiteracyDeclaration(models.Model):
    """What an organisation declares: how many of its agents use AI (the denominator of coverage)."""

    organisation = models.OneToOneField(
        "registry.Organisation", on_delete=models.CASCADE, related_name="literacy_declaration"
    )
    agents_using_ai = models.PositiveIntegerField(_("agents utilisant l'IA"))
    declared_on = models.DateField(_("déclaré le"))
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("déclaration d'acculturation")
        verbose_name_plural = _("déclarations d'acculturation")

    def __str__(self) -> str:
        return f"{self.organisation} : {self.agents_using_ai} agents"


# --- ambassadors network -----------------------------------------------------------------------------


class NetworkEvent(models.Model):
    title = models.CharField(_("intitulé"), max_length=200)
    date = models.DateField(_("date"))
    format = models.CharField(
        _("format"), max_length=10, choices=EventFormat.choices, default=EventFormat.ONLINE
    )
    place = models.CharField(_("lieu"), max_length=200, blank=True)
    url = models.URLField(_("lien d'inscription ou de connexion"), blank=True, max_length=500)
    description = models.TextField(_("description"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("événement du réseau")
        verbose_name_plural = _("événements du réseau")

    def __str__(self) -> str:
        return f"{self.title} ({self.date:%d/%m/%Y})" if self.date else self.title

    def clean(self) -> None:
        if self.format in {EventFormat.ONSITE, EventFormat.HYBRID} and not self.place.strip():
            raise ValidationError({"place": "Indiquez le lieu d'un événement sur place."})


def resource_path(instance: NetworkResource, filename: str) -> str:
    # The stored name never reuses the uploaded name: no path tricks, no collisions.
    return f"network/{uuid.uuid4().hex}"


class NetworkResource(models.Model):
    title = models.CharField(_("intitulé"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    url = models.URLField(_("adresse"), blank=True, max_length=500)
    file = models.FileField(_("fichier"), upload_to=resource_path, blank=True, max_length=300)
    original_name = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("ressource du réseau")
        verbose_name_plural = _("ressources du réseau")

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if not self.url and not self.file:
            raise ValidationError({"url": "Indiquez une adresse ou déposez un fichier."})
