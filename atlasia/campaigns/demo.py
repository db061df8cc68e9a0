"""Demo data of campaigns: the closed 2026 census of use cases (70 % of the targeted organisations
answered), and the open annual survey on the negative externalities of AI systems.

Deterministic and idempotent (a second call changes nothing). Writes go through the services, with the
demo accounts as actors (the referent of an organisation when the demo has one, else the platform
administrator acting for it), so that the audit log tells the story; only the dates of the answers are
then spread over the campaign's period, as they would have been."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from atlasia.accounts.models import Membership, User
from atlasia.registry.models import Organisation, UseCase
from atlasia.registry.reference import region_names

from . import selectors, services
from .models import Campaign, CampaignTarget, CensusEntry

CENSUS_TITLE = "Recensement annuel 2026 des usages de l'IA"
SURVEY_TITLE = "Enquête annuelle 2026 sur les externalités négatives des systèmes d'IA"
CENSUS_TYPES = [
    "hospital",
    "essms",
    "mdph",
    "department",
    "ars",
    "cnaf",
    "cnam",
    "cnav",
    "cnsa",
    "msa",
    "urssaf",
]
SURVEY_TYPES = [*CENSUS_TYPES, "national_agency"]

CENSUS_INSTRUCTIONS = (
    "Comme chaque année, la cartographie nationale des usages de l'intelligence artificielle dans les "
    "secteurs sanitaire, social et médico-social s'appuie sur vos fiches.\n"
    "Pour chaque cas d'usage de votre organisation : confirmez la fiche si elle est exacte, mettez-la à "
    "jour sinon (étape, hébergement, données utilisées, contrôle humain), et déclarez les projets qui "
    "manquent, y compris ceux abandonnés en cours d'année. Une fiche non confirmée à la clôture sera "
    "signalée comme « à vérifier » dans la cartographie."
)
SURVEY_INSTRUCTIONS = (
    "Le comité d'experts de terrain recense chaque année les effets indésirables des systèmes d'IA en "
    "service : surcharge de travail, erreurs contestées, effets discriminatoires, perte de savoir-faire, "
    "consommation de ressources. Les réponses sont publiées de façon agrégée, sans nom d'organisation, "
    "et seulement lorsque cinq organisations au moins ont répondu à une question.\n"
    "Répondez pour l'ensemble de votre organisation ; la question par cas d'usage porte sur les "
    "systèmes en service ou en expérimentation."
)

QUESTIONS: list[dict[str, Any]] = [
    {
        "kind": "choice",
        "text": "Au cours des douze derniers mois, avez-vous constaté au moins une externalité négative liée "
        "à un système d'IA en service ?",
        "choices": ["Oui, à plusieurs reprises", "Oui, une fois", "Non", "Nous ne savons pas la mesurer"],
        "required": True,
    },
    {
        "kind": "choice",
        "text": "Quelle est la nature principale de l'effet indésirable constaté ?",
        "choices": [
            "Charge de travail supplémentaire pour les agents",
            "Erreurs ou décisions contestées par les usagers",
            "Effet discriminatoire suspecté",
            "Perte de savoir-faire des équipes",
            "Consommation énergétique ou matérielle accrue",
            "Aucun effet constaté",
        ],
    },
    {
        "kind": "scale",
        "text": "Les agents peuvent-ils facilement corriger ou écarter la proposition de l'outil ?",
        "help_text": "Une réponse par cas d'usage de l'organisation.",
        "per_use_case": True,
    },
    {
        "kind": "number",
        "text": "Combien de réclamations d'usagers mettant en cause un outil d'IA avez-vous reçues en 2026 ?",
    },
    {
        "kind": "text",
        "text": "Décrivez une mesure prise pour réduire un effet indésirable (facultatif).",
    },
]

# One answer set per responding organisation: (externality seen, nature, complaints, measure).
SURVEY_ANSWERS: list[tuple[str, str, int, str]] = [
    (
        "Oui, une fois",
        "Charge de travail supplémentaire pour les agents",
        3,
        "Les alertes de l'outil de repérage ont été ramenées de quarante à douze par jour après un mois "
        "de réglage avec les infirmières de nuit.",
    ),
    (
        "Oui, à plusieurs reprises",
        "Erreurs ou décisions contestées par les usagers",
        14,
        "Chaque refus proposé par l'outil est relu par un second instructeur avant notification ; le "
        "motif est rédigé par l'agent, jamais généré.",
    ),
    (
        "Non",
        "Aucun effet constaté",
        0,
        "",
    ),
    (
        "Nous ne savons pas la mesurer",
        "Perte de savoir-faire des équipes",
        1,
        "Une demi-journée par trimestre, les nouveaux agents instruisent des dossiers sans l'aide de "
        "l'outil pour garder la main sur la grille d'évaluation.",
    ),
    (
        "Oui, une fois",
        "Effet discriminatoire suspecté",
        2,
        "Le taux de dossiers signalés par département a été comparé à la moyenne ; l'écart venait d'une "
        "variable d'adresse, retirée du modèle.",
    ),
    (
        "Oui, à plusieurs reprises",
        "Consommation énergétique ou matérielle accrue",
        0,
        "La transcription des consultations tourne désormais sur un modèle plus petit, hébergé sur nos "
        "serveurs, avec une consommation mesurée chaque mois.",
    ),
    (
        "Non",
        "Aucun effet constaté",
        1,
        "Un registre des réclamations mentionnant l'outil est tenu par le service des relations avec "
        "les usagers et relu en comité de pilotage.",
    ),
    (
        "Oui, une fois",
        "Charge de travail supplémentaire pour les agents",
        5,
        "Le secrétariat médical a obtenu un bouton « proposition inutilisable » qui renvoie le courrier "
        "à la saisie manuelle sans double travail.",
    ),
    (
        "Oui, une fois",
        "Erreurs ou décisions contestées par les usagers",
        7,
        "Les usagers sont informés, dans le courrier, qu'un outil a aidé à préparer la décision et qu'ils "
        "peuvent demander un réexamen par un agent.",
    ),
]


def _actor_for(organisation: Organisation, admin: User) -> User:
    membership = (
        Membership.objects.filter(organisation=organisation, role__in=["referent", "org_admin"])
        .select_related("user")
        .order_by("role", "user__username")
        .first()
    )
    return membership.user if membership else admin


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 15)))


def _french_organisations(types: list[str]) -> list[Organisation]:
    return list(Organisation.objects.filter(type__in=types, country="FR").exclude(region="").order_by("name"))


def _load_census(national: User, admin: User, day: date) -> Campaign:
    opens_on, closes_on = day - timedelta(days=75), day - timedelta(days=15)
    campaign = services.campaign_launch(
        actor=national,
        today=opens_on,
        data={
            "title": CENSUS_TITLE,
            "kind": "census",
            "instructions": CENSUS_INSTRUCTIONS,
            "opens_on": opens_on,
            "closes_on": closes_on,
            "target_types": CENSUS_TYPES,
            "target_regions": sorted(region_names()),
            "reminder_days": 10,
        },
    )
    targets = list(campaign.targets.select_related("organisation").order_by("organisation__name"))
    # The starter catalogue was just loaded; in the story its records existed before the census opened.
    UseCase.objects.filter(
        organisation__in=[t.organisation for t in targets], created_at__gt=_at(opens_on, 0)
    ).update(created_at=_at(opens_on - timedelta(days=60), 9))
    # 70 % answer: the organisations with a demo referent first, then by name; the MDPH of the demo stays
    # among those that did not answer, so that its contributor sees a closed census without an answer.
    with_accounts = {m.organisation_id for m in Membership.objects.filter(role__in=["referent", "org_admin"])}
    ordered = sorted(
        targets,
        key=lambda t: (
            t.organisation.type == "mdph",
            t.organisation_id not in with_accounts,
            t.organisation.name,
        ),
    )
    answering = ordered[: round(0.7 * len(targets))]
    for index, target in enumerate(answering):
        actor = _actor_for(target.organisation, admin)
        answer_day = opens_on + timedelta(days=3 + (index * 53) // max(len(answering), 1))
        for use_case in selectors.organisation_use_cases(target.organisation):
            services.census_confirm(actor=actor, target=target, use_case=use_case, today=answer_day)
        services.census_submit(actor=actor, target=target, today=answer_day)
        CensusEntry.objects.filter(campaign=campaign, use_case__organisation=target.organisation).update(
            at=_at(answer_day, 9 + index % 8)
        )
        CampaignTarget.objects.filter(pk=target.pk).update(responded_at=_at(answer_day, 10 + index % 8))
    return campaign


def _load_survey(national: User, admin: User, day: date) -> Campaign:
    opens_on, closes_on = day - timedelta(days=10), day + timedelta(days=20)
    campaign = services.campaign_launch(
        actor=national,
        today=opens_on,
        data={
            "title": SURVEY_TITLE,
            "kind": "survey",
            "instructions": SURVEY_INSTRUCTIONS,
            "opens_on": opens_on,
            "closes_on": closes_on,
            "target_types": SURVEY_TYPES,
            "target_regions": sorted(region_names()),
            "anonymity_threshold": 5,
        },
    )
    for question in QUESTIONS:
        services.question_add(actor=national, campaign=campaign, data=question)
    questions = selectors.current_questions(campaign)
    targets = list(campaign.targets.select_related("organisation").order_by("organisation__name"))
    answering = [t for t in targets if t.organisation.type != "mdph"][: len(SURVEY_ANSWERS)]
    for index, (target, (seen, nature, complaints, measure)) in enumerate(
        zip(answering, SURVEY_ANSWERS, strict=False)
    ):
        values: dict[tuple[int, int | None], Any] = {
            (questions[0].pk, None): seen,
            (questions[1].pk, None): nature,
            (questions[3].pk, None): str(complaints),
            (questions[4].pk, None): measure,
        }
        for n, use_case in enumerate(selectors.organisation_use_cases(target.organisation)):
            values[(questions[2].pk, use_case.pk)] = str(5 - (index + n) % 4)
        services.survey_answer(
            actor=_actor_for(target.organisation, admin), target=target, values=values, today=opens_on
        )
        CampaignTarget.objects.filter(pk=target.pk).update(
            responded_at=_at(opens_on + timedelta(days=1 + index % 9), 9 + index % 8)
        )
    return campaign


MEMBERS = [
    ("referent-hopital", "Urgences et régulation médicale", True),
    ("referent-caf", "Prestations sociales et lutte contre le non-recours", False),
    ("agent-mdph", "Compensation du handicap et instruction des demandes", False),
]

# (catalogue slug, question put to the committee, verdict, reasons, promising) per past session item.
PAST_AGENDA = [
    (
        "mdph-seine-maritime-completude-dossiers",
        "Le contrôle de complétude peut-il être proposé aux autres MDPH ?",
        "favourable",
        "Le délai de première réponse aux usagers a baissé sans hausse des refus ; chaque dossier signalé "
        "incomplet est vérifié par un agent avant tout courrier. Les règles sont documentées et "
        "réutilisables par une MDPH équipée du même logiciel de gestion.",
        True,
    ),
    (
        "ch-valenciennes-calai-prevision-urgences",
        "La prévision des admissions justifie-t-elle un déploiement régional ?",
        "reservations",
        "Les prévisions aident à ajuster les lits d'aval, mais l'évaluation ne couvre qu'un hiver. Le comité "
        "demande une seconde saison de mesure et l'avis des équipes de nuit avant toute extension.",
        False,
    ),
    (
        "cnam-ciblage-prescripteurs-arrets-travail",
        "Le ciblage des prescripteurs peut-il servir de modèle à d'autres contrôles ?",
        "unfavourable",
        "Les critères de ciblage ne sont pas publiés et les médecins concernés ne peuvent pas en contester "
        "les motifs. Le comité recommande une information préalable et un audit des effets par territoire "
        "avant toute réutilisation.",
        False,
    ),
]
PAST_SUMMARY = (
    "Trois cas d'usage examinés ; un cas labellisé « prometteur à diffuser », une extension "
    "suspendue à une seconde évaluation, un avis défavorable faute de transparence des critères."
)
NEXT_AGENDA = [
    (
        "chu-amiens-aqua-analyse-voix",
        "Quelles conditions poser avant une expérimentation dans un autre SAMU ?",
    ),
    ("caf-gironde-datamining-non-recours", "Le repérage du non-recours peut-il être étendu aux autres CAF ?"),
]


def _load_committee(national: User, day: date) -> None:
    from .models import CommitteeMember

    for username, expertise, is_chair in MEMBERS:
        user = User.objects.filter(username=username).first()
        membership = Membership.objects.filter(user=user).select_related("organisation").first()
        if user is None or membership is None or CommitteeMember.objects.filter(user=user).exists():
            continue
        services.committee_member_add(
            actor=national,
            user=user,
            organisation=membership.organisation,
            expertise=expertise,
            is_chair=is_chair,
            joined_on=day - timedelta(days=200),
        )
    chair = CommitteeMember.objects.filter(is_chair=True).select_related("user").first()
    past = services.committee_session_create(
        actor=national,
        data={
            "title": "Séance d'automne du comité d'experts de terrain",
            "held_on": day - timedelta(days=40),
            "summary": PAST_SUMMARY,
        },
    )
    for slug, question, verdict, reasons, promising in PAST_AGENDA:
        use_case = UseCase.objects.filter(catalogue_slug=slug).first()
        if use_case is None:
            continue
        item = services.agenda_add(actor=national, session=past, use_case=use_case, question=question)
        services.opinion_record(
            actor=chair.user if chair else national,
            item=item,
            verdict=verdict,
            reasons=reasons,
            promising=promising,
        )
    upcoming = services.committee_session_create(
        actor=national,
        data={"title": "Séance d'hiver du comité d'experts de terrain", "held_on": day + timedelta(days=21)},
    )
    for slug, question in NEXT_AGENDA:
        use_case = UseCase.objects.filter(catalogue_slug=slug).first()
        if use_case is not None:
            services.agenda_add(actor=national, session=upcoming, use_case=use_case, question=question)


@transaction.atomic
def load_campaigns_demo(today: date | None = None) -> dict[str, Any]:
    """Load the demo campaigns (nothing happens when they are already loaded)."""
    if Campaign.objects.filter(title=CENSUS_TITLE).exists():
        return {"already_loaded": True}
    national = User.objects.filter(username="national").first()
    admin = User.objects.filter(username="admin").first()
    if national is None or admin is None:
        return {"skipped": "comptes de démonstration absents"}
    day = today or timezone.localdate()
    census = _load_census(national, admin, day)
    survey = _load_survey(national, admin, day)
    _load_committee(national, day)
    return {"census": census.pk, "survey": survey.pk}
