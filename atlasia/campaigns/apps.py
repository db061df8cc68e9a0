from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "atlasia.campaigns"
    label = "campaigns"
    verbose_name = "Campagnes : recensement annuel et enquêtes"
    default_auto_field = "django.db.models.BigAutoField"
