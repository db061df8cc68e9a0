"""Multi-criteria prioritisation of use cases: scores, weight profiles, ranking, sensitivity, matrix.

Pure Python (no Django).

**Criteria.** Ten criteria in three groups, each scored on an integer scale of 1 to 5 with a written
justification (:class:`CriterionScore`):

* value: ``time_saved``, ``service_quality``, ``people_reached``, ``equity_non_take_up``;
* feasibility: ``data_availability``, ``skills``, ``cost`` (5 = cheapest, most affordable),
  ``maturity``;
* risk: ``regulatory_category``, ``data_sensitivity`` (5 = riskiest).

**Computed score** (:func:`score_item`), for a :class:`WeightProfile` with criterion weights ``w_c``
and group weights ``W_value``, ``W_feasibility``, ``W_risk``:

* group score ``G`` = weighted mean of the group's criterion scores, ``Σ w_c·s_c / Σ w_c``, on 1–5;
* ``norm(x) = (x − 1) / 4`` maps 1–5 onto 0–1;
* overall score on 0–100::

      overall = 100 × (W_value·norm(value) + W_feasibility·norm(feasibility)
                       + W_risk·(1 − norm(risk))) / (W_value + W_feasibility + W_risk)

  so risk *lowers* the priority: a risk of 5 contributes nothing, a risk of 1 contributes fully.
  A group whose weight is 0 drops out of the formula (its score is still shown).

A use case missing any criterion is **not scored**: its result lists the missing criteria and has
no overall score (never a silent zero). Ranking (:func:`rank`) orders scored use cases by overall
score, highest first, ties broken by id (ascending), then lists the unscored ones by id.

**Sensitivity** (:func:`sensitivity`): every weight (each criterion weight, each group weight) is
moved down and up by ``delta`` (20 % by default) while the others stay put; the ranking is recomputed
and the row says which use cases leave the top ``top_n`` and which enter it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal


class Group(StrEnum):
    VALUE = "value"
    FEASIBILITY = "feasibility"
    RISK = "risk"


class Criterion(StrEnum):
    TIME_SAVED = "time_saved"
    SERVICE_QUALITY = "service_quality"
    PEOPLE_REACHED = "people_reached"
    EQUITY_NON_TAKE_UP = "equity_non_take_up"
    DATA_AVAILABILITY = "data_availability"
    SKILLS = "skills"
    COST = "cost"
    MATURITY = "maturity"
    REGULATORY_CATEGORY = "regulatory_category"
    DATA_SENSITIVITY = "data_sensitivity"


CRITERION_GROUP: dict[Criterion, Group] = {
    Criterion.TIME_SAVED: Group.VALUE,
    Criterion.SERVICE_QUALITY: Group.VALUE,
    Criterion.PEOPLE_REACHED: Group.VALUE,
    Criterion.EQUITY_NON_TAKE_UP: Group.VALUE,
    Criterion.DATA_AVAILABILITY: Group.FEASIBILITY,
    Criterion.SKILLS: Group.FEASIBILITY,
    Criterion.COST: Group.FEASIBILITY,
    Criterion.MATURITY: Group.FEASIBILITY,
    Criterion.REGULATORY_CATEGORY: Group.RISK,
    Criterion.DATA_SENSITIVITY: Group.RISK,
}

GROUP_CRITERIA: dict[Group, tuple[Criterion, ...]] = {
    g: tuple(c for c in Criterion if CRITERION_GROUP[c] is g) for g in Group
}

CRITERION_LABELS_FR: dict[Criterion, str] = {
    Criterion.TIME_SAVED: "Temps gagné",
    Criterion.SERVICE_QUALITY: "Qualité du service rendu",
    Criterion.PEOPLE_REACHED: "Nombre de personnes concernées",
    Criterion.EQUITY_NON_TAKE_UP: "Équité et lutte contre le non-recours",
    Criterion.DATA_AVAILABILITY: "Disponibilité des données",
    Criterion.SKILLS: "Compétences disponibles",
    Criterion.COST: "Coût (note haute = moins cher, plus abordable)",
    Criterion.MATURITY: "Maturité de la solution",
    Criterion.REGULATORY_CATEGORY: "Risque réglementaire",
    Criterion.DATA_SENSITIVITY: "Sensibilité des données",
}

CRITERION_LABELS_EN: dict[Criterion, str] = {
    Criterion.TIME_SAVED: "Time saved",
    Criterion.SERVICE_QUALITY: "Quality of service",
    Criterion.PEOPLE_REACHED: "People reached",
    Criterion.EQUITY_NON_TAKE_UP: "Equity and non-take-up",
    Criterion.DATA_AVAILABILITY: "Data availability",
    Criterion.SKILLS: "Skills available",
    Criterion.COST: "Cost (higher score = cheaper, more affordable)",
    Criterion.MATURITY: "Maturity of the solution",
    Criterion.REGULATORY_CATEGORY: "Regulatory risk",
    Criterion.DATA_SENSITIVITY: "Data sensitivity",
}

#: What 1 and 5 mean, for the help text of the scoring form.
CRITERION_SCALES_FR: dict[Criterion, str] = {
    Criterion.TIME_SAVED: "1 = négligeable, 5 = très important",
    Criterion.SERVICE_QUALITY: "1 = inchangée, 5 = nettement améliorée",
    Criterion.PEOPLE_REACHED: "1 = très peu de personnes, 5 = très nombreuses",
    Criterion.EQUITY_NON_TAKE_UP: "1 = sans effet, 5 = effet fort sur l'accès aux droits",
    Criterion.DATA_AVAILABILITY: "1 = données à constituer, 5 = disponibles et de qualité",
    Criterion.SKILLS: "1 = compétences absentes, 5 = réunies dans l'équipe",
    Criterion.COST: "1 = le plus coûteux, 5 = le moins cher, le plus abordable",
    Criterion.MATURITY: "1 = stade de recherche, 5 = solution éprouvée ailleurs",
    Criterion.REGULATORY_CATEGORY: "1 = risque minimal, 5 = risque très élevé (haut risque, interdit)",
    Criterion.DATA_SENSITIVITY: "1 = données non personnelles, 5 = données de santé à grande échelle",
}

CRITERION_SCALES_EN: dict[Criterion, str] = {
    Criterion.TIME_SAVED: "1 = negligible, 5 = very large",
    Criterion.SERVICE_QUALITY: "1 = unchanged, 5 = markedly improved",
    Criterion.PEOPLE_REACHED: "1 = very few people, 5 = very many",
    Criterion.EQUITY_NON_TAKE_UP: "1 = no effect, 5 = strong effect on access to rights",
    Criterion.DATA_AVAILABILITY: "1 = data still to be built, 5 = available and of good quality",
    Criterion.SKILLS: "1 = skills missing, 5 = all in the team",
    Criterion.COST: "1 = the most expensive, 5 = the cheapest, the most affordable",
    Criterion.MATURITY: "1 = research stage, 5 = solution proven elsewhere",
    Criterion.REGULATORY_CATEGORY: "1 = minimal risk, 5 = very high risk (high-risk, prohibited)",
    Criterion.DATA_SENSITIVITY: "1 = non-personal data, 5 = health data at scale",
}

GROUP_LABELS_FR: dict[Group, str] = {
    Group.VALUE: "Valeur",
    Group.FEASIBILITY: "Faisabilité",
    Group.RISK: "Risque",
}

#: A suggested ``regulatory_category`` score from the AI Act category of the qualification, to
#: pre-fill the form (the person scoring still writes the justification and may change it).
SUGGESTED_REGULATORY_SCORE: dict[str, int] = {
    "not_ai_system": 1,
    "excluded": 1,
    "minimal": 1,
    "limited": 2,
    "high_risk": 4,
    "prohibited": 5,
}

#: Colour label of an unqualified use case on the portfolio matrix.
NOT_QUALIFIED = "non qualifié"

SCORE_MIN, SCORE_MAX = 1, 5


@dataclass(frozen=True)
class ScoreIssue:
    """A problem with one criterion's score (French and English messages name the criterion)."""

    criterion: str
    message_fr: str
    message_en: str


