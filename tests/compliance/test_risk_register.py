"""The risk register (AI Act Art. 9): entries with likelihood, severity, measures and residual risk,
review dates, fed by incidents and externalities; permissions, refusals and audit."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from atlasia.audit.models import AuditEntry
from atlasia.compliance.models import Risk
from atlasia.core.compliance import RiskLevel, risk_level
from atlasia.monitoring.models import Externality, Incident


def risk_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "title": "Allocataires éligibles non repérés",
        "description": "Le modèle manque des foyers aux revenus irréguliers : des droits restent "
        "non réclamés.",
        "area": "fundamental_rights",
        "origin": "intended_use",
        "affected_groups": "Travailleurs indépendants, foyers monoparentaux",
        "likelihood": "3",
        "severity": "3",
        "mitigations": "",
        "residual_likelihood": "",
        "residual_severity": "",
        "residual_acceptable": "",
        "status": "open",
        "owner": "",
        "next_review_on": (timezone.localdate() + timedelta(days=90)).isoformat(),
        "version": "",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("likelihood", "severity", "level"),
    [
        (1, 1, RiskLevel.LOW),
        (1, 3, RiskLevel.MODERATE),
        (2, 3, RiskLevel.HIGH),
        (4, 3, RiskLevel.CRITICAL),
        (1, 4, RiskLevel.HIGH),
    ],
)
def test_risk_level(likelihood: int, severity: int, level: RiskLevel) -> None:
    assert risk_level(likelihood, severity) is level


def test_add_a_risk_through_the_form_and_see_it_in_the_register(
    qualified: Any, world: Any, login: Any
) -> None:
    client = login(world["users"]["dpo"])
    url = reverse("compliance_usecase_risks", args=[qualified.pk])
    response = client.post(url, risk_data(owner=str(world["users"]["referent"].pk)))
    assert response.status_code == 302
    risk = Risk.objects.get()
    assert risk.level == "high" and risk.owner == world["users"]["referent"]
    entry = AuditEntry.objects.get(object_type="compliance.risk")
    assert entry.changes["vraisemblance"] == [None, "Importante"]
    page = client.get(url).content.decode()
    assert "Allocataires éligibles non repérés" in page and "Élevé" in page


def test_bad_input_is_refused_with_a_french_message_and_nothing_stored(
    qualified: Any, world: Any, login: Any
) -> None:
    client = login(world["users"]["referent"])
    url = reverse("compliance_usecase_risks", args=[qualified.pk])
    past = (timezone.localdate() - timedelta(days=1)).isoformat()
    cases = [
        (risk_data(next_review_on=past), "est dans le passé"),
        (risk_data(residual_likelihood="2"), "renseignez les deux ou aucune"),
        (risk_data(status="mitigated"), "indique les mesures prises"),
        (risk_data(residual_acceptable="true"), "Évaluez le risque résiduel"),
        (risk_data(description="   "), "Ce champ est obligatoire"),
    ]
    for data, message in cases:
        response = client.post(url, data)
        assert response.status_code == 400, message
        assert message in response.content.decode(), message
    assert not Risk.objects.exists() and not AuditEntry.objects.filter(object_type="compliance.risk").exists()


@pytest.mark.parametrize("who", ["contributor", "regional", "other_referent"])
def test_who_may_not_keep_the_register(qualified: Any, world: Any, login: Any, who: str) -> None:
    response = login(world["users"][who]).post(
        reverse("compliance_usecase_risks", args=[qualified.pk]), risk_data()
    )
    assert response.status_code == 404
    assert not Risk.objects.exists()


def test_update_review_and_stale_edit(qualified: Any, world: Any, login: Any) -> None:
    client = login(world["users"]["referent"])
    client.post(reverse("compliance_usecase_risks", args=[qualified.pk]), risk_data())
    risk = Risk.objects.get()
    url = reverse("compliance_risk", args=[risk.pk])
    form = client.get(url).context["form"]
    unchanged = {name: form[name].value() if form[name].value() is not None else "" for name in form.fields}
    unchanged = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in unchanged.items()}
    before = AuditEntry.objects.count()
    assert client.post(url, unchanged).status_code == 302
    assert AuditEntry.objects.count() == before
    mitigated = {
        **unchanged,
        "status": "mitigated",
        "mitigations": "Seuil abaissé, revue humaine de chaque cas.",
        "residual_likelihood": "2",
        "residual_severity": "2",
        "residual_acceptable": "true",
    }
    assert client.post(url, mitigated).status_code == 302
    risk.refresh_from_db()
    assert risk.residual_level == "moderate" and risk.residual_acceptable is True
    stale = client.post(url, {**mitigated, "title": "Autre titre"})  # version 1 again
    assert stale.status_code == 400 and "modifié entre-temps" in stale.content.decode()
    next_review = date.today() + timedelta(days=180)
    assert (
        client.post(
            reverse("compliance_risk_review", args=[risk.pk]), {"next_review_on": next_review.isoformat()}
        ).status_code
        == 302
    )
    risk.refresh_from_db()
    assert risk.last_reviewed_on == timezone.localdate() and risk.next_review_on == next_review


def test_incidents_and_externalities_feed_the_register(qualified: Any, world: Any, login: Any) -> None:
    incident = Incident.objects.create(
        use_case=qualified,
        title="Courriers envoyés à des foyers déjà bénéficiaires",
        occurred_on=timezone.localdate() - timedelta(days=10),
        description="312 courriers d'invitation envoyés par erreur à des foyers déjà bénéficiaires.",
        severity="major",
    )
    Externality.objects.create(
        use_case=qualified,
        source="agent",
        category="extra_work",
        description="Rendez-vous inutiles au guichet.",
    )
    client = login(world["users"]["referent"])
    url = reverse("compliance_usecase_risks", args=[qualified.pk])
    page = client.get(url).content.decode()
    assert "Incident : Courriers envoyés" in page and "Externalité négative : Travail supplémentaire" in page
    prefilled = client.get(url + f"?source=incident:{incident.pk}").context["form"]
    assert prefilled.initial["severity"] == 3 and prefilled.initial["origin"] == "incident"
    data = risk_data(title=prefilled.initial["title"], origin="incident", source=f"incident:{incident.pk}")
    assert client.post(url, data).status_code == 302
    risk = Risk.objects.get()
    assert risk.source_kind == "incident" and risk.source_id == incident.pk
    assert "Courriers envoyés" in risk.source_label
    assert "Incident : Courriers envoyés" not in client.get(url).content.decode()
    # another use case's incident cannot be used
    other = Incident.objects.create(
        use_case=world["records"]["b_internal"],
        title="Autre",
        occurred_on=timezone.localdate(),
        description="x",
        severity="minor",
    )
    assert client.get(url + f"?source=incident:{other.pk}").status_code == 404


def test_a_review_due_reaches_the_owners_inbox(qualified: Any, world: Any, login: Any) -> None:
    referent = world["users"]["referent"]
    client = login(referent)
    client.post(reverse("compliance_usecase_risks", args=[qualified.pk]), risk_data(owner=str(referent.pk)))
    Risk.objects.update(next_review_on=timezone.localdate() - timedelta(days=2))
    inbox = client.get(reverse("lifecycle_inbox")).content.decode()
    assert "Revue du risque « Allocataires éligibles non repérés »" in inbox
