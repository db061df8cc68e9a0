"""Smoke test of the production command: `scripts/serve.sh` (what `make serve` runs) started as a real
process with ``config.settings.prod`` on a PostgreSQL database of its own and a free 127.0.0.1 port, then
fetched as a browser behind the HTTPS reverse proxy would: pages, hashed and compressed static files, the
health check, the API and its offline documentation; a job queued on the database is run by the worker.

Slow by nature (migrations, collectstatic with compression): one server for the whole module.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = [pytest.mark.slow]


def _pg_server_url() -> str:
    """The PostgreSQL server of the test run (DATABASE_URL when it is PostgreSQL, else the local one)."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        url = os.environ.get("PG_URL", "postgres://postgres@127.0.0.1:5432/atlasia")
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    def __init__(self, port: int, env: dict[str, str], process: subprocess.Popen[bytes], log: Path) -> None:
        self.port, self.env, self.process, self.log = port, env, process, log

    def get(
        self, path: str, *, https: bool = True, headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], bytes, list[str]]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        sent = {"Host": "127.0.0.1", "Accept-Language": "fr"}
        if https:  # what the reverse proxy adds (docs/deployment.md)
            sent["X-Forwarded-Proto"] = "https"
        sent.update(headers or {})
        connection.request("GET", path, headers=sent)
        response = connection.getresponse()
        body = response.read()
        cookies = response.msg.get_all("Set-Cookie") or []
        result = (response.status, {k.lower(): v for k, v in response.getheaders()}, body, cookies)
        connection.close()
        return result

    def manage(self, *args: str) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    server_url = _pg_server_url()
    database = f"atlasia_smoke_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    with psycopg.connect(f"{server_url}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{database}"')
    var_dir = tmp_path_factory.mktemp("serve-var")
    port = _free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("ATLASIA_", "DJANGO_")) and key != "DATABASE_URL"
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.prod",
            "ATLASIA_SECRET_KEY": secrets.token_urlsafe(50),
            "ATLASIA_ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": f"{server_url}/{database}",
            "ATLASIA_VAR_DIR": str(var_dir),
            "ATLASIA_BIND": f"127.0.0.1:{port}",
            "ATLASIA_WEB_WORKERS": "2",
            "VENV": str(Path(sys.executable).parent.parent),
        }
    )
    log = var_dir / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            ["bash", "scripts/serve.sh"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    srv = Server(port, env, process, log)
    try:
        deadline = time.monotonic() + 600
        while True:
            assert process.poll() is None, f"make serve stopped:\n{log.read_text()[-3000:]}"
            try:
                if srv.get("/healthz")[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, f"no answer after 10 min:\n{log.read_text()[-3000:]}"
            time.sleep(1)
        yield srv
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        with psycopg.connect(f"{server_url}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def test_production_settings_redirect_plain_http_to_https(server: Server) -> None:
    status, headers, _, _ = server.get("/registre/", https=False)
    assert status == 301 and headers["location"] == "https://127.0.0.1/registre/"


def test_health_check_answers_with_the_security_headers(server: Server) -> None:
    status, headers, body, _ = server.get("/healthz")
    assert (status, body) == (200, b"ok")
    assert headers["strict-transport-security"].startswith("max-age=31536000")
    csp = headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("style-src-attr")[0]
    assert headers["x-frame-options"] == "DENY" and headers["x-content-type-options"] == "nosniff"


def test_public_pages_are_served_in_french_with_hashed_compressed_static_files(server: Server) -> None:
    for path in ["/", "/registre/", "/algorithmes/", "/donnees-ouvertes/", "/connexion/"]:
        status, headers, body, _ = server.get(path)
        assert status == 200, path
        page = body.decode()
        assert '<html lang="fr"' in page and "Atlas IA" in page, path
        assert "<script>" not in page and " onclick=" not in page, path
    _, _, body, cookies = server.get("/connexion/")
    assert any(c.startswith("csrftoken=") and "Secure" in c for c in cookies), cookies
    stylesheets = re.findall(r'href="(/static/[^"]+\.css)"', body.decode())
    assert any(re.search(r"atlasia\.[0-9a-f]{12}\.css$", s) for s in stylesheets), stylesheets
    for href in stylesheets:
        status, headers, _, _ = server.get(href, headers={"Accept-Encoding": "br, gzip"})
        assert status == 200, href
        assert headers["content-encoding"] in {"br", "gzip"}, href
        assert "immutable" in headers["cache-control"] and "max-age=315360000" in headers["cache-control"]
    scripts = re.findall(r'src="(/static/[^"]+\.js)"', body.decode())
    assert scripts and all(server.get(src)[0] == 200 for src in scripts), scripts


def test_a_missing_page_is_a_french_404_without_debug_details(server: Server) -> None:
    status, _, body, _ = server.get("/nulle-part/")
    assert status == 404
    assert "Page non trouvée" in body.decode() and "Traceback" not in body.decode()


def test_the_api_and_its_offline_documentation(server: Server) -> None:
    status, headers, body, _ = server.get("/api/v1/usecases")
    assert status == 200 and headers["content-type"].startswith("application/json")
    assert json.loads(body)["count"] == 0
    status, _, body, _ = server.get("/api/v1/openapi.json")
    assert status == 200 and json.loads(body)["info"]["title"]
    status, _, body, _ = server.get("/api/v1/docs")
    page = body.decode()
    assert status == 200 and "cdn" not in page.lower()
    assets = re.findall(r'(?:src|href)="(/static/ninja/[^"]+)"', page)
    assert {Path(a).suffix for a in assets} >= {".js", ".css"}, assets
    assert all(server.get(a)[0] == 200 for a in assets)


def test_the_background_worker_runs_queued_jobs(server: Server) -> None:
    job_id = server.manage(
        "shell",
        "--no-imports",
        "-c",
        "from atlasia.search.tasks import embed_usecases; print(embed_usecases.enqueue([]).id)",
    ).strip()
    deadline = time.monotonic() + 120
    status = ""
    while time.monotonic() < deadline:
        status = server.manage(
            "shell",
            "--no-imports",
            "-c",
            "from django_tasks_db.models import DBTaskResult; "
            f"print(DBTaskResult.objects.get(id='{job_id}').status)",
        ).strip()
        if status in {"SUCCESSFUL", "FAILED"}:
            break
        time.sleep(1)
    assert status == "SUCCESSFUL", server.log.read_text()[-2000:]


def test_demo_loading_is_refused_under_production_settings(server: Server) -> None:
    done = subprocess.run(
        [sys.executable, "manage.py", "load_demo"], cwd=ROOT, env=server.env, capture_output=True, text=True
    )
    assert done.returncode != 0
    assert "La démonstration ne se charge pas en production" in done.stderr
    count = server.manage(
        "shell", "--no-imports", "-c", "from atlasia.accounts.models import User; print(User.objects.count())"
    )
    assert count.strip() == "0"
