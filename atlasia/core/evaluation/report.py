"""Self-contained HTML report with inline SVG charts (no script, no external resource).

Accessibility: every chart is an ``<svg role="img">`` with a ``<title>`` and a ``<desc>`` (text
alternative), is referenced by its ``<figcaption>``, and is followed by the table of its data.
Colours come from the Okabe–Ito palette (distinguishable with common colour-vision deficiencies),
and groups are also told apart by labels, never by colour alone.
"""

from __future__ import annotations

from html import escape
from typing import Any

from .lang import FR, Lang
from .reading import fmt_number, fmt_pct, metric_label, reading

__all__ = ["render_html"]

PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000")
BAR_METRICS = ("recall", "false_positive_rate", "selection_rate", "precision", "accuracy", "roc_auc")
PCT_METRICS = {
    "accuracy",
    "precision",
    "recall",
    "false_positive_rate",
    "false_negative_rate",
    "true_negative_rate",
    "selection_rate",
    "f1",
    "base_rate",
}

CSS = """
body{font-family:Marianne,Arial,sans-serif;margin:2rem auto;max-width:1100px;color:#161616;line-height:1.45}
h1{font-size:1.6rem}h2{font-size:1.3rem;margin-top:2.2rem;border-bottom:2px solid #000091}
h3{font-size:1.1rem}table{border-collapse:collapse;margin:.5rem 0 1rem;font-size:.9rem}
th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:right}th{background:#f3f3f8}
td:first-child,th:first-child{text-align:left}caption{text-align:left;font-weight:bold;padding:.3rem 0}
figure{margin:1rem 0 2rem}figcaption{font-weight:bold;margin-bottom:.3rem}
.small{color:#b34000;font-weight:bold}.muted{color:#666}.grid{display:flex;flex-wrap:wrap;gap:1.5rem}
.reading li{margin:.3rem 0}svg text{font-family:Arial,sans-serif;font-size:11px;fill:#161616}
"""


YLABEL_GAP = 16  # extra left margin of line charts, for the y-axis label
NNBSP = "\u202f"  # narrow no-break space: French thousands separator


def fmt_int(n: int) -> str:
    """French integer formatting: 186 000 (narrow no-break space), never 186,000."""
    return f"{int(n):,}".replace(",", NNBSP).replace("-", "−")


def _cap(label: str) -> str:
    """Capitalise the first letter only ("AUC ROC" stays "AUC ROC", not "Auc roc")."""
    return label[:1].upper() + label[1:]


def _v(x: float | None, metric: str, lang: Lang = FR) -> str:
    if x is None:
        return "—"
    if lang is FR:
        return fmt_pct(x, 1) if metric in PCT_METRICS else fmt_number(x, 3)
    return lang.pct(x, 1) if metric in PCT_METRICS else lang.number(x, 3)


def _int(n: int, lang: Lang) -> str:
    return fmt_int(n) if lang is FR else lang.integer(n)


def _num(x: float, digits: int, lang: Lang) -> str:
    return fmt_number(x, digits) if lang is FR else lang.number(x, digits)


def _metric_title(metric: str, lang: Lang) -> str:
    """The metric's label with a capital first letter, translated (« Taux de sélection »)."""
    return lang.t(_cap(metric_label(metric)))


class _Ids:
    def __init__(self) -> None:
        self.n = 0

    def new(self, prefix: str) -> str:
        self.n += 1
        return f"{prefix}-{self.n}"


