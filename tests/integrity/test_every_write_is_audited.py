"""Every write service records its audit row in the same transaction as the change.

The write services are discovered (every public function of ``atlasia/*/services.py`` that takes an
``actor``); each one is called here twice on real data: once with the audit log failing (the call
must fail and leave every table exactly as it was: the change and its audit row are one transaction),
then normally (at least one new audit row, naming the actor). A new write service fails this test
until it is added below. The admin's writes are covered by ``test_admin_and_logs.py`` (read-only
models refuse, the two service admins call these same services)."""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from formwalk import database_state, state_diff

from atlasia.audit.models import AuditEntry

pytestmark = pytest.mark.django_db

APPS = (
    "accounts",
    "campaigns",
    "registry",
    "lifecycle",
    "qualification",
    "evaluation",
    "monitoring.incidents",
    "monitoring.externalities",
    "monitoring.footprint",
    "monitoring.people",
    "publication",
    "exchange",
    "search",
    "audit",
)

#: Write services whose audit row is the work of another chantier of issue 14 (import staging
#: upload, owned by the "imports" engineer): listed so that this test names them.
OWNED_ELSEWHERE = {
    "exchange.import_job_create": "dépôt d'un fichier à importer : audité par le chantier « imports »",
    "exchange.import_job_set_mapping": "correspondance des colonnes : chantier « imports »",
    "exchange.import_job_start": "lancement d'un import (fiches créées auditées) : chantier « imports »",
    "exchange.import_job_set_header_line": "ligne d'en-tête : tests/exchange/test_import_robustness.py",
}
NOT_A_CHANGE = {
    "audit.audit_record": "écrit la ligne d'audit elle-même",
    "audit.audit_entry": "prépare une ligne d'audit non enregistrée (pour audit_record_many)",
}


def write_services() -> set[str]:
    found = set()
    for app in APPS:
        module = importlib.import_module(f"atlasia.{app}.services")
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("_") or function.__module__ != module.__name__:
                continue
            if "actor" in inspect.signature(function).parameters:
                found.add(f"{app}.{name}")
    return found


def _uc(w: dict[str, Any], key: str = "a_internal") -> Any:
    return w["records"][key]


def _experiment(w: dict[str, Any]) -> Any:
    from atlasia.lifecycle import services

    return services.experiment_create(
        actor=w["users"]["referent"],
        use_case=_uc(w),
        data={
            "title": "Pilote aux urgences",
            "objective": "Réduire l'attente.",
            "start_date": timezone.localdate(),
        },
    )


def _in_service(w: dict[str, Any]) -> Callable[[], Any]:
    from atlasia.registry.models import UseCase

    UseCase.objects.filter(pk=_uc(w).pk).update(status="deployed")  # incidents concern systems in service
    _uc(w).refresh_from_db()
    return lambda: _incident(w)


def _incident(w: dict[str, Any]) -> Any:
    from atlasia.monitoring.incidents import services

    if _uc(w).status != "deployed":
        _in_service(w)
    today = timezone.localdate()
    return services.incident_create(
        actor=w["users"]["referent"],
        use_case=_uc(w),
        data={
            "title": "Orientation erronée",
            "occurred_on": today - dt.timedelta(days=3),
            "description": "Le score a sous-estimé la gravité.",
            "people_affected": 2,
            "severity": "minor",
            "serious_kind": "",
        },
    )


def _externality(w: dict[str, Any]) -> Any:
    from atlasia.monitoring.externalities import services

    return services.externality_report(
        actor=w["users"]["contributor"],
        use_case=_uc(w),
        data={"category": "extra_work", "description": "Chaque alerte est vérifiée à la main."},
    )


def _module(w: dict[str, Any]) -> Any:
    from atlasia.monitoring.people import services

    return services.training_module_create(
        actor=w["users"]["national"],
        data={
            "title": "Comprendre l'IA",
            "provider": "Campus du numérique public",
            "kind": "external",
            "duration_hours": 3,
            "level": "discovery",
            "url": "https://example.org/ia",
        },
    )


def _resource(w: dict[str, Any]) -> Any:
    from atlasia.monitoring.people import services

    return services.network_resource_add(
        actor=w["users"]["national"],
        title="Guide",
        description="",
        url="https://example.org/guide",
        uploaded=None,
    )


