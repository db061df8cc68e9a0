"""The ``atlasia`` command line: ``atlasia qualify …`` and ``atlasia evaluate …``.

Each sub-command lives next to its engine in the pure core and is imported lazily, so that
``atlasia qualify`` does not pay for NumPy and Polars start-up. The language (French first, English
complete) is chosen by ``--lang`` or the environment, as GNU tools do (:mod:`atlasia.core.cli_language`).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from atlasia.core.cli_language import (
    LANGUAGES,
    argparse_gettext,
    cli_gettext,
    language_from_argv,
    language_from_env,
)


def usage(language: str) -> str:
    """The help of ``atlasia``: the usage line and the option's help in argparse's words (as the
    sub-commands' help writes them), the rest from the project's catalogue."""
    _ = cli_gettext(language)
    words = argparse_gettext(language)
    return (
        words("usage: ")
        + "atlasia [-h] [--lang {fr,en}] "
        + _("COMMANDE [ARGUMENTS]")
        + "\n\n"
        + _("commandes :")
        + "\n  qualify   "
        + _("qualifie un cas d'usage (AI Act, RGPD, droit français) à partir d'un fichier de réponses JSON")
        + "\n  evaluate  "
        + _(
            "évalue un modèle (performance, équité, calibration, dérive) à partir d'un fichier de prédictions"
        )
        + "\n\n"
        + words("options")
        + ":\n  -h, --help  "
        + words("show this help message and exit")
        + "\n\n"
        + _(
            "langue : atlasia --lang fr|en COMMANDE, sinon LANGUAGE, LC_ALL, LC_MESSAGES ou LANG "
            "(français par défaut)"
        )
        + "\n"
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    language = None
    # ``atlasia --lang en COMMAND …``: the option before the command is the whole program's.
    while args and (args[0] == "--lang" or args[0].startswith("--lang=")):
        value = args[1] if args[0] == "--lang" and len(args) > 1 else args[0].partition("=")[2]
        del args[: 2 if args[0] == "--lang" else 1]
        if value not in LANGUAGES:
            fallback = language_from_env()
            message = cli_gettext(fallback)("atlasia : langue inconnue « %(value)s » (fr ou en)") % {
                "value": value
            }
            print(f"{message}\n\n{usage(fallback)}", file=sys.stderr)
            return 2
        language = value
    language = language or language_from_argv(args[1:]) or language_from_env()
    _ = cli_gettext(language)
    if not args or args[0] in {"-h", "--help"}:
        print(usage(language))
        return 0 if args else 2
    command, rest = args[0], args[1:]
    if command == "qualify":
        from atlasia.core.qualification.cli import main as qualify_main

        return qualify_main(rest, language=language)
    if command == "evaluate":
        from atlasia.core.evaluation.cli import main as evaluate_main

        return evaluate_main(rest, language=language)
    message = _("atlasia : commande inconnue « %(command)s »") % {"command": command}
    print(f"{message}\n\n{usage(language)}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
