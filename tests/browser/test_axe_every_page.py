"""axe-core (WCAG 2.1 A and AA rules) on every page type of the site, in Debian's Chromium.

The pages come from the URL configuration (tests/browser/pagewalk.py): every named route is either a page,
walked here with a real object of the demonstration for each parameter, or listed in ``NOT_PAGES`` with
the reason (downloads, JSON, POST-only actions). A new route fails this test until it is one or the other.
Besides the pages as they first show, the walk covers the error states (a form sent back with errors,
404, 403, a wrong password, the public problem report sent empty) and the progress pages of background
jobs (annual report, evaluation, compliance file being prepared). One browser, one login per role
(anonymous, platform administrator, the Cnaf's referent for her import, a contributor for the 403).
"""

from __future__ import annotations

import io
import os
import time
from typing import Any

import pytest
from browsing import launched
from django.core.management import call_command
from pagewalk import ANONYMOUS, NOT_PAGES, all_route_names, page_paths, record_for

from atlasia.accounts import services as account_services
from atlasia.accounts.models import User
from atlasia.evaluation import services as evaluation_services
from atlasia.evaluation.models import EvaluationRun
from atlasia.exchange import services as exchange_services
from atlasia.publication.models import ReportRun
from atlasia.qualification import services as qualification_services
from atlasia.registry.models import Organisation

PASSWORD = "atlasia-demo-2026"
pytestmark = [pytest.mark.browser, pytest.mark.slow]
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}
#: Pages of an import, which only the person who made it sees.
OWN_IMPORT = {"exchange_import_detail", "exchange_import_mapping"}
IMPORT_CSV = (
    "Référence externe;Titre;Résumé;Thème;Technique d'IA\n"
    "CNAF-42;Détection des indus de prestations;Repérer les dossiers à risque d'indu;acces_soins;"
    "apprentissage_supervise\n"
    "CNAF-43;;Sans titre;thème inconnu;apprentissage_supervise\n"
).encode()


def _extra_objects(tmp_path: Any) -> dict[str, Any]:
    """What the demonstration does not hold and some pages need: made through the services."""
    from django.conf import settings

    settings.ATLASIA_EVALUATION_UPLOAD_DIR = tmp_path / "uploads"
    admin = User.objects.get(username="admin")
    referent = User.objects.get(username="referent-caf")
    cnaf = Organisation.objects.get(memberships__user=referent)
    invitation = account_services.invitation_create(
        actor=admin, organisation=cnaf, email="nouvelle.agente@cnaf.fr", role="contributor", link_for=str
    )
    job = exchange_services.import_job_create(
        actor=referent, organisation=cnaf, filename="cas-cnaf.csv", content=IMPORT_CSV
    )
    done = EvaluationRun.objects.filter(status="done").order_by("pk").first()
    assert done is not None
    csv = b"id,y_true,y_pred\n" + b"".join(f"{i},{i % 2},{(i // 2) % 2}\n".encode() for i in range(60))
    draft = evaluation_services.evaluationrun_upload(
        actor=admin,
        use_case=done.use_case,
        predictions=evaluation_services.Upload("predictions.csv", len(csv), io.BytesIO(csv)),
    )
    # Background jobs caught while they run: the progress pages.
    report = ReportRun.objects.create(year=2025, requested_by=admin, progress=35, step="Calcul des chiffres")
    queued = EvaluationRun.objects.create(
        use_case=done.use_case, created_by=admin, status="running", progress=40, step="Intervalles"
    )
    # A second qualification version of the compliance record, for the comparison of versions.
    record = record_for("compliance_file")
    latest = record.qualifications.order_by("-version").first()
    assert latest is not None
    qualification_services.qualification_complete(actor=admin, use_case=record, answers=dict(latest.answers))
    extra: dict[str, Any] = {
        "invitation_token": account_services.invitation_token(invitation),
        "import_job": job,
        "evaluation_draft": draft,
        "report_run": report,
        "evaluation_running": queued,
    }
    from atlasia.compliance.models import FileJob

    extra["compliance_job"] = FileJob.objects.create(
        use_case=record, kind="dossier", fmt="zip", requested_by=admin, progress=20, step="Documents"
    )
    return extra


def _violations(page: Any, axe: Any) -> list[str]:
    result = axe.run(page, options=AXE_OPTIONS)
    return [
        f"{v['impact']} {v['id']} ({len(v['nodes'])}×): {v['nodes'][0]['target']} — {v['help']}"
        for v in result.response["violations"]
    ]


