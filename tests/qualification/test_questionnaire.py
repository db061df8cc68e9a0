"""The questionnaire as a referent uses it: skip logic, drafts, « je ne sais pas », derived answers,
completion into versions 1 and 2, the comparison page, and invalid posts."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from atlasia.audit.models import AuditEntry
from atlasia.qualification import selectors, services
from atlasia.qualification.models import Qualification, QualificationDraft

pytestmark = pytest.mark.django_db


def _url(uc: Any, section: str) -> str:
    return reverse("qualification_section", kwargs={"pk": uc.pk, "section": section})


def _shown(html: str) -> list[str]:
    return re.findall(r'name="shown" value="([a-z0-9_]+)"', html)


def test_skip_logic_shows_only_the_questions_that_apply_given_the_answers_so_far(
    world: Any, login: Any
) -> None:
    uc = world["records"]["a_internal"]
    client = login(world["users"]["referent"])
    # Nothing answered: the exclusions depend on « is it an AI system? »
    page = client.get(_url(uc, "exclusions_prohibitions")).content.decode()
    assert _shown(page) == []
    assert "ne s&#x27;applique" in page or "ne s'applique" in page

    client.post(_url(uc, "ai_system"), {"shown": "ai_technique", "ai_technique": "machine_learning"})
    page = client.get(_url(uc, "exclusions_prohibitions")).content.decode()
    # « prohibited practices » waits for the exclusion answer (asked only when not excluded)
    assert _shown(page) == ["exclusion"]
    assert "Une des exclusions du règlement s&#x27;applique-t-elle ?" in page
    response = client.post(
        _url(uc, "exclusions_prohibitions"), {"shown": "exclusion", "exclusion": "none", "next": "1"}
    )
    assert response["Location"].endswith(
        "#q-prohibited_practices"
    )  # stays on the section: a question appeared
    assert _shown(client.get(_url(uc, "exclusions_prohibitions")).content.decode()) == [
        "exclusion",
        "prohibited_practices",
    ]

    # research only: the follow-up about real persons appears, re-evaluated on save
    response = client.post(
        _url(uc, "exclusions_prohibitions"),
        {
            "shown": ["exclusion", "prohibited_practices"],
            "exclusion": "research_only",
            "prohibited_practices": "none",
            "next": "1",
        },
    )
    assert response.status_code == 302 and response["Location"].endswith("#q-outputs_used_for_people")
    page = client.get(_url(uc, "exclusions_prohibitions")).content.decode()
    # « prohibited practices » now waits for the answer about real persons
    assert _shown(page) == ["exclusion", "outputs_used_for_people"]

    # rules written by people: not an AI system, the AI Act sections empty out
    client.post(_url(uc, "ai_system"), {"shown": "ai_technique", "ai_technique": "fixed_rules"})
    assert _shown(client.get(_url(uc, "exclusions_prohibitions")).content.decode()) == []
    assert _shown(client.get(_url(uc, "high_risk")).content.decode()) == []


def test_each_section_submit_saves_the_draft_with_an_audit_row(world: Any, login: Any) -> None:
    uc = world["records"]["a_internal"]
    client = login(world["users"]["dpo"])
    response = client.post(
        _url(uc, "ai_system"), {"shown": "ai_technique", "ai_technique": "machine_learning", "next": "1"}
    )
    assert response.status_code == 302
    assert response["Location"] == _url(uc, "exclusions_prohibitions")
    draft = QualificationDraft.objects.get(use_case=uc)
    assert draft.answers == {"ai_technique": "machine_learning"} and draft.updated_by == world["users"]["dpo"]
    entry = AuditEntry.objects.get(object_type="qualification.qualificationdraft")
    assert entry.changes == {"answers.ai_technique": [None, "machine_learning"]}
    # the saved answer is shown ticked when coming back
    page = client.get(_url(uc, "ai_system")).content.decode()
    assert re.search(r'value="machine_learning"\s+checked', page)


def test_je_ne_sais_pas_is_always_offered_and_stored_as_unknown(world: Any, login: Any) -> None:
    uc = world["records"]["a_internal"]
    client = login(world["users"]["referent"])
    client.post(_url(uc, "ai_system"), {"shown": "ai_technique", "ai_technique": "machine_learning"})
    page = client.get(_url(uc, "exclusions_prohibitions")).content.decode()
    assert page.count(">Je ne sais pas<") == 1  # one per question shown
    client.post(_url(uc, "exclusions_prohibitions"), {"shown": ["exclusion"], "exclusion": "unknown"})
    assert selectors.draft_answers(uc)["exclusion"] == "unknown"
    page = client.get(_url(uc, "ai_system")).content.decode()
    assert page.count(">Je ne sais pas<") == 1


def test_derived_answers_are_shown_pre_ticked_with_their_reason(
    world: Any, login: Any, hr_answers: dict
) -> None:
    uc = world["records"]["a_internal"]
    answers = {k: v for k, v in hr_answers.items() if k != "edpb_criteria"}
    services.qualification_draft_save(actor=world["users"]["referent"], use_case=uc, answers=answers)
    page = login(world["users"]["referent"]).get(_url(uc, "dpia")).content.decode()
    assert re.search(r'value="evaluation_scoring"\s+checked', page)
    assert re.search(r'value="sensitive_data"\s+checked', page)
    assert "Coché d&#x27;office : le système effectue un profilage" in page
    assert not re.search(r'value="large_scale"\s+checked', page)


def test_completing_creates_version_1_then_2_and_the_diff_shows_what_changed(
    world: Any, login: Any, hr_answers: dict
) -> None:
    uc = world["records"]["a_internal"]
    client = login(world["users"]["referent"])
    services.qualification_draft_save(actor=world["users"]["referent"], use_case=uc, answers=hr_answers)
    preview = client.get(reverse("qualification_complete", kwargs={"pk": uc.pk})).content.decode()
    assert "Haut risque" in preview and "version 1" in preview
    response = client.post(reverse("qualification_complete", kwargs={"pk": uc.pk}))
    assert response.status_code == 302
    assert response["Location"] == reverse("qualification_version", kwargs={"pk": uc.pk, "version": 1})

    # Art. 6(3): only a preparatory task and no profiling → no longer high-risk
    client.post(
        _url(uc, "high_risk"),
        {
            "shown": ["annex1_product", "annex3_areas", "benefits_purpose", "art6_3_conditions", "profiling"],
            "annex1_product": "none",
            "annex3_areas": "public_benefits",
            "benefits_purpose": "eligibility_decision",
            "art6_3_conditions": "preparatory_task",
            "profiling": "no",
        },
    )
    client.post(reverse("qualification_complete", kwargs={"pk": uc.pk}))
    versions = list(Qualification.objects.filter(use_case=uc).order_by("version"))
    assert [(v.version, v.category) for v in versions] == [(1, "high_risk"), (2, "minimal")]
    assert AuditEntry.objects.filter(object_type="qualification.qualification").count() == 2

    # version 1 stays readable
    v1 = client.get(reverse("qualification_version", kwargs={"pk": uc.pk, "version": 1})).content.decode()
    assert "Haut risque" in v1

    diff = client.get(reverse("qualification_diff", kwargs={"pk": uc.pk}) + "?de=1&a=2").content.decode()
    assert "Comparer la version 1 et la version 2" in diff
    row = re.search(r"Effectue-t-il un profilage de personnes physiques \?.*?</tr>", diff, re.S).group(0)
    assert "modifié" in row and "Oui" in row and "Non" in row
    row = re.search(r"Catégorie AI Act.*?</tr>", diff, re.S).group(0)
    assert "Haut risque" in row and "Risque minimal" in row
    assert "tâche préparatoire" in diff


def test_an_invalid_value_is_refused_with_a_french_message_naming_the_question(
    world: Any, login: Any
) -> None:
    uc = world["records"]["a_internal"]
    client = login(world["users"]["referent"])
    response = client.post(_url(uc, "ai_system"), {"shown": "ai_technique", "ai_technique": "quantum_magic"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Les réponses n'ont pas été enregistrées" in page
    assert "Question « Comment le système produit-il ses résultats ? » (ai_technique)" in page
    assert "valeur invalide « quantum_magic »" in page
    response = client.post(_url(uc, "ai_system"), {"shown": "made_up_question", "made_up_question": "yes"})
    assert (
        response.status_code == 400 and "Question inconnue « made_up_question »" in response.content.decode()
    )
    assert not QualificationDraft.objects.exists() and not AuditEntry.objects.exists()


def test_unknown_section_is_a_404(world: Any, login: Any) -> None:
    uc = world["records"]["a_internal"]
    assert login(world["users"]["referent"]).get(_url(uc, "nope")).status_code == 404
