"""Bad input gives a French message naming the column and rows; the CLI; reading; HTML report."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from atlasia.core.evaluation import (
    SCHEMA_VERSION,
    EvaluationInputError,
    evaluate,
    evaluate_file,
    read_table,
    reading_fr,
    render_html,
)
from atlasia.core.evaluation.cli import main as cli_main

ROOT = Path(__file__).resolve().parents[3]
DEMO = ROOT / "data" / "demo" / "predictions_demo.csv"


def small_df(n: int = 60) -> pl.DataFrame:
    rng = np.random.default_rng(0)
    return pl.DataFrame(
        {
            "y_true": rng.integers(0, 2, n),
            "y_pred": rng.integers(0, 2, n),
            "y_score": rng.random(n),
            "sexe": rng.choice(["F", "M"], n),
        }
    )


def write_csv(tmp_path: Path, text: str, name: str = "p.csv", encoding: str = "utf-8") -> Path:
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return p


def test_missing_column_suggests_closest_name():
    with pytest.raises(EvaluationInputError) as e:
        evaluate(small_df(), target="y_ture", pred="y_pred", groups=["sexe"])
    msg = str(e.value)
    assert "« y_ture »" in msg and "Vouliez-vous dire « y_true »" in msg
    assert e.value.column == "y_ture"
    with pytest.raises(EvaluationInputError, match=r"« sex ».*Vouliez-vous dire « sexe »"):
        evaluate(small_df(), pred="y_pred", groups=["sex"])


def test_non_binary_labels_name_rows():
    df = small_df().with_columns(
        pl.when(pl.int_range(pl.len()).is_in([3, 7])).then(2).otherwise(pl.col("y_true")).alias("y_true")
    )
    with pytest.raises(EvaluationInputError) as e:
        evaluate(df, pred="y_pred")
    assert "« y_true »" in str(e.value) and "0 et 1" in str(e.value) and "« 2 »" in str(e.value)
    assert e.value.rows == [4, 8]  # 1-based rows of an in-memory table
    assert "lignes 4, 8" in str(e.value)


def test_scores_outside_unit_interval(tmp_path):
    p = write_csv(tmp_path, "y_true,y_score\n1,0.2\n0,1.5\n1,-0.1\n0,0.4\n")
    with pytest.raises(EvaluationInputError) as e:
        evaluate_file(str(p), score="y_score")
    assert "« y_score »" in str(e.value) and "entre 0 et 1" in str(e.value)
    assert e.value.rows == [3, 4]  # CSV: file line numbers, header is line 1


def test_nulls_and_nan_are_reported(tmp_path):
    p = write_csv(tmp_path, "y_true,y_pred,y_score,g\n1,1,0.2,a\n0,,0.3,b\n1,0,NaN,a\n0,1,0.4,\n")
    with pytest.raises(EvaluationInputError, match=r"« y_pred ».*manquante.*ligne 3"):
        evaluate_file(str(p), pred="y_pred", score="y_score", groups=["g"])
    with pytest.raises(EvaluationInputError, match=r"« y_score ».*ligne 4"):
        evaluate_file(str(p), score="y_score")
    with pytest.raises(EvaluationInputError, match=r"« g ».*ligne 5"):
        evaluate_file(str(p), pred="y_true", groups=["g"])


def test_empty_files(tmp_path):
    with pytest.raises(EvaluationInputError, match="est vide"):
        read_table(write_csv(tmp_path, ""))
    with pytest.raises(EvaluationInputError, match="aucune ligne"):
        read_table(write_csv(tmp_path, "y_true,y_pred\n", name="h.csv"))


def test_size_limit(tmp_path):
    p = write_csv(tmp_path, "y_true,y_pred\n" + "1,0\n" * 1000)
    with pytest.raises(EvaluationInputError, match="au-delà de la limite"):
        read_table(p, max_bytes=1000)


def test_windows_1252_is_detected_and_noted(tmp_path):
    p = write_csv(tmp_path, "y_true;y_pred;région\n1;1;Île-de-France\n0;1;Réunion\n", encoding="cp1252")
    res = evaluate_file(str(p), pred="y_pred", groups=["région"], n_bootstrap=0)
    assert any("Windows-1252" in n and "ligne 1" in n for n in res["notes"])
    assert [g["key"][0] for g in res["groupings"][0]["groups"]] == sorted(["Île-de-France", "Réunion"])


def test_undecodable_file_reports_line(tmp_path):
    p = tmp_path / "bad.csv"
    p.write_bytes(b"y_true,y_pred\n1,0\n0,\x81\x8d\n")
    with pytest.raises(EvaluationInputError, match=r"ni en UTF-8 ni en Windows-1252.*ligne 3"):
        read_table(p)


def test_french_csv_with_semicolon_and_decimal_comma(tmp_path):
    p = write_csv(tmp_path, "y_true;y_score\n1;0,8\n0;0,1\n1;0,6\n0;0,7\n")
    res = evaluate_file(str(p), score="y_score", n_bootstrap=0)
    assert res["overall"]["metrics"]["roc_auc"]["value"] == 0.75


def test_progress_is_reported():
    calls: list[tuple[float, str]] = []
    evaluate(
        small_df(),
        pred="y_pred",
        score="y_score",
        groups=["sexe"],
        n_bootstrap=20,
        progress=lambda f, s: calls.append((f, s)),
    )
    fractions = [c[0] for c in calls]
    assert fractions[0] == 0.0 and fractions[-1] == 1.0 and fractions == sorted(fractions)
    assert all(isinstance(s, str) and s for _, s in calls)


def test_small_groups_are_flagged_not_hidden():
    df = small_df(100).with_columns(pl.Series("g", ["rare"] * 5 + ["courant"] * 95))
    res = evaluate(df, pred="y_pred", groups=["g"], n_bootstrap=50, min_group_size=30)
    rare = next(e for e in res["groupings"][0]["groups"] if e["key"] == ["rare"])
    assert rare["small"] is True and rare["metrics"]["accuracy"]["value"] is not None
    assert any("Effectif faible" in s and "« rare » (5)" in s for s in reading_fr(res))


def test_reading_sentence_on_a_clear_gap():
    rng = np.random.default_rng(1)
    n = 4000
    sex = rng.choice(["F", "M"], n)
    y = rng.integers(0, 2, n)
    miss = np.where(sex == "F", 0.45, 0.30)  # recall F ≈ 55 %, M ≈ 70 %
    pred = np.where(y == 1, (rng.random(n) > miss).astype(int), (rng.random(n) < 0.1).astype(int))
    res = evaluate({"y_true": y, "y_pred": pred, "sex": sex}, pred="y_pred", groups=["sex"], n_bootstrap=300)
    sentences = reading_fr(res)
    assert any(
        s.startswith("Le rappel du groupe « F » est inférieur de ")
        and "à celui du groupe « M » ; l'intervalle à 95 % exclut zéro." in s
        for s in sentences
    ), sentences


def test_html_report_is_self_contained_and_accessible():
    res = evaluate_file(
        str(DEMO), pred="y_pred", score="y_score", groups=["sex", "age_band"], date="date", n_bootstrap=50
    )
    html = render_html(res)
    assert html.startswith("<!DOCTYPE html>") and 'lang="fr"' in html
    assert "<script" not in html and "http://" not in html and "https://" not in html
    n_svg = html.count("<svg")
    assert n_svg >= 5
    assert (
        html.count('role="img"') == n_svg
        and html.count("<desc") == n_svg
        and html.count("<title") == n_svg + 1
    )
    assert html.count("<table>") >= n_svg
    assert "Diagramme de fiabilité" in html and "Courbes ROC" in html
    # French formatting: counts with a narrow no-break space, acronyms kept upper-case
    assert "\u202f" in html and "AUC ROC" in html and "Auc roc" not in html
    # the rotated y-axis label sits left of the plot, which is shifted right by the same margin
    assert 'transform="rotate(-90 -7 ' in html and 'transform="translate(16 0)"' in html


def test_cli_json_html_and_errors(tmp_path, capsys):
    out = tmp_path / "r.json"
    code = cli_main(
        [
            str(DEMO),
            "--pred",
            "y_pred",
            "--score",
            "y_score",
            "--group",
            "sex",
            "--bootstrap",
            "50",
            "--output",
            str(out),
        ]
    )
    assert code == 0
    res = json.loads(out.read_text(encoding="utf-8"))
    assert res["schema_version"] == SCHEMA_VERSION and res["parameters"]["bootstrap"]["n_resamples"] == 50
    assert (
        cli_main(
            [
                str(DEMO),
                "--pred",
                "y_pred",
                "--group",
                "sex",
                "--bootstrap",
                "0",
                "--format",
                "html",
                "-o",
                str(tmp_path / "r.html"),
            ]
        )
        == 0
    )
    assert (tmp_path / "r.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    capsys.readouterr()
    assert cli_main([str(DEMO), "--pred", "y_prd", "--group", "sex"]) == 2
    err = capsys.readouterr().err
    assert "« y_prd »" in err and "Vouliez-vous dire « y_pred »" in err


def test_cli_entry_point_subprocess_and_cheap_import(tmp_path):
    r = subprocess.run(
        [sys.executable, "-m", "atlasia.cli", "evaluate", str(tmp_path / "absent.csv"), "--pred", "y_pred"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert r.returncode == 2 and "introuvable" in r.stderr
    code = "import sys, atlasia.core.evaluation.cli; print('numpy' in sys.modules, 'polars' in sys.modules)"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert r.stdout.split() == ["False", "False"]


def test_no_django_in_engine():
    code = (
        "import sys, atlasia.core.evaluation as e; e.evaluate; e.render_html; e.reading_fr; "
        "import atlasia.core.evaluation.drift, atlasia.core.evaluation.cli; "
        "print(any(m.startswith('django') for m in sys.modules))"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert r.stdout.strip() == "False", r.stderr


@pytest.mark.parametrize("sparse", [False, True])
def test_group_encodings_count_like_a_per_row_reference(sparse):
    """Counts come from raw codes (Enum physical codes with unused categories, integers with negative
    values, booleans, strings): same groups, labels in sorted order and counts as a per-row reference."""
    rng = np.random.default_rng(3)
    n = 3000
    # sparse: too many raw combinations (wide integer range, large Enum): columns encoded one by one
    big = [f"c{i:03d}" for i in range(400 if sparse else 40)]
    ints = [-7, 3, 100_000] if sparse else [-7, 3, 11]
    df = pl.DataFrame(
        {
            "y_true": rng.integers(0, 2, n),
            "y_pred": rng.random(n) < 0.4,
            "g_enum": pl.Series(rng.choice(["q", "p"], n)).cast(pl.Enum(["q", "r", "p"])),
            "g_big_enum": pl.Series(rng.choice(big[-10:], n)).cast(pl.Enum(big)),
            "g_int": rng.choice(ints, n).astype(np.int16 if not sparse else np.int64),
            "g_bool": rng.random(n) < 0.5,
            "g_str": rng.choice(["é", "e", "Z"], n),
        }
    )
    cols = ["g_enum", "g_big_enum", "g_int", "g_bool", "g_str"]
    res = evaluate(df, pred="y_pred", groups=cols, n_bootstrap=0, intersections=False)
    yt = df["y_true"].to_numpy()
    yp = df["y_pred"].to_numpy().astype(int)
    for col, grouping in zip(cols, res["groupings"], strict=True):
        values = df[col].cast(pl.String) if df[col].dtype != pl.Boolean else df[col].cast(pl.Int8)
        raw = values.to_numpy()
        if df[col].dtype.is_integer() or df[col].dtype == pl.Boolean:
            expected = [str(v) for v in np.unique(raw.astype(np.int64))]
        else:
            expected = sorted(set(raw.tolist()))
        assert [g["key"][0] for g in grouping["groups"]] == expected
        for g in grouping["groups"]:
            rows = raw.astype(str) == g["key"][0]
            c = g["confusion"]
            assert c["tp"] == int(((yt == 1) & (yp == 1) & rows).sum())
            assert c["fp"] == int(((yt == 0) & (yp == 1) & rows).sum())
            assert c["fn"] == int(((yt == 1) & (yp == 0) & rows).sum())
            assert c["tn"] == int(((yt == 0) & (yp == 0) & rows).sum())
