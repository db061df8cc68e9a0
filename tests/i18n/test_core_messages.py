"""Every message code of the core (:mod:`atlasia.core.messages`: a spreadsheet's errors, an evaluation
file's refusals, the import's own) has a French and an English rendering with its parameters filled.

The core has no gettext: its French templates are the catalogue's msgids, appended by hand, so nothing
else would notice a code added without its English. The modules registering codes are found in the
source, so a new one is covered without being listed."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

from atlasia.core import messages as m

ROOT = Path(settings.BASE_DIR)
SAME_IN_ENGLISH = {"score", "date"}


def _registering_modules() -> list[str]:
    found = []
    for path in sorted((ROOT / "atlasia").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if "register(MESSAGES)" in text and "atlasia.core.messages import" in text:
            found.append(".".join(path.relative_to(ROOT).with_suffix("").parts))
    return found


def _codes() -> list[str]:
    for module in _registering_modules():
        importlib.import_module(module)
    return sorted(code for code in m.CATALOGUE if code != m.VERBATIM)


def test_the_registering_modules_are_found() -> None:
    modules = _registering_modules()
    assert {
        "atlasia.core.spreadsheet",
        "atlasia.exchange.importers",
        "atlasia.core.evaluation.messages",
    } <= set(modules)
    assert len(_codes()) > 80


@pytest.mark.parametrize("code", _codes())
def test_every_code_reads_in_french_and_in_english_with_its_parameters(code: str) -> None:
    params = {name: f"<{name}>" for name in m.placeholders(code)}
    message = m.Message(code, params)
    french = message.render(m.FR)
    with translation.override("en"):
        english = message.render(m.english(gettext))
    assert english != french, f"{code}: no English in locale/en/LC_MESSAGES/django.po"
    for value in params.values():
        assert value in french and value in english, f"{code}: {value} lost"
    assert "%(" not in english and "«" not in english, english


def test_numbers_dates_and_sizes_follow_the_language() -> None:
    params = {"ratio": m.n(12345), "part": "xl/worksheets/sheet1.xml", "packed": m.size(2048)}
    params |= {"unpacked": m.size(3 * 1024 * 1024 // 2), "max": m.n(100)}
    message = m.Message("sheet.zip_ratio", params)
    assert "12\u202f345 fois (2 ko → 1,5 Mo)" in message.render()
    with translation.override("en"):
        assert "12,345 times (2 KB → 1.5 MB)" in message.render(m.english(gettext))
    dates = m.Message(
        "sheet.end_before_start", {"end": {"$date": "2026-03-12"}, "start": {"$date": "2026-12-01"}}
    )
    assert dates.render() == "la date de fin (12/03/2026) est antérieure à la date de début (01/12/2026)"
    with translation.override("en"):
        assert (
            dates.render(m.english(gettext))
            == "the end date (2026-03-12) is before the start date (2026-12-01)"
        )


def test_a_stored_message_without_a_known_code_shows_its_french_text() -> None:
    assert m.localise("Texte ancien", None, m.english(gettext)) == "Texte ancien"
    assert (
        m.localise("Texte ancien", {"code": "gone.code", "params": {}}, m.english(gettext)) == "Texte ancien"
    )


def test_the_words_the_messages_name_have_their_english() -> None:
    """Column labels (a column missing from the file), stages (the « Étape » column's refusals) and the
    roles of an evaluation file's columns."""
    from atlasia.core import spreadsheet as sp
    from atlasia.core.evaluation.messages import ROLES
    from atlasia.core.lifecycle import STATUS_LABELS_FR

    words = [c.label_fr for c in sp.COLUMNS] + list(STATUS_LABELS_FR.values()) + list(ROLES)
    with translation.override("en"):
        untranslated = [w for w in words if gettext(w) == w and w not in SAME_IN_ENGLISH]
    assert untranslated == []
