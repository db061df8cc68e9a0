"""The portfolio page's computations: ranking table, value × feasibility matrix (inline SVG geometry)
and sensitivity rows. Every number comes from :mod:`atlasia.core.prioritisation`; this module only
lays them out for the templates."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy

from atlasia.core import prioritisation as prio
from atlasia.lifecycle.selectors import PortfolioRow

from .labels import criterion_label

# Risk bands of the matrix, from the risk group score (1–5) of the scorecard. The AI Act category is
# known only once the qualification module records it, whereas every placed point has a risk score:
# the bands keep the colour meaningful for every bubble (the table also shows the AI Act category).
# Each band has a colour (contrast ≥ 3:1 on white, WCAG 1.4.11) *and* its own shape and letter, so
# that the colour is never the only way to tell them apart (WCAG 1.4.1).
RISK_BANDS: list[dict[str, Any]] = [
    {
        "key": "low",
        "label": gettext_lazy("Risque faible (note de risque ≤ 2,3)"),
        "short": "faible",
        "colour": "#18753c",
        "shape": "cercle",
        "letter": "F",
    },
    {
        "key": "medium",
        "label": gettext_lazy("Risque modéré (2,3 < note ≤ 3,7)"),
        "short": "modéré",
        "colour": "#8a5a00",
        "shape": "carré",
        "letter": "M",
    },
    {
        "key": "high",
        "label": gettext_lazy("Risque élevé (note > 3,7)"),
        "short": "élevé",
        "colour": "#ce0500",
        "shape": "triangle",
        "letter": "É",
    },
]
_BANDS = {b["key"]: b for b in RISK_BANDS}

AI_ACT_LABELS_FR = {
    "not_ai_system": gettext_lazy("Pas un système d'IA"),
    "excluded": gettext_lazy("Hors champ"),
    "prohibited": gettext_lazy("Interdit"),
    "high_risk": gettext_lazy("Haut risque"),
    "limited": gettext_lazy("Risque limité"),
    "minimal": gettext_lazy("Risque minimal"),
    "undetermined": gettext_lazy("Indéterminé"),
}


def risk_band(risk: float | None) -> dict[str, str] | None:
    if risk is None:
        return None
    if risk <= 7 / 3:
        return _BANDS["low"]
    if risk <= 11 / 3:
        return _BANDS["medium"]
    return _BANDS["high"]


# Geometry of the SVG (user units).
WIDTH, HEIGHT = 720, 560
LEFT, RIGHT, TOP, BOTTOM = 70, 30, 30, 70
R_MIN, R_MAX = 7.0, 30.0


# The axes run from 0.5 to 5.5 so that symbols on a score of 1 or 5 stay inside the frame.
LOW, HIGH = 0.5, 5.5


def _x(feasibility: float) -> float:
    return LEFT + (feasibility - LOW) / (HIGH - LOW) * (WIDTH - LEFT - RIGHT)


def _y(value: float) -> float:
    return HEIGHT - BOTTOM - (value - LOW) / (HIGH - LOW) * (HEIGHT - TOP - BOTTOM)


@dataclass
class Bubble:
    rank: int | None
    title: str
    x: float
    y: float
    r: float
    band: dict[str, str]
    people: int | None
    value: float
    feasibility: float
    shape_points: str = ""
    square: tuple[float, float, float] = (0.0, 0.0, 0.0)


def ranked_table(rows: list[PortfolioRow], profile: prio.WeightProfile) -> list[PortfolioRow]:
    """``rows`` in the core's ranking order, each with its result and rank."""
    by_id = {r.item.id: r for r in rows}
    ordered = []
    for ranked in prio.rank([r.item for r in rows], profile):
        row = by_id[ranked.id]
        row.result, row.rank = ranked.result, ranked.rank
        row.extra["band"] = risk_band(ranked.result.risk)
        row.extra["ai_act"] = AI_ACT_LABELS_FR.get(row.item.ai_act_category or "", "Non qualifié")
        row.extra["missing"] = [criterion_label(c) for c in ranked.result.missing]
        ordered.append(row)
    return ordered


