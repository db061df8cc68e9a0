"""Prioritisation: score validation, weight profiles, worked examples, ranking, sensitivity, matrix.

Every expected number below is computed by hand in the comments next to it.
"""

from __future__ import annotations

import math

import pytest

from atlasia.core.prioritisation import (
    NATIONAL_DEFAULT_PROFILE,
    NOT_QUALIFIED,
    Criterion,
    CriterionScore,
    Group,
    InvalidProfile,
    InvalidScore,
    PriorityItem,
    WeightProfile,
    norm,
    portfolio_points,
    rank,
    score_item,
    sensitivity,
    validate_score,
)

C = Criterion
VALUE = ["time_saved", "service_quality", "people_reached", "equity_non_take_up"]
FEASIBILITY = ["data_availability", "skills", "cost", "maturity"]
RISK = ["regulatory_category", "data_sensitivity"]


def item(item_id: str, default: int | None = 3, *, omit: tuple[str, ...] = (), **scores: int) -> PriorityItem:
    """A use case scored ``default`` on every criterion except those given (and those omitted)."""
    values = {c: default for c in VALUE + FEASIBILITY + RISK} | scores
    return PriorityItem(
        id=item_id,
        scores=[
            CriterionScore(Criterion(c), s, f"justification de {c}")
            for c, s in values.items()
            if c not in omit and s is not None
        ],
    )


def flat(
    name: str, value: float = 1.0, feasibility: float = 1.0, risk: float = 1.0, **cw: float
) -> WeightProfile:
    weights = {Criterion(c): 1.0 for c in VALUE + FEASIBILITY + RISK} | {
        Criterion(c): w for c, w in cw.items()
    }
    return WeightProfile(
        name=name,
        criterion_weights=weights,
        group_weights={Group.VALUE: value, Group.FEASIBILITY: feasibility, Group.RISK: risk},
    )


# --- criterion scores --------------------------------------------------------------------------------


def test_criteria_are_grouped_as_specified():
    assert [c.value for c in Criterion] == VALUE + FEASIBILITY + RISK


def test_the_cost_label_says_a_high_score_is_cheaper():
    from atlasia.core.prioritisation import CRITERION_LABELS_EN, CRITERION_LABELS_FR

    assert "moins cher" in CRITERION_LABELS_FR[C.COST]
    assert "cheaper" in CRITERION_LABELS_EN[C.COST]


@pytest.mark.parametrize("score", [1, 2, 3, 4, 5])
def test_scores_from_one_to_five_are_accepted(score):
    assert CriterionScore(C.SKILLS, score, "équipe data en place").score == score


@pytest.mark.parametrize("score", [0, 6, -1, 3.5, True, None, "4"])
def test_scores_outside_one_to_five_are_refused_naming_the_criterion(score):
    with pytest.raises(InvalidScore) as exc:
        CriterionScore(C.TIME_SAVED, score, "gain estimé sur 3 sites")  # type: ignore[arg-type]
    [issue] = exc.value.issues
    assert issue.criterion == "time_saved"
    assert issue.message_fr == (
        f"Critère « Temps gagné » : la note doit être un entier de 1 à 5 (reçu : {score!r})."
    )


@pytest.mark.parametrize("justification", ["", "   ", None])
def test_a_missing_justification_is_refused_naming_the_criterion(justification):
    issues = validate_score("cost", 4, justification)
    assert [i.message_fr for i in issues] == [
        "Critère « Coût (note haute = moins cher, plus abordable) » : une justification est obligatoire."
    ]


def test_both_problems_are_reported_together():
    assert len(validate_score("maturity", 9, "")) == 2


def test_unknown_criterion():
    [issue] = validate_score("beauty", 3, "x")
    assert issue.message_fr == "Critère inconnu : « beauty »."


def test_a_criterion_scored_twice_is_an_error():
    twice = PriorityItem("x", [CriterionScore(C.SKILLS, 3, "a"), CriterionScore(C.SKILLS, 4, "b")])
    with pytest.raises(ValueError, match="noté deux fois"):
        score_item(twice, NATIONAL_DEFAULT_PROFILE)