def _bar_chart(
    ids: _Ids,
    gname: str,
    metric: str,
    groups: list[dict[str, Any]],
    overall: float | None,
    lang: Lang = FR,
) -> str:
    t = lang.t
    rows = [g for g in groups if not g["empty"]][:40]
    if not rows:
        return ""
    label = _metric_title(metric, lang)
    small_note = t(" (effectif faible)")
    w, left, right, bar_h, gap, top = 640, 170, 60, 18, 8, 28
    h = top + len(rows) * (bar_h + gap) + 30
    scale = w - left - right
    cid = ids.new("chart")
    title = t("%(metric)s par groupe (%(grouping)s)") % {"metric": label, "grouping": gname}
    alts = []
    parts = [
        f'<svg role="img" aria-labelledby="{cid}-t {cid}-d" width="{w}" height="{h}" viewBox="0 0 {w} {h}">',
        f'<title id="{cid}-t">{escape(title)}</title>',
    ]
    body = []
    for i, g in enumerate(rows):
        m = g["metrics"].get(metric, {})
        val, ci = m.get("value"), m.get("ci")
        y = top + i * (bar_h + gap)
        name = g["label"] + (small_note if g["small"] else "")
        body.append(
            f'<text x="{left - 6}" y="{y + bar_h * 0.7:.1f}" text-anchor="end">{escape(name[:28])}</text>'
        )
        if val is None:
            undefined = escape(t("non défini"))
            body.append(f'<text x="{left + 4}" y="{y + bar_h * 0.7:.1f}" class="muted">{undefined}</text>')
            alts.append(f"{g['label']} : {t('non défini')}")
            continue
        color = "#b34000" if g["small"] else PALETTE[0]
        body.append(
            f'<rect x="{left}" y="{y}" width="{max(0.5, val * scale):.1f}" height="{bar_h}" fill="{color}" '
            f'fill-opacity="{0.5 if g["small"] else 0.85}"/>'
        )
        txt = _v(val, metric, lang)
        if ci:
            x0, x1 = left + ci[0] * scale, left + ci[1] * scale
            cy = y + bar_h / 2
            body.append(
                f'<path d="M{x0:.1f},{cy}H{x1:.1f}M{x0:.1f},{cy - 5}V{cy + 5}M{x1:.1f},{cy - 5}V{cy + 5}" '
                'stroke="#000" stroke-width="1.5" fill="none"/>'
            )
            txt += f" [{_v(ci[0], metric, lang)} ; {_v(ci[1], metric, lang)}]"
        body.append(
            f'<text x="{left + max(val, ci[1] if ci else val) * scale + 6:.1f}" y="{y + bar_h * 0.7:.1f}">'
            f"{escape(_v(val, metric, lang))}</text>"
        )
        alts.append(f"{g['label']} : {txt}")
    if overall is not None:
        x = left + overall * scale
        body.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top - 8}" y2="{h - 24}" stroke="#000" '
            'stroke-dasharray="4 3"/>'
            f'<text x="{x:.1f}" y="{top - 12}" text-anchor="middle">'
            f"{escape(t('ensemble %(value)s') % {'value': _v(overall, metric, lang)})}</text>"
        )
    for tick in (0, 0.25, 0.5, 0.75, 1.0):
        x = left + tick * scale
        body.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{h - 26}" y2="{h - 22}" stroke="#666"/>'
            f'<text x="{x:.1f}" y="{h - 8}" text-anchor="middle">{_num(tick, 2, lang)}</text>'
        )
    desc = (
        t(
            "Diagramme en barres horizontales : %(metric)s pour chaque groupe de %(grouping)s, avec "
            "l'intervalle de confiance en moustaches et la valeur d'ensemble en pointillés."
        )
        % {"metric": label, "grouping": gname}
        + " "
        + " ; ".join(alts)
        + "."
    )
    parts.append(f'<desc id="{cid}-d">{escape(desc)}</desc>')
    parts.extend(body)
    parts.append("</svg>")
    table = _data_table(
        t("Données : %(metric)s par groupe (%(grouping)s)") % {"metric": label, "grouping": gname},
        [t("Groupe"), t("Effectif"), label, t("Intervalle de confiance")],
        [
            [
                g["label"] + (small_note if g["small"] else ""),
                _int(g["n"], lang),
                _v(g["metrics"].get(metric, {}).get("value"), metric, lang),
                _ci_cell(g["metrics"].get(metric, {}).get("ci"), metric, lang),
            ]
            for g in rows
        ],
    )
    return (
        f'<figure aria-labelledby="{cid}-c"><figcaption id="{cid}-c">{escape(title)}</figcaption>'
        f"{''.join(parts)}{table}</figure>"
    )


