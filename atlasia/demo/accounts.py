"""Demo accounts: one person per role, attached to organisations of the starter catalogue."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from atlasia.accounts.models import Membership, ReviewerScope, User
from atlasia.registry.models import Organisation

DEMO_PASSWORD = "atlasia-demo-2026"  # noqa: S105 - printed on purpose, demo instance only


@dataclass(frozen=True)
class DemoAccount:
    username: str
    first_name: str
    last_name: str
    description: str
    org_type: str = ""
    role: str = ""
    reviewer_scope: str = ""
    reviewer_region: str = ""
    platform_admin: bool = False


DEMO_ACCOUNTS = [
    DemoAccount("admin", "Camille", "Admin", "administratrice de la plateforme", platform_admin=True),
    DemoAccount(
        "national",
        "Nadia",
        "Cnsa",
        "équipe nationale (lit tout, priorise, publie)",
        reviewer_scope=ReviewerScope.NATIONAL,
    ),
    DemoAccount(
        "region-hdf",
        "Hugo",
        "Ars",
        "équipe régionale Hauts-de-France (lit sa région)",
        reviewer_scope=ReviewerScope.REGIONAL,
        reviewer_region="32",
    ),
    DemoAccount("referent-caf", "Rachel", "Caf", "référente IA de la Cnaf", org_type="cnaf", role="referent"),
    DemoAccount("agent-caf", "Alain", "Caf", "contributeur à la Cnaf", org_type="cnaf", role="contributor"),
    DemoAccount("dpo-caf", "Diane", "Caf", "DPO de la Cnaf", org_type="cnaf", role="dpo"),
    DemoAccount(
        "admin-caf",
        "Olivier",
        "Caf",
        "administrateur de l'organisation Cnaf",
        org_type="cnaf",
        role="org_admin",
    ),
    DemoAccount(
        "referent-hopital",
        "Hélène",
        "Hopital",
        "référente IA d'un hôpital",
        org_type="hospital",
        role="referent",
    ),
    DemoAccount("agent-mdph", "Marc", "Mdph", "contributeur d'une MDPH", org_type="mdph", role="contributor"),
]


def _organisation_for(org_type: str) -> Organisation:
    # Prefer the head of a network (no parent) with the most use cases, so the demo has content. NULL
    # sorts first on SQLite and last on PostgreSQL: say where it goes, or PostgreSQL picks a local CAF.
    from django.db.models import Count, F

    organisation: Organisation | None = (
        Organisation.objects.filter(type=org_type, country="FR")
        .annotate(n=Count("use_cases"))
        .order_by(F("parent_id").asc(nulls_first=True), "-n", "name")
        .first()
    )
    if organisation is None:
        organisation = Organisation.objects.create(
            name=f"Organisation de démonstration ({org_type})", slug=f"demo-{org_type}", type=org_type
        )
    return organisation


@transaction.atomic
def create_demo_accounts() -> list[tuple[DemoAccount, str]]:
    """Create (or reset) the demo accounts; returns each account with the organisation it acts for."""
    result = []
    for account in DEMO_ACCOUNTS:
        user, _ = User.objects.get_or_create(username=account.username)
        user.first_name, user.last_name = account.first_name, account.last_name
        user.email = f"{account.username}@demo.atlas-ia.invalid"
        user.reviewer_scope = account.reviewer_scope
        user.reviewer_region = account.reviewer_region
        user.is_platform_admin = account.platform_admin
        user.is_staff = user.is_superuser = account.platform_admin
        user.set_password(DEMO_PASSWORD)
        user.save()
        where = account.description
        if account.org_type:
            organisation = _organisation_for(account.org_type)
            Membership.objects.get_or_create(user=user, organisation=organisation, role=account.role)
            where = f"{account.description} — {organisation.name}"
        result.append((account, where))
    return result
