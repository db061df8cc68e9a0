"""Plain-French reading of an evaluation result: short sentences a non-specialist can act on."""

from __future__ import annotations

from typing import Any

__all__ = ["fmt_int", "fmt_number", "fmt_pct", "metric_label", "reading_fr"]

# metric -> (label, article, pronoun « celui/celle », feminine, expressed in points of percentage)
_METRICS: dict[str, tuple[str, str, str, bool, bool]] = {
    "accuracy": ("exactitude", "L'", "celle", True, True),
    "precision": ("précision", "La ", "celle", True, True),
    "recall": ("rappel", "Le ", "celui", False, True),
    "false_positive_rate": ("taux de faux positifs", "Le ", "celui", False, True),
    "false_negative_rate": ("taux de faux négatifs", "Le ", "celui", False, True),
    "true_negative_rate": ("spécificité", "La ", "celle", True, True),
    "selection_rate": ("taux de sélection", "Le ", "celui", False, True),
    "f1": ("score F1", "Le ", "celui", False, True),
    "base_rate": ("taux de cas positifs réels", "Le ", "celui", False, True),
    "roc_auc": ("AUC ROC", "L'", "celle", True, False),
    "brier": ("score de Brier", "Le ", "celui", False, False),
    "ece": ("erreur de calibration (ECE)", "L'", "celle", True, False),
    "mae": ("erreur absolue moyenne", "L'", "celle", True, False),
    "rmse": ("erreur quadratique moyenne (RMSE)", "L'", "celle", True, False),
    "bias": ("biais moyen", "Le ", "celui", False, False),
}

GAP_ORDER = (
    "recall",
    "false_positive_rate",
    "selection_rate",
    "precision",
    "accuracy",
    "roc_auc",
    "mae",
    "bias",
)
UNDEFINED_REASON = {
    "recall": "aucun cas positif réel",
    "false_negative_rate": "aucun cas positif réel",
    "false_positive_rate": "aucun cas négatif réel",
    "true_negative_rate": "aucun cas négatif réel",
    "precision": "aucune prédiction positive",
    "f1": "ni cas positif ni prédiction positive",
    "roc_auc": "une seule classe présente",
}


def metric_label(name: str) -> str:
    return _METRICS.get(name, (name, "", "", False, False))[0]


def fmt_number(x: float | None, digits: int = 2) -> str:
    if x is None:
        return "non défini"
    return f"{x:.{digits}f}".replace(".", ",").replace("-", "−")


def fmt_int(n: int) -> str:
    return f"{n:,}".replace(",", " ")


def fmt_pct(x: float | None, digits: int = 0) -> str:
    if x is None:
        return "non défini"
    return f"{fmt_number(100 * x, digits)} %"


def _fmt_metric(name: str, x: float | None) -> str:
    pct = _METRICS.get(name, ("", "", "", False, False))[4]
    return fmt_pct(x) if pct else fmt_number(x, 3 if name in {"brier", "ece"} else 2)


def _ci_text(name: str, ci: list[float | None] | None, level: float) -> str:
    if not ci or ci[0] is None or ci[1] is None:
        return ""
    pct = _METRICS.get(name, ("", "", "", False, False))[4]
    lo = fmt_number(100 * ci[0], 0) if pct else fmt_number(ci[0])
    hi = fmt_pct(ci[1]) if pct else fmt_number(ci[1])
    return f" (IC {fmt_number(100 * level, 0)} % : {lo} à {hi})"


def _gap_sentence(gname: str, metric: str, gap: dict[str, Any], level: float) -> str | None:
    label, article, pronoun, fem, pct = _METRICS[metric]
    diff = gap["difference"]
    if diff is None:
        return None
    low = " · ".join(gap["low_group"])
    high = " · ".join(gap["high_group"])
    lvl = fmt_number(100 * level, 0)
    if pct:
        pts = round(100 * diff)
        if pts < 1:
            return (
                f"{article}{label} est pratiquement identique entre les groupes de « {gname} » "
                "(écart inférieur à 1 point)."
            )
        amount = f"{pts} point{'s' if pts > 1 else ''}"
    else:
        if round(diff, 2) == 0:
            return f"{article}{label} est pratiquement identique entre les groupes de « {gname} »."
        amount = fmt_number(diff)
    adj = "inférieure" if fem else "inférieur"
    sentence = f"{article}{label} du groupe « {low} » est {adj} de {amount} à {pronoun} du groupe « {high} »"
    ez = gap.get("excludes_zero")
    if ez is True:
        sentence += f" ; l'intervalle à {lvl} % exclut zéro."
    elif ez is False:
        sentence += f" ; l'intervalle à {lvl} % inclut zéro : l'écart peut être dû au hasard."
    else:
        sentence += "."
    if gap.get("involves_small_group"):
        sentence += " Attention : l'un de ces groupes a un effectif faible."
    return sentence


