"""Fixtures of the publication tests: the shared ``world`` with algorithms, contacts, sources, dates
and markers that must never leak from non-public records."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.cache import cache

from atlasia.registry.models import AITechnique, Algorithm, Contact, DataCategory, Source, Theme

# Strings that belong to non-public records only: no public page or export may contain them.
SECRETS = (
    "Triage interne A",
    "Prévision réseau A",
    "Ciblage interne B",
    "Relances réseau B",
    "ALGO-CACHE-9F3",
    "prive-secret@chu-lille.fr",
    "Résumé-confidentiel-7Q",
)


@pytest.fixture(autouse=True)
def _clear_cache() -> Any:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def pub(world: dict[str, Any], make_org: Any, make_usecase: Any) -> dict[str, Any]:
    records = world["records"]
    org_c = make_org(
        name="CHU de La Réunion", slug="chu-reunion", type="hospital", region="04", department="974"
    )
    world["org_c"] = org_c
    algo_public = Algorithm.objects.create(
        name="Détecteur de rétinopathie ouvert",
        purpose="Repérer les rétinopathies diabétiques sur des photographies du fond d'œil.",
        training_data="120 000 images anonymisées de trois CHU.",
        performance="Sensibilité 0,91 ; spécificité 0,88 sur un jeu de test externe.",
        known_limits="Moins fiable sur les images de mauvaise qualité.",
        licence="EUPL-1.2",
        repository_url="https://code.example.org/retino",
        organisation=world["org_a"],
    )
    algo_hidden = Algorithm.objects.create(name="ALGO-CACHE-9F3", purpose="Ciblage des contrôles.")
    a_public = records["a_public"]
    a_public.algorithm = algo_public
    a_public.start_date = dt.date(2023, 3, 1)
    a_public.personal_data = True
    a_public.health_data = True
    a_public.human_oversight = "Un ophtalmologue relit chaque résultat positif."
    a_public.problem = "Les délais de dépistage sont longs."
    a_public.expected_benefits = "Dépister plus tôt."
    a_public.tags = ["dépistage", "diabète"]
    a_public.status = "deployed"
    a_public.save()
    a_public.data_categories.set(DataCategory.objects.order_by("position")[:2])
    Contact.objects.create(use_case=a_public, role="Référent IA", email="ia@chu-lille.fr", is_public=True)
    Contact.objects.create(
        use_case=a_public, role="Data scientist", email="prive-secret@chu-lille.fr", is_public=False
    )
    Source.objects.create(use_case=a_public, url="https://www.chu-lille.fr/ia", title="Page du CHU")
    b_public = records["b_public"]
    b_public.start_date = dt.date(2024, 9, 1)
    b_public.theme = Theme.objects.get(code="non_recours")
    b_public.ai_technique = AITechnique.objects.get(code="ia_generative")
    b_public.status = "experimentation"
    b_public.save()
    for key in ("a_internal", "b_network"):
        uc = records[key]
        uc.algorithm = algo_hidden
        uc.summary = "Résumé-confidentiel-7Q"
        uc.start_date = dt.date(2024, 1, 15)
        uc.save()
    records["c_public"] = make_usecase(
        org_c,
        title="Planification des blocs à La Réunion",
        publication_level="public",
        start_date=dt.date(2024, 5, 2),
        theme=Theme.objects.get(code="logistique_administratif"),
        status="generalised",
        cost_eur="12500.50",
    )
    Contact.objects.create(
        use_case=records["a_internal"], role="Chef", email="prive-secret@chu-lille.fr", is_public=True
    )
    world.update({"algo_public": algo_public, "algo_hidden": algo_hidden})
    return world
