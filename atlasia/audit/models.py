"""The audit log: one row per create, update or delete, written in the same transaction as the change."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .immutable import AppendOnlyModel


class AuditAction(models.TextChoices):
    CREATE = "create", _("Création")
    UPDATE = "update", _("Modification")
    DELETE = "delete", _("Suppression")
    TRANSITION = "transition", _("Changement d'étape")
    EVENT = "event", _("Événement")


class AuditEntry(AppendOnlyModel):
    at = models.DateTimeField(_("date"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(_("auteur"), max_length=200, blank=True)
    action = models.CharField(_("action"), max_length=12, choices=AuditAction.choices)
    object_type = models.CharField(_("type d'objet"), max_length=60, db_index=True)
    object_id = models.CharField(_("identifiant"), max_length=64, db_index=True)
    object_repr = models.CharField(_("objet"), max_length=300)
    # The use case the change belongs to (the use case itself, or one of its attachments, contacts…),
    # so that a record's history tab is one indexed query.
    use_case_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    organisation_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    changes = models.JSONField(_("changements"), default=dict, blank=True)
    message = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        # The record page's cached parts are keyed by the record's latest audit row: MAX(id) for one
        # use case read from this index alone, however long its history.
        indexes = [models.Index(fields=["use_case_id", "id"], name="audit_usecase_latest")]
        verbose_name = _("entrée du journal")
        verbose_name_plural = _("journal d'audit")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_repr}"


class SubmissionKey(models.Model):
    """The one-time key of a create form or an API ``Idempotency-Key``: a second submit with the same
    key gets the record the first one created (see :mod:`atlasia.audit.concurrency`)."""

    key = models.CharField(max_length=64, unique=True)
    scope = models.CharField(max_length=60)
    actor_id = models.BigIntegerField(null=True, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("clé d'envoi unique")
        verbose_name_plural = _("clés d'envoi unique")

    def __str__(self) -> str:
        return f"{self.scope} {self.key}"
