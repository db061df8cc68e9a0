"""Versioned qualifications, the latest_result contract, the audit trail and the « à revoir » flag."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from atlasia.audit.models import AuditEntry
from atlasia.core.qualification import CURRENT_LAW_VERSION
from atlasia.qualification import selectors, services
from atlasia.qualification.models import Qualification, QualificationDraft

pytestmark = pytest.mark.django_db


def test_latest_result_is_none_before_and_the_latest_engine_output_after(
    world: Any, hr_answers: dict
) -> None:
    uc = world["records"]["a_internal"]
    referent = world["users"]["referent"]
    assert selectors.latest_result(uc) is None
    services.qualification_complete(actor=referent, use_case=uc, answers={"ai_technique": "fixed_rules"})
    services.qualification_complete(actor=referent, use_case=uc, answers=hr_answers)
    result = selectors.latest_result(uc)
    assert result is not None and result["ai_act"]["category"] == "high_risk"
    assert result["law_version"] == CURRENT_LAW_VERSION
    assert [q.version for q in selectors.versions_of(uc)] == [2, 1]
    assert selectors.latest_qualification(uc).category == "high_risk"


def test_completion_writes_one_audit_row_with_the_version_and_category(world: Any, hr_answers: dict) -> None:
    uc = world["records"]["a_internal"]
    q = services.qualification_complete(actor=world["users"]["dpo"], use_case=uc, answers=hr_answers)
    entry = AuditEntry.objects.get(object_type="qualification.qualification", object_id=str(q.pk))
    assert entry.use_case_id == uc.pk and entry.actor == world["users"]["dpo"]
    assert entry.changes["version"] == [None, 1]
    assert entry.changes["category"] == [None, "high_risk"]


def test_answers_not_asked_on_the_path_are_dropped_from_the_stored_version(world: Any) -> None:
    uc = world["records"]["a_internal"]
    answers = {
        "ai_technique": "fixed_rules",
        "exclusion": ["none"],
        "organisation_kind": "public_law_body",
        "personal_data": "no",
    }
    q = services.qualification_complete(actor=world["users"]["referent"], use_case=uc, answers=answers)
    assert q.category == "not_ai_system"
    assert "exclusion" not in q.answers and q.result["ignored"] == []


def test_a_refused_writer_changes_nothing(world: Any, hr_answers: dict) -> None:
    uc = world["records"]["a_internal"]
    for user in (world["users"]["contributor"], world["users"]["other_referent"], world["users"]["regional"]):
        with pytest.raises(PermissionDenied):
            services.qualification_complete(actor=user, use_case=uc, answers=hr_answers)
        with pytest.raises(PermissionDenied):
            services.qualification_draft_save(actor=user, use_case=uc, answers=hr_answers)
    assert not Qualification.objects.exists() and not QualificationDraft.objects.exists()
    assert not AuditEntry.objects.filter(object_type__startswith="qualification.").exists()


def test_an_invalid_answer_is_refused_in_french_naming_the_question(world: Any) -> None:
    uc = world["records"]["a_internal"]
    with pytest.raises(ValidationError) as caught:
        services.qualification_draft_save(
            actor=world["users"]["referent"],
            use_case=uc,
            answers={"annex3_areas": ["public_benefits", "lottery"]},
        )
    message = caught.value.message_dict["answers"][0]
    assert "Est-il destiné à l'un de ces usages" in message or "annex3_areas" in message
    assert "option inconnue « lottery »" in message
    assert not QualificationDraft.objects.exists()


def test_a_version_under_an_older_law_is_flagged_to_review(world: Any, hr_answers: dict) -> None:
    uc = world["records"]["a_internal"]
    old = services.qualification_complete(
        actor=world["users"]["referent"], use_case=uc, answers=hr_answers, law_version="2024-07-original"
    )
    assert old.law_version == "2024-07-original" and selectors.is_outdated(old)
    # the old law put Annex III obligations at 2 August 2026
    dates = {o["applies_from"] for o in old.result["ai_act"]["obligations"] if o["id"] == "fria"}
    assert dates == {"2026-08-02"}
    latest = selectors.latest_qualifications_visible_to(world["users"]["referent"])
    assert list(selectors.to_review(latest)) == [old]
    new = services.qualification_complete(actor=world["users"]["referent"], use_case=uc, answers=hr_answers)
    assert not selectors.is_outdated(new)
    assert (
        list(selectors.to_review(selectors.latest_qualifications_visible_to(world["users"]["referent"])))
        == []
    )
