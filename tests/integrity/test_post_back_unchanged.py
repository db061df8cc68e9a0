"""Never lose what a user typed: every edit form of the site, opened and posted back without touching
anything, must change no stored row and write no audit row.

The pages are discovered from the URL configuration (every named route, the admin and the API apart)
on the demonstration data: each page that shows a form posting to itself is either an edit form
(posted back here) or listed below as a create/action page with the reason. A new page with a form
fails this test until it is classified."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from formwalk import as_post_data, database_state, routes, self_posting_forms, state_diff

from atlasia.accounts.models import User
from atlasia.core.qualification import SECTIONS
from atlasia.evaluation.models import EvaluationRun
from atlasia.lifecycle.models import Charter, Experiment, KpiMeasurement
from atlasia.monitoring.models import Externality, Incident
from atlasia.registry.models import Contact, Organisation, UseCase

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

#: Pages whose form posts back to itself and edits something that exists: posted back unchanged.
EDIT_FORMS = {
    "usecase_edit",
    "organisation_edit",
    "lifecycle_compliance",
    "lifecycle_assess",
    "lifecycle_weights_national",
    "lifecycle_weights_organisation",
    "lifecycle_experiment_edit",
    "lifecycle_charter",
    "qualification_section",
    "monitoring_externality",
}

#: Pages whose self-posting form creates a new thing or fires an action (posting it is not an edit).
NOT_EDIT_FORMS = {
    "compliance_usecase_risks": "registre des risques : liste et ajout d'un risque",
    "compliance_vendors": "registre des fournisseurs : liste et ajout d'un fournisseur",
    "evaluation_monitoring": "suivi dans le temps : chronologie et dépôt d'un lot",
    "usecase_create": "crée une fiche",
    "usecase_delete": "confirme une suppression",
    "lifecycle_experiment_create": "crée une expérimentation",
    "lifecycle_kpi_add": "ajoute un indicateur",
    "lifecycle_measurement_add": "ajoute une mesure",
    "qualification_complete": "enregistre une nouvelle version de la qualification",
    "evaluation_upload": "dépose un fichier de prédictions",
    "evaluation_mapping": "lance le calcul d'une évaluation",
    "monitoring_incident_create": "déclare un incident",
    "monitoring_externality_create": "signale une externalité",
    "monitoring_footprint": "ajoute une mesure d'empreinte",
    "monitoring_module_create": "crée un module de formation",
    "monitoring_completion_create": "enregistre une formation suivie",
    "monitoring_event_create": "crée un événement",
    "monitoring_declaration": "déclare l'effectif d'une organisation choisie (rien de prérempli)",
    "monitoring_resource_create": "ajoute une ressource",
    "exchange_tokens": "crée un jeton d'API",
    "exchange_import": "dépose un fichier à importer",
    "exchange_import_mapping": "enregistre la correspondance des colonnes d'un import",
    "exchange_subscriptions": "ajoute un abonnement",
    "publication_report_list": "demande une cartographie",
    "publication_problem_report": "signale un problème (public)",
    "campaigns_create": "lance une campagne",
    "committee_member_add": "ajoute un membre au comité",
    "committee_session_create": "crée une séance du comité",
    "twofactor_setup": "active la double authentification (code à saisir)",
    "password_change": "change le mot de passe (rien de prérempli)",
    "login": "connexion",
    "logout": "déconnexion",
}


def _kwargs(route: str, name: str) -> Iterator[dict[str, Any]]:
    """Objects of the demonstration for each route parameter (a few of each kind)."""
    params = re.findall(r"<(?:\w+:)?(\w+)>", route)
    if not params:
        yield {}
        return
    if route.startswith("cas-d-usage/<int:pk>/"):
        cases = list(UseCase.objects.filter(contacts__phone__gt="").distinct()[:1])
        cases += list(UseCase.objects.filter(experiments__isnull=False).distinct()[:1])
        cases += list(UseCase.objects.filter(compliance__isnull=False, priority_assessment__isnull=False)[:1])
        for uc in dict.fromkeys(cases):
            base = {"pk": uc.pk}
            if "charter_id" in params:
                for charter in Charter.objects.all():
                    yield {**base, "charter_id": charter.pk}
            elif "section" in params:
                for section in SECTIONS:
                    yield {**base, "section": section.id}
            elif set(params) == {"pk"}:
                yield base
        return
    if route.startswith("organisations/<slug:slug>/") or route.startswith("ponderations/<slug:slug>/"):
        for org in Organisation.objects.filter(use_cases__isnull=False).distinct().order_by("pk")[:2]:
            if set(params) == {"slug"}:
                yield {"slug": org.slug}
        return
    if route.startswith("experimentations/<int:pk>/") and set(params) == {"pk"}:
        for experiment in Experiment.objects.order_by("pk")[:2]:
            yield {"pk": experiment.pk}
        return
    if route.startswith("experimentations/<int:pk>/") and "kpi_id" in params:
        for m in KpiMeasurement.objects.select_related("kpi")[:1]:
            yield {"pk": m.kpi.experiment_id, "kpi_id": m.kpi_id}
        return
    if route.startswith("evaluations/<int:run_id>/") and set(params) == {"run_id"}:
        for run in EvaluationRun.objects.order_by("pk")[:1]:
            yield {"run_id": run.pk}
        return
    if route.startswith("suivi/incidents/"):
        for incident in Incident.objects.order_by("pk")[:1]:
            yield {"incident_id": incident.pk}
        return
    if route.startswith("suivi/externalites/"):
        for externality in Externality.objects.order_by("pk")[:2]:
            yield {"externality_id": externality.pk}
        return
    if route.startswith("registre/<uuid:uid>/"):
        for uc in UseCase.objects.filter(publication_level="public")[:1]:
            yield {"uid": uc.uid}
        return
    # Downloads, files and pages of objects the demonstration does not hold: no form to post back.
    return


def _fill(route: str, kwargs: dict[str, Any]) -> str:
    path = "/" + route
    for key, value in kwargs.items():
        path = re.sub(rf"<(?:\w+:)?{key}>", str(value), path)
    return path


@pytest.fixture
def demo(db: Any) -> User:
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    # A contact with every field filled in, on a record that has others: none may be lost.
    use_case = UseCase.objects.filter(contacts__isnull=False).order_by("pk").first()
    assert use_case is not None
    Contact.objects.create(
        use_case=use_case,
        role="Délégué à la protection des données",
        name="Claire Martin",
        email="dpo@example.org",
        phone="+33 3 20 44 59 62",
        is_public=False,
    )
    return User.objects.get(username="admin")


def edit_pages(client: Client) -> Iterator[tuple[str, str]]:
    """(url name, path) of every edit page of the demonstration reached by the walk."""
    for route, name in routes():
        if name not in EDIT_FORMS:
            continue
        for kwargs in _kwargs(route, name):
            path = _fill(route, kwargs)
            if "<" not in path:
                yield name, path


def test_every_edit_form_posted_back_unchanged_changes_nothing(demo: User) -> None:
    client = Client()
    client.force_login(demo)
    posted: dict[str, int] = {}
    problems: list[str] = []
    unclassified: set[str] = set()
    for route, name in routes():
        if name in NOT_EDIT_FORMS:
            continue
        for kwargs in _kwargs(route, name):
            path = _fill(route, kwargs)
            if "<" in path:
                continue
            response = client.get(path)
            if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
                continue
            forms = self_posting_forms(response.content.decode(), path)
            if not forms:
                continue
            if name not in EDIT_FORMS:
                unclassified.add(name)
                continue
            for form in forms:
                before = database_state()
                answer = client.post(path, as_post_data(form))
                after = database_state()
                if answer.status_code != 302:
                    problems.append(f"{path}: réponse {answer.status_code} au renvoi du formulaire inchangé")
                changes = state_diff(before, after)
                if changes:
                    problems.append(f"{path}: " + " ; ".join(changes[:6]))
                posted[name] = posted.get(name, 0) + 1
    assert not unclassified, f"pages à classer (EDIT_FORMS ou NOT_EDIT_FORMS) : {sorted(unclassified)}"
    assert not problems, "\n".join(problems)
    # Every edit form was reached at least once on the demonstration data.
    assert set(posted) == EDIT_FORMS, f"jamais atteints : {sorted(EDIT_FORMS - set(posted))}"
