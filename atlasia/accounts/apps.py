from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "atlasia.accounts"
    label = "accounts"
    verbose_name = "Comptes et rôles"

    def ready(self) -> None:
        # Login events (success, failure, lockout, logout) go to the audit log: atlasia/accounts/security.py.
        from . import security

        security.connect()