# --- weight profiles ---------------------------------------------------------------------------------


def test_national_default_profile_is_valid_and_documented():
    p = NATIONAL_DEFAULT_PROFILE
    assert p.group_weights == {Group.VALUE: 0.5, Group.FEASIBILITY: 0.3, Group.RISK: 0.2}
    assert p.criterion_weights[C.EQUITY_NON_TAKE_UP] == 2.0
    assert all(p.criterion_weights[c] == 1.0 for c in Criterion if c is not C.EQUITY_NON_TAKE_UP)


def test_negative_weight_is_refused_naming_it():
    with pytest.raises(InvalidProfile) as exc:
        flat("org", maturity=-0.5)
    assert exc.value.messages_fr == (
        "Pondération « Maturité de la solution » : elle doit être positive ou nulle (reçu : -0.5).",
    )


def test_negative_group_weight_is_refused():
    with pytest.raises(InvalidProfile, match="groupe Risque"):
        flat("org", risk=-1)


@pytest.mark.parametrize("bad", [math.nan, math.inf, "1", None])
def test_non_numeric_or_infinite_weights_are_refused(bad):
    with pytest.raises(InvalidProfile):
        flat("org", skills=bad)


def test_all_zero_group_weights_are_refused():
    with pytest.raises(InvalidProfile, match="Au moins une pondération de groupe"):
        flat("org", value=0, feasibility=0, risk=0)


def test_a_weighted_group_needs_a_positive_criterion():
    with pytest.raises(InvalidProfile, match="« Risque » a une pondération positive"):
        flat("org", regulatory_category=0, data_sensitivity=0)


def test_a_zero_weighted_group_may_have_zero_criteria():
    profile = flat("org", risk=0, regulatory_category=0, data_sensitivity=0)
    assert profile.group_weights[Group.RISK] == 0


def test_missing_and_unknown_weights_are_refused():
    with pytest.raises(InvalidProfile) as exc:
        WeightProfile(
            name="org",
            criterion_weights={C.TIME_SAVED: 1.0, "beauty": 1.0},  # type: ignore[dict-item]
            group_weights={Group.VALUE: 1.0},
        )
    messages = exc.value.messages_fr
    assert "Pondération manquante pour le critère « Compétences disponibles »." in messages
    assert "Pondération manquante pour le groupe « Risque »." in messages
    assert "Pondérations inconnues : beauty." in messages


def test_weights_may_be_given_with_plain_strings():
    profile = WeightProfile(
        "org",
        {c: 1.0 for c in VALUE + FEASIBILITY + RISK},  # type: ignore[misc]
        {"value": 1.0, "feasibility": 1.0, "risk": 1.0},  # type: ignore[dict-item]
    )
    assert profile.criterion_weights[C.COST] == 1.0


# --- the score on worked examples --------------------------------------------------------------------


def test_norm_maps_one_to_five_onto_zero_to_one():
    assert [norm(x) for x in (1, 2, 3, 4, 5)] == [0, 0.25, 0.5, 0.75, 1]


def test_worked_example_under_the_national_profile():
    a = item(
        "a",
        time_saved=4,
        service_quality=3,
        people_reached=5,
        equity_non_take_up=2,
        data_availability=3,
        skills=4,
        cost=2,
        maturity=3,
        regulatory_category=4,
        data_sensitivity=2,
    )
    result = score_item(a, NATIONAL_DEFAULT_PROFILE)
    # value = (4 + 3 + 5 + 2×2) / (1 + 1 + 1 + 2) = 16 / 5 = 3.2
    assert result.value == pytest.approx(3.2)
    # feasibility = (3 + 4 + 2 + 3) / 4 = 3.0 ; risk = (4 + 2) / 2 = 3.0
    assert result.feasibility == pytest.approx(3.0)
    assert result.risk == pytest.approx(3.0)
    # overall = 100 × (0.5 × 0.55 + 0.3 × 0.5 + 0.2 × (1 − 0.5)) / 1.0 = 100 × 0.525 = 52.5
    assert result.overall == pytest.approx(52.5)
    assert result.scored and result.missing == ()


