"""Seed the default charters (usage, purchasing, ethics) with their principles, and the national
weight profile from the core's default (atlasia.core.prioritisation.NATIONAL_DEFAULT_PROFILE).

The texts are frozen here on purpose: a data migration must not change when the code changes later.
"""

from django.db import migrations

PRINCIPLES = [
    "human_primacy", "transparency", "non_discrimination", "energy_sobriety", "security", "privacy_by_default",
]

CHARTERS = [
    (
        "ethics",
        "Charte éthique de l'IA en santé et protection sociale",
        "Les principes éthiques que tout système d'IA doit respecter, inspirés de la charte éthique "
        "européenne des organismes de sécurité sociale et de la stratégie nationale « IA et données de santé ».",
        {
            "human_primacy": "Une personne garde la décision finale ; l'IA aide, elle ne décide pas seule d'un droit ou d'un soin.",
            "transparency": "Les usagers et les agents savent qu'une IA intervient, à quoi elle sert et comment contester un résultat.",
            "non_discrimination": "Les performances sont mesurées par groupe (âge, sexe, territoire, handicap) et les écarts sont corrigés.",
            "energy_sobriety": "Le modèle le plus sobre qui répond au besoin est choisi ; la consommation est mesurée ou estimée.",
            "security": "Le système est protégé contre les attaques, les fuites et les détournements ; les incidents sont suivis.",
            "privacy_by_default": "Seules les données nécessaires sont traitées, minimisées et pseudonymisées dès la conception.",
        },
    ),
    (
        "usage",
        "Charte d'usage de l'IA par les agents",
        "Les règles d'usage des outils d'IA (dont l'IA générative) par les agents dans leur travail quotidien.",
        {
            "human_primacy": "L'agent relit, corrige et assume tout contenu produit avec l'IA avant de l'utiliser.",
            "transparency": "L'usage de l'IA est signalé dans les documents et réponses adressés aux usagers.",
            "non_discrimination": "L'agent est formé à repérer les biais et signale les résultats inéquitables.",
            "energy_sobriety": "L'IA n'est utilisée que lorsqu'elle apporte un gain réel ; les usages superflus sont évités.",
            "security": "Seuls les outils autorisés par l'organisation sont utilisés ; aucun secret n'y est saisi.",
            "privacy_by_default": "Aucune donnée personnelle ou de santé n'est saisie dans un outil non homologué.",
        },
    ),
    (
        "purchasing",
        "Charte d'achat responsable de solutions d'IA",
        "Les exigences à inscrire dans les marchés publics de solutions d'IA.",
        {
            "human_primacy": "Le marché exige que la solution permette la supervision et la reprise en main humaines.",
            "transparency": "Le titulaire fournit la documentation technique, la fiche modèle et les limites connues.",
            "non_discrimination": "Le titulaire fournit les mesures d'équité par groupe et s'engage à corriger les biais.",
            "energy_sobriety": "L'empreinte énergétique et carbone est un critère de choix, mesurée pendant l'exécution.",
            "security": "La solution respecte les référentiels de sécurité (RGS, HDS le cas échéant) et est auditée.",
            "privacy_by_default": "Les données restent hébergées dans l'UE et ne servent pas à entraîner d'autres modèles.",
        },
    ),
]

NATIONAL_CRITERIA = {
    "time_saved": 1.0, "service_quality": 1.0, "people_reached": 1.0, "equity_non_take_up": 2.0,
    "data_availability": 1.0, "skills": 1.0, "cost": 1.0, "maturity": 1.0,
    "regulatory_category": 1.0, "data_sensitivity": 1.0,
}
NATIONAL_GROUPS = {"value": 0.5, "feasibility": 0.3, "risk": 0.2}


def seed(apps, schema_editor):
    Charter = apps.get_model("lifecycle", "Charter")
    CharterPrinciple = apps.get_model("lifecycle", "CharterPrinciple")
    WeightProfile = apps.get_model("lifecycle", "WeightProfile")
    for position, (kind, name, description, statements) in enumerate(CHARTERS):
        charter, _ = Charter.objects.get_or_create(
            kind=kind, name=name, defaults={"description": description, "position": position}
        )
        for p_position, code in enumerate(PRINCIPLES):
            CharterPrinciple.objects.get_or_create(
                charter=charter, code=code, defaults={"statement": statements[code], "position": p_position}
            )
    if not WeightProfile.objects.filter(scope="national").exists():
        WeightProfile.objects.create(
            scope="national",
            name="Profil national par défaut",
            criterion_weights=NATIONAL_CRITERIA,
            group_weights=NATIONAL_GROUPS,
        )


def unseed(apps, schema_editor):
    apps.get_model("lifecycle", "Charter").objects.filter(name__in=[c[1] for c in CHARTERS]).delete()


class Migration(migrations.Migration):
    dependencies = [("lifecycle", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
