"""The command line's language: French first, English complete (no Django here).

The language is chosen as GNU tools choose it: ``--lang fr|en`` if given, else ``LANGUAGE`` (a list
such as ``en:fr``, ignored when the locale is exactly ``C`` or ``POSIX``), else the first of
``LC_ALL``, ``LC_MESSAGES`` and ``LANG`` that is set; French when none is, when the locale is ``C``
(``C.UTF-8`` too) and for any language other than English.

The English texts come from the project's own catalogue (``locale/en/LC_MESSAGES/django.mo``, compiled
by ``make install``) through the standard library's :mod:`gettext`: the msgid is the French text, as for
the screens, so one catalogue serves both. The command line's French strings are written inside
``_(…)`` (or ``gettext_noop(…)``) calls, so Django's ``makemessages`` finds them too.
"""

from __future__ import annotations

import gettext as _gettext
import os
from collections.abc import Callable, Mapping, Sequence
from functools import cache
from pathlib import Path

from .messages import FR, Locale, english

__all__ = ["LANGUAGES", "LOCALE_DIR", "cli_gettext", "cli_locale", "language_from_argv", "language_from_env"]

LANGUAGES = ("fr", "en")
LOCALE_DIR = Path(__file__).resolve().parents[2] / "locale"


def _same(text: str) -> str:
    return text


def _code(value: str) -> str:
    """« en_GB.UTF-8 » → « en »; « C.UTF-8 » → « c »."""
    return value.split(".")[0].split("@")[0].split("_")[0].split("-")[0].strip().lower()


def language_from_env(environ: Mapping[str, str] | None = None) -> str:
    """``"en"`` or ``"fr"`` from the environment, the GNU way (see the module's docstring)."""
    env = os.environ if environ is None else environ
    locale_value = next((env[name] for name in ("LC_ALL", "LC_MESSAGES", "LANG") if env.get(name)), "")
    if locale_value in {"C", "POSIX"}:  # GNU gettext ignores LANGUAGE for the C locale (not for C.UTF-8)
        return "fr"
    if env.get("LANGUAGE"):
        for item in env["LANGUAGE"].split(":"):
            if _code(item) in LANGUAGES:
                return _code(item)
        return "fr"
    return "en" if _code(locale_value) == "en" else "fr"


def language_from_argv(argv: Sequence[str]) -> str | None:
    """The value of ``--lang fr|en`` (or ``--lang=en``) among ``argv``, if valid; the parser reports an
    invalid one."""
    for i, arg in enumerate(argv):
        value = None
        if arg == "--lang" and i + 1 < len(argv):
            value = argv[i + 1]
        elif arg.startswith("--lang="):
            value = arg.partition("=")[2]
        if value in LANGUAGES:
            return value
    return None


@cache
def _catalogue(language: str) -> Callable[[str], str]:
    if language == "fr":
        return _same
    try:
        return _gettext.translation("django", localedir=str(LOCALE_DIR), languages=[language]).gettext
    except OSError:  # the catalogue is not compiled (``make install`` compiles it): French
        return _same


def cli_gettext(language: str) -> Callable[[str], str]:
    """The command line's ``gettext`` in ``language`` (French: the text as it is)."""
    return _catalogue(language if language in LANGUAGES else "fr")


def cli_locale(language: str) -> Locale:
    """The core's :class:`~atlasia.core.messages.Locale` for the command line's language."""
    return english(cli_gettext("en")) if language == "en" else FR
