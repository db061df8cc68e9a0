from typing import Any

from django.core.management.base import BaseCommand

from atlasia.registry.loaders import load_reference


class Command(BaseCommand):
    help = "Charge les référentiels (thèmes, axes, techniques, catégories de données) depuis data/reference."

    def handle(self, *args: Any, **options: Any) -> None:
        counts = load_reference()
        self.stdout.write(", ".join(f"{k} : {v}" for k, v in counts.items()))
