from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "atlasia.accounts"
    label = "accounts"
    verbose_name = "Comptes et rôles"
