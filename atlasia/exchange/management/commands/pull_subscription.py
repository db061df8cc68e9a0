"""``manage.py pull_subscription [slug…]``: pull the records shared by other instances."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from atlasia.exchange.models import Subscription
from atlasia.exchange.pull import pull_subscription


class Command(BaseCommand):
    help = "Récupère les fiches partagées par les instances auxquelles celle-ci est abonnée."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("slugs", nargs="*", help="Identifiants courts des abonnements (tous par défaut)")

    def handle(self, *args: Any, **options: Any) -> None:
        subscriptions = Subscription.objects.all()
        if options["slugs"]:
            subscriptions = subscriptions.filter(slug__in=options["slugs"])
        failed = False
        for subscription in subscriptions:
            result = pull_subscription(subscription=subscription)
            self.stdout.write(f"{subscription.slug} : {result.summary()}")
            failed |= not result.ok
        if failed:
            raise CommandError("Au moins une synchronisation a échoué.")
