"""Concurrent writers against a real server on 127.0.0.1 (``manage.py runserver``, threaded), on the
database the suite runs on (its own SQLite file, or its own PostgreSQL database next to the test one).

Several people save at the same instant: the same record (one wins, the others get the stale-edit
message), different records (all succeed: on SQLite, immediate transactions queue behind the busy
timeout instead of answering "database is locked"), the same create form submitted several times, and
the API's create with one ``Idempotency-Key``. Asserted: no HTTP 5xx, no duplicate, nothing lost.
The figures (requests, concurrent writers, duplicates, 5xx) are printed with ``-s``.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from formwalk import as_post_data, self_posting_forms

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
WRITERS = 8
PASSWORD = "concurrence-2026"

SEED = f"""
from atlasia.accounts.models import Membership, User
from atlasia.exchange import services as exchange
from atlasia.registry.loaders import load_reference
from atlasia.registry.models import AITechnique, Organisation, Theme, UseCase
load_reference()
org = Organisation.objects.create(
    name="CHU de Lille", slug="chu-lille", type="hospital", region="32", department="59"
)
admin = User.objects.create_user(username="admin", password="{PASSWORD}", is_platform_admin=True)
theme = Theme.objects.get(code="acces_soins")
technique = AITechnique.objects.get(code="apprentissage_supervise")
for n in range({WRITERS}):
    user = User.objects.create_user(username=f"agent{{n}}", password="{PASSWORD}")
    Membership.objects.create(user=user, organisation=org, role="referent")
    UseCase.objects.create(title=f"Fiche {{n}}", summary="Résumé.", theme=theme, ai_technique=technique,
                           organisation=org)
UseCase.objects.create(title="Fiche partagée", summary="Résumé.", theme=theme, ai_technique=technique,
                       organisation=org)
