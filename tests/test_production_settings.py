"""Production start-up refusals: each names the environment variable to fix (config/settings/guards.py),
checked in a real process with ``config.settings.prod``; and the demo is refused under those settings."""

from __future__ import annotations

import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from atlasia.accounts.models import User

ROOT = Path(__file__).resolve().parent.parent
GOOD = {
    "ATLASIA_SECRET_KEY": secrets.token_urlsafe(50),
    "ATLASIA_ALLOWED_HOSTS": "atlas-ia.exemple.gouv.fr",
    "DATABASE_URL": "postgres://atlasia@db.exemple/atlasia",
}


def _start(**overrides: str) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "config.settings.prod", **GOOD, **overrides}
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
    )


def test_production_starts_with_good_values() -> None:
    result = _start()
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    "variable, value, message",
    [
        ("ATLASIA_SECRET_KEY", "a" * 40, "ATLASIA_SECRET_KEY n'est pas assez aléatoire"),
        ("ATLASIA_SECRET_KEY", "motdepasse" * 4, "ATLASIA_SECRET_KEY n'est pas assez aléatoire"),
        ("ATLASIA_SECRET_KEY", secrets.token_urlsafe(20), "ATLASIA_SECRET_KEY est trop courte"),
        ("ATLASIA_SECRET_KEY", "", "La variable d'environnement ATLASIA_SECRET_KEY est obligatoire"),
        ("ATLASIA_ALLOWED_HOSTS", ",", "ATLASIA_ALLOWED_HOSTS est obligatoire en production"),
        ("ATLASIA_ALLOWED_HOSTS", " , ,", "ATLASIA_ALLOWED_HOSTS est obligatoire en production"),
        ("ATLASIA_ALLOWED_HOSTS", "*", "ATLASIA_ALLOWED_HOSTS ne doit pas contenir « * »"),
        (
            "ATLASIA_ALLOWED_HOSTS",
            "https://atlas.fr/",
            "ATLASIA_ALLOWED_HOSTS contient « https://atlas.fr/ »",
        ),
        ("DATABASE_URL", "sqlite:////tmp/x.sqlite3", "DATABASE_URL doit commencer par postgres://"),
    ],
)
def test_production_refuses_a_bad_value_and_names_the_variable(
    variable: str, value: str, message: str
) -> None:
    result = _start(**{variable: value})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and message in result.stderr, result.stderr[-800:]


def test_demo_loading_is_refused_under_production_settings(db: Any, settings: Any) -> None:
    settings.ATLASIA_PRODUCTION = True
    with pytest.raises(CommandError, match="La démonstration ne se charge pas en production"):
        call_command("load_demo")
    assert not User.objects.exists()


def _cache_backend(**overrides: str) -> str:
    env = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "config.settings.prod", **GOOD, **overrides}
    code = (
        "import django; django.setup(); from django.conf import settings; print(settings.CACHES['default'])"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_the_cache_is_redis_when_atlasia_cache_url_says_so() -> None:
    """ATLASIA_CACHE_URL (docs/configuration.md): Redis shared by the web processes in production, the
    memory of each process when it is empty; `check --deploy` warns about the latter in production."""
    redis = _cache_backend(ATLASIA_CACHE_URL="redis://127.0.0.1:6379/1")
    assert "django_redis.cache.RedisCache" in redis and "redis://127.0.0.1:6379/1" in redis
    assert "LocMemCache" in _cache_backend()
    env = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "config.settings.prod", **GOOD}
    checked = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--tag", "caches"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
    )
    assert "atlasia.W002" in checked.stdout + checked.stderr


def test_the_planner_cost_of_a_random_read_is_sent_with_each_connection_and_checked() -> None:
    """``ATLASIA_PG_RANDOM_PAGE_COST`` (1.1 by default) goes with the connection's options; empty, the
    server's own value is left; anything but a positive number is refused at start, naming the variable."""
    check = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.DATABASES['default'].get('OPTIONS', {}).get('options', ''))"
    )
    env = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "config.settings.prod", **GOOD}
    run = lambda **extra: subprocess.run(  # noqa: E731
        [sys.executable, "-c", check], cwd=ROOT, capture_output=True, text=True, env={**env, **extra}
    )
    assert run().stdout.strip() == "-c random_page_cost=1.1"
    assert run(ATLASIA_PG_RANDOM_PAGE_COST="2").stdout.strip() == "-c random_page_cost=2.0"
    assert run(ATLASIA_PG_RANDOM_PAGE_COST="").stdout.strip() == ""
    with_options = GOOD["DATABASE_URL"] + "?options=-c%20search_path%3Datlasia"
    assert run(DATABASE_URL=with_options).stdout.strip() == "-c search_path=atlasia -c random_page_cost=1.1"
    for bad in ("vite", "-1", "0"):
        result = run(ATLASIA_PG_RANDOM_PAGE_COST=bad)
        assert result.returncode != 0
        assert "ATLASIA_PG_RANDOM_PAGE_COST" in result.stderr and "nombre positif" in result.stderr


@pytest.mark.django_db
def test_the_tests_database_connection_has_the_planner_cost() -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        assert "options" not in connection.settings_dict.get("OPTIONS", {})  # SQLite has no planner costs
        return
    with connection.cursor() as cursor:
        cursor.execute("SHOW random_page_cost")
        assert cursor.fetchone()[0] == "1.1"
