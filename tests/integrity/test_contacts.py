"""Contacts of a use case, edited through the real form: every field is shown, a line the user did not
touch stays as it is, each change (phone and public flag included) leaves an audit row."""

from __future__ import annotations

import html
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from formwalk import as_post_data, self_posting_forms

from atlasia.audit.models import AuditEntry
from atlasia.registry.models import Contact, UseCase

pytestmark = pytest.mark.django_db


@pytest.fixture
def record(world: dict[str, Any]) -> UseCase:
    use_case = world["records"]["a_public"]
    Contact.objects.create(
        use_case=use_case,
        role="Cheffe de projet",
        name="Inès Laurent",
        email="ines@example.org",
        phone="03 20 44 59 62",
        is_public=True,
    )
    Contact.objects.create(
        use_case=use_case, role="DPO", name="Marc Petit", email="dpo@example.org", phone="", is_public=False
    )
    return use_case


def _edit_form(client: Client, use_case: UseCase) -> tuple[str, dict[str, list[str]]]:
    path = reverse("usecase_edit", args=[use_case.pk])
    response = client.get(path)
    assert response.status_code == 200
    (form,) = self_posting_forms(response.content.decode(), path)
    return path, as_post_data(form)


def _contacts(use_case: UseCase) -> list[tuple[Any, ...]]:
    return list(
        use_case.contacts.order_by("pk").values_list("pk", "role", "name", "email", "phone", "is_public")
    )


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_edit_form_shows_phone_and_public_flag_of_each_contact(
    world: dict[str, Any], record: UseCase
) -> None:
    html = _client(world["users"]["referent"]).get(reverse("usecase_edit", args=[record.pk])).content.decode()
    assert 'value="03 20 44 59 62"' in html
    assert "Téléphone" in html and "Afficher dans le registre public" in html


def test_title_only_edit_keeps_every_contact_as_it_was(world: dict[str, Any], record: UseCase) -> None:
    client = _client(world["users"]["referent"])
    before = _contacts(record)
    path, data = _edit_form(client, record)
    data["title"] = ["Un nouveau titre"]
    assert client.post(path, data).status_code == 302
    record.refresh_from_db()
    assert record.title == "Un nouveau titre"
    assert _contacts(record) == before
    assert not AuditEntry.objects.filter(object_type="registry.contact").exists()


def test_phone_and_public_flag_changes_are_saved_and_audited(world: dict[str, Any], record: UseCase) -> None:
    client = _client(world["users"]["referent"])
    ines, marc = record.contacts.order_by("pk")
    path, data = _edit_form(client, record)
    index = {data[f"contacts-{i}-id"][0]: i for i in range(2)}[str(marc.pk)]
    data[f"contacts-{index}-phone"] = ["01 40 56 60 00"]
    data[f"contacts-{index}-is_public"] = ["on"]
    assert client.post(path, data).status_code == 302
    marc.refresh_from_db()
    assert (marc.phone, marc.is_public) == ("01 40 56 60 00", True)
    entry = AuditEntry.objects.get(object_type="registry.contact", object_id=str(marc.pk))
    assert entry.action == "update" and entry.use_case_id == record.pk
    assert entry.changes == {"phone": ["", "01 40 56 60 00"], "is_public": [False, True]}
    assert entry.actor_label == str(world["users"]["referent"])
    ines_after = Contact.objects.get(pk=ines.pk)
    assert (ines_after.phone, ines_after.is_public) == ("03 20 44 59 62", True)


def test_delete_removes_only_the_ticked_contact_and_a_new_line_adds_one(
    world: dict[str, Any], record: UseCase
) -> None:
    client = _client(world["users"]["referent"])
    ines, marc = record.contacts.order_by("pk")
    path, data = _edit_form(client, record)
    index = {data[f"contacts-{i}-id"][0]: i for i in range(2)}[str(ines.pk)]
    data[f"contacts-{index}-DELETE"] = ["on"]
    data["contacts-2-role"] = ["Ingénieure données"]
    data["contacts-2-phone"] = ["06 12 34 56 78"]
    assert client.post(path, data).status_code == 302
    roles = {c.role: c for c in record.contacts.all()}
    assert set(roles) == {"DPO", "Ingénieure données"}
    assert roles["DPO"].pk == marc.pk and roles["Ingénieure données"].phone == "06 12 34 56 78"
    actions = dict(
        AuditEntry.objects.filter(object_type="registry.contact").values_list("object_id", "action")
    )
    assert actions == {str(ines.pk): "delete", str(roles["Ingénieure données"].pk): "create"}
    deleted = AuditEntry.objects.get(object_type="registry.contact", action="delete")
    assert deleted.changes["phone"] == ["03 20 44 59 62", None]


def test_a_contact_of_another_record_cannot_be_edited_through_this_form(
    world: dict[str, Any], record: UseCase
) -> None:
    other = Contact.objects.create(use_case=world["records"]["a_internal"], role="Autre", phone="1")
    client = _client(world["users"]["referent"])
    path, data = _edit_form(client, record)
    data["contacts-0-id"] = [str(other.pk)]
    data["contacts-0-phone"] = ["99 99 99 99 99"]
    response = client.post(path, data)
    assert response.status_code == 400
    assert "ce contact n'existe plus sur cette fiche" in html.unescape(response.content.decode())
    other.refresh_from_db()
    assert other.phone == "1"
    assert not AuditEntry.objects.filter(object_type="registry.contact").exists()