def test_best_and_worst_possible_use_cases():
    best = item("best", 5, regulatory_category=1, data_sensitivity=1)
    worst = item("worst", 1, regulatory_category=5, data_sensitivity=5)
    assert score_item(best, NATIONAL_DEFAULT_PROFILE).overall == pytest.approx(100)
    assert score_item(worst, NATIONAL_DEFAULT_PROFILE).overall == pytest.approx(0)


def test_weighted_mean_inside_a_group():
    profile = flat("org", time_saved=3)
    x = item("x", 1, time_saved=5)
    # value = (3×5 + 1 + 1 + 1) / (3 + 1 + 1 + 1) = 18 / 6 = 3.0 ; feasibility 1 ; risk 1
    # overall = 100 × (0.5 + 0 + 1) / 3 = 50
    result = score_item(x, profile)
    assert result.value == pytest.approx(3.0)
    assert result.overall == pytest.approx(50)


def test_risk_lowers_the_priority():
    low = score_item(item("low", regulatory_category=1, data_sensitivity=1), NATIONAL_DEFAULT_PROFILE)
    high = score_item(item("high", regulatory_category=5, data_sensitivity=5), NATIONAL_DEFAULT_PROFILE)
    # everything else 3: 100 × (0.5×0.5 + 0.3×0.5 + 0.2×r) with r = 1 (low risk) or 0 (high risk)
    assert low.overall == pytest.approx(60)
    assert high.overall == pytest.approx(40)


def test_a_zero_weighted_group_drops_out():
    profile = flat("sans risque", value=1, feasibility=1, risk=0)
    x = item(
        "x", 3, time_saved=5, service_quality=5, people_reached=5, equity_non_take_up=5, regulatory_category=5
    )
    # value 5 → 1 ; feasibility 3 → 0.5 ; risk ignored ; overall = 100 × 1.5 / 2 = 75
    assert score_item(x, profile).overall == pytest.approx(75)


def test_missing_criteria_mean_not_scored_never_zero():
    x = item("x", omit=("equity_non_take_up", "cost"))
    result = score_item(x, NATIONAL_DEFAULT_PROFILE)
    assert not result.scored
    assert result.overall is None
    assert result.missing == (C.EQUITY_NON_TAKE_UP, C.COST)
    assert result.value is None and result.feasibility is None
    assert result.risk == pytest.approx(3.0)


def test_an_empty_scorecard_lists_every_criterion():
    assert score_item(PriorityItem("x", []), NATIONAL_DEFAULT_PROFILE).missing == tuple(Criterion)


# --- ranking -----------------------------------------------------------------------------------------


def test_rank_orders_by_score_then_id_and_puts_unscored_last():
    items = [
        item("c", 4),  # 100 × (0.5×0.75 + 0.3×0.75 + 0.2×0.25) = 65
        item("b", 3),  # 50
        item("z", omit=("skills",)),
        item("a", 3),  # 50, tie with b: a first
        item("y", 5, regulatory_category=1, data_sensitivity=1),  # 100
    ]
    ranked = rank(items, NATIONAL_DEFAULT_PROFILE)
    assert [(r.id, r.rank) for r in ranked] == [("y", 1), ("c", 2), ("a", 3), ("b", 4), ("z", None)]
    assert ranked[1].result.overall == pytest.approx(65)
    assert ranked[-1].result.missing == (C.SKILLS,)


def test_rank_is_deterministic_whatever_the_input_order():
    items = [item(str(i), 3) for i in range(10)]
    assert [r.id for r in rank(items, NATIONAL_DEFAULT_PROFILE)] == [
        r.id for r in rank(list(reversed(items)), NATIONAL_DEFAULT_PROFILE)
    ]


def test_duplicate_ids_are_refused():
    with pytest.raises(ValueError, match="double"):
        rank([item("a"), item("a")], NATIONAL_DEFAULT_PROFILE)


