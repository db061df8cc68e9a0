from django.apps import AppConfig


class LifecycleConfig(AppConfig):
    name = "atlasia.lifecycle"
    label = "lifecycle"
    verbose_name = "Cycle de vie, priorisation et expérimentations"

    def ready(self) -> None:
        # The screens plug into the use-case page and the header through the extension points.
        from atlasia.www.lifecycle import panels

        panels.register()