def _line_chart(
    ids: _Ids,
    title: str,
    desc_intro: str,
    series: list[tuple[str, list[float], list[float]]],
    xlabel: str,
    ylabel: str,
    diagonal: bool,
    lang: Lang = FR,
) -> tuple[str, str]:
    size, pad = 320, 40
    cid = ids.new("chart")
    total = size + 2 * pad
    parts = [
        f'<svg role="img" aria-labelledby="{cid}-t {cid}-d" width="{total + 150 + YLABEL_GAP}" '
        f'height="{total}" viewBox="0 0 {total + 150 + YLABEL_GAP} {total}">',
        f'<title id="{cid}-t">{escape(title)}</title>',
    ]
    alts = []
    body = [f'<rect x="{pad}" y="{pad}" width="{size}" height="{size}" fill="none" stroke="#666"/>']
    if diagonal:
        body.append(
            f'<line x1="{pad}" y1="{pad + size}" x2="{pad + size}" y2="{pad}" stroke="#999" '
            'stroke-dasharray="4 3"/>'
        )
    for tick in (0, 0.5, 1):
        body.append(
            f'<text x="{pad + tick * size:.0f}" y="{pad + size + 14}" text-anchor="middle">'
            f"{_num(tick, 1, lang)}</text>"
            f'<text x="{pad - 6}" y="{pad + size - tick * size + 4:.0f}" text-anchor="end">'
            f"{_num(tick, 1, lang)}</text>"
        )
    body.append(f'<text x="{pad + size / 2}" y="{total - 4}" text-anchor="middle">{escape(xlabel)}</text>')
    body.append(
        f'<text x="{9 - YLABEL_GAP}" y="{pad + size / 2}" text-anchor="middle" '
        f'transform="rotate(-90 {9 - YLABEL_GAP} {pad + size / 2})">'
        f"{escape(ylabel)}</text>"
    )
    for i, (name, xs, ys) in enumerate(series[:8]):
        color = PALETTE[i % len(PALETTE)]
        pts = " ".join(
            f"{pad + x * size:.1f},{pad + size - y * size:.1f}" for x, y in zip(xs, ys, strict=True)
        )
        dash = "" if i < 4 else ' stroke-dasharray="6 3"'
        body.append(f'<polyline points="{pts}" fill="none" stroke="{color}" stroke-width="2"{dash}/>')
        ly = pad + 12 + i * 16
        body.append(
            f'<line x1="{pad + size + 10}" x2="{pad + size + 30}" y1="{ly - 4}" y2="{ly - 4}" '
            f'stroke="{color}" '
            f'stroke-width="2"{dash}/><text x="{pad + size + 34}" y="{ly}">{escape(name[:18])}</text>'
        )
        alts.append(lang.t("%(series)s : %(n)s points") % {"series": name, "n": len(xs)})
    desc = (
        desc_intro
        + " "
        + lang.t("Séries : %(series)s.") % {"series": " ; ".join(alts)}
        + " "
        + lang.t("Les valeurs figurent dans le tableau qui suit.")
    )
    parts.append(f'<desc id="{cid}-d">{escape(desc)}</desc>')
    # the plot is shifted right so the rotated y-axis label (x = 9) clears the tick labels ("0,5")
    parts.append(f'<g transform="translate({YLABEL_GAP} 0)">')
    parts.extend(body)
    parts.append("</g></svg>")
    return "".join(parts), cid


def _ci_cell(ci: list[float | None] | None, metric: str, lang: Lang = FR) -> str:
    if not ci:
        return "—"
    return lang.t("%(low)s à %(high)s") % {"low": _v(ci[0], metric, lang), "high": _v(ci[1], metric, lang)}


def _data_table(caption: str, header: list[str], rows: list[list[str]]) -> str:
    h = "".join(f'<th scope="col">{escape(c)}</th>' for c in header)
    body = "".join(
        "<tr>"
        + "".join(
            (f'<th scope="row">{escape(c)}</th>' if j == 0 else f"<td>{escape(c)}</td>")
            for j, c in enumerate(r)
        )
        + "</tr>"
        for r in rows
    )
    return (
        f"<table><caption>{escape(caption)}</caption><thead><tr>{h}</tr></thead><tbody>{body}</tbody></table>"
    )


