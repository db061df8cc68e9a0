"""Labels of the evaluation's metrics and fairness measures in the interface language (French source,
English translation): the screens, exports and model cards never show an engine key such as
``roc_auc`` or a capitalised key such as « Auc roc »."""

from __future__ import annotations

from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from atlasia.core.evaluation.reading import metric_label

#: Labels of the metrics on the screens (French source, translated): never the engine's key.
METRIC_LABELS = {
    "count": _l("Effectif"),
    "accuracy": _l("Exactitude"),
    "precision": _l("Précision"),
    "recall": _l("Rappel (taux de vrais positifs)"),
    "false_positive_rate": _l("Taux de faux positifs"),
    "false_negative_rate": _l("Taux de faux négatifs"),
    "true_negative_rate": _l("Spécificité"),
    "selection_rate": _l("Taux de sélection"),
    "f1": _l("Score F1"),
    "base_rate": _l("Taux de cas positifs réels"),
    "roc_auc": _l("AUC ROC"),
    "brier": _l("Score de Brier"),
    "ece": _l("Erreur de calibration (ECE)"),
    "mae": _l("Erreur absolue moyenne"),
    "rmse": _l("Racine de l'erreur quadratique moyenne"),
    "bias": _l("Biais moyen (prévision − réel)"),
}
FAIRNESS_LABELS = {
    "demographic_parity_difference_between_groups": _l("Parité démographique — écart entre groupes"),
    "demographic_parity_ratio_between_groups": _l("Parité démographique — rapport entre groupes"),
    "equalized_odds_difference_between_groups": _l(
        "Égalité des chances (equalized odds) — écart entre groupes"
    ),
    "equalized_odds_ratio_between_groups": _l("Égalité des chances (equalized odds) — rapport entre groupes"),
    "demographic_parity_difference_to_overall": _l("Parité démographique — écart à l'ensemble"),
    "demographic_parity_ratio_to_overall": _l("Parité démographique — rapport à l'ensemble"),
    "equalized_odds_difference_to_overall": _l("Égalité des chances — écart à l'ensemble"),
    "equalized_odds_ratio_to_overall": _l("Égalité des chances — rapport à l'ensemble"),
}


def label_of(metric: str) -> str:
    """The metric's label in the current language (its first letter only is a capital)."""
    label = METRIC_LABELS.get(metric)
    if label is not None:
        return str(label)
    text = metric_label(metric)
    return text[:1].upper() + text[1:]


def _fmt3(x: float) -> str:
    return number_format(x, 3)


def alert_sentence(alert: dict[str, Any], summary: dict[str, Any], reference: dict[str, Any]) -> str:
    """An alert of a batch as a sentence in the interface language, rebuilt from its kind, value and
    threshold (the sentence stored with the batch is the French one, for the e-mail and the audit)."""
    kind = alert.get("kind")
    value = float(alert.get("value") or 0.0)
    threshold = float(alert.get("threshold") or 0.0)
    if kind == "performance":
        metric = (
            "roc_auc"
            if reference.get("roc_auc") is not None and summary.get("roc_auc") is not None
            else "accuracy"
        )
        template = (
            _(
                "Baisse de l'AUC ROC : %(current)s contre %(reference)s sur la référence "
                "(baisse de %(drop)s, seuil %(threshold)s)."
            )
            if metric == "roc_auc"
            else _(
                "Baisse de l'exactitude : %(current)s contre %(reference)s sur la référence "
                "(baisse de %(drop)s, seuil %(threshold)s)."
            )
        )
        cur, ref = summary.get(metric), reference.get(metric)
        return template % {
            "current": _fmt3(float(cur)) if cur is not None else "—",
            "reference": _fmt3(float(ref)) if ref is not None else "—",
            "drop": _fmt3(value),
            "threshold": _fmt3(threshold),
        }
    if kind == "fairness":
        where = summary.get("recall_gap_where") or {}
        return _(
            "Écart de rappel entre groupes de %(points)s points (%(grouping)s : « %(low)s » contre "
            "« %(high)s »), au-delà du seuil de %(threshold)s points."
        ) % {
            "points": number_format(100 * value, 1),
            "grouping": where.get("grouping", ""),
            "low": where.get("low", ""),
            "high": where.get("high", ""),
            "threshold": number_format(100 * threshold, 1),
        }
    if kind == "drift":
        return _(
            "Dérive des données : PSI de %(psi)s sur « %(feature)s », au-delà du seuil de %(threshold)s."
        ) % {
            "psi": _fmt3(value),
            "feature": summary.get("max_psi_feature") or "",
            "threshold": _fmt3(threshold),
        }
    return str(alert.get("message", ""))
