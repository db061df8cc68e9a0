"""Labels of the evaluation's metrics and fairness measures in the interface language (French source,
English translation): the screens, exports and model cards never show an engine key such as
``roc_auc`` or a capitalised key such as « Auc roc »."""

from __future__ import annotations

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
