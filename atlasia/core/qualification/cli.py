"""``atlasia qualify ANSWERS.json [--format json|text] [--law-version V]``.

The answers file is a JSON object ``{question_id: value}``, or ``{"answers": {...}}`` with other
descriptive keys (``title``, ``description``…) around it. Exit codes: 0 on success, 2 on a usage
error, an unreadable or malformed file, an unknown question or an invalid value.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import Any

from .engine import AnswerError, qualify
from .law import CURRENT_LAW_VERSION, LAW_TABLES, UnknownLawVersionError
from .text import format_text_fr


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"atlasia qualify : erreur : {message}", file=sys.stderr)
        raise SystemExit(2)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="atlasia qualify",
        description=(
            "Qualifie un cas d'usage (AI Act, RGPD, droit français) à partir d'un fichier de "
            "réponses JSON. Aide à l'analyse, pas un avis juridique."
        ),
    )
    parser.add_argument("answers", metavar="ANSWERS.json", help="fichier JSON des réponses")
    parser.add_argument("--format", choices=("json", "text"), default="json", help="format de sortie (json)")
    parser.add_argument(
        "--law-version",
        default=CURRENT_LAW_VERSION,
        help=f"version de la table du droit ({', '.join(LAW_TABLES)} ; par défaut {CURRENT_LAW_VERSION})",
    )
    return parser


def _fail(message: str) -> int:
    print(f"atlasia qualify : {message}", file=sys.stderr)
    return 2


def _load(path: str) -> Any:
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def main(argv: Sequence[str]) -> int:
    try:
        args = _parser().parse_args(list(argv))
    except SystemExit as exc:
        return int(exc.code) if isinstance(exc.code, int) else 2
    try:
        data = _load(args.answers)
    except FileNotFoundError:
        return _fail(f"fichier introuvable : {args.answers}")
    except UnicodeDecodeError as exc:
        return _fail(f"{args.answers} : le fichier n'est pas encodé en UTF-8 ({exc.reason}).")
    except OSError as exc:
        return _fail(f"impossible de lire {args.answers} : {exc.strerror or exc}")
    except json.JSONDecodeError as exc:
        return _fail(f"{args.answers}, ligne {exc.lineno}, colonne {exc.colno} : JSON mal formé ({exc.msg}).")
    if isinstance(data, dict) and isinstance(data.get("answers"), dict):
        data = data["answers"]
    if not isinstance(data, dict):
        return _fail(f"{args.answers} : un objet JSON {{identifiant_de_question: réponse}} est attendu.")
    try:
        result = qualify(data, law_version=args.law_version)
    except AnswerError as exc:
        allowed = f" Valeurs admises : {', '.join(exc.allowed_values)}." if exc.allowed_values else ""
        return _fail(
            f"{args.answers} : réponse invalide pour « {exc.question_id} » : {exc.message_fr}{allowed}"
        )
    except UnknownLawVersionError as exc:
        return _fail(str(exc))
    if args.format == "text":
        sys.stdout.write(format_text_fr(result))
    else:
        sys.stdout.write(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    return 0
