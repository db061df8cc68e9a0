from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "atlasia.evaluation"
    label = "evaluation"
    verbose_name = "Évaluation des modèles"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The screens plug into the use-case page through the extension points (tab "Évaluations").
        from atlasia.www.evaluation import hooks

        from . import receivers  # noqa: F401  (files removed with their run, use case included)

        hooks.register()
        # batches over a threshold wait in the « À faire » inbox until their alert is examined
        from atlasia.lifecycle.selectors import register_inbox_source

        from .inbox import SECTIONS, monitoring_inbox

        register_inbox_source(SECTIONS, monitoring_inbox)
