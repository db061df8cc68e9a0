"""Pure aggregation and drawing helpers for dashboards and the annual report (no Django import).

Everything here is deterministic: the same input gives the same output, byte for byte, which the
report's input hash relies on. The SVG helpers return accessible inline SVG (``role="img"`` with a
``<title>``/``<desc>``), always meant to sit next to the data table that carries the same figures.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

STATE_BLUE = "#000091"
# DSFR blue-france scale, light to dark; the text colour on each is chosen for 4.5:1 contrast.
PALETTE = ("#f5f5fe", "#e3e3fd", "#cacafb", "#8585f6", "#313178", "#000091")
TEXT_ON = ("#161616", "#161616", "#161616", "#161616", "#ffffff", "#ffffff")


@dataclass(frozen=True)
class Bucket:
    code: str
    label: str
    n: int


def count_by(values: Iterable[str], labels: Mapping[str, str], *, keep_zero: bool = True) -> list[Bucket]:
    """Counts of ``values`` in the order of ``labels`` (reference order), then unknown codes sorted.

    Empty codes are counted under ``""`` with the label « Non renseigné »."""
    counts = Counter(values)
    out = [Bucket(code, label, counts.get(code, 0)) for code, label in labels.items()]
    out = [b for b in out if keep_zero or b.n]
    for code in sorted(c for c in counts if c not in labels):
        out.append(Bucket(code, _("Non renseigné") if code == "" else code, counts[code]))
    return out


def trend_by_year(years: Iterable[int | None]) -> tuple[list[tuple[int, int]], int]:
    """Counts per year from the first to the last year seen, with the gaps filled with zero, and the
    number of records without a year."""
    counts = Counter(years)
    unknown = counts.pop(None, 0)
    if not counts:
        return [], unknown
    first, last = min(counts), max(counts)  # type: ignore[type-var]
    return [(y, counts.get(y, 0)) for y in range(first, last + 1)], unknown  # type: ignore[arg-type,operator]


def class_breaks(values: Sequence[int], classes: int = 5) -> list[tuple[int, int]]:
    """Class thresholds for a choropleth: ``[(low, high), …]`` inclusive integer ranges covering
    1…max with "nice" equal steps; zero is always a class of its own (rendered apart)."""
    top = max(values, default=0)
    if top <= 0:
        return []
    step = max(1, math.ceil(top / classes))
    breaks: list[tuple[int, int]] = []
    low = 1
    while low <= top:
        high = min(top, low + step - 1)
        breaks.append((low, high))
        low = high + 1
    return breaks


def class_index(value: int, breaks: Sequence[tuple[int, int]]) -> int:
    """0 for zero, else 1 + the index of the class containing ``value``."""
    if value <= 0:
        return 0
    for i, (_low, high) in enumerate(breaks):
        if value <= high:
            return i + 1
    return len(breaks)


def _colour(index: int, n_classes: int) -> tuple[str, str]:
    if index == 0 or n_classes == 0:
        return PALETTE[0], TEXT_ON[0]
    # spread the classes over the five coloured steps of the palette
    pos = (
        1 + round((index - 1) * (len(PALETTE) - 2) / max(1, n_classes - 1))
        if n_classes > 1
        else len(PALETTE) - 1
    )
    return PALETTE[pos], TEXT_ON[pos]


# Tile-grid cartogram of the 13 metropolitan regions: (column, row) on a 5 x 5 grid, placed so that
# neighbours stay neighbours. Simplified on purpose: it shows where, not the shape of the land.
METRO_TILES: dict[str, tuple[int, int, str]] = {
    "32": (2, 0, "HDF"),
    "53": (0, 1, "BRE"),
    "28": (1, 1, "NOR"),
    "11": (2, 1, "IDF"),
    "44": (3, 1, "GES"),
    "52": (1, 2, "PDL"),
    "24": (2, 2, "CVL"),
    "27": (3, 2, "BFC"),
    "75": (1, 3, "NAQ"),
    "84": (2, 3, "ARA"),
    "93": (3, 3, "PAC"),
    "76": (2, 4, "OCC"),
    "94": (4, 4, "COR"),
}
OVERSEAS_TILES: dict[str, str] = {"01": "GUA", "02": "MTQ", "03": "GUF", "04": "LRE", "06": "MAY"}


def _plural(n: int, one: str, many: str) -> str:
    return one if n in (0, 1) else many


MAP_TITLE = gettext_lazy("Cas d'usage par région")
MAP_UNIT = (gettext_lazy("cas d'usage"), gettext_lazy("cas d'usage"))


def map_svg(
    counts: Mapping[str, int],
    names: Mapping[str, str],
    *,
    svg_id: str = "carte-regions",
    title: Any = MAP_TITLE,
    unit: tuple[Any, Any] = MAP_UNIT,
    focusable: bool = True,
    link: Callable[[str], str] | None = None,
) -> dict[str, object]:
    """An accessible tile-grid choropleth of the 18 regions, the five overseas regions as insets.

    With ``link`` (region code → URL) each region is a link, reached by Tab and followed with Enter;
    without it the regions are not in the tab order (a tab stop that does nothing is a trap for keyboard
    users) and the table next to the map carries the figures. ``focusable=False`` (the PDF) never links.

    Returns ``{"svg": str, "legend": [...], "rows": [...]}``: the SVG markup, the legend classes and
    the table rows (name, count) in reference order, for the table shown next to the map."""
    codes = list(METRO_TILES) + list(OVERSEAS_TILES)
    linked = link is not None and focusable
    values = [int(counts.get(c, 0)) for c in codes]
    breaks = class_breaks(values)
    tile, gap, pad = 84, 6, 10
    width = pad * 2 + 5 * (tile + gap)
    inset_top = pad + 5 * (tile + gap) + 34
    inset_tile = (width - 2 * pad - 4 * gap) // 5
    height = inset_top + inset_tile + pad
    desc_parts = [
        f"{names.get(c, c)} : {counts.get(c, 0)} {_plural(int(counts.get(c, 0)), *unit)}" for c in codes
    ]
    parts: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
        # A picture when it only shows; a group of links when its regions can be followed (an image
        # may not contain interactive elements).
        f'class="atlasia-map" role="{"group" if linked else "img"}" '
        f'aria-labelledby="{svg_id}-title {svg_id}-desc" id="{svg_id}">',
        f'<title id="{svg_id}-title">{escape(title)}</title>',
        f'<desc id="{svg_id}-desc">'
        + _(
            "Cartogramme en tuiles : chaque région est un carré de même taille, "
            "placé selon sa position approximative ; les cinq régions d'outre-mer sont en encart. "
        )
        + f"{escape('. '.join(desc_parts))}.</desc>",
    ]

    def tile_svg(code: str, x: int, y: int, size: int, abbr: str) -> str:
        n = int(counts.get(code, 0))
        fill, ink = _colour(class_index(n, breaks), len(breaks))
        name = names.get(code, code)
        label = f"{name} : {n} {_plural(n, *unit)}"
        href = link(code) if (link is not None and focusable) else ""
        opening = (
            f'<a href="{escape(href)}" class="atlasia-map__link" aria-label="{escape(label)}">'
            if href
            else ""
        )
        return (
            opening + f'<g class="atlasia-map__region" data-region="{code}">'
            f"<title>{escape(label)}</title>"
            f'<rect x="{x}" y="{y}" width="{size}" height="{size}" rx="6" fill="{fill}" '
            f'stroke="{STATE_BLUE}" stroke-width="1.5"/>'
            f'<text x="{x + size / 2:g}" y="{y + size / 2 - 6:g}" text-anchor="middle" font-size="15" '
            f'font-weight="700" fill="{ink}">{abbr}</text>'
            f'<text x="{x + size / 2:g}" y="{y + size / 2 + 16:g}" text-anchor="middle" font-size="17" '
            f'fill="{ink}">{n}</text></g>' + ("</a>" if href else "")
        )

    for code, (col, row, abbr) in METRO_TILES.items():
        parts.append(tile_svg(code, pad + col * (tile + gap), pad + row * (tile + gap), tile, abbr))
    parts.append(
        f'<text x="{pad}" y="{inset_top - 10}" font-size="14" fill="#3a3a3a">'
        + _("Outre-mer (encarts)")
        + "</text>"
        f'<line x1="{pad}" y1="{inset_top - 28}" x2="{width - pad}" y2="{inset_top - 28}" '
        f'stroke="#929292" stroke-dasharray="4 3"/>'
    )
    for i, (code, abbr) in enumerate(OVERSEAS_TILES.items()):
        parts.append(tile_svg(code, pad + i * (inset_tile + gap), inset_top, inset_tile, abbr))
    parts.append("</svg>")

    legend = [{"label": "0", "fill": PALETTE[0], "ink": TEXT_ON[0]}]
    for i, (low, high) in enumerate(breaks, start=1):
        fill, ink = _colour(i, len(breaks))
        legend.append(
            {
                "label": str(low) if low == high else _("%(low)s à %(high)s") % {"low": low, "high": high},
                "fill": fill,
                "ink": ink,
            }
        )
    rows = [
        {
            "code": c,
            "name": names.get(c, c),
            "abbr": METRO_TILES[c][2] if c in METRO_TILES else OVERSEAS_TILES[c],
            "n": int(counts.get(c, 0)),
        }
        for c in sorted(codes)
    ]
    return {"svg": "".join(parts), "legend": legend, "rows": rows}


def bar_chart_svg(
    items: Sequence[tuple[str, int]],
    *,
    svg_id: str,
    title: str,
    width: int = 640,
    bar_height: int = 22,
    label_width: int = 260,
) -> str:
    """A horizontal bar chart (label, value); values are written at the end of each bar."""
    items = list(items)
    top = max((v for _l, v in items), default=0) or 1
    height = 12 + len(items) * (bar_height + 8)
    usable = width - label_width - 60
    desc = "; ".join(f"{label} : {value}" for label, value in items) or _("Aucune donnée.")
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
        f'role="img" aria-labelledby="{svg_id}-title {svg_id}-desc" class="atlasia-chart">',
        f'<title id="{svg_id}-title">{escape(title)}</title><desc id="{svg_id}-desc">{escape(desc)}</desc>',
    ]
    for i, (label, value) in enumerate(items):
        y = 6 + i * (bar_height + 8)
        w = round(usable * value / top) if value else 0
        short = label if len(label) <= 38 else label[:37] + "…"
        parts.append(
            f'<text x="{label_width - 8}" y="{y + bar_height * 0.7:g}" text-anchor="end" font-size="12" '
            f'fill="#161616">{escape(short)}</text>'
            f'<rect x="{label_width}" y="{y}" width="{w}" height="{bar_height}" fill="{STATE_BLUE}"/>'
            f'<text x="{label_width + w + 6}" y="{y + bar_height * 0.7:g}" font-size="12" '
            f'fill="#161616">{value}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def column_chart_svg(
    items: Sequence[tuple[int | str, int]], *, svg_id: str, title: str, width: int = 640, height: int = 220
) -> str:
    """A vertical column chart for yearly trends."""
    items = list(items)
    top = max((v for _l, v in items), default=0) or 1
    n = max(1, len(items))
    base = height - 28
    slot = (width - 20) / n
    bar = max(6.0, min(48.0, slot * 0.6))
    desc = "; ".join(f"{label} : {value}" for label, value in items) or _("Aucune donnée.")
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
        f'role="img" aria-labelledby="{svg_id}-title {svg_id}-desc" class="atlasia-chart">',
        f'<title id="{svg_id}-title">{escape(title)}</title><desc id="{svg_id}-desc">{escape(desc)}</desc>',
        f'<line x1="10" y1="{base}" x2="{width - 10}" y2="{base}" stroke="#929292"/>',
    ]
    for i, (label, value) in enumerate(items):
        cx = 10 + slot * i + slot / 2
        h = (base - 24) * value / top
        parts.append(
            f'<rect x="{cx - bar / 2:.1f}" y="{base - h:.1f}" width="{bar:.1f}" height="{h:.1f}" '
            f'fill="{STATE_BLUE}"/>'
            f'<text x="{cx:.1f}" y="{base - h - 4:.1f}" text-anchor="middle" font-size="12" '
            f'fill="#161616">{value}</text>'
            f'<text x="{cx:.1f}" y="{base + 16}" text-anchor="middle" font-size="12" '
            f'fill="#161616">{escape(str(label))}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
