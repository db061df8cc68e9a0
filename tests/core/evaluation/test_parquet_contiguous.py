"""Parquet files are read into preallocated contiguous arrays, a slice of rows at a time (issue #19,
peak memory at 10 M rows): same values and types as Polars' own read, text group columns read as codes,
the same results and the same messages on bad input."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest

from atlasia.core.evaluation import EvaluationInputError, evaluate, evaluate_file, memory, read_table
from atlasia.core.evaluation import io as eval_io

N = 500
ROW_GROUP = 37  # rows per row group: 14 row groups, the last one short


@pytest.fixture(autouse=True)
def small_slices(monkeypatch):
    """Slices of 64 rows: a slice spans parts of two or three row groups, and there are several."""
    monkeypatch.setattr(eval_io, "PARQUET_SLICE_ROWS", 64)


def frame(n: int = N) -> pl.DataFrame:
    rng = np.random.default_rng(7)
    regions = [f"R{i:02d}" for i in range(12)]
    return pl.DataFrame(
        {
            "y_true": rng.integers(0, 2, n).astype(np.int32),
            "y_pred": rng.integers(0, 2, n).astype(np.int8),
            "y_score": rng.random(n).astype(np.float32),
            "y_score64": rng.random(n),
            "sex": pl.Series(rng.choice(["F", "M"], n)).cast(pl.Enum(["M", "F", "X"])),
            "region": rng.choice(regions, n),  # text, not dictionary-typed
            "age": rng.integers(18, 90, n).astype(np.int16),
            "flag": rng.random(n) < 0.5,
        }
    )


def write(tmp_path: Path, df: pl.DataFrame, name: str = "p.parquet") -> Path:
    p = tmp_path / name
    df.write_parquet(p, row_group_size=ROW_GROUP)
    return p


def test_multi_row_group_file_is_filled_slice_by_slice(tmp_path, monkeypatch):
    df = frame()
    p = write(tmp_path, df)
    import pyarrow.parquet as pq

    assert pq.ParquetFile(p).metadata.num_row_groups == -(-N // ROW_GROUP)
    fills: dict[str, list[int]] = {}
    fill = eval_io._ContiguousColumn.fill

    def spy(self, offset, s):
        fills.setdefault(self.name, []).append(offset)
        return fill(self, offset, s)

    monkeypatch.setattr(eval_io._ContiguousColumn, "fill", spy)
    out = read_table(p)
    # every numeric and Enum column was copied slice by slice into its array (booleans and text that is
    # not a group column are read whole by Polars, as before)
    assert sorted(fills) == ["age", "sex", "y_pred", "y_score", "y_score64", "y_true"]
    assert all(offsets == list(range(0, N, 64)) for offsets in fills.values())
    assert out.schema == df.schema  # same types as the file's: int32, float32, Enum…
    assert out.equals(df)
    for name in out.columns:
        assert out.get_column(name).n_chunks() == 1
    arrays = {c: out.get_column(c).to_numpy() for c in ("y_true", "y_pred", "y_score", "age")}
    assert {c: a.dtype for c, a in arrays.items()} == {
        "y_true": np.int32,
        "y_pred": np.int8,
        "y_score": np.float32,
        "age": np.int16,
    }
    assert all(a.flags.c_contiguous for a in arrays.values())
    # the frame wraps the arrays filled: the codes of the Enum column are the file's
    codes = out.get_column("sex").to_physical().to_numpy()
    assert codes.dtype == np.uint8
    assert codes.tolist() == df.get_column("sex").to_physical().to_list()


def test_text_group_column_is_read_as_codes(tmp_path):
    df = frame()
    p = write(tmp_path, df)
    out = read_table(p, columns=["y_true", "region"], group_columns=["region"])
    region = out.get_column("region")
    assert isinstance(region.dtype, pl.Enum)
    assert region.to_physical().to_numpy().dtype == np.uint8
    assert region.cast(pl.String).to_list() == df.get_column("region").to_list()
    # without the hint (e.g. a reference file for drift) the column stays text, as Polars reads it
    assert read_table(p, columns=["region"]).get_column("region").dtype == pl.String
    # a CSV file is read as before
    csv = tmp_path / "p.csv"
    df.select("y_true", "region").write_csv(csv)
    assert read_table(csv, group_columns=["region"]).get_column("region").dtype == pl.String


def test_more_than_255_group_values_widen_the_codes(tmp_path):
    n = 2000
    labels = [f"v{i:04d}" for i in range(300)]
    df = pl.DataFrame({"y_true": np.arange(n) % 2, "g": [labels[i % 300] for i in range(n)]})
    p = write(tmp_path, df)
    out = read_table(p, group_columns=["g"])
    assert out.get_column("g").cast(pl.String).to_list() == df.get_column("g").to_list()
    assert out.get_column("g").to_physical().to_numpy().dtype == np.uint16


@pytest.mark.parametrize("auc_intervals", ["delong", "bootstrap"])
def test_same_results_as_the_frame_read_by_polars(tmp_path, auc_intervals):
    """The file read slice by slice (Enum and text groups as codes, cells computed per block) gives
    the same evaluation as the same table in memory with text group columns."""
    df = frame(3000)
    p = write(tmp_path, df)
    kwargs = dict(
        pred="y_pred",
        score="y_score64",
        groups=["sex", "region"],
        n_bootstrap=50,
        auc_intervals=auc_intervals,
    )
    from_file = evaluate_file(str(p), **kwargs)
    in_memory = evaluate(df.with_columns(pl.col("sex").cast(pl.String)), **kwargs)
    from_file.pop("timing_seconds")
    in_memory.pop("timing_seconds")
    assert from_file == in_memory


def test_regression_with_groups_read_as_codes(tmp_path):
    df = frame(800)
    p = write(tmp_path, df)
    kwargs = dict(
        target="y_score64", pred="y_score", groups=["sex", "region"], task="regression", n_bootstrap=20
    )
    from_file = evaluate_file(str(p), **kwargs)
    in_memory = evaluate(df.with_columns(pl.col("sex").cast(pl.String)), **kwargs)
    from_file.pop("timing_seconds")
    in_memory.pop("timing_seconds")
    assert from_file == in_memory


def test_missing_column_is_named(tmp_path):
    p = write(tmp_path, frame())
    with pytest.raises(EvaluationInputError) as e:
        evaluate_file(str(p), pred="y_pred", score="y_scor", groups=["sex"])
    assert "« y_scor » (score) est introuvable" in str(e.value)
    assert "Vouliez-vous dire « y_score »" in str(e.value)
    assert e.value.column == "y_scor"


def test_nulls_are_reported_with_their_rows(tmp_path):
    df = frame()
    rows = [3, 100, 401]  # in three different row groups and slices
    nulled = df.with_columns(
        pl.when(pl.int_range(pl.len()).is_in(rows)).then(None).otherwise(pl.col(c)).alias(c)
        for c in ("y_score64", "region", "sex")
    )
    p = write(tmp_path, nulled)
    with pytest.raises(EvaluationInputError) as e:
        evaluate_file(str(p), pred="y_pred", score="y_score64", n_bootstrap=0)
    assert "« y_score64 » (score) contient 3 valeur(s) manquante(s)" in str(e.value)
    assert e.value.rows == [r + 1 for r in rows]  # 1-based row numbers of a Parquet file
    for group in ("region", "sex"):
        with pytest.raises(EvaluationInputError) as e:
            evaluate_file(str(p), pred="y_pred", groups=[group], n_bootstrap=0)
        assert f"« {group} » (groupe)" in str(e.value) and "manquante" in str(e.value)
        assert e.value.rows == [r + 1 for r in rows]


def test_non_numeric_scores_are_named(tmp_path):
    df = frame().with_columns(pl.col("y_score64").cast(pl.String))
    df = df.with_columns(
        pl.when(pl.int_range(pl.len()) == 250)
        .then(pl.lit("abc"))
        .otherwise(pl.col("y_score64"))
        .alias("y_score64")
    )
    p = write(tmp_path, df)
    with pytest.raises(EvaluationInputError) as e:
        evaluate_file(str(p), pred="y_pred", score="y_score64", n_bootstrap=0)
    assert "« y_score64 » (score) doit être numérique : valeur « abc » trouvée (ligne 251)" in str(e.value)


def test_an_identifier_used_as_group_is_refused(tmp_path):
    n = 1500
    df = pl.DataFrame({"y_true": np.arange(n) % 2, "id": [f"id{i}" for i in range(n)]})
    p = write(tmp_path, df)
    # the count is written with the French thousands separator (a narrow no-break space)
    with pytest.raises(EvaluationInputError, match="« id » a 1\u202f500 valeurs distinctes"):
        evaluate_file(str(p), pred="y_true", groups=["id"], n_bootstrap=0)


def test_empty_parquet_file(tmp_path):
    p = write(tmp_path, frame().head(0))
    with pytest.raises(EvaluationInputError, match="aucune ligne"):
        read_table(p)


def test_release_is_safe_to_call():
    memory.release()
    memory.release()


@pytest.mark.parametrize(
    ("inherited", "expected"),
    [
        (None, "dirty_decay_ms:0,muzzy_decay_ms:0"),
        # Polars' own default, written by a parent process that imported Polars: ours is appended
        (
            "dirty_decay_ms:500,muzzy_decay_ms:1000",
            "dirty_decay_ms:500,muzzy_decay_ms:1000,dirty_decay_ms:0,muzzy_decay_ms:0",
        ),
        ("narenas:2", "narenas:2"),  # the operator's own setting is kept
    ],
)
def test_polars_allocator_returns_freed_pages_at_once(inherited, expected):
    """The peak memory of an evaluation depends on Polars' jemalloc giving freed pages back at once;
    a process started by one that imported Polars inherits Polars' default (keep them 0.5 s)."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "_RJEM_MALLOC_CONF"}
    if inherited is not None:
        env["_RJEM_MALLOC_CONF"] = inherited
    out = subprocess.run(
        [sys.executable, "-c", "import os, atlasia; print(os.environ['_RJEM_MALLOC_CONF'])"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == expected
