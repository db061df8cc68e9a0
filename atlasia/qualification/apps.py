from django.apps import AppConfig


class QualificationConfig(AppConfig):
    name = "atlasia.qualification"
    label = "qualification"
    verbose_name = "Qualification (AI Act, RGPD, droit français)"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from atlasia.audit.display import register_key_presenter

        from .display import audit_answer

        register_key_presenter("answers.", audit_answer)
