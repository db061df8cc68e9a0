from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from atlasia.demo.accounts import DEMO_PASSWORD, create_demo_accounts
from atlasia.lifecycle.demo import load_lifecycle_demo


class Command(BaseCommand):
    help = "Charge la démonstration : référentiels, catalogue de départ et comptes de démonstration."

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.ATLASIA_PRODUCTION:
            # The demo creates the superuser "admin" with a password printed in the README.
            raise CommandError(
                "La démonstration ne se charge pas en production (DJANGO_SETTINGS_MODULE="
                f"{settings.SETTINGS_MODULE}) : elle crée le superutilisateur « admin » avec un mot de passe "
                "public. Créez le premier administrateur avec « manage.py createsuperuser »."
            )
        call_command("load_catalogue", stdout=self.stdout)
        call_command("qualify_catalogue", stdout=self.stdout)
        accounts = create_demo_accounts()
        from atlasia.evaluation.demo import load_evaluation_demo

        runs = load_evaluation_demo()
        self.stdout.write(f"Évaluations de démonstration : {len(runs)} version(s) enregistrée(s).")
        from atlasia.evaluation.demo import load_monitoring_demo as load_model_monitoring_demo

        if (series := load_model_monitoring_demo()) is not None:
            self.stdout.write(f"Suivi après déploiement : {series.batches.count()} lots de démonstration.")
        load_lifecycle_demo()
        from atlasia.monitoring.demo import load_monitoring_demo

        load_monitoring_demo()
        from atlasia.compliance.demo import load_compliance_demo

        load_compliance_demo()
        from atlasia.campaigns.demo import load_campaigns_demo

        load_campaigns_demo()
        self.stdout.write("\nComptes de démonstration (mot de passe commun : %s)" % DEMO_PASSWORD)
        for account, where in accounts:
            self.stdout.write(f"  {account.username:<18} {where}")
