"""Serious-incident deadlines (AI Act Art. 73) in words, and the incident status workflow.

Plain Python on top of :func:`atlasia.core.qualification.serious_incident_deadline`, which holds the
legal delays (15 days in general, 10 days for a death, 2 days for a widespread infringement or critical
infrastructure)."""

from __future__ import annotations

from datetime import date

from atlasia.core.qualification import serious_incident_deadline

__all__ = ["NEXT_STATUSES", "STATUS_ORDER", "countdown_fr", "deadline_for", "serious_incident_deadline"]

#: open → investigating → corrective actions → closed; from "corrective actions" one may go back to
#: "investigating" when the actions did not work. Closing needs the corrective actions recorded.
NEXT_STATUSES: dict[str, tuple[str, ...]] = {
    "open": ("investigating",),
    "investigating": ("corrective_actions",),
    "corrective_actions": ("closed", "investigating"),
    "closed": (),
}
STATUS_ORDER = ("open", "investigating", "corrective_actions", "closed")


def deadline_for(aware_on: date | None, kind: str) -> date | None:
    if aware_on is None or not kind:
        return None
    return serious_incident_deadline(aware_on, kind)  # type: ignore[arg-type]


def _days(n: int) -> str:
    return f"{n} jour" if n == 1 else f"{n} jours"


def countdown_fr(deadline: date, today: date, reported_on: date | None = None) -> str:
    """« Il reste 3 jours (échéance le 12/03/2025) », « Échéance aujourd'hui… », « En retard de 2 jours… »;
    once reported, whether it was on time."""
    when = f"{deadline:%d/%m/%Y}"
    if reported_on is not None:
        late = (reported_on - deadline).days
        if late > 0:
            return f"Signalé le {reported_on:%d/%m/%Y}, avec {_days(late)} de retard (échéance le {when})."
        return f"Signalé le {reported_on:%d/%m/%Y}, dans le délai (échéance le {when})."
    left = (deadline - today).days
    if left > 0:
        return f"Il reste {_days(left)} pour signaler l'incident (échéance le {when})."
    if left == 0:
        return f"Échéance aujourd'hui ({when}) : signalez l'incident sans attendre."
    return f"En retard de {_days(-left)} : l'échéance était le {when}. Signalez l'incident immédiatement."
