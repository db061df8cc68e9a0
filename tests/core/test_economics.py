"""Medico-economic summary on worked examples computed by hand, and refusal of unusable inputs."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest

from atlasia.core.economics import (
    LEGAL_ANNUAL_HOURS_FR,
    EconomicInputs,
    EconomicsError,
    check_inputs,
    medico_economic_summary,
)

TRIAGE = EconomicInputs(
    build_cost=50_000,
    run_cost_per_year=10_000,
    hours_saved_per_year=3_214,
    cases_per_year=20_000,
    hour_value=35,
    horizon_years=3,
)


def test_legal_annual_hours_default():
    assert LEGAL_ANNUAL_HOURS_FR == 1607
    assert TRIAGE.hours_per_fte == 1607


def test_worked_example_profitable():
    s = medico_economic_summary(TRIAGE)
    assert s.fte_saved == pytest.approx(2.0)  # 3,214 / 1,607
    assert s.total_cost == pytest.approx(80_000)  # 50,000 + 3 × 10,000
    assert s.total_benefit == pytest.approx(337_470)  # 3,214 h × 35 € × 3 years
    assert s.net_benefit == pytest.approx(257_470)
    assert s.cost_per_case == pytest.approx(80_000 / 60_000)  # 1.33 € per case over 3 × 20,000 cases
    assert s.roi == pytest.approx(3.218375)  # 257,470 / 80,000
    assert s.payback_years == pytest.approx(50_000 / 102_490)  # build / (112,490 − 10,000) ≈ 0.49 year


def test_worked_example_never_paid_back():
    inputs = EconomicInputs(
        build_cost=100_000,
        run_cost_per_year=40_000,
        hours_saved_per_year=1_000,
        cases_per_year=500,
        hour_value=30,
        horizon_years=2,
    )
    s = medico_economic_summary(inputs)
    assert s.total_cost == pytest.approx(180_000)  # 100,000 + 2 × 40,000
    assert s.total_benefit == pytest.approx(60_000)  # 1,000 × 30 × 2
    assert s.roi == pytest.approx(-2 / 3)  # (60,000 − 180,000) / 180,000
    assert s.cost_per_case == pytest.approx(180)  # 180,000 / 1,000 cases
    assert s.payback_years is None  # 30,000 € of benefit a year never covers 40,000 € of running cost
    assert s.fte_saved == pytest.approx(1_000 / 1_607)


def test_no_build_cost_pays_back_at_once():
    s = medico_economic_summary(replace(TRIAGE, build_cost=0))
    assert s.payback_years == 0
    assert s.roi == pytest.approx((337_470 - 30_000) / 30_000)


def test_another_hours_per_fte():
    s = medico_economic_summary(replace(TRIAGE, hours_saved_per_year=750, hours_per_fte=1_500))
    assert s.fte_saved == pytest.approx(0.5)
    assert s.assumptions[0] == "Un ETP correspond à 1500 heures travaillées par an (valeur saisie)."


def test_assumptions_are_listed_and_cite_the_legal_time():
    assumptions = medico_economic_summary(TRIAGE).assumptions
    assert assumptions[0].startswith(
        "Un ETP correspond à 1607 heures travaillées par an (durée annuelle légale"
    )
    assert "décret n° 2000-815" in assumptions[0]
    assert "Une heure d'agent est valorisée à 35 €." in assumptions
    assert any("sans actualisation" in a for a in assumptions)
    assert any("Seul le temps gagné" in a for a in assumptions)


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("cases_per_year", "« nombre de dossiers traités par an » : doit être strictement positif"),
        ("horizon_years", "« horizon (années) » : doit être strictement positif"),
        ("hours_per_fte", "« heures par ETP » : doit être strictement positif"),
    ],
)
def test_zero_denominators_are_refused(field, message):
    inputs = replace(TRIAGE, **{field: 0})
    with pytest.raises(EconomicsError) as exc:
        medico_economic_summary(inputs)
    assert exc.value.messages_fr == (f"{message}, car on divise par cette valeur (reçu : 0).",)


@pytest.mark.parametrize(
    "field",
    [
        "build_cost",
        "run_cost_per_year",
        "hours_saved_per_year",
        "cases_per_year",
        "hour_value",
        "horizon_years",
        "hours_per_fte",
    ],
)
def test_negative_inputs_are_refused(field):
    [message] = check_inputs(replace(TRIAGE, **{field: -5}))
    assert message.endswith("une valeur négative n'a pas de sens (reçu : -5).")


def test_zero_total_cost_is_refused_because_roi_is_undefined():
    [message] = check_inputs(replace(TRIAGE, build_cost=0, run_cost_per_year=0))
    assert message.startswith("Coût total nul")
    assert "n'est pas défini" in message


@pytest.mark.parametrize("bad", [math.nan, math.inf, "12", None, True])
def test_non_numbers_are_refused(bad):
    [message] = check_inputs(replace(TRIAGE, hour_value=bad))
    assert message.startswith("« valeur d'une heure » : un nombre est attendu")


def test_every_problem_is_reported_at_once():
    inputs = replace(TRIAGE, build_cost=-1, cases_per_year=0, horizon_years=-2)
    with pytest.raises(EconomicsError) as exc:
        medico_economic_summary(inputs)
    assert len(exc.value.messages_fr) == 3
    assert "coût de construction" in str(exc.value)
