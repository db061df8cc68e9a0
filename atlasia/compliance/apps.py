from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class ComplianceConfig(AppConfig):
    name = "atlasia.compliance"
    label = "compliance"
    verbose_name = "Dossier de conformité (obligations, risques, fournisseurs)"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The obligation tracker follows each new qualification, in its transaction, and the owners'
        # open obligations and due risk reviews join the lifecycle's « À faire » inbox (and so its
        # reminder e-mails).
        from atlasia.lifecycle.selectors import InboxSection, register_inbox_source
        from atlasia.qualification.services import register_completion_hook

        from . import selectors, services

        register_completion_hook(services.obligations_follow_qualification)
        register_inbox_source(
            [
                InboxSection(
                    "obligation",
                    gettext_lazy("Obligations à faire avancer"),
                    gettext_lazy(
                        "Obligations de la qualification dont vous êtes responsable, et celles qu'une "
                        "requalification a modifiées, par échéance ; revues du registre des risques échues."
                    ),
                    45,
                )
            ],
            selectors.inbox_items,
        )
