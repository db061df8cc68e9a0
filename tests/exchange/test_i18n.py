"""English interface: the header's language switch works without login and the screens translate."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_language_switch_without_login_then_english_header(client: Client, db: Any) -> None:
    page = client.get("/connexion/").content.decode()
    assert "EN — English" in page and "Se connecter" in page
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/connexion/"})
    assert response.status_code == 302
    page = client.get("/connexion/").content.decode()
    assert "FR — Français" in page and "Log in" in page
    assert "AI use in health, social care and social security" in page


def test_exchange_screens_in_english(client: Client, world: dict[str, Any]) -> None:
    client.force_login(world["users"]["org_admin"])
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/echanges/").content.decode()
    assert "Import a spreadsheet" in page and "API tokens" in page and "Log out" in page
    client.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    assert "Importer un tableur" in client.get("/echanges/").content.decode()
