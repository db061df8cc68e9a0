"""Plain-French reading of an evaluation result: short sentences a non-specialist can act on."""

from __future__ import annotations

import re
from typing import Any

from .lang import FR, Lang

__all__ = ["fmt_int", "fmt_number", "fmt_pct", "metric_label", "reading", "reading_fr"]

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

CALIBRATION = {
    q: f"Calibration {q} : les probabilités annoncées s'écartent en moyenne de %(points)s points des "
    "fréquences observées (ECE)."
    for q in ("bonne", "moyenne", "insuffisante")
}
UNDEFINED_FEM = "%(metric)s n'est pas définie pour le groupe « %(group)s » (%(reason)s)%(convention)s."
UNDEFINED_MASC = "%(metric)s n'est pas défini pour le groupe « %(group)s » (%(reason)s)%(convention)s."


def _subject(name: str, lang: Lang) -> str:
    """The metric with its article at the start of a sentence (« Le rappel »), translated."""
    label, article, *_ = _METRICS[name]
    return lang.t(f"{article}{label}")


def _object(name: str, lang: Lang) -> str:
    """The metric with its article inside a sentence (« le rappel »), translated."""
    label, article, *_ = _METRICS[name]
    art = article.strip().lower()
    return lang.t(f"{art if art.endswith(chr(39)) else art + ' '}{label}")


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


def _fmt_metric(name: str, x: float | None, lang: Lang = FR) -> str:
    pct = _METRICS.get(name, ("", "", "", False, False))[4]
    return lang.pct(x) if pct else lang.number(x, 3 if name in {"brier", "ece"} else 2)


def _ci_text(name: str, ci: list[float | None] | None, level: float, lang: Lang = FR) -> str:
    if not ci or ci[0] is None or ci[1] is None:
        return ""
    pct = _METRICS.get(name, ("", "", "", False, False))[4]
    lo = lang.number(100 * ci[0], 0) if pct else lang.number(ci[0])
    hi = lang.pct(ci[1]) if pct else lang.number(ci[1])
    return lang.t(" (IC %(level)s %% : %(low)s à %(high)s)") % {
        "level": lang.number(100 * level, 0),
        "low": lo,
        "high": hi,
    }


def _gap_sentence(gname: str, metric: str, gap: dict[str, Any], level: float, lang: Lang = FR) -> str | None:
    t = lang.t
    _label, _article, _pronoun, fem, pct = _METRICS[metric]
    diff = gap["difference"]
    if diff is None:
        return None
    low = " · ".join(gap["low_group"])
    high = " · ".join(gap["high_group"])
    lvl = lang.number(100 * level, 0)
    subject = _subject(metric, lang)
    if pct:
        pts = round(100 * diff)
        if pts < 1:
            return t(
                "%(metric)s est pratiquement identique entre les groupes de « %(grouping)s » "
                "(écart inférieur à 1 point)."
            ) % {"metric": subject, "grouping": gname}
        amount = t("1 point") if pts == 1 else t("%(n)s points") % {"n": pts}
    else:
        if round(diff, 2) == 0:
            return t("%(metric)s est pratiquement identique entre les groupes de « %(grouping)s ».") % {
                "metric": subject,
                "grouping": gname,
            }
        amount = lang.number(diff)
    template = (
        "%(metric)s du groupe « %(low)s » est inférieure de %(amount)s à celle du groupe « %(high)s »"
        if fem
        else "%(metric)s du groupe « %(low)s » est inférieur de %(amount)s à celui du groupe « %(high)s »"
    )
    sentence = t(template) % {"metric": subject, "low": low, "amount": amount, "high": high}
    ez = gap.get("excludes_zero")
    if ez is True:
        sentence += t(" ; l'intervalle à %(level)s %% exclut zéro.") % {"level": lvl}
    elif ez is False:
        sentence += t(" ; l'intervalle à %(level)s %% inclut zéro : l'écart peut être dû au hasard.") % {
            "level": lvl
        }
    else:
        sentence += "."
    if gap.get("involves_small_group"):
        sentence += t(" Attention : l'un de ces groupes a un effectif faible.")
    return sentence


