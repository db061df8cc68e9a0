"""Rebuild the search documents and compute missing or stale embeddings."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from atlasia.search import services


class Command(BaseCommand):
    help = "Reconstruit l'index plein texte et calcule les plongements manquants ou périmés."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--no-embeddings", action="store_true", help="Plein texte seulement.")

    def handle(self, *args: Any, **options: Any) -> None:
        n = services.documents_rebuild()
        self.stdout.write(f"{n} documents indexés.")
        if not options["no_embeddings"]:
            m = services.embeddings_compute_missing()
            self.stdout.write(f"{m} plongements calculés.")
