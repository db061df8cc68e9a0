from typing import Any

from django.core.management.base import BaseCommand

from atlasia.qualification.demo import qualify_catalogue


class Command(BaseCommand):
    help = "Qualifie chaque cas d'usage du catalogue de départ à partir de ses réponses (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        counts = qualify_catalogue()
        self.stdout.write(
            f"Qualification du catalogue : {counts['qualified']} nouvelle(s) version(s), "
            f"{counts['unchanged']} inchangée(s), {counts['absent']} absente(s) de la base."
        )
