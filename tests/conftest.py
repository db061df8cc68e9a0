"""Shared fixtures: reference data, organisations, users with roles, use cases."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from atlasia.accounts.models import Membership, User
from atlasia.registry.enums import PublicationLevel
from atlasia.registry.loaders import load_reference
from atlasia.registry.models import AITechnique, Organisation, Theme, UseCase


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Each test starts with an empty cache: a fragment or a reference list cached by a test whose data
    were rolled back must not show in the next one (the invalidation signals do not fire on rollback)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _french_by_default() -> Any:
    """Each test starts in French, the default language, and leaves French behind: a test that renders a
    page in English (the locale middleware activates it for the request's thread) must not turn the next
    test's service messages English (``tests/www/test_site_pages.py`` before ``tests/registry`` did)."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _rows_seeded_by_migrations(request: Any) -> None:
    """A transactional test ends by emptying every table, the rows that data migrations seeded included
    (the charters and the national weight profile). pytest-django runs the transactional tests after the
    others, so each transactional test seeds them again first (the migration's own function, idempotent):
    the result of a test never depends on which transactional test ran before it."""
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and marker.kwargs.get("transaction"))
    if not transactional and not {"transactional_db", "live_server"} & set(request.fixturenames):
        return
    request.getfixturevalue("transactional_db")
    from tests.seeded import seed_migration_rows

    seed_migration_rows()


@pytest.fixture
def reference(db: Any) -> None:
    load_reference()


@pytest.fixture
def make_org(db: Any) -> Callable[..., Organisation]:
    counter = {"n": 0}

    def _make(**kwargs: Any) -> Organisation:
        counter["n"] += 1
        n = counter["n"]
        defaults: dict[str, Any] = {
            "name": f"Organisation {n}",
            "slug": f"org-{n}",
            "type": "hospital",
            "region": "32",
            "department": "59",
        }
        defaults.update(kwargs)
        return Organisation.objects.create(**defaults)

    return _make


@pytest.fixture
def make_user(db: Any) -> Callable[..., User]:
    counter = {"n": 0}

    def _make(org: Organisation | None = None, role: str | None = None, **kwargs: Any) -> User:
        counter["n"] += 1
        user = User.objects.create_user(
            username=kwargs.pop("username", f"user{counter['n']}"), password="pw-123456789", **kwargs
        )
        if org is not None and role is not None:
            Membership.objects.create(user=user, organisation=org, role=role)
        return user

    return _make


@pytest.fixture
def make_usecase(reference: None) -> Callable[..., UseCase]:
    counter = {"n": 0}

    def _make(org: Organisation, **kwargs: Any) -> UseCase:
        counter["n"] += 1
        defaults: dict[str, Any] = {
            "title": f"Cas d'usage {counter['n']}",
            "summary": "Un résumé en langage clair.",
            "theme": Theme.objects.get(code="acces_soins"),
            "ai_technique": AITechnique.objects.get(code="apprentissage_supervise"),
            "organisation": org,
            "publication_level": PublicationLevel.INTERNAL,
        }
        defaults.update(kwargs)
        return UseCase.objects.create(**defaults)

    return _make


@pytest.fixture
def world(
    make_org: Callable[..., Organisation],
    make_user: Callable[..., User],
    make_usecase: Callable[..., UseCase],
) -> dict[str, Any]:
    """Two organisations in two regions, one user per role, records at each publication level."""
    org_a = make_org(name="CHU de Lille", slug="chu-lille", type="hospital", region="32", department="59")
    org_b = make_org(name="CAF de la Gironde", slug="caf-gironde", type="cnaf", region="75", department="33")
    users = {
        "contributor": make_user(org_a, "contributor", username="contrib"),
        "referent": make_user(org_a, "referent", username="referent"),
        "dpo": make_user(org_a, "dpo", username="dpo"),
        "org_admin": make_user(org_a, "org_admin", username="orgadmin"),
        "other_referent": make_user(org_b, "referent", username="other"),
        "regional": make_user(username="regional", reviewer_scope="regional", reviewer_region="32"),
        "regional_other": make_user(username="regional75", reviewer_scope="regional", reviewer_region="75"),
        "national": make_user(username="national", reviewer_scope="national"),
        "admin": make_user(username="admin", is_platform_admin=True),
        "nobody": make_user(username="nobody"),
    }
    records = {
        "a_internal": make_usecase(org_a, title="Triage interne A", publication_level="internal"),
        "a_network": make_usecase(org_a, title="Prévision réseau A", publication_level="network"),
        "a_public": make_usecase(org_a, title="Chatbot public A", publication_level="public"),
        "b_internal": make_usecase(org_b, title="Ciblage interne B", publication_level="internal"),
        "b_network": make_usecase(org_b, title="Relances réseau B", publication_level="network"),
        "b_public": make_usecase(org_b, title="Non-recours public B", publication_level="public"),
    }
    return {"org_a": org_a, "org_b": org_b, "users": users, "records": records}


@pytest.fixture
def pdf_info() -> Callable[[bytes], dict[str, str]]:
    """``pdfinfo`` (poppler-utils, installed by ``make system-test``) on a PDF's bytes, as a dict: pages,
    title, whether it is tagged (PDF/UA). Fails, never skips, when the tool is missing."""
    import shutil
    import subprocess

    def _info(content: bytes) -> dict[str, str]:
        assert content.startswith(b"%PDF"), "not a PDF"
        assert shutil.which("pdfinfo"), "pdfinfo est absent : lancez `make system-test` (poppler-utils)"
        out = subprocess.run(["pdfinfo", "-"], input=content, capture_output=True, check=True).stdout.decode()
        return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in out.splitlines())}

    return _info


@pytest.fixture
def hr_answers() -> dict[str, Any]:
    """A public-law body deploying a benefits-eligibility system: high-risk (Annex III 5(a)), FRIA,
    registration Section C, Chapter III obligations from 2 December 2027."""
    return {
        "ai_technique": "machine_learning",
        "exclusion": ["none"],
        "prohibited_practices": ["none"],
        "annex1_product": "none",
        "annex3_areas": ["public_benefits"],
        "benefits_purpose": "eligibility_decision",
        "art6_3_conditions": ["none"],
        "profiling": "yes",
        "transparency": ["none"],
        "gpai": "none",
        "role": "deployer",
        "art25_triggers": ["none"],
        "organisation_kind": "public_law_body",
        "in_service_before_application": "no",
        "personal_data": "yes",
        "special_categories": ["health"],
        "nir": "no",
        "legal_basis": "public_task",
        "art9_exception": "social_protection",
        "automated_decision": "human_decides",
        "individual_administrative_decision": "yes",
        "art35_3": ["systematic_evaluation_legal_effect"],
        "cnil_list": ["profiling_exclusion_contract"],
        "edpb_criteria": ["vulnerable_subjects", "large_scale"],
        "residual_high_risk": "no",
        "hosting": "third_party_hds",
    }


@pytest.fixture
def in_house_answers(hr_answers: dict[str, Any]) -> dict[str, Any]:
    """The same system built and deployed by the body itself (provider and deployer), hosted in house:
    Chapter III provider obligations on top of the deployer's."""
    return {**hr_answers, "role": "provider_and_deployer", "hosting": "internal"}
