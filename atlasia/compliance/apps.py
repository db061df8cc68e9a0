from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "atlasia.compliance"
    label = "compliance"
    verbose_name = "Dossier de conformité (obligations, risques, fournisseurs)"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The obligation tracker follows each new qualification, in its transaction, and the owners'
        # open obligations join the lifecycle's « À faire » inbox (and so its reminder e-mails).
        from atlasia.lifecycle.selectors import register_inbox_source
        from atlasia.qualification.services import register_completion_hook

        from . import selectors, services

        register_completion_hook(services.obligations_follow_qualification)
        register_inbox_source(selectors.inbox_items)
