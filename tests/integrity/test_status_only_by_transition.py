"""The lifecycle status changes only through the transition service (gates, log, audit): not through
the edit form, the create form or the registry services, whatever the role."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from atlasia.lifecycle import services as lifecycle
from atlasia.lifecycle.models import StatusTransition
from atlasia.registry import services
from atlasia.registry.models import AITechnique, Theme, UseCase

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_edit_form_has_no_status_field_and_a_forged_one_is_ignored(world: dict[str, Any]) -> None:
    record = world["records"]["a_internal"]
    client = _client(world["users"]["referent"])
    html = client.get(reverse("usecase_edit", args=[record.pk])).content.decode()
    assert 'name="status"' not in html
    data = {
        "title": record.title,
        "summary": record.summary,
        "theme": record.theme_id,
        "ai_technique": record.ai_technique_id,
        "provider_type": record.provider_type,
        "publication_level": record.publication_level,
        "status": "generalised",
        "contacts-TOTAL_FORMS": "0",
        "contacts-INITIAL_FORMS": "0",
    }
    assert client.post(reverse("usecase_edit", args=[record.pk]), data).status_code == 302
    record.refresh_from_db()
    assert record.status == "idea"
    assert not StatusTransition.objects.exists()


def test_create_form_starts_every_record_at_idea(world: dict[str, Any]) -> None:
    client = _client(world["users"]["contributor"])
    data = {
        "title": "Détection des chutes",
        "summary": "Des capteurs alertent l'équipe de nuit.",
        "theme": Theme.objects.get(code="medico_social").pk,
        "ai_technique": AITechnique.objects.get(code="apprentissage_profond").pk,
        "organisation": world["org_a"].pk,
        "provider_type": "vendor",
        "publication_level": "internal",
        "status": "generalised",
        "health_data": "on",
        "personal_data": "on",
        "contacts-TOTAL_FORMS": "0",
        "contacts-INITIAL_FORMS": "0",
    }
    assert client.post(reverse("usecase_create"), data).status_code == 302
    assert UseCase.objects.get(title="Détection des chutes").status == "idea"


def test_registry_services_refuse_a_status_change_for_every_role(world: dict[str, Any]) -> None:
    record = world["records"]["a_internal"]
    for role in ("contributor", "referent", "org_admin", "admin"):
        with pytest.raises(ValidationError) as error:
            services.usecase_update(actor=world["users"][role], use_case=record, data={"status": "deployed"})
        assert "transitions du cycle de vie" in error.value.message_dict["status"][0]
    with pytest.raises(ValidationError):
        services.usecase_create(
            actor=world["users"]["admin"],
            organisation=world["org_a"],
            data={
                "title": "x",
                "summary": "y",
                "theme": record.theme,
                "ai_technique": record.ai_technique,
                "status": "generalised",
            },
        )
    record.refresh_from_db()
    assert record.status == "idea"
    # The same status is not a change: accepted.
    services.usecase_update(actor=world["users"]["referent"], use_case=record, data={"status": "idea"})


def test_transition_to_a_status_goes_through_the_gates(world: dict[str, Any]) -> None:
    """The helper the spreadsheet import calls for its « Étape » column."""
    record = world["records"]["a_internal"]
    contributor = world["users"]["contributor"]
    assert lifecycle.usecase_transition_to(actor=contributor, use_case=record, status="idea") is None
    with pytest.raises(lifecycle.TransitionRefused) as refused:
        lifecycle.usecase_transition_to(actor=contributor, use_case=record, status="generalised")
    assert "Aucune transition ne mène directement de « Idée » à « Généralisé »" in refused.value.messages[0]
    assert "« Cadrage »" in refused.value.messages[0]
    with pytest.raises(lifecycle.TransitionRefused) as refused:
        lifecycle.usecase_transition_to(actor=contributor, use_case=record, status="inconnu")
    assert "Étape inconnue" in refused.value.messages[0]
    log = lifecycle.usecase_transition_to(actor=contributor, use_case=record, status="framing")
    assert log is not None and (log.transition, log.to_status) == ("submit", "framing")
    record.refresh_from_db()
    # A contributor may not qualify: the core's refusal, nothing logged.
    with pytest.raises(lifecycle.TransitionRefused) as refused:
        lifecycle.usecase_transition_to(actor=contributor, use_case=record, status="qualified")
    assert refused.value.refusals[0].code == "role_not_allowed"
    assert StatusTransition.objects.filter(use_case=record).count() == 1
