"""Demo data of the lifecycle: spread the use cases present in the database (the starter catalogue)
over the lifecycle consistently with their status.

For each use case, in id order and with a seeded random generator (same database, same day → same
data): the transition log from "idea" to its current status, the review date the core gives for
the last change, the compliance facts its status implies (DPIA decision before any experiment on
health data, FRIA and registration when the qualification asks for them), a prioritisation scorecard
once it is qualified, experiments with KPIs, monthly measurements, medico-economic figures, lessons
and decisions (generalise for deployed ones, stop for abandoned ones, none yet for some finished ones,
so that the "À faire" page has content), and a self-assessment against the ethics charter.

Written directly with the ORM, like the catalogue loader: it is bootstrap data, not user actions,
so it writes no audit rows. Running it again replaces what it wrote.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from atlasia.accounts.models import Membership, User
from atlasia.core import lifecycle as lc
from atlasia.core import prioritisation as prio
from atlasia.registry.models import Organisation, UseCase

from . import selectors
from .enums import AssessmentLevel, ProfileScope
from .models import (
    Charter,
    CharterAssessment,
    ComplianceRecord,
    Experiment,
    Kpi,
    KpiMeasurement,
    PriorityAssessment,
    StatusTransition,
    WeightProfile,
)

SEED = 2026
S = lc.Status

MAIN_PATH = [
    S.IDEA,
    S.FRAMING,
    S.QUALIFIED,
    S.PRIORITISED,
    S.EXPERIMENTATION,
    S.EVALUATED,
    S.DEPLOYED,
    S.GENERALISED,
]
FORWARD = {
    S.FRAMING: "submit",
    S.QUALIFIED: "qualify",
    S.PRIORITISED: "prioritise",
    S.EXPERIMENTATION: "start_experiment",
    S.EVALUATED: "evaluate",
    S.DEPLOYED: "deploy",
    S.GENERALISED: "generalise",
}

KPI_TEMPLATES = [
    ("Délai moyen de traitement d'un dossier", "jours", 21.0, 12.0),
    ("Temps d'agent par dossier", "minutes", 35.0, 20.0),
    ("Taux d'erreurs détectées en contrôle", "%", 6.0, 3.0),
    ("Satisfaction des agents utilisateurs", "/10", 6.2, 7.5),
    ("Part des réponses relues et validées par un agent", "%", 100.0, 100.0),
    ("Taux de non-recours estimé dans la population ciblée", "%", 30.0, 22.0),
]

STOP_REASONS = [
    "Les performances mesurées sur les données locales sont restées en deçà du seuil fixé au protocole ; "
    "les écarts entre groupes d'usagers n'ont pas pu être corrigés.",
    "Le coût d'intégration dans le système d'information dépasse le gain mesuré ; la solution est "
    "versée à la bibliothèque des cas d'usage avec ses enseignements.",
    "Les agents n'ont pas adopté l'outil : le temps de relecture annulait le temps gagné.",
]


# Lessons of the demo experiments: each experiment draws its own pair, so the report does not show the
# same text beside every record (written from the CNSA, DNS and Cnam field feedback the seeds quote).
WHAT_WORKED = [
    "Associer les agents de terrain dès le cadrage : ils ont écrit les cas de test.",
    "Relecture humaine systématique des cas limites pendant les trois premiers mois.",
    "Un référent IA présent sur chaque site pilote, joignable le jour même.",
    "Des tableaux de suivi hebdomadaires partagés avec les équipes utilisatrices.",
    "Un protocole d'évaluation écrit avant le démarrage, avec ses seuils d'arrêt.",
    "Une formation courte en situation de travail plutôt qu'en salle.",
    "La co-construction des écrans avec deux agents volontaires par site.",
    "Le choix d'un hébergement certifié HDS dès le départ, sans migration en cours de route.",
    "Un comité de suivi mensuel associant le DPO et les représentants des usagers.",
    "La publication des résultats intermédiaires aux équipes, y compris les erreurs.",
]
WHAT_DID_NOT = [
    "Qualité des données historiques inégale d'un site à l'autre.",
    "Formation trop courte pour les agents arrivés en cours d'expérimentation.",
    "Temps de relecture sous-estimé au démarrage : le gain n'est venu qu'au troisième mois.",
    "Interfaçage avec le logiciel métier plus long que prévu (quatre mois au lieu de deux).",
    "Indicateurs d'équité calculés trop tard, faute de variable de groupe dans les données.",
    "Alertes trop nombreuses la première semaine : seuil relevé après accord du comité.",
    "Dépendance à un seul prestataire pour les mises à jour du modèle.",
    "Adhésion faible sur le site où l'encadrement n'avait pas été associé.",
    "Documentation technique remise tardivement par le prestataire.",
    "Mesure du temps gagné déclarative, sans chronométrage indépendant.",
]


def _measured_summary(experiment: Experiment) -> str:
    """What the demo KPIs actually moved: « Délai moyen… : 21,0 → 13,4 jours (cible 12,0) ; … »."""
    parts = []
    for kpi in experiment.kpis.all().order_by("pk"):
        last = kpi.measurements.order_by("-date").first()
        if last is None:
            continue
        value = f"{kpi.baseline:.1f} → {last.value:.1f}".replace(".", ",")
        target = f"{kpi.target:.1f}".replace(".", ",")
        parts.append(f"{kpi.name} : {value} {kpi.unit} (cible {target})")
    return " ; ".join(parts) + "." if parts else ""


def _when(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10, 0)))


def _path_to(status: S, rng: random.Random) -> list[tuple[str, S, S]]:
    """(transition, from, to) moves from "idea" to ``status``, consistent with the core's table."""

    def forward_to(target: S) -> list[tuple[str, S, S]]:
        moves = []
        for i in range(1, MAIN_PATH.index(target) + 1):
            moves.append((FORWARD[MAIN_PATH[i]], MAIN_PATH[i - 1], MAIN_PATH[i]))
        return moves

    if status in MAIN_PATH:
        moves = forward_to(status)
        if status is S.GENERALISED and rng.random() < 0.5:
            # Generalised straight from "evaluated" (the table allows both).
            moves = [*forward_to(S.EVALUATED), ("generalise", S.EVALUATED, S.GENERALISED)]
        return moves
    if status is S.SUSPENDED:
        origin = rng.choice([S.EXPERIMENTATION, S.DEPLOYED])
        return [*forward_to(origin), ("suspend", origin, S.SUSPENDED)]
    if status is S.RETIRED:
        return [*forward_to(S.DEPLOYED), ("retire", S.DEPLOYED, S.RETIRED)]
    # Abandoned: mostly after an experiment that did not convince.
    origin = rng.choice([S.EVALUATED, S.EVALUATED, S.EXPERIMENTATION, S.PRIORITISED])
    return [*forward_to(origin), ("abandon", origin, S.ABANDONED)]


