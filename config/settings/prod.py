"""Production: PostgreSQL, HTTPS, and no start without the secrets (fail fast)."""

from django.core.exceptions import ImproperlyConfigured
from whitenoise.compress import Compressor

from .base import *  # noqa: F403
from .base import ATLASIA_OIDC_ISSUER, DATABASES, OIDC_RP_CLIENT_ID, OIDC_RP_CLIENT_SECRET, env
from .guards import check_allowed_hosts, check_secret_key

DEBUG = False
# Read by commands that must never run on a production instance (load_demo).
ATLASIA_PRODUCTION = True


def _mandatory(name: str) -> str:
    value = env.str(name, default="")
    if not value:
        raise ImproperlyConfigured(
            f"La variable d'environnement {name} est obligatoire en production (voir docs/configuration.md)."
        )
    return value


SECRET_KEY = check_secret_key(env.str("ATLASIA_SECRET_KEY", default=""))
ALLOWED_HOSTS = check_allowed_hosts(env.str("ATLASIA_ALLOWED_HOSTS", default=""))
if not env.str("DATABASE_URL", default=""):
    raise ImproperlyConfigured("DATABASE_URL est obligatoire en production (PostgreSQL).")
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured(
        "La production fonctionne sur PostgreSQL : DATABASE_URL doit commencer par postgres://."
    )
DATABASES["default"]["CONN_MAX_AGE"] = env.int("ATLASIA_CONN_MAX_AGE", default=60)

SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# "__Host-" cookies are accepted by browsers only over HTTPS, for this exact host and path "/".
SESSION_COOKIE_NAME = "__Host-atlasia-session"
SECURE_SSL_REDIRECT = env.bool("ATLASIA_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True

# Static files: collected by `make serve` (collectstatic), served by WhiteNoise with hashed names
# (cached for a year) and pre-compressed gzip/brotli copies.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Only the hashed copies are kept (half the files to compress); pages name them through {% static %}.
WHITENOISE_KEEP_ONLY_HASHED_FILES = True
# Source maps are fetched only by a developer's tools: not worth compressing at every deployment.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (*Compressor.SKIP_COMPRESS_EXTENSIONS, "map")

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