def test_national_and_organisation_profiles_rank_differently():
    risk = {"regulatory_category": 3, "data_sensitivity": 3}
    visionary = item("visionary", 3, **dict.fromkeys(VALUE, 5), **dict.fromkeys(FEASIBILITY, 2), **risk)
    pragmatic = item("pragmatic", 3, **dict.fromkeys(VALUE, 3), **dict.fromkeys(FEASIBILITY, 5), **risk)
    organisation = flat("CPAM : faisabilité d'abord", value=0.2, feasibility=0.6, risk=0.2)
    # national: visionary = 100 × (0.5×1 + 0.3×0.25 + 0.2×0.5) = 67.5
    #           pragmatic = 100 × (0.5×0.5 + 0.3×1 + 0.2×0.5) = 65
    national = rank([visionary, pragmatic], NATIONAL_DEFAULT_PROFILE)
    assert [(r.id, round(r.result.overall or 0, 6)) for r in national] == [
        ("visionary", 67.5),
        ("pragmatic", 65),
    ]
    # organisation: visionary = 100 × (0.2 + 0.15 + 0.1) = 45 ; pragmatic = 100 × (0.1 + 0.6 + 0.1) = 80
    local = rank([visionary, pragmatic], organisation)
    assert [(r.id, round(r.result.overall or 0, 6)) for r in local] == [("pragmatic", 80), ("visionary", 45)]


# --- sensitivity -------------------------------------------------------------------------------------

#: Nine use cases that stay in the top 10 whatever the weights (overall 100), two that never enter it
#: (overall 0). The tenth place is fought over by two candidates that tie at baseline.
LEADERS = [item(f"lead-{i}", 5, regulatory_category=1, data_sensitivity=1) for i in range(1, 10)]
LAGGARDS = [item(f"zz-{i}", 1, regulatory_category=5, data_sensitivity=5) for i in (1, 2)]


def rows_that_change(rows):
    return {(r.weight, r.direction): (r.leaving, r.entering) for r in rows if r.changed}


def test_sensitivity_on_a_criterion_trade_off():
    # "cand-p" saves time, "cand-q" improves the service: with equal weights their value scores are
    # equal, so they tie and "cand-p" takes the 10th place on the id. Lowering the weight of time
    # saved, or raising that of service quality, puts "cand-q" ahead; no other move separates them.
    p = item("cand-p", 3, time_saved=5, service_quality=1)
    q = item("cand-q", 3, time_saved=1, service_quality=5)
    items = [*LEADERS, q, p, *LAGGARDS]
    profile = flat("égal")
    assert [r.id for r in rank(items, profile)][9] == "cand-p"
    rows = sensitivity(items, profile)
    assert len(rows) == 2 * (10 + 3)
    assert rows_that_change(rows) == {
        ("time_saved", "down"): (("cand-p",), ("cand-q",)),
        ("service_quality", "up"): (("cand-p",), ("cand-q",)),
    }
    down = next(r for r in rows if r.weight == "time_saved" and r.direction == "down")
    assert down.factor == pytest.approx(0.8)
    assert down.label_fr == "Critère « Temps gagné »"


def test_sensitivity_on_a_group_trade_off():
    # "cand-r" is all value (value 5, feasibility 1), "cand-s" all feasibility; same risk. With equal
    # group weights they tie and "cand-r" wins on the id; less weight on value, or more on
    # feasibility, lets "cand-s" in. Criterion weights move nothing: all criteria of a group are
    # scored alike, so each group score stays put.
    r = item("cand-r", 3, **dict.fromkeys(VALUE, 5), **dict.fromkeys(FEASIBILITY, 1))
    s = item("cand-s", 3, **dict.fromkeys(VALUE, 1), **dict.fromkeys(FEASIBILITY, 5))
    items = [*LAGGARDS, s, *LEADERS, r]
    rows = sensitivity(items, flat("égal"))
    assert rows_that_change(rows) == {
        ("group:value", "down"): (("cand-r",), ("cand-s",)),
        ("group:feasibility", "up"): (("cand-r",), ("cand-s",)),
    }
    assert next(r for r in rows if r.weight == "group:risk").label_fr == "Groupe « Risque »"


