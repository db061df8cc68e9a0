from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "atlasia.monitoring"
    label = "monitoring"
    verbose_name = "Suivi après déploiement, empreinte environnementale, acculturation et réseau"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from atlasia.lifecycle.selectors import register_inbox_source

        from .inbox import SECTIONS, monitoring_inbox

        register_inbox_source(SECTIONS, monitoring_inbox)
