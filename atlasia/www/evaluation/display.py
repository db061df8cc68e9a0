"""What the result and comparison pages show, built from a stored result of the evaluation engine.

The charts are the engine's own SVG figures (``atlasia.core.evaluation.report``: title, text alternative
and data table for each), embedded in the DSFR page; the tables are rebuilt here with DSFR markup.
"""

from __future__ import annotations

import re
from html import escape
from typing import Any

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from atlasia.core.evaluation import render_html
from atlasia.core.evaluation import report as engine_report
from atlasia.core.evaluation.lang import Lang, english
from atlasia.core.evaluation.reading import fmt_int, fmt_number, reading
from atlasia.evaluation.labels import FAIRNESS_LABELS, label_of

GROUP_COLUMNS = ("accuracy", "recall", "false_positive_rate", "selection_rate", "precision", "roc_auc")
CHART_METRICS = ("recall", "false_positive_rate", "selection_rate", "roc_auc")
COMPARE_METRICS = (
    "count",
    "accuracy",
    "precision",
    "recall",
    "false_positive_rate",
    "false_negative_rate",
    "selection_rate",
    "f1",
    "roc_auc",
    "brier",
    "ece",
)
PSI_LEVELS = {"stable": _l("stable"), "moderate": _l("modérée"), "major": _l("majeure")}
ROLES = {
    "target": _l("valeur réelle"),
    "prediction": _l("décision"),
    "score": _l("score"),
    "group": _l("groupe"),
    "feature": _l("variable"),
}
KINDS = {"numeric": _l("numérique"), "categorical": _l("catégorielle")}


def lang() -> Lang:
    """The engine's sentences and figures in the interface language (French source, translated)."""
    if (get_language() or "fr").startswith("en"):
        return english(_)
    return Lang(_)


def fmt(value: float | None, metric: str, lg: Lang | None = None) -> str:
    lg = lg or lang()
    if metric == "count" and value is not None:
        return lg.integer(int(value)) if lg.decimal != "," else fmt_int(int(value))
    return engine_report._v(value, metric, lg if lg.decimal != "," else engine_report.FR)


def fmt_ci(ci: list[float | None] | None, metric: str, lg: Lang | None = None) -> str:
    # a degenerate interval (the overall count, fixed by the resampling) says nothing: not shown
    if not ci or ci[0] is None or ci[0] == ci[1]:
        return "—"
    return _("%(low)s à %(high)s") % {"low": fmt(ci[0], metric, lg), "high": fmt(ci[1], metric, lg)}


def fmt_diff(diff: float | None, metric: str) -> str:
    if diff is None:
        return "—"
    lg = lang()
    sign = "+" if diff > 0 else ("±" if diff == 0 else "")
    if metric in engine_report.PCT_METRICS:
        return _("%(value)s pt") % {"value": f"{sign}{lg.number(100 * diff, 1)}"}
    if metric == "count":
        return f"{sign}{fmt_int(int(diff)) if lg.decimal == ',' else lg.integer(int(diff))}"
    return f"{sign}{lg.number(diff, 3)}"


def _dsfr_tables(html: str) -> SafeString:
    # The engine's figures carry plain tables; DSFR styles tables inside ``.fr-table``.
    html = html.replace("<table>", '<div class="fr-table fr-table--sm atlasia-eval-table"><table>')
    return mark_safe(html.replace("</table>", "</table></div>"))  # noqa: S308 - escaped by the engine


def _metric_cell(entry: dict[str, Any] | None, metric: str, lg: Lang | None = None) -> dict[str, str]:
    entry = entry or {}
    return {"value": fmt(entry.get("value"), metric, lg), "ci": fmt_ci(entry.get("ci"), metric, lg)}


