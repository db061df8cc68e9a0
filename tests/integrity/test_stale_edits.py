"""Optimistic concurrency on every edit form: when two people open the same form and both save, the
second (stale) save is refused with a French message saying what changed, shows what the person typed,
and applies only when saved again knowingly. Nothing is lost, nothing is silently reverted."""

from __future__ import annotations

import html
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from formwalk import as_post_data, database_state, forms_of, self_posting_forms, state_diff
from test_post_back_unchanged import EDIT_FORMS, demo, edit_pages  # noqa: F401 - fixture

from atlasia.accounts.models import User
from atlasia.audit.models import AuditEntry
from atlasia.qualification import services as qualification_services
from atlasia.registry.models import AITechnique, Theme, UseCase

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

STALE = "Quelqu'un a enregistré cette fiche pendant que vous la modifiiez"


def _form(client: Client, path: str) -> Any:
    response = client.get(path)
    assert response.status_code == 200, path
    forms = self_posting_forms(response.content.decode(), path)
    assert len(forms) == 1, path
    return forms[0]


def test_a_stale_save_of_every_edit_form_is_refused_and_the_other_save_kept(demo: User) -> None:  # noqa: F811
    alice, bob = Client(), Client()
    alice.force_login(demo)
    bob.force_login(demo)
    checked: set[str] = set()
    for name, path in edit_pages(alice):
        if name in checked:
            continue
        page = alice.get(path)
        if page.status_code != 200:
            continue
        first = _form(alice, path)
        second = _form(bob, path)
        if name == "monitoring_externality":
            continue  # its text box appends a note (nothing replaced); its status: tested below
        typed = [f for f in second.typed if dict(second.fields).get(f)] or second.typed
        if not typed:
            continue  # no text to change on this page (radio-only questionnaire): tested below
        bob_data = as_post_data(second)
        bob_data[typed[0]] = [bob_data[typed[0]][0] + " (Bob)"]
        assert bob.post(path, bob_data).status_code == 302, path
        alice_data = as_post_data(first)
        alice_data[typed[0]] = [alice_data[typed[0]][0] + " (Alice)"]
        before = database_state()
        response = alice.post(path, alice_data)
        text = html.unescape(response.content.decode())
        assert response.status_code == 400, path
        assert STALE in text, path
        assert "(Bob)" in text and "(Alice)" in text, path  # what changed, and what Alice typed
        assert not state_diff(before, database_state()), path
        # Saving again (the page now carries the current version) applies Alice's text knowingly.
        again = self_posting_forms(response.content.decode(), path)[0]
        assert alice.post(path, as_post_data(again)).status_code == 302, path
        checked.add(name)
    assert checked == EDIT_FORMS - {"qualification_section", "monitoring_externality"}, sorted(
        EDIT_FORMS - checked
    )


def test_a_stale_questionnaire_page_does_not_overwrite_answers_saved_meanwhile(world: dict[str, Any]) -> None:
    record = world["records"]["a_internal"]
    referent = world["users"]["referent"]
    client = Client()
    client.force_login(referent)
    path = reverse("qualification_section", args=[record.pk, "ai_system"])
    stale = _form(client, path)
    qualification_services.qualification_draft_save(
        actor=world["users"]["dpo"], use_case=record, answers={"ai_technique": "fixed_rules"}
    )
    data = as_post_data(stale)
    data["ai_technique"] = ["machine_learning"]
    data.setdefault("shown", []).append("ai_technique")
    response = client.post(path, data)
    assert response.status_code == 400
    assert STALE in html.unescape(response.content.decode())
    assert record.qualification_draft.answers == {"ai_technique": "fixed_rules"}