_THRESHOLD_NOTE = re.compile(r"^Décisions calculées à partir du score avec le seuil (\S+)\.$")
_ENCODING_NOTE = re.compile(
    r"^Le fichier « (.+) » n'est pas en UTF-8 \(premier caractère non UTF-8 à la ligne (\d+)\) : il a été "
    r"lu en Windows-1252\. Vérifiez les accents ou enregistrez-le en « CSV UTF-8 »\.$"
)


def _note(note: str, lang: Lang) -> str:
    """A note of the engine (French, with its values) in the reading's language."""
    if lang is FR:
        return note
    if m := _THRESHOLD_NOTE.match(note):
        try:
            value = lang.number(float(m.group(1)), 2).rstrip("0").rstrip(lang.decimal)
        except ValueError:
            value = m.group(1)
        return lang.t("Décisions calculées à partir du score avec le seuil %(threshold)s.") % {
            "threshold": value
        }
    if m := _ENCODING_NOTE.match(note):
        return lang.t(
            "Le fichier « %(name)s » n'est pas en UTF-8 (premier caractère non UTF-8 à la ligne %(line)s) : "
            "il a été lu en Windows-1252. Vérifiez les accents ou enregistrez-le en « CSV UTF-8 »."
        ) % {"name": m.group(1), "line": m.group(2)}
    return lang.t(note)


def reading_fr(result: dict[str, Any]) -> list[str]:
    """Plain-French sentences summarising ``result`` (from :func:`evaluate`)."""
    return reading(result, FR)


