from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "atlasia.registry"
    label = "registry"
    verbose_name = "Registre des cas d'usage"

    def ready(self) -> None:
        # The reference lists shown by every filter form are cached (selectors.reference_items): any
        # write to a reference table, whatever its path (loader, admin, service), drops the cache. The
        # data categories' labels are in the record page's cached parts: a change of one moves the
        # reference version, hence every fragment's key, too.
        from django.db.models.signals import post_delete, post_save

        from .models import AITechnique, DataCategory, Theme
        from .selectors import reference_cache_clear

        for model in (Theme, AITechnique, DataCategory):
            post_save.connect(
                reference_cache_clear, sender=model, dispatch_uid=f"reference_cache_{model.__name__}"
            )
            post_delete.connect(
                reference_cache_clear, sender=model, dispatch_uid=f"reference_del_{model.__name__}"
            )
