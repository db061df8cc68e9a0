"""One permission rule: on the demonstration data, for every demo account (and an API token's service
account), every record and every action, ``can(actor, action, obj)`` answers exactly what the scoped
queryset (``usecases_for``, ``organisations_for``, ``scoped``) contains — so a list never shows what the
page refuses, nor hides what the page allows. Plus the semantics the two must agree on
(docs/permissions.md), and the refusals a user and an API caller see."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse

from atlasia.accounts import perms
from atlasia.accounts.actor import actor_for, forget_actor
from atlasia.accounts.models import User
from atlasia.core.permissions import ANONYMOUS, SHARED_LEVELS, Actor
from atlasia.core.roles import Action
from atlasia.demo.accounts import DEMO_ACCOUNTS
from atlasia.registry.enums import PublicationLevel
from atlasia.registry.models import Organisation, UseCase
from atlasia.registry.selectors import organisations_for, usecases_for, usecases_to_do, usecases_visible_to

ACTIONS = list(Action)


@pytest.fixture(scope="module")
def demo_data(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    """The demonstration, loaded once for this module inside a transaction rolled back at its end (each
    test then runs in a savepoint of its own, like a TestCase class)."""
    from atlasia.exchange.services import token_create

    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115
        users = {u.username: u for u in User.objects.filter(username__in=[a.username for a in DEMO_ACCOUNTS])}
        assert len(users) == len(DEMO_ACCOUNTS)
        cnaf = users["admin-caf"].memberships.get().organisation
        token, raw = token_create(
            actor=users["admin-caf"], organisation=cnaf, role="referent", label="Agreement"
        )
        yield {"users": users, "token": token, "raw": raw}
        transaction.set_rollback(True)


@pytest.fixture
def demo(demo_data: dict[str, Any], db: Any) -> dict[str, Any]:
    for user in demo_data["users"].values():
        forget_actor(user)
    forget_actor(demo_data["token"].service_user)
    return demo_data


def _actors(demo: dict[str, Any]) -> dict[str, Actor]:
    actors = {name: actor_for(user) for name, user in demo["users"].items()}
    actors["api-token"] = actor_for(demo["token"].service_user, service_account=True)
    actors["anonymous"] = ANONYMOUS
    return actors


def test_can_and_the_scoped_querysets_agree_for_every_demo_actor_record_and_action(
    demo: dict[str, Any],
) -> None:
    actors = _actors(demo)
    use_cases = list(UseCase.objects.select_related("organisation").order_by("pk"))
    organisations = list(Organisation.objects.order_by("pk"))
    assert len(use_cases) >= 30 and len(organisations) >= 20, "the demonstration should be substantial"
    levels = {uc.publication_level for uc in use_cases}
    assert levels == set(PublicationLevel.values), "every publication level should be in the demo"
    disagreements: list[str] = []
    checked = 0
    for name, actor in actors.items():
        for action in ACTIONS:
            listed = set(usecases_for(actor, action).values_list("pk", flat=True))
            for uc in use_cases:
                checked += 1
                if perms.can(actor, action, uc) != (uc.pk in listed):
                    disagreements.append(f"{name} {action} use case {uc.pk} ({uc.publication_level})")
            listed_orgs = set(organisations_for(actor, action).values_list("pk", flat=True))
            for org in organisations:
                checked += 1
                if perms.can(actor, action, org) != (org.pk in listed_orgs):
                    disagreements.append(f"{name} {action} organisation {org.pk}")
    assert not disagreements, f"{len(disagreements)} disagreements, e.g. {disagreements[:10]}"
    # users × (use cases + organisations) × actions: printed with -s, quoted in the issue.
    print(
        f"\nagreement: {len(actors)} actors × ({len(use_cases)} use cases + {len(organisations)} "
        f"organisations) × {len(ACTIONS)} actions = {checked} checks"
    )
    assert checked == len(actors) * (len(use_cases) + len(organisations)) * len(ACTIONS)


def test_the_user_and_her_actor_get_the_same_answers(demo: dict[str, Any]) -> None:
    """Services pass the user who acts, views pass her actor: the same answers."""
    use_cases = list(UseCase.objects.select_related("organisation").order_by("pk")[:40])
    for user in demo["users"].values():
        actor = actor_for(user)
        for action in (Action.USECASE_VIEW, Action.USECASE_EDIT, Action.USECASE_PRIORITISE):
            assert set(usecases_for(user, action)) == set(usecases_for(actor, action))
            for uc in use_cases:
                assert perms.can(user, action, uc) is perms.can(actor, action, uc)


def _hanging_selectors() -> list[tuple[str, Action, Any, Any]]:
    """(name, action, model, domain selector) of what hangs from a record or an organisation."""
    from atlasia.compliance import selectors as compliance
    from atlasia.compliance.models import ObligationItem, Risk, Vendor
    from atlasia.monitoring.externalities.models import Externality
    from atlasia.monitoring.externalities.selectors import externalities_visible_to
    from atlasia.monitoring.footprint.models import Footprint
    from atlasia.monitoring.footprint.selectors import footprints_visible_to
    from atlasia.monitoring.incidents.models import Incident
    from atlasia.monitoring.incidents.selectors import incidents_visible_to

    return [
        ("obligation", Action.COMPLIANCE_VIEW, ObligationItem, compliance.obligations_visible_to),
        ("risk", Action.COMPLIANCE_VIEW, Risk, compliance.risks_visible_to),
        ("vendor", Action.COMPLIANCE_VIEW, Vendor, compliance.vendors_visible_to),
        ("use case's file", Action.COMPLIANCE_VIEW, UseCase, compliance.usecases_with_file),
        ("organisation's files", Action.COMPLIANCE_VIEW, Organisation, compliance.organisations_with_files),
        ("incident", Action.USECASE_VIEW, Incident, incidents_visible_to),
        ("externality", Action.USECASE_VIEW, Externality, externalities_visible_to),
        ("footprint", Action.USECASE_VIEW, Footprint, footprints_visible_to),
    ]


def test_domain_selectors_of_what_hangs_from_a_record_agree_with_can(demo: dict[str, Any]) -> None:
    """Obligations, risks, vendors, incidents, externalities, footprints: each domain's scoped list is
    exactly what ``can`` allows, for every demo actor; a record shared with the network does not open
    what hangs from it (the organisation and its reviewers only)."""
    disagreements: list[str] = []
    checked = 0
    counts: dict[str, int] = {}
    for kind, action, model, visible_to in _hanging_selectors():
        objects = list(model.objects.order_by("pk"))
        counts[kind] = len(objects)
        for name, actor in _actors(demo).items():
            listed = set(visible_to(actor).values_list("pk", flat=True))
            for obj in objects:
                checked += 1
                # A use case's compliance file is not the use case: ask about it as an organisation's object.
                target = perms.target_of(obj)
                if kind == "use case's file":
                    target = perms.Target(target.organisation_id, target.region)
                if perms.can(actor, action, target) != (obj.pk in listed):
                    disagreements.append(f"{name} {kind} {obj.pk}")
    assert all(counts[k] for k in ("obligation", "risk", "incident", "externality", "footprint")), counts
    assert not disagreements, f"{len(disagreements)} disagreements, e.g. {disagreements[:10]}"
    print(f"\nhanging objects: {counts}, {checked} checks")


def test_hanging_objects_follow_their_organisation_not_the_publication_level(demo: dict[str, Any]) -> None:
    from atlasia.compliance.models import ObligationItem

    shared = [
        o
        for o in ObligationItem.objects.select_related("use_case__organisation")
        if o.use_case.publication_level in SHARED_LEVELS
    ]
    outsider = actor_for(demo["users"]["agent-mdph"])
    for obligation in shared:
        if obligation.use_case.organisation_id in outsider.organisation_ids:
            continue
        assert perms.can(outsider, Action.USECASE_VIEW, obligation.use_case)
        assert not perms.can(outsider, Action.COMPLIANCE_VIEW, obligation)
        assert not perms.can(outsider, Action.USECASE_VIEW, obligation)


def test_semantics_of_each_demo_role(demo: dict[str, Any]) -> None:
    """What docs/permissions.md says, on the demonstration."""
    users = demo["users"]
    everything = UseCase.objects.count()
    hdf = UseCase.objects.filter(organisation__region="32")
    shared = UseCase.objects.filter(publication_level__in=SHARED_LEVELS)
    # The national team reads everything, internal records included, and prioritises everywhere.
    assert usecases_visible_to(users["national"]).count() == everything
    assert usecases_for(users["national"], Action.USECASE_PRIORITISE).count() == everything
    # …but writes nothing on records, and an organisation's own weights are its administrators'.
    for action in (
        Action.USECASE_EDIT,
        Action.USECASE_DELETE,
        Action.USECASE_PUBLISH,
        Action.USECASE_QUALIFY,
    ):
        assert not usecases_for(users["national"], action).exists()
    assert not organisations_for(users["national"], Action.WEIGHTS_EDIT).exists()
    assert perms.can_anywhere(users["national"], Action.WEIGHTS_EDIT)  # the national profile
    # The regional team reads its region (internal records included) and what is shared, writes nothing.
    regional = set(usecases_visible_to(users["region-hdf"]))
    assert regional == set(hdf) | set(shared)
    assert not usecases_for(users["region-hdf"], Action.USECASE_EDIT).exists()
    assert set(usecases_for(users["region-hdf"], Action.AUDIT_VIEW)) == set(hdf)
    # A contributor edits her organisation's records, deletes none; the referent deletes them.
    cnaf = users["agent-caf"].memberships.get().organisation
    own = set(UseCase.objects.filter(organisation=cnaf))
    assert own and set(usecases_for(users["agent-caf"], Action.USECASE_EDIT)) == own
    assert not usecases_for(users["agent-caf"], Action.USECASE_DELETE).exists()
    assert set(usecases_for(users["referent-caf"], Action.USECASE_DELETE)) == own
    # A team's perimeter is not its to-do list: the inbox asks the organisation's members to score.
    assert not usecases_to_do(users["national"], Action.USECASE_PRIORITISE).exists()
    for user in users.values():
        for action in (Action.USECASE_PRIORITISE, Action.USECASE_EDIT):
            assert set(usecases_to_do(user, action)) <= set(usecases_for(user, action))
    # Anonymous callers read public records only.
    assert set(usecases_visible_to(ANONYMOUS)) == set(
        UseCase.objects.filter(publication_level=PublicationLevel.PUBLIC)
    )
    # The API token's account holds its role in its organisation, nothing more.
    service = actor_for(demo["token"].service_user, service_account=True)
    assert service.is_service_account and not service.is_platform_admin and not service.perimeter
    assert set(usecases_for(service, Action.USECASE_DELETE)) == own


def _other_internal(user: User) -> UseCase:
    mine = perms.member_organisation_ids(user)
    uc = (
        UseCase.objects.filter(publication_level=PublicationLevel.INTERNAL)
        .exclude(organisation_id__in=mine)
        .order_by("pk")
        .first()
    )
    assert uc is not None
    return uc


def test_another_organisations_internal_record_is_404_on_the_pages(demo: dict[str, Any]) -> None:
    user = demo["users"]["referent-hopital"]
    uc = _other_internal(user)
    client = Client()
    client.force_login(user)
    for name in ("usecase_detail", "usecase_edit", "usecase_delete"):
        assert client.get(reverse(name, args=[uc.pk])).status_code == 404, name
    before = UseCase.objects.get(pk=uc.pk).title
    assert client.post(reverse("usecase_edit", args=[uc.pk]), {"title": "Piraté"}).status_code == 404
    assert UseCase.objects.get(pk=uc.pk).title == before


def test_another_organisations_records_are_404_in_the_api(demo: dict[str, Any]) -> None:
    client = Client(HTTP_AUTHORIZATION=f"Bearer {demo['raw']}")
    service = demo["token"].service_user
    uc = _other_internal(service)
    assert client.get(f"/api/v1/usecases/{uc.uid}").status_code == 404
    assert (
        client.patch(
            f"/api/v1/usecases/{uc.uid}", json.dumps({"title": "Piraté"}), content_type="application/json"
        ).status_code
        == 404
    )
    assert client.delete(f"/api/v1/usecases/{uc.uid}").status_code == 404
    # A record another organisation shares with the network: readable, still not writable (404).
    shared = (
        UseCase.objects.filter(publication_level=PublicationLevel.NETWORK)
        .exclude(organisation_id=demo["token"].organisation_id)
        .first()
    )
    assert shared is not None
    assert client.get(f"/api/v1/usecases/{shared.uid}").status_code == 200
    assert client.delete(f"/api/v1/usecases/{shared.uid}").status_code == 404
    assert UseCase.objects.filter(pk=shared.pk).exists()
    # Signed out: an internal record does not exist.
    assert Client().get(f"/api/v1/usecases/{uc.uid}").status_code == 404


def test_the_core_knows_the_registrys_publication_levels() -> None:
    from atlasia.core.permissions import LEVEL_INTERNAL, LEVEL_NETWORK, LEVEL_PUBLIC

    assert {LEVEL_INTERNAL, LEVEL_NETWORK, LEVEL_PUBLIC} == set(PublicationLevel.values)
    assert {PublicationLevel.NETWORK, PublicationLevel.PUBLIC} == SHARED_LEVELS