def test_use_case_stale_message_names_the_field_and_both_values(world: dict[str, Any]) -> None:
    record = world["records"]["a_internal"]
    alice, bob = Client(), Client()
    alice.force_login(world["users"]["referent"])
    bob.force_login(world["users"]["org_admin"])
    path = reverse("usecase_edit", args=[record.pk])
    stale = _form(alice, path)
    data = as_post_data(_form(bob, path))
    data["title"] = ["Triage des urgences"]
    assert bob.post(path, data).status_code == 302
    data = as_post_data(stale)
    data["summary"] = ["Mon résumé détaillé, tapé pendant vingt minutes."]
    response = alice.post(path, data)
    text = html.unescape(response.content.decode())
    assert response.status_code == 400
    assert "titre : « Triage interne A » → « Triage des urgences »" in text
    assert "Mon résumé détaillé, tapé pendant vingt minutes." in text
    record.refresh_from_db()
    assert record.title == "Triage des urgences" and record.summary != data["summary"][0]
    assert AuditEntry.objects.filter(object_id=str(record.pk), action="update").count() == 1
    # The title Alice did not touch now shows Bob's; saving again keeps it and adds her summary.
    assert "Les champs que vous n'aviez pas modifiés affichent déjà la nouvelle valeur." in text
    again = as_post_data(self_posting_forms(response.content.decode(), path)[0])
    assert again["title"] == ["Triage des urgences"]
    assert alice.post(path, again).status_code == 302
    record.refresh_from_db()
    assert (record.title, record.summary) == (
        "Triage des urgences",
        "Mon résumé détaillé, tapé pendant vingt minutes.",
    )


def test_a_tampered_version_token_is_refused(world: dict[str, Any]) -> None:
    record = world["records"]["a_internal"]
    client = Client()
    client.force_login(world["users"]["referent"])
    path = reverse("usecase_edit", args=[record.pk])
    data = as_post_data(_form(client, path))
    data["version"] = ["e30:forged"]
    response = client.post(path, data)
    assert response.status_code == 400
    assert "jeton de version du formulaire est illisible" in html.unescape(response.content.decode())