def validate_score(criterion: Criterion | str, score: object, justification: object) -> list[ScoreIssue]:
    """Problems with one criterion score; empty when the score is an integer 1–5 with a justification."""
    try:
        crit = Criterion(criterion)
    except ValueError:
        return [
            ScoreIssue(
                str(criterion),
                f"Critère inconnu : « {criterion} ».",
                f"Unknown criterion: '{criterion}'.",
            )
        ]
    label_fr, label_en = CRITERION_LABELS_FR[crit], CRITERION_LABELS_EN[crit]
    issues: list[ScoreIssue] = []
    if isinstance(score, bool) or not isinstance(score, int) or not SCORE_MIN <= score <= SCORE_MAX:
        issues.append(
            ScoreIssue(
                crit.value,
                f"Critère « {label_fr} » : la note doit être un entier de 1 à 5 (reçu : {score!r}).",
                f"Criterion '{label_en}': the score must be an integer from 1 to 5 (got {score!r}).",
            )
        )
    if not isinstance(justification, str) or not justification.strip():
        issues.append(
            ScoreIssue(
                crit.value,
                f"Critère « {label_fr} » : une justification est obligatoire.",
                f"Criterion '{label_en}': a justification is required.",
            )
        )
    return issues


class InvalidScore(ValueError):
    """Raised when a :class:`CriterionScore` is built with a bad score or no justification."""

    def __init__(self, issues: Sequence[ScoreIssue]) -> None:
        self.issues = tuple(issues)
        super().__init__(" ".join(i.message_fr for i in issues))


