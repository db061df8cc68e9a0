"""Qualification of an AI use case under the AI Act, the GDPR and French law (pure Python).

See ``docs/qualification.md``. The result is guidance, not legal advice (:data:`DISCLAIMER_FR`).
"""

from __future__ import annotations

from .engine import (
    DEBATABLE_REASONS_FR,
    DISCLAIMER_EN,
    DISCLAIMER_FR,
    FLAG_LABELS_FR,
    OBLIGATIONS,
    AnswerError,
    applicable_questions,
    derived_answers,
    qualify,
    serious_incident_deadline,
    validate_answers,
)
from .law import CURRENT_LAW_VERSION, LAW_TABLES, LawTable, UnknownLawVersionError
from .questions import QUESTIONS, QUESTIONS_BY_ID, SECTIONS, Option, Question, Section
from .text import format_text_fr

__all__ = [
    "CURRENT_LAW_VERSION",
    "DEBATABLE_REASONS_FR",
    "DISCLAIMER_EN",
    "DISCLAIMER_FR",
    "FLAG_LABELS_FR",
    "LAW_TABLES",
    "OBLIGATIONS",
    "QUESTIONS",
    "QUESTIONS_BY_ID",
    "SECTIONS",
    "AnswerError",
    "LawTable",
    "Option",
    "Question",
    "Section",
    "UnknownLawVersionError",
    "applicable_questions",
    "derived_answers",
    "format_text_fr",
    "qualify",
    "serious_incident_deadline",
    "validate_answers",
]
