"""Production refuses to start with ProConnect half configured, and names what is missing."""

from __future__ import annotations

import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ISSUER = "https://auth.agentconnect.gouv.fr/api/v2"


def _start_production(**oidc: str) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "config.settings.prod",
        "ATLASIA_SECRET_KEY": secrets.token_urlsafe(48),
        "ATLASIA_ALLOWED_HOSTS": "atlas-ia.example.gouv.fr",
        "DATABASE_URL": "postgres://atlasia@db.example/atlasia",
        **oidc,
    }
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
    )


@pytest.mark.parametrize(
    ("given", "missing"),
    [
        ({"ATLASIA_OIDC_CLIENT_ID": "client"}, ["ATLASIA_OIDC_ISSUER", "ATLASIA_OIDC_CLIENT_SECRET"]),
        ({"ATLASIA_OIDC_CLIENT_ID": "client", "ATLASIA_OIDC_ISSUER": ISSUER}, ["ATLASIA_OIDC_CLIENT_SECRET"]),
        ({"ATLASIA_OIDC_CLIENT_ID": "client", "ATLASIA_OIDC_CLIENT_SECRET": "s"}, ["ATLASIA_OIDC_ISSUER"]),
        ({"ATLASIA_OIDC_ISSUER": ISSUER, "ATLASIA_OIDC_CLIENT_SECRET": "s"}, ["ATLASIA_OIDC_CLIENT_ID"]),
    ],
)
def test_half_set_proconnect_settings_stop_the_production_start(
    given: dict[str, str], missing: list[str]
) -> None:
    result = _start_production(**given)
    assert result.returncode != 0
    assert "ProConnect est configuré à moitié" in result.stderr
    for name in missing:
        assert name in result.stderr.split("ProConnect est configuré à moitié")[1].split("(")[0]


def test_a_proconnect_issuer_must_be_https_in_production() -> None:
    result = _start_production(
        ATLASIA_OIDC_ISSUER="http://auth.example/api/v2",
        ATLASIA_OIDC_CLIENT_ID="c",
        ATLASIA_OIDC_CLIENT_SECRET="s",
    )
    assert result.returncode != 0 and "ATLASIA_OIDC_ISSUER doit être une adresse https://" in result.stderr


def test_production_starts_with_proconnect_fully_set_or_not_at_all() -> None:
    assert _start_production().returncode == 0
    full = _start_production(
        ATLASIA_OIDC_ISSUER=ISSUER, ATLASIA_OIDC_CLIENT_ID="client", ATLASIA_OIDC_CLIENT_SECRET="secret"
    )
    assert full.returncode == 0, full.stderr
