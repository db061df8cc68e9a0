"""Two real instances at once: a second Atlas IA runs in a subprocess (``runserver`` on another port,
its own SQLite database); this test's database is the pulling instance."""

from __future__ import annotations

import json
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
# A record with every public field filled (format 1.1 must carry all of them).
import datetime as dt, uuid
from atlasia.lifecycle.models import ComplianceRecord, Experiment
from atlasia.qualification.models import Qualification
from atlasia.registry.models import Algorithm, Contact, DataCategory, Pillar, Source
algo = Algorithm.objects.create(
    name="Score de réhospitalisation", description="Gradient boosting sur 40 variables.",
    purpose="Repérer les patients à risque de réhospitalisation à 30 jours.",
    training_data="210 000 séjours 2019-2023 du PMSI du CHU.", performance="AUC 0,78 sur 2024.",
    known_limits="Moins fiable chez les moins de 18 ans.", licence="EUPL-1.2",
    repository_url="https://code.example.org/rehospit", organisation=org,
)
rich = UseCase.objects.create(
    organisation=org, title="Public riche", summary="Prédire les réhospitalisations à 30 jours.",
    problem="Des sorties trop précoces.", expected_benefits="Moins de réhospitalisations évitables.",
    theme=t, ai_technique=a, publication_level="public", status="deployed",
    pillar=Pillar.objects.order_by("position").first(), tags=["sortie", "parcours"],
    target_population="Patients hospitalisés en médecine.", team="Cellule data du CHU",
    senior_responsible_owner="Pr Jean Dupont, président de la CME", human_oversight="Le médecin décide.",
    legal_basis_details="Article L. 6111-1 du code de la santé publique.",
    proportionality="Seules les données du séjour sont utilisées.",
    risks_and_mitigations="Biais d'âge : seuils revus chaque trimestre.",
    personal_data=True, health_data=True, data_sources="PMSI, dossier patient.",
    data_volume="50 000 séjours par an", hosting="internal", start_date=dt.date(2023, 5, 1),
    cost_eur="125000.50", provider_type="in_house", algorithm=algo,
)
rich.data_categories.set(DataCategory.objects.order_by("position")[:2])
Contact.objects.create(
    use_case=rich, role="Référent IA", name="Claire Petit", email="ia@chu-bordeaux.fr", is_public=True
)
Contact.objects.create(use_case=rich, role="Data scientist", email="prive@chu-bordeaux.fr", is_public=False)
Source.objects.create(use_case=rich, url="https://www.chu-bordeaux.fr/ia", title="Page du CHU")
Qualification.objects.create(
    use_case=rich, version=1, law_version="2026-07-omnibus", category="high_risk",
    answers={"legal_basis": "public_task", "art9_exception": "care"},
    result={
        "ai_act": {"category": "high_risk", "fria_required": True, "bases": ["annex3_5a"]},
        "gdpr": {"dpia": "required"},
    },
)
ComplianceRecord.objects.create(
    use_case=rich, dpia_decision="required", dpia_completed_at=dt.date(2024, 2, 1)
)
Experiment.objects.create(
    use_case=rich, title="Pilote en cardiologie", objective="Mesurer", start_date=dt.date(2023, 1, 1)
)
print("RICH=" + str(rich.uid))
"""

SELF = """
from atlasia.exchange import pull
from atlasia.exchange.models import Subscription
from atlasia.registry.models import UseCase
import os
before = UseCase.objects.count()
own = Subscription.objects.create(name="Moi", slug="moi", base_url=os.environ["OWN_URL"])
result = pull.pull_subscription(subscription=own)
print("ERRORS=" + " | ".join(result.errors))
print("COUNT=%d->%d" % (before, UseCase.objects.count()))
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
    rich = next(line[5:] for line in out.stdout.splitlines() if line.startswith("RICH="))
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
            "rich": rich,
            "change": lambda: subprocess.run([*manage, "shell", "-c", CHANGE], cwd=ROOT, env=env, check=True),
            "self_pull": lambda: (
                subprocess.run(
                    [*manage, "shell", "-c", SELF],
                    cwd=ROOT,
                    env={**env, "OWN_URL": url},
                    check=True,
                    capture_output=True,
                    text=True,
                ).stdout
            ),
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
    ) == {"Public 1", "Public riche"}
    with_token = Subscription.objects.create(
        name="Distante (réseau)", slug="distante", base_url=remote["url"], token=remote["token"]
    )
    assert pull.pull_subscription(subscription=with_token).created == 3
    titles = set(
        UseCase.objects.filter(remote_provenance__subscription=with_token).values_list("title", flat=True)
    )
    assert titles == {"Public 1", "Réseau 1", "Public riche"}  # never the internal record
    again = pull.pull_subscription(subscription=with_token)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    remote["change"]()
    changed = pull.pull_subscription(subscription=with_token)
    assert (changed.created, changed.updated, changed.withdrawn) == (0, 1, 1), changed.errors
    assert UseCase.objects.filter(
        title="Public 1 modifié", remote_provenance__subscription=with_token
    ).exists()
    assert RemoteProvenance.objects.get(subscription=with_token, use_case__title="Réseau 1").withdrawn


def _open_data(url: str) -> list[dict[str, Any]]:
    with urllib.request.urlopen(url + "/donnees-ouvertes/registre.json", timeout=10) as response:
        return list(json.loads(response.read())["cas_d_usage"])


def test_format_1_1_copies_every_public_field_without_loss(
    client: Any, reference: None, remote: dict[str, Any]
) -> None:
    subscription = Subscription.objects.create(name="Distante", slug="distante", base_url=remote["url"])
    result = pull.pull_subscription(subscription=subscription)
    assert result.ok, result.errors
    source = next(r for r in _open_data(remote["url"]) if r["identifiant"] == remote["rich"])
    copy = UseCase.objects.get(remote_provenance__remote_uid=remote["rich"])
    local = next(
        r
        for r in client.get("/donnees-ouvertes/registre.json").json()["cas_d_usage"]
        if r["identifiant"] == str(copy.uid)
    )
    # The copy has its own identifier (its provenance keeps the source's); every other public field is equal.
    different = {k for k in source if source[k] != local[k]}
    assert different == {"identifiant", "url_fiche"}, {k: (source[k], local[k]) for k in different}
    assert source["categorie_ai_act"] == "Haut risque" and source["risques_et_attenuations"].startswith(
        "Biais d'âge"
    )
    assert "prive@chu-bordeaux.fr" not in json.dumps(local)  # a private contact never travels
    # The copy's public page says where it comes from, with a link back.
    page = client.get(f"/registre/{copy.uid}/").content.decode()
    assert "Copie d'une fiche de l'instance Distante" in page
    assert f"{remote['url']}/registre/{remote['rich']}/" in page
    # Experiments are not public: an anonymous subscription does not receive them.
    assert "Pilote en cardiologie" not in json.dumps(RemoteProvenance.objects.get(use_case=copy).payload)


def test_a_subscription_to_itself_is_refused_and_writes_nothing(remote: dict[str, Any]) -> None:
    out = remote["self_pull"]()
    assert "même identifiant d'instance" in out, out
    count = next(line for line in out.splitlines() if line.startswith("COUNT="))
    before, after = count[6:].split("->")
    assert before == after
