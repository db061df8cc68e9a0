from django.apps import AppConfig


class LifecycleConfig(AppConfig):
    name = "atlasia.lifecycle"
    label = "lifecycle"
    verbose_name = "Cycle de vie, priorisation et expérimentations"

    def ready(self) -> None:
        # The charters and their principles are cached (selectors.charters_cached): any write drops them.
        from django.db.models.signals import post_delete, post_save

        from .models import Charter, CharterPrinciple
        from .selectors import charters_cache_clear

        for model in (Charter, CharterPrinciple):
            post_save.connect(charters_cache_clear, sender=model, dispatch_uid=f"charters_{model.__name__}")
            post_delete.connect(
                charters_cache_clear, sender=model, dispatch_uid=f"charters_del_{model.__name__}"
            )