REASONS = {
    "suspend": "Suspension le temps d'analyser un incident signalé par les agents (résultats incohérents).",
    "retire": "Remplacé par la solution nationale mutualisée.",
    "abandon": "Abandon décidé en comité IA au vu de l'évaluation.",
}


def _scores(rng: random.Random, status: S, ai_act_category: str | None) -> dict[str, dict[str, Any]]:
    advanced = status in (S.DEPLOYED, S.GENERALISED, S.EVALUATED)
    base = {
        prio.Group.VALUE: rng.randint(2, 5),
        prio.Group.FEASIBILITY: rng.randint(2 if not advanced else 3, 5),
        prio.Group.RISK: rng.randint(1, 4),
    }
    scores = {}
    for criterion in prio.Criterion:
        group = prio.CRITERION_GROUP[criterion]
        value = min(5, max(1, base[group] + rng.choice([-1, 0, 0, 1])))
        scores[criterion.value] = {
            "score": value,
            "justification": f"{prio.CRITERION_LABELS_FR[criterion]} : note {value} "
            f"({prio.CRITERION_SCALES_FR[criterion]}), "
            "estimée en comité IA à partir du dossier de cadrage.",
        }
    suggested = prio.SUGGESTED_REGULATORY_SCORE.get(ai_act_category or "")
    if suggested is not None:
        # The regulatory risk follows the qualification, as the scoring form suggests.
        scores["regulatory_category"] = {
            "score": suggested,
            "justification": f"Catégorie AI Act issue de la qualification : {ai_act_category}.",
        }
    return scores


