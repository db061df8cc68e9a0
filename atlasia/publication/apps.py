from django.apps import AppConfig


class PublicationConfig(AppConfig):
    name = "atlasia.publication"
    label = "publication"
    verbose_name = "Publication"
