from typing import Any

from django.core.management.base import BaseCommand

from atlasia.registry.loaders import load_catalogue, load_reference


class Command(BaseCommand):
    help = "Charge le catalogue de départ (cas d'usage réels construits à partir de sources publiques)."

    def handle(self, *args: Any, **options: Any) -> None:
        load_reference()
        counts = load_catalogue()
        self.stdout.write(
            f"Catalogue : {counts['organisations']} organisations, {counts['use_cases']} cas d'usage "
            f"({counts['created']} nouveaux)."
        )
