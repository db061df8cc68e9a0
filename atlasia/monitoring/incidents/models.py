"""Models of incidents: data and integrity rules (``clean``); writes go through ``services``."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from atlasia.monitoring.common import fmt_date as _fmt

from . import deadlines
from .enums import Authority, IncidentStatus, SeriousKind, Severity

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
            errors["occurred_on"] = _("La date de l'incident (%(occurred_on)s) est dans le futur.") % {
                "occurred_on": _fmt(self.occurred_on)
            }
        if self.aware_on:
            if self.aware_on > today:
                errors["aware_on"] = _(
                    "La date de prise de connaissance (%(aware_on)s) est dans le futur."
                ) % {"aware_on": _fmt(self.aware_on)}
            elif self.occurred_on and self.aware_on < self.occurred_on:
                errors["aware_on"] = _(
                    "La prise de connaissance (%(aware_on)s) ne peut pas précéder "
                    "l'incident (%(occurred_on)s)."
                ) % {"aware_on": _fmt(self.aware_on), "occurred_on": _fmt(self.occurred_on)}
        if self.severity == Severity.SERIOUS:
            if not self.serious_kind:
                errors["serious_kind"] = _(
                    "Précisez la nature de l'incident grave : elle fixe le délai de signalement."
                )
            if not self.aware_on:
                errors["aware_on"] = _(
                    "Indiquez la date de prise de connaissance : le délai de signalement en dépend."
                )
        else:
            self.serious_kind = ""
        if self.reported_on:
            if self.reported_on > today:
                errors["reported_on"] = _("La date de signalement (%(reported_on)s) est dans le futur.") % {
                    "reported_on": _fmt(self.reported_on)
                }
            elif self.occurred_on and self.reported_on < self.occurred_on:
                errors["reported_on"] = _("Le signalement ne peut pas précéder l'incident.")
            if not self.reported_to:
                errors["reported_to"] = _("Indiquez à quelle autorité l'incident a été signalé.")
            elif self.is_medical_device and self.reported_to != Authority.ANSM:
                errors["reported_to"] = _("Pour un dispositif médical, l'incident se signale à l'ANSM.")
        if self.people_affected is not None and self.people_affected < 0:
            errors["people_affected"] = _("Le nombre de personnes concernées ne peut pas être négatif.")
        if self.status == IncidentStatus.CLOSED and not self.corrective_actions.strip():
            errors["corrective_actions"] = _(
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