def _spread_stacked(bubbles: list[Bubble]) -> None:
    """Use cases with the same value and feasibility would be drawn on one point (ranks 1 to 4 on one
    spot): place them on a small circle around that point, in rank order, so each stays visible and
    clickable; the exact scores stay in the table below the matrix."""
    groups: dict[tuple[int, int], list[Bubble]] = {}
    for bubble in bubbles:
        groups.setdefault((round(bubble.x), round(bubble.y)), []).append(bubble)
    for stack in groups.values():
        if len(stack) < 2:
            continue
        stack.sort(key=lambda b: (b.rank is None, b.rank or 0))
        radius = max(b.r for b in stack) * (1.1 if len(stack) < 4 else 1.4)
        cx, cy = stack[0].x, stack[0].y
        for k, bubble in enumerate(stack):
            angle = -math.pi / 2 + 2 * math.pi * k / len(stack)
            dx, dy = radius * math.cos(angle), radius * math.sin(angle)
            bubble.x, bubble.y = cx + dx, cy + dy
            r = bubble.r
            bubble.square = (bubble.x - r * 0.9, bubble.y - r * 0.9, r * 1.8)
            if bubble.shape_points:
                h = r * 1.15
                bubble.shape_points = (
                    f"{bubble.x:.1f},{bubble.y - h:.1f} {bubble.x - h:.1f},{bubble.y + h * 0.75:.1f} "
                    f"{bubble.x + h:.1f},{bubble.y + h * 0.75:.1f}"
                )


def matrix(rows: list[PortfolioRow], profile: prio.WeightProfile) -> dict[str, Any]:
    """Bubbles of the value × feasibility matrix (from :func:`prio.portfolio_points`) and the axes."""
    by_id = {r.item.id: r for r in rows}
    points = prio.portfolio_points([r.item for r in rows], profile)
    sizes = [p.size for p in points if p.size]
    biggest = max(sizes) if sizes else 1
    bubbles = []
    for point in points:
        row = by_id[point.id]
        result = row.result or prio.score_item(row.item, profile)
        band = risk_band(result.risk) or _BANDS["medium"]
        # Area proportional to the number of people reached.
        r = R_MIN + (R_MAX - R_MIN) * math.sqrt((point.size or 0) / biggest)
        bubble = Bubble(
            row.rank, row.use_case.title, _x(point.x), _y(point.y), r, band, point.size, point.y, point.x
        )
        bubble.square = (bubble.x - r * 0.9, bubble.y - r * 0.9, r * 1.8)
        if band["key"] == "high":
            h = r * 1.15
            bubble.shape_points = (
                f"{bubble.x:.1f},{bubble.y - h:.1f} {bubble.x - h:.1f},{bubble.y + h * 0.75:.1f} "
                f"{bubble.x + h:.1f},{bubble.y + h * 0.75:.1f}"
            )
        bubbles.append(bubble)
    _spread_stacked(bubbles)
    # Draw the biggest first, so that small bubbles stay visible on top.
    bubbles.sort(key=lambda b: -b.r)
    ticks = [{"v": v, "x": _x(v), "y": _y(v)} for v in (1, 2, 3, 4, 5)]
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "top": TOP,
        "bottom": HEIGHT - BOTTOM,
        "mid_x": _x(3),
        "mid_y": _y(3),
        "plot_w": WIDTH - LEFT - RIGHT,
        "plot_h": HEIGHT - TOP - BOTTOM,
        "zone_w": WIDTH - RIGHT - _x(3),
        "zone_h": _y(3) - TOP,
        "ticks": ticks,
        "bubbles": bubbles,
        "biggest": biggest if sizes else None,
        "legend_sizes": _legend_sizes(biggest) if sizes else [],
    }


def _two_digits(n: float) -> int:
    digits = len(str(max(1, int(n))))
    return max(1, int(round(n, -max(0, digits - 2))))


def _legend_sizes(biggest: int) -> list[dict[str, Any]]:
    out = []
    for people in sorted({_two_digits(biggest / 10), biggest}):
        r = R_MIN + (R_MAX - R_MIN) * math.sqrt(min(people, biggest) / biggest)
        out.append({"people": people, "r": r, "d": 2 * r + 4})
    return out


def sensitivity_rows(
    rows: list[PortfolioRow], profile: prio.WeightProfile, top_n: int = 10
) -> dict[str, Any]:
    """The core's sensitivity rows (each weight ±20 %) with titles instead of ids."""
    titles = {r.item.id: r.use_case.title for r in rows}
    items = [r.item for r in rows]
    baseline = prio.top_ids(prio.rank(items, profile), top_n)
    table = []
    for row in prio.sensitivity(items, profile, delta=0.2, top_n=top_n):
        table.append(
            {
                "label": row.label_fr,
                "direction": "−20 %" if row.direction == "down" else "+20 %",
                "leaving": [titles[i] for i in row.leaving],
                "entering": [titles[i] for i in row.entering],
                "changed": row.changed,
            }
        )
    return {
        "baseline": [titles[i] for i in baseline],
        "rows": table,
        "changed_count": sum(1 for r in table if r["changed"]),
        "top_n": top_n,
    }
