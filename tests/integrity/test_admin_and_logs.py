"""The Django admin shows domain data without editing it (the services do, with their permission
check, validation and audit row); the few admin edits left go through the services; the audit log and
the transition log are append-only, in the admin and at model level."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from atlasia.accounts.models import User
from atlasia.audit.admin_base import ReadOnlyAdmin, ServiceAdmin
from atlasia.audit.immutable import ImmutableRecordError
from atlasia.audit.models import AuditEntry
from atlasia.lifecycle import services as lifecycle
from atlasia.lifecycle.models import StatusTransition
from atlasia.registry.models import Algorithm, Organisation, UseCase

pytestmark = pytest.mark.django_db

DOMAIN_APPS = {
    "registry",
    "lifecycle",
    "qualification",
    "evaluation",
    "monitoring",
    "publication",
    "exchange",
    "audit",
}
SERVICE_ADMINS = {"registry.organisation", "registry.algorithm"}


@pytest.fixture
def superuser(db: Any) -> User:
    return User.objects.create_user(
        username="root", password="pw-123456789", is_staff=True, is_superuser=True, is_platform_admin=True
    )


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_every_domain_model_in_the_admin_is_read_only_or_writes_through_services() -> None:
    registered = {
        model._meta.label_lower: type(model_admin)
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label in DOMAIN_APPS
    }
    assert len(registered) > 30
    wrong = {
        label
        for label, cls in registered.items()
        if not issubclass(cls, ServiceAdmin if label in SERVICE_ADMINS else ReadOnlyAdmin)
    }
    assert not wrong


def test_a_superuser_can_read_but_not_add_change_or_delete_domain_rows(
    world: dict[str, Any], superuser: User
) -> None:
    client = _client(superuser)
    record = world["records"]["a_internal"]
    change = reverse("admin:registry_usecase_change", args=[record.pk])
    page = client.get(change)
    assert page.status_code == 200 and record.title in page.content.decode()
    assert 'name="_save"' not in page.content.decode()
    assert client.get(reverse("admin:registry_usecase_add")).status_code == 403
    response = client.post(change, {"title": "Piraté", "status": "deployed"})
    assert response.status_code == 403
    assert (
        client.post(reverse("admin:registry_usecase_delete", args=[record.pk]), {"post": "yes"}).status_code
        == 403
    )
    record.refresh_from_db()
    assert (record.title, record.status) == ("Triage interne A", "idea")
    assert not StatusTransition.objects.exists() and not AuditEntry.objects.exists()
    # Same refusal everywhere: every read-only model refuses the add page.
    for model, model_admin in admin.site._registry.items():
        if isinstance(model_admin, ReadOnlyAdmin):
            info = (model._meta.app_label, model._meta.model_name)
            assert client.get(reverse("admin:%s_%s_add" % info)).status_code == 403, info


def test_organisation_and_algorithm_edits_in_the_admin_go_through_the_services(
    world: dict[str, Any], superuser: User
) -> None:
    client = _client(superuser)
    response = client.post(
        reverse("admin:registry_organisation_add"),
        {"name": "ARS Bretagne", "slug": "ars-bretagne", "type": "ars", "region": "53", "country": "FR"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    organisation = Organisation.objects.get(slug="ars-bretagne")
    created = AuditEntry.objects.get(object_type="registry.organisation", object_id=str(organisation.pk))
    assert (created.action, created.actor_id) == ("create", superuser.pk)
    response = client.post(
        reverse("admin:registry_organisation_change", args=[organisation.pk]),
        {"name": "ARS de Bretagne", "slug": "ars-bretagne", "type": "ars", "region": "53", "country": "FR"},
    )
    assert response.status_code == 302
    update = AuditEntry.objects.get(object_type="registry.organisation", action="update")
    assert update.changes == {"name": ["ARS Bretagne", "ARS de Bretagne"]} and update.actor_id == superuser.pk
    # The model's rules still apply (department of another region), nothing written.
    response = client.post(
        reverse("admin:registry_organisation_change", args=[organisation.pk]),
        {
            "name": "ARS de Bretagne",
            "slug": "ars-bretagne",
            "type": "ars",
            "region": "53",
            "department": "59",
            "country": "FR",
        },
    )
    assert response.status_code == 200 and "appartient à la région" in response.content.decode()
    assert (
        client.post(
            reverse("admin:registry_organisation_delete", args=[organisation.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    response = client.post(
        reverse("admin:registry_algorithm_add"), {"name": "Score de fragilité", "licence": "MIT"}
    )
    assert response.status_code == 302
    algorithm = Algorithm.objects.get(name="Score de fragilité")
    assert AuditEntry.objects.filter(object_type="registry.algorithm", object_id=str(algorithm.pk)).exists()


def test_a_staff_member_who_is_not_platform_admin_is_refused_by_the_service(world: dict[str, Any]) -> None:
    from django.contrib.auth.models import Permission

    staff = User.objects.create_user(username="staff", password="pw-123456789", is_staff=True)
    staff.user_permissions.add(
        *Permission.objects.filter(codename__in=["add_organisation", "view_organisation"])
    )
    response = _client(staff).post(
        reverse("admin:registry_organisation_add"),
        {"name": "Organisme X", "slug": "organisme-x", "type": "ars", "country": "FR"},
    )
    assert response.status_code == 403
    assert not Organisation.objects.filter(slug="organisme-x").exists()
    assert not AuditEntry.objects.exists()


def test_audit_and_transition_logs_cannot_be_changed_or_deleted(world: dict[str, Any]) -> None:
    record = world["records"]["a_internal"]
    log = lifecycle.usecase_transition(
        actor=world["users"]["contributor"], use_case=record, transition="submit"
    )
    entry = AuditEntry.objects.get(action="transition")
    for row in (log, entry):
        row.refresh_from_db()
        with pytest.raises(ImmutableRecordError):
            row.save()
        with pytest.raises(ImmutableRecordError):
            row.delete()
        with pytest.raises(ImmutableRecordError):
            type(row).objects.filter(pk=row.pk).update(actor_label="quelqu'un d'autre")
        with pytest.raises(ImmutableRecordError):
            type(row).objects.all().delete()
    assert StatusTransition.objects.get().actor_label == log.actor_label
    assert AuditEntry.objects.get(action="transition").changes == entry.changes
    # Deleting the actor's account only unlinks it: the rows keep the name.
    label = log.actor_label
    world["users"]["contributor"].delete()
    log = StatusTransition.objects.get()
    assert log.actor_id is None and log.actor_label == label
    # Deleting the use case keeps the audit trail (it records the deletion itself).
    UseCase.objects.filter(pk=record.pk).delete()
    assert AuditEntry.objects.filter(action="transition", object_id=str(record.pk)).exists()