def _referent_of(organisation: Organisation) -> Any:
    membership = (
        Membership.objects.filter(organisation=organisation, role__in=["referent", "org_admin"])
        .select_related("user")
        .order_by("role", "pk")
        .first()
    )
    return membership.user if membership else None


@transaction.atomic
def load_lifecycle_demo(seed: int = SEED, today: date | None = None) -> dict[str, int]:
    """Spread every use case in the database over the lifecycle (see the module docstring)."""
    rng = random.Random(seed)
    today = today or timezone.localdate()
    use_cases = list(UseCase.objects.select_related("organisation").order_by("pk"))
    ids = [u.pk for u in use_cases]
    # The transition log is append-only (no delete through the ORM); the demo replaces the history
    # it invented itself on a reload, with a raw delete that only this loader uses.
    invented = StatusTransition.objects.filter(use_case_id__in=ids)
    invented._raw_delete(invented.db)
    ComplianceRecord.objects.filter(use_case_id__in=ids).delete()
    PriorityAssessment.objects.filter(use_case_id__in=ids).delete()
    Experiment.objects.filter(use_case_id__in=ids).delete()
    CharterAssessment.objects.filter(use_case_id__in=ids).delete()
    ethics = Charter.objects.filter(kind="ethics").prefetch_related("principles").first()
    counts = {
        "use_cases": 0,
        "transitions": 0,
        "assessments": 0,
        "experiments": 0,
        "kpis": 0,
        "measurements": 0,
    }
    for use_case in use_cases:
        status = S(use_case.status)
        actor = _referent_of(use_case.organisation)
        label = str(actor) if actor else "Reprise du catalogue"
        moves = _path_to(status, rng)
        # Moves spread backwards from a last change 20 to 260 days ago, 30 to 120 days apart.
        day = today - timedelta(days=rng.randint(20, 260))
        dates = []
        for _ in moves:
            dates.append(day)
            day -= timedelta(days=rng.randint(30, 120))
        dates.reverse()
        for (name, src, dst), when in zip(moves, dates, strict=True):
            StatusTransition.objects.create(
                use_case=use_case,
                from_status=src.value,
                to_status=dst.value,
                transition=name,
                actor=actor,
                actor_label=label,
                at=_when(when),
                reason=REASONS.get(name, ""),
            )
            counts["transitions"] += 1
        last_change = dates[-1] if dates else today - timedelta(days=rng.randint(20, 200))
        UseCase.objects.filter(pk=use_case.pk).update(
            next_review_date=lc.next_review_date(status, last_change)
        )
        reached = {dst for _, _, dst in moves} | {S.IDEA}
        started = S.EXPERIMENTATION in reached
        # Compliance: the DPO decided before any experiment; FRIA and registration as qualified.
        if started or status is S.PRIORITISED:
            qualification = selectors.qualification_of(use_case)
            health = use_case.personal_data and use_case.health_data
            # The DPO follows the questionnaire when it concludes that a DPIA is required (a contrary
            # decision would need written reasons, see compliance_update); otherwise she decides.
            if not started:
                decision = ""
            elif qualification.dpia == "required" or (health and rng.random() < 0.7):
                decision = "required"
            else:
                decision = "not_required"
            deployed = bool(reached & {S.DEPLOYED, S.GENERALISED})
            ComplianceRecord.objects.create(
                use_case=use_case,
                dpia_decision=decision,
                dpia_decided_by=actor if decision else None,
                dpia_decided_at=_when(dates[0] + timedelta(days=10)) if decision else None,
                # never in the future: a DPIA or FRIA is recorded once it has been carried out
                dpia_completed_at=min(today, dates[0] + timedelta(days=25))
                if decision == "required"
                else None,
                fria_completed_at=min(today, dates[-1] - timedelta(days=15))
                if deployed and qualification.fria_required
                else None,
                registration_reference=f"EU-AI-{2025 + rng.randint(0, 1)}-{rng.randint(1000, 9999)}"
                if deployed and qualification.registration_required
                else "",
            )
        # Scorecard once qualified (some use cases still being framed get a partial one).
        if S.QUALIFIED in reached or status is S.FRAMING:
            category = selectors.qualification_of(use_case).category
            scores = _scores(rng, status, category)
            if status is S.FRAMING:
                for key in ("cost", "maturity", "skills"):
                    scores.pop(key)
            PriorityAssessment.objects.create(
                use_case=use_case,
                scores=scores,
                people_reached=int(10 ** rng.uniform(2.5, 5.8)),
                assessed_by=actor,
                assessed_at=_when(dates[min(2, len(dates) - 1)] if dates else today),
            )
            counts["assessments"] += 1
        if started:
            counts_exp = _experiments(use_case, status, moves, dates, actor, rng, today)
            for key, value in counts_exp.items():
                counts[key] += value
            if ethics is not None:
                for principle in ethics.principles.all():
                    level = rng.choice(
                        [
                            AssessmentLevel.MET,
                            AssessmentLevel.MET,
                            AssessmentLevel.PARTIAL,
                            AssessmentLevel.NOT_MET,
                            AssessmentLevel.NOT_APPLICABLE,
                        ]
                    )
                    evidence = (
                        ""
                        if level in (AssessmentLevel.NOT_MET, AssessmentLevel.NOT_APPLICABLE)
                        else (
                            f"Revu en comité IA : {principle.statement[:1].lower()}{principle.statement[1:]}"
                        )
                    )
                    CharterAssessment.objects.create(
                        use_case=use_case,
                        principle=principle,
                        level=level,
                        evidence=evidence,
                        assessed_by=actor,
                    )
        counts["use_cases"] += 1
    _organisation_profile()
    return counts


