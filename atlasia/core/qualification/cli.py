"""``atlasia qualify ANSWERS.json [--format json|text] [--law-version V] [--lang fr|en]``.

The answers file is a JSON object ``{question_id: value}``, or ``{"answers": {...}}`` with other
descriptive keys (``title``, ``description``…) around it. Exit codes: 0 on success, 2 on a usage
error, an unreadable or malformed file, an unknown question or an invalid value. Help, refusals and the
text output are in the command line's language (``--lang`` or the environment, French by default:
:mod:`atlasia.core.cli_language`); the JSON output is data, the same in every language.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from typing import Any

from atlasia.core.cli_language import (
    LANGUAGES,
    Parser,
    cli_gettext,
    cli_locale,
    language_from_argv,
    language_from_env,
)

from .engine import AnswerError, qualify
from .law import CURRENT_LAW_VERSION, LAW_TABLES, UnknownLawVersionError
from .text import format_text


def _parser(language: str = "fr") -> argparse.ArgumentParser:
    _ = cli_gettext(language)
    parser = Parser(
        prog="atlasia qualify",
        language=language,
        error_format=_("atlasia qualify : erreur : %(message)s"),
        description=_(
            "Qualifie un cas d'usage (AI Act, RGPD, droit français) à partir d'un fichier de "
            "réponses JSON. Aide à l'analyse, pas un avis juridique."
        ),
    )
    parser.add_argument("answers", metavar="ANSWERS.json", help=_("fichier JSON des réponses"))
    parser.add_argument(
        "--format", choices=("json", "text"), default="json", help=_("format de sortie (json)")
    )
    parser.add_argument(
        "--law-version",
        default=CURRENT_LAW_VERSION,
        help=_("version de la table du droit (%(versions)s ; par défaut %(current)s)")
        % {"versions": ", ".join(LAW_TABLES), "current": CURRENT_LAW_VERSION},
    )
    parser.add_argument(
        "--lang",
        choices=LANGUAGES,
        default=None,
        help=_(
            "langue des messages et du résumé texte (défaut : LANGUAGE, LC_ALL, LC_MESSAGES ou LANG ; "
            "sinon fr)"
        ),
    )
    return parser


def _fail(message: str, _: Callable[[str], str]) -> int:
    print(_("atlasia qualify : %(message)s") % {"message": message}, file=sys.stderr)
    return 2


def _load(path: str) -> Any:
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def main(argv: Sequence[str], *, language: str | None = None) -> int:
    argv = list(argv)
    language = language_from_argv(argv) or language or language_from_env()
    _ = cli_gettext(language)
    try:
        args = _parser(language).parse_args(argv)
    except SystemExit as exc:
        return int(exc.code) if isinstance(exc.code, int) else 2
    path = args.answers
    try:
        data = _load(path)
    except FileNotFoundError:
        return _fail(_("fichier introuvable : %(path)s") % {"path": path}, _)
    except UnicodeDecodeError as exc:
        return _fail(
            _("%(path)s : le fichier n'est pas encodé en UTF-8 (%(reason)s).")
            % {"path": path, "reason": exc.reason},
            _,
        )
    except OSError as exc:
        return _fail(
            _("impossible de lire %(path)s : %(reason)s") % {"path": path, "reason": exc.strerror or exc}, _
        )
    except json.JSONDecodeError as exc:
        return _fail(
            _("%(path)s, ligne %(line)s, colonne %(column)s : JSON mal formé (%(reason)s).")
            % {"path": path, "line": exc.lineno, "column": exc.colno, "reason": exc.msg},
            _,
        )
    if isinstance(data, dict) and isinstance(data.get("answers"), dict):
        data = data["answers"]
    if not isinstance(data, dict):
        return _fail(
            _("%(path)s : un objet JSON {identifiant_de_question: réponse} est attendu.") % {"path": path}, _
        )
    try:
        result = qualify(data, law_version=args.law_version)
    except AnswerError as exc:
        allowed = (
            " " + _("Valeurs admises : %(values)s.") % {"values": ", ".join(exc.allowed_values)}
            if exc.allowed_values
            else ""
        )
        return _fail(
            _("%(path)s : réponse invalide pour « %(question)s » : %(reason)s")
            % {"path": path, "question": exc.question_id, "reason": exc.text.render(cli_locale(language))}
            + allowed,
            _,
        )
    except UnknownLawVersionError as exc:
        return _fail(
            _("version du droit inconnue « %(version)s » ; versions disponibles : %(known)s")
            % {"version": exc.version, "known": ", ".join(LAW_TABLES)},
            _,
        )
    if args.format == "text":
        sys.stdout.write(format_text(result, language))
    else:
        sys.stdout.write(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    return 0
