"""Why a transition of a state machine may not fire (the lifecycle's, the incidents'): one type for both."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Refusal:
    """Why a transition may not fire: a stable code for programs, a message for people."""

    code: str
    message_fr: str
    message_en: str