def _reliability(
    ids: _Ids, name: str, curves: list[tuple[str, list[dict[str, Any]]]], lang: Lang = FR
) -> str:
    t = lang.t
    series = [
        (lab, [p["mean_score"] for p in c], [p["fraction_positive"] for p in c]) for lab, c in curves if c
    ]
    if not series:
        return ""
    title = t("Diagramme de fiabilité (%(grouping)s)") % {"grouping": name}
    svg, cid = _line_chart(
        ids,
        title,
        t(
            "Courbe de fiabilité : en abscisse la probabilité moyenne annoncée par classe de score, en "
            "ordonnée la fréquence observée de cas positifs ; la diagonale correspond à une calibration "
            "parfaite."
        ),
        series,
        t("probabilité annoncée"),
        t("fréquence observée"),
        True,
        lang,
    )
    rows = []
    for lab, c in curves:
        for p in c:
            rows.append(
                [
                    lab,
                    f"{_num(p['bin_low'], 1, lang)}–{_num(p['bin_high'], 1, lang)}",
                    _int(p["count"], lang),
                    _num(p["mean_score"], 3, lang),
                    _num(p["fraction_positive"], 3, lang),
                ]
            )
    table = _data_table(
        t("Données : %(title)s") % {"title": title},
        [t("Groupe"), t("Classe de score"), t("Effectif"), t("Probabilité moyenne"), t("Fréquence observée")],
        rows,
    )
    return (
        f'<figure><figcaption id="{cid}-c">{escape(title)}</figcaption>{svg}'
        f"<details><summary>{escape(t('Tableau des données'))}</summary>{table}</details></figure>"
    )


def _roc(
    ids: _Ids, name: str, curves: list[tuple[str, dict[str, Any] | None, float | None]], lang: Lang = FR
) -> str:
    t = lang.t
    series = [(lab, c["fpr"], c["tpr"]) for lab, c, _ in curves if c]
    if not series:
        return ""
    title = t("Courbes ROC (%(grouping)s)") % {"grouping": name}
    svg, cid = _line_chart(
        ids,
        title,
        t(
            "Courbes ROC : en abscisse le taux de faux positifs, en ordonnée le taux de vrais positifs "
            "(rappel), pour tous les seuils ; plus la courbe est haute, meilleur est le classement."
        ),
        series,
        t("taux de faux positifs"),
        t("taux de vrais positifs"),
        True,
        lang,
    )
    table = _data_table(
        t("Données : %(title)s (aire sous la courbe)") % {"title": title},
        [t("Groupe"), t("AUC ROC"), t("Points de la courbe")],
        [[lab, _v(auc, "roc_auc", lang), str(len(c["fpr"])) if c else "—"] for lab, c, auc in curves],
    )
    return f'<figure><figcaption id="{cid}-c">{escape(title)}</figcaption>{svg}{table}</figure>'