def reading(result: dict[str, Any], lang: Lang = FR) -> list[str]:
    """Plain-language sentences summarising ``result`` (French source, translated by ``lang``)."""
    t = lang.t
    out: list[str] = []
    params = result.get("parameters", {})
    level = float(params.get("bootstrap", {}).get("level", 0.95))
    min_n = params.get("min_group_size", 30)
    data = result.get("data", {})
    task = result.get("task", "classification")
    n = data.get("n_rows", 0)
    if task == "classification":
        out.append(
            t("L'évaluation porte sur %(n)s lignes, dont %(pct)s de cas positifs réels.")
            % {"n": lang.integer(n), "pct": lang.pct(data.get("prevalence"), 1)}
        )
    else:
        out.append(t("L'évaluation porte sur %(n)s prévisions.") % {"n": lang.integer(n)})
    out.extend(_note(note, lang) for note in result.get("notes", []))
    om = result.get("overall", {}).get("metrics", {})
    parts = []
    for m in ("accuracy", "recall", "precision", "false_positive_rate", "roc_auc", "mae", "rmse", "bias"):
        if m in om and om[m]["value"] is not None:
            parts.append(
                t("%(metric)s est de %(value)s%(ci)s")
                % {
                    "metric": _object(m, lang),
                    "value": _fmt_metric(m, om[m]["value"], lang),
                    "ci": _ci_text(m, om[m]["ci"], level, lang),
                }
            )
    if parts:
        out.append(t("Sur l'ensemble des données, %(parts)s.") % {"parts": ", ".join(parts)})
    if "ece" in om and om["ece"]["value"] is not None:
        ece = om["ece"]["value"]
        quality = "bonne" if ece < 0.05 else ("moyenne" if ece < 0.1 else "insuffisante")
        out.append(t(CALIBRATION[quality]) % {"points": lang.number(100 * ece, 1)})

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
            s = _gap_sentence(gname, metric, gap, level, lang)
            if s and (g["kind"] == "marginal" or gap.get("excludes_zero")):
                out.append(s)
        fair = g.get("fairness", {})
        dpr = fair.get("demographic_parity_ratio_between_groups", {}).get("value")
        if dpr is not None:
            template = (
                "Pour « %(grouping)s », le rapport des taux de sélection entre groupes est de %(ratio)s : "
                "il respecte la règle des quatre cinquièmes (%(rule)s)."
                if dpr >= 0.8
                else "Pour « %(grouping)s », le rapport des taux de sélection entre groupes est de "
                "%(ratio)s : il ne respecte pas la règle des quatre cinquièmes (%(rule)s)."
            )
            out.append(t(template) % {"grouping": gname, "ratio": lang.number(dpr), "rule": lang.number(0.8)})
        eod = fair.get("equalized_odds_difference_between_groups", {}).get("value")
        if eod is not None and eod >= 0.1:
            out.append(
                t(
                    "Pour « %(grouping)s », l'écart d'égalité des chances (equalized odds) atteint "
                    "%(points)s points : les erreurs ne sont pas réparties de la même façon."
                )
                % {"grouping": gname, "points": round(100 * eod)}
            )
        small = [e for e in g["groups"] if e["small"] and not e["empty"]]
        if small and g["kind"] == "marginal":
            names = ", ".join(
                t("« %(group)s » (%(n)s)") % {"group": e["label"], "n": e["n"]} for e in small[:5]
            )
            out.append(
                t(
                    "Effectif faible (moins de %(min)s) pour %(names)s : ces chiffres sont peu fiables "
                    "et sont signalés, pas masqués."
                )
                % {"min": min_n, "names": names}
            )
        elif small:
            out.append(
                t(
                    "« %(grouping)s » : %(n)s combinaison(s) ont moins de %(min)s personnes ; "
                    "leurs chiffres sont peu fiables."
                )
                % {"grouping": gname, "n": len(small), "min": min_n}
            )
        if g.get("n_empty"):
            out.append(
                t("« %(grouping)s » : %(n)s combinaison(s) n'apparaissent pas dans les données.")
                % {"grouping": gname, "n": g["n_empty"]}
            )
        if g["kind"] == "marginal":
            for e in g["groups"]:
                for m in e.get("undefined", []):
                    if m in ("recall", "false_positive_rate", "roc_auc", "precision"):
                        conv = "" if m == "roc_auc" else t(" ; il vaut 0 par convention (comme scikit-learn)")
                        template = UNDEFINED_FEM if _METRICS[m][3] else UNDEFINED_MASC
                        out.append(
                            t(template)
                            % {
                                "metric": _subject(m, lang),
                                "group": e["label"],
                                "reason": t(UNDEFINED_REASON[m]),
                                "convention": conv,
                            }
                        )
    time = result.get("time")
    if time:
        for p in time.get("periods", []):
            if p.get("psi_level") in ("moderate", "major"):
                basis = t("la référence") if time.get("psi_basis") == "reference" else t("le premier mois")
                template = (
                    "Dérive nette des scores en %(period)s par rapport à %(basis)s (PSI = %(psi)s)."
                    if p["psi_level"] == "major"
                    else "Dérive modérée des scores en %(period)s par rapport à %(basis)s (PSI = %(psi)s)."
                )
                out.append(
                    t(template)
                    % {"period": p["period"], "basis": basis, "psi": lang.number(p.get("psi_score"))}
                )
    drift = result.get("drift")
    if drift:
        flagged = [f for f in drift["features"] if f.get("psi_level") in ("moderate", "major")]
        if not flagged:
            out.append(
                t(
                    "Aucune dérive notable par rapport aux données de référence "
                    "(PSI < 0,10 pour toutes les colonnes)."
                )
            )
        for f in flagged:
            extra = ""
            if f.get("kind") == "numeric":
                extra = f", KS = {lang.number(f.get('ks_statistic'))}"
            template = (
                "Dérive majeure de la colonne « %(column)s » (PSI = %(psi)s%(ks)s)."
                if f["psi_level"] == "major"
                else "Dérive modérée de la colonne « %(column)s » (PSI = %(psi)s%(ks)s)."
            )
            out.append(t(template) % {"column": f["feature"], "psi": lang.number(f["psi"]), "ks": extra})
    return out