def test_a_double_submitted_create_form_makes_one_record(world: dict[str, Any]) -> None:
    client = Client()
    client.force_login(world["users"]["contributor"])
    path = reverse("usecase_create")
    data = as_post_data(_form(client, path))
    data.update(
        {
            "title": ["Tri du courrier"],
            "summary": ["Classement automatique du courrier entrant."],
            "theme": [str(Theme.objects.get(code="acces_soins").pk)],
            "ai_technique": [str(AITechnique.objects.get(code="apprentissage_supervise").pk)],
            "contacts-0-role": ["Responsable du courrier"],
        }
    )
    first = client.post(path, data)
    second = client.post(path, data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    use_case = UseCase.objects.get(title="Tri du courrier")
    assert use_case.contacts.count() == 1
    # A fresh form (new key) creates a second record, as the person asked.
    data2 = as_post_data(_form(client, path))
    data2.update({k: data[k] for k in ("title", "summary", "theme", "ai_technique")})
    third = client.post(path, data2)
    text = html.unescape(third.content.decode())
    assert third.status_code == 302, text[text.find("form-errors") : text.find("form-errors") + 1500]
    assert UseCase.objects.filter(title="Tri du courrier").count() == 2


def test_a_stale_triage_does_not_undo_a_status_set_meanwhile(demo: User) -> None:  # noqa: F811
    from atlasia.monitoring.models import Externality

    externality = Externality.objects.exclude(status="addressed").order_by("pk").first()
    assert externality is not None
    alice, bob = Client(), Client()
    alice.force_login(demo)
    bob.force_login(demo)
    path = reverse("monitoring_externality", args=[externality.pk])
    stale = _form(alice, path)
    data = as_post_data(_form(bob, path))
    data["status"] = ["addressed"]
    assert bob.post(path, data).status_code == 302
    data = as_post_data(stale)
    data["note"] = ["Je relance l'éditeur."]
    response = alice.post(path, data)
    assert response.status_code == 400 and STALE in html.unescape(response.content.decode())
    externality.refresh_from_db()
    assert (
        externality.status == "addressed" and not externality.notes.filter(text__contains="relance").exists()
    )


def test_a_double_submitted_indicator_form_adds_one_indicator(world: dict[str, Any]) -> None:
    from django.utils import timezone

    from atlasia.lifecycle import services as lifecycle
    from atlasia.lifecycle.models import Kpi

    experiment = lifecycle.experiment_create(
        actor=world["users"]["referent"],
        use_case=world["records"]["a_internal"],
        data={"title": "Pilote", "objective": "Réduire l'attente.", "start_date": timezone.localdate()},
    )
    client = Client()
    client.force_login(world["users"]["referent"])
    page = client.get(reverse("lifecycle_experiment", args=[experiment.pk])).content.decode()
    add = reverse("lifecycle_kpi_add", args=[experiment.pk])
    (form,) = [f for f in forms_of(page) if f.action == add]
    data = as_post_data(form)
    data.update({"name": ["Attente médiane"], "unit": ["min"]})
    assert client.post(add, data).status_code == client.post(add, data).status_code == 302
    assert Kpi.objects.filter(experiment=experiment).count() == 1


def test_a_stale_scorecard_keeps_what_was_not_touched(world: dict[str, Any]) -> None:
    """The priority scorecard (scores stored as one structure): after a refused stale save, the criteria
    the person did not touch show the values saved meanwhile; saving again keeps both people's work."""
    from atlasia.core import prioritisation as prio
    from atlasia.lifecycle import services as lifecycle
    from atlasia.lifecycle.models import PriorityAssessment

    record = world["records"]["a_internal"]
    lifecycle.priority_assessment_save(
        actor=world["users"]["referent"],
        use_case=record,
        scores={c.value: (3, "Estimation de l'équipe projet.") for c in prio.Criterion},
        people_reached=8000,
        version=None,
    )
    alice, bob = Client(), Client()
    alice.force_login(world["users"]["referent"])
    bob.force_login(world["users"]["org_admin"])
    path = reverse("lifecycle_assess", args=[record.pk])
    stale = _form(alice, path)
    data = as_post_data(_form(bob, path))
    field = next(name for name, _ in _form(bob, path).fields if name.endswith("_justification"))
    data[field] = ["Plus de 2 000 dossiers par mois : gain mesuré sur le pilote."]
    assert bob.post(path, data).status_code == 302
    data = as_post_data(stale)
    data["people_reached"] = ["12000"]
    response = alice.post(path, data)
    text = html.unescape(response.content.decode())
    assert response.status_code == 400 and STALE in text
    again = as_post_data(self_posting_forms(response.content.decode(), path)[0])
    assert again[field] == ["Plus de 2 000 dossiers par mois : gain mesuré sur le pilote."]
    assert again["people_reached"] == ["12000"]
    assert alice.post(path, again).status_code == 302
    assessment = PriorityAssessment.objects.get(use_case=record)
    criterion = field.removesuffix("_justification")
    assert assessment.people_reached == 12000
    assert assessment.scores[criterion]["justification"].startswith("Plus de 2 000 dossiers")


def test_a_stale_charter_self_assessment_keeps_the_principles_not_touched(world: dict[str, Any]) -> None:
    from atlasia.lifecycle.models import Charter, CharterAssessment

    charter = Charter.objects.order_by("pk").first()
    assert charter is not None, "no charter in the reference data"
    first, second = list(charter.principles.order_by("pk")[:2])
    record = world["records"]["a_internal"]
    alice, bob = Client(), Client()
    alice.force_login(world["users"]["referent"])
    bob.force_login(world["users"]["org_admin"])
    path = reverse("lifecycle_charter", args=[record.pk, charter.pk])
    stale = _form(alice, path)
    data = as_post_data(_form(bob, path))
    data[f"level_{first.pk}"] = ["met"]
    data[f"evidence_{first.pk}"] = ["Comité d'éthique du 12 mars : avis favorable."]
    assert bob.post(path, data).status_code == 302
    data = as_post_data(stale)
    data[f"level_{second.pk}"] = ["partial"]
    data[f"evidence_{second.pk}"] = ["Notice d'information remise aux patients."]
    response = alice.post(path, data)
    assert response.status_code == 400 and STALE in html.unescape(response.content.decode())
    again = as_post_data(self_posting_forms(response.content.decode(), path)[0])
    assert again[f"evidence_{first.pk}"] == ["Comité d'éthique du 12 mars : avis favorable."]
    assert again[f"level_{first.pk}"] == ["met"] and again[f"level_{second.pk}"] == ["partial"]
    assert again[f"evidence_{second.pk}"] == ["Notice d'information remise aux patients."]
    assert alice.post(path, again).status_code == 302
    saved = {a.principle_id: a.evidence for a in CharterAssessment.objects.filter(use_case=record)}
    assert saved.get(first.pk) == "Comité d'éthique du 12 mars : avis favorable."
    assert saved.get(second.pk) == "Notice d'information remise aux patients."


def test_a_stale_weight_profile_keeps_the_name_set_meanwhile(world: dict[str, Any]) -> None:
    alice, bob = Client(), Client()
    alice.force_login(world["users"]["national"])
    bob.force_login(world["users"]["admin"])
    path = reverse("lifecycle_weights_national")
    stale = _form(alice, path)
    data = as_post_data(_form(bob, path))
    data["name"] = ["Profil national 2026 (révisé en comité)"]
    assert bob.post(path, data).status_code == 302
    data = as_post_data(stale)
    a, b = sorted(k for k in data if k.startswith("crit_"))[:2]
    data[a], data[b] = data[b], data[a]  # two weights exchanged: the totals stay valid
    response = alice.post(path, data)
    assert response.status_code == 400 and STALE in html.unescape(response.content.decode())
    again = as_post_data(self_posting_forms(response.content.decode(), path)[0])
    assert again["name"] == ["Profil national 2026 (révisé en comité)"]
    assert (again[a], again[b]) == (data[a], data[b])


def test_a_stale_questionnaire_page_keeps_the_answers_saved_meanwhile(world: dict[str, Any]) -> None:
    """Two people on the same section: after the refusal, the question she did not touch shows the other
    person's answer, hers keeps her input; saving again keeps both."""
    record = world["records"]["a_internal"]
    referent, dpo = world["users"]["referent"], world["users"]["dpo"]
    qualification_services.qualification_draft_save(
        actor=dpo, use_case=record, answers={"ai_technique": "machine_learning", "personal_data": "yes"}
    )
    client = Client()
    client.force_login(referent)
    from atlasia.core.qualification import SECTIONS

    for section in SECTIONS:  # the first section that asks two questions at once
        path = reverse("qualification_section", args=[record.pk, section.id])
        stale = _form(client, path)
        answered = set(record.qualification_draft.answers)
        shown = [q for q in as_post_data(stale).get("shown", []) if q not in answered]
        if len(shown) >= 2:
            break
    theirs, mine = shown[0], shown[1]
    value_theirs = stale_option(stale, theirs)
    value_mine = stale_option(stale, mine)
    qualification_services.qualification_draft_save(
        actor=dpo, use_case=record, answers={**record.qualification_draft.answers, theirs: value_theirs}
    )
    data = as_post_data(stale)
    data[mine] = value_mine if isinstance(value_mine, list) else [value_mine]
    response = client.post(path, data)
    text = html.unescape(response.content.decode())
    assert response.status_code == 400 and STALE in text
    assert "Les champs que vous n'aviez pas modifiés affichent déjà la nouvelle valeur." in text
    again = as_post_data(self_posting_forms(response.content.decode(), path)[0])
    listed = lambda v: v if isinstance(v, list) else [v]  # noqa: E731
    assert again[theirs] == listed(value_theirs) and again[mine] == listed(value_mine)
    assert client.post(path, again).status_code == 302
    record.qualification_draft.refresh_from_db()
    answers = record.qualification_draft.answers
    assert answers[theirs] == value_theirs and answers[mine] == value_mine


def stale_option(form: Any, qid: str) -> Any:
    """The first option of question ``qid`` as its stored answer (a list for a multiple choice)."""
    from atlasia.core.qualification import QUESTIONS_BY_ID

    question = QUESTIONS_BY_ID[qid]
    value = question.options[0].id
    return [value] if question.type == "multi" else value
