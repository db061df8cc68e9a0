from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "atlasia.audit"
    label = "audit"
    verbose_name = "Journal d'audit"
