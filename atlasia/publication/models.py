"""Runs of the annual cartography report. (The public's problem reports are negative externalities:
``atlasia.monitoring.externalities``.)"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from atlasia.registry import reference

from .enums import ReportScope, RunStatus


def report_path(instance: ReportRun, filename: str) -> str:
    return f"reports/{instance.pk or 'new'}/{filename}"


class ReportRun(models.Model):
    """One generation of the annual cartography report for a year and a scope. The background job
    fills ``progress``/``step`` as it goes; ``input_hash`` is the SHA-256 of the canonical data the
    report was built from, so that the same data is recognisably the same report."""

    year = models.PositiveSmallIntegerField(_("année"))
    scope = models.CharField(
        _("périmètre"), max_length=20, choices=ReportScope.choices, default=ReportScope.NATION
    )
    region = models.CharField(_("région"), max_length=3, blank=True, choices=reference.region_choices)
    organisation = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # A report meant for publication covers the public register only: it names no internal record.
    public_only = models.BooleanField(_("fiches publiques seulement"), default=False)
    status = models.CharField(_("état"), max_length=10, choices=RunStatus.choices, default=RunStatus.PENDING)
    progress = models.PositiveSmallIntegerField(_("avancement (%)"), default=0)
    step = models.CharField(_("étape en cours"), max_length=200, blank=True)
    error = models.TextField(_("erreur"), blank=True)
    input_hash = models.CharField(_("empreinte des données"), max_length=64, blank=True, db_index=True)
    html_file = models.FileField(_("rapport HTML"), upload_to=report_path, blank=True, max_length=200)
    pdf_file = models.FileField(_("rapport PDF"), upload_to=report_path, blank=True, max_length=200)
    created_at = models.DateTimeField(_("demandé le"), auto_now_add=True)
    finished_at = models.DateTimeField(_("terminé le"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("rapport annuel")
        verbose_name_plural = _("rapports annuels")

    def __str__(self) -> str:
        return f"Cartographie {self.year} — {self.scope_label}"

    @property
    def title(self) -> str:
        """The report's name in the reader's language."""
        return str(_("Cartographie %(year)s — %(scope)s")) % {"year": self.year, "scope": self.scope_label}

    @property
    def scope_label(self) -> str:
        if self.scope == ReportScope.REGION:
            label = reference.region_names().get(self.region, self.region)
        elif self.scope == ReportScope.ORGANISATION and self.organisation_id:
            label = str(self.organisation)
        else:
            label = str(_("France entière"))
        if self.public_only:
            label = str(_("%(scope)s — registre public")) % {"scope": label}
        return label

    @property
    def is_finished(self) -> bool:
        return self.status in {RunStatus.DONE, RunStatus.FAILED}
