from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "atlasia.campaigns"
    label = "campaigns"
    verbose_name = "Campagnes : recensement annuel et enquêtes"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Each open campaign to answer appears in the « À faire » inbox of those who answer it.
        from atlasia.lifecycle.selectors import register_inbox_source

        from .inbox import SECTIONS, campaigns_inbox

        register_inbox_source(SECTIONS, campaigns_inbox)
