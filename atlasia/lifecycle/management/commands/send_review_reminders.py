"""Send each member her daily digest of stale records and pending decisions (idempotent per day).

Run it from cron or the task scheduler once a day; running it twice the same day sends nothing more.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from atlasia.lifecycle.services import review_reminders_send


class Command(BaseCommand):
    help = (
        "Envoie à chaque membre le récapitulatif de ses fiches à revoir et décisions en attente "
        "(une fois par jour)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="Jour de référence (AAAA-MM-JJ), aujourd'hui par défaut.")

    def handle(self, *args: Any, **options: Any) -> None:
        today = date.fromisoformat(options["date"]) if options.get("date") else None
        counts = review_reminders_send(today=today)
        self.stdout.write(
            f"Rappels : {counts['sent']} envoyé(s), {counts['skipped']} déjà envoyé(s) aujourd'hui, "
            f"{counts['empty']} membre(s) sans élément."
        )
