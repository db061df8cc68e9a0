"""Two real instances at once: a second Atlas IA runs in a subprocess (``runserver`` on another port,
its own SQLite database); this test's database is the pulling instance."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from atlasia.exchange import pull
from atlasia.exchange.models import RemoteProvenance, Subscription
from atlasia.registry.models import UseCase

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.slow, pytest.mark.django_db]

SETUP = """
from atlasia.accounts.models import User
from atlasia.exchange import services
from atlasia.registry.loaders import load_reference
from atlasia.registry.models import AITechnique, Organisation, Theme, UseCase
load_reference()
org = Organisation.objects.create(name="CHU de Bordeaux", slug="chu-bordeaux", type="hospital", region="75")
admin = User.objects.create_user(username="admin", is_platform_admin=True)
t, a = Theme.objects.get(code="acces_soins"), AITechnique.objects.get(code="apprentissage_supervise")
for title, level in [("Public 1", "public"), ("Réseau 1", "network"), ("Interne 1", "internal")]:
    UseCase.objects.create(
        organisation=org, title=title, summary="s", theme=t, ai_technique=a, publication_level=level
    )
_, raw = services.token_create(actor=admin, organisation=org, role="contributor", label="instance partenaire")
print("TOKEN=" + raw)
"""

CHANGE = """
from atlasia.registry.models import UseCase
uc = UseCase.objects.get(title="Public 1"); uc.title = "Public 1 modifié"; uc.save()
UseCase.objects.filter(title="Réseau 1").delete()
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def remote(tmp_path: Path) -> Any:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'remote.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "ATLASIA_VAR_DIR": str(tmp_path),
        "ATLASIA_INSTANCE_NAME": "Instance distante",
    }
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    out = subprocess.run(
        [*manage, "shell", "-c", SETUP], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    token = next(line[6:] for line in out.stdout.splitlines() if line.startswith("TOKEN="))
    port = _free_port()
    server = subprocess.Popen(
        [*manage, "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(url + "/healthz", timeout=1).close()
            break
        except OSError:
            time.sleep(0.2)
    try:
        yield {
            "url": url,
            "token": token,
            "change": lambda: subprocess.run([*manage, "shell", "-c", CHANGE], cwd=ROOT, env=env, check=True),
        }
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_pull_from_a_second_running_instance(reference: None, remote: dict[str, Any]) -> None:
    anonymous = Subscription.objects.create(
        name="Distante (public)", slug="distante-pub", base_url=remote["url"]
    )
    result = pull.pull_subscription(subscription=anonymous)
    assert result.ok, result.errors
    assert set(
        UseCase.objects.filter(remote_provenance__subscription=anonymous).values_list("title", flat=True)
    ) == {"Public 1"}
    with_token = Subscription.objects.create(
        name="Distante (réseau)", slug="distante", base_url=remote["url"], token=remote["token"]
    )
    assert pull.pull_subscription(subscription=with_token).created == 2
    titles = set(
        UseCase.objects.filter(remote_provenance__subscription=with_token).values_list("title", flat=True)
    )
    assert titles == {"Public 1", "Réseau 1"}  # never the internal record
    again = pull.pull_subscription(subscription=with_token)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    remote["change"]()
    changed = pull.pull_subscription(subscription=with_token)
    assert (changed.created, changed.updated, changed.withdrawn) == (0, 1, 1), changed.errors
    assert UseCase.objects.filter(
        title="Public 1 modifié", remote_provenance__subscription=with_token
    ).exists()
    assert RemoteProvenance.objects.get(subscription=with_token, use_case__title="Réseau 1").withdrawn
