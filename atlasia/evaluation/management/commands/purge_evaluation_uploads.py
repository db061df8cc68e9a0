"""Delete the prediction files not mapped within 24 h (the upload page promises it).

Each upload also queues this deletion for its own deadline when the task backend can defer a job;
run this command daily (cron, systemd timer) as well, for the other backends and missed jobs.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from atlasia.evaluation.services import purge_unmapped_uploads


class Command(BaseCommand):
    help = (
        "Supprime les fichiers de prédictions dont les colonnes n'ont pas été indiquées dans les 24 heures."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        out = purge_unmapped_uploads()
        self.stdout.write(
            f"{out['drafts']} brouillon(s) supprimé(s), {out['refused']} fichier(s) refusé(s) supprimé(s), "
            f"{out['orphans']} dossier(s) orphelin(s) supprimé(s)."
        )