def test_sensitivity_reports_several_movers_in_rank_order():
    # Equal weights, top 2. "a1", "a2": value 5, feasibility 3, risk 3 → 100 × (1 + 0.5 + 0.5) / 3 = 66.67.
    # "f1", "f2": value 3, feasibility (5 + 4 + 5 + 5) / 4 = 4.75 → 100 × (0.5 + 0.9375 + 0.5) / 3 = 64.58.
    a1, a2 = (item(i, 3, **dict.fromkeys(VALUE, 5)) for i in ("a1", "a2"))
    f1, f2 = (item(i, 3, **(dict.fromkeys(FEASIBILITY, 5) | {"skills": 4})) for i in ("f1", "f2"))
    filler = item("e", 3)  # 50
    items = [filler, f2, a2, f1, a1]
    profile = flat("égal")
    assert [x.id for x in rank(items, profile)] == ["a1", "a2", "f1", "f2", "e"]
    changed = rows_that_change(sensitivity(items, profile, top_n=2))
    assert changed == {
        # value −20 %: a = 100 × (0.8 + 0.5 + 0.5) / 2.8 = 64.29
        #              f = 100 × (0.4 + 0.9375 + 0.5) / 2.8 = 65.63
        ("group:value", "down"): (("a1", "a2"), ("f1", "f2")),
        # feasibility +20 %: a = 100 × (1 + 0.6 + 0.5) / 3.2 = 65.63
        #                    f = 100 × (0.5 + 1.125 + 0.5) / 3.2 = 66.41
        ("group:feasibility", "up"): (("a1", "a2"), ("f1", "f2")),
    }


def test_sensitivity_ignores_unscored_items_and_checks_its_arguments():
    items = [item("a"), item("b", omit=("cost",))]
    assert all(not r.changed for r in sensitivity(items, NATIONAL_DEFAULT_PROFILE))
    with pytest.raises(ValueError, match="strictement comprise"):
        sensitivity(items, NATIONAL_DEFAULT_PROFILE, delta=1.5)
    with pytest.raises(ValueError, match="au moins 1"):
        sensitivity(items, NATIONAL_DEFAULT_PROFILE, top_n=0)


def test_scaling_a_weight_returns_a_new_profile():
    profile = flat("égal")
    scaled = profile.scaled("group:risk", 1.2)
    assert scaled.group_weights[Group.RISK] == pytest.approx(1.2)
    assert profile.group_weights[Group.RISK] == 1.0
    assert profile.scaled("cost", 0.8).criterion_weights[C.COST] == pytest.approx(0.8)


# --- portfolio matrix --------------------------------------------------------------------------------


def test_portfolio_points():
    a = PriorityItem(
        id="a",
        scores=item("a", 3, time_saved=5, skills=1).scores,
        people_reached=12_000,
        ai_act_category="high_risk",
    )
    b = PriorityItem(id="b", scores=item("b", 2, omit=("regulatory_category",)).scores)
    unplaceable = PriorityItem(id="c", scores=item("c", omit=("maturity",)).scores, people_reached=5)
    points = portfolio_points([unplaceable, b, a], NATIONAL_DEFAULT_PROFILE)
    assert [p.id for p in points] == ["a", "b"]
    pa, pb = points
    # a: value = (5 + 3 + 3 + 2×3) / 5 = 3.4 ; feasibility = (3 + 1 + 3 + 3) / 4 = 2.5
    assert (pa.x, pa.y, pa.size, pa.colour) == (pytest.approx(2.5), pytest.approx(3.4), 12_000, "high_risk")
    # b: missing a risk criterion only: still placed; no qualification → "non qualifié"
    assert (pb.x, pb.y, pb.size, pb.colour) == (2.0, 2.0, None, NOT_QUALIFIED)
    assert NOT_QUALIFIED == "non qualifié"
