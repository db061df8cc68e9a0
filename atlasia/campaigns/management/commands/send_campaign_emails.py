"""Send the campaign e-mails that are due: launch, reminder before the deadline, last call.

Run it once a day from cron or the task scheduler; each e-mail goes out once per organisation, so a
second run the same day sends nothing more."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from atlasia.campaigns.services import campaign_emails_send


class Command(BaseCommand):
    help = "Envoie les courriels de campagne dus (lancement, rappel, dernier appel), une fois chacun."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="Jour de référence (AAAA-MM-JJ), aujourd'hui par défaut.")

    def handle(self, *args: Any, **options: Any) -> None:
        today = date.fromisoformat(options["date"]) if options.get("date") else None
        counts = campaign_emails_send(today=today)
        self.stdout.write(
            f"Courriels de campagne : {counts['launch']} lancement(s), {counts['reminder']} rappel(s), "
            f"{counts['last_call']} dernier(s) appel(s), {counts['skipped']} organisation(s) sans envoi."
        )
