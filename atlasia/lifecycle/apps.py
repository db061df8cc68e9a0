from django.apps import AppConfig


class LifecycleConfig(AppConfig):
    name = "atlasia.lifecycle"
    label = "lifecycle"
    verbose_name = "Cycle de vie, priorisation et expérimentations"
