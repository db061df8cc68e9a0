from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Installed for its management command (``load_demo``) only: no model, no screen."""

    name = "atlasia.demo"
    label = "demo"
    verbose_name = "Démonstration"
