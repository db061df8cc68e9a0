"""A real OpenID Connect provider (tests/oidc_provider, django-oauth-toolkit) in a subprocess on 127.0.0.1,
and helpers to go through its login like a browser would."""

from __future__ import annotations

import os
import re
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlparse

import pytest
import requests

from atlasia.accounts import oidc

PROVIDER_DIR = Path(__file__).resolve().parents[1] / "oidc_provider"
CLIENT_ID = "atlasia-tests"
CLIENT_SECRET = "secret-du-client-de-test-" + "x" * 20


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Provider:
    url: str
    test_secret: str
    process: subprocess.Popen[bytes]
    users: dict[str, str] = field(default_factory=dict)

    @property
    def issuer(self) -> str:
        return f"{self.url}/o"

    def setup(self, **data: Any) -> None:
        response = requests.post(
            f"{self.url}/_test/setup", json=data, headers={"X-Test-Secret": self.test_secret}, timeout=10
        )
        response.raise_for_status()

    def add_user(self, username: str, password: str, email: str, **claims: Any) -> None:
        claims.setdefault("email", email)
        self.setup(users=[{"username": username, "password": password, "email": email, "claims": claims}])

    def log_in(self, authorize_url: str, username: str, password: str) -> str:
        """Follow the authorization URL as a browser: log in at the provider; returns the callback URL."""
        session = requests.Session()
        response = session.get(authorize_url, allow_redirects=True, timeout=10)
        assert "/connexion/" in response.url, response.url
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.text)
        assert token, response.text[:500]
        response = session.post(
            response.url,
            data={
                "csrfmiddlewaretoken": token.group(1),
                "username": username,
                "password": password,
                "next": re.search(r'name="next" value="([^"]*)"', response.text)
                .group(1)
                .replace("&amp;", "&"),  # type: ignore[union-attr]
            },
            headers={"Referer": response.url},
            allow_redirects=False,
            timeout=10,
        )
        # Login → /o/authorize/ → redirect to the client's callback (skip_authorization).
        for _ in range(5):
            assert response.status_code in (301, 302), (response.status_code, response.text[:500])
            location = urljoin(response.url, response.headers["Location"])
            if not location.startswith(self.url):
                return location
            response = session.get(location, allow_redirects=False, timeout=10)
        raise AssertionError("the provider never redirected back to the client")


@pytest.fixture(scope="session")
def provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Provider]:
    port = _free_port()
    test_secret = secrets.token_urlsafe(16)
    env = {
        **os.environ,
        "OP_PORT": str(port),
        "OP_DATA_DIR": str(tmp_path_factory.mktemp("oidc-provider")),
        "OP_CLIENT_ID": CLIENT_ID,
        "OP_CLIENT_SECRET": CLIENT_SECRET,
        "OP_TEST_SECRET": test_secret,
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("DATABASE_URL", None)
    process = subprocess.Popen(
        [sys.executable, str(PROVIDER_DIR / "run.py")],
        env=env,
        cwd=PROVIDER_DIR,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"the test OpenID provider stopped: {process.stderr.read().decode()[-3000:]}")  # type: ignore[union-attr]
        try:
            if requests.get(f"{url}/o/.well-known/openid-configuration", timeout=2).status_code == 200:
                break
        except requests.RequestException:
            pass
        if time.monotonic() > deadline:
            process.kill()
            raise RuntimeError("the test OpenID provider did not start within 60 s")
        time.sleep(0.2)
    yield Provider(url=url, test_secret=test_secret, process=process)
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def proconnect(provider: Provider, settings: Any) -> Iterator[Provider]:
    """Atlas IA configured to log in through the test provider, as it would through ProConnect."""
    settings.ATLASIA_OIDC_ISSUER = provider.issuer
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_RP_SIGN_ALGO = "RS256"
    oidc.forget_provider_metadata()
    provider.setup(
        redirect_uris=["http://testserver/connexion/proconnect/retour/"],
        post_logout_redirect_uris=["http://testserver/deconnexion/proconnect/retour/"],
        tamper={},
    )
    yield provider
    provider.setup(tamper={})
    oidc.forget_provider_metadata()


def callback_path(callback_url: str) -> str:
    parsed = urlparse(callback_url)
    return f"{parsed.path}?{parsed.query}"