def _experiments(
    use_case: UseCase,
    status: S,
    moves: list[tuple[str, S, S]],
    dates: list[date],
    actor: User,
    rng: random.Random,
    today: date,
) -> dict[str, int]:
    counts = {"experiments": 0, "kpis": 0, "measurements": 0}
    start_index = next(i for i, (name, _, _) in enumerate(moves) if name == "start_experiment")
    start = dates[start_index]
    evaluated = any(dst is S.EVALUATED for _, _, dst in moves)
    end = (
        dates[start_index + 1]
        if start_index + 1 < len(dates)
        else start + timedelta(days=rng.randint(120, 240))
    )
    deployed = any(dst in (S.DEPLOYED, S.GENERALISED) for _, _, dst in moves)
    if deployed:
        decision, rationale = (
            "generalise",
            (
                "Objectifs atteints sur les sites pilotes, sans dégradation mesurée pour les usagers ; "
                "généralisation aux autres sites avec le même protocole de supervision humaine."
            ),
        )
    elif status is S.ABANDONED:
        decision, rationale = "stop", rng.choice(STOP_REASONS)
    elif status is S.EVALUATED:
        decision, rationale = rng.choice(
            [
                (
                    "iterate",
                    "Gains réels mais inégaux selon les sites : une "
                    "seconde itération corrige le paramétrage.",
                ),
                ("", ""),
            ]
        )
    else:
        decision, rationale = "", ""
    hours = rng.choice([800, 1607, 2400, 3214, 4821, 8035])
    experiment = Experiment.objects.create(
        use_case=use_case,
        title=f"Expérimentation — {use_case.title[:150]}",
        objective=(
            "Vérifier en conditions réelles que le système tient ses promesses : "
            f"{use_case.expected_benefits or use_case.summary}"
        )[:2000],
        hypothesis="Le système réduit le délai de traitement d'au moins 30 % sans dégrader la qualité "
        "ni l'équité entre groupes d'usagers.",
        sites=use_case.sites or "Deux sites pilotes de l'organisation",
        population=use_case.target_population or "Usagers et agents des sites pilotes",
        start_date=start,
        end_date=end,
        comparison_method=rng.choice(
            [
                "Avant / après sur les mêmes sites, 6 mois de part et d'autre",
                "Sites pilotes comparés à des sites témoins appariés",
                "Double lecture : décision de l'agent seul puis avec l'outil",
            ]
        ),
        build_cost=rng.choice([40000, 85000, 120000, 250000, 480000]),
        run_cost_per_year=rng.choice([8000, 15000, 30000, 60000]),
        hours_saved_per_year=hours,
        cases_per_year=rng.choice([5000, 12000, 40000, 150000]),
        hour_value=rng.choice([32, 38, 45, 60]),
        horizon_years=rng.choice([3, 5]),
        results_summary=(
            "Délai de traitement réduit, erreurs en baisse ; "
            "aucun écart significatif entre groupes d'usagers."
            if evaluated and status is not S.ABANDONED
            else ("Gains inférieurs à la cible fixée au protocole." if evaluated else "")
        ),
        what_worked=" ".join(rng.sample(WHAT_WORKED, 2)) if evaluated else "",
        what_did_not=" ".join(rng.sample(WHAT_DID_NOT, 2)) if evaluated else "",
        replication_conditions="Données structurées sur au moins 2 ans, un référent IA par site, "
        "AIPD réalisée avant le démarrage."
        if evaluated
        else "",
        decision=decision,
        decision_rationale=rationale,
        decided_by=actor if decision else None,
        decided_at=_when(end + timedelta(days=14)) if decision else None,
        created_by=actor,
    )
    counts["experiments"] += 1
    for name, unit, baseline, target in rng.sample(KPI_TEMPLATES, 3):
        kpi = Kpi.objects.create(
            experiment=experiment, name=name, unit=unit, baseline=baseline, target=target
        )
        counts["kpis"] += 1
        success = 0.9 if decision != "stop" else 0.35
        month, last = start + timedelta(days=30), min(end, today)
        step = 0
        while month <= last and step < 8:
            step += 1
            progress = min(1.0, step / 6) * success * rng.uniform(0.8, 1.1)
            value = round(baseline + (target - baseline) * progress, 1)
            KpiMeasurement.objects.create(kpi=kpi, date=month, value=value)
            counts["measurements"] += 1
            month += timedelta(days=30)
    if experiment.results_summary:
        # The summary states what this experiment's own indicators measured, before the verdict.
        measured = _measured_summary(experiment)
        if measured:
            experiment.results_summary = f"{measured} {experiment.results_summary}"
            experiment.save(update_fields=["results_summary"])
    return counts


def _organisation_profile() -> None:
    """The Cnaf network weighs equity and non-take-up more than the national profile does."""
    organisation = Organisation.objects.filter(type="cnaf", parent__isnull=True).order_by("pk").first()
    if organisation is None:
        return
    criteria = {c.value: 1.0 for c in prio.Criterion}
    criteria.update({"equity_non_take_up": 3.0, "people_reached": 2.0, "data_sensitivity": 1.5})
    WeightProfile.objects.update_or_create(
        organisation=organisation,
        defaults={
            "scope": ProfileScope.ORGANISATION,
            "name": f"Profil de {organisation.name}",
            "criterion_weights": criteria,
            "group_weights": {"value": 0.6, "feasibility": 0.25, "risk": 0.15},
        },
    )