def render_html(result: dict[str, Any], lang: Lang = FR) -> str:
    """A self-contained HTML page (inline CSS and SVG) presenting ``result``, in French unless ``lang``
    translates it (the web exports pass the reader's language)."""
    t = lang.t
    ids = _Ids()
    params = result.get("parameters", {})
    boot = params.get("bootstrap", {})
    code = "fr" if lang.decimal == "," else "en"
    title = t("Rapport d'évaluation du modèle")
    out = [
        f'<!DOCTYPE html><html lang="{code}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_text(title)} — Atlas IA</title>",
        f"<style>{CSS}</style></head><body><main>",
        f"<h1>{_text(title)}</h1>",
        '<p class="muted">'
        + _text(
            t(
                "Schéma %(schema)s — %(rows)s lignes — intervalles de confiance à %(level)s "
                "par bootstrap (%(resamples)s rééchantillonnages, graine %(seed)s)"
            )
            % {
                "schema": result.get("schema_version"),
                "rows": _int(result.get("data", {}).get("n_rows", 0), lang),
                "level": lang.pct(boot.get("level", 0.95), 0),
                "resamples": boot.get("n_resamples", 0),
                "seed": boot.get("seed"),
            }
        )
        + f"{_text(_auc_method_fr(params, lang))}.</p>",
        f"<h2>{_text(t('Lecture'))}</h2><ul class='reading'>",
        *(f"<li>{escape(s)}</li>" for s in reading(result, lang)),
        "</ul>",
    ]
    om = result.get("overall", {}).get("metrics", {})
    out.append(f"<h2>{_text(t('Ensemble des données'))}</h2>")
    out.append(
        _data_table(
            t("Indicateurs sur l'ensemble des données"),
            [t("Indicateur"), t("Valeur"), t("Intervalle de confiance")],
            [
                [
                    _metric_title(m, lang),
                    _int(int(v["value"]), lang)
                    if m == "count" and v["value"] is not None
                    else _v(v["value"], m, lang),
                    _ci_cell(v["ci"], m, lang),
                ]
                for m, v in om.items()
            ],
        )
    )
    overall = result.get("overall", {})
    marg = [g for g in result.get("groupings", []) if g["kind"] == "marginal"]
    everyone = t("ensemble")
    if overall.get("reliability"):
        out.append('<div class="grid">')
        out.append(_reliability(ids, everyone, [(everyone, overall["reliability"])], lang))
        if overall.get("roc"):
            out.append(
                _roc(
                    ids,
                    everyone,
                    [(everyone, overall["roc"], om.get("roc_auc", {}).get("value"))],
                    lang,
                )
            )
        out.append("</div>")
    for g in result.get("groupings", []):
        gname = g["name"]
        out.append(f"<h2>{_text(t('Par groupe : %(grouping)s') % {'grouping': gname})}</h2>")
        if g.get("n_small") or g.get("n_empty"):
            out.append(
                '<p class="small">'
                + _text(
                    t(
                        "%(small)s groupe(s) d'effectif inférieur à %(min)s (chiffres peu fiables, "
                        "signalés) ; %(empty)s combinaison(s) absente(s)."
                    )
                    % {
                        "small": g.get("n_small", 0),
                        "min": params.get("min_group_size", 30),
                        "empty": g.get("n_empty", 0),
                    }
                )
                + "</p>"
            )
        metrics = [m for m in BAR_METRICS if any(m in e["metrics"] for e in g["groups"])]
        if result.get("task") == "regression":
            metrics = ["mae", "rmse"]
        if g["kind"] == "marginal" or g["n_groups"] <= 40:
            for m in metrics:
                if m in ("mae", "rmse"):
                    continue
                out.append(_bar_chart(ids, gname, m, g["groups"], om.get(m, {}).get("value"), lang))
        disp_rows = []
        for m, d in g.get("disparities", {}).items():
            disp_rows.append(
                [
                    _metric_title(m, lang),
                    _v(d["difference_between_groups"]["value"], "x", lang),
                    _v(d["difference_to_overall"]["value"], "x", lang),
                    _v(d["ratio_between_groups"]["value"], "x", lang),
                    _v(d["ratio_to_overall"]["value"], "x", lang),
                ]
            )
        out.append(
            _data_table(
                t("Écarts et rapports entre groupes (%(grouping)s), définitions de fairlearn")
                % {"grouping": gname},
                [
                    t("Indicateur"),
                    t("Écart max. entre groupes"),
                    t("Écart max. à l'ensemble"),
                    t("Rapport min./max."),
                    t("Rapport min. à l'ensemble"),
                ],
                disp_rows,
            )
        )
        if g in marg and any(e.get("reliability") for e in g["groups"]):
            out.append('<div class="grid">')
            out.append(
                _reliability(
                    ids, gname, [(e["label"], e.get("reliability") or []) for e in g["groups"]], lang
                )
            )
            out.append(
                _roc(
                    ids,
                    gname,
                    [
                        (e["label"], e.get("roc"), e["metrics"].get("roc_auc", {}).get("value"))
                        for e in g["groups"]
                    ],
                    lang,
                )
            )
            out.append("</div>")
    fair = [g for g in result.get("groupings", []) if g.get("fairness")]
    if fair:
        # one table for every grouping (a row each), rather than the same eight measure names repeated
        # under each grouping
        keys = [k for k in FAIRNESS_COLUMNS if any(k in g["fairness"] for g in fair)]
        fairness_title = t("Mesures d'équité")
        out.append(f"<h2>{_text(fairness_title)}</h2>")
        out.append(
            _data_table(
                t(
                    "Mesures d'équité de fairlearn par regroupement (écart et rapport entre groupes ; "
                    "entre crochets, l'intervalle de confiance)"
                ),
                [t("Regroupement"), *(t(FAIRNESS_COLUMNS[k]) for k in keys)],
                [[g["name"], *(_fair_cell(g["fairness"].get(k), lang) for k in keys)] for g in fair],
            )
        )
    time = result.get("time")
    if time:
        out.append(f"<h2>{_text(t('Évolution par mois'))}</h2>")
        keys = [
            k
            for k in (
                "n",
                "accuracy",
                "recall",
                "false_positive_rate",
                "selection_rate",
                "roc_auc",
                "mae",
                "bias",
                "psi_score",
            )
            if any(k in p for p in time["periods"])
        ]
        out.append(
            _data_table(
                t("Indicateurs par mois"),
                [
                    t("Mois"),
                    *[
                        (
                            t("Effectif")
                            if k == "n"
                            else (t("PSI du score") if k == "psi_score" else _metric_title(k, lang))
                        )
                        for k in keys
                    ],
                ],
                [
                    [
                        p["period"],
                        *[(_int(p[k], lang) if k == "n" else _v(p.get(k), k, lang)) for k in keys],
                    ]
                    for p in time["periods"]
                ],
            )
        )
    drift = result.get("drift")
    if drift:
        out.append(f"<h2>{_text(t('Dérive par rapport aux données de référence'))}</h2>")
        levels = {"stable": t("stable"), "moderate": t("modérée"), "major": t("majeure")}
        kinds = {"numeric": t("numérique"), "categorical": t("catégorielle")}
        out.append(
            _data_table(
                t("Dérive par colonne (PSI : < 0,10 stable ; 0,10–0,25 modérée ; > 0,25 majeure)"),
                [
                    t("Colonne"),
                    t("Rôle"),
                    t("Type"),
                    "PSI",
                    t("Niveau"),
                    "KS (D)",
                    t("p-valeur KS"),
                    t("Distance de variation totale"),
                ],
                [
                    [
                        f["feature"],
                        f.get("role", ""),
                        kinds.get(f.get("kind", ""), "—"),
                        _v(f.get("psi"), "x", lang),
                        levels.get(f.get("psi_level"), "—"),
                        _v(f.get("ks_statistic"), "x", lang),
                        _v(f.get("ks_pvalue"), "x", lang),
                        _v(f.get("tvd"), "x", lang),
                    ]
                    for f in drift["features"]
                ],
            )
        )
    out.append("</main></body></html>")
    return "\n".join(x for x in out if x)


