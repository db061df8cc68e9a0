"""API writes that must not bypass the rules: the status moves only through a lifecycle transition
(gates checked, logged), and a null on a field that cannot be empty is a clear 422, never a 500."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from atlasia.audit.models import AuditEntry
from atlasia.lifecycle.models import StatusTransition
from atlasia.registry.models import UseCase

pytestmark = pytest.mark.django_db


def bearer(raw: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


PAYLOAD = {
    "title": "Aide au codage PMSI",
    "summary": "Propose des codes à partir du compte rendu.",
    "theme": "acces_soins",
    "ai_technique": "apprentissage_supervise",
}


def _fields(response: Any) -> dict[str, str]:
    return {d["field"]: d["message"] for d in response.json()["error"]["details"]}


def test_a_status_in_a_create_payload_is_refused_and_nothing_is_created(
    client: Client, world: dict[str, Any], make_token: Callable[..., str]
) -> None:
    headers = bearer(make_token("org_a", "contributor"))
    response = client.post(
        "/api/v1/usecases", {**PAYLOAD, "status": "generalised"}, content_type="application/json", **headers
    )
    assert response.status_code == 422
    assert "transitions du cycle de vie" in _fields(response)["status"]
    assert not UseCase.objects.filter(title=PAYLOAD["title"]).exists()
    # The status the record starts at is accepted (it changes nothing).
    response = client.post(
        "/api/v1/usecases", {**PAYLOAD, "status": "idea"}, content_type="application/json", **headers
    )
    assert response.status_code == 201 and response.json()["status"] == "idea"


def test_a_status_in_a_patch_is_refused_the_record_keeps_its_status(
    client: Client, world: dict[str, Any], make_token: Callable[..., str]
) -> None:
    record = world["records"]["a_internal"]
    headers = bearer(make_token("org_a", "referent"))
    response = client.patch(
        f"/api/v1/usecases/{record.uid}",
        {"status": "deployed", "title": "Autre titre"},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 422
    assert "status" in _fields(response)
    record.refresh_from_db()
    assert (record.status, record.title) == ("idea", "Triage interne A")
    assert not StatusTransition.objects.exists()


def test_transitions_endpoint_checks_role_and_gates_and_logs(
    client: Client, world: dict[str, Any], make_token: Callable[..., str]
) -> None:
    record = world["records"]["a_internal"]
    contributor = bearer(make_token("org_a", "contributor"))
    url = f"/api/v1/usecases/{record.uid}/transitions"
    response = client.post(url, {"transition": "submit"}, content_type="application/json", **contributor)
    assert response.status_code == 201, response.content
    assert (response.json()["from_status"], response.json()["to_status"]) == ("idea", "framing")
    log = StatusTransition.objects.get(use_case=record)
    assert "contributor" in log.actor_label or log.actor_label
    assert AuditEntry.objects.filter(object_id=str(record.pk), action="transition").count() == 1
    # A contributor may not qualify: refused with the core's French reason, nothing logged.
    response = client.post(url, {"transition": "qualify"}, content_type="application/json", **contributor)
    assert response.status_code == 422
    assert "Votre rôle ne permet pas" in response.json()["error"]["details"][0]["message"]
    record.refresh_from_db()
    assert record.status == "framing" and StatusTransition.objects.count() == 1


def test_transitions_endpoint_is_a_404_outside_the_token_organisation(
    client: Client, world: dict[str, Any], make_token: Callable[..., str]
) -> None:
    record = world["records"]["a_public"]  # readable by anyone, not writable by org B
    headers = bearer(make_token("org_b", "referent"))
    response = client.post(
        f"/api/v1/usecases/{record.uid}/transitions",
        {"transition": "submit"},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 404
    assert not StatusTransition.objects.exists()


@pytest.mark.parametrize("name", ["problem", "target_population", "provider_name", "expected_benefits"])
def test_patch_null_on_a_text_field_is_a_clear_422(
    client: Client, world: dict[str, Any], make_token: Callable[..., str], name: str
) -> None:
    record = world["records"]["a_internal"]
    UseCase.objects.filter(pk=record.pk).update(**{name: "Texte existant"})
    headers = bearer(make_token("org_a", "referent"))
    response = client.patch(
        f"/api/v1/usecases/{record.uid}", {name: None}, content_type="application/json", **headers
    )
    assert response.status_code == 422
    assert _fields(response) == {
        name: 'null n\'est pas accepté : envoyez "" (texte vide) pour effacer ce champ.'
    }
    record.refresh_from_db()
    assert getattr(record, name) == "Texte existant"
    response = client.patch(
        f"/api/v1/usecases/{record.uid}", {name: ""}, content_type="application/json", **headers
    )
    assert response.status_code == 200 and response.json().get(name, "") == ""


def test_patch_null_on_required_fields_names_each_one(
    client: Client, world: dict[str, Any], make_token: Callable[..., str]
) -> None:
    record = world["records"]["a_internal"]
    headers = bearer(make_token("org_a", "referent"))
    response = client.patch(
        f"/api/v1/usecases/{record.uid}",
        {"title": None, "theme": None, "personal_data": None, "tags": None, "start_date": None},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 422
    fields = _fields(response)
    assert set(fields) == {"title", "theme", "personal_data", "tags"}
    assert "[] (liste vide)" in fields["tags"]


def test_if_match_refuses_a_stale_patch_and_accepts_the_current_version(
    client: Client, world: dict[str, Any], make_token: Callable[..., str]
) -> None:
    record = world["records"]["a_internal"]
    headers = bearer(make_token("org_a", "referent"))
    url = f"/api/v1/usecases/{record.uid}"
    read = client.get(url, **headers)
    tag = read["ETag"]
    assert tag.startswith('"') and len(tag) > 10
    first = client.patch(
        url, {"title": "Version de Bob"}, content_type="application/json", HTTP_IF_MATCH=tag, **headers
    )
    assert first.status_code == 200 and first["ETag"] != tag
    stale = client.patch(
        url, {"summary": "Version d'Alice"}, content_type="application/json", HTTP_IF_MATCH=tag, **headers
    )
    assert stale.status_code == 412
    assert "modifiée depuis votre lecture" in stale.json()["error"]["message"]
    record.refresh_from_db()
    assert (record.title, record.summary) == ("Version de Bob", "Un résumé en langage clair.")
    again = client.patch(
        url,
        {"summary": "Version d'Alice"},
        content_type="application/json",
        HTTP_IF_MATCH=first["ETag"],
        **headers,
    )
    assert again.status_code == 200
    stale_delete = client.delete(url, HTTP_IF_MATCH=tag, **headers)
    assert stale_delete.status_code == 412 and UseCase.objects.filter(pk=record.pk).exists()


def test_idempotency_key_makes_a_retried_create_return_the_same_record(
    client: Client, world: dict[str, Any], make_token: Callable[..., str]
) -> None:
    headers = bearer(make_token("org_a", "referent"))
    first = client.post(
        "/api/v1/usecases", PAYLOAD, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-123", **headers
    )
    second = client.post(
        "/api/v1/usecases", PAYLOAD, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-123", **headers
    )
    assert first.status_code == second.status_code == 201
    assert first.json()["uid"] == second.json()["uid"]
    assert UseCase.objects.filter(title=PAYLOAD["title"]).count() == 1
    assert AuditEntry.objects.filter(object_type="registry.usecase", action="create").count() == 1
    # Another token with the same key is another client: its own record.
    other = bearer(make_token("org_a", "contributor"))
    third = client.post(
        "/api/v1/usecases", PAYLOAD, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-123", **other
    )
    assert third.status_code == 201 and third.json()["uid"] != first.json()["uid"]
    assert UseCase.objects.filter(title=PAYLOAD["title"]).count() == 2
