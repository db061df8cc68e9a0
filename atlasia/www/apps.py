from django.apps import AppConfig


class WwwConfig(AppConfig):
    name = "atlasia.www"
    label = "www"
    verbose_name = "Écrans"
