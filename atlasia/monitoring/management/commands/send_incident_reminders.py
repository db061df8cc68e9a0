from typing import Any

from django.core.management.base import BaseCommand

from atlasia.monitoring.incidents.services import incident_reminders_send


class Command(BaseCommand):
    help = (
        "Relance par courriel les référents IA et DPO des incidents graves non encore signalés "
        "(AI Act art. 73). Une relance par incident et par jour au plus : "
        "la commande peut tourner plusieurs fois."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--base-url",
            default="",
            help="Adresse du site, pour les liens des courriels (par défaut ATLASIA_BASE_URL).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        result = incident_reminders_send(base_url=options["base_url"])
        self.stdout.write(
            f"Relances envoyées : {result['sent']} ; "
            f"déjà envoyées aujourd'hui : {result['already_sent_today']} ; "
            f"sans destinataire : {result['without_recipient']}."
        )
