from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "atlasia.evaluation"
    label = "evaluation"
    verbose_name = "Évaluation des modèles"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # (the screens' tab and panel are registered by atlasia.www's AppConfig)
        from atlasia.lifecycle.selectors import register_inbox_source

        from . import receivers  # noqa: F401  (files removed with their run, use case included)
        from .inbox import SECTIONS, monitoring_inbox

        # batches over a threshold wait in the « À faire » inbox until their alert is examined
        register_inbox_source(SECTIONS, monitoring_inbox)
