"""Formula injection (OWASP « CSV Injection »): every dangerous first character is neutralised and the
original text comes back when the file is read."""

from __future__ import annotations

import pytest

from atlasia.core import cells


@pytest.mark.parametrize(
    "text",
    [
        '=HYPERLINK("http://evil.example","clic")',
        "+33 1 23 45",
        "-2+3",
        "@SUM(A1:A9)",
        "\tcachée",
        "\rretour",
    ],
    ids=["equals", "plus", "minus", "at", "tab", "carriage-return"],
)
def test_a_cell_starting_with_a_formula_character_gets_a_quote_and_reads_back(text: str) -> None:
    written = cells.neutralise(text)
    assert written == "'" + text
    assert cells.restore(written) == text


@pytest.mark.parametrize("text", ["Triage des urgences", "", "'déjà cité", "a=b", "2024-01-01"])
def test_ordinary_text_is_left_alone(text: str) -> None:
    assert cells.neutralise(text) == text
    assert cells.restore(text) == text


def test_text_that_already_looks_protected_survives_the_round_trip() -> None:
    for text in ("'=A1", "''-3", "'@x"):
        assert cells.restore(cells.neutralise(text)) == text
        assert cells.neutralise(text).startswith("''")
