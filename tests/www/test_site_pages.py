"""The pages a State site carries: French DSFR error pages (403, 404, 500, CSRF), legal notice,
personal-data notice, accessibility statement in the RGAA model, site map, and the public home an
anonymous visitor gets on ``/``; all in English too."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client, RequestFactory
from django.urls import reverse
from django.views import defaults

# Headings of the DINUM model of accessibility statement (RGAA 4.1), in order, with their level.
RGAA_STATEMENT_HEADINGS = [
    (1, "Déclaration d'accessibilité"),
    (2, "État de conformité"),
    (3, "Résultats des tests"),
    (2, "Contenus non accessibles"),
    (3, "Non-conformités"),
    (3, "Dérogations pour charge disproportionnée"),
    (3, "Contenus non soumis à l'obligation d'accessibilité"),
    (2, "Établissement de cette déclaration d'accessibilité"),
    (3, "Technologies utilisées pour la réalisation du site"),
    (3, "Environnement de test"),
    (3, "Outils pour évaluer l'accessibilité"),
    (3, "Pages du site ayant fait l'objet de la vérification de conformité"),
    (2, "Retour d'information et contact"),
    (2, "Voies de recours"),
]


def _text(response: Any) -> str:
    return response.content.decode().replace("&#x27;", "'")


def _headings(html: str) -> list[tuple[int, str]]:
    main = html.split('<main id="content"', 1)[1].split("</main>", 1)[0]
    return [
        (int(level), re.sub(r"<[^>]+>", "", body).strip())
        for level, body in re.findall(r"<h([1-6])[^>]*>(.*?)</h\1>", main, re.S)
    ]


def test_anonymous_home_leads_to_the_public_register_and_open_data(
    client: Client, world: dict[str, Any]
) -> None:
    response = client.get("/")
    assert response.status_code == 200
    page = _text(response)
    for url in [reverse("publication_register"), reverse("publication_open_data"), reverse("login")]:
        assert f'href="{url}"' in page
    assert "2 cas d'usage publiés par 2 organismes" in page
    assert world["records"]["a_internal"].title not in page and "Tableau de bord" not in page


def test_logged_in_home_is_still_the_dashboard(client: Client, world: dict[str, Any]) -> None:
    client.force_login(world["users"]["referent"])
    page = _text(client.get("/"))
    assert "Tableau de bord" in page and "Consulter le registre public" not in page


@pytest.mark.parametrize("url_name", ["legal_notice", "personal_data", "accessibility", "site_map"])
def test_state_site_pages_are_public_and_linked_from_every_footer(
    client: Client, db: Any, url_name: str
) -> None:
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    footer = _text(client.get(reverse("publication_register"))).split('id="footer"', 1)[1]
    assert f'href="{reverse(url_name)}"' in footer


def test_footer_states_non_compliance_and_links_the_statement(client: Client, db: Any) -> None:
    footer = _text(client.get(reverse("login"))).split('id="footer"', 1)[1]
    assert "Accessibilité : non conforme" in footer and "partiellement conforme" not in footer


def test_accessibility_statement_follows_the_rgaa_model(client: Client, db: Any, settings: Any) -> None:
    settings.ATLASIA_LEGAL = {**settings.ATLASIA_LEGAL, "contact_email": "accessibilite@exemple.gouv.fr"}
    page = _text(client.get(reverse("accessibility")))
    assert _headings(page) == RGAA_STATEMENT_HEADINGS
    assert "Atlas IA est non conforme" in page and "axe-core" in page
    assert 'href="mailto:accessibilite@exemple.gouv.fr"' in page
    assert "Défenseur des droits, Libre réponse 71120, 75342 Paris CEDEX 07" in page


def test_personal_data_notice_says_what_why_how_long_and_whom_to_ask(
    client: Client, db: Any, settings: Any
) -> None:
    settings.ATLASIA_LEGAL = {**settings.ATLASIA_LEGAL, "dpo_email": "dpo@exemple.gouv.fr"}
    settings.ATLASIA_PROBLEM_EMAIL_RETENTION_DAYS = 180
    page = _text(client.get(reverse("personal_data")))
    assert "votre adresse électronique (facultative)" in page
    assert "L'adresse électronique est effacée 180 jours après la réception du signalement" in page
    assert "30 minutes d'inactivité" in page and "12 heures après la connexion" in page
    assert 'href="mailto:dpo@exemple.gouv.fr"' in page and "CNIL" in page


def test_legal_notice_shows_the_operator(client: Client, db: Any, settings: Any) -> None:
    page = _text(client.get(reverse("legal_notice")))
    assert "instance de démonstration" in page and "ATLASIA_PUBLISHER" in page
    settings.ATLASIA_LEGAL = {
        **settings.ATLASIA_LEGAL,
        "publisher": "Agence régionale de santé Hauts-de-France",
        "publication_director": "La directrice générale",
        "hosting_provider": "Hébergeur qualifié SecNumCloud",
    }
    page = _text(client.get(reverse("legal_notice")))
    assert "Agence régionale de santé Hauts-de-France" in page and "La directrice générale" in page
    assert "instance de démonstration" not in page


def test_site_map_lists_public_pages_and_for_an_agent_the_menu(client: Client, world: dict[str, Any]) -> None:
    anonymous = _text(client.get(reverse("site_map")))
    assert f'href="{reverse("publication_register")}"' in anonymous
    assert f'href="{reverse("usecase_list")}"' not in anonymous
    client.force_login(world["users"]["referent"])
    agent = _text(client.get(reverse("site_map")))
    assert f'href="{reverse("usecase_list")}"' in agent and f'href="{reverse("password_change")}"' in agent


def test_a_missing_page_is_a_french_dsfr_404(client: Client, db: Any) -> None:
    response = client.get("/nulle-part/")
    assert response.status_code == 404
    page = _text(response)
    assert "<h1>Page non trouvée</h1>" in page and "Erreur 404" in page and "fr-footer" in page
    english = _text(client.get("/nulle-part/", HTTP_ACCEPT_LANGUAGE="en"))
    assert "<h1>Page not found</h1>" in english


def test_a_record_out_of_reach_is_the_same_french_404(client: Client, world: dict[str, Any]) -> None:
    client.force_login(world["users"]["other_referent"])
    response = client.get(reverse("usecase_detail", args=[world["records"]["a_internal"].pk]))
    assert response.status_code == 404 and "Page non trouvée" in _text(response)


def test_403_page_is_french(db: Any) -> None:
    request = RequestFactory().get("/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    response = defaults.permission_denied(request, PermissionDenied())
    assert response.status_code == 403 and "Accès refusé" in response.content.decode()


def test_500_page_is_french_and_needs_neither_request_nor_database(
    db: Any, django_assert_num_queries: Any
) -> None:
    request = RequestFactory().get("/")
    with django_assert_num_queries(0):
        response = defaults.server_error(request)
    page = response.content.decode()
    assert response.status_code == 500 and "Erreur inattendue" in page and "Erreur 500" in page


def test_an_expired_form_is_explained_in_french(db: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "x", "password": "y"})
    assert response.status_code == 403
    page = _text(response)
    assert "Formulaire expiré" in page and "CSRF verification failed" not in page


@pytest.mark.parametrize(
    "url_name, english",
    [
        ("legal_notice", "Legal notice"),
        ("personal_data", "What is collected, why and for how long"),
        ("accessibility", "Means of redress"),
        ("site_map", "Public pages"),
        ("home", "Browse the public register"),
    ],
)
def test_site_pages_in_english(client: Client, db: Any, url_name: str, english: str) -> None:
    page = _text(client.get(reverse(url_name), HTTP_ACCEPT_LANGUAGE="en"))
    assert english in page and '<html lang="en"' in page
    assert "Accessibility: not compliant" in page


def test_deployment_check_names_the_empty_legal_variables(settings: Any) -> None:
    from atlasia.www.checks import legal_pages_are_filled

    warnings = legal_pages_are_filled()
    assert [w.id for w in warnings] == ["atlasia.W001"]
    assert "ATLASIA_PUBLISHER" in warnings[0].msg and "ATLASIA_DPO_EMAIL" in warnings[0].msg
    settings.ATLASIA_LEGAL = {
        "publisher": "ARS",
        "publication_director": "Directrice",
        "hosting_provider": "Hébergeur",
        "contact_email": "contact@exemple.gouv.fr",
        "dpo_email": "dpo@exemple.gouv.fr",
    }
    assert legal_pages_are_filled() == []