def reading_fr(result: dict[str, Any]) -> list[str]:
    """Plain-French sentences summarising ``result`` (from :func:`evaluate`)."""
    out: list[str] = []
    params = result.get("parameters", {})
    level = float(params.get("bootstrap", {}).get("level", 0.95))
    min_n = params.get("min_group_size", 30)
    data = result.get("data", {})
    task = result.get("task", "classification")
    n = data.get("n_rows", 0)
    if task == "classification":
        out.append(
            f"L'évaluation porte sur {fmt_int(n)} lignes, dont {fmt_pct(data.get('prevalence'), 1)} "
            "de cas positifs réels."
        )
    else:
        out.append(f"L'évaluation porte sur {fmt_int(n)} prévisions.")
    out.extend(result.get("notes", []))
    om = result.get("overall", {}).get("metrics", {})
    parts = []
    for m in ("accuracy", "recall", "precision", "false_positive_rate", "roc_auc", "mae", "rmse", "bias"):
        if m in om and om[m]["value"] is not None:
            label, article, *_ = _METRICS[m]
            art = article.strip().lower()
            art = art if art.endswith("'") else art + " "
            parts.append(
                f"{art}{label} est de {_fmt_metric(m, om[m]['value'])}{_ci_text(m, om[m]['ci'], level)}"
            )
    if parts:
        out.append("Sur l'ensemble des données, " + ", ".join(parts) + ".")
    if "ece" in om and om["ece"]["value"] is not None:
        ece = om["ece"]["value"]
        quality = "bonne" if ece < 0.05 else ("moyenne" if ece < 0.1 else "insuffisante")
        out.append(
            f"Calibration {quality} : les probabilités annoncées s'écartent en moyenne de "
            f"{fmt_number(100 * ece, 1)} points des fréquences observées (ECE)."
        )

    for g in result.get("groupings", []):
        gname = g["name"]
        if g["kind"] == "intersection" and len(g["columns"]) != max(
            len(x["columns"]) for x in result.get("groupings", [])
        ):
            continue  # only the finest intersection is read out
        for metric in GAP_ORDER:
            gap = g.get("gaps", {}).get(metric)
            if gap is None:
                continue
            s = _gap_sentence(gname, metric, gap, level)
            if s and (g["kind"] == "marginal" or gap.get("excludes_zero")):
                out.append(s)
        fair = g.get("fairness", {})
        dpr = fair.get("demographic_parity_ratio_between_groups", {}).get("value")
        if dpr is not None:
            verdict = "respecte" if dpr >= 0.8 else "ne respecte pas"
            out.append(
                f"Pour « {gname} », le rapport des taux de sélection entre groupes est de "
                f"{fmt_number(dpr)} : "
                f"il {verdict} la règle des quatre cinquièmes (0,80)."
            )
        eod = fair.get("equalized_odds_difference_between_groups", {}).get("value")
        if eod is not None and eod >= 0.1:
            out.append(
                f"Pour « {gname} », l'écart d'égalité des chances (equalized odds) atteint "
                f"{round(100 * eod)} points : les erreurs ne sont pas réparties de la même façon."
            )
        small = [e for e in g["groups"] if e["small"] and not e["empty"]]
        if small and g["kind"] == "marginal":
            names = ", ".join(f"« {e['label']} » ({e['n']})" for e in small[:5])
            out.append(
                f"Effectif faible (moins de {min_n}) pour {names} : ces chiffres sont peu fiables "
                "et sont signalés, pas masqués."
            )
        elif small:
            out.append(
                f"« {gname} » : {len(small)} combinaison(s) ont moins de {min_n} personnes ; "
                "leurs chiffres sont peu fiables."
            )
        if g.get("n_empty"):
            out.append(f"« {gname} » : {g['n_empty']} combinaison(s) n'apparaissent pas dans les données.")
        if g["kind"] == "marginal":
            for e in g["groups"]:
                for m in e.get("undefined", []):
                    if m in ("recall", "false_positive_rate", "roc_auc", "precision"):
                        conv = "" if m == "roc_auc" else " ; il vaut 0 par convention (comme scikit-learn)"
                        out.append(
                            f"{_METRICS[m][1]}{_METRICS[m][0]} n'est pas "
                            f"{'définie' if _METRICS[m][3] else 'défini'} pour le groupe "
                            f"« {e['label']} » ({UNDEFINED_REASON[m]}){conv}."
                        )
    time = result.get("time")
    if time:
        for p in time.get("periods", []):
            if p.get("psi_level") in ("moderate", "major"):
                word = "nette" if p["psi_level"] == "major" else "modérée"
                basis = "la référence" if time.get("psi_basis") == "reference" else "le premier mois"
                out.append(
                    f"Dérive {word} des scores en {p['period']} par rapport à {basis} "
                    f"(PSI = {fmt_number(p.get('psi_score'))})."
                )
    drift = result.get("drift")
    if drift:
        flagged = [f for f in drift["features"] if f.get("psi_level") in ("moderate", "major")]
        if not flagged:
            out.append(
                "Aucune dérive notable par rapport aux données de référence "
                "(PSI < 0,10 pour toutes les colonnes)."
            )
        for f in flagged:
            word = "majeure" if f["psi_level"] == "major" else "modérée"
            extra = ""
            if f.get("kind") == "numeric":
                extra = f", KS = {fmt_number(f.get('ks_statistic'))}"
            out.append(
                f"Dérive {word} de la colonne « {f['feature']} » (PSI = {fmt_number(f['psi'])}{extra})."
            )
    return out
