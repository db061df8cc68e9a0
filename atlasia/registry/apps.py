from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "atlasia.registry"
    label = "registry"
    verbose_name = "Registre des cas d'usage"
