from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    """One Django app (its tables keep their ``monitoring_*`` names) made of four sub-domains with their
    own models, services and selectors: ``incidents``, ``externalities``, ``footprint``, ``people``."""

    name = "atlasia.monitoring"
    label = "monitoring"
    verbose_name = "Suivi après déploiement, empreinte environnementale, acculturation et réseau"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from atlasia.audit.display import register_retired_type
        from atlasia.lifecycle.selectors import register_inbox_source

        from .externalities import inbox as externalities_inbox
        from .incidents import inbox as incidents_inbox

        register_inbox_source(incidents_inbox.SECTIONS, incidents_inbox.incidents_inbox)
        register_inbox_source(externalities_inbox.SECTIONS, externalities_inbox.externalities_inbox)
        # The public's problem reports were merged into the externalities (migration 0004).
        register_retired_type("publication.problemreport", "monitoring.externality")
