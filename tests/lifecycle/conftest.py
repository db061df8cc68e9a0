"""Fixtures of the lifecycle tests, self-contained (they do not rely on fixtures of tests/conftest.py,
which another team is writing): two organisations, one user per role, a use-case factory and a
switch to fake the qualification module's answer."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import pytest

from atlasia.accounts.models import Membership, User
from atlasia.registry.loaders import load_reference
from atlasia.registry.models import AITechnique, Organisation, Theme, UseCase


@pytest.fixture
def lc_world(db: Any) -> dict[str, Any]:
    load_reference()
    org_a = Organisation.objects.create(
        name="CHU de Lille", slug="chu-lille", type="hospital", region="32", department="59"
    )
    org_b = Organisation.objects.create(
        name="CAF de la Gironde", slug="caf-gironde", type="cnaf", region="75", department="33"
    )

    def user(username: str, org: Organisation | None = None, role: str | None = None, **kw: Any) -> User:
        u = User.objects.create_user(
            username=username,
            password="pw-123456789",
            email=f"{username}@example.org",
            first_name=username.capitalize(),
            **kw,
        )
        if org is not None and role is not None:
            Membership.objects.create(user=u, organisation=org, role=role)
        return u

    users = {
        "contributor": user("contrib", org_a, "contributor"),
        "referent": user("referent", org_a, "referent"),
        "dpo": user("dpo", org_a, "dpo"),
        "org_admin": user("orgadmin", org_a, "org_admin"),
        "regional_reviewer": user("regional", reviewer_scope="regional", reviewer_region="32"),
        "national_reviewer": user("national", reviewer_scope="national"),
        "platform_admin": user("admin", is_platform_admin=True),
        "other_referent": user("other", org_b, "referent"),
        "other_admin": user("otheradmin", org_b, "org_admin"),
    }
    return {"org_a": org_a, "org_b": org_b, "users": users}


@pytest.fixture
def make_uc(lc_world: dict[str, Any]) -> Callable[..., UseCase]:
    counter = {"n": 0}

    def _make(org: Organisation | None = None, **kwargs: Any) -> UseCase:
        counter["n"] += 1
        defaults: dict[str, Any] = {
            "title": f"Cas d'usage {counter['n']}",
            "summary": "Un résumé en langage clair.",
            "theme": Theme.objects.get(code="acces_soins"),
            "ai_technique": AITechnique.objects.get(code="apprentissage_supervise"),
            "organisation": org or lc_world["org_a"],
            "publication_level": "internal",
        }
        defaults.update(kwargs)
        return UseCase.objects.create(**defaults)

    return _make


@pytest.fixture
def qualification(monkeypatch: pytest.MonkeyPatch) -> Callable[..., None]:
    """Make the qualification's typed selectors answer the engine output ``result`` for every use case,
    or per id (``None``: not qualified), without running the questionnaire."""
    from atlasia.qualification import selectors as qualification_selectors

    def _set(result: dict[str, Any] | None = None, by_id: dict[int, dict[str, Any]] | None = None) -> None:
        def result_of(use_case_id: int) -> dict[str, Any] | None:
            return by_id.get(use_case_id) if by_id is not None else result

        def one(use_case: UseCase) -> qualification_selectors.AiActSummary:
            return qualification_selectors.summary_of_result(result_of(use_case.pk))

        def many(use_case_ids: Iterable[int]) -> dict[int, qualification_selectors.AiActSummary]:
            found = {pk: result_of(pk) for pk in use_case_ids}
            return {
                pk: qualification_selectors.summary_of_result(r) for pk, r in found.items() if r is not None
            }

        monkeypatch.setattr(qualification_selectors, "ai_act_summary_of", one)
        monkeypatch.setattr(qualification_selectors, "ai_act_summaries_for", many)

    return _set
