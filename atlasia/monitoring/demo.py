"""Demo data of monitoring: incidents (one serious, with a live Art. 73 deadline), externalities (three
declared by agents, one reported by the public),
footprints (one imported from ``data/demo/codecarbon_emissions.csv``, one EcoLogits estimate, one
declared), training modules and completions, network events and resources.

Deterministic (fixed content; dates relative to the day of loading so that the countdown means
something) and idempotent (a second call changes nothing). Writes go through the services, with the
demo accounts of ``atlasia.demo.accounts`` as actors, so that the audit log tells the story too."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from atlasia.accounts.models import Membership, User
from atlasia.monitoring.externalities import services as externalities_services
from atlasia.monitoring.footprint import services as footprint_services
from atlasia.monitoring.incidents import services as incidents_services
from atlasia.monitoring.people import services as people_services
from atlasia.registry.models import Organisation, UseCase

from .models import Incident

MARKER = "Orientation erronée de dossiers prioritaires"
IN_SERVICE = ("deployed", "generalised", "evaluated", "experimentation")


def _user(username: str) -> User | None:
    return User.objects.filter(username=username).first()


def _org_of(user: User | None, role: str) -> Organisation | None:
    if user is None:
        return None
    membership = Membership.objects.filter(user=user, role=role).select_related("organisation").first()
    return membership.organisation if membership else None


def _in_service(organisation: Organisation, skip: tuple[int, ...] = ()) -> UseCase | None:
    qs = UseCase.objects.filter(organisation=organisation).exclude(pk__in=skip).order_by("title", "pk")
    use_case = qs.filter(status__in=IN_SERVICE).first()
    if use_case is None and (use_case := qs.first()) is not None:
        # The demo needs a system in service: the starter catalogue only has public information. The
        # record's last save moves too (the record page's cached parts are keyed by it).
        UseCase.objects.filter(pk=use_case.pk).update(status="deployed", updated_at=timezone.now())
        use_case.refresh_from_db()
    return use_case


@transaction.atomic
def load_monitoring_demo(today: date | None = None) -> dict[str, Any]:
    """Load the demo (nothing happens when it is already loaded). Returns what was created."""
    if Incident.objects.filter(title=MARKER).exists():
        return {"already_loaded": True}
    day = today or timezone.localdate()
    referent_caf, agent_caf, dpo_caf = _user("referent-caf"), _user("agent-caf"), _user("dpo-caf")
    referent_hop, national = _user("referent-hopital"), _user("national")
    caf, hospital = _org_of(referent_caf, "referent"), _org_of(referent_hop, "referent")
    created: dict[str, Any] = {"incidents": 0, "externalities": 0, "footprints": 0, "completions": 0}
    if caf is None or hospital is None or national is None:
        return {"skipped": "comptes de démonstration absents"}
    uc_caf = _in_service(caf)
    uc_hop = _in_service(hospital)
    if uc_caf is None or uc_hop is None:
        return {"skipped": "aucun cas d'usage de démonstration"}

    # --- incidents ---
    serious = incidents_services.incident_create(
        actor=agent_caf or referent_caf,
        use_case=uc_caf,
        data={
            "title": MARKER,
            "occurred_on": day - timedelta(days=4),
            "aware_on": day - timedelta(days=3),
            "description": "Après une mise à jour du modèle, des dossiers de familles en situation de "
            "précarité ont été classés non prioritaires ; des versements ont été retardés.",
            "people_affected": 37,
            "severity": "serious",
            "serious_kind": "general",
        },
    )
    incidents_services.incident_set_status(actor=referent_caf, incident=serious, status="investigating")
    minor = incidents_services.incident_create(
        actor=referent_hop,
        use_case=uc_hop,
        data={
            "title": "Indisponibilité de l'outil pendant deux heures",
            "occurred_on": day - timedelta(days=40),
            "description": "Panne de l'hébergeur ; retour à la procédure manuelle "
            "sans conséquence pour les patients.",
            "people_affected": 0,
            "severity": "minor",
        },
    )
    for status in ("investigating", "corrective_actions"):
        incidents_services.incident_set_status(actor=referent_hop, incident=minor, status=status)
    incidents_services.incident_set_status(
        actor=referent_hop,
        incident=minor,
        status="closed",
        corrective_actions="Procédure de repli rappelée aux équipes ; supervision de la disponibilité.",
    )
    created["incidents"] = 2

    # --- externalities ---
    for actor, use_case, category, text in (
        (
            agent_caf or referent_caf,
            uc_caf,
            "extra_work",
            "Les alertes doivent être revérifiées une à une : "
            "environ vingt minutes de plus par jour et par agent.",
        ),
        (
            dpo_caf or referent_caf,
            uc_caf,
            "bias",
            "Les dossiers déposés sur papier semblent moins bien classés que les dossiers en ligne.",
        ),
        (
            referent_hop,
            uc_hop,
            "over_reliance",
            "Les internes suivent la proposition de l'outil sans relire le dossier lors des pics d'activité.",
        ),
    ):
        externalities_services.externality_report(
            actor=actor, use_case=use_case, data={"category": category, "description": text}
        )
        created["externalities"] += 1
    # …and one from the public register's « Signaler un problème » form (same model, source « public »).
    externalities_services.externality_receive_public(
        use_case=uc_caf,
        category="error",
        description="Mon dossier a été sélectionné pour un contrôle alors que ma situation n'a pas changé "
        "depuis l'an dernier ; le courrier ne dit pas quelles informations ont conduit à ce choix.",
    )
    created["externalities"] += 1

    # --- footprints ---
    csv_path = Path(settings.ATLASIA_DATA_DIR) / "demo" / "codecarbon_emissions.csv"
    with csv_path.open("rb") as handle:
        footprint_services.footprint_import_codecarbon(
            actor=referent_hop,
            use_case=uc_hop,
            name="emissions.csv",
            size=csv_path.stat().st_size,
            handle=handle,
            phase="training",
        )
    footprint_services.footprint_estimate_genai(
        actor=referent_caf,
        use_case=uc_caf,
        provider="mistralai",
        model="mistral-small-latest",
        output_tokens_per_request=400,
        requests=20_000,
        zone="FRA",
        period_start=day - timedelta(days=30),
        period_end=day,
    )
    footprint_services.footprint_declare(
        actor=referent_caf,
        use_case=uc_caf,
        data={
            "phase": "training",
            "energy_kwh": 120.0,
            "method_note": "Relevé du compteur du serveur d'entraînement, déclaré par le prestataire.",
        },
    )
    created["footprints"] = 3

    # --- AI literacy ---
    modules = [
        people_services.training_module_create(actor=national, data=data)
        for data in (
            {
                "title": "Comprendre l'intelligence artificielle",
                "provider": "Campus du numérique public",
                "kind": "external",
                "duration_hours": 3,
                "level": "discovery",
                "url": "https://www.campus-numerique-public.fr/",
            },
            {
                "title": "IA et protection des données",
                "provider": "CNIL",
                "kind": "external",
                "duration_hours": 2,
                "level": "intermediate",
                "url": "https://www.cnil.fr/fr/intelligence-artificielle",
            },
            {
                "title": "Utiliser l'outil de tri en sécurité",
                "provider": "Équipe IA interne",
                "kind": "internal",
                "duration_hours": 1.5,
                "level": "discovery",
                "url": "",
            },
        )
    ]
    people_services.literacy_declare(actor=referent_caf, organisation=caf, agents_using_ai=40)
    people_services.literacy_declare(actor=referent_hop, organisation=hospital, agents_using_ai=12)
    for i, name in enumerate(["Inès Martin", "Paul Bernard", "Léa Petit", "Hugo Durand", "Emma Leroy"]):
        people_services.training_completion_record(
            actor=referent_caf,
            organisation=caf,
            module=modules[i % 2],
            completed_on=date(2025, 1, 10 + i),
            person_name=name,
        )
        created["completions"] += 1
    for i, name in enumerate(
        [
            "Sarah Moreau",
            "Louis Simon",
            "Chloé Laurent",
            "Nathan Michel",
            "Julie Garcia",
            "Tom Roux",
            "Manon Fournier",
            "Lucas Girard",
            "Camille Bonnet",
            "Jade Dupuis",
        ]
    ):
        people_services.training_completion_record(
            actor=referent_hop,
            organisation=hospital,
            module=modules[i % 3],
            completed_on=date(2025, 2, 3 + i),
            person_name=name,
        )
        created["completions"] += 1

    # --- network ---
    people_services.network_event_create(
        actor=national,
        data={
            "title": "Rencontre nationale des ambassadeurs IA",
            "date": date(2025, 6, 12),
            "format": "hybrid",
            "place": "CNSA, Paris",
            "url": "",
            "description": "Retours d'expérience sur les outils déployés, "
            "ateliers sur les chartes d'usage et d'achat.",
        },
    )
    people_services.network_event_create(
        actor=national,
        data={
            "title": "Webinaire : signaler un incident grave (AI Act art. 73)",
            "date": date(2025, 5, 20),
            "format": "online",
            "place": "",
            "url": "",
            "description": "Qui signale, à qui, dans quels délais.",
        },
    )
    people_services.network_resource_add(
        actor=national,
        title="Règlement (UE) 2024/1689 sur l'intelligence artificielle",
        url="https://eur-lex.europa.eu/eli/reg/2024/1689/oj",
        description="Texte officiel de l'AI Act.",
    )
    people_services.network_resource_add(
        actor=national,
        title="Recommandations de la CNIL sur l'IA",
        url="https://www.cnil.fr/fr/intelligence-artificielle",
    )
    return created
