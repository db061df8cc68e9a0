from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from atlasia.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _form(**extra: str) -> dict[str, str]:
    data = {
        "name": "CHU de Lille",
        "type": "hospital",
        "region": "32",
        "department": "59",
        "siren": "",
        "finess": "",
    }
    data.update(extra)
    return data


def test_org_admin_edits_with_valid_siren_and_finess_and_it_is_audited(world: dict[str, Any]) -> None:
    org = world["org_a"]
    response = _client(world["users"]["org_admin"]).post(
        reverse("organisation_edit", args=[org.slug]), _form(siren="130 005 481", finess="590780193")
    )
    assert response.status_code == 302
    org.refresh_from_db()
    assert (org.siren, org.finess) == ("130005481", "590780193")
    entry = AuditEntry.objects.get(object_type="registry.organisation", action="update")
    assert entry.changes["siren"] == ["", "130005481"]


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("siren", "130005482", "clé de contrôle"),
        ("finess", "59078019", "9 caractères"),
        ("department", "33", "appartient à la région Nouvelle-Aquitaine"),
    ],
)
def test_invalid_identifiers_are_explained_and_nothing_changes(
    world: dict[str, Any], field: str, value: str, message: str
) -> None:
    org = world["org_a"]
    response = _client(world["users"]["org_admin"]).post(
        reverse("organisation_edit", args=[org.slug]), _form(**{field: value})
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    org.refresh_from_db()
    assert org.siren == "" and org.department == "59"
    assert not AuditEntry.objects.exists()


def test_referent_cannot_edit_the_organisation(world: dict[str, Any]) -> None:
    response = _client(world["users"]["referent"]).get(
        reverse("organisation_edit", args=[world["org_a"].slug])
    )
    assert response.status_code == 404


def test_organisation_page_lists_only_visible_records(world: dict[str, Any]) -> None:
    html = (
        _client(world["users"]["referent"])
        .get(reverse("organisation_detail", args=["caf-gironde"]))
        .content.decode()
    )
    assert "Relances réseau B" in html and "Ciblage interne B" not in html


def test_overseas_department_and_region_are_accepted(world: dict[str, Any], make_org: Any) -> None:
    org = make_org(name="CHU de La Réunion", slug="chu-reunion", region="04", department="974")
    org.full_clean()


def test_org_admin_removes_a_member_with_audit(world: dict[str, Any], make_user: Any) -> None:
    from atlasia.accounts.models import Membership

    newcomer = make_user(world["org_a"], "dpo", username="nouvelle", email="nouvelle@chu.fr")
    membership = Membership.objects.get(user=newcomer, organisation=world["org_a"])
    client = _client(world["users"]["org_admin"])
    client.post(reverse("membership_remove", args=[world["org_a"].slug, membership.pk]))
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert AuditEntry.objects.filter(object_type="accounts.membership", action="delete").count() == 1


def test_an_org_admin_can_no_longer_add_an_existing_account_without_invitation(
    world: dict[str, Any], make_user: Any
) -> None:
    """Issue 22: members join by accepting an invitation; the old direct "add" form and URL are gone."""
    from atlasia.accounts.models import Membership

    make_user(username="nouvelle", email="nouvelle@chu.fr")
    client = _client(world["users"]["org_admin"])
    page = client.get(reverse("organisation_detail", args=[world["org_a"].slug])).content.decode()
    assert "Inviter un membre" in page and "Identifiant ou courriel du compte" not in page
    response = client.post(
        f"/organisations/{world['org_a'].slug}/membres/", {"identifier": "nouvelle", "role": "dpo"}
    )
    assert response.status_code in (404, 405)
    assert not Membership.objects.filter(user__username="nouvelle").exists()


def test_last_org_admin_cannot_be_removed(world: dict[str, Any]) -> None:
    from atlasia.accounts.models import Membership

    membership = Membership.objects.get(user=world["users"]["org_admin"], role="org_admin")
    client = _client(world["users"]["org_admin"])
    page = client.post(
        reverse("membership_remove", args=[world["org_a"].slug, membership.pk]), follow=True
    ).content.decode()
    assert "garder au moins un administrateur" in page
    assert Membership.objects.filter(pk=membership.pk).exists()


@pytest.mark.parametrize("who", ["referent", "other_referent", "national"])
def test_only_the_org_admin_manages_members(world: dict[str, Any], who: str) -> None:
    from atlasia.accounts.models import Membership

    before = Membership.objects.count()
    response = _client(world["users"][who]).post(
        reverse("invitation_create", args=[world["org_a"].slug]), {"email": "x@chu.fr", "role": "org_admin"}
    )
    assert response.status_code == 404
    assert Membership.objects.count() == before
