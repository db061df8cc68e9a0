"""The command line in French (by default) and in English (``--lang en`` or the environment, the GNU
way): usage, help, refusals with their parameters, the evaluation's HTML report and progress, the
qualification's text summary; every French text it prints has its English in the catalogue."""

from __future__ import annotations

import ast
import gettext
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from atlasia import cli
from atlasia.core import cli_language
from atlasia.core.cli_language import LOCALE_DIR, language_from_argv, language_from_env
from atlasia.core.evaluation import cli as evaluate_cli
from atlasia.core.qualification import cli as qualify_cli
from atlasia.core.qualification import format_text_fr, qualify

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "data" / "demo" / "predictions_demo.csv"
EXAMPLES = ROOT / "examples" / "qualification"
CLI_FILES = [
    ROOT / "atlasia" / "cli.py",
    ROOT / "atlasia" / "core" / "cli_language.py",
    ROOT / "atlasia" / "core" / "evaluation" / "cli.py",
    ROOT / "atlasia" / "core" / "qualification" / "cli.py",
    ROOT / "atlasia" / "core" / "qualification" / "text.py",
]
#: French texts that English writes the same way.
SAME_IN_ENGLISH = {"Calibration"}


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, "fr"),
        ({"LANG": "en_GB.UTF-8"}, "en"),
        ({"LANG": "en"}, "en"),
        ({"LANG": "fr_FR.UTF-8"}, "fr"),
        ({"LANG": "de_DE.UTF-8"}, "fr"),
        ({"LANG": "C.UTF-8"}, "fr"),
        ({"LANG": "C.UTF-8", "LANGUAGE": "en"}, "en"),  # GNU: LANGUAGE counts unless the locale is "C"
        ({"LC_ALL": "C", "LANGUAGE": "en"}, "fr"),
        ({"LANG": "POSIX", "LANGUAGE": "en_US"}, "fr"),
        ({"LANG": "fr_FR.UTF-8", "LANGUAGE": "de:en:fr"}, "en"),
        ({"LANG": "en_US.UTF-8", "LANGUAGE": "fr"}, "fr"),
        ({"LANG": "en_US.UTF-8", "LANGUAGE": "de"}, "fr"),
        ({"LANG": "fr_FR.UTF-8", "LC_MESSAGES": "en_US.UTF-8"}, "en"),
        ({"LANG": "en_US.UTF-8", "LC_ALL": "fr_FR.UTF-8"}, "fr"),
    ],
)
def test_the_language_is_chosen_as_gnu_tools_choose_it(environ: dict[str, str], expected: str) -> None:
    assert language_from_env(environ) == expected


def test_the_lang_option_wins() -> None:
    assert language_from_argv(["x.csv", "--lang", "en"]) == "en"
    assert language_from_argv(["--lang=fr"]) == "fr"
    assert language_from_argv(["--lang", "de"]) is None


def test_usage_in_english_and_french(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["--help"]) == 0
    french = capsys.readouterr().out
    assert "commandes :" in french and "à partir d'un fichier de réponses JSON" in french
    assert cli.main(["--lang", "en", "--help"]) == 0
    assert "commands:\n  qualify   qualifies a use case (AI Act, GDPR, French law)" in capsys.readouterr().out
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    assert cli.main(["frobnicate"]) == 2
    err = capsys.readouterr().err
    assert "atlasia: unknown command “frobnicate”" in err and "commandes" not in err
    assert cli.main(["--lang", "xx", "qualify"]) == 2
    assert "unknown language “xx” (fr or en)" in capsys.readouterr().err