@dataclass(frozen=True)
class CriterionScore:
    """One criterion scored 1–5 with its justification. Invalid values raise :class:`InvalidScore`."""

    criterion: Criterion
    score: int
    justification: str

    def __post_init__(self) -> None:
        issues = validate_score(self.criterion, self.score, self.justification)
        if issues:
            raise InvalidScore(issues)
        object.__setattr__(self, "criterion", Criterion(self.criterion))


# --- weight profiles ---------------------------------------------------------------------------------


class InvalidProfile(ValueError):
    """Raised when a :class:`WeightProfile` is not valid; ``messages_fr`` says why."""

    def __init__(self, messages_fr: Sequence[str]) -> None:
        self.messages_fr = tuple(messages_fr)
        super().__init__(" ".join(self.messages_fr))


def _weight_problem(label: str, weight: object) -> str | None:
    if isinstance(weight, bool) or not isinstance(weight, int | float):
        return f"Pondération « {label} » : un nombre est attendu (reçu : {weight!r})."
    if not math.isfinite(weight) or weight < 0:
        return f"Pondération « {label} » : elle doit être positive ou nulle (reçu : {weight!r})."
    return None


def profile_problems(
    criterion_weights: Mapping[Criterion, float], group_weights: Mapping[Group, float]
) -> list[str]:
    """French messages saying what is wrong with these weights; empty when they make a valid profile.

    Rules: every criterion and every group has a weight; weights are finite and non-negative; at
    least one group weight is positive; a group with a positive weight has at least one positive
    criterion weight (otherwise its weighted mean is undefined).
    """
    problems: list[str] = []
    for c in Criterion:
        if c not in criterion_weights:
            problems.append(f"Pondération manquante pour le critère « {CRITERION_LABELS_FR[c]} ».")
        elif (p := _weight_problem(CRITERION_LABELS_FR[c], criterion_weights[c])) is not None:
            problems.append(p)
    for g in Group:
        if g not in group_weights:
            problems.append(f"Pondération manquante pour le groupe « {GROUP_LABELS_FR[g]} ».")
        elif (p := _weight_problem(f"groupe {GROUP_LABELS_FR[g]}", group_weights[g])) is not None:
            problems.append(p)
    unknown = [str(k) for k in criterion_weights if k not in set(Criterion)]
    unknown += [str(k) for k in group_weights if k not in set(Group)]
    if unknown:
        problems.append("Pondérations inconnues : " + ", ".join(sorted(unknown)) + ".")
    if problems:
        return problems
    if not any(group_weights[g] > 0 for g in Group):
        problems.append(
            "Au moins une pondération de groupe (valeur, faisabilité, risque) doit être positive."
        )
    for g in Group:
        if group_weights[g] > 0 and not any(criterion_weights[c] > 0 for c in GROUP_CRITERIA[g]):
            problems.append(
                f"Le groupe « {GROUP_LABELS_FR[g]} » a une pondération positive mais tous ses critères "
                "ont une pondération nulle."
            )
    return problems


@dataclass(frozen=True)
class WeightProfile:
    """Named weights: one per criterion (within its group) and one per group (in the overall score).

    Weights are relative: only their ratios matter. Building an invalid profile raises
    :class:`InvalidProfile` (see :func:`profile_problems` for the rules).
    """

    name: str
    criterion_weights: Mapping[Criterion, float]
    group_weights: Mapping[Group, float]

    def __post_init__(self) -> None:
        cw = {Criterion(k) if k in set(Criterion) else k: v for k, v in self.criterion_weights.items()}
        gw = {Group(k) if k in set(Group) else k: v for k, v in self.group_weights.items()}
        problems = profile_problems(cw, gw)
        if problems:
            raise InvalidProfile(problems)
        object.__setattr__(self, "criterion_weights", dict(cw))
        object.__setattr__(self, "group_weights", dict(gw))

    def weight_names(self) -> list[str]:
        """Every weight's name, as :func:`sensitivity` reports it: criteria, then ``group:<name>``."""
        return [c.value for c in Criterion] + [f"group:{g.value}" for g in Group]

    def scaled(self, weight_name: str, factor: float) -> WeightProfile:
        """A copy with one weight (named as in :meth:`weight_names`) multiplied by ``factor``."""
        cw = dict(self.criterion_weights)
        gw = dict(self.group_weights)
        if weight_name.startswith("group:"):
            group = Group(weight_name.removeprefix("group:"))
            gw[group] = gw[group] * factor
        else:
            crit = Criterion(weight_name)
            cw[crit] = cw[crit] * factor
        return WeightProfile(
            name=f"{self.name} ({weight_name} × {factor:g})", criterion_weights=cw, group_weights=gw
        )


