from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "atlasia.exchange"
    label = "exchange"
    verbose_name = _("API, imports et échanges entre instances")
