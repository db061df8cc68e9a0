from django.apps import AppConfig


class WwwConfig(AppConfig):
    name = "atlasia.www"
    label = "www"
    verbose_name = "Écrans"

    def ready(self) -> None:
        # The screens plug each domain into the use-case page, its tabs and the header through the
        # extension points (atlasia/www/extensions.py). The domains never import the screens: the
        # registration is here, in the screens layer (checked by import-linter in `make quality`).
        from atlasia.www.campaigns import panels as campaign_panels
        from atlasia.www.compliance import panels as compliance_panels
        from atlasia.www.evaluation import hooks as evaluation_hooks
        from atlasia.www.exchange import hooks as exchange_hooks
        from atlasia.www.lifecycle import panels as lifecycle_panels
        from atlasia.www.monitoring import panels as monitoring_panels
        from atlasia.www.publication import hooks as publication_hooks
        from atlasia.www.qualification import panels as qualification_panels
        from atlasia.www.search import hooks as search_hooks

        from . import checks  # noqa: F401  (registers the deployment checks)

        for module in (
            qualification_panels,
            lifecycle_panels,
            evaluation_hooks,
            monitoring_panels,
            search_hooks,
            publication_hooks,
            exchange_hooks,
            campaign_panels,
            compliance_panels,
        ):
            module.register()
