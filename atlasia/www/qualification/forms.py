"""The questionnaire form of one section (DSFR radios and checkboxes, rendered by hand).

Only the questions on the path given the answers so far are shown (``applicable_questions``); the
page lists them in hidden ``shown`` inputs so that a submit changes exactly those answers. « Je ne
sais pas » is always offered; options the engine derives (``derived_answers``) are shown pre-ticked
with their reason and kept in the stored answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import QueryDict

from atlasia.core.qualification import (
    QUESTIONS_BY_ID,
    AnswerError,
    Section,
    applicable_questions,
    derived_answers,
    validate_answers,
)
from atlasia.qualification.display import UNKNOWN_FR
from atlasia.qualification.services import answer_error_fr
from atlasia.www.templatetags.atlasia_i18n import localised_label


class SectionForm:
    def __init__(self, section: Section, answers: Mapping[str, Any], data: QueryDict | None = None) -> None:
        self.section = section
        self.answers = dict(answers)
        self.data = data
        self.errors: dict[str, str] = {}
        self.non_field_errors: list[str] = []
        self.cleaned_answers: dict[str, Any] | None = None
        self.path = applicable_questions(self.answers)
        self.derived = derived_answers(self.answers)

    # --- display -------------------------------------------------------------------------------------

    @property
    def shown_ids(self) -> list[str]:
        on_path = set(self.path)
        return [qid for qid in self.section.question_ids if qid in on_path]

    @property
    def hidden_count(self) -> int:
        return len(self.section.question_ids) - len(self.shown_ids)

    def _current(self, qid: str) -> Any:
        if self.data is not None and qid in self.data.getlist("shown"):
            question = QUESTIONS_BY_ID[qid]
            return self.data.getlist(qid) if question.type == "multi" else self.data.get(qid)
        return self.answers.get(qid)

    def questions(self) -> list[dict[str, Any]]:
        rows = []
        for qid in self.shown_ids:
            question = QUESTIONS_BY_ID[qid]
            current = self._current(qid)
            selected = set(current) if isinstance(current, list | tuple) else {current}
            derived = self.derived.get(qid, {})
            if question.type == "bool":
                pairs = [("yes", "Oui"), ("no", "Non")]
            else:
                pairs = [(o.id, localised_label(o)) for o in question.options]
            if "unknown" not in {v for v, _ in pairs}:
                pairs.append(("unknown", UNKNOWN_FR))
            options = [
                {
                    "value": value,
                    "label": label,
                    "id": f"q-{qid}-{value}",
                    "checked": value in selected or value in derived,
                    "derived_reason": derived.get(value, ""),
                }
                for value, label in pairs
            ]
            rows.append(
                {
                    "id": qid,
                    "question": question,
                    "multi": question.type == "multi",
                    "options": options,
                    "error": self.errors.get(qid, ""),
                    "answered": self.answers.get(qid) is not None,
                }
            )
        return rows

    # --- submit --------------------------------------------------------------------------------------

    def _posted_value(self, qid: str) -> Any:
        assert self.data is not None
        question = QUESTIONS_BY_ID[qid]
        if question.type != "multi":
            return self.data.get(qid) or None
        values = [v for v in self.data.getlist(qid) if v]
        derived = list(self.derived.get(qid, {}))
        if "unknown" in values:
            if len(values) > 1:
                self.errors[qid] = (
                    f"Question « {question.text_fr} » ({qid}) : « {UNKNOWN_FR} » ne peut pas être combiné "
                    "avec une autre réponse."
                )
            return "unknown"
        if derived:
            # Derived options are ticked by the engine; « aucun » then means « no other one ».
            values = [v for v in values if v != "none"]
            values += [d for d in derived if d not in values]
        return values or None

    def is_valid(self) -> bool:
        if self.data is None:
            return False
        updates: dict[str, Any] = {}
        for qid in self.data.getlist("shown"):
            if qid not in QUESTIONS_BY_ID:
                self.non_field_errors.append(
                    f"Question inconnue « {qid} » : cette question n'existe pas dans le questionnaire."
                )
                continue
            if qid not in self.section.question_ids:
                self.non_field_errors.append(
                    f"La question « {QUESTIONS_BY_ID[qid].text_fr} » ({qid}) n'appartient pas à la section "
                    f"« {self.section.label_fr} »."
                )
                continue
            updates[qid] = self._posted_value(qid)
        for qid, value in updates.items():
            if qid in self.errors or value is None:
                continue
            try:
                validate_answers({qid: value})
            except AnswerError as error:
                self.errors[qid] = answer_error_fr(error)
        if self.errors or self.non_field_errors:
            return False
        merged = dict(self.answers)
        for qid, value in updates.items():
            if value is None:
                merged.pop(qid, None)
            else:
                merged[qid] = value
        self.cleaned_answers = merged
        return True

    def all_errors(self) -> list[tuple[str, str]]:
        """(anchor, message) for the error summary at the top of the page."""
        return [("", m) for m in self.non_field_errors] + [(f"q-{qid}", m) for qid, m in self.errors.items()]
