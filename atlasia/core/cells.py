"""Spreadsheet cells that cannot attack their reader (CSV / formula injection), without Django.

OWASP « CSV Injection » guidance: a cell whose text starts with ``=``, ``+``, ``-``, ``@``, a tab
(0x09) or a carriage return (0x0D) is read as a formula by spreadsheet software (``=HYPERLINK(…)``,
``=cmd|' /C calc'!A0``, ``@SUM(…)``, ``-2+3``). Such a cell is written with a leading single quote,
which spreadsheet software shows as text and does not evaluate; the CSV writer quotes the cell as
needed (embedded separators, double quotes, line breaks).

The transformation is reversible, so that a program reading the file gets the original text back
(:func:`restore`): a value that already starts with quotes followed by one of those characters gets
one more quote, and reading removes exactly one.
"""

from __future__ import annotations

#: First characters that make spreadsheet software evaluate a cell (OWASP).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _is_protected_form(text: str) -> bool:
    """``'…'=…``: one or more quotes followed by a formula prefix."""
    rest = text.lstrip("'")
    return len(rest) < len(text) and rest[:1] in FORMULA_PREFIXES


def neutralise(text: str) -> str:
    """The text to write in a CSV or XLSX cell so that it is never evaluated as a formula."""
    if text[:1] in FORMULA_PREFIXES or _is_protected_form(text):
        return "'" + text
    return text


def restore(text: str) -> str:
    """The original text of a cell written by :func:`neutralise`."""
    if _is_protected_form(text):
        return text[1:]
    return text
