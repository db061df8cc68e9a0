"""The expert committee: the national team composes it and its agenda, members from several
organisations give reasoned opinions, the « prometteur à diffuser » label shows in the register, the
record page and the annual report; refusals and audit rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from atlasia.audit.models import AuditEntry
from atlasia.campaigns import selectors, services
from atlasia.campaigns.models import AgendaItem, CommitteeSession
from atlasia.registry.models import UseCase

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def committee(world: dict[str, Any], make_usecase: Callable[..., UseCase]) -> dict[str, Any]:
    national = world["users"]["national"]
    expert_a = world["users"]["referent"]  # CHU de Lille
    expert_b = world["users"]["other_referent"]  # CAF de la Gironde
    services.committee_member_add(
        actor=national, user=expert_a, organisation=world["org_a"], expertise="Urgences", is_chair=True
    )
    services.committee_member_add(
        actor=national, user=expert_b, organisation=world["org_b"], expertise="Prestations sociales"
    )
    record = make_usecase(world["org_b"], title="Détection des indus", publication_level="public")
    return {**world, "national": national, "expert_a": expert_a, "expert_b": expert_b, "record": record}


def test_national_team_builds_a_session_and_members_give_an_opinion(committee: dict[str, Any]) -> None:
    national = _client(committee["national"])
    held_on = timezone.localdate() + dt.timedelta(days=10)
    response = national.post(
        "/comite/seances/nouvelle/", {"title": "Séance de printemps", "held_on": held_on.isoformat()}
    )
    session = CommitteeSession.objects.get(title="Séance de printemps")
    assert response.status_code == 302
    record = committee["record"]
    page = national.get(f"/cas-d-usage/{record.pk}/").content.decode()
    assert "Avis du comité d'experts" in page and "Inscrire à l'ordre du jour" in page
    national.post(
        f"/cas-d-usage/{record.pk}/comite/",
        {"session": session.pk, "question": "Faut-il encourager la diffusion aux autres CAF ?"},
    )
    item = AgendaItem.objects.get(session=session, use_case=record)
    expert = _client(committee["expert_b"])
    assert "Faut-il encourager la diffusion" in expert.get(f"/comite/seances/{session.pk}/").content.decode()
    prefix = f"avis-{item.pk}"
    expert.post(
        f"/comite/points/{item.pk}/avis/",
        {
            f"{prefix}-verdict": "favourable",
            f"{prefix}-reasons": "Gain de temps mesuré, contrôle humain systématique.",
            f"{prefix}-promising": "on",
        },
    )
    item.refresh_from_db()
    assert (item.verdict, item.promising, item.decided_by) == ("favourable", True, committee["expert_b"])
    audit = AuditEntry.objects.filter(object_type="campaigns.agendaitem", use_case_id=record.pk)
    assert audit.count() == 2  # on the agenda, then the opinion
    assert selectors.promising_use_case_ids() == {record.pk}
    # The record page, the public register and the report show it.
    page = _client(committee["users"]["contributor"]).get(f"/cas-d-usage/{record.pk}/").content.decode()
    assert "Gain de temps mesuré" in page and "prometteur à diffuser" in page
    search = national.get("/recherche/", {"q": "indus", "mode": "text"}).content.decode()
    badge = '<span class="fr-badge fr-badge--sm fr-badge--new">prometteur à diffuser'
    assert f"Détection des indus</a> {badge}" in search
    anonymous = Client()
    assert "prometteur à diffuser" in anonymous.get("/registre/").content.decode()
    assert "labellisé ce cas d'usage" in anonymous.get(f"/registre/{record.uid}/").content.decode()
    from atlasia.publication.models import ReportRun
    from atlasia.publication.report import render_html, report_data

    run = ReportRun.objects.create(year=timezone.localdate().year, requested_by=committee["national"])
    html = render_html(report_data(run))
    assert "Cas d&#x27;usage prometteurs à diffuser" in html or "Cas d'usage prometteurs à diffuser" in html
    assert "Détection des indus" in html


def test_opinion_needs_reasons_and_the_label_a_favourable_opinion(committee: dict[str, Any]) -> None:
    session = services.committee_session_create(
        actor=committee["national"], data={"title": "Séance", "held_on": timezone.localdate()}
    )
    item = services.agenda_add(
        actor=committee["national"], session=session, use_case=committee["record"], question="Avis ?"
    )
    with pytest.raises(ValidationError) as error:
        services.opinion_record(
            actor=committee["expert_a"], item=item, verdict="unfavourable", reasons="", promising=True
        )
    assert "motifs" in str(error.value) and "Seul un avis favorable" in str(error.value)
    with pytest.raises(ValidationError):
        services.agenda_add(
            actor=committee["national"], session=session, use_case=committee["record"], question="Encore ?"
        )
    item.refresh_from_db()
    assert (
        item.verdict == ""
        and not AuditEntry.objects.filter(object_type="campaigns.agendaitem", action="update").exists()
    )


@pytest.mark.parametrize("role", ["contributor", "org_admin", "regional", "dpo"])
def test_who_is_not_on_the_committee_is_refused(committee: dict[str, Any], role: str) -> None:
    user = committee["users"][role]
    session = services.committee_session_create(
        actor=committee["national"], data={"title": "Séance", "held_on": timezone.localdate()}
    )
    item = services.agenda_add(
        actor=committee["national"], session=session, use_case=committee["record"], question="Avis ?"
    )
    client = _client(user)
    assert client.get("/comite/").status_code == 403
    response = client.post(
        f"/comite/points/{item.pk}/avis/",
        {f"avis-{item.pk}-verdict": "favourable", f"avis-{item.pk}-reasons": "x"},
    )
    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        services.opinion_record(actor=user, item=item, verdict="favourable", reasons="x")
    with pytest.raises(PermissionDenied):
        services.committee_session_create(actor=user, data={"title": "x", "held_on": timezone.localdate()})
    item.refresh_from_db()
    assert item.verdict == ""
    # A committee member gives opinions but does not compose the agenda.
    with pytest.raises(PermissionDenied):
        services.agenda_add(
            actor=committee["expert_a"], session=session, use_case=committee["record"], question="?"
        )
