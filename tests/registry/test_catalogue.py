"""The starter catalogue: at least 40 real use cases from public sources, loaded idempotently."""

import pytest
from django.core.management import call_command

from atlasia.audit.models import AuditEntry
from atlasia.registry.models import Organisation, UseCase

pytestmark = pytest.mark.django_db


def test_catalogue_loads_forty_sourced_use_cases_and_reloading_creates_no_duplicate() -> None:
    call_command("load_catalogue", verbosity=0)
    count = UseCase.objects.count()
    assert count >= 40
    assert not UseCase.objects.filter(from_public_sources=False).exists()
    assert not UseCase.objects.filter(sources__isnull=True).exists(), "every record cites a public source"
    assert all(url.startswith("https://") for url in UseCase.objects.values_list("sources__url", flat=True))
    dmde = UseCase.objects.get(catalogue_slug="cnaf-datamining-donnees-entrantes")
    assert dmde.organisation.type == "cnaf"
    audits = AuditEntry.objects.count()
    call_command("load_catalogue", verbosity=0)
    assert UseCase.objects.count() == count
    assert AuditEntry.objects.count() == audits


def test_catalogue_organisations_pass_their_own_validation() -> None:
    call_command("load_catalogue", verbosity=0)
    for organisation in Organisation.objects.all():
        organisation.full_clean()
    assert Organisation.objects.filter(country="FR").exclude(region="").count() >= 10


def test_demo_command_prints_the_logins(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("load_demo")
    out = capsys.readouterr().out
    assert "atlasia-demo-2026" in out and "referent-caf" in out and "national" in out
    # The CAF accounts belong to the Cnaf (the head of the network), on SQLite and PostgreSQL alike.
    from atlasia.accounts.models import Membership

    for username in ("referent-caf", "agent-caf", "dpo-caf", "admin-caf"):
        membership = Membership.objects.select_related("organisation").get(user__username=username)
        assert membership.organisation.parent_id is None, (username, membership.organisation.name)