def _scores() -> dict[str, tuple[int, str]]:
    from atlasia.core import prioritisation as prio

    return {c.value: (3, f"Justification de {c.value}.") for c in prio.Criterion}


PREDICTIONS = "id,y_true,y_score,y_pred,sex\n" + "\n".join(
    f"{i},{i % 2},{0.2 + 0.6 * (i % 2) if i % 7 else 0.45:.2f},{(i % 2) if i % 7 else 0},{'FM'[i % 3 == 0]}"
    for i in range(120)
)


def _upload() -> Any:
    from atlasia.evaluation.services import Upload

    data = PREDICTIONS.encode()
    return Upload(name="predictions.csv", size=len(data), handle=io.BytesIO(data))


def _parameters() -> dict[str, Any]:
    from atlasia.evaluation.services import build_parameters

    return build_parameters(
        target="y_true",
        pred="y_pred",
        score="y_score",
        groups=["sex"],
        date=None,
        n_resamples=20,
        seed=0,
        level=0.9,
    )


def _calls(w: dict[str, Any], tmp: Path) -> dict[str, Callable[[], Any]]:
    """For each write service: an action ready to run (its prerequisites created beforehand)."""
    from atlasia.accounts import services as accounts
    from atlasia.evaluation import services as evaluation
    from atlasia.evaluation.models import EvaluationRun
    from atlasia.exchange import services as exchange
    from atlasia.lifecycle import services as lifecycle
    from atlasia.lifecycle.models import Charter
    from atlasia.monitoring.externalities import services as monitoring_externalities
    from atlasia.monitoring.footprint import services as monitoring_footprint
    from atlasia.monitoring.incidents import services as monitoring_incidents
    from atlasia.monitoring.people import services as monitoring_people
    from atlasia.publication import services as publication
    from atlasia.qualification import services as qualification
    from atlasia.registry import services as registry
    from atlasia.registry.models import Algorithm, Attachment, Contact

    u = w["users"]
    referent, admin, national = u["referent"], u["admin"], u["national"]
    today = timezone.localdate()
    calls: dict[str, Callable[[], Any]] = {}

    def lazy(name: str, make: Callable[[], Callable[[], Any]]) -> None:
        calls[name] = make  # built when its test runs (its prerequisites may write audit rows)

    lazy(
        "accounts.membership_remove",
        lambda: (lambda m: lambda: accounts.membership_remove(actor=u["org_admin"], membership=m))(
            u["dpo"].memberships.get()
        ),
    )
    lazy(
        "registry.organisation_create",
        lambda: (
            lambda: registry.organisation_create(
                actor=admin,
                data={"name": "ARS Bretagne", "slug": "ars-bretagne", "type": "ars", "region": "53"},
            )
        ),
    )
    lazy(
        "registry.organisation_create_received",
        lambda: (
            lambda: registry.organisation_create_received(
                actor=None,
                data={
                    "name": "CHU distant",
                    "slug": "autre-instance--chu-distant",
                    "type": "hospital",
                    "region": "53",
                },
                source="Autre instance",
            )
        ),
    )
    lazy(
        "registry.organisation_update",
        lambda: (
            lambda: registry.organisation_update(
                actor=u["org_admin"], organisation=w["org_a"], data={"city": "Lille"}
            )
        ),
    )
    lazy(
        "registry.algorithm_create",
        lambda: lambda: registry.algorithm_create(actor=admin, data={"name": "Score de fragilité"}),
    )
    lazy(
        "registry.algorithm_update",
        lambda: (
            lambda a: (
                lambda: registry.algorithm_update(actor=admin, algorithm=a, data={"licence": "EUPL-1.2"})
            )
        )(Algorithm.objects.create(name="Modèle")),
    )
    lazy(
        "registry.usecase_create",
        lambda: (
            lambda: registry.usecase_create(
                actor=referent,
                organisation=w["org_a"],
                data={
                    "title": "Tri",
                    "summary": "Tri du courrier.",
                    "theme": _uc(w).theme,
                    "ai_technique": _uc(w).ai_technique,
                },
            )
        ),
    )
    lazy(
        "registry.usecase_update",
        lambda: (
            lambda: registry.usecase_update(actor=referent, use_case=_uc(w), data={"title": "Nouveau titre"})
        ),
    )
    lazy(
        "registry.usecase_delete",
        lambda: lambda: registry.usecase_delete(actor=u["org_admin"], use_case=_uc(w)),
    )
    lazy(
        "registry.attachment_add",
        lambda: (
            lambda: registry.attachment_add(
                actor=referent,
                use_case=_uc(w),
                uploaded=SimpleUploadedFile("note.txt", b"Compte rendu du comite.\n"),
            )
        ),
    )

    def attachment() -> Callable[[], Any]:
        a = registry.attachment_add(
            actor=referent, use_case=_uc(w), uploaded=SimpleUploadedFile("n.txt", b"Compte rendu.\n")
        )
        return lambda: registry.attachment_delete(actor=referent, attachment=Attachment.objects.get(pk=a.pk))

    lazy("registry.attachment_delete", attachment)
    lazy(
        "registry.contacts_save",
        lambda: (
            lambda c: (
                lambda: registry.contacts_save(
                    actor=referent,
                    use_case=_uc(w),
                    rows=[{"id": c.pk, "phone": "01 02 03 04 05", "role": c.role}],
                )
            )
        )(Contact.objects.create(use_case=_uc(w), role="DPO")),
    )
    lazy(
        "registry.sources_replace",
        lambda: (
            lambda: registry.sources_replace(
                actor=referent, use_case=_uc(w), sources=[{"url": "https://example.org/source"}]
            )
        ),
    )
    lazy(
        "lifecycle.usecase_transition",
        lambda: lambda: lifecycle.usecase_transition(actor=referent, use_case=_uc(w), transition="submit"),
    )
    lazy(
        "lifecycle.usecase_transition_to",
        lambda: lambda: lifecycle.usecase_transition_to(actor=referent, use_case=_uc(w), status="framing"),
    )
    lazy(
        "lifecycle.compliance_update",
        lambda: (
            lambda: lifecycle.compliance_update(
                actor=u["dpo"], use_case=_uc(w), data={"registration_reference": "EU-123"}
            )
        ),
    )
    lazy(
        "lifecycle.weight_profile_save",
        lambda: (
            lambda: lifecycle.weight_profile_save(
                actor=u["org_admin"],
                organisation=w["org_a"],
                name="Profil du CHU",
                criterion_weights=dict.fromkeys(_scores(), 1.0),
                group_weights={"value": 1.0, "feasibility": 1.0, "risk": 1.0},
            )
        ),
    )
    lazy(
        "lifecycle.priority_assessment_save",
        lambda: (
            lambda: lifecycle.priority_assessment_save(
                actor=referent, use_case=_uc(w), scores=_scores(), people_reached=1000
            )
        ),
    )
    lazy("lifecycle.experiment_create", lambda: lambda: _experiment(w))
    lazy(
        "lifecycle.experiment_update",
        lambda: (
            lambda e: (
                lambda: lifecycle.experiment_update(
                    actor=referent, experiment=e, data={"objective": "Réduire l'attente de 20 %."}
                )
            )
        )(_experiment(w)),
    )
    lazy(
        "lifecycle.kpi_add",
        lambda: (
            lambda e: (
                lambda: lifecycle.kpi_add(
                    actor=referent, experiment=e, data={"name": "Attente médiane", "unit": "min"}
                )
            )
        )(_experiment(w)),
    )
    lazy(
        "lifecycle.kpi_measurement_add",
        lambda: (
            lambda k: (
                lambda: lifecycle.kpi_measurement_add(
                    actor=referent, kpi=k, data={"date": today, "value": 42}
                )
            )
        )(
            lifecycle.kpi_add(
                actor=referent, experiment=_experiment(w), data={"name": "Attente", "unit": "min"}
            )
        ),
    )

    def charter() -> Callable[[], Any]:
        c = Charter.objects.prefetch_related("principles").first()
        p = c.principles.first()
        return lambda: lifecycle.charter_assessment_save(
            actor=referent,
            use_case=_uc(w),
            charter=c,
            rows=[{"principle": p, "level": "partial", "evidence": "Comité d'éthique saisi."}],
        )

    lazy("lifecycle.charter_assessment_save", charter)
    lazy(
        "qualification.qualification_draft_save",
        lambda: (
            lambda: qualification.qualification_draft_save(
                actor=u["dpo"], use_case=_uc(w), answers={"ai_technique": "machine_learning"}
            )
        ),
    )
    lazy(
        "qualification.qualification_complete",
        lambda: (
            lambda: qualification.qualification_complete(
                actor=u["dpo"], use_case=_uc(w), answers={"ai_technique": "fixed_rules"}
            )
        ),
    )
    lazy(
        "evaluation.evaluationrun_upload",
        lambda: (
            lambda: evaluation.evaluationrun_upload(actor=referent, use_case=_uc(w), predictions=_upload())
        ),
    )
    lazy(
        "evaluation.evaluationrun_launch",
        lambda: (
            lambda r: (
                lambda: evaluation.evaluationrun_launch(
                    actor=referent, run=EvaluationRun.objects.get(pk=r.pk), parameters=_parameters()
                )
            )
        )(evaluation.evaluationrun_upload(actor=referent, use_case=_uc(w), predictions=_upload())),
    )

    def record() -> Callable[[], Any]:
        path = tmp / "predictions.csv"
        path.write_text(PREDICTIONS)
        return lambda: evaluation.evaluationrun_record(
            actor=referent, use_case=_uc(w), path=str(path), reference_path=None, parameters=_parameters()
        )

    lazy("evaluation.evaluationrun_record", record)
    lazy(
        "exchange.token_create",
        lambda: (
            lambda: exchange.token_create(
                actor=u["org_admin"], organisation=w["org_a"], role="referent", label="Connecteur"
            )
        ),
    )
    lazy(
        "exchange.token_revoke",
        lambda: (lambda t: lambda: exchange.token_revoke(actor=u["org_admin"], token=t))(
            exchange.token_create(
                actor=u["org_admin"], organisation=w["org_a"], role="referent", label="Connecteur"
            )[0]
        ),
    )
    lazy("monitoring.incidents.incident_create", lambda: _in_service(w))
    lazy(
        "monitoring.incidents.incident_update",
        lambda: (
            lambda i: (
                lambda: monitoring_incidents.incident_update(
                    actor=referent, incident=i, data={"description": "Précisé après analyse."}
                )
            )
        )(_incident(w)),
    )
    lazy(
        "monitoring.incidents.incident_set_status",
        lambda: (
            lambda i: (
                lambda: monitoring_incidents.incident_set_status(
                    actor=referent, incident=i, status="investigating", corrective_actions="Seuil relevé."
                )
            )
        )(_incident(w)),
    )
    lazy(
        "monitoring.incidents.incident_record_report",
        lambda: (
            lambda i: (
                lambda: monitoring_incidents.incident_record_report(
                    actor=referent, incident=i, reported_on=today, reported_to="ansm", reference="R-1"
                )
            )
        )(_incident(w)),
    )

    def suspend() -> Callable[[], Any]:
        incident = _incident(w)
        return lambda: monitoring_incidents.incident_suspend_usecase(
            actor=referent, incident=incident, reason="Incident."
        )

    lazy("monitoring.incidents.incident_suspend_usecase", suspend)
    lazy("monitoring.externalities.externality_report", lambda: lambda: _externality(w))
    lazy(
        "monitoring.externalities.externality_triage",
        lambda: (
            lambda e: (
                lambda: monitoring_externalities.externality_triage(
                    actor=referent, externality=e, status="accepted"
                )
            )
        )(_externality(w)),
    )
    lazy(
        "monitoring.externalities.externality_note_add",
        lambda: (
            lambda e: (
                lambda: monitoring_externalities.externality_note_add(
                    actor=referent, externality=e, text="Éditeur relancé."
                )
            )
        )(_externality(w)),
    )
    lazy(
        "monitoring.footprint.footprint_declare",
        lambda: (
            lambda: monitoring_footprint.footprint_declare(
                actor=referent, use_case=_uc(w), data={"phase": "inference", "energy_kwh": 100.0}
            )
        ),
    )

    def codecarbon() -> Callable[[], Any]:
        data = (Path(settings.BASE_DIR) / "data" / "demo" / "codecarbon_emissions.csv").read_bytes()
        return lambda: monitoring_footprint.footprint_import_codecarbon(
            actor=referent, use_case=_uc(w), name="emissions.csv", size=len(data), handle=io.BytesIO(data)
        )

    lazy("monitoring.footprint.footprint_import_codecarbon", codecarbon)
    lazy(
        "monitoring.footprint.footprint_estimate_genai",
        lambda: (
            lambda: monitoring_footprint.footprint_estimate_genai(
                actor=referent,
                use_case=_uc(w),
                provider="mistralai",
                model="mistral-small-latest",
                output_tokens_per_request=500,
                requests=10_000,
            )
        ),
    )
    lazy(
        "monitoring.footprint.footprint_delete",
        lambda: (lambda f: lambda: monitoring_footprint.footprint_delete(actor=referent, footprint=f))(
            monitoring_footprint.footprint_declare(
                actor=referent, use_case=_uc(w), data={"phase": "training", "energy_kwh": 1.0}
            )
        ),
    )
    lazy("monitoring.people.training_module_create", lambda: lambda: _module(w))
    lazy(
        "monitoring.people.training_completion_record",
        lambda: (
            lambda m: (
                lambda: monitoring_people.training_completion_record(
                    actor=referent,
                    organisation=w["org_a"],
                    module=m,
                    completed_on=today,
                    person_name="Inès Laurent",
                )
            )
        )(_module(w)),
    )
    lazy(
        "monitoring.people.literacy_declare",
        lambda: (
            lambda: monitoring_people.literacy_declare(
                actor=u["org_admin"], organisation=w["org_a"], agents_using_ai=12
            )
        ),
    )
    lazy(
        "monitoring.people.network_event_create",
        lambda: (
            lambda: monitoring_people.network_event_create(
                actor=national,
                data={
                    "title": "Rencontre",
                    "date": today,
                    "format": "online",
                    "place": "",
                    "url": "https://example.org/rencontre",
                    "description": "",
                },
            )
        ),
    )
    lazy("monitoring.people.network_resource_add", lambda: lambda: _resource(w))
    lazy(
        "monitoring.people.network_resource_delete",
        lambda: (lambda r: lambda: monitoring_people.network_resource_delete(actor=national, resource=r))(
            _resource(w)
        ),
    )
    lazy(
        "accounts.invitation_create",
        lambda: (
            lambda: accounts.invitation_create(
                actor=u["org_admin"],
                organisation=w["org_a"],
                email="nouvelle@example.org",
                role="contributor",
                link_for=lambda token: f"https://atlas.example.org/invitation/{token}/",
            )
        ),
    )
    lazy(
        "accounts.invitation_revoke",
        lambda: (lambda i: lambda: accounts.invitation_revoke(actor=u["org_admin"], invitation=i))(
            accounts.invitation_create(
                actor=u["org_admin"],
                organisation=w["org_a"],
                email="autre@example.org",
                role="contributor",
                link_for=lambda token: f"https://atlas.example.org/invitation/{token}/",
            )
        ),
    )
    lazy(
        "lifecycle.usecase_mark_reviewed",
        lambda: lambda: lifecycle.usecase_mark_reviewed(actor=referent, use_case=_uc(w)),
    )

    from atlasia.campaigns import services as campaigns

    def campaign(kind: str = "census") -> Any:
        return campaigns.campaign_launch(
            actor=national,
            data={
                "title": f"Campagne {kind} 2026",
                "kind": kind,
                "instructions": "Répondez avant la date.",
                "opens_on": today,
                "closes_on": today + dt.timedelta(days=20),
                "target_types": ["hospital"],
                "target_regions": ["32"],
            },
        )

    def target(kind: str = "census") -> Any:
        return campaign(kind).targets.get(organisation=w["org_a"])

    def question() -> Any:
        return campaigns.question_add(
            actor=national, campaign=campaign("survey"), data={"kind": "number", "text": "Agents formés"}
        )

    lazy("campaigns.campaign_launch", lambda: lambda: campaign())
    lazy(
        "campaigns.campaign_extend",
        lambda: (
            lambda c: (
                lambda: campaigns.campaign_extend(
                    actor=national, campaign=c, closes_on=today + dt.timedelta(days=40)
                )
            )
        )(campaign()),
    )
    lazy(
        "campaigns.target_delegate",
        lambda: (
            lambda t: lambda: campaigns.target_delegate(actor=u["org_admin"], target=t, delegate=referent)
        )(target()),
    )
    lazy(
        "campaigns.question_add",
        lambda: (
            lambda c: (
                lambda: campaigns.question_add(
                    actor=national, campaign=c, data={"kind": "number", "text": "Agents formés"}
                )
            )
        )(campaign("survey")),
    )
    lazy(
        "campaigns.question_update",
        lambda: (
            lambda q: (
                lambda: campaigns.question_update(
                    actor=national, question=q, data={"kind": "number", "text": "Agents formés à l'IA"}
                )
            )
        )(question()),
    )
    lazy(
        "campaigns.census_confirm",
        lambda: (lambda t: lambda: campaigns.census_confirm(actor=referent, target=t, use_case=_uc(w)))(
            target()
        ),
    )
    lazy(
        "campaigns.census_submit",
        lambda: (lambda t: lambda: campaigns.census_submit(actor=referent, target=t))(target()),
    )

    def answer() -> Callable[[], Any]:
        q = question()
        t = q.campaign.targets.get(organisation=w["org_a"])
        return lambda: campaigns.survey_answer(actor=referent, target=t, values={(q.pk, None): "12"})

    lazy("campaigns.survey_answer", answer)
    lazy(
        "campaigns.campaign_remind",
        lambda: (lambda c: lambda: campaigns.campaign_remind(actor=national, campaign=c))(campaign()),
    )
    from atlasia.search import services as search

    lazy("search.reembedding_start", lambda: lambda: search.reembedding_start(actor=admin))

    from atlasia.accounts.models import User

    lazy(
        "accounts.password_change",
        lambda: (
            lambda: accounts.password_change(
                actor=User.objects.get(pk=referent.pk),
                old_password="pw-123456789",
                new_password="Une phrase de passe solide 2026",
            )
        ),
    )

    from atlasia.campaigns.models import AgendaItem

    def session() -> Any:
        return campaigns.committee_session_create(actor=national, data={"title": "Séance", "held_on": today})

    def item() -> Any:
        campaigns.committee_member_add(
            actor=national, user=referent, organisation=w["org_a"], expertise="Urgences"
        )
        return campaigns.agenda_add(
            actor=national, session=session(), use_case=w["records"]["b_public"], question="Avis ?"
        )

    lazy(
        "campaigns.committee_member_add",
        lambda: (
            lambda: campaigns.committee_member_add(
                actor=national, user=referent, organisation=w["org_a"], expertise="Urgences", is_chair=True
            )
        ),
    )
    lazy("campaigns.committee_session_create", lambda: session)
    lazy(
        "campaigns.agenda_add",
        lambda: (
            lambda s: (
                lambda: campaigns.agenda_add(
                    actor=national, session=s, use_case=w["records"]["b_public"], question="Avis ?"
                )
            )
        )(session()),
    )
    lazy(
        "campaigns.opinion_record",
        lambda: (
            lambda i: (
                lambda: campaigns.opinion_record(
                    actor=referent,
                    item=AgendaItem.objects.get(pk=i.pk),
                    verdict="favourable",
                    reasons="Bien évalué.",
                )
            )
        )(item()),
    )
    lazy(
        "publication.reportrun_request",
        lambda: lambda: publication.reportrun_request(actor=national, year=today.year),
    )
    return calls


