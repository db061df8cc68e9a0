"""From a qualification result to work items, and a requalification reconciled with the work done."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from atlasia.core import compliance as core
from atlasia.core.qualification import qualify


@pytest.fixture
def in_house_benefits(in_house_answers: dict[str, Any]) -> dict[str, Any]:
    """Built in house, hosted by a certified health-data host, with a residual high risk after the DPIA."""
    return {
        **in_house_answers,
        "cnil_list": ["none"],
        "edpb_criteria": ["vulnerable_subjects"],
        "residual_high_risk": "yes",
        "hosting": "third_party_hds",
    }


def test_work_items_follow_the_obligations_and_the_gdpr_conclusions(
    in_house_benefits: dict[str, Any],
) -> None:
    result = qualify(in_house_benefits)
    specs = core.work_items(result)
    keys = [s.key for s in specs]
    engine_ids = [o["id"] for o in result["ai_act"]["obligations"]]
    assert keys[: len(engine_ids)] == engine_ids
    assert keys[len(engine_ids) :] == ["gdpr_dpia", "gdpr_prior_consultation", "crpa_mention", "hds_hosting"]
    risk = next(s for s in specs if s.key == "risk_management")
    assert risk.article == "AI Act art. 9" and risk.due == date(2027, 12, 2)
    assert risk.signer is core.Signer.REFERENT and risk.operator_role == "provider"
    dpia = next(s for s in specs if s.key == "gdpr_dpia")
    assert dpia.signer is core.Signer.DPO and dpia.due is None and dpia.article == "RGPD art. 35"
    assert next(s for s in specs if s.key == "gdpr_prior_consultation").signer is core.Signer.DPO
    assert next(s for s in specs if s.key == "crpa_mention").signer is core.Signer.REFERENT


def test_no_gdpr_item_without_personal_data(in_house_benefits: dict[str, Any]) -> None:
    result = qualify({**in_house_benefits, "personal_data": "no"})
    assert not [s for s in core.work_items(result) if s.source is core.Source.GDPR]


def _existing(specs: list[core.WorkItemSpec]) -> list[core.ExistingItem]:
    return [core.ExistingItem(s.key, s.article, s.title_fr, s.due, False) for s in specs]


def test_a_first_qualification_creates_every_item(in_house_benefits: dict[str, Any]) -> None:
    specs = core.work_items(qualify(in_house_benefits))
    changes = core.reconcile([], specs, 1)
    assert [c.kind for c in changes] == ["create"] * len(specs)
    assert changes[0].note_fr == "Ajoutée par la qualification v1."


def test_the_same_result_again_changes_nothing(in_house_benefits: dict[str, Any]) -> None:
    specs = core.work_items(qualify(in_house_benefits))
    assert core.reconcile(_existing(specs), specs, 2) == []


def test_a_requalification_flags_a_new_due_date_and_drops_what_is_no_longer_required(
    in_house_benefits: dict[str, Any],
) -> None:
    before = core.work_items(qualify(in_house_benefits, law_version="2024-07-original"))
    after = core.work_items(qualify({**in_house_benefits, "role": "deployer"}))
    changes = {c.key: c for c in core.reconcile(_existing(before), after, 3)}
    # the date of Chapter III moved with the Omnibus: kept, flagged with the change
    assert changes["deployer_human_oversight"].kind == "update"
    assert changes["deployer_human_oversight"].note_fr == (
        "Qualification v3 : échéance : 02/08/2026 → 02/12/2027."
    )
    # a deployer is no longer a provider: provider items are dropped, not deleted
    assert changes["risk_management"].kind == "drop"
    assert "le travail fait est conservé" in changes["risk_management"].note_fr
    assert "gdpr_dpia" not in changes  # unchanged


def test_an_item_required_again_is_restored(in_house_benefits: dict[str, Any]) -> None:
    specs = core.work_items(qualify(in_house_benefits))
    dropped = [core.ExistingItem(s.key, s.article, s.title_fr, s.due, s.key == "fria") for s in specs]
    changes = core.reconcile(dropped, specs, 4)
    assert [(c.kind, c.key) for c in changes] == [("restore", "fria")]
    assert changes[0].note_fr == "De nouveau exigée par la qualification v4."
