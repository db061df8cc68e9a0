"""Charts of the monitoring timeline: one server-rendered SVG per measure (performance, recall gap between
groups, largest PSI), batch by batch, with the organisation's alert threshold drawn.

Accessibility (RGAA 1.x, WCAG 1.1.1): each chart is an ``<svg role="img">`` named by its ``<title>`` and
described by its ``<desc>`` (every value read out, and where the threshold is crossed); the
chronology table below the charts carries the same figures as text. A crossed threshold is told by a
filled diamond and by the words in the description, never by colour alone. No script and no ``style``
attribute (the page's content security policy forbids both): presentation attributes and the
stylesheet of the evaluation pages only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _

WIDTH, HEIGHT = 560, 220
LEFT, RIGHT, TOP, BOTTOM = 56, 24, 16, 44
LINE = "#000091"  # DSFR blue France
ALERT = "#CE0500"  # DSFR red Marianne
THRESHOLD = "#B34000"


@dataclass(frozen=True)
class Measure:
    """One chart: its title, the value of each batch (``None``: not measured), the reference's value
    (``None`` when the measure has none), the alert threshold and whether a value *above* it alerts
    (``True``: gap, PSI) or *below* it (``False``: performance)."""

    key: str
    title: str
    values: Sequence[float | None]
    reference: float | None
    threshold: float
    alert_above: bool
    unit_note: str = ""


def _fmt(x: float) -> str:
    return number_format(x, 3)


def _crossed(m: Measure, v: float) -> bool:
    return v > m.threshold if m.alert_above else v < m.threshold


def chart(m: Measure, batch_labels: Sequence[str], table_id: str) -> str:
    """The SVG figure of one measure (``""`` when no batch has a value)."""
    values = [v for v in m.values if v is not None]
    if not values:
        return ""
    pool = [*values, m.threshold] + ([m.reference] if m.reference is not None else [])
    lo, hi = min(pool), max(pool)
    pad = max((hi - lo) * 0.15, 0.01)
    lo, hi = max(0.0, lo - pad), hi + pad
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    n = len(m.values)

    def x(i: int) -> float:
        return LEFT + (plot_w * (i + 0.5) / n)

    def y(v: float) -> float:
        return TOP + plot_h * (1 - (v - lo) / (hi - lo))

    cid = f"suivi-{m.key}"
    parts = [
        f'<svg role="img" aria-labelledby="{cid}-t {cid}-d" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" class="atlasia-timeline-chart">',
        f'<title id="{cid}-t">{escape(m.title)}</title>',
    ]
    # the description: every value, the threshold, the batches that cross it
    read = []
    crossed = []
    for label, v in zip(batch_labels, m.values, strict=True):
        if v is None:
            read.append(_("%(batch)s : non mesuré") % {"batch": label})
            continue
        read.append(f"{label} : {_fmt(v)}")
        if _crossed(m, v):
            crossed.append(label)
    side = _("au-dessus du seuil") if m.alert_above else _("en dessous du seuil")
    desc = [
        _("Courbe « %(measure)s », du plus ancien lot au plus récent.") % {"measure": m.title},
        _("Seuil d'alerte : %(threshold)s (alerte %(side)s).")
        % {"threshold": _fmt(m.threshold), "side": side},
    ]
    if m.reference is not None:
        desc.append(_("Référence : %(value)s.") % {"value": _fmt(m.reference)})
    desc.append(" ; ".join(read) + ".")
    desc.append(
        _("Seuil franchi par : %(batches)s.") % {"batches": ", ".join(crossed)}
        if crossed
        else _("Aucun lot ne franchit le seuil.")
    )
    if m.unit_note:
        desc.append(m.unit_note)
    desc.append(_("Les mêmes valeurs figurent dans le tableau « Chronologie des lots »."))
    parts.append(f'<desc id="{cid}-d">{escape(" ".join(desc))}</desc>')
    # axes and grid
    parts.append(
        f'<rect x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}" fill="none" stroke="#929292"/>'
    )
    for k in range(5):
        v = lo + (hi - lo) * k / 4
        yy = y(v)
        parts.append(
            f'<line x1="{LEFT}" x2="{LEFT + plot_w}" y1="{yy:.1f}" y2="{yy:.1f}" stroke="#E5E5E5"/>'
            f'<text x="{LEFT - 6}" y="{yy + 4:.1f}" text-anchor="end">{escape(_fmt(v))}</text>'
        )
    for i, label in enumerate(batch_labels):
        parts.append(
            f'<text x="{x(i):.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle">{escape(label)}</text>'
        )
    # threshold and reference
    ty = y(m.threshold)
    parts.append(
        f'<line x1="{LEFT}" x2="{LEFT + plot_w}" y1="{ty:.1f}" y2="{ty:.1f}" stroke="{THRESHOLD}" '
        'stroke-width="2" stroke-dasharray="6 4"/>'
        f'<text x="{LEFT + plot_w - 4}" y="{ty + 14 if m.alert_above else ty - 5:.1f}" text-anchor="end" '
        f'fill="{THRESHOLD}">'
        f"{escape(_('seuil %(value)s') % {'value': _fmt(m.threshold)})}</text>"
    )
    if m.reference is not None:
        ry = y(m.reference)
        parts.append(
            f'<line x1="{LEFT}" x2="{LEFT + plot_w}" y1="{ry:.1f}" y2="{ry:.1f}" stroke="#666666" '
            'stroke-dasharray="2 3"/>'
            f'<text x="{LEFT + 4}" y="{ry - 5:.1f}" fill="#3A3A3A">'
            f"{escape(_('référence %(value)s') % {'value': _fmt(m.reference)})}</text>"
        )
    # the line (broken where a batch has no value) and the points
    segment: list[str] = []
    for i, v in enumerate(m.values):
        if v is None:
            if len(segment) > 1:
                parts.append(
                    f'<polyline points="{" ".join(segment)}" fill="none" stroke="{LINE}" stroke-width="2"/>'
                )
            segment = []
            continue
        segment.append(f"{x(i):.1f},{y(v):.1f}")
    if len(segment) > 1:
        parts.append(f'<polyline points="{" ".join(segment)}" fill="none" stroke="{LINE}" stroke-width="2"/>')
    for i, v in enumerate(m.values):
        if v is None:
            continue
        cx, cy = x(i), y(v)
        if _crossed(m, v):
            parts.append(
                f'<path d="M{cx:.1f},{cy - 7:.1f}L{cx + 7:.1f},{cy:.1f}L{cx:.1f},{cy + 7:.1f}'
                f'L{cx - 7:.1f},{cy:.1f}Z" fill="{ALERT}" stroke="#000000"/>'
            )
        else:
            parts.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="4" fill="{LINE}"/>')
    parts.append(
        f'<text x="{LEFT + plot_w / 2:.0f}" y="{HEIGHT - 6}" text-anchor="middle">{escape(_("Lots"))}</text>'
    )
    parts.append("</svg>")
    caption = escape(m.title)
    return (
        f'<figure class="atlasia-timeline-figure" aria-labelledby="{cid}-c">'
        f'<figcaption id="{cid}-c">{caption}</figcaption>{"".join(parts)}'
        f'<p class="fr-text--xs fr-mb-0"><a class="fr-link fr-text--xs" href="#{table_id}">'
        f"{escape(_('Valeurs dans le tableau « Chronologie des lots »'))}</a></p></figure>"
    )


def timeline_charts(series: Any, timeline: Sequence[Any]) -> list[str]:
    """The charts of a series' timeline: performance (AUC ROC, or accuracy without scores), recall gap,
    largest PSI; each against its threshold."""
    ref = getattr(series, "reference_summary", None) or {}
    labels = [_("Lot %(n)s") % {"n": p.batch.number} for p in timeline]
    use_auc = ref.get("roc_auc") is not None
    perf_ref = ref.get("roc_auc") if use_auc else ref.get("accuracy")
    measures = []
    if perf_ref is not None:
        drop = float(series.max_performance_drop)
        measures.append(
            Measure(
                "performance",
                _("AUC ROC par lot") if use_auc else _("Exactitude par lot"),
                [getattr(p, "roc_auc" if use_auc else "accuracy") for p in timeline],
                float(perf_ref),
                float(perf_ref) - drop,
                alert_above=False,
                unit_note=_("Le seuil est la valeur de référence moins la baisse tolérée (%(drop)s).")
                % {"drop": _fmt(drop)},
            )
        )
    measures.append(
        Measure(
            "equite",
            _("Écart de rappel entre groupes par lot"),
            [p.recall_gap for p in timeline],
            ref.get("recall_gap"),
            float(series.max_recall_gap),
            alert_above=True,
        )
    )
    measures.append(
        Measure(
            "derive",
            _("PSI le plus élevé par lot (dérive des données)"),
            [p.max_psi for p in timeline],
            None,
            float(series.max_psi),
            alert_above=True,
        )
    )
    return [c for c in (chart(m, labels, "chronologie-tableau") for m in measures) if c]