def _text(value: Any) -> str:
    """Text for an HTML element (``<`` and ``&`` escaped, apostrophes kept as typed)."""
    return escape(str(value), quote=False)


def _auc_method_fr(params: dict[str, Any], lang: Lang = FR) -> str:
    """How the AUC intervals were computed, when they were (DeLong by default, as pROC)."""
    method = params.get("auc_interval_method")
    if method == "delong":
        return lang.t(" ; AUC : méthode de DeLong (variance analytique, comme le paquet R pROC)")
    if method == "bootstrap":
        return lang.t(" ; AUC : rééchantillonnage des lignes")
    return ""


#: The fairness measures shown in the exports (between groups; "to overall" stays in the JSON).
FAIRNESS_COLUMNS = {
    "demographic_parity_difference_between_groups": "Parité démographique : écart",
    "demographic_parity_ratio_between_groups": "Parité démographique : rapport",
    "equalized_odds_difference_between_groups": "Égalité des chances : écart",
    "equalized_odds_ratio_between_groups": "Égalité des chances : rapport",
}


def _fair_cell(entry: dict[str, Any] | None, lang: Lang = FR) -> str:
    if not entry:
        return "—"
    text = _v(entry.get("value"), "x", lang)
    ci = entry.get("ci")
    if ci and ci[0] is not None:
        text += f" [{_v(ci[0], 'x', lang)} ; {_v(ci[1], 'x', lang)}]"
    return text
