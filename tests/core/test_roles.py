"""Every cell of the permission matrix, against a table written independently here."""

import pytest

from atlasia.core.roles import Action, Role, matrix_as_markdown, role_allows

# One line per action: the roles allowed, in the order
# contributor, referent, dpo, org_admin, regional_reviewer, national_reviewer, platform_admin.
EXPECTED = {
    "usecase.view": "1111111",
    "usecase.create": "1101001",
    "usecase.edit": "1111001",
    "usecase.delete": "0101001",
    "usecase.publish": "0101001",
    "usecase.qualify": "0111001",
    "usecase.transition": "0111001",
    "usecase.prioritise": "0101011",
    "experiment.edit": "1101001",
    "evaluation.run": "0101001",
    "attachment.upload": "1111001",
    "audit.view": "0111111",
    "organisation.edit": "0001001",
    "members.manage": "0001001",
    "weights.edit": "0001011",
    "report.publish": "0000011",
    "reference_data.edit": "0000001",
    "compliance.view": "1111111",
    "obligation.edit": "1111001",
    "obligation.signoff": "0100001",
    "obligation.signoff_dpo": "0010001",
    "risk.edit": "0111001",
    "vendor.edit": "0101001",
    "campaign.manage": "0000111",
    "campaign.answer": "0101001",
    "committee.manage": "0000011",
}
ROLES = [
    Role.CONTRIBUTOR,
    Role.REFERENT,
    Role.DPO,
    Role.ORG_ADMIN,
    Role.REGIONAL_REVIEWER,
    Role.NATIONAL_REVIEWER,
    Role.PLATFORM_ADMIN,
]


def test_expected_table_covers_every_action() -> None:
    assert set(EXPECTED) == {a.value for a in Action}


@pytest.mark.parametrize("action", list(EXPECTED))
@pytest.mark.parametrize("index", range(len(ROLES)))
def test_matrix_cell(action: str, index: int) -> None:
    assert role_allows(ROLES[index], action) is (EXPECTED[action][index] == "1")


def test_documented_table_is_generated_from_the_matrix() -> None:
    table = matrix_as_markdown()
    assert table.count("\n") == len(Action) + 1
    with open("docs/permissions.md", encoding="utf-8") as handle:
        assert table in handle.read(), (
            "docs/permissions.md is out of date: regenerate it from matrix_as_markdown()"
        )