def result_context(result: dict[str, Any]) -> dict[str, Any]:
    """Everything the result page renders, in the interface language."""
    lg = lang()
    whole = _("ensemble")
    ids = engine_report._Ids()
    overall = result.get("overall", {})
    om = overall.get("metrics", {})
    level = result.get("parameters", {}).get("bootstrap", {}).get("level", 0.95)
    overall_rows = [{"label": label_of(m), "metric": m, **_metric_cell(v, m, lg)} for m, v in om.items()]
    overall_charts = ""
    if overall.get("reliability"):
        overall_charts += engine_report._reliability(ids, whole, [(whole, overall["reliability"])], lg)
    if overall.get("roc"):
        overall_charts += engine_report._roc(
            ids, whole, [(whole, overall["roc"], om.get("roc_auc", {}).get("value"))], lg
        )
    groupings = []
    for g in sorted(result.get("groupings", []), key=lambda g: (g["kind"] != "marginal", len(g["columns"]))):
        columns = [m for m in GROUP_COLUMNS if any(m in e["metrics"] for e in g["groups"])]
        rows = [
            {
                "label": e["label"],
                "n": fmt(e["n"], "count", lg),
                "small": e["small"] and not e["empty"],
                "empty": e["empty"],
                "cells": [_metric_cell(e["metrics"].get(m), m, lg) for m in columns],
            }
            for e in g["groups"]
        ]
        charts = ""
        if g["kind"] == "marginal":
            for m in CHART_METRICS:
                if m in columns:
                    charts += engine_report._bar_chart(
                        ids, g["name"], m, g["groups"], om.get(m, {}).get("value"), lg
                    )
            if any(e.get("reliability") for e in g["groups"]):
                charts += engine_report._reliability(
                    ids, g["name"], [(e["label"], e.get("reliability") or []) for e in g["groups"]], lg
                )
                charts += engine_report._roc(
                    ids,
                    g["name"],
                    [
                        (e["label"], e.get("roc"), e["metrics"].get("roc_auc", {}).get("value"))
                        for e in g["groups"]
                    ],
                    lg,
                )
        disparities = [
            {
                "label": label_of(m),
                "diff_between": _metric_cell(d.get("difference_between_groups"), "x", lg),
                "ratio_between": _metric_cell(d.get("ratio_between_groups"), "x", lg),
                "diff_overall": _metric_cell(d.get("difference_to_overall"), "x", lg),
                "ratio_overall": _metric_cell(d.get("ratio_to_overall"), "x", lg),
            }
            for m, d in g.get("disparities", {}).items()
            if m != "count"
        ]
        fairness = [
            {"label": str(FAIRNESS_LABELS.get(k, k)), **_metric_cell(v, "x", lg)}
            for k, v in g.get("fairness", {}).items()
        ]
        groupings.append(
            {
                "name": g["name"],
                "kind": g["kind"],
                "n_small": g.get("n_small", 0),
                "n_empty": g.get("n_empty", 0),
                "small_labels": [
                    f"{e['label']} ({fmt(e['n'], 'count', lg)})"
                    for e in g["groups"]
                    if e["small"] and not e["empty"]
                ],
                "columns": [label_of(m) for m in columns],
                "rows": rows,
                "charts": _dsfr_tables(charts),
                "disparities": disparities,
                "fairness": fairness,
            }
        )
    time = result.get("time")
    time_rows = []
    if time:
        for p in time["periods"]:
            time_rows.append(
                {
                    "period": p["period"],
                    "n": fmt(p["n"], "count", lg),
                    "accuracy": fmt(p.get("accuracy"), "accuracy", lg),
                    "recall": fmt(p.get("recall"), "recall", lg),
                    "selection_rate": fmt(p.get("selection_rate"), "selection_rate", lg),
                    "roc_auc": fmt(p.get("roc_auc"), "roc_auc", lg),
                    "psi": fmt(p.get("psi_score"), "x", lg),
                    "psi_level": str(PSI_LEVELS.get(p.get("psi_level") or "", "—")),
                }
            )
    drift = result.get("drift")
    drift_rows = []
    if drift:
        for f in drift["features"]:
            drift_rows.append(
                {
                    "feature": f["feature"],
                    "role": str(ROLES.get(f.get("role", ""), f.get("role", ""))),
                    "kind": str(KINDS.get(f.get("kind", ""), "—")),
                    "psi": fmt(f.get("psi"), "x", lg),
                    "level": str(PSI_LEVELS.get(f.get("psi_level") or "", "—")),
                    "level_code": f.get("psi_level") or "",
                    "ks": fmt(f.get("ks_statistic"), "x", lg),
                    "ks_p": fmt(f.get("ks_pvalue"), "x", lg),
                    "tvd": fmt(f.get("tvd"), "x", lg),
                }
            )
    return {
        "reading": reading(result, lg),
        "level_pct": lg.number(100 * level, 0),
        "overall_rows": overall_rows,
        "overall_charts": _dsfr_tables(overall_charts),
        "groupings": groupings,
        "time_rows": time_rows,
        "psi_basis": (time or {}).get("psi_basis"),
        "drift_rows": drift_rows,
        "data": result.get("data", {}),
        "n_rows": fmt(result.get("data", {}).get("n_rows", 0), "count", lg),
        "reference_rows": fmt(result["data"]["reference_rows"], "count", lg)
        if result.get("data", {}).get("reference_rows")
        else "",
    }


