"""The compliance portfolio (counts and obligations due) and the catalogue qualification."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import pytest
from django.urls import reverse

from atlasia.audit.models import AuditEntry
from atlasia.qualification import selectors, services
from atlasia.qualification.demo import qualify_catalogue
from atlasia.qualification.models import Qualification
from atlasia.registry.loaders import load_catalogue
from atlasia.registry.selectors import usecases_visible_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def portfolio(world: Any, hr_answers: dict, minimal_answers: dict) -> dict[str, Any]:
    r, users = world["records"], world["users"]
    referent, other = users["referent"], users["other_referent"]
    services.qualification_complete(actor=referent, use_case=r["a_internal"], answers=hr_answers)
    services.qualification_complete(actor=referent, use_case=r["a_network"], answers=minimal_answers)
    # a_public: high-risk first, then minimal; only the latest version counts
    services.qualification_complete(actor=referent, use_case=r["a_public"], answers=hr_answers)
    services.qualification_complete(actor=referent, use_case=r["a_public"], answers=minimal_answers)
    services.qualification_complete(actor=other, use_case=r["b_internal"], answers=hr_answers)
    services.qualification_complete(
        actor=other, use_case=r["b_network"], answers=hr_answers, law_version="2024-07-original"
    )
    return world


def _expected(user: Any) -> Counter:
    visible = set(usecases_visible_to(user).values_list("pk", flat=True))
    latest: dict[int, Qualification] = {}
    for q in Qualification.objects.order_by("version"):
        latest[q.use_case_id] = q
    return Counter(q.category for uc, q in latest.items() if uc in visible)


@pytest.mark.parametrize("who", ["referent", "other_referent", "regional", "national", "nobody"])
def test_portfolio_counts_equal_the_counts_computed_here(portfolio: dict, who: str) -> None:
    user = portfolio["users"][who]
    counts = selectors.portfolio_counts(user)
    expected = _expected(user)
    assert {k: v for k, v in counts.as_dict().items() if v} == dict(expected)
    assert counts.qualified == sum(expected.values())
    assert counts.not_qualified == usecases_visible_to(user).count() - counts.qualified


def test_the_national_view_and_the_to_review_count(portfolio: dict) -> None:
    counts = selectors.portfolio_counts(portfolio["users"]["national"])
    assert counts.as_dict()["high_risk"] == 3 and counts.as_dict()["minimal"] == 2
    assert counts.to_review == 1
    assert selectors.portfolio_counts(portfolio["users"]["national"], "minimal").qualified == 2


def test_obligations_due_are_ordered_by_date(portfolio: dict) -> None:
    user = portfolio["users"]["national"]
    rows = selectors.obligations_due(user)
    dates = [r.date for r in rows]
    assert dates == sorted(dates) and len(rows) > 10
    # the Annex III date of the current law and the original law's date for the record to review
    assert dt.date(2027, 12, 2) in dates and dt.date(2026, 8, 2) in dates
    annex3 = [r for r in rows if r.obligation_id == "fria"]
    assert {(r.use_case.title, r.date) for r in annex3} == {
        ("Triage interne A", dt.date(2027, 12, 2)),
        ("Ciblage interne B", dt.date(2027, 12, 2)),
        ("Relances réseau B", dt.date(2026, 8, 2)),
    }
    until = selectors.obligations_due(user, until=dt.date(2027, 1, 1))
    assert until and all(r.date <= dt.date(2027, 1, 1) for r in until)
    # a user sees only the obligations of what she may read
    mine = selectors.obligations_due(portfolio["users"]["other_referent"], category="high_risk")
    assert {r.use_case.organisation.slug for r in mine} <= {"caf-gironde", "chu-lille"}
    assert "Triage interne A" not in {
        r.use_case.title for r in mine
    }  # internal record of another organisation


def test_the_portfolio_page(portfolio: dict, login: Any) -> None:
    client = login(portfolio["users"]["national"])
    page = client.get(reverse("qualification_portfolio")).content.decode()
    assert "Conformité du portefeuille" in page
    assert ">Conformité</a>" in page  # navigation item
    assert "<strong>1</strong> qualification à revoir" in page
    assert "02/12/2027" in page and "Triage interne A" in page
    filtered = client.get(
        reverse("qualification_portfolio") + "?categorie=minimal&passees=1"
    ).content.decode()
    assert "Triage interne A" not in filtered and "Prévision réseau A" in filtered
    review = client.get(reverse("qualification_portfolio") + "?a_revoir=1&passees=1").content.decode()
    assert "Relances réseau B" in review and "Triage interne A</a>" not in review.split("Obligations")[-1]


def test_qualify_catalogue_qualifies_every_record_and_is_idempotent(reference: None) -> None:
    load_catalogue()
    first = qualify_catalogue()
    assert first["qualified"] >= 40 and first["absent"] == 0
    assert Qualification.objects.count() == first["qualified"]
    assert (
        AuditEntry.objects.filter(object_type="qualification.qualification", actor=None).count()
        == first["qualified"]
    )
    second = qualify_catalogue()
    assert second["qualified"] == 0 and second["unchanged"] == first["qualified"]
    assert Qualification.objects.count() == first["qualified"]
    assert set(Qualification.objects.values_list("version", flat=True)) == {1}
    categories = set(Qualification.objects.values_list("category", flat=True))
    assert {"high_risk", "minimal"} <= categories
