"""Roles and the permission matrix of Atlas IA, in one place.

The matrix says which *role* may perform which *action* on an object of an organisation the
user belongs to. Where the object lives (own organisation, another one in the user's region, any)
is decided by the scope rules in :func:`scope_of`. ``docs/permissions.md`` renders this matrix as a
table and ``tests/core/test_roles.py`` checks every cell.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    CONTRIBUTOR = "contributor"
    REFERENT = "referent"
    DPO = "dpo"
    ORG_ADMIN = "org_admin"
    REGIONAL_REVIEWER = "regional_reviewer"
    NATIONAL_REVIEWER = "national_reviewer"
    PLATFORM_ADMIN = "platform_admin"


ROLE_LABELS_FR: dict[Role, str] = {
    Role.CONTRIBUTOR: "Contributeur ou contributrice",
    Role.REFERENT: "Référent IA (ambassadeur)",
    Role.DPO: "Délégué à la protection des données (DPO)",
    Role.ORG_ADMIN: "Administrateur de l'organisation",
    Role.REGIONAL_REVIEWER: "Équipe régionale (lecture de la région)",
    Role.NATIONAL_REVIEWER: "Équipe nationale (lecture de tout le territoire)",
    Role.PLATFORM_ADMIN: "Administrateur de la plateforme",
}

#: The same labels in English (the Django side picks one by the active language).
ROLE_LABELS_EN: dict[Role, str] = {
    Role.CONTRIBUTOR: "Contributor",
    Role.REFERENT: "AI lead (ambassador)",
    Role.DPO: "Data protection officer (DPO)",
    Role.ORG_ADMIN: "Organisation administrator",
    Role.REGIONAL_REVIEWER: "Regional team (reads the region)",
    Role.NATIONAL_REVIEWER: "National team (reads the whole country)",
    Role.PLATFORM_ADMIN: "Platform administrator",
}

#: Roles held through a membership of one organisation.
MEMBERSHIP_ROLES: tuple[Role, ...] = (Role.CONTRIBUTOR, Role.REFERENT, Role.DPO, Role.ORG_ADMIN)
#: Roles that read across organisations (their scope is a region or the nation).
REVIEWER_ROLES: tuple[Role, ...] = (Role.REGIONAL_REVIEWER, Role.NATIONAL_REVIEWER)


class Action(StrEnum):
    USECASE_VIEW = "usecase.view"
    USECASE_CREATE = "usecase.create"
    USECASE_EDIT = "usecase.edit"
    USECASE_DELETE = "usecase.delete"
    USECASE_PUBLISH = "usecase.publish"
    USECASE_QUALIFY = "usecase.qualify"
    USECASE_TRANSITION = "usecase.transition"
    USECASE_PRIORITISE = "usecase.prioritise"
    EXPERIMENT_EDIT = "experiment.edit"
    EVALUATION_RUN = "evaluation.run"
    ATTACHMENT_UPLOAD = "attachment.upload"
    AUDIT_VIEW = "audit.view"
    ORGANISATION_EDIT = "organisation.edit"
    MEMBERS_MANAGE = "members.manage"
    WEIGHTS_EDIT = "weights.edit"
    REPORT_PUBLISH = "report.publish"
    REFERENCE_DATA_EDIT = "reference_data.edit"
    COMPLIANCE_VIEW = "compliance.view"
    OBLIGATION_EDIT = "obligation.edit"
    OBLIGATION_SIGNOFF = "obligation.signoff"
    OBLIGATION_SIGNOFF_DPO = "obligation.signoff_dpo"
    RISK_EDIT = "risk.edit"
    VENDOR_EDIT = "vendor.edit"
    CAMPAIGN_MANAGE = "campaign.manage"
    CAMPAIGN_ANSWER = "campaign.answer"
    COMMITTEE_MANAGE = "committee.manage"


A = Action
R = Role

#: role → actions that role may perform within its scope.
#: Reviewers read across their scope; only platform administrators change reference data.
MATRIX: dict[Role, frozenset[Action]] = {
    R.CONTRIBUTOR: frozenset(
        {
            A.USECASE_VIEW,
            A.USECASE_CREATE,
            A.USECASE_EDIT,
            A.EXPERIMENT_EDIT,
            A.ATTACHMENT_UPLOAD,
            A.COMPLIANCE_VIEW,
            A.OBLIGATION_EDIT,
        }
    ),
    R.REFERENT: frozenset(
        {
            A.USECASE_VIEW,
            A.USECASE_CREATE,
            A.USECASE_EDIT,
            A.USECASE_DELETE,
            A.USECASE_PUBLISH,
            A.USECASE_QUALIFY,
            A.USECASE_TRANSITION,
            A.USECASE_PRIORITISE,
            A.EXPERIMENT_EDIT,
            A.EVALUATION_RUN,
            A.ATTACHMENT_UPLOAD,
            A.AUDIT_VIEW,
            A.COMPLIANCE_VIEW,
            A.OBLIGATION_EDIT,
            A.OBLIGATION_SIGNOFF,
            A.RISK_EDIT,
            A.VENDOR_EDIT,
            A.CAMPAIGN_ANSWER,
        }
    ),
    R.DPO: frozenset(
        {
            A.USECASE_VIEW,
            A.USECASE_EDIT,
            A.USECASE_QUALIFY,
            A.USECASE_TRANSITION,
            A.ATTACHMENT_UPLOAD,
            A.AUDIT_VIEW,
            A.COMPLIANCE_VIEW,
            A.OBLIGATION_EDIT,
            A.OBLIGATION_SIGNOFF_DPO,
            A.RISK_EDIT,
        }
    ),
    R.ORG_ADMIN: frozenset(
        {
            A.USECASE_VIEW,
            A.USECASE_CREATE,
            A.USECASE_EDIT,
            A.USECASE_DELETE,
            A.USECASE_PUBLISH,
            A.USECASE_QUALIFY,
            A.USECASE_TRANSITION,
            A.USECASE_PRIORITISE,
            A.EXPERIMENT_EDIT,
            A.EVALUATION_RUN,
            A.ATTACHMENT_UPLOAD,
            A.AUDIT_VIEW,
            A.ORGANISATION_EDIT,
            A.MEMBERS_MANAGE,
            A.WEIGHTS_EDIT,
            A.COMPLIANCE_VIEW,
            A.OBLIGATION_EDIT,
            A.RISK_EDIT,
            A.VENDOR_EDIT,
            A.CAMPAIGN_ANSWER,
        }
    ),
    # A regional team runs campaigns for the organisations of its region (the scope rules apply).
    R.REGIONAL_REVIEWER: frozenset({A.USECASE_VIEW, A.AUDIT_VIEW, A.CAMPAIGN_MANAGE, A.COMPLIANCE_VIEW}),
    R.NATIONAL_REVIEWER: frozenset(
        {
            A.USECASE_VIEW,
            A.AUDIT_VIEW,
            A.USECASE_PRIORITISE,
            A.WEIGHTS_EDIT,
            A.REPORT_PUBLISH,
            A.COMPLIANCE_VIEW,
            A.CAMPAIGN_MANAGE,
            A.COMMITTEE_MANAGE,
        }
    ),
    R.PLATFORM_ADMIN: frozenset(Action),
}

ACTION_LABELS_FR: dict[Action, str] = {
    A.USECASE_VIEW: "Consulter les cas d'usage (y compris internes)",
    A.USECASE_CREATE: "Créer un cas d'usage",
    A.USECASE_EDIT: "Modifier un cas d'usage",
    A.USECASE_DELETE: "Supprimer un cas d'usage",
    A.USECASE_PUBLISH: "Changer le niveau de publication",
    A.USECASE_QUALIFY: "Qualifier (AI Act, RGPD)",
    A.USECASE_TRANSITION: "Faire avancer le cycle de vie",
    A.USECASE_PRIORITISE: "Noter et prioriser",
    A.EXPERIMENT_EDIT: "Documenter une expérimentation",
    A.EVALUATION_RUN: "Lancer une évaluation de modèle",
    A.ATTACHMENT_UPLOAD: "Déposer une pièce jointe",
    A.AUDIT_VIEW: "Consulter l'historique",
    A.ORGANISATION_EDIT: "Modifier la fiche de l'organisation",
    A.MEMBERS_MANAGE: "Gérer les membres et leurs rôles",
    A.WEIGHTS_EDIT: "Modifier les pondérations de priorisation",
    A.REPORT_PUBLISH: "Publier la cartographie annuelle",
    A.REFERENCE_DATA_EDIT: "Modifier les référentiels",
    A.COMPLIANCE_VIEW: "Consulter le dossier de conformité, les obligations et les registres",
    A.OBLIGATION_EDIT: "Faire avancer une obligation (statut, responsable, preuves)",
    A.OBLIGATION_SIGNOFF: "Valider une obligation confiée au référent IA",
    A.OBLIGATION_SIGNOFF_DPO: "Valider une obligation confiée au DPO (AIPD)",
    A.RISK_EDIT: "Tenir le registre des risques (AI Act art. 9)",
    A.VENDOR_EDIT: "Tenir le registre des fournisseurs",
    A.CAMPAIGN_MANAGE: "Lancer et suivre une campagne (recensement, enquête)",
    A.CAMPAIGN_ANSWER: "Répondre à une campagne pour l'organisation",
    A.COMMITTEE_MANAGE: "Composer le comité d'experts et son ordre du jour",
}

ACTION_LABELS_EN: dict[Action, str] = {
    A.USECASE_VIEW: "View use cases (internal ones included)",
    A.USECASE_CREATE: "Create a use case",
    A.USECASE_EDIT: "Edit a use case",
    A.USECASE_DELETE: "Delete a use case",
    A.USECASE_PUBLISH: "Change the publication level",
    A.USECASE_QUALIFY: "Qualify (AI Act, GDPR)",
    A.USECASE_TRANSITION: "Move the lifecycle forward",
    A.USECASE_PRIORITISE: "Score and prioritise",
    A.EXPERIMENT_EDIT: "Document an experiment",
    A.EVALUATION_RUN: "Run a model evaluation",
    A.ATTACHMENT_UPLOAD: "Upload an attachment",
    A.AUDIT_VIEW: "View the history",
    A.ORGANISATION_EDIT: "Edit the organisation's profile",
    A.MEMBERS_MANAGE: "Manage members and their roles",
    A.WEIGHTS_EDIT: "Edit the prioritisation weights",
    A.REPORT_PUBLISH: "Publish the annual map",
    A.REFERENCE_DATA_EDIT: "Edit the reference lists",
    A.COMPLIANCE_VIEW: "View the compliance file, obligations and registers",
    A.OBLIGATION_EDIT: "Work on an obligation (status, owner, evidence)",
    A.OBLIGATION_SIGNOFF: "Sign off an obligation assigned to the AI lead",
    A.OBLIGATION_SIGNOFF_DPO: "Sign off an obligation assigned to the DPO (DPIA)",
    A.RISK_EDIT: "Keep the risk register (AI Act Art. 9)",
    A.VENDOR_EDIT: "Keep the vendor register",
    A.CAMPAIGN_MANAGE: "Launch and track a campaign (census, survey)",
    A.CAMPAIGN_ANSWER: "Answer a campaign for the organisation",
    A.COMMITTEE_MANAGE: "Compose the expert committee and its agenda",
}

#: Actions that write. Reviewers hold none of them on records; they only run campaigns.
WRITE_ACTIONS: frozenset[Action] = frozenset(Action) - {A.USECASE_VIEW, A.AUDIT_VIEW, A.COMPLIANCE_VIEW}


def role_allows(role: Role | str, action: Action | str) -> bool:
    """True when ``role`` may perform ``action`` on an object inside its scope."""
    return Action(action) in MATRIX[Role(role)]


def matrix_as_markdown() -> str:
    """The permission matrix as a Markdown table (used for ``docs/permissions.md``)."""
    roles = list(Role)
    header = "| action | " + " | ".join(r.value for r in roles) + " |"
    sep = "|---|" + "---|" * len(roles)
    rows = [
        f"| {ACTION_LABELS_FR[a]} (`{a.value}`) | "
        + " | ".join("✅" if a in MATRIX[r] else "—" for r in roles)
        + " |"
        for a in Action
    ]
    return "\n".join([header, sep, *rows])
