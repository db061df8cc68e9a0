"""``atlasia qualify`` through the real dispatcher, in a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
EXAMPLES = ROOT / "examples" / "qualification"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "atlasia.cli", "qualify", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )


def write(tmp_path: Path, content: str) -> str:
    path = tmp_path / "answers.json"
    path.write_text(content, encoding="utf-8")
    return str(path)


def test_json_output_of_example() -> None:
    proc = run(str(EXAMPLES / "samu_triage.json"))
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["ai_act"]["category"] == "high_risk"
    assert result["ai_act"]["bases"] == ["annex3_5d"]
    assert result["law_version"] == "2026-07-omnibus"


@pytest.mark.parametrize("name", ["samu_triage.json", "cnaf_datamining.json", "chatbot.json"])
def test_examples_qualify(name: str) -> None:
    proc = run(str(EXAMPLES / name), "--format", "json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["ignored"] == []


def test_text_output() -> None:
    proc = run(str(EXAMPLES / "chatbot.json"), "--format", "text")
    assert proc.returncode == 0, proc.stderr
    assert "Risque limité" in proc.stdout
    assert "pas un avis juridique" in proc.stdout


def test_law_version_option(tmp_path: Path) -> None:
    proc = run(str(EXAMPLES / "samu_triage.json"), "--law-version", "2024-07-original")
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    dates = {o["id"]: o["applies_from"] for o in result["ai_act"]["obligations"]}
    assert dates["fria"] == "2026-08-02"


def test_unknown_law_version() -> None:
    proc = run(str(EXAMPLES / "samu_triage.json"), "--law-version", "2099-01-x")
    assert proc.returncode == 2
    assert "version du droit inconnue" in proc.stderr
    assert "2026-07-omnibus" in proc.stderr


def test_unknown_question_id(tmp_path: Path) -> None:
    proc = run(write(tmp_path, '{"ai_tehcnique": "machine_learning"}'))
    assert proc.returncode == 2
    assert "ai_tehcnique" in proc.stderr
    assert "identifiant de question inconnu" in proc.stderr
    assert "ai_technique" in proc.stderr
    assert proc.stdout == ""


def test_invalid_value(tmp_path: Path) -> None:
    proc = run(write(tmp_path, '{"ai_technique": "neural"}'))
    assert proc.returncode == 2
    assert "« ai_technique »" in proc.stderr
    assert "neural" in proc.stderr
    assert "machine_learning, logic_inference, fixed_rules, basic_optimisation, unknown" in proc.stderr


def test_invalid_multi_value(tmp_path: Path) -> None:
    proc = run(write(tmp_path, '{"exclusion": ["none", "research_only"]}'))
    assert proc.returncode == 2
    assert "« exclusion »" in proc.stderr
    assert "none" in proc.stderr


def test_malformed_json_reports_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, '{\n  "ai_technique": "machine_learning",\n  "exclusion": [none]\n}\n')
    proc = run(path)
    assert proc.returncode == 2
    assert path in proc.stderr
    assert "ligne 3" in proc.stderr
    assert "JSON mal formé" in proc.stderr


def test_missing_file(tmp_path: Path) -> None:
    proc = run(str(tmp_path / "nope.json"))
    assert proc.returncode == 2
    assert "fichier introuvable" in proc.stderr


def test_not_an_object(tmp_path: Path) -> None:
    proc = run(write(tmp_path, '["ai_technique"]'))
    assert proc.returncode == 2
    assert "objet JSON" in proc.stderr


def test_bad_format_option() -> None:
    proc = run(str(EXAMPLES / "chatbot.json"), "--format", "xml")
    assert proc.returncode == 2
    assert "xml" in proc.stderr


def test_main_returns_int(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from atlasia.core.qualification.cli import main

    assert main([str(EXAMPLES / "chatbot.json")]) == 0
    assert json.loads(capsys.readouterr().out)["ai_act"]["category"] == "limited"
    assert main([]) == 2
