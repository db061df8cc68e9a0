"""Applies the retention periods announced on the personal-data notice (/donnees-personnelles/).
Run it once a day (docs/deployment.md gives the cron line and the systemd timer). It lives with the
publication (problem reports) because that domain sits above the audit log it also purges: accounts,
below both, may not import them."""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from atlasia.audit.services import audit_login_events_purge
from atlasia.monitoring.externalities.services import contact_emails_erase


class Command(BaseCommand):
    help = (
        "Efface les données personnelles dont la durée de conservation est passée : journal des "
        "connexions, adresses électroniques des signalements."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        logins = audit_login_events_purge(
            older_than=now - timedelta(days=settings.ATLASIA_LOGIN_LOG_RETENTION_DAYS)
        )
        emails = contact_emails_erase(
            older_than=now - timedelta(days=settings.ATLASIA_PROBLEM_EMAIL_RETENTION_DAYS)
        )
        self.stdout.write(
            f"Événements de connexion effacés : {logins} ; adresses de signalement effacées : {emails}."
        )
