"""``atlasia evaluate FILE …``: evaluate a predictions file, write JSON or a self-contained HTML report.

Only ``argparse`` is imported at start-up; the engine (NumPy, Polars) is imported once the arguments
are valid. Input problems exit with status 2 and a French message on stderr.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

__all__ = ["build_parser", "main"]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"atlasia evaluate : {message}", file=sys.stderr)
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="atlasia evaluate",
        description="Évalue un modèle (performance, équité, calibration, dérive) à partir d'un fichier "
        "de prédictions CSV ou Parquet.",
    )
    p.add_argument("file", metavar="FICHIER", help="fichier de prédictions (.csv ou .parquet)")
    p.add_argument("--target", default="y_true", help="colonne de la valeur réelle (défaut : y_true)")
    p.add_argument("--pred", default=None, help="colonne de la décision prédite (0/1)")
    p.add_argument("--score", default=None, help="colonne du score (probabilité entre 0 et 1)")
    p.add_argument("--group", action="append", default=[], help="colonne de groupe (répétable)")
    p.add_argument("--date", default=None, help="colonne de date (évolution par mois)")
    p.add_argument("--reference", default=None, help="fichier de référence pour la dérive")
    p.add_argument("--task", choices=["classification", "regression"], default="classification")
    p.add_argument("--threshold", type=float, default=0.5, help="seuil de décision si --pred est absent")
    p.add_argument("--bootstrap", type=int, default=1000, help="nombre de rééchantillonnages (0 : aucun)")
    p.add_argument("--seed", type=int, default=0, help="graine aléatoire (défaut : 0)")
    p.add_argument("--level", type=float, default=0.95, help="niveau des intervalles (défaut : 0,95)")
    p.add_argument("--min-group-size", type=int, default=30, help="effectif minimal fiable (défaut : 30)")
    p.add_argument(
        "--auc-intervals",
        choices=["delong", "bootstrap", "all", "none"],
        default="delong",
        help="intervalles des AUC : delong (défaut, comme pROC : chaque groupe et l'écart entre groupes), "
        "bootstrap (rééchantillonnage des lignes, ensemble et chaque colonne de groupe ; all : aussi les "
        "intersections) ou none",
    )
    p.add_argument(
        "--jobs",
        type=int,
        default=1,
        help="processus pour le rééchantillonnage des AUC (défaut : 1 ; mêmes résultats quel que soit "
        "le nombre)",
    )
    p.add_argument("--no-intersections", action="store_true", help="ne pas croiser les colonnes de groupe")
    p.add_argument("--max-size-mb", type=float, default=None, help="taille maximale du fichier en Mo")
    p.add_argument("--format", choices=["json", "html"], default="json")
    p.add_argument("--output", "-o", default=None, help="fichier de sortie (défaut : sortie standard)")
    p.add_argument("--progress", action="store_true", help="afficher l'avancement sur la sortie d'erreur")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    if args.pred is None and args.score is None and args.task == "classification":
        print("atlasia evaluate : indiquez --pred et/ou --score.", file=sys.stderr)
        return 2
    if not 0.0 < args.level < 1.0:
        print(
            "atlasia evaluate : --level doit être strictement entre 0 et 1 (par exemple 0.95).",
            file=sys.stderr,
        )
        return 2
    if args.jobs < 1:
        print("atlasia evaluate : --jobs doit être au moins 1.", file=sys.stderr)
        return 2
    if args.bootstrap < 0:
        print("atlasia evaluate : --bootstrap doit être positif ou nul.", file=sys.stderr)
        return 2

    from .engine import evaluate_file
    from .io import EvaluationInputError

    def progress(fraction: float, label: str) -> None:
        print(f"[{100 * fraction:5.1f} %] {label}", file=sys.stderr, flush=True)

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
        print(f"atlasia evaluate : {exc}", file=sys.stderr)
        return 2

    if args.format == "html":
        from .report import render_html

        text = render_html(result)
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
