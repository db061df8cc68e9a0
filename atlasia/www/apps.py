from django.apps import AppConfig


class WwwConfig(AppConfig):
    name = "atlasia.www"
    label = "www"
    verbose_name = "Écrans"

    def ready(self) -> None:
        # Screens of domains that do not import the screens themselves register here.
        from atlasia.www.compliance import panels as compliance_panels

        compliance_panels.register()