def test_evaluate_help_in_english_french_by_default(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        evaluate_cli.main(["--help"])
    french = capsys.readouterr().out
    assert "fichier de prédictions (.csv ou .parquet)" in french and "FICHIER" in french
    assert "Évalue un modèle (performance, équité, calibration, dérive)" in french
    monkeypatch.setenv("LANGUAGE", "en")
    with pytest.raises(SystemExit):
        evaluate_cli.main(["--help"])
    english = capsys.readouterr().out
    assert "predictions file (.csv or .parquet)" in english and "FILE" in english
    assert "Evaluates a model (performance, fairness, calibration, drift)" in english
    assert "colonne" not in english and "défaut" not in english


def test_evaluate_refusals_in_english_with_their_parameters(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert evaluate_cli.main([str(DEMO), "--pred", "y_pred", "--group", "sexe"]) == 2
    french = capsys.readouterr().err
    assert french.startswith("atlasia evaluate : La colonne « sexe » (groupe) est introuvable.")
    monkeypatch.setenv("LC_ALL", "en_GB.UTF-8")
    assert evaluate_cli.main([str(DEMO), "--pred", "y_pred", "--group", "sexe"]) == 2
    english = capsys.readouterr().err
    assert english.startswith("atlasia evaluate: The column “sexe” (group) cannot be found.")
    assert "Did you mean “sex”" in english or "“sex”" in english
    assert evaluate_cli.main([str(DEMO), "--pred", "y_pred", "--level", "2"]) == 2
    assert "--level must be strictly between 0 and 1" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        evaluate_cli.main([str(DEMO), "--task", "nope"])
    assert "atlasia evaluate: argument --task: invalid choice" in capsys.readouterr().err
    # the option beats the environment
    assert evaluate_cli.main([str(DEMO), "--pred", "y_prd", "--lang", "fr"]) == 2
    assert "« y_prd »" in capsys.readouterr().err


def test_evaluate_html_report_and_progress_in_english(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = [str(DEMO), "--pred", "y_pred", "--group", "sex", "--bootstrap", "0", "--format", "html"]
    assert evaluate_cli.main([*args, "-o", str(tmp_path / "fr.html"), "--progress"]) == 0
    assert "Lecture du fichier" in capsys.readouterr().err
    assert evaluate_cli.main([*args, "-o", str(tmp_path / "en.html"), "--progress", "--lang", "en"]) == 0
    progress = capsys.readouterr().err
    assert "Reading the file" in progress and "Lecture" not in progress and "Comptage" not in progress
    french = (tmp_path / "fr.html").read_text(encoding="utf-8")
    english = (tmp_path / "en.html").read_text(encoding="utf-8")
    assert '<html lang="fr"' in french and "Rapport d'évaluation du modèle" in french
    assert '<html lang="en"' in english and "Rapport d'évaluation" not in english


def test_every_progress_step_of_the_engine_is_translated() -> None:
    source = (ROOT / "atlasia" / "core" / "evaluation" / "engine.py").read_text(encoding="utf-8")
    steps = set(re.findall(r'report\([^,]+, "([^"]+)"\)', source))
    assert len(steps) >= 10
    assert steps <= set(evaluate_cli.PROGRESS_LABELS)


def _write(tmp_path: Path, content: str) -> str:
    path = tmp_path / "answers.json"
    path.write_text(content, encoding="utf-8")
    return str(path)


def test_qualify_refusals_in_english_with_their_parameters(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, '{"ai_technique": "neural"}')
    assert qualify_cli.main([path]) == 2
    assert (
        f"atlasia qualify : {path} : réponse invalide pour « ai_technique » : valeur invalide « neural »."
        in (capsys.readouterr().err)
    )
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    assert qualify_cli.main([path]) == 2
    english = capsys.readouterr().err
    assert f"atlasia qualify: {path}: invalid answer for “ai_technique”: invalid value “neural”." in english
    assert "Allowed values: machine_learning, logic_inference" in english
    assert qualify_cli.main([_write(tmp_path, '{"exclusion": ["none", "research_only"]}')]) == 2
    assert "“none” cannot be combined with another option." in capsys.readouterr().err
    assert qualify_cli.main([str(tmp_path / "nope.json")]) == 2
    assert f"file not found: {tmp_path / 'nope.json'}" in capsys.readouterr().err
    assert qualify_cli.main([_write(tmp_path, '{\n  "a": [none]\n}')]) == 2
    assert "line 2, column 9: malformed JSON" in capsys.readouterr().err
    assert qualify_cli.main([str(EXAMPLES / "chatbot.json"), "--law-version", "2099-01-x"]) == 2
    assert "unknown law version “2099-01-x”; available versions: " in capsys.readouterr().err
    assert qualify_cli.main([str(EXAMPLES / "chatbot.json"), "--format", "xml"]) == 2
    assert "atlasia qualify: error: argument --format" in capsys.readouterr().err


def test_qualify_help_and_text_summary_in_english(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    answers = str(EXAMPLES / "samu_triage.json")
    assert qualify_cli.main([answers, "--format", "text"]) == 0
    french = capsys.readouterr().out
    data = json.loads((EXAMPLES / "samu_triage.json").read_text(encoding="utf-8"))
    assert french == format_text_fr(qualify(data.get("answers", data)))  # French unchanged
    assert "QUALIFICATION DU CAS D'USAGE" in french and "Système à haut risque" in french
    monkeypatch.setenv("LANGUAGE", "en")
    assert qualify_cli.main(["--help"]) == 0
    help_text = capsys.readouterr().out
    assert "JSON file of the answers" in help_text and "Guidance, not legal advice" in help_text
    assert qualify_cli.main([answers, "--format", "text"]) == 0
    english = capsys.readouterr().out
    assert "QUALIFICATION OF THE USE CASE" in english and "Category: High-risk system" in english
    assert "GDPR and French law" in english and "not legal advice" in english
    assert "(provider and deployer, from 20" in english or "(deployer, from 20" in english
    for french_word in ("Catégorie", "Oui", "oui", "Réponses", "à partir du", "avis juridique", "règlement"):
        assert french_word not in english, french_word
    # the JSON output is data: the same in both languages
    assert qualify_cli.main([answers]) == 0
    assert json.loads(capsys.readouterr().out)["ai_act"]["category"] == "high_risk"


def test_the_installed_command_in_english_and_in_french(tmp_path: Path) -> None:
    script = Path(sys.executable).parent / "atlasia"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "atlasia.cli"]
    path = _write(tmp_path, '{"ai_technique": "neural"}')
    base = {k: v for k, v in os.environ.items() if k not in {"LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"}}

    def run(*args: str, **environ: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*command, *args],
            capture_output=True,
            text=True,
            encoding="utf-8",
            env={**base, **environ},
            check=False,
        )

    english = run("qualify", path, LANG="en_US.UTF-8")
    assert english.returncode == 2
    assert "invalid answer for “ai_technique”: invalid value “neural”" in english.stderr
    french = run("qualify", path, LANG="C.UTF-8")
    assert "réponse invalide pour « ai_technique » : valeur invalide « neural »" in french.stderr
    assert "commands:" in run("--help", LANGUAGE="en", LANG="fr_FR.UTF-8").stdout
    assert "commandes :" in run("--help").stdout
    assert "afficher ce message d'aide et quitter" in run("qualify", "--help", LANG="fr_FR.UTF-8").stdout
    missing = run("qualify", LANG="C.UTF-8").stderr
    assert missing.startswith("utilisation : atlasia qualify")
    assert "les arguments suivants sont obligatoires : ANSWERS.json" in missing
    assert "the following arguments are required" in run("qualify", LANG="en_GB.UTF-8").stderr


def _cli_msgids() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for path in CLI_FILES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in {"_", "gettext", "gettext_noop"}
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                found[node.args[0].value] = path
    return found


def test_every_french_text_of_the_command_line_has_its_english() -> None:
    catalogue = gettext.translation("django", localedir=str(LOCALE_DIR), languages=["en"])
    msgids = _cli_msgids()
    assert len(msgids) > 90
    missing = [m for m in msgids if m not in SAME_IN_ENGLISH and catalogue.gettext(m) == m]
    assert not missing, f"no English in locale/en/LC_MESSAGES/django.po for: {missing}"
    for msgid in msgids:
        english = catalogue.gettext(msgid)
        assert re.findall(r"%\(\w+\)s", english) == re.findall(r"%\(\w+\)s", msgid) or sorted(
            re.findall(r"%\(\w+\)s", english)
        ) == sorted(re.findall(r"%\(\w+\)s", msgid)), msgid
        assert "«" not in english and " :" not in english, english
    # the qualification's flags and debatable reasons, printed through the same catalogue as on the screens
    from atlasia.core.qualification import DEBATABLE_REASONS_FR, FLAG_LABELS_FR

    untranslated = [
        t for t in [*FLAG_LABELS_FR.values(), *DEBATABLE_REASONS_FR.values()] if catalogue.gettext(t) == t
    ]
    assert not untranslated


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="needs gettext's xgettext")
def test_makemessages_finds_the_command_line_texts(tmp_path: Path) -> None:
    """Django's makemessages runs xgettext with these keywords: it finds every text the test above checks."""
    out = tmp_path / "cli.pot"
    subprocess.run(
        [
            "xgettext",
            "--language=Python",
            "--from-code=UTF-8",
            "--keyword=gettext_noop",
            "--keyword=gettext",
            "--keyword=_",
            "-o",
            str(out),
            *map(str, CLI_FILES),
        ],
        check=True,
    )
    pot = out.read_text(encoding="utf-8")
    entries = re.findall(r'^msgid ((?:".*"\n)+)', pot, re.M)
    found = {"".join(re.findall(r'"((?:[^"\\]|\\.)*)"', e)).replace('\\"', '"') for e in entries}
    assert set(_cli_msgids()) <= found


def test_the_catalogue_is_read_once_and_french_needs_none() -> None:
    assert cli_language.cli_gettext("fr")("commandes :") == "commandes :"
    assert cli_language.cli_gettext("en") is cli_language.cli_gettext("en")


def test_argparse_own_words_follow_the_language_of_the_command_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """ "usage:", the headings, the ``-h`` option's help and argparse's refusals are French in French
    (locale/fr/LC_MESSAGES/argparse.po), English in English, whatever language the environment gives
    the standard library's gettext."""
    monkeypatch.setenv("LANG", "en_US.UTF-8")  # argparse alone would follow it: --lang fr wins
    assert cli.main(["--lang", "fr", "--help"]) == 0
    french = capsys.readouterr().out
    assert french.startswith("utilisation : atlasia [-h] [--lang {fr,en}] COMMANDE [ARGUMENTS]\n")
    assert "options :\n  -h, --help  afficher ce message d'aide et quitter\n" in french
    assert "langue : atlasia --lang fr|en COMMANDE" in french
    assert cli.main(["--lang", "en", "--help"]) == 0
    english = capsys.readouterr().out
    assert english.startswith("usage: atlasia [-h] [--lang {fr,en}] COMMAND [ARGS]\n")
    assert "options:\n  -h, --help  show this help message and exit\n" in english
    assert "utilisation" not in english and "aide" not in english

    assert qualify_cli.main(["--help", "--lang", "fr"]) == 0
    french = capsys.readouterr().out
    assert french.startswith("utilisation : atlasia qualify [-h]")
    assert "\narguments positionnels :\n  ANSWERS.json " in french and "\noptions :\n" in french
    assert "-h, --help            afficher ce message d'aide et quitter" in french
    for english_word in ("usage:", "positional arguments", "options:", "show this help message"):
        assert english_word not in french, english_word
    assert qualify_cli.main(["--help", "--lang", "en"]) == 0
    english = capsys.readouterr().out
    assert english.startswith("usage: atlasia qualify [-h]")
    assert (
        "\npositional arguments:\n" in english
        and "-h, --help            show this help message and exit" in english
    )

    assert cli.main(["--lang", "fr", "qualify"]) == 2
    error = capsys.readouterr().err
    assert error.startswith("utilisation : atlasia qualify [-h]")
    assert error.endswith(
        "atlasia qualify : erreur : les arguments suivants sont obligatoires : ANSWERS.json\n"
    )
    assert cli.main(["--lang", "en", "qualify"]) == 2
    assert capsys.readouterr().err.endswith(
        "atlasia qualify: error: the following arguments are required: ANSWERS.json\n"
    )
    with pytest.raises(SystemExit):
        evaluate_cli.main([str(DEMO), "--task", "nope", "--lang", "fr"])
    assert (
        "atlasia evaluate : argument --task : choix invalide : 'nope' (choisissez parmi 'classification', "
        "'regression')"
    ) in capsys.readouterr().err
    with pytest.raises(SystemExit):
        evaluate_cli.main([str(DEMO), "--bootstrap", "many", "--lang", "fr"])
    assert "argument --bootstrap : valeur invalide pour le type int : 'many'" in capsys.readouterr().err


def test_argparse_is_left_as_it_was() -> None:
    """The French words are argparse's only while an ``atlasia`` parser builds, parses or formats: another
    parser of the same process, after a refusal too, writes argparse's English."""
    import argparse

    with pytest.raises(SystemExit):
        qualify_cli._parser("fr").parse_args([])
    other = argparse.ArgumentParser(prog="other")
    other.add_argument("name")
    assert other.format_help().startswith("usage: other [-h] name\n")
    assert "show this help message and exit" in other.format_help()
    assert "utilisation" in qualify_cli._parser("fr").format_help()


def test_every_word_of_this_python_s_argparse_has_its_french() -> None:
    """xgettext reads the running Python's argparse.py: each message it can print has French in
    locale/fr/LC_MESSAGES/argparse.po, with the same placeholders (a newer Python's new words fail here)."""
    import argparse

    assert shutil.which("xgettext"), "GNU gettext absent : lancez `make system`"
    pot = subprocess.run(
        ["xgettext", "--language=Python", "--no-location", "-o", "-", argparse.__file__],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    entries = re.findall(r'^msgid ((?:".*"\n)+)(?:msgid_plural ((?:".*"\n)+))?', pot, re.M)

    def text(lines: str) -> str:
        return "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', lines)).encode().decode("unicode_escape")

    french = gettext.translation("argparse", localedir=str(LOCALE_DIR), languages=["fr"])
    msgids = [(text(single), text(plural)) for single, plural in entries if text(single)]
    assert len(msgids) > 30
    placeholders = re.compile(r"%(?:\(\w+\))?[rs]")
    for single, plural in msgids:
        translated = french.ngettext(single, plural, 2) if plural else french.gettext(single)
        assert translated != (plural or single), f"no French for {single!r}"
        assert sorted(placeholders.findall(translated)) == sorted(placeholders.findall(plural or single))
