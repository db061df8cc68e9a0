"""Settings of the test OpenID Connect provider (README.md); everything comes from run.py's environment."""

import os
from pathlib import Path

DATA_DIR = Path(os.environ["OP_DATA_DIR"])
PORT = int(os.environ["OP_PORT"])
ISSUER = f"http://127.0.0.1:{PORT}/o"

SECRET_KEY = "test-provider-only"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "oauth2_provider",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
ROOT_URLCONF = "provider_urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [Path(__file__).parent / "templates"],
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(DATA_DIR / "provider.sqlite3")}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
LOGIN_URL = "/connexion/"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Cookies of their own: the browser shares 127.0.0.1's cookies between ports with Atlas IA.
SESSION_COOKIE_NAME = "op_sessionid"
CSRF_COOKIE_NAME = "op_csrftoken"

OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_ISS_ENDPOINT": ISSUER,
    "OIDC_RSA_PRIVATE_KEY": (DATA_DIR / "rsa.pem").read_text(),
    "PKCE_REQUIRED": False,  # ProConnect does not use PKCE
    "OAUTH2_VALIDATOR_CLASS": "provider_validator.ProConnectLikeValidator",
    "SCOPES": {
        "openid": "OpenID Connect",
        "email": "courriel",
        "given_name": "prénoms",
        "usual_name": "nom d'usage",
        "uid": "identifiant chez le fournisseur",
        "siret": "SIRET",
        "idp_id": "fournisseur d'identité",
    },
    "OIDC_RP_INITIATED_LOGOUT_ENABLED": True,
    "OIDC_RP_INITIATED_LOGOUT_ALWAYS_PROMPT": False,
}