_, raw = exchange.token_create(actor=admin, organisation=org, role="referent", label="Connecteur")
print("TOKEN=" + raw)
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _database_url(tmp: Path) -> tuple[str, Callable[[], None]]:
    """A database of its own for the server: a SQLite file, or a PostgreSQL database beside the
    suite's (dropped afterwards)."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        return f"sqlite:///{tmp / 'concurrency.sqlite3'}", lambda: None
    import psycopg

    parts = urllib.parse.urlsplit(url)
    name = (parts.path.lstrip("/") or "atlasia") + "_concurrency"
    admin_url = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return urllib.parse.urlunsplit(parts._replace(path="/" + name)), drop


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    tmp = tmp_path_factory.mktemp("concurrency")
    url, drop = _database_url(tmp)
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    python = sys.executable
    subprocess.run([python, "manage.py", "migrate", "-v0"], cwd=REPO, env=env, check=True)
    seeded = subprocess.run(
        [python, "manage.py", "shell", "-c", SEED], cwd=REPO, env=env, capture_output=True, text=True
    )
    assert seeded.returncode == 0, seeded.stderr[-3000:]
    token = next(line[6:] for line in seeded.stdout.splitlines() if line.startswith("TOKEN="))
    port = _free_port()
    log = open(tmp / "server.log", "w")  # noqa: SIM115 - closed at teardown
    process = subprocess.Popen(
        [python, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError("the server did not start: " + (tmp / "server.log").read_text()[-2000:])
        yield {"base": base, "token": token, "log": str(tmp / "server.log"), "database": url.split(":")[0]}
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()
        drop()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class Browser:
    """A person with a session: logs in, opens a form, posts it (no redirect followed)."""

    def __init__(self, base: str, username: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect)
        login = self.form("/connexion/")
        login["username"], login["password"] = [username], [PASSWORD]
        status, _ = self.post("/connexion/", login)
        assert status == 302, f"login of {username}: {status}"

    def request(
        self,
        path: str,
        data: bytes | None = None,
        headers: dict[str, str] | None = None,
        method: str | None = None,
    ) -> tuple[int, str, dict[str, str]]:
        req = urllib.request.Request(self.base + path, data=data, headers=headers or {}, method=method)
        try:
            with self.opener.open(req, timeout=120) as response:
                return response.status, response.read().decode(), dict(response.headers)
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(), dict(error.headers)

    def form(self, path: str) -> dict[str, list[str]]:
        status, text, _ = self.request(path)
        assert status == 200, (path, status)
        return as_post_data(self_posting_forms(text, path)[0])

    def post(self, path: str, data: dict[str, list[str]]) -> tuple[int, str]:
        body = urllib.parse.urlencode(data, doseq=True).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Referer": self.base + path}
        status, text, _ = self.request(path, body, headers)
        return status, text


def _at_once(actions: list[Callable[[], Any]]) -> list[Any]:
    """Run the actions in threads released together (a barrier), return their results."""
    barrier = threading.Barrier(len(actions))
    results: list[Any] = [None] * len(actions)

    def run(i: int, action: Callable[[], Any]) -> None:
        barrier.wait()
        results[i] = action()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


FIGURES: Counter[str] = Counter()


def _count(statuses: list[int], scenario: str) -> None:
    FIGURES["requests"] += len(statuses)
    FIGURES["5xx"] += sum(1 for s in statuses if s >= 500)
    print(f"[{scenario}] {len(statuses)} requêtes simultanées : {sorted(Counter(statuses).items())}")


def _use_case_id(browser: Browser, title: str) -> int:
    status, text, _ = browser.request("/cas-d-usage/?q=" + urllib.parse.quote(title))
    assert status == 200
    marker = 'href="/cas-d-usage/'
    for chunk in text.split(marker)[1:]:
        pk = chunk.split("/", 1)[0]
        if pk.isdigit() and title in chunk[:400]:
            return int(pk)
    raise AssertionError(f"{title} introuvable")


def test_concurrent_writers_never_get_a_5xx_and_never_duplicate(server: dict[str, str]) -> None:
    base = server["base"]
    people = [Browser(base, f"agent{n}") for n in range(WRITERS)]

    # 1. Everyone saves a different record at the same instant (SQLite: "database is locked" before).
    for round_ in range(3):
        forms = []
        for n, person in enumerate(people):
            pk = _use_case_id(person, f"Fiche {n}")
            data = person.form(f"/cas-d-usage/{pk}/modifier/")
            data["summary"] = [f"Résumé réécrit au tour {round_} par l'agent {n}."]
            forms.append((person, f"/cas-d-usage/{pk}/modifier/", data))
        results = _at_once([lambda p=p, u=u, d=d: p.post(u, d)[0] for p, u, d in forms])
        _count(results, f"{WRITERS} fiches différentes, tour {round_ + 1}")
        assert results == [302] * WRITERS, results

    # 2. Everyone saves the SAME record from the same version: one wins, the others are told.
    pk = _use_case_id(people[0], "Fiche partagée")
    path = f"/cas-d-usage/{pk}/modifier/"
    forms = []
    for n, person in enumerate(people):
        data = person.form(path)
        data["title"] = [f"Fiche partagée, version de l'agent {n}"]
        forms.append((person, data))
    results = _at_once([lambda p=p, d=d: p.post(path, d) for p, d in forms])
    statuses = [s for s, _ in results]
    _count(statuses, f"{WRITERS} enregistrements de la même fiche")
    assert statuses.count(302) == 1 and statuses.count(400) == WRITERS - 1, statuses
    assert all("pendant que vous la modifiiez" in t.replace("&#x27;", "'") for s, t in results if s == 400)
    FIGURES["stale edits refused"] += statuses.count(400)

    # 3. One create form submitted by several clicks at once: one record.
    person = people[0]
    data = person.form("/cas-d-usage/nouveau/")
    title = f"Créée une seule fois {uuid.uuid4().hex[:6]}"
    data.update({"title": [title], "summary": ["Résumé."]})
    _status, text, _ = person.request("/cas-d-usage/nouveau/")
    themes = [o for o in text.split('name="theme"')[1].split("</select>")[0].split('value="')[1:]]
    techniques = [o for o in text.split('name="ai_technique"')[1].split("</select>")[0].split('value="')[1:]]
    data["theme"] = [next(t.split('"')[0] for t in themes if t.split('"')[0])]
    data["ai_technique"] = [next(t.split('"')[0] for t in techniques if t.split('"')[0])]
    results = _at_once([lambda: person.post("/cas-d-usage/nouveau/", data)[0] for _ in range(WRITERS)])
    _count(results, f"{WRITERS} envois du même formulaire de création")
    assert results == [302] * WRITERS, results  # each click lands on the one record
    _status, listing, _ = person.request("/cas-d-usage/?q=" + urllib.parse.quote(title))
    created = listing.count(f">{title}<")
    FIGURES["duplicates"] += max(0, created - 1)
    assert created == 1, created

    # 4. The API: the same Idempotency-Key from parallel retries, and parallel PATCHes.
    token = server["token"]
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    payload = json.dumps(
        {
            "title": "Créée par l'API",
            "summary": "Résumé.",
            "theme": "acces_soins",
            "ai_technique": "apprentissage_supervise",
        }
    ).encode()
    results = _at_once(
        [
            lambda: person.request("/api/v1/usecases", payload, {**headers, "Idempotency-Key": "retry-1"})
            for _ in range(WRITERS)
        ]
    )
    statuses = [s for s, _, _ in results]
    _count(statuses, f"{WRITERS} POST API avec la même clé d'idempotence")
    uids = {json.loads(t)["uid"] for s, t, _ in results if s == 201}
    assert statuses == [201] * WRITERS and len(uids) == 1, statuses
    _status, text, _ = person.request(
        "/api/v1/usecases?q=" + urllib.parse.quote("Créée par l'API"), headers=headers
    )
    count = json.loads(text)["count"]
    FIGURES["duplicates"] += count - 1
    assert count == 1
    _status, text, _ = person.request("/api/v1/usecases?limit=100", headers=headers)
    records = [r for r in json.loads(text)["results"] if r["title"].startswith("Fiche ")][:WRITERS]
    results = _at_once(
        [
            lambda r=r: person.request(
                f"/api/v1/usecases/{r['uid']}", json.dumps({"problem": "Revu."}).encode(), headers, "PATCH"
            )[0]
            for r in records
        ]
    )
    _count(results, f"{len(records)} PATCH API simultanés")
    assert results == [200] * len(records), results

    FIGURES["concurrent writers"] = WRITERS
    print(f"[{server['database']}] bilan : " + ", ".join(f"{k} = {v}" for k, v in sorted(FIGURES.items())))
    assert FIGURES["5xx"] == 0 and FIGURES["duplicates"] == 0
    log = Path(server["log"]).read_text()
    assert "database is locked" not in log and "Traceback" not in log, log[-3000:]
