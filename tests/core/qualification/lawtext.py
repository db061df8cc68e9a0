"""Read the AI Act passages shipped in tests/qualification/legal/ (EUR-Lex origin in each file's header).

``article(n)`` gives an article's text, ``paragraph(n, p)`` one numbered paragraph, ``point(n, p, x)``
one lettered point, so that a test can check that a citation of the engine points to text that exists
and says what the obligation claims.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

HERE = Path(__file__).resolve().parents[2] / "qualification" / "legal"
CONSOLIDATED = HERE / "ai_act_consolidated_2026-07-27.md"
ORIGINAL = HERE / "ai_act_original_2024-07-12_excerpts.txt"


@cache
def _consolidated_blocks() -> dict[str, str]:
    text = CONSOLIDATED.read_text(encoding="utf-8")
    blocks: dict[str, str] = {}
    parts = re.split(r"^(#### Article \w+ .*|## ANNEX \w+ .*)$", text, flags=re.M)
    for head, body in zip(parts[1::2], parts[2::2], strict=True):
        m = re.match(r"#### Article (\w+) |## ANNEX (\w+) ", head)
        assert m is not None
        key = m.group(1) if m.group(1) else f"Annex {m.group(2)}"
        blocks[key] = body
    return blocks


def article(number: str) -> str:
    """Article ``number`` ("23") or annex ("Annex IV") of the consolidated text (2026-07-27)."""
    return _consolidated_blocks()[number]


def paragraph(number: str, par: str) -> str:
    """Numbered paragraph ``par`` ("1", "1a") of an article, up to the next numbered paragraph."""
    text = article(number)
    m = re.search(rf"^{re.escape(par)}\. (.*?)(?=^\d+[a-z]?\. |\Z)", text, flags=re.M | re.S)
    if m is None:
        raise KeyError(f"Article {number}({par}) absent from the shipped text")
    return " ".join(m.group(1).split())


def point(number: str, par: str, letter: str) -> str:
    """Lettered point ``(letter)`` of a paragraph."""
    text = paragraph(number, par)
    # a point ends where the next one starts, after the « ; » or « : » that closes it
    m = re.search(rf"(?:^|[:;] )\({re.escape(letter)}\) (.*?)(?=[:;] \([a-z]{{1,2}}\) |\Z)", text)
    if m is None:
        raise KeyError(f"Article {number}({par})({letter}) absent from the shipped text")
    return m.group(1)


def original() -> str:
    """The 2024 passages (Art. 2(2), Art. 113, Annex I) as one block of text."""
    return " ".join(ORIGINAL.read_text(encoding="utf-8").split())
