from django.apps import AppConfig


class WwwConfig(AppConfig):
    name = "atlasia.www"
    label = "www"
    verbose_name = "Écrans"

    def ready(self) -> None:
        # Screens of domains that must not import the screens register themselves here.
        from atlasia.www.campaigns import panels as campaign_panels

        campaign_panels.register()
