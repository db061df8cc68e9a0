"""Serious-incident deadlines (AI Act Art. 73) in words. The workflow of an incident is the core's
(:mod:`atlasia.core.incidents`).

Plain Python on top of :func:`atlasia.core.qualification.serious_incident_deadline`, which holds the
legal delays (15 days in general, 10 days for a death, 2 days for a widespread infringement or critical
infrastructure)."""

from __future__ import annotations

from datetime import date

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from atlasia.core.incidents import reporting_deadline
from atlasia.core.qualification import serious_incident_deadline

__all__ = [
    "countdown",
    "countdown_fr",
    "deadline_for",
    "serious_incident_deadline",
]

#: The legal delays are the core's (:func:`atlasia.core.incidents.reporting_deadline`).
deadline_for = reporting_deadline


def _days(n: int) -> str:
    return ngettext("%(n)s jour", "%(n)s jours", n) % {"n": n}


def _date(day: date) -> str:
    return formats.date_format(day, "SHORT_DATE_FORMAT")


def countdown(deadline: date, today: date, reported_on: date | None = None) -> str:
    """« Il reste 3 jours (échéance le 12/03/2025) », « Échéance aujourd'hui… », « En retard de 2 jours… »;
    once reported, whether it was on time. In the active language."""
    when = _date(deadline)
    if reported_on is not None:
        late = (reported_on - deadline).days
        if late > 0:
            return _("Signalé le %(on)s, avec %(days)s de retard (échéance le %(when)s).") % {
                "on": _date(reported_on),
                "days": _days(late),
                "when": when,
            }
        return _("Signalé le %(on)s, dans le délai (échéance le %(when)s).") % {
            "on": _date(reported_on),
            "when": when,
        }
    left = (deadline - today).days
    if left > 0:
        return _("Il reste %(days)s pour signaler l'incident (échéance le %(when)s).") % {
            "days": _days(left),
            "when": when,
        }
    if left == 0:
        return _("Échéance aujourd'hui (%(when)s) : signalez l'incident sans attendre.") % {"when": when}
    return _("En retard de %(days)s : l'échéance était le %(when)s. Signalez l'incident immédiatement.") % {
        "days": _days(-left),
        "when": when,
    }


# The former name, kept for callers: the text follows the active language (French by default).
countdown_fr = countdown