class AuditDown(Exception):
    pass


def test_every_write_service_is_walked(world: dict[str, Any], tmp_path: Path) -> None:
    walked = set(_calls(world, tmp_path)) | set(OWNED_ELSEWHERE) | set(NOT_A_CHANGE)
    assert write_services() == walked, (
        f"à ajouter : {sorted(write_services() - walked)} ; disparus : {sorted(walked - write_services())}"
    )


@pytest.mark.parametrize("name", sorted(write_services() - set(OWNED_ELSEWHERE) - set(NOT_A_CHANGE)))
def test_a_write_and_its_audit_row_are_one_transaction(
    name: str, world: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ATLASIA_EVALUATION_UPLOAD_DIR = tmp_path / "uploads"
    act = _calls(world, tmp_path)[name]()
    before = database_state()

    def down(*args: Any, **kwargs: Any) -> Any:
        raise AuditDown("journal d'audit indisponible")

    with monkeypatch.context() as m:
        m.setattr(AuditEntry.objects, "create", down)
        m.setattr(AuditEntry.objects, "bulk_create", down)
        with pytest.raises(AuditDown):
            act()
    assert state_diff(before, database_state()) == [], f"{name} a écrit sans sa ligne d'audit"
    count = AuditEntry.objects.count()
    act()
    new = AuditEntry.objects.order_by("-id")[: AuditEntry.objects.count() - count]
    assert new, f"{name} n'a écrit aucune ligne d'audit"
