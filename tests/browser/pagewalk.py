"""Every page type of the site, derived from the URL configuration: one real object of the demonstration
for each route parameter, and the routes that are not pages (downloads, JSON, POST-only actions,
redirections to another site), each with the reason. Used by the axe-core walk of every page."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

from atlasia.accounts.models import Membership, User
from atlasia.campaigns.models import AgendaItem, Campaign, CampaignTarget, CommitteeSession, Question
from atlasia.compliance import documents as compliance_documents
from atlasia.compliance.models import ObligationItem, Risk, Vendor, VendorSystem
from atlasia.core.qualification import SECTIONS
from atlasia.evaluation.models import EvaluationRun, MonitoringSeries
from atlasia.lifecycle.models import Charter, Experiment, Kpi
from atlasia.monitoring.models import Externality, Incident
from atlasia.registry.models import Algorithm, Organisation, UseCase

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "integrity"))
from formwalk import routes

#: Routes that are not a page a person reads, with the reason (each is tested where it belongs).
NOT_PAGES: dict[str, str] = {
    "set_language": "POST seulement : change la langue et renvoie vers la page d'origine",
    "logout": "POST seulement : déconnexion",
    "healthz": "texte brut pour la supervision",
    "attachment_upload": "POST seulement (le formulaire est sur la fiche)",
    "attachment_download": "téléchargement d'un fichier",
    "attachment_delete": "POST seulement",
    "organisation_suggestions": "fragment JSON de l'autocomplétion",
    "membership_remove": "POST seulement",
    "proconnect_login": "redirection vers ProConnect (OIDC)",
    "proconnect_callback": "retour de ProConnect (OIDC), refusé sans état signé",
    "proconnect_logout_return": "redirection après la déconnexion de ProConnect",
    "twofactor_qrcode": "image SVG du QR code",
    "twofactor_disable": "POST seulement",
    "twofactor_verify": "n'existe qu'au milieu d'une connexion à double authentification",
    "twofactor_backup_codes_new": "POST seulement",
    "twofactor_backup_codes_show": "montrés une fois juste après leur création (sinon renvoie au compte)",
    "invitation_create": "POST seulement (le formulaire est sur la page de l'organisation)",
    "invitation_revoke": "POST seulement",
    "publication_report_progress": "JSON lu par la page d'avancement",
    "publication_report_file": "téléchargement du rapport (HTML autonome ou PDF)",
    "publication_problem_report": "POST seulement (formulaire de la fiche publique, parcouru envoyé vide)",
    "publication_export_csv": "téléchargement (données ouvertes)",
    "publication_export_csv_comma": "téléchargement (données ouvertes)",
    "publication_export_json": "téléchargement (données ouvertes)",
    "publication_export_parquet": "téléchargement (données ouvertes)",
    "publication_export_nl": "téléchargement (données ouvertes)",
    "publication_export_atrs": "téléchargement (données ouvertes)",
    "publication_dcat": "téléchargement (données ouvertes)",
    "publication_dictionary": "téléchargement (données ouvertes)",
    "publication_schema": "téléchargement (données ouvertes)",
    "lifecycle_transition": "POST seulement (les boutons sont sur la fiche)",
    "lifecycle_mark_reviewed": "POST seulement",
    "lifecycle_measurement_add": "POST seulement (le formulaire est sur l'expérimentation)",
    "lifecycle_kpi_add": "POST seulement (le formulaire est sur l'expérimentation)",
    "lifecycle_sensitivity": "fragment JSON du portefeuille",
    "qualification_complete": "POST seulement",
    "qualification_document": "téléchargement d'un document DOCX",
    "qualification_document_prepare": "POST seulement (le PDF est préparé en arrière-plan)",
    "evaluation_progress": "JSON lu par la page d'avancement",
    "evaluation_export": "téléchargement (HTML autonome, PDF, CSV)",
    "evaluation_monitoring_batch": "POST seulement",
    "evaluation_monitoring_thresholds": "POST seulement",
    "evaluation_monitoring_alert_review": "POST seulement",
    "monitoring_incident_status": "POST seulement",
    "monitoring_incident_report": "POST seulement",
    "monitoring_incident_suspend": "POST seulement",
    "monitoring_resource_download": "téléchargement d'une ressource",
    "monitoring_resource_delete": "POST seulement",
    "search_suggestions": "fragment JSON de l'autocomplétion",
    "search_duplicates": "fragment JSON des doublons possibles",
    "exchange_token_revoke": "POST seulement",
    "exchange_import_template": "téléchargement du modèle XLSX",
    "exchange_import_header": "POST seulement",
    "exchange_import_start": "POST seulement",
    "exchange_import_progress": "JSON lu par la page d'avancement",
    "exchange_subscription_pull": "POST seulement",
    "exchange_subscription_action": "POST seulement",
    "compliance_file_zip": "POST seulement : demande la préparation du dossier ZIP",
    "compliance_document": "POST seulement : demande la préparation d'un document",
    "compliance_job_progress": "JSON lu par la page d'avancement",
    "compliance_job_file": "téléchargement du fichier préparé",
    "compliance_evidence_file": "POST seulement (le formulaire est sur l'obligation)",
    "compliance_evidence_link": "POST seulement",
    "compliance_evidence_object": "POST seulement",
    "compliance_evidence_remove": "POST seulement",
    "compliance_sign_off": "POST seulement",
    "compliance_risk_review": "POST seulement",
    "compliance_vendor_system": "POST seulement",
    "compliance_vendor_document": "POST seulement",
    "compliance_vendor_charter": "POST seulement (le formulaire est sur le fournisseur)",
    "committee_agenda_add": "POST seulement",
    "committee_opinion": "POST seulement (le formulaire est sur la séance)",
    "campaigns_tracking_csv": "téléchargement (CSV)",
    "campaigns_remind": "POST seulement",
    "campaigns_extend": "POST seulement",
    "campaigns_census_confirm": "POST seulement",
    "campaigns_census_submit": "POST seulement",
    "campaigns_delegate": "POST seulement",
}

#: Pages walked without logging in (the public site) — the others are walked by a logged-in person.
ANONYMOUS = {
    "login",
    "legal_notice",
    "personal_data",
    "accessibility",
    "site_map",
    "invitation_answer",
    "publication_register",
    "publication_register_detail",
    "publication_problem_report",
    "publication_algorithms",
    "publication_algorithm_detail",
    "publication_open_data",
}


def _fill(route: str, kwargs: dict[str, Any]) -> str:
    path = "/" + route
    for key, value in kwargs.items():
        path = re.sub(rf"<(?:\w+:)?{key}>", str(value), path)
    assert "<" not in path, path
    return path


def record_for(name: str) -> UseCase:
    """The record a use-case page is shown for: the richest one for that page."""
    if name.startswith("evaluation_monitoring"):
        return UseCase.objects.get(pk=MonitoringSeries.objects.order_by("pk").first().use_case_id)  # type: ignore[union-attr]
    if name == "evaluation_upload":
        return EvaluationRun.objects.order_by("pk").first().use_case  # type: ignore[union-attr]
    if name.startswith("compliance_") or name == "qualification_diff":
        for uc in UseCase.objects.filter(risks__isnull=False).distinct().order_by("pk"):
            if compliance_documents.applicable(uc):
                return uc
    if name.startswith("monitoring_"):
        return Incident.objects.order_by("pk").first().use_case  # type: ignore[union-attr]
    if name.startswith("lifecycle_") or name == "usecase_detail":
        return UseCase.objects.filter(experiments__isnull=False, attachments__isnull=False).distinct()[0]
    return UseCase.objects.filter(attachments__isnull=False).order_by("pk").first()  # type: ignore[return-value]


def page_paths(extra: dict[str, Any]) -> list[tuple[str, str]]:
    """(url name, path) of every page type, with one demonstration object per parameter. ``extra`` holds
    the objects the demonstration does not have and the test creates (report run, import, invitation…)."""
    out: list[tuple[str, str]] = []
    for route, name in routes():
        if name in NOT_PAGES:
            continue
        params = set(re.findall(r"<(?:\w+:)?(\w+)>", route))
        if not params:
            out.append((name, "/" + route))
            continue
        kwargs: dict[str, Any] = {}
        if route.startswith("cas-d-usage/<int:pk>/"):
            uc = record_for(name)
            kwargs["pk"] = uc.pk
            if name == "lifecycle_charter":
                kwargs["charter_id"] = Charter.objects.order_by("pk").first().pk  # type: ignore[union-attr]
            elif name == "qualification_section":
                for section in SECTIONS:
                    out.append((name, _fill(route, {**kwargs, "section": section.id})))
                continue
            elif name == "qualification_version":
                kwargs["version"] = uc.qualifications.order_by("version").first().version  # type: ignore[union-attr]
        elif "slug" in params and route.startswith("campagnes/"):
            target = CampaignTarget.objects.order_by("pk").first()
            assert target is not None
            kwargs = {"campaign_id": target.campaign_id, "slug": target.organisation.slug}
        elif "slug" in params:
            member_org = Membership.objects.order_by("pk").first().organisation  # type: ignore[union-attr]
            if name == "compliance_vendors":
                member_org = Vendor.objects.order_by("pk").first().organisation  # type: ignore[union-attr]
            kwargs = {"slug": member_org.slug}
        elif name == "invitation_answer":
            kwargs = {"token": extra["invitation_token"]}
        elif name == "publication_report_detail":
            kwargs = {"pk": extra["report_run"].pk}
        elif route.startswith("registre/"):
            kwargs = {"uid": UseCase.objects.filter(publication_level="public").order_by("pk")[0].uid}
        elif route.startswith("algorithmes/"):
            kwargs = {"uid": Algorithm.objects.order_by("pk")[0].uid}
        elif route.startswith("experimentations/"):
            kwargs = {"pk": Kpi.objects.order_by("pk")[0].experiment_id}
            assert Experiment.objects.filter(pk=kwargs["pk"]).exists()
        elif route.startswith("evaluations/"):
            kwargs = {"run_id": EvaluationRun.objects.filter(status="done").order_by("-pk")[0].pk}
            if name == "evaluation_mapping":
                kwargs = {"run_id": extra["evaluation_draft"].pk}
            if name == "evaluation_compare":
                runs = EvaluationRun.objects.filter(
                    status="done", use_case_id=extra["evaluation_draft"].use_case_id
                )
                first, second = runs.order_by("pk")[:2]
                out.append((name, _fill(route, {"run_id": second.pk}) + f"?avec={first.pk}"))
                continue
        elif route.startswith("suivi/incidents/"):
            kwargs = {"incident_id": Incident.objects.order_by("pk")[0].pk}
        elif route.startswith("suivi/externalites/"):
            kwargs = {"externality_id": Externality.objects.order_by("pk")[0].pk}
        elif route.startswith("echanges/import/"):
            kwargs = {"pk": extra["import_job"].pk}
        elif route.startswith("obligations/"):
            kwargs = {"pk": ObligationItem.objects.filter(evidence__isnull=False).order_by("pk")[0].pk}
        elif route.startswith("risques/"):
            kwargs = {"pk": Risk.objects.order_by("pk")[0].pk}
        elif route.startswith("fournisseurs/"):
            system = VendorSystem.objects.order_by("pk")[0]
            kwargs = {"pk": system.vendor_id}
            if "system_id" in params:
                kwargs["system_id"] = system.pk
        elif route.startswith("comite/seances/"):
            kwargs = {"session_id": CommitteeSession.objects.order_by("pk")[0].pk}
        elif route.startswith("comite/points/"):
            kwargs = {"item_id": AgendaItem.objects.order_by("pk")[0].pk}
        elif route.startswith("campagnes/"):
            campaign = Campaign.objects.filter(questions__isnull=False).distinct().order_by("pk")[0]
            kwargs = {"campaign_id": campaign.pk}
            if "question_id" in params:
                kwargs["question_id"] = Question.objects.filter(campaign=campaign).order_by("pk")[0].pk
        elif name.startswith("compliance_job"):
            kwargs = {"pk": extra["compliance_job"].pk}
        assert set(kwargs) == params, f"{name}: paramètres {sorted(params)} sans objet de démonstration"
        out.append((name, _fill(route, kwargs)))
    return out


def all_route_names() -> set[str]:
    return {name for _, name in routes()}


__all__ = ["ANONYMOUS", "NOT_PAGES", "Organisation", "User", "all_route_names", "page_paths"]
