"""Medico-economic summary of an experiment: FTE saved, cost per case, ROI and payback period.

Pure Python (no Django). The summary is deliberately simple and says so: every result carries the
list of assumptions it rests on (:attr:`EconomicSummary.assumptions`), shown next to the numbers.

Definitions, over a horizon of ``H`` years:

* FTE saved = hours saved per year / hours per FTE;
* total cost = build cost + run cost per year × H;
* total benefit = hours saved per year × value of an hour × H (time saved is the only benefit
  counted);
* cost per case = total cost / (cases handled per year × H);
* ROI = (total benefit − total cost) / total cost;
* payback period = build cost / (annual benefit − run cost per year), in years, when the annual net
  benefit is positive; otherwise the investment is never paid back (None).

**Hours per FTE.** The default, 1,607 hours, is the French legal annual working time: for the civil
service, décret n° 2000-815 du 25 août 2000, art. 1er (1,600 h raised to 1,607 h by loi n° 2004-626
du 30 juin 2004, the "journée de solidarité"), applied to the hospital and territorial civil services
by their own decrees; for private employers, Code du travail, art. L. 3121-41. Pass another value for
staff on a different regime.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

#: French legal annual working time, in hours (see the module docstring for the sources).
LEGAL_ANNUAL_HOURS_FR = 1607.0


@dataclass(frozen=True)
class EconomicInputs:
    """Inputs of the summary. Amounts in euros, durations in hours and years."""

    #: One-off cost to build or buy the system (€).
    build_cost: float
    #: Recurring cost per year: licences, hosting, maintenance, support (€/year).
    run_cost_per_year: float
    #: Agent time saved per year (hours/year).
    hours_saved_per_year: float
    #: Cases (files, requests, patients…) handled per year with the system.
    cases_per_year: float
    #: Value of one hour of agent time (€/h), e.g. the loaded hourly cost of the agents concerned.
    hour_value: float
    #: Horizon of the computation (years).
    horizon_years: float
    #: Annual working hours of one full-time equivalent (default: 1,607 h, French legal time).
    hours_per_fte: float = LEGAL_ANNUAL_HOURS_FR


@dataclass(frozen=True)
class EconomicSummary:
    fte_saved: float
    total_cost: float
    total_benefit: float
    net_benefit: float
    cost_per_case: float
    roi: float
    #: Years until cumulated net benefits cover the build cost; None when never (annual net ≤ 0).
    payback_years: float | None
    #: The assumptions behind the numbers, in French, to be shown with them.
    assumptions: tuple[str, ...]


class EconomicsError(ValueError):
    """The inputs cannot give a summary; ``messages_fr`` says which input is wrong and why."""

    def __init__(self, messages_fr: list[str]) -> None:
        self.messages_fr = tuple(messages_fr)
        super().__init__(" ".join(self.messages_fr))


_LABELS_FR: dict[str, str] = {
    "build_cost": "coût de construction",
    "run_cost_per_year": "coût de fonctionnement annuel",
    "hours_saved_per_year": "heures gagnées par an",
    "cases_per_year": "nombre de dossiers traités par an",
    "hour_value": "valeur d'une heure",
    "horizon_years": "horizon (années)",
    "hours_per_fte": "heures par ETP",
}

#: Inputs used as denominators: they must be strictly positive.
_DENOMINATORS = ("cases_per_year", "horizon_years", "hours_per_fte")


def check_inputs(inputs: EconomicInputs) -> list[str]:
    """French messages for every input that cannot be used; empty when the summary can be computed."""
    problems: list[str] = []
    for name, label in _LABELS_FR.items():
        value = getattr(inputs, name)
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            problems.append(f"« {label} » : un nombre est attendu (reçu : {value!r}).")
        elif value < 0:
            problems.append(f"« {label} » : une valeur négative n'a pas de sens (reçu : {value:g}).")
        elif value == 0 and name in _DENOMINATORS:
            problems.append(
                f"« {label} » : doit être strictement positif, car on divise par cette valeur (reçu : 0)."
            )
    if not problems and inputs.build_cost + inputs.run_cost_per_year * inputs.horizon_years == 0:
        problems.append(
            "Coût total nul (construction et fonctionnement à 0 €) : le retour sur investissement "
            "(bénéfices − coûts) / coûts n'est pas défini. Saisissez les coûts, même estimés."
        )
    return problems


def medico_economic_summary(inputs: EconomicInputs) -> EconomicSummary:
    """The summary of ``inputs`` (definitions in the module docstring); raises :class:`EconomicsError`."""
    problems = check_inputs(inputs)
    if problems:
        raise EconomicsError(problems)
    h = inputs.horizon_years
    total_cost = inputs.build_cost + inputs.run_cost_per_year * h
    annual_benefit = inputs.hours_saved_per_year * inputs.hour_value
    total_benefit = annual_benefit * h
    annual_net = annual_benefit - inputs.run_cost_per_year
    payback = inputs.build_cost / annual_net if annual_net > 0 else None
    assumptions = (
        f"Un ETP correspond à {inputs.hours_per_fte:g} heures travaillées par an"
        + (
            " (durée annuelle légale du travail : décret n° 2000-815 du 25 août 2000, art. 1er ; "
            "Code du travail, art. L. 3121-41)."
            if inputs.hours_per_fte == LEGAL_ANNUAL_HOURS_FR
            else " (valeur saisie)."
        ),
        f"Une heure d'agent est valorisée à {inputs.hour_value:g} €.",
        "Seul le temps gagné est compté comme bénéfice ; les gains de qualité, d'équité ou de santé "
        "ne sont pas monétisés.",
        f"Horizon de {h:g} an(s), sans actualisation ni inflation ; coûts et gains constants chaque année.",
        "Le coût de construction est payé au début ; le délai de retour suppose des gains nets "
        "annuels répartis uniformément dans l'année.",
        "Le temps gagné est une capacité libérée (redéployée vers d'autres missions), pas une "
        "économie budgétaire.",
    )
    return EconomicSummary(
        fte_saved=inputs.hours_saved_per_year / inputs.hours_per_fte,
        total_cost=total_cost,
        total_benefit=total_benefit,
        net_benefit=total_benefit - total_cost,
        cost_per_case=total_cost / (inputs.cases_per_year * h),
        roi=(total_benefit - total_cost) / total_cost,
        payback_years=payback,
        assumptions=assumptions,
    )
