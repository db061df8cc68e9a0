"""Demo of the compliance file: two high-risk systems built in house (provider and deployer, Annex III
point 5(a)) from the starter catalogue.

* « Repérage des droits non réclamés par datamining » (CAF de la Gironde): a complete file — every
  obligation done, backed by a document, and signed off by the role it names.
* « Score de risque d'indu pour cibler les contrôles (DMDE) » (Cnaf): a file with gaps — a few
  obligations done, some in progress with an owner, most still to do, one overdue (AI literacy, due
  since 2 February 2025).

Writes go through the services (with the people who hold the roles), so the audit trail is the one a
user would leave. Idempotent: a second run leaves what the first one did.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from atlasia.accounts.models import Membership, User
from atlasia.lifecycle import services as lifecycle_services
from atlasia.lifecycle.selectors import deployer_facts
from atlasia.qualification import documents as qualification_documents
from atlasia.qualification import selectors as qualification_selectors
from atlasia.registry.models import UseCase

from . import documents, selectors, services
from .enums import EvidenceKind, ObligationStatus
from .models import ObligationItem, Risk, Vendor

COMPLETE_SLUG = "caf-gironde-datamining-non-recours"
GAPS_SLUG = "cnaf-datamining-donnees-entrantes"


def tiny_pdf(title: str, lines: list[str]) -> bytes:
    """A one-page PDF (Helvetica, WinAnsi) with a title and a few lines: enough for a demo document that
    opens in any reader and passes the attachment checks."""

    def esc(text: str) -> str:
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    body = ["BT", "/F1 15 Tf", "56 780 Td", f"({esc(title)}) Tj", "/F1 10 Tf", "0 -26 Td"]
    for line in lines:
        body += [f"({esc(line)}) Tj", "0 -15 Td"]
    body.append("ET")
    stream = "\n".join(body).encode("cp1252", errors="replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + obj + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


#: The complete file: for each obligation, the document that proves it (file name, title, lines).
COMPLETE_DOCUMENTS: dict[str, tuple[str, str, list[str]]] = {
    "ai_literacy": (
        "plan-formation-ia-2026.pdf",
        "Plan de formation à l'IA 2026 - CAF de la Gironde",
        [
            "Public : 14 agents du pôle accès aux droits, 3 data scientists, 2 encadrants.",
            "Module socle (3 h) : fonctionnement du modèle, limites, biais connus.",
            "Module métier (2 h) : lire un signalement de droit potentiel et décider.",
            "Taux de réalisation au 30/09/2026 : 19 agents sur 19.",
        ],
    ),
    "risk_management": (
        "systeme-gestion-risques-v3.pdf",
        "Système de gestion des risques (art. 9) - version 3",
        [
            "Processus itératif revu à chaque version du modèle et au moins une fois par an.",
            "Registre des risques tenu dans Atlas IA (6 risques, revue trimestrielle).",
            "Risque principal : allocataires éligibles non repérés (faux négatifs).",
            "Mesures : seuil abaissé, contrôle humain de chaque signalement, suivi par territoire.",
        ],
    ),
    "data_governance": (
        "gouvernance-donnees-modele.pdf",
        "Données et gouvernance des données (art. 10)",
        [
            "Jeu d'apprentissage : dossiers 2022-2024, 312 000 allocataires, pseudonymisés.",
            "Représentativité vérifiée par tranche d'âge, configuration familiale et commune.",
            "Biais examinés : sous-représentation des primo-demandeurs, corrigée par pondération.",
            "Traçabilité : fiche de lignage des 41 variables, validée par le DPO.",
        ],
    ),
    "record_keeping": (
        "journalisation-modele.pdf",
        "Journalisation automatique des événements (art. 12)",
        [
            "Chaque score est journalisé : date, version du modèle, variables d'entrée hachées.",
            "Décision de l'agent et motif enregistrés dans le même journal.",
            "Conservation : 3 ans, accès restreint à l'équipe data et au DPO.",
        ],
    ),
    "instructions_for_deployers": (
        "notice-utilisation-reperage.pdf",
        "Notice d'utilisation (art. 13) - Repérage des droits non réclamés",
        [
            "Finalité : proposer un rendez-vous des droits, jamais refuser ou réduire une prestation.",
            "Performance : rappel 0,71 sur l'échantillon de test 2025 ; limites par territoire.",
            "Contrôle humain : chaque signalement est examiné par un conseiller avant contact.",
        ],
    ),
    "human_oversight_design": (
        "conception-controle-humain.pdf",
        "Conception du contrôle humain (art. 14)",
        [
            "L'écran du conseiller affiche les trois facteurs qui ont le plus pesé.",
            "Le conseiller peut écarter un signalement sans justification préalable.",
            "Arrêt du traitement possible par le responsable du pôle (bouton d'arrêt).",
        ],
    ),
    "accuracy_robustness_security": (
        "exactitude-robustesse-securite.pdf",
        "Exactitude, robustesse et cybersécurité (art. 15)",
        [
            "Indicateurs déclarés : rappel, précision, écart de rappel entre territoires.",
            "Tests de robustesse : données manquantes, dérive de la population allocataire.",
            "Homologation de sécurité du SI prononcée le 4 mars 2026 (RGS).",
        ],
    ),
    "quality_management_system": (
        "systeme-management-qualite.pdf",
        "Système de gestion de la qualité (art. 17)",
        [
            "Stratégie de conformité, procédures de conception, de test et de mise en production.",
            "Gestion des données, des incidents et de la communication avec les autorités.",
            "Responsabilités : directrice comptable et financière, référente IA, DPO.",
        ],
    ),
    "conformity_assessment": (
        "evaluation-conformite-controle-interne.pdf",
        "Évaluation de la conformité par contrôle interne (art. 43, annexe VI)",
        [
            "Procédure de l'annexe VI : système de gestion de la qualité et documentation vérifiés.",
            "Revue conduite par l'audit interne de la caisse, rapport du 2 juin 2026.",
            "Conclusion : exigences de la section 2 du chapitre III satisfaites.",
        ],
    ),
    "ce_marking": (
        "marquage-ce-numerique.pdf",
        "Marquage CE numérique (art. 48)",
        [
            "Marquage CE affiché dans l'interface, avec lien vers la déclaration UE de conformité.",
            "Pas d'organisme notifié (contrôle interne, annexe VI) : pas de numéro d'identification.",
        ],
    ),
    "registration_provider": (
        "enregistrement-base-ue-section-a.pdf",
        "Enregistrement dans la base de données de l'UE - section A",
        [
            "Informations de l'annexe VIII, section A, saisies par la référente IA.",
            "Référence de l'enregistrement : EU-AI-2026-4471.",
        ],
    ),
    "serious_incident_reporting": (
        "procedure-incidents-graves.pdf",
        "Procédure de signalement des incidents graves (art. 73)",
        [
            "Qualification de l'incident par la référente IA dans les 24 heures.",
            "Signalement à l'autorité de surveillance du marché : 15 jours, 10 en cas de décès, 2 jours",
            "pour une infraction de grande ampleur. Registre des incidents tenu dans Atlas IA.",
        ],
    ),
    "deployer_use_per_instructions": (
        "consignes-pole-acces-droits.pdf",
        "Consignes d'utilisation au pôle accès aux droits (art. 26(1))",
        [
            "Les signalements sont traités dans l'ordre du score, dans les 30 jours.",
            "Usage hors finalité interdit : aucun signalement ne sert à un contrôle.",
        ],
    ),
    "deployer_human_oversight": (
        "designation-superviseurs.pdf",
        "Désignation des personnes chargées du contrôle humain (art. 26(2))",
        [
            "Deux conseillères expertes désignées par décision du directeur du 15 janvier 2026.",
            "Formation suivie, autorité pour suspendre l'usage du système.",
        ],
    ),
    "deployer_input_data": (
        "controle-donnees-entree.pdf",
        "Pertinence des données d'entrée (art. 26(4))",
        [
            "Contrôle mensuel des taux de valeurs manquantes et des distributions.",
            "Alerte si une variable s'écarte de plus de 10 % de sa moyenne sur 12 mois.",
        ],
    ),
    "deployer_monitoring": (
        "surveillance-fonctionnement.pdf",
        "Surveillance du fonctionnement (art. 26(5))",
        [
            "Tableau de bord mensuel : volume de signalements, taux de droits ouverts, écarts.",
            "Information du fournisseur interne et de l'autorité en cas de risque.",
        ],
    ),
    "deployer_logs_6_months": (
        "conservation-journaux.pdf",
        "Conservation des journaux (art. 26(6))",
        ["Journaux conservés 3 ans (au-delà du minimum de six mois), archivage chiffré."],
    ),
    "inform_workers": (
        "information-cse.pdf",
        "Information du comité social et économique (art. 26(7))",
        [
            "Présentation au CSE le 11 février 2026, avant la mise en service.",
            "Information des conseillers du pôle par réunion de service le 18 février 2026.",
        ],
    ),
    "registration_deployer": (
        "enregistrement-base-ue-section-c.pdf",
        "Enregistrement de l'utilisation - section C",
        ["Enregistrement par le déployeur public, référence EU-AI-2026-4472."],
    ),
    "inform_affected_persons": (
        "mention-information-allocataires.pdf",
        "Information des allocataires (art. 26(11))",
        [
            "Mention sur le courrier d'invitation au rendez-vous des droits.",
            "Page d'information sur caf.fr, rubrique « Ma Caf - Gironde ».",
        ],
    ),
    "right_to_explanation": (
        "procedure-explication.pdf",
        "Procédure de réponse aux demandes d'explication (art. 86)",
        ["Réponse sous un mois par le pôle accès aux droits, modèle de courrier validé."],
    ),
}

#: Obligations proved by a document generated from the file (completed by the team, then attached).
GENERATED = {
    "gdpr_dpia": "aipd",
    "fria": "aidf",
    "technical_documentation": "annexe-iv",
    "post_market_monitoring": "plan-surveillance",
    "eu_declaration": "declaration-ue",
}


def _generated(key: str, use_case: UseCase) -> Any:
    kind = GENERATED[key]
    if kind in documents.KINDS:
        return documents.build(kind, use_case)
    qualification = qualification_selectors.latest_qualification(use_case)
    return (
        qualification_documents.build(kind, qualification, deployer_facts(use_case.pk))
        if qualification
        else None
    )


def _signer(use_case: UseCase, role: str, username: str, first: str, last: str) -> User:
    """A member of the use case's organisation holding ``role`` (created for the demo when none does)."""
    membership = (
        Membership.objects.filter(organisation_id=use_case.organisation_id, role=role)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if membership:
        return membership.user
    user, _ = User.objects.get_or_create(
        username=username,
        defaults={"first_name": first, "last_name": last, "email": f"{username}@demo.atlas-ia.invalid"},
    )
    if not user.has_usable_password():
        user.set_unusable_password()
        user.save()
    Membership.objects.get_or_create(user=user, organisation_id=use_case.organisation_id, role=role)
    return user


def _close(actor: User, item: ObligationItem, reason: str = "") -> ObligationItem:
    return services.obligation_update(
        actor=actor,
        item=item,
        expected_version=None,
        status=ObligationStatus.DONE,
        owner=item.owner,
        reason=reason,
    )


def _complete_file(use_case: UseCase) -> None:
    referent = _signer(use_case, "referent", "referente-caf33", "Sophie", "Marchand")
    dpo = _signer(use_case, "dpo", "dpo-caf33", "Karim", "Haddad")
    latest = qualification_selectors.latest_ref(use_case)
    for item in ObligationItem.objects.filter(use_case=use_case, dropped=False).order_by("pk"):
        if item.status == ObligationStatus.DONE and item.signed_off_at:
            continue
        signer = dpo if item.signer_role == "dpo" else referent
        item = services.obligation_update(
            actor=signer, item=item, expected_version=None, status=ObligationStatus.IN_PROGRESS, owner=signer
        )
        if item.key in COMPLETE_DOCUMENTS and not item.evidence.exists():
            name, title, lines = COMPLETE_DOCUMENTS[item.key]
            upload = SimpleUploadedFile(name, tiny_pdf(title, lines), content_type="application/pdf")
            services.evidence_add_file(actor=signer, item=item, uploaded=upload, note=title)
        elif item.key in GENERATED and not item.evidence.exists():
            doc = _generated(item.key, use_case)
            if doc is not None:
                upload = SimpleUploadedFile(f"{doc.filename}.docx", qualification_documents.render_docx(doc))
                services.evidence_add_file(actor=signer, item=item, uploaded=upload, note=doc.title)
        if latest and not item.evidence.exists():
            services.evidence_add_object(
                actor=signer, item=item, kind=EvidenceKind.QUALIFICATION_DOCUMENT, object_id=latest.version
            )
        item.refresh_from_db()
        item = _close(signer, item)
        services.obligation_sign_off(actor=signer, item=item)


def _file_with_gaps(use_case: UseCase) -> None:
    referent = _signer(use_case, "referent", "referente-cnaf", "Lucie", "Bernard")
    dpo = _signer(use_case, "dpo", "dpo-cnaf", "Thomas", "Lefèvre")
    items = {i.key: i for i in ObligationItem.objects.filter(use_case=use_case, dropped=False)}
    if any(i.status != ObligationStatus.TODO for i in items.values()):
        return  # already loaded
    dpia = items.get("gdpr_dpia")
    if dpia:
        dpia = services.obligation_update(
            actor=dpo, item=dpia, expected_version=None, status=ObligationStatus.IN_PROGRESS, owner=dpo
        )
        upload = SimpleUploadedFile(
            "aipd-dmde-2026.pdf",
            tiny_pdf(
                "AIPD - datamining des données entrantes (DMDE)",
                [
                    "Analyse d'impact relative à la protection des données, version du 12 mai 2026.",
                    "Risques : ciblage disproportionné des allocataires aux revenus irréguliers.",
                    "Mesures : variables retirées (nationalité, adresse), revue annuelle des écarts.",
                ],
            ),
            content_type="application/pdf",
        )
        services.evidence_add_file(actor=dpo, item=dpia, uploaded=upload, note="AIPD validée en comité")
        dpia.refresh_from_db()
        services.obligation_sign_off(actor=dpo, item=_close(dpo, dpia))
    for key in ("risk_management", "data_governance", "human_oversight_design"):
        if key in items:
            services.obligation_update(
                actor=referent,
                item=items[key],
                expected_version=None,
                status=ObligationStatus.IN_PROGRESS,
                owner=referent,
            )
    if "technical_documentation" in items:
        services.obligation_update(
            actor=referent,
            item=items["technical_documentation"],
            expected_version=None,
            status=ObligationStatus.TODO,
            owner=referent,
        )
    if "crpa_mention" in items:
        item = services.obligation_update(
            actor=referent,
            item=items["crpa_mention"],
            expected_version=None,
            status=ObligationStatus.DONE,
            owner=referent,
            reason="Mention portée sur les courriers de contrôle depuis 2023 ; modèle de courrier à joindre.",
        )
        services.obligation_sign_off(actor=referent, item=item)


COMPLETE_RISKS: list[dict[str, Any]] = [
    {
        "title": "Allocataires éligibles non repérés (faux négatifs)",
        "description": "Le modèle ne signale pas des foyers qui ont droit à une prestation qu'ils ne "
        "demandent pas, en particulier quand leurs revenus varient d'un mois à l'autre : ils restent sans "
        "droit ouvert.",
        "area": "fundamental_rights",
        "origin": "intended_use",
        "affected_groups": "Travailleurs indépendants, intérimaires, familles monoparentales",
        "likelihood": 3,
        "severity": 3,
        "mitigations": "Seuil de signalement abaissé en 2026 ; campagne d'information générale maintenue "
        "pour tous les allocataires, indépendamment du modèle.",
        "residual_likelihood": 2,
        "residual_severity": 2,
        "residual_acceptable": True,
        "status": "mitigated",
    },
    {
        "title": "Écarts de repérage entre territoires ruraux et métropole",
        "description": "Le rappel mesuré est plus faible dans le Médoc et le Libournais que dans la "
        "métropole bordelaise : les foyers ruraux bénéficient moins des rendez-vous des droits.",
        "area": "fundamental_rights",
        "origin": "post_market",
        "affected_groups": "Allocataires des territoires ruraux",
        "likelihood": 3,
        "severity": 3,
        "mitigations": "Suivi trimestriel du rappel par territoire ; quotas de rendez-vous par antenne.",
        "residual_likelihood": 2,
        "residual_severity": 3,
        "residual_acceptable": True,
        "status": "mitigated",
    },
    {
        "title": "Usage du score pour cibler des contrôles (détournement de finalité)",
        "description": "Un service pourrait vouloir réutiliser le signalement pour sélectionner des dossiers "
        "à contrôler, contre la finalité déclarée et au détriment des allocataires signalés.",
        "area": "fundamental_rights",
        "origin": "misuse",
        "affected_groups": "Allocataires signalés",
        "likelihood": 1,
        "severity": 4,
        "mitigations": "Cloisonnement technique : le score n'est pas exposé aux outils de contrôle ; "
        "interdiction écrite dans la notice ; journal des accès revu par le DPO.",
        "residual_likelihood": 1,
        "residual_severity": 3,
        "residual_acceptable": True,
        "status": "mitigated",
    },
    {
        "title": "Sollicitations répétées de foyers déjà accompagnés",
        "description": "Des foyers déjà suivis par un travailleur social reçoivent une invitation qui double "
        "l'accompagnement en cours et peut être vécue comme une pression.",
        "area": "health",
        "origin": "intended_use",
        "affected_groups": "Foyers accompagnés par le service social",
        "likelihood": 2,
        "severity": 2,
        "mitigations": "Exclusion des dossiers ayant un accompagnement social actif depuis moins de six "
        "mois.",
        "residual_likelihood": 1,
        "residual_severity": 2,
        "residual_acceptable": True,
        "status": "mitigated",
    },
]

GAPS_RISKS: list[dict[str, Any]] = [
    {
        "title": "Ciblage disproportionné des allocataires aux revenus irréguliers",
        "description": "Les variables de variation de ressources pèsent fortement dans le score : les foyers "
        "précaires sont davantage contrôlés, ce que contestent des associations devant le Conseil d'État.",
        "area": "fundamental_rights",
        "origin": "intended_use",
        "affected_groups": "Allocataires aux revenus irréguliers, bénéficiaires de minima sociaux",
        "likelihood": 3,
        "severity": 4,
        "mitigations": "",
        "status": "open",
    },
    {
        "title": "Contrôles vécus comme une suspicion sans explication",
        "description": "Les allocataires contrôlés ne savent pas que leur dossier a été sélectionné par un "
        "score.",
        "area": "fundamental_rights",
        "origin": "intended_use",
        "affected_groups": "Allocataires contrôlés",
        "likelihood": 3,
        "severity": 2,
        "mitigations": "",
        "status": "open",
    },
]


def _risks(use_case: UseCase, actor: User, entries: list[dict[str, Any]], today: date, overdue: bool) -> None:
    if Risk.objects.filter(use_case=use_case).exists():
        return
    for number, data in enumerate(entries):
        risk = services.risk_save(
            actor=actor,
            use_case=use_case,
            data={**data, "owner": actor, "next_review_on": today + timedelta(days=45 + 30 * number)},
        )
        if overdue:
            # The demo shows a register whose reviews were not done in time: the dates have passed.
            Risk.objects.filter(pk=risk.pk).update(next_review_on=today - timedelta(days=20 + 10 * number))


def _vendor(today: date) -> None:
    """CHU Amiens-Picardie deploys Batvoice's analysis of callers' voices at the SAMU (high-risk, Annex III
    5(d)): the instructions and the processing agreement are in, the EU declaration is not yet due."""
    use_case = (
        UseCase.objects.filter(catalogue_slug="chu-amiens-aqua-analyse-voix")
        .select_related("organisation")
        .first()
    )
    if (
        use_case is None
        or Vendor.objects.filter(organisation=use_case.organisation, name="Batvoice").exists()
    ):
        return
    referent = _signer(use_case, "referent", "referente-chu-amiens", "Claire", "Dubois")
    vendor = services.vendor_save(
        actor=referent, organisation=use_case.organisation, data={"name": "Batvoice", "country": "France"}
    )
    system = services.vendor_system_save(
        actor=referent,
        vendor=vendor,
        data={"name": "Analyse de la voix des appelants du SAMU", "release": ""},
        use_cases=[use_case],
    )
    for kind, name, title, lines, days in (
        (
            "instructions_for_use",
            "notice-batvoice-samu.pdf",
            "Notice d'utilisation - analyse de la voix au SAMU",
            [
                "Indicateurs affichés à l'assistant de régulation médicale, qui garde la décision.",
                "Limites : bruit de fond, appels en langue étrangère, voix d'enfants.",
            ],
            120,
        ),
        (
            "dpa",
            "contrat-sous-traitance-batvoice.pdf",
            "Contrat de sous-traitance (RGPD art. 28) - Batvoice",
            [
                "Hébergement des enregistrements chez un hébergeur certifié HDS en France.",
                "Aucune réutilisation des enregistrements pour entraîner d'autres modèles.",
            ],
            200,
        ),
    ):
        upload = SimpleUploadedFile(name, tiny_pdf(title, lines), content_type="application/pdf")
        services.vendor_document_add(
            actor=referent,
            system=system,
            kind=kind,
            received_on=today - timedelta(days=days),
            uploaded=upload,
        )
    principles = {p.code: p.pk for p in selectors.purchasing_principles()}
    # The purchasing charter is seeded by a data migration; a database emptied since (a test server's
    # flush) has none, and then there is nothing to check the system against.
    if {"human_primacy", "privacy_by_default", "transparency", "non_discrimination"} <= set(principles):
        services.vendor_charter_check(
            actor=referent,
            system=system,
            checks={
                principles["human_primacy"]: (
                    "met",
                    "L'assistant de régulation garde la décision ; l'indicateur est consultatif.",
                ),
                principles["privacy_by_default"]: (
                    "met",
                    "Données hébergées en France (HDS), pas de réutilisation (contrat art. 28).",
                ),
                principles["transparency"]: (
                    "partial",
                    "Notice reçue ; fiche modèle et mesures de performance à obtenir.",
                ),
                principles["non_discrimination"]: ("not_met", ""),
            },
        )


@transaction.atomic
def load_compliance_demo(today: date | None = None) -> dict[str, int]:
    """Fill the two demo files (the obligations exist once the catalogue is qualified)."""
    today = today or timezone.localdate()
    done = {"complete": 0, "gaps": 0}
    complete = UseCase.objects.filter(catalogue_slug=COMPLETE_SLUG).select_related("organisation").first()
    if complete is not None:
        services.obligations_sync(actor=None, use_case=complete)
        referent = _signer(complete, "referent", "referente-caf33", "Sophie", "Marchand")
        _risks(complete, referent, COMPLETE_RISKS, today, overdue=False)
        dpo = _signer(complete, "dpo", "dpo-caf33", "Karim", "Haddad")
        lifecycle_services.compliance_update(
            actor=dpo,
            use_case=complete,
            data={
                "dpia_decision": "required",
                "dpia_completed_at": today - timedelta(days=240),
                "fria_completed_at": today - timedelta(days=200),
                "registration_reference": "EU-AI-2026-4472",
            },
        )
        Risk.objects.filter(use_case=complete).update(last_reviewed_on=today - timedelta(days=30))
        _complete_file(complete)
        done["complete"] = 1
    gaps = UseCase.objects.filter(catalogue_slug=GAPS_SLUG).select_related("organisation").first()
    if gaps is not None:
        services.obligations_sync(actor=None, use_case=gaps)
        referent = _signer(gaps, "referent", "referente-cnaf", "Lucie", "Bernard")
        _risks(gaps, referent, GAPS_RISKS, today, overdue=True)
        _file_with_gaps(gaps)
        done["gaps"] = 1
    _vendor(today)
    return done