def _row(metric: str, a: dict[str, Any] | None, b: dict[str, Any] | None) -> dict[str, str]:
    va = (a or {}).get("value")
    vb = (b or {}).get("value")
    diff = vb - va if va is not None and vb is not None else None
    return {
        "label": label_of(metric),
        "a": fmt(va, metric),
        "b": fmt(vb, metric),
        "diff": fmt_diff(diff, metric),
        "a_ci": fmt_ci((a or {}).get("ci"), metric),
        "b_ci": fmt_ci((b or {}).get("ci"), metric),
    }


def comparison_context(result_a: dict[str, Any], result_b: dict[str, Any]) -> dict[str, Any]:
    """Metric by metric, overall then per group of each grouping present in both results (B − A)."""
    oa = result_a.get("overall", {}).get("metrics", {})
    ob = result_b.get("overall", {}).get("metrics", {})
    overall = [_row(m, oa.get(m), ob.get(m)) for m in COMPARE_METRICS if m in oa or m in ob]
    gb_by_name = {g["name"]: g for g in result_b.get("groupings", [])}
    groupings = []
    for ga in result_a.get("groupings", []):
        gb = gb_by_name.get(ga["name"])
        if gb is None or ga["kind"] != "marginal":
            continue
        b_groups = {e["label"]: e for e in gb["groups"]}
        groups = []
        for ea in ga["groups"]:
            eb = b_groups.get(ea["label"])
            if eb is None:
                continue
            metrics = [
                m for m in COMPARE_METRICS if m != "count" and (m in ea["metrics"] or m in eb["metrics"])
            ]
            groups.append(
                {
                    "label": ea["label"],
                    "n_a": fmt_int(ea["n"]),
                    "n_b": fmt_int(eb["n"]),
                    "small": ea["small"] or eb["small"],
                    "rows": [_row(m, ea["metrics"].get(m), eb["metrics"].get(m)) for m in metrics],
                }
            )
        fa, fb = ga.get("fairness", {}), gb.get("fairness", {})
        fairness = []
        for k in FAIRNESS_LABELS:
            if k in fa or k in fb:
                row = _row("x", fa.get(k), fb.get(k))
                row["label"] = str(FAIRNESS_LABELS[k])
                fairness.append(row)
        groupings.append({"name": ga["name"], "groups": groups, "fairness": fairness})
    only_a = sorted({g["name"] for g in result_a.get("groupings", [])} - set(gb_by_name))
    params = []
    pa, pb = result_a.get("parameters", {}), result_b.get("parameters", {})
    for key, label in (
        ("target", "Valeur réelle"),
        ("pred", "Décision"),
        ("score", "Score"),
        ("groups", "Groupes"),
        ("date", "Date"),
        ("threshold", "Seuil"),
        ("min_group_size", "Effectif minimal"),
    ):
        va, vb = pa.get(key), pb.get(key)
        params.append({"label": label, "a": _param(va), "b": _param(vb), "same": va == vb})
    for key, label in (
        ("n_resamples", "Rééchantillonnages"),
        ("seed", "Graine"),
        ("level", "Niveau de confiance"),
    ):
        va, vb = pa.get("bootstrap", {}).get(key), pb.get("bootstrap", {}).get(key)
        params.append({"label": label, "a": _param(va), "b": _param(vb), "same": va == vb})
    na, nb = result_a.get("data", {}).get("n_rows"), result_b.get("data", {}).get("n_rows")
    params.append(
        {"label": _("Lignes évaluées"), "a": fmt_int(na or 0), "b": fmt_int(nb or 0), "same": na == nb}
    )
    return {"overall": overall, "groupings": groupings, "only_a": only_a, "params": params}


