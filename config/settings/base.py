"""Settings shared by every environment. The environment is read here, in one place (django-environ).

Every variable is documented in ``docs/configuration.md``.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("ATLASIA_DEBUG", default=False)
# True only in config.settings.prod: commands that must never run on a real instance check it (load_demo).
ATLASIA_PRODUCTION = False
SECRET_KEY = env.str("ATLASIA_SECRET_KEY", default="")
ALLOWED_HOSTS: list[str] = env.list("ATLASIA_ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS: list[str] = env.list("ATLASIA_CSRF_TRUSTED_ORIGINS", default=[])

VAR_DIR = Path(env.str("ATLASIA_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'atlasia.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the background worker write while pages read. Every transaction starts IMMEDIATE (takes
    # the write lock at BEGIN): a deferred transaction that reads then writes cannot wait for the lock
    # (SQLite answers "database is locked" at once to avoid a deadlock), an immediate one waits up to
    # the busy timeout (20 s) like any writer. Writes queue instead of failing with a 500.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {
            "init_command": "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;",
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
        }
    )

if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The planner's cost of a random page read, for this application's sessions (sent with the
    # connection, no query of its own). PostgreSQL's default, 4.0, models spinning disks; with the
    # database in memory or on SSD (any server today), PostgreSQL's documentation suggests 1.1. With 4.0
    # the planner scanned the whole use-case table for a region filter rather than reading the region's
    # organisations through the index (10,000 records: 7.3 ms against 1.3 ms; benchmarks/README.md).
    # ATLASIA_PG_RANDOM_PAGE_COST="" leaves the server's own setting.
    _RANDOM_PAGE_COST = env.str("ATLASIA_PG_RANDOM_PAGE_COST", default="1.1").strip()
    if _RANDOM_PAGE_COST:
        try:
            _cost = float(_RANDOM_PAGE_COST)
        except ValueError:
            _cost = -1.0
        if not 0 < _cost < 100:
            raise ImproperlyConfigured(
                f"ATLASIA_PG_RANDOM_PAGE_COST={_RANDOM_PAGE_COST!r} : un nombre positif est attendu (1.1 "
                "pour un serveur sur SSD ou en mémoire), ou une valeur vide pour garder celle du serveur."
            )
        _options = DATABASES["default"].setdefault("OPTIONS", {})
        # After any options of DATABASE_URL (?options=-c%20search_path%3D…), which are kept.
        _options["options"] = f"{_options.get('options', '')} -c random_page_cost={_cost}".strip()

# Shared cache (rendered page fragments, reference lists, filter choices, query embeddings): a Redis URL
# in production so that every web process shares one cache and one invalidation, e.g.
# ATLASIA_CACHE_URL=redis://127.0.0.1:6379/1 (django-redis: one client per process, where Django's own
# Redis backend builds a redis-py client for every read, ~0.15 ms each); by default the memory of each
# process (locmem), enough for the demo and the tests. docs/configuration.md.
_CACHE_URL = env.str("ATLASIA_CACHE_URL", default="locmem://atlasia")
if _CACHE_URL.startswith(("redis://", "rediss://")):
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": _CACHE_URL,
            "KEY_PREFIX": env.str("ATLASIA_CACHE_PREFIX", default="atlasia"),
        }
    }
elif _CACHE_URL.startswith("locmem://"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": _CACHE_URL.removeprefix("locmem://") or "atlasia",
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }
else:
    CACHES = {"default": env.cache_url_config(_CACHE_URL)}

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "dsfr",
    "widget_tweaks",
    "django_tasks",
    "django_tasks_db",
    "csp",
    "axes",
    # django-ninja's templates and static files: Swagger UI served from our own static files (no CDN)
    "ninja",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "atlasia.accounts",
    "atlasia.audit",
    "atlasia.registry",
    "atlasia.publication",
    "atlasia.lifecycle",
    "atlasia.qualification",
    "atlasia.evaluation",
    "atlasia.monitoring",
    "atlasia.search",
    "atlasia.exchange",
    "atlasia.compliance",
    "atlasia.campaigns",
    "atlasia.demo",
    "atlasia.www",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files served by the WSGI process itself, compressed and cached forever (hashed names in prod).
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # NUL and control characters out of the query string before any view reads it (www/middleware.py).
    "atlasia.www.middleware.ControlCharactersMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Two-factor authentication: request.user.is_verified(), then the policy (atlasia/accounts/twofactor.py).
    "django_otp.middleware.OTPMiddleware",
    # Every page needs a login unless its view is marked @login_not_required (tests/test_urls.py).
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "atlasia.www.accounts.middleware.TwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Idle and absolute session timeouts; ``Cache-Control: no-store`` on every page of a logged-in user.
    "atlasia.accounts.middleware.SessionSecurityMiddleware",
    # Login throttling (django-axes) must come last.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "atlasia" / "www" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "atlasia.www.context_processors.site",
            ],
        },
    }
]

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# OWASP ASVS L2 (V2.1): 12 characters at least, refused when found in the English list Django ships or in
# the French list shipped in atlasia/accounts/data/ (its source is noted in the README beside it),
# also once stripped of the digits and signs around it.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "atlasia.accounts.passwords.FrenchCommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Login throttling (django-axes): after ATLASIA_LOGIN_FAILURE_LIMIT wrong passwords for one account from
# one address, that pair is refused for ATLASIA_LOGIN_LOCKOUT_MINUTES, even with the right password.
AXES_FAILURE_LIMIT = env.int("ATLASIA_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("ATLASIA_LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Successful logins are written to our audit log (atlasia/accounts/security.py), not to a second table.
AXES_DISABLE_ACCESS_LOG = True
AXES_LOCKOUT_TEMPLATE = "www/lockout.html"
AXES_CLIENT_IP_CALLABLE = "atlasia.accounts.security.client_ip"
# Number of reverse proxies in front of the application that append to X-Forwarded-For (0: none).
ATLASIA_TRUSTED_PROXY_COUNT = env.int("ATLASIA_TRUSTED_PROXY_COUNT", default=0)

# Sessions (ASVS L2 V3.3): closed after ATLASIA_SESSION_IDLE_MINUTES without a request, and in any case
# ATLASIA_SESSION_MAX_HOURS after the login. The cookie's expiry slides with each request.
SESSION_COOKIE_AGE = 60 * env.int("ATLASIA_SESSION_IDLE_MINUTES", default=30)
SESSION_SAVE_EVERY_REQUEST = True
ATLASIA_SESSION_MAX_AGE = 3600 * env.int("ATLASIA_SESSION_MAX_HOURS", default=12)

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns at each start when it is missing
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = Path(env.str("ATLASIA_MEDIA_ROOT", default=str(VAR_DIR / "media")))
# Media are never served directly: downloads go through a view that checks permissions.
MEDIA_URL = "/__media_not_served__/"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Content-Security-Policy (django-csp): scripts only from our own static files, never inline (no
# ``<script>`` body, no ``onclick=``). Style attributes stay allowed (``style-src-attr``): they carry
# computed widths and colours of charts and cannot run code; ``<style>`` elements are refused.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "style-src-elem": [SELF],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Uploads: attachments are limited in size and type (atlasia/registry/uploads.py).
ATLASIA_MAX_UPLOAD_BYTES = env.int("ATLASIA_MAX_UPLOAD_BYTES", default=10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# Who runs this instance, shown on the legal notice, the personal-data notice and the accessibility
# statement (docs/configuration.md). `manage.py check --deploy` warns while one is empty.
ATLASIA_LEGAL = {
    "publisher": env.str("ATLASIA_PUBLISHER", default=""),
    "publisher_address": env.str("ATLASIA_PUBLISHER_ADDRESS", default=""),
    "publication_director": env.str("ATLASIA_PUBLICATION_DIRECTOR", default=""),
    "hosting_provider": env.str("ATLASIA_HOSTING_PROVIDER", default=""),
    "hosting_address": env.str("ATLASIA_HOSTING_ADDRESS", default=""),
    "contact_email": env.str("ATLASIA_CONTACT_EMAIL", default=""),
    "dpo_email": env.str("ATLASIA_DPO_EMAIL", default=""),
}
# Retention of personal data (personal-data notice; applied by `manage.py purge_personal_data`).
ATLASIA_LOGIN_LOG_RETENTION_DAYS = env.int("ATLASIA_LOGIN_LOG_RETENTION_DAYS", default=365)
ATLASIA_PROBLEM_EMAIL_RETENTION_DAYS = env.int("ATLASIA_PROBLEM_EMAIL_RETENTION_DAYS", default=365)

ATLASIA_DATA_DIR = BASE_DIR / "data"
ATLASIA_SITE_TITLE = env.str("ATLASIA_SITE_TITLE", default="Atlas IA")
ATLASIA_INSTANCE_NAME = env.str("ATLASIA_INSTANCE_NAME", default="Instance de démonstration")
# The same contact, also the contact point of the open-data catalogue (DCAT-AP).
ATLASIA_CONTACT_EMAIL = ATLASIA_LEGAL["contact_email"]
# The public address of the site, for the links of e-mails (which are read outside the site).
ATLASIA_BASE_URL = env.str("ATLASIA_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")

TASKS = {
    "default": {
        "BACKEND": env.str("ATLASIA_TASK_BACKEND", default="django_tasks_db.DatabaseBackend"),
    }
}

EMAIL_BACKEND = env.str("ATLASIA_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("ATLASIA_FROM_EMAIL", default="atlas-ia@localhost")
# SMTP server of the reminders, as one URL (django-environ): smtp+tls://user:password@host:587
if env.str("ATLASIA_EMAIL_URL", default=""):
    globals().update(env.email_url("ATLASIA_EMAIL_URL"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("ATLASIA_LOG_LEVEL", default="WARNING")},
}

# ProConnect, the State's OpenID Connect federation (atlasia/accounts/oidc.py, docs/configuration.md).
# Enabled when the issuer, the client id and the client secret are all set; the endpoints come from the
# issuer's discovery document. Password login stays available for the demo and small instances.
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a login while its (username, address) pair is locked out.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "atlasia.accounts.oidc.ProConnectBackend",
]
ATLASIA_OIDC_ISSUER = env.str("ATLASIA_OIDC_ISSUER", default="").rstrip("/")
OIDC_RP_CLIENT_ID = env.str("ATLASIA_OIDC_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env.str("ATLASIA_OIDC_CLIENT_SECRET", default="")
OIDC_RP_SIGN_ALGO = env.str("ATLASIA_OIDC_SIGN_ALGO", default="RS256")
# ProConnect's scopes (proconnect-documentation, doc_fs/scope-claims.md): one claim per scope.
OIDC_RP_SCOPES = env.str("ATLASIA_OIDC_SCOPES", default="openid email given_name usual_name uid siret idp_id")
OIDC_TIMEOUT = env.int("ATLASIA_OIDC_TIMEOUT", default=10)
OIDC_AUTHENTICATION_CALLBACK_URL = "proconnect_callback"
LOGIN_REDIRECT_URL_FAILURE = "login"
OIDC_STORE_ID_TOKEN = True  # the id_token is the id_token_hint of ProConnect's logout
OIDC_USE_PKCE = False  # ProConnect refuses any parameter it does not list (Y000400)
OIDC_USE_NONCE = True
OIDC_STATE_SIZE = 32  # ProConnect: state and nonce of 32 characters at least
OIDC_NONCE_SIZE = 32
# ``acr`` values that mean ProConnect's identity provider used two factors (ProConnect's "forcer la double
# authentification" page): such a login counts as verified for the two-factor policy.
ATLASIA_OIDC_MFA_ACR_VALUES: list[str] = env.list(
    "ATLASIA_OIDC_MFA_ACR_VALUES",
    default=[
        "eidas2",
        "eidas3",
        "https://proconnect.gouv.fr/assurance/self-asserted-2fa",
        "https://proconnect.gouv.fr/assurance/consistency-checked-2fa",
    ],
)

# Two-factor authentication (django-otp, TOTP + backup codes): required for platform and organisation
# administrators when ATLASIA_2FA_REQUIRED is on (production default), optional for everyone else.
ATLASIA_2FA_REQUIRED = env.bool("ATLASIA_2FA_REQUIRED", default=True)
OTP_TOTP_ISSUER = ATLASIA_SITE_TITLE

# Invitations to join an organisation: signed single-use links, valid this many days.
ATLASIA_INVITATION_DAYS = env.int("ATLASIA_INVITATION_DAYS", default=7)
