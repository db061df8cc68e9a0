"""Production: PostgreSQL, HTTPS, and no start without the secrets (fail fast)."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import ATLASIA_OIDC_ISSUER, DATABASES, OIDC_RP_CLIENT_ID, OIDC_RP_CLIENT_SECRET, env

DEBUG = False


def _mandatory(name: str) -> str:
    value = env.str(name, default="")
    if not value:
        raise ImproperlyConfigured(
            f"La variable d'environnement {name} est obligatoire en production (voir docs/configuration.md)."
        )
    return value


SECRET_KEY = _mandatory("ATLASIA_SECRET_KEY")
if len(SECRET_KEY) < 40 or SECRET_KEY.startswith("dev-only"):
    raise ImproperlyConfigured("ATLASIA_SECRET_KEY doit être une valeur secrète d'au moins 40 caractères.")
ALLOWED_HOSTS = [h for h in _mandatory("ATLASIA_ALLOWED_HOSTS").split(",") if h.strip()]
if not env.str("DATABASE_URL", default=""):
    raise ImproperlyConfigured("DATABASE_URL est obligatoire en production (PostgreSQL).")
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured(
        "La production fonctionne sur PostgreSQL : DATABASE_URL doit commencer par postgres://."
    )
DATABASES["default"]["CONN_MAX_AGE"] = env.int("ATLASIA_CONN_MAX_AGE", default=60)

SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_SSL_REDIRECT = env.bool("ATLASIA_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True

# ProConnect: the three variables together or none of them; a half-set configuration would only fail at
# the first agent's login, so production refuses to start and names what is missing.
_OIDC_VARIABLES = {
    "ATLASIA_OIDC_ISSUER": ATLASIA_OIDC_ISSUER,
    "ATLASIA_OIDC_CLIENT_ID": OIDC_RP_CLIENT_ID,
    "ATLASIA_OIDC_CLIENT_SECRET": OIDC_RP_CLIENT_SECRET,
}
if any(_OIDC_VARIABLES.values()):
    _missing = [name for name, value in _OIDC_VARIABLES.items() if not value]
    if _missing:
        raise ImproperlyConfigured(
            "ProConnect est configuré à moitié : "
            + (
                f"la variable d'environnement {_missing[0]} manque "
                if len(_missing) == 1
                else f"les variables d'environnement {' et '.join(_missing)} manquent "
            )
            + "(ATLASIA_OIDC_ISSUER, ATLASIA_OIDC_CLIENT_ID et ATLASIA_OIDC_CLIENT_SECRET vont ensemble, "
            "voir docs/configuration.md)."
        )
    if not ATLASIA_OIDC_ISSUER.startswith("https://"):
        raise ImproperlyConfigured(
            "ATLASIA_OIDC_ISSUER doit être une adresse https:// (par exemple "
            "https://auth.agentconnect.gouv.fr/api/v2)."
        )
