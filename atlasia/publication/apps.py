from django.apps import AppConfig


class PublicationConfig(AppConfig):
    name = "atlasia.publication"
    label = "publication"
    verbose_name = "Publication"

    def ready(self) -> None:
        # Screens plug in through the extension points (nav item, panel on the use-case page).
        from atlasia.www.publication import hooks

        hooks.register()
