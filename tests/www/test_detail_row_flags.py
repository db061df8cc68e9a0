"""The use-case page's row flags (issue 18): its one query on the record says in which tables the record
has rows, and the panels skip their query where it has none. The page must be the very same with and
without the flags, for every role, on a record with rows in every panel and on an empty one."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from atlasia.campaigns import services as campaign_services
from atlasia.lifecycle.models import ComplianceRecord, Experiment, StatusTransition
from atlasia.monitoring.externalities.models import Externality
from atlasia.monitoring.incidents.models import Incident
from atlasia.qualification.models import Qualification
from atlasia.registry import selectors
from atlasia.registry.models import Contact, Source, UseCase
from atlasia.www import extensions
from atlasia.www import views as www_views

pytestmark = pytest.mark.django_db

ROLES = ["national", "referent", "contributor", "other_referent", "regional", "admin"]


def _flagless_queryset(actor: Any, flags: dict[str, Any] | None = None) -> Any:
    """The record as the page read it before the flags: every panel and relation queries."""
    return selectors.usecases_visible_to(actor).select_related(
        "organisation", "theme", "ai_technique", "algorithm"
    )


def _page(user: Any, record: UseCase) -> tuple[str, int]:
    client = Client()
    client.force_login(user)
    client.get("/healthz")
    with CaptureQueriesContext(connection) as captured:
        response = client.get(f"/cas-d-usage/{record.pk}/")
    assert response.status_code == 200
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
    return html, len(captured.captured_queries)


@pytest.fixture
def rich(world: dict[str, Any]) -> UseCase:
    """The public record of CHU de Lille with rows in the tables the panels read."""
    record: UseCase = world["records"]["a_public"]
    today = timezone.localdate()
    national = world["users"]["national"]
    Incident.objects.create(
        use_case=record,
        title="Orientation erronée de patients",
        occurred_on=today - dt.timedelta(days=3),
        aware_on=today - dt.timedelta(days=2),
        description="Des patients ont été orientés vers le mauvais service.",
        severity="serious",
        serious_kind="general",
    )
    Externality.objects.create(
        use_case=record, source="agent", category="extra_work", description="Revérification manuelle."
    )
    session = campaign_services.committee_session_create(
        actor=national, data={"title": "Séance d'hiver", "held_on": today + dt.timedelta(days=7)}
    )
    campaign_services.agenda_add(
        actor=national, session=session, use_case=record, question="Faut-il diffuser ?"
    )
    Qualification.objects.create(
        use_case=record,
        version=1,
        law_version="2026-07-omnibus",
        category="minimal",
        answers={},
        result={"ai_act": {"category": "minimal"}},
    )
    ComplianceRecord.objects.create(use_case=record, dpia_decision="required")
    Experiment.objects.create(
        use_case=record, title="Pilote aux urgences", objective="Mesurer", start_date=today
    )
    StatusTransition.objects.create(
        use_case=record, from_status="idea", to_status="framing", transition="frame", actor_label="Référent"
    )
    Contact.objects.create(use_case=record, role="Chef de projet", email="projet@example.org", is_public=True)
    Source.objects.create(use_case=record, url="https://example.org/chatbot", title="Présentation")
    return record


@pytest.mark.parametrize("role", ROLES)
def test_the_page_is_the_same_with_and_without_the_flags(
    world: dict[str, Any], rich: UseCase, role: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = world["users"][role]
    for record in (rich, world["records"]["b_public"]):
        with_flags, queries_with = _page(user, record)
        with monkeypatch.context() as patched:
            patched.setattr(www_views.selectors, "usecase_detail_queryset", _flagless_queryset)
            without_flags, queries_without = _page(user, record)
        assert with_flags == without_flags
        assert queries_with <= queries_without
    assert "Orientation erronée de patients" in _page(world["users"]["national"], rich)[0]


def test_an_empty_record_skips_the_panels_queries(world: dict[str, Any], rich: UseCase) -> None:
    national = world["users"]["national"]
    empty = world["records"]["b_public"]
    assert _page(national, empty)[1] < _page(national, rich)[1]
    # A row added later is on the next page: the flags are read with the record, at each request.
    Incident.objects.create(
        use_case=empty,
        title="Relances envoyées en double",
        occurred_on=timezone.localdate(),
        description="Deux relances le même jour.",
        severity="minor",
    )
    assert "Relances envoyées en double" in _page(national, empty)[0]


def test_each_flag_says_whether_the_record_has_rows(world: dict[str, Any], rich: UseCase) -> None:
    empty = world["records"]["b_public"]
    flags = extensions.row_flag_annotations()
    rows = UseCase.objects.filter(pk__in=[rich.pk, empty.pk]).annotate(**flags).values("pk", *flags)
    by_pk = {row.pop("pk"): row for row in rows}
    for name, model in extensions.ROW_FLAGS.items():
        if not isinstance(model, type):
            continue
        for record in (rich, empty):
            expected = model.objects.filter(use_case=record).exists()
            assert bool(by_pk[record.pk][f"has_rows_{name}"]) is expected, (name, record.title)
    assert by_pk[rich.pk]["has_rows_upcoming_committee_sessions"]
    assert not by_pk[rich.pk]["has_rows_census_entries"]


def test_the_packed_flags_are_the_flags_read_one_by_one(world: dict[str, Any], rich: UseCase) -> None:
    """The page reads every flag in one column compiled once (``extensions.packed_row_flags``): each
    is the value its own annotation reads."""
    national = world["users"]["national"]
    flags = extensions.row_flag_annotations()
    packed = extensions.packed_row_flags()
    assert set(packed.names) == set(flags) | {f"has_rows_{r}" for r in selectors.DETAIL_RELATIONS}
    for record in (rich, world["records"]["b_public"], world["records"]["a_internal"]):
        one_by_one = selectors.usecase_detail_queryset(national, flags).get(pk=record.pk)
        together = selectors.usecase_detail_queryset(national, packed).get(pk=record.pk)
        for name in packed.names:
            assert getattr(together, name) is bool(getattr(one_by_one, name)), (name, record.title)
        assert together.last_audit_id == one_by_one.last_audit_id
    # Packed or not, the record is read within the reader's visibility.
    secret = world["records"]["a_internal"]
    assert not selectors.usecase_detail_queryset(world["users"]["other_referent"], packed).filter(
        pk=secret.pk
    )


def test_the_packed_flags_are_compiled_once_a_day(
    world: dict[str, Any], rich: UseCase, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A flag function reads today's date (the committee session held in a week is coming): compiled
    once per process and day, it reads the new date on the next day."""
    national = world["users"]["national"]
    assert extensions.packed_row_flags() is extensions.packed_row_flags()
    today = selectors.usecase_detail_queryset(national, extensions.packed_row_flags()).get(pk=rich.pk)
    assert today.has_rows_upcoming_committee_sessions is True
    later = timezone.localdate() + dt.timedelta(days=8)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: later)
    packed = extensions.packed_row_flags()
    assert packed is extensions.packed_row_flags()
    in_a_week = selectors.usecase_detail_queryset(national, packed).get(pk=rich.pk)
    assert in_a_week.has_rows_upcoming_committee_sessions is False
    assert in_a_week.has_rows_agenda_items is True
