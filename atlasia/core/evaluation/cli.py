"""``atlasia evaluate FILE …``: evaluate a predictions file, write JSON or a self-contained HTML report.

Only ``argparse`` is imported at start-up; the engine (NumPy, Polars) is imported once the arguments
are valid. Input problems exit with status 2 and a message on stderr, in the command line's language
(``--lang fr|en`` or the environment, French by default: :mod:`atlasia.core.cli_language`); the engine's
refusals are codes and parameters (:class:`~atlasia.core.messages.Message`) rendered in that language.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from atlasia.core.cli_language import (
    LANGUAGES,
    Parser,
    cli_gettext,
    cli_locale,
    language_from_argv,
    language_from_env,
)

__all__ = ["build_parser", "main"]


def gettext_noop(text: str) -> str:
    """Marks a French text for the catalogue (``makemessages``) without translating it here."""
    return text


#: The steps the engine reports (``--progress``), in French: translated when printed.
PROGRESS_LABELS = (
    gettext_noop("Lecture du fichier"),
    gettext_noop("Lecture et vérification des colonnes"),
    gettext_noop("Comptage par groupe"),
    gettext_noop("Intervalles de confiance (rééchantillonnage des effectifs)"),
    gettext_noop("Intervalles de confiance (rééchantillonnage des lignes)"),
    gettext_noop("AUC et courbes ROC"),
    gettext_noop("Intervalles de confiance des AUC (rééchantillonnage des lignes)"),
    gettext_noop("Calibration"),
    gettext_noop("Mise en forme des résultats"),
    gettext_noop("Évolution par mois"),
    gettext_noop("Dérive par rapport à la référence"),
    gettext_noop("Terminé"),
)


def build_parser(language: str = "fr") -> argparse.ArgumentParser:
    """The parser, every word of its help and refusals in ``language`` (French by default)."""
    _ = cli_gettext(language)
    p = Parser(
        prog="atlasia evaluate",
        language=language,
        error_format=_("atlasia evaluate : %(message)s"),
        description=_(
            "Évalue un modèle (performance, équité, calibration, dérive) à partir d'un fichier "
            "de prédictions CSV ou Parquet."
        ),
    )
    p.add_argument("file", metavar=_("FICHIER"), help=_("fichier de prédictions (.csv ou .parquet)"))
    p.add_argument("--target", default="y_true", help=_("colonne de la valeur réelle (défaut : y_true)"))
    p.add_argument("--pred", default=None, help=_("colonne de la décision prédite (0/1)"))
    p.add_argument("--score", default=None, help=_("colonne du score (probabilité entre 0 et 1)"))
    p.add_argument("--group", action="append", default=[], help=_("colonne de groupe (répétable)"))
    p.add_argument("--date", default=None, help=_("colonne de date (évolution par mois)"))
    p.add_argument("--reference", default=None, help=_("fichier de référence pour la dérive"))
    p.add_argument("--task", choices=["classification", "regression"], default="classification")
    p.add_argument("--threshold", type=float, default=0.5, help=_("seuil de décision si --pred est absent"))
    p.add_argument("--bootstrap", type=int, default=1000, help=_("nombre de rééchantillonnages (0 : aucun)"))
    p.add_argument("--seed", type=int, default=0, help=_("graine aléatoire (défaut : 0)"))
    p.add_argument("--level", type=float, default=0.95, help=_("niveau des intervalles (défaut : 0,95)"))
    p.add_argument("--min-group-size", type=int, default=30, help=_("effectif minimal fiable (défaut : 30)"))
    p.add_argument(
        "--auc-intervals",
        choices=["delong", "bootstrap", "all", "none"],
        default="delong",
        help=_(
            "intervalles des AUC : delong (défaut, comme pROC : chaque groupe et l'écart entre groupes), "
            "bootstrap (rééchantillonnage des lignes, ensemble et chaque colonne de groupe ; all : aussi les "
            "intersections) ou none"
        ),
    )
    p.add_argument(
        "--jobs",
        type=int,
        default=1,
        help=_(
            "processus pour le rééchantillonnage des AUC (défaut : 1 ; mêmes résultats quel que soit "
            "le nombre)"
        ),
    )
    p.add_argument("--no-intersections", action="store_true", help=_("ne pas croiser les colonnes de groupe"))
    p.add_argument("--max-size-mb", type=float, default=None, help=_("taille maximale du fichier en Mo"))
    p.add_argument("--format", choices=["json", "html"], default="json")
    p.add_argument("--output", "-o", default=None, help=_("fichier de sortie (défaut : sortie standard)"))
    p.add_argument("--progress", action="store_true", help=_("afficher l'avancement sur la sortie d'erreur"))
    p.add_argument(
        "--lang",
        choices=LANGUAGES,
        default=None,
        help=_(
            "langue des messages et du rapport (défaut : LANGUAGE, LC_ALL, LC_MESSAGES ou LANG ; sinon fr)"
        ),
    )
    return p


def _refuse(message: str, _: Callable[[str], str]) -> int:
    print(_("atlasia evaluate : %(message)s") % {"message": message}, file=sys.stderr)
    return 2


def main(argv: Sequence[str] | None = None, *, language: str | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    language = language_from_argv(argv) or language or language_from_env()
    _ = cli_gettext(language)
    args = build_parser(language).parse_args(argv)
    if args.pred is None and args.score is None and args.task == "classification":
        return _refuse(_("indiquez --pred et/ou --score."), _)
    if not 0.0 < args.level < 1.0:
        return _refuse(_("--level doit être strictement entre 0 et 1 (par exemple 0.95)."), _)
    if args.jobs < 1:
        return _refuse(_("--jobs doit être au moins 1."), _)
    if args.bootstrap < 0:
        return _refuse(_("--bootstrap doit être positif ou nul."), _)

    from .engine import evaluate_file
    from .io import EvaluationInputError

    def progress(fraction: float, label: str) -> None:
        percent = f"{100 * fraction:5.1f} %" if language == "fr" else f"{100 * fraction:5.1f}%"
        print(f"[{percent}] {_(label)}", file=sys.stderr, flush=True)

    try:
        result = evaluate_file(
            args.file,
            reference_path=args.reference,
            max_bytes=None if args.max_size_mb is None else int(args.max_size_mb * 1024 * 1024),
            progress=progress if args.progress else None,
            target=args.target,
            pred=args.pred,
            score=args.score,
            groups=args.group,
            date=args.date,
            task=args.task,
            threshold=args.threshold,
            n_bootstrap=args.bootstrap,
            seed=args.seed,
            level=args.level,
            min_group_size=args.min_group_size,
            intersections=not args.no_intersections,
            auc_intervals=args.auc_intervals,
            n_jobs=args.jobs,
        )
    except EvaluationInputError as exc:
        # the engine's refusal as a code and parameters, in the command line's language (else its French)
        return _refuse(exc.text.render(cli_locale(language)) if exc.text is not None else str(exc), _)

    if args.format == "html":
        from .lang import FR, english
        from .report import render_html

        text = render_html(result, english(cli_gettext("en")) if language == "en" else FR)
    else:
        import json

        text = json.dumps(result, ensure_ascii=False, allow_nan=False, indent=1)
    if args.output:
        with open(args.output, "w", encoding="utf-8") as fh:
            fh.write(text)
            if not text.endswith("\n"):
                fh.write("\n")
    else:
        sys.stdout.write(text)
        if not text.endswith("\n"):
            sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
