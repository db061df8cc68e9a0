from django.db import models
from django.utils.translation import gettext_lazy as _


class RunStatus(models.TextChoices):
    # A file is uploaded but its columns are not mapped yet (two-step form).
    DRAFT = "draft", _("À paramétrer")
    QUEUED = "queued", _("En attente")
    RUNNING = "running", _("En cours")
    DONE = "done", _("Terminée")
    FAILED = "failed", _("Échec")
