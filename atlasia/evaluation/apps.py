from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "atlasia.evaluation"
    label = "evaluation"
    verbose_name = "Évaluation des modèles"
    default_auto_field = "django.db.models.BigAutoField"
