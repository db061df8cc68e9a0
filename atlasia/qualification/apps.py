from django.apps import AppConfig


class QualificationConfig(AppConfig):
    name = "atlasia.qualification"
    label = "qualification"
    verbose_name = "Qualification (AI Act, RGPD, droit français)"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The screens plug into the use-case page and the header through the extension points.
        from atlasia.www.qualification import panels

        panels.register()
