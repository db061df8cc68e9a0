"""Consistency tests: the architecture checks itself."""

import ast
import json
import pathlib
import secrets
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver

from atlasia.www.public_urls import PUBLIC_URL_NAMES

ROOT = pathlib.Path(__file__).resolve().parent.parent


def _walk(patterns: list[Any], prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern


def _is_public(view: Any) -> bool:
    view_class = getattr(view, "view_class", None)
    if getattr(view, "login_required", True) is False:
        return True
    if view_class is not None:
        dispatch = getattr(view_class, "dispatch", None)
        return getattr(dispatch, "login_required", True) is False
    return False


def test_every_public_view_is_listed_and_every_listed_view_is_public() -> None:
    public, listed_but_private = [], []
    for route, pattern in _walk(get_resolver().url_patterns):
        if route.startswith("admin/"):
            continue  # the admin has its own staff login
        if _is_public(pattern.callback):
            if pattern.name not in PUBLIC_URL_NAMES:
                public.append(f"{route} ({pattern.name})")
        elif pattern.name in PUBLIC_URL_NAMES:
            listed_but_private.append(pattern.name)
    assert public == [], f"public views missing from atlasia/www/public_urls.py: {public}"
    assert listed_but_private == []


@pytest.mark.django_db
def test_a_private_page_redirects_anonymous_users_to_login(client: Any) -> None:
    response = client.get("/cas-d-usage/")
    assert response.status_code == 302 and "/connexion/" in response["Location"]


def test_every_project_model_is_in_the_admin() -> None:
    missing = [
        model._meta.label
        for model in apps.get_models()
        if model.__module__.startswith("atlasia.") and model not in admin.site._registry
    ]
    assert missing == []


def test_no_migration_is_missing() -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**__import__("os").environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"},
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_pure_core_never_imports_django() -> None:
    offenders = []
    for path in (ROOT / "atlasia" / "core").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.relative_to(ROOT)}: {n}" for n in names if n.split(".")[0] == "django"]
    assert offenders == []


@pytest.mark.parametrize(
    "file,enum_path",
    [
        ("organisation_types", "atlasia.registry.enums.OrganisationType"),
        ("statuses", "atlasia.registry.enums.Status"),
        ("hosting", "atlasia.registry.enums.Hosting"),
        ("provider_types", "atlasia.registry.enums.ProviderType"),
    ],
)
def test_reference_files_and_code_enumerations_agree(file: str, enum_path: str) -> None:
    module, name = enum_path.rsplit(".", 1)
    enum = getattr(__import__(module, fromlist=[name]), name)
    data = json.loads((ROOT / "data" / "reference" / f"{file}.json").read_text(encoding="utf-8"))
    items = data["items"] if isinstance(data, dict) else data
    assert [i["code"] for i in items] == [c.value for c in enum]


def test_regions_include_the_overseas_and_every_department_has_a_region() -> None:
    regions = json.loads((ROOT / "data/reference/regions.json").read_text(encoding="utf-8"))
    departments = json.loads((ROOT / "data/reference/departments.json").read_text(encoding="utf-8"))
    codes = {r["code"] for r in regions}
    assert {"01", "02", "03", "04", "06"} <= codes and len(codes) == 18
    assert len(departments) == 101
    assert all(d["region"] in codes for d in departments)


# A key of the kind docs/configuration.md tells to generate (a repeated letter is refused: see
# tests/test_production_settings.py).
GOOD_SECRET_KEY = secrets.token_urlsafe(50)


def _settings_process(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "config.settings.prod", **env},
    )


def test_production_refuses_to_start_without_a_secret_key() -> None:
    result = _settings_process(
        {"ATLASIA_ALLOWED_HOSTS": "atlas.example.fr", "DATABASE_URL": "postgres://x@h/db"}
    )
    assert result.returncode != 0 and "ATLASIA_SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts() -> None:
    result = _settings_process({"ATLASIA_SECRET_KEY": GOOD_SECRET_KEY, "DATABASE_URL": "postgres://x@h/db"})
    assert result.returncode != 0 and "ATLASIA_ALLOWED_HOSTS" in result.stderr


def test_production_starts_with_its_secrets() -> None:
    result = _settings_process(
        {
            "ATLASIA_SECRET_KEY": GOOD_SECRET_KEY,
            "ATLASIA_ALLOWED_HOSTS": "atlas.example.fr",
            "DATABASE_URL": "postgres://x@h/db",
        }
    )
    assert result.returncode == 0, result.stderr