#: The national team's default profile. Every criterion weighs 1 except equity and non-take-up,
#: which weighs 2 (a priority of the national strategies); value counts for half of the overall
#: score, feasibility for 30 %, (low) risk for 20 %.
NATIONAL_DEFAULT_PROFILE = WeightProfile(
    name="Profil national par défaut",
    criterion_weights={c: (2.0 if c is Criterion.EQUITY_NON_TAKE_UP else 1.0) for c in Criterion},
    group_weights={Group.VALUE: 0.5, Group.FEASIBILITY: 0.3, Group.RISK: 0.2},
)


# --- scoring -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PriorityItem:
    """A use case as the prioritisation sees it.

    ``people_reached`` is the number of people concerned (a count, used as the bubble size of the
    portfolio matrix; independent of the 1–5 ``people_reached`` criterion). ``ai_act_category`` is
    the qualification's category, None when the use case is not qualified.
    """

    id: str
    scores: Sequence[CriterionScore]
    people_reached: int | None = None
    ai_act_category: str | None = None
    title: str = ""


@dataclass(frozen=True)
class ScoreResult:
    """Group scores (1–5, None when a criterion of the group is missing) and overall score (0–100).

    ``overall`` is None exactly when ``missing`` is not empty: the use case is "not scored".
    """

    value: float | None
    feasibility: float | None
    risk: float | None
    overall: float | None
    missing: tuple[Criterion, ...] = ()

    @property
    def scored(self) -> bool:
        return self.overall is not None


def norm(x: float) -> float:
    """Maps a 1–5 score onto 0–1: ``(x − 1) / 4``."""
    return (x - SCORE_MIN) / (SCORE_MAX - SCORE_MIN)


def _scores_by_criterion(item: PriorityItem) -> dict[Criterion, int]:
    by_criterion: dict[Criterion, int] = {}
    for s in item.scores:
        if s.criterion in by_criterion:
            raise ValueError(
                f"Cas d'usage {item.id} : le critère « {CRITERION_LABELS_FR[s.criterion]} » est noté "
                "deux fois."
            )
        by_criterion[s.criterion] = s.score
    return by_criterion


def _group_score(group: Group, scores: Mapping[Criterion, int], profile: WeightProfile) -> float | None:
    criteria = GROUP_CRITERIA[group]
    if any(c not in scores for c in criteria):
        return None
    total_weight = sum(profile.criterion_weights[c] for c in criteria)
    if total_weight == 0:
        # Only possible when the group's own weight is 0 (the profile forbids it otherwise): the
        # group does not count, show the plain mean.
        return sum(scores[c] for c in criteria) / len(criteria)
    return sum(profile.criterion_weights[c] * scores[c] for c in criteria) / total_weight


def score_item(item: PriorityItem, profile: WeightProfile) -> ScoreResult:
    """The item's group scores and overall score under ``profile`` (formula in the module docstring)."""
    scores = _scores_by_criterion(item)
    missing = tuple(c for c in Criterion if c not in scores)
    value = _group_score(Group.VALUE, scores, profile)
    feasibility = _group_score(Group.FEASIBILITY, scores, profile)
    risk = _group_score(Group.RISK, scores, profile)
    if missing or value is None or feasibility is None or risk is None:
        return ScoreResult(value, feasibility, risk, None, missing)
    gw = profile.group_weights
    weighted = (
        gw[Group.VALUE] * norm(value)
        + gw[Group.FEASIBILITY] * norm(feasibility)
        + gw[Group.RISK] * (1 - norm(risk))
    )
    overall = 100 * weighted / sum(gw.values())
    return ScoreResult(value, feasibility, risk, overall, ())


@dataclass(frozen=True)
class RankedItem:
    """An item with its result; ``rank`` is 1-based, None for a use case that is not scored."""

    id: str
    rank: int | None
    result: ScoreResult


