"""Tests: SQLite by default, PostgreSQL when DATABASE_URL points at it (``make test`` runs both)."""

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = "test-only-key"  # noqa: S105
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {
    "default": {
        "BACKEND": env.str("ATLASIA_TASK_BACKEND", default="django_tasks.backends.immediate.ImmediateBackend")
    }
}
# Tests of the two-factor policy turn it on themselves (tests/accounts); other tests log administrators in
# with force_login.
ATLASIA_2FA_REQUIRED = False
# Each test process keeps its own cache, whatever ATLASIA_CACHE_URL says (no test reads or clears a shared
# Redis).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "atlasia-tests"}
}
