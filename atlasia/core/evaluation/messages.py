"""The evaluation engine's refusals of its input, as codes and parameters (:mod:`atlasia.core.messages`).

An :class:`~.io.EvaluationInputError` made by :func:`input_error` carries its message as ``text`` (a
:class:`~atlasia.core.messages.Message`); ``message`` and ``str()`` stay its French, which the command line
prints and the stored runs keep. The screens render ``text`` in the reader's language.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from atlasia.core.messages import mb, n, nested, quoted, register, word

if TYPE_CHECKING:
    from .io import EvaluationInputError

#: Lines named in a message, at most (the others are counted).
MAX_ROWS_IN_MESSAGE = 5

_COLUMN = "La colonne « %(name)s » (%(role)s)"
_SAVE_UTF8 = "Enregistrez-le en « CSV UTF-8 » puis déposez-le à nouveau."
_SAME_COLUMNS = "un lot doit avoir les mêmes colonnes que le lot de référence."

MESSAGES: dict[str, str] = {
    # the lines named in a message
    "eval.rows_one": "ligne %(rows)s",
    "eval.rows_many": "lignes %(rows)s",
    "eval.rows_more": "lignes %(rows)s et %(more)s autre(s)",
    # the file
    "eval.file_not_found": "Le fichier « %(name)s » est introuvable.",
    "eval.file_empty": "Le fichier « %(name)s » est vide.",
    "eval.file_too_large": (
        "Le fichier « %(name)s » pèse %(size)s, au-delà de la limite autorisée de %(limit)s."
    ),
    "eval.parquet_unreadable": "Le fichier « %(name)s » n'est pas un fichier Parquet lisible (%(error)s).",
    "eval.no_data_rows": "Le fichier « %(name)s » ne contient aucune ligne de données.",
    "eval.csv_unreadable": "Le fichier CSV « %(name)s » n'a pas pu être lu : %(detail)s",
    "eval.encoding": (
        "Le fichier « %(name)s » n'est encodé ni en UTF-8 ni en Windows-1252 : octet illisible à la ligne "
        "%(line)s. " + _SAVE_UTF8
    ),
    # the columns
    "eval.column_missing": _COLUMN + " est introuvable. Colonnes disponibles : %(available)s.",
    "eval.column_missing_hint": (
        _COLUMN + " est introuvable. Vouliez-vous dire « %(close)s » ? Colonnes disponibles : %(available)s."
    ),
    "eval.nulls": (
        _COLUMN + " contient %(count)s valeur(s) manquante(s) ou non numérique(s) (%(lines)s). Complétez ou "
        "retirez ces lignes."
    ),
    "eval.binary_value": _COLUMN
    + " doit contenir uniquement 0 et 1 : valeur « %(value)s » trouvée (%(lines)s).",
    "eval.binary_word": (
        _COLUMN + " doit contenir uniquement 0 et 1 (ou oui/non, vrai/faux) : valeur « %(value)s » trouvée "
        "(%(lines)s)."
    ),
    "eval.binary_type": _COLUMN + " a un type inattendu (%(dtype)s) : 0 et 1 étaient attendus.",
    "eval.numeric_value": _COLUMN + " doit être numérique : valeur « %(value)s » trouvée (%(lines)s).",
    "eval.numeric_type": _COLUMN + " doit être numérique (type trouvé : %(dtype)s).",
    "eval.infinite": _COLUMN + " contient des valeurs infinies (%(lines)s).",
    "eval.probability": (
        _COLUMN
        + " doit contenir des probabilités entre 0 et 1 : %(count)s valeur(s) hors de cet intervalle, "
        "dont « %(value)s » (%(lines)s)."
    ),
    "eval.group_values": (
        "La colonne de groupe « %(name)s » a %(count)s valeurs distinctes (maximum %(max)s) : s'agit-il bien "
        "d'une variable de groupe (sexe, tranche d'âge, région…) et non d'un identifiant ?"
    ),
    "eval.date_unreadable": (
        "La colonne « %(name)s » (date) contient des dates illisibles, dont « %(value)s » (%(lines)s). "
        "Format attendu : AAAA-MM-JJ."
    ),
    "eval.date_type": "La colonne « %(name)s » (date) doit contenir des dates (type trouvé : %(dtype)s).",
    # the table and the parameters
    "eval.table_empty": "Le tableau de prédictions ne contient aucune ligne de données.",
    "eval.pred_or_score": (
        "Indiquez au moins une colonne de prédiction (décision 0/1) ou de score (probabilité)."
    ),
    "eval.regression_pred": "Une colonne de prévision (--pred) est nécessaire en régression.",
    "eval.not_a_table": "Les données doivent être un tableau (DataFrame Polars ou dictionnaire de colonnes).",
    "eval.too_many_cells": (
        "Les colonnes de groupe forment %(count)s combinaisons possibles, c'est trop : retirez une "
        "colonne ou regroupez des valeurs."
    ),
    "eval.task_unknown": "Type de tâche inconnu « %(task)s » : « classification » ou « regression ».",
    "eval.min_group_size": "L'effectif minimal d'un groupe doit être au moins 1.",
    "eval.auc_method_unknown": (
        "Méthode d'intervalle des AUC inconnue « %(method)s » : « delong », « bootstrap » ou « none »."
    ),
    "eval.jobs": "Le nombre de processus doit être au moins 1.",
    "eval.group_twice": "Une même colonne de groupe est indiquée deux fois.",
    "eval.reference_empty": "Le tableau de référence ne contient aucune ligne de données.",
    "eval.drift_missing_current": (
        "La colonne « %(name)s » demandée pour la dérive est absente du tableau courant."
    ),
    "eval.drift_missing_reference": (
        "La colonne « %(name)s » demandée pour la dérive est absente du tableau de référence."
    ),
    # monitoring batches
    "eval.batch_empty": "Le lot ne contient aucune ligne de données.",
    "eval.batch_column_missing": (
        "La colonne « %(name)s » de la référence est absente du lot : " + _SAME_COLUMNS
    ),
    "eval.batch_column_extra": "La colonne « %(name)s » du lot n'existe pas dans la référence : "
    + _SAME_COLUMNS,
    "eval.one_class_positive": (
        "La colonne « %(name)s » (valeur réelle) ne contient que des cas positifs (1) : la performance et "
        "l'équité ne peuvent pas être mesurées sur une seule classe."
    ),
    "eval.one_class_negative": (
        "La colonne « %(name)s » (valeur réelle) ne contient que des cas négatifs (0) : la performance et "
        "l'équité ne peuvent pas être mesurées sur une seule classe."
    ),
    "eval.group_value_unknown": (
        "La colonne de groupe « %(name)s » contient la valeur « %(value)s », absente du lot de référence : "
        "les groupes ne peuvent pas être comparés."
    ),
}
message = register(MESSAGES)

#: The roles a column plays, as the messages name them (French words of the catalogue, translated).
ROLES = ("valeur réelle", "prédiction", "prévision", "score", "groupe", "date")


def input_error(
    code: str, *, column: str | None = None, rows: list[int] | None = None, **params: Any
) -> EvaluationInputError:
    """The error to raise: French ``message`` (as before), the code and parameters in ``text``."""
    from .io import EvaluationInputError  # imported here: io raises these errors

    text = message(code, **params)
    error = EvaluationInputError(str(text), column=column, rows=rows)
    error.text = text
    return error


def role(name: str) -> dict[str, str]:
    """A column's role (« valeur réelle », « score »…), translated when shown."""
    return word(name)


def rows_phrase(rows: list[int], total: int) -> dict[str, Any]:
    """« ligne 3 », « lignes 3, 4 », « lignes 3, 4, 5, 6, 7 et 12 autre(s) » as a message parameter
    (``lines``: ``rows`` is the error's own list of line numbers)."""
    shown = ", ".join(str(r) for r in rows[:MAX_ROWS_IN_MESSAGE])
    if total > MAX_ROWS_IN_MESSAGE:
        return nested(message("eval.rows_more", rows=shown, more=n(total - len(rows[:MAX_ROWS_IN_MESSAGE]))))
    return nested(message("eval.rows_one" if total == 1 else "eval.rows_many", rows=shown))


__all__ = [
    "MESSAGES",
    "ROLES",
    "input_error",
    "mb",
    "message",
    "n",
    "quoted",
    "role",
    "rows_phrase",
]
