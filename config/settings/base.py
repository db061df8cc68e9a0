"""Settings shared by every environment. The environment is read here, in one place (django-environ).

Every variable is documented in ``docs/configuration.md``.
"""

from __future__ import annotations

from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("ATLASIA_DEBUG", default=False)
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
    # WAL lets the background worker write while pages read.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {"init_command": "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;", "timeout": 20}
    )

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
    "atlasia.www",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every page needs a login unless its view is marked @login_not_required (tests/test_urls.py).
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
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
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_ROOT = Path(env.str("ATLASIA_MEDIA_ROOT", default=str(VAR_DIR / "media")))
# Media are never served directly: downloads go through a view that checks permissions.
MEDIA_URL = "/__media_not_served__/"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Uploads: attachments are limited in size and type (atlasia/registry/uploads.py).
ATLASIA_MAX_UPLOAD_BYTES = env.int("ATLASIA_MAX_UPLOAD_BYTES", default=10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

ATLASIA_DATA_DIR = BASE_DIR / "data"
ATLASIA_SITE_TITLE = env.str("ATLASIA_SITE_TITLE", default="Atlas IA")
ATLASIA_INSTANCE_NAME = env.str("ATLASIA_INSTANCE_NAME", default="Instance de démonstration")
# Contact e-mail of the open-data catalogue (DCAT-AP contact point); empty: the open-data page only.
ATLASIA_CONTACT_EMAIL = env.str("ATLASIA_CONTACT_EMAIL", default="")

TASKS = {
    "default": {
        "BACKEND": env.str("ATLASIA_TASK_BACKEND", default="django_tasks_db.DatabaseBackend"),
    }
}

EMAIL_BACKEND = env.str("ATLASIA_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("ATLASIA_FROM_EMAIL", default="atlas-ia@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("ATLASIA_LOG_LEVEL", default="WARNING")},
}
