"""Models of footprint: data and integrity rules (``clean``); writes go through ``services``."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from atlasia.monitoring.common import fmt_date as _fmt

from .enums import FootprintMethod, Phase

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
        errors: dict[str, Any] = {}
        for name, label in (("energy_kwh", "L'énergie"), ("co2e_kg", "Les émissions"), ("water_l", "L'eau")):
            value = getattr(self, name)
            if value is not None and value < 0:
                errors[name] = _("%(label)s ne peut pas être négative (%(value)s).") % {
                    "label": label,
                    "value": value,
                }
        if self.energy_kwh is None and self.co2e_kg is None:
            errors["energy_kwh"] = _("Indiquez au moins l'énergie consommée ou les émissions.")
        today = timezone.localdate()
        for name in ("period_start", "period_end"):
            value = getattr(self, name)
            if value and value > today:
                errors[name] = _("La date %(value)s est dans le futur.") % {"value": _fmt(value)}
        if self.period_start and self.period_end and self.period_end < self.period_start:
            errors["period_end"] = _(
                "La fin de la période (%(period_end)s) précède son début (%(period_start)s)."
            ) % {"period_end": _fmt(self.period_end), "period_start": _fmt(self.period_start)}
        if errors:
            raise ValidationError(errors)
