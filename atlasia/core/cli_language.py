"""The command line's language: French first, English complete (no Django here).

The language is chosen as GNU tools choose it: ``--lang fr|en`` if given, else ``LANGUAGE`` (a list
such as ``en:fr``, ignored when the locale is exactly ``C`` or ``POSIX``), else the first of
``LC_ALL``, ``LC_MESSAGES`` and ``LANG`` that is set; French when none is, when the locale is ``C``
(``C.UTF-8`` too) and for any language other than English.

The English texts come from the project's own catalogue (``locale/en/LC_MESSAGES/django.mo``, compiled
by ``make install``) through the standard library's :mod:`gettext`: the msgid is the French text, as for
the screens, so one catalogue serves both. The command line's French strings are written inside
``_(…)`` (or ``gettext_noop(…)``) calls, so Django's ``makemessages`` finds them too.

argparse's own words ("usage:", "options", "show this help message and exit", "the following arguments
are required") are English msgids that argparse passes to :mod:`gettext` (``from gettext import gettext
as _, ngettext``, the process's default domain and the environment's language, whatever ``--lang``
says). Their French is the project's catalogue ``locale/fr/LC_MESSAGES/argparse.po`` (compiled with the
others by ``compilemessages``, i.e. ``make install``); :class:`Parser` reads it in the command line's
language while it builds, parses and formats, and puts argparse's functions back afterwards.
"""

from __future__ import annotations

import argparse
import gettext as _gettext
import os
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any, NoReturn

from .messages import FR, Locale, english, untranslated

__all__ = [
    "LANGUAGES",
    "LOCALE_DIR",
    "Parser",
    "argparse_gettext",
    "cli_gettext",
    "cli_locale",
    "language_from_argv",
    "language_from_env",
]

LANGUAGES = ("fr", "en")
LOCALE_DIR = Path(__file__).resolve().parents[2] / "locale"


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
        return untranslated
    try:
        return _gettext.translation("django", localedir=str(LOCALE_DIR), languages=[language]).gettext
    except OSError:  # the catalogue is not compiled (``make install`` compiles it): French
        return untranslated


def cli_gettext(language: str) -> Callable[[str], str]:
    """The command line's ``gettext`` in ``language`` (French: the text as it is)."""
    return _catalogue(language if language in LANGUAGES else "fr")


def cli_locale(language: str) -> Locale:
    """The core's :class:`~atlasia.core.messages.Locale` for the command line's language."""
    return english(cli_gettext("en")) if language == "en" else FR


@cache
def _argparse_catalogue(language: str) -> _gettext.NullTranslations:
    if language == "en":  # argparse writes English
        return _gettext.NullTranslations()
    # no compiled catalogue (``make install`` compiles it): argparse's English, as before
    return _gettext.translation("argparse", localedir=str(LOCALE_DIR), languages=[language], fallback=True)


def argparse_gettext(language: str) -> Callable[[str], str]:
    """argparse's ``gettext`` in ``language``: its English msgids (``"usage: "``) in that language."""
    return _argparse_catalogue(language if language in LANGUAGES else "fr").gettext


@contextmanager
def _argparse_words(language: str) -> Iterator[None]:
    """argparse's ``_`` and ``ngettext`` read from the catalogue of ``language`` while the block runs
    (argparse looks them up in its module at each call), then argparse's own again."""
    catalogue = _argparse_catalogue(language if language in LANGUAGES else "fr")
    saved = argparse._, argparse.ngettext  # type: ignore[attr-defined]
    argparse._, argparse.ngettext = catalogue.gettext, catalogue.ngettext  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved  # type: ignore[attr-defined]


class Parser(argparse.ArgumentParser):
    """An ``argparse`` parser whose every word is in the command line's ``language``: the help and
    descriptions the caller wrote (through :func:`cli_gettext`), argparse's own words (headings, the
    ``-h`` option's help, its refusals) and the error line, ``error_format`` (a translated text with a
    ``%(message)s`` placeholder)."""

    def __init__(self, *args: Any, language: str = "fr", error_format: str = "%(message)s", **kwargs: Any):
        self.language = language
        self.error_format = error_format
        with _argparse_words(language):  # the headings and the ``-h`` option's help are written here
            super().__init__(*args, **kwargs)

    def parse_known_args(self, *args: Any, **kwargs: Any) -> Any:
        with _argparse_words(self.language):
            return super().parse_known_args(*args, **kwargs)

    def format_usage(self) -> str:
        with _argparse_words(self.language):
            return super().format_usage()

    def format_help(self) -> str:
        with _argparse_words(self.language):
            return super().format_help()

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        print(self.error_format % {"message": message}, file=sys.stderr)
        raise SystemExit(2)