def _log_in(browser: Any, base: str, username: str, language: str = "fr-FR") -> Any:
    page = browser.new_context(locale=language).new_page()
    page.goto(base + "/connexion/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form [type=submit]").last.click()
    page.wait_for_load_state()
    assert "/connexion/" not in page.url, f"{username} n'a pas pu se connecter"
    return page


@pytest.mark.django_db(transaction=True)
def test_axe_finds_no_violation_on_any_page_type(live_server: Any, tmp_path: Any) -> None:
    from axe_playwright_python.sync_playwright import Axe

    started = time.monotonic()
    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    extra = _extra_objects(tmp_path)
    pages = page_paths(extra)
    walked = {name for name, _ in pages}
    several = {name for name in walked if sum(n == name for n, _ in pages) > 1}
    assert walked | set(NOT_PAGES) == all_route_names(), "route ni parcourue ni exclue avec sa raison"
    assert not walked & set(NOT_PAGES)

    base = live_server.url
    axe = Axe()
    found: dict[str, list[str]] = {}
    statuses: dict[str, int] = {}
    with launched() as browser:

        def visit(page: Any, label: str, url: str, expected: int = 200) -> None:
            response = page.goto(base + url)
            assert response is not None
            statuses[label] = response.status
            found[label] = _violations(page, axe)
            if response.status != expected:
                found[label].append(f"{url} : réponse {response.status} au lieu de {expected}")

        # The public site, and its error states.
        anonymous = browser.new_context(locale="fr-FR").new_page()
        visit(anonymous, "home (public)", "/")
        for name, path in pages:
            if name in ANONYMOUS:
                visit(anonymous, f"{name} {path}" if name in several else name, path)
        visit(anonymous, "404 (public)", "/page-qui-n-existe-pas/", 404)
        public_record = next(path for name, path in pages if name == "publication_register_detail")
        anonymous.goto(base + public_record)
        anonymous.locator("form[action*='/signaler/'] [type=submit]").click()
        anonymous.wait_for_load_state()
        found["signalement public envoyé vide (erreurs)"] = _violations(anonymous, axe)
        anonymous.goto(base + "/connexion/")
        anonymous.locator("#id_username").fill("admin")
        anonymous.locator("#id_password").fill("pas-le-bon-mot-de-passe")
        anonymous.locator("form [type=submit]").last.click()
        anonymous.wait_for_load_state()
        found["connexion refusée (erreurs)"] = _violations(anonymous, axe)
        anonymous.context.close()

        experiment_create = next(p for n, p in pages if n == "lifecycle_experiment_create")
        # Every other page, by the platform administrator (who may open every one of them).
        admin = _log_in(browser, base, "admin")
        for name, path in pages:
            if name not in ANONYMOUS | OWN_IMPORT:
                visit(admin, f"{name} {path}" if name in several else name, path)
        visit(admin, "404 (connecté)", "/cas-d-usage/99999999/", 404)
        visit(admin, "évaluation en cours (avancement)", f"/evaluations/{extra['evaluation_running'].pk}/")
        for label, url in (
            ("fiche envoyée vide (erreurs)", "/cas-d-usage/nouveau/"),
            ("expérimentation envoyée vide (erreurs)", experiment_create),
        ):
            admin.goto(base + url)
            admin.locator("main form [type=submit]").last.click()
            admin.wait_for_selector("[data-error-summary], .fr-alert--error", timeout=15_000)
            found[label] = _violations(admin, axe)
        admin.context.close()

        # An import is seen by the person who made it only: the Cnaf's referent.
        referent = _log_in(browser, base, "referent-caf")
        for name, path in pages:
            if name in OWN_IMPORT:
                visit(referent, name, path)
        referent.context.close()

        # A contributor on a page of managers: 403.
        agent = _log_in(browser, base, "agent-caf")
        visit(agent, "403", "/echanges/jetons/", 403)
        agent.context.close()

    _report(found, statuses, started)
    assert {label: v for label, v in found.items() if v} == {}


def _report(found: dict[str, list[str]], statuses: dict[str, int], started: float) -> None:
    elapsed = time.monotonic() - started
    print(f"\naxe-core : {len(found)} états de page en {elapsed:.0f} s")
    for label, violations in found.items():
        print(f"  {label:45} {statuses.get(label, '')} {len(violations)} violation(s)")
        for violation in violations:
            print(f"      {violation}")
