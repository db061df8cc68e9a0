from django.apps import AppConfig


class WwwConfig(AppConfig):
    name = "atlasia.www"
    label = "www"
    verbose_name = "Écrans"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the deployment checks)
