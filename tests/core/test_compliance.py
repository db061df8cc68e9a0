"""From a qualification result to work items, and a requalification reconciled with the work done."""

from __future__ import annotations

from datetime import date

from atlasia.core import compliance as core
from atlasia.core.qualification import qualify

IN_HOUSE_BENEFITS = {
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
    "role": "provider_and_deployer",
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
    "cnil_list": ["none"],
    "edpb_criteria": ["vulnerable_subjects"],
    "residual_high_risk": "yes",
    "hosting": "third_party_hds",
}


def test_work_items_follow_the_obligations_and_the_gdpr_conclusions() -> None:
    result = qualify(IN_HOUSE_BENEFITS)
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


def test_no_gdpr_item_without_personal_data() -> None:
    result = qualify({**IN_HOUSE_BENEFITS, "personal_data": "no"})
    assert not [s for s in core.work_items(result) if s.source is core.Source.GDPR]


def _existing(specs: list[core.WorkItemSpec]) -> list[core.ExistingItem]:
    return [core.ExistingItem(s.key, s.article, s.title_fr, s.due, False) for s in specs]


def test_a_first_qualification_creates_every_item() -> None:
    specs = core.work_items(qualify(IN_HOUSE_BENEFITS))
    changes = core.reconcile([], specs, 1)
    assert [c.kind for c in changes] == ["create"] * len(specs)
    assert changes[0].note_fr == "Ajoutée par la qualification v1."


def test_the_same_result_again_changes_nothing() -> None:
    specs = core.work_items(qualify(IN_HOUSE_BENEFITS))
    assert core.reconcile(_existing(specs), specs, 2) == []


def test_a_requalification_flags_a_new_due_date_and_drops_what_is_no_longer_required() -> None:
    before = core.work_items(qualify(IN_HOUSE_BENEFITS, law_version="2024-07-original"))
    after = core.work_items(qualify({**IN_HOUSE_BENEFITS, "role": "deployer"}))
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


def test_an_item_required_again_is_restored() -> None:
    specs = core.work_items(qualify(IN_HOUSE_BENEFITS))
    dropped = [core.ExistingItem(s.key, s.article, s.title_fr, s.due, s.key == "fria") for s in specs]
    changes = core.reconcile(dropped, specs, 4)
    assert [(c.kind, c.key) for c in changes] == [("restore", "fria")]
    assert changes[0].note_fr == "De nouveau exigée par la qualification v4."
