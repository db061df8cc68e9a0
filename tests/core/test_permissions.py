"""The pure permission rule (atlasia.core.permissions), without Django: each scope rule of
docs/permissions.md on hand-built actors and targets."""

from types import MappingProxyType

from atlasia.core.permissions import (
    ANONYMOUS,
    LEVEL_INTERNAL,
    LEVEL_NETWORK,
    LEVEL_PUBLIC,
    NETWORK_ACTIONS,
    Actor,
    Perimeter,
    Target,
    allows,
    allows_somewhere,
    grant,
)
from atlasia.core.roles import Action, Role

A = Action
OWN = Target(organisation_id=1, region="32")
OWN_INTERNAL = Target(organisation_id=1, region="32", publication_level=LEVEL_INTERNAL)
SAME_REGION_INTERNAL = Target(organisation_id=2, region="32", publication_level=LEVEL_INTERNAL)
ELSEWHERE_INTERNAL = Target(organisation_id=3, region="84", publication_level=LEVEL_INTERNAL)
ELSEWHERE_NETWORK = Target(organisation_id=3, region="84", publication_level=LEVEL_NETWORK)
ELSEWHERE_PUBLIC = Target(organisation_id=3, region="84", publication_level=LEVEL_PUBLIC)
ELSEWHERE_ORG = Target(organisation_id=3, region="84")


def member(role: Role) -> Actor:
    return Actor(user_id=10, roles=MappingProxyType({1: frozenset({role})}))


NATIONAL = Actor(user_id=11, perimeter=Perimeter(national=True))
REGIONAL = Actor(user_id=12, perimeter=Perimeter(regions=frozenset({"32"})))
ADMIN = Actor(user_id=13, is_platform_admin=True)


def test_members_act_in_their_organisation_with_their_roles_only() -> None:
    contributor = member(Role.CONTRIBUTOR)
    assert allows(contributor, A.USECASE_EDIT, OWN_INTERNAL)
    assert not allows(contributor, A.USECASE_DELETE, OWN_INTERNAL)
    assert allows(member(Role.REFERENT), A.USECASE_DELETE, OWN_INTERNAL)
    assert not allows(member(Role.REFERENT), A.USECASE_EDIT, SAME_REGION_INTERNAL)


def test_shared_records_are_read_by_anyone_signed_in_but_not_what_hangs_from_them() -> None:
    contributor = member(Role.CONTRIBUTOR)
    assert allows(contributor, A.USECASE_VIEW, ELSEWHERE_NETWORK)
    assert allows(contributor, A.USECASE_VIEW, ELSEWHERE_PUBLIC)
    assert not allows(contributor, A.USECASE_VIEW, ELSEWHERE_INTERNAL)
    assert not allows(contributor, A.USECASE_VIEW, ELSEWHERE_ORG)  # the organisation's own records
    assert not allows(contributor, A.USECASE_EDIT, ELSEWHERE_NETWORK)
    assert not allows(contributor, A.AUDIT_VIEW, ELSEWHERE_NETWORK)


def test_anonymous_reads_public_records_only() -> None:
    assert allows(ANONYMOUS, A.USECASE_VIEW, ELSEWHERE_PUBLIC)
    assert not allows(ANONYMOUS, A.USECASE_VIEW, ELSEWHERE_NETWORK)
    assert all(not allows(ANONYMOUS, a, ELSEWHERE_PUBLIC) for a in Action if a != A.USECASE_VIEW)
    assert not allows_somewhere(ANONYMOUS, A.USECASE_VIEW)


def test_regional_team_reads_its_region_and_writes_nothing() -> None:
    assert allows(REGIONAL, A.USECASE_VIEW, SAME_REGION_INTERNAL)
    assert allows(REGIONAL, A.AUDIT_VIEW, SAME_REGION_INTERNAL)
    assert not allows(REGIONAL, A.USECASE_VIEW, ELSEWHERE_INTERNAL)
    assert allows(REGIONAL, A.USECASE_VIEW, ELSEWHERE_NETWORK)
    assert not allows(REGIONAL, A.USECASE_EDIT, SAME_REGION_INTERNAL)
    # Campaigns are a network-level action: not a right on each organisation of the region.
    assert not allows(REGIONAL, A.CAMPAIGN_MANAGE, SAME_REGION_INTERNAL)
    assert allows_somewhere(REGIONAL, A.CAMPAIGN_MANAGE)


def test_national_team_reads_and_prioritises_everywhere_but_edits_no_organisations_weights() -> None:
    assert allows(NATIONAL, A.USECASE_VIEW, ELSEWHERE_INTERNAL)
    assert allows(NATIONAL, A.USECASE_PRIORITISE, ELSEWHERE_INTERNAL)
    assert not allows(NATIONAL, A.USECASE_EDIT, ELSEWHERE_INTERNAL)
    assert not allows(NATIONAL, A.WEIGHTS_EDIT, ELSEWHERE_ORG)
    assert allows_somewhere(NATIONAL, A.WEIGHTS_EDIT)  # the national profile
    assert A.WEIGHTS_EDIT in NETWORK_ACTIONS


def test_platform_admin_may_do_everything_everywhere() -> None:
    assert all(grant(ADMIN, a).everything for a in Action)


def test_roles_in_an_organisation() -> None:
    assert member(Role.DPO).roles_in(1) == {Role.DPO}
    assert REGIONAL.roles_in(2, "32") == {Role.REGIONAL_REVIEWER}
    assert REGIONAL.roles_in(3, "84") == frozenset()
    assert NATIONAL.roles_in(3, "84") == {Role.NATIONAL_REVIEWER}
    assert ANONYMOUS.roles_in(1, "32") == frozenset()


def test_a_region_less_organisation_is_never_in_a_regional_perimeter() -> None:
    assert not allows(
        REGIONAL, A.USECASE_VIEW, Target(organisation_id=5, region="", publication_level="internal")
    )
