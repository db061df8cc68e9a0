"""Rebuild the search documents and compute missing or stale embeddings.

- no option: full-text documents, then the missing or stale embeddings;
- ``--no-embeddings``: full-text documents only;
- ``--embeddings``: embeddings only, in batches, with a progress line (``--force``: every record,
  even those whose text did not change; ``--batch-size``: texts per model call).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from atlasia.search import services


class Command(BaseCommand):
    help = "Reconstruit l'index plein texte et calcule les plongements manquants ou périmés."

    def add_arguments(self, parser: Any) -> None:
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--no-embeddings", action="store_true", help="Plein texte seulement.")
        group.add_argument(
            "--embeddings", action="store_true", help="Plongements seulement, par lots, avec progression."
        )
        parser.add_argument("--force", action="store_true", help="Recalcule aussi les plongements à jour.")
        parser.add_argument("--batch-size", type=int, default=32, help="Textes par appel au modèle (32).")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["batch_size"] < 1:
            raise CommandError("--batch-size doit être au moins 1.")
        if not options["embeddings"]:
            n = services.documents_rebuild()
            self.stdout.write(f"{n} documents indexés.")
        if options["no_embeddings"]:
            return
        m = services.embeddings_compute_missing(
            batch_size=options["batch_size"], force=options["force"], progress=self._progress
        )
        self.stdout.write(f"{m} plongements calculés.")

    def _progress(self, done: int, total: int, elapsed: float) -> None:
        rate = done / elapsed if elapsed > 0 else 0.0
        left = (total - done) / rate if rate > 0 else 0.0
        self.stdout.write(
            f"plongements {done}/{total} ({100 * done / total:.0f} %) · {elapsed:.0f} s écoulées · "
            f"{1000 / rate if rate else 0:.0f} ms/fiche · reste ~{left / 60:.1f} min"
        )
