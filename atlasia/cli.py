"""The ``atlasia`` command line: ``atlasia qualify …`` and ``atlasia evaluate …``.

Each sub-command lives next to its engine in the pure core and is imported lazily, so that
``atlasia qualify`` does not pay for NumPy and Polars start-up.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

USAGE = """usage: atlasia COMMAND [ARGS]

commandes :
  qualify   qualifie un cas d'usage (AI Act, RGPD, droit français) à partir d'un fichier de réponses JSON
  evaluate  évalue un modèle (performance, équité, calibration, dérive) à partir d'un fichier de prédictions
"""


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help"}:
        print(USAGE)
        return 0 if args else 2
    command, rest = args[0], args[1:]
    if command == "qualify":
        from atlasia.core.qualification.cli import main as qualify_main

        return qualify_main(rest)
    if command == "evaluate":
        from atlasia.core.evaluation.cli import main as evaluate_main

        return evaluate_main(rest)
    print(f"atlasia : commande inconnue « {command} »\n\n{USAGE}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
