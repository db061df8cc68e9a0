"""Scoped reads and writes: another organisation's internal record is a 404, for reading and writing."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from atlasia.audit.models import AuditEntry
from atlasia.registry.models import UseCase
from atlasia.registry.selectors import usecases_visible_to

pytestmark = pytest.mark.django_db


def titles_visible(user: Any) -> set[str]:
    return set(usecases_visible_to(user).values_list("title", flat=True))


ALL = {
    "Triage interne A",
    "Prévision réseau A",
    "Chatbot public A",
    "Ciblage interne B",
    "Relances réseau B",
    "Non-recours public B",
}
SHARED = {"Prévision réseau A", "Chatbot public A", "Relances réseau B", "Non-recours public B"}


@pytest.mark.parametrize(
    "who,expected",
    [
        ("contributor", SHARED | {"Triage interne A"}),
        ("referent", SHARED | {"Triage interne A"}),
        ("other_referent", SHARED | {"Ciblage interne B"}),
        ("regional", SHARED | {"Triage interne A"}),
        ("regional_other", SHARED | {"Ciblage interne B"}),
        ("national", ALL),
        ("admin", ALL),
        ("nobody", SHARED),
    ],
)
def test_each_user_sees_exactly_her_scope(world: dict[str, Any], who: str, expected: set[str]) -> None:
    assert titles_visible(world["users"][who]) == expected


def test_anonymous_selector_sees_only_public(world: dict[str, Any]) -> None:
    from django.contrib.auth.models import AnonymousUser

    assert titles_visible(AnonymousUser()) == {"Chatbot public A", "Non-recours public B"}


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_other_organisations_internal_record_is_404_on_every_route(world: dict[str, Any]) -> None:
    record = world["records"]["b_internal"]
    client = _client(world["users"]["referent"])
    for name in ("usecase_detail", "usecase_edit", "usecase_delete"):
        response = client.get(reverse(name, args=[record.pk]))
        assert response.status_code == 404, name
    assert "Ciblage interne B" not in client.get(reverse("usecase_list")).content.decode()


def test_forged_post_to_another_organisations_record_changes_nothing(world: dict[str, Any]) -> None:
    record = world["records"]["b_network"]  # visible to org A, but not editable by it
    client = _client(world["users"]["referent"])
    before = AuditEntry.objects.count()
    response = client.post(reverse("usecase_edit", args=[record.pk]), {"title": "Piraté", "summary": "x"})
    assert response.status_code == 404
    response = client.post(reverse("usecase_delete", args=[record.pk]))
    assert response.status_code == 404
    record.refresh_from_db()
    assert record.title == "Relances réseau B"
    assert UseCase.objects.filter(pk=record.pk).exists()
    assert AuditEntry.objects.count() == before


def test_network_record_of_another_organisation_is_readable_but_shows_no_edit_button(
    world: dict[str, Any],
) -> None:
    record = world["records"]["b_network"]
    html = (
        _client(world["users"]["contributor"])
        .get(reverse("usecase_detail", args=[record.pk]))
        .content.decode()
    )
    assert "Relances réseau B" in html
    assert reverse("usecase_edit", args=[record.pk]) not in html


def test_reviewers_read_but_cannot_write(world: dict[str, Any]) -> None:
    record = world["records"]["a_internal"]
    client = _client(world["users"]["regional"])
    assert client.get(reverse("usecase_detail", args=[record.pk])).status_code == 200
    assert client.get(reverse("usecase_edit", args=[record.pk])).status_code == 404
    assert client.get(reverse("usecase_create")).status_code == 403


def test_regional_reviewer_of_another_region_gets_404(world: dict[str, Any]) -> None:
    record = world["records"]["a_internal"]
    assert (
        _client(world["users"]["regional_other"]).get(reverse("usecase_detail", args=[record.pk])).status_code
        == 404
    )


def test_history_tab_is_for_roles_that_may_read_the_audit(world: dict[str, Any]) -> None:
    record = world["records"]["a_internal"]
    url = reverse("usecase_detail", args=[record.pk]) + "?onglet=historique"
    assert _client(world["users"]["contributor"]).get(url).status_code == 404
    assert _client(world["users"]["referent"]).get(url).status_code == 200


def test_anonymous_is_sent_to_login(world: dict[str, Any]) -> None:
    response = Client().get(reverse("usecase_detail", args=[world["records"]["a_public"].pk]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