#: Overall scores equal to this many decimals are ties (so that float noise never beats the id).
_TIE_DECIMALS = 9


def rank(items: Iterable[PriorityItem], profile: WeightProfile) -> list[RankedItem]:
    """Scored items by overall score (highest first, ties by ascending id), then unscored ones by id."""
    results = [(item.id, score_item(item, profile)) for item in items]
    ids = [i for i, _ in results]
    if len(set(ids)) != len(ids):
        raise ValueError("Identifiants de cas d'usage en double dans la liste à classer.")
    scored = sorted(
        ((i, r) for i, r in results if r.overall is not None),
        key=lambda ir: (-round(ir[1].overall or 0.0, _TIE_DECIMALS), ir[0]),
    )
    unscored = sorted(((i, r) for i, r in results if r.overall is None), key=lambda ir: ir[0])
    ranked = [RankedItem(i, n, r) for n, (i, r) in enumerate(scored, start=1)]
    return ranked + [RankedItem(i, None, r) for i, r in unscored]


def top_ids(ranked: Sequence[RankedItem], top_n: int) -> list[str]:
    """Ids of the first ``top_n`` scored items of a ranking."""
    return [r.id for r in ranked if r.rank is not None and r.rank <= top_n]


# --- sensitivity -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SensitivityRow:
    """Effect on the top N of moving one weight down or up by ``delta`` (e.g. 0.2 = 20 %)."""

    weight: str
    direction: Literal["down", "up"]
    factor: float
    leaving: tuple[str, ...]
    entering: tuple[str, ...]
    label_fr: str = field(default="")

    @property
    def changed(self) -> bool:
        return bool(self.leaving or self.entering)


def _weight_label_fr(weight_name: str) -> str:
    if weight_name.startswith("group:"):
        return f"Groupe « {GROUP_LABELS_FR[Group(weight_name.removeprefix('group:'))]} »"
    return f"Critère « {CRITERION_LABELS_FR[Criterion(weight_name)]} »"


def sensitivity(
    items: Sequence[PriorityItem],
    profile: WeightProfile,
    delta: float = 0.2,
    top_n: int = 10,
) -> list[SensitivityRow]:
    """For each weight and each direction, which use cases leave and enter the top ``top_n``.

    Each weight (the ten criterion weights, then the three group weights, in that order) is
    multiplied by ``1 − delta`` ("down") then ``1 + delta`` ("up"), the others unchanged; the
    ranking is recomputed with :func:`rank`. ``leaving`` lists, in their original rank order, the ids
    of the baseline top ``top_n`` that are no longer in it; ``entering`` lists, in their new rank
    order, the ids that joined it. A weight of 0 stays 0, so its rows never change anything.
    """
    if not 0 < delta < 1:
        raise ValueError(f"La variation doit être strictement comprise entre 0 et 1 (reçu : {delta!r}).")
    if top_n < 1:
        raise ValueError(f"La taille du classement de tête doit être au moins 1 (reçu : {top_n!r}).")
    baseline = top_ids(rank(items, profile), top_n)
    rows: list[SensitivityRow] = []
    for name in profile.weight_names():
        directions: tuple[tuple[Literal["down", "up"], float], ...] = (("down", 1 - delta), ("up", 1 + delta))
        for direction, factor in directions:
            moved = top_ids(rank(items, profile.scaled(name, factor)), top_n)
            rows.append(
                SensitivityRow(
                    weight=name,
                    direction=direction,
                    factor=factor,
                    leaving=tuple(i for i in baseline if i not in moved),
                    entering=tuple(i for i in moved if i not in baseline),
                    label_fr=_weight_label_fr(name),
                )
            )
    return rows


# --- portfolio matrix --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Point:
    """One bubble of the value/feasibility matrix."""

    id: str
    x: float  # feasibility, 1–5
    y: float  # value, 1–5
    size: int | None  # people reached (count)
    colour: str  # AI Act category, or "non qualifié"


def portfolio_points(items: Iterable[PriorityItem], profile: WeightProfile) -> list[Point]:
    """Matrix points for the items whose value and feasibility criteria are all scored, by id.

    Items missing a value or feasibility criterion cannot be placed and are left out; :func:`rank`
    lists them (rank None) with their missing criteria.
    """
    points: list[Point] = []
    for item in sorted(items, key=lambda i: i.id):
        result = score_item(item, profile)
        if result.value is None or result.feasibility is None:
            continue
        points.append(
            Point(
                id=item.id,
                x=result.feasibility,
                y=result.value,
                size=item.people_reached,
                colour=item.ai_act_category or NOT_QUALIFIED,
            )
        )
    return points
