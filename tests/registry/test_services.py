"""Services write and audit in one transaction; refusals change nothing."""

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from atlasia.audit.models import AuditEntry
from atlasia.registry import services
from atlasia.registry.models import Theme, UseCase

pytestmark = pytest.mark.django_db


def _data(**extra: Any) -> dict[str, Any]:
    from atlasia.registry.models import AITechnique

    data = {
        "title": "Aide à la régulation",
        "summary": "Transcription des appels au centre 15.",
        "theme": Theme.objects.get(code="acces_soins"),
        "ai_technique": AITechnique.objects.get(code="reconnaissance_parole"),
    }
    data.update(extra)
    return data


def test_create_writes_the_record_and_one_audit_row_with_new_values(world: dict[str, Any]) -> None:
    user = world["users"]["contributor"]
    use_case = services.usecase_create(actor=user, organisation=world["org_a"], data=_data())
    entry = AuditEntry.objects.get(use_case_id=use_case.pk, action="create")
    assert entry.actor == user
    assert entry.changes["title"] == [None, "Aide à la régulation"]
    assert entry.changes["organisation"] == [None, "CHU de Lille"]
    assert use_case.created_by == user


def test_update_records_old_and_new_values_only_for_changed_fields(world: dict[str, Any]) -> None:
    record = world["records"]["a_internal"]
    services.usecase_update(
        actor=world["users"]["referent"], use_case=record, data={"title": "Nouveau titre"}
    )
    entry = AuditEntry.objects.get(use_case_id=record.pk, action="update")
    assert entry.changes == {"title": ["Triage interne A", "Nouveau titre"]}


def test_update_with_dates_out_of_order_is_refused_and_nothing_changes(world: dict[str, Any]) -> None:
    record = world["records"]["a_internal"]
    with pytest.raises(ValidationError) as error:
        services.usecase_update(
            actor=world["users"]["referent"],
            use_case=record,
            data={"title": "Changé", "start_date": dt.date(2026, 5, 1), "end_date": dt.date(2025, 1, 1)},
        )
    assert "antérieure à la date de début" in str(error.value)
    record.refresh_from_db()
    assert record.title == "Triage interne A" and record.start_date is None
    assert not AuditEntry.objects.filter(use_case_id=record.pk).exists()


def test_contributor_cannot_publish(world: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as error:
        services.usecase_create(
            actor=world["users"]["contributor"],
            organisation=world["org_a"],
            data=_data(publication_level="public"),
        )
    assert "niveau de publication" in str(error.value)
    assert not UseCase.objects.filter(title="Aide à la régulation").exists()


def test_referent_can_publish(world: dict[str, Any]) -> None:
    use_case = services.usecase_create(
        actor=world["users"]["referent"], organisation=world["org_a"], data=_data(publication_level="public")
    )
    assert use_case.publication_level == "public"


def test_creating_in_another_organisation_is_refused(world: dict[str, Any]) -> None:
    with pytest.raises(PermissionDenied):
        services.usecase_create(actor=world["users"]["referent"], organisation=world["org_b"], data=_data())
    assert not AuditEntry.objects.exists()


def test_dpo_cannot_create_but_can_edit(world: dict[str, Any]) -> None:
    with pytest.raises(PermissionDenied):
        services.usecase_create(actor=world["users"]["dpo"], organisation=world["org_a"], data=_data())
    record = world["records"]["a_internal"]
    services.usecase_update(actor=world["users"]["dpo"], use_case=record, data={"hosting": "third_party_hds"})
    record.refresh_from_db()
    assert record.hosting == "third_party_hds"


def test_delete_keeps_the_last_values_in_the_audit(world: dict[str, Any]) -> None:
    record = world["records"]["a_internal"]
    pk = record.pk
    services.usecase_delete(actor=world["users"]["org_admin"], use_case=record)
    assert not UseCase.objects.filter(pk=pk).exists()
    entry = AuditEntry.objects.get(use_case_id=pk, action="delete")
    assert entry.changes["title"] == ["Triage interne A", None]


def test_contributor_cannot_delete(world: dict[str, Any]) -> None:
    with pytest.raises(PermissionDenied):
        services.usecase_delete(actor=world["users"]["contributor"], use_case=world["records"]["a_internal"])
    assert UseCase.objects.filter(pk=world["records"]["a_internal"].pk).exists()


def test_audit_row_is_rolled_back_with_the_change(
    world: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """If anything fails after the audit row is written, neither the change nor the row remain."""
    record = world["records"]["a_internal"]

    def boom(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("panne")

    monkeypatch.setattr(UseCase.data_categories.related_manager_cls, "set", boom)
    with pytest.raises(RuntimeError):
        services.usecase_update(
            actor=world["users"]["referent"], use_case=record, data={"title": "X", "data_categories": []}
        )
    record.refresh_from_db()
    assert record.title == "Triage interne A"
    assert not AuditEntry.objects.filter(use_case_id=record.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_audit_record_refuses_to_run_outside_a_transaction(world: dict[str, Any]) -> None:
    from atlasia.audit.services import audit_record

    with pytest.raises(RuntimeError):
        audit_record(actor=None, action="event", obj=world["records"]["a_internal"])
