from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "atlasia.search"
    label = "search"
    verbose_name = "Recherche"

    def ready(self) -> None:
        from . import receivers

        receivers.connect()