def _param(value: Any) -> str:
    if value is None or value == []:
        return "—"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, float):
        return fmt_number(value, 3).rstrip("0").rstrip(",")
    return str(value)


PRINT_CSS = """
@page { size: A4; margin: 14mm 12mm 16mm;
  @bottom-left { content: "__FOOTER__"; font-size: 7.5pt; color: #666; }
  @bottom-right { content: "__PAGE__ " counter(page) " / " counter(pages); font-size: 7.5pt; color: #666; } }
body { margin: 0; max-width: none; font-size: 9pt; line-height: 1.35; }
h1 { font-size: 16pt; margin: 0 0 4pt; } h2 { font-size: 12.5pt; margin-top: 14pt; break-after: avoid; }
h3 { break-after: avoid; }
table { font-size: 7.5pt; break-inside: auto; margin: 2pt 0 6pt; } tr, svg { break-inside: avoid; }
th, td { padding: 1pt 4pt; }
caption, figcaption { break-after: avoid; }
svg { display: block; }
.grid { display: block; }
figure { margin: 6pt 0 10pt; }
.atlasia-keep { display: inline-block; width: 100%; }
figure table { break-inside: avoid; }
details > summary { display: none; }
.atlasia-meta { list-style: none; border: 1px solid #ccc; padding: 4pt 6pt;
  background: #f6f6f6; font-size: 8.5pt; }
"""


def export_html(result: dict[str, Any], *, header: dict[str, str], for_pdf: bool = False) -> str:
    """The engine's self-contained report in the interface language, with the use case and the run
    written at the top (and the print stylesheet for the PDF)."""
    html = render_html(result, lang())
    meta = "".join(
        "<li><strong>" + escape(_("%(label)s :") % {"label": k}) + f"</strong> {escape(v)}</li>"
        for k, v in header.items()
    )
    title = escape(_("Rapport d'évaluation du modèle"), quote=False)
    html = html.replace(f"<h1>{title}</h1>", f'<h1>{title}</h1><ul class="atlasia-meta">{meta}</ul>', 1)
    if for_pdf:
        css = PRINT_CSS.replace("__FOOTER__", _css_string(_("Atlas IA — rapport d'évaluation"))).replace(
            "__PAGE__", _css_string(_("Page"))
        )
        html = html.replace("</style>", css + "</style>", 1)
        # A PDF cannot unfold <details>: show the data tables open.
        html = html.replace("<details>", '<details open="">')
        # The figures are drawn for a screen; at 70 % they sit beside 9 pt text on A4 (viewBox kept).
        html = _SVG_SIZE.sub(_scaled_svg, html)
        # Keep each chart with its caption: an inline block is never split across pages.
        html = _CAPTION_AND_SVG.sub(r'<div class="atlasia-keep">\1\2</div>', html)
    return html


def _css_string(text: str) -> str:
    """``text`` inside a CSS double-quoted string."""
    return text.replace("\\", "\\\\").replace('"', '\\"')


_CAPTION_AND_SVG = re.compile(r"(<figcaption[^>]*>.*?</figcaption>)(<svg .*?</svg>)", re.S)
_SVG_SIZE = re.compile(r'<svg role="img" ([^>]*?)width="(\d+)" height="(\d+)"')


def _scaled_svg(match: re.Match[str]) -> str:
    width, height = (round(int(match.group(i)) * PDF_FIGURE_SCALE) for i in (2, 3))
    return f'<svg role="img" {match.group(1)}width="{width}" height="{height}"'


PDF_FIGURE_SCALE = 0.7


def export_pdf(html: str) -> bytes:
    from atlasia.core.pdf import html_to_pdf

    return html_to_pdf(html, base_url="/")
