"""Reading and validating prediction tables (CSV or Parquet) with Polars.

Every problem with the input is reported as an :class:`EvaluationInputError` whose message, in French,
names the column and the first offending rows, so that a non-specialist can fix the file.

Row numbers in messages are *line numbers of the file* for CSV (the header is line 1, the first data
row line 2) and 1-based row numbers otherwise (Parquet, in-memory tables).
"""

from __future__ import annotations

import difflib
import io
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from atlasia.core.messages import Message, mb, n, quoted

from .messages import MAX_ROWS_IN_MESSAGE, input_error, role, rows_phrase

__all__ = [
    "DEFAULT_MAX_BYTES",
    "EncodedGroup",
    "EvaluationInputError",
    "PreparedTable",
    "RawGroup",
    "encode_group",
    "prepare_table",
    "read_table",
]

DEFAULT_MAX_BYTES = 2 * 1024**3  # 2 GiB
MAX_GROUP_VALUES = 1000

_TRUE_WORDS = {"1", "true", "vrai", "oui", "yes", "t", "o", "y"}
_FALSE_WORDS = {"0", "false", "faux", "non", "no", "f", "n"}


class EvaluationInputError(ValueError):
    """Invalid input for the evaluation engine; ``str(error)`` is a French message for the user, and
    ``text`` (made by :func:`.messages.input_error`) the same as a code and parameters, which the screens
    render in the reader's language."""

    text: Message | None = None

    def __init__(self, message: str, *, column: str | None = None, rows: list[int] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.column = column
        self.rows = list(rows or [])


def _fmt_value(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# --------------------------------------------------------------------------------------------- reading


def _line_of_offset(raw: bytes, offset: int) -> int:
    return raw.count(b"\n", 0, offset) + 1


def _sniff_separator(text_head: str) -> str:
    first = text_head.split("\n", 1)[0]
    counts = {sep: first.count(sep) for sep in (",", ";", "\t", "|")}
    best = max(counts, key=lambda s: counts[s])
    return best if counts[best] > 0 else ","


def read_table(
    path: str | os.PathLike[str],
    *,
    max_bytes: int | None = DEFAULT_MAX_BYTES,
    columns: list[str] | None = None,
    group_columns: Sequence[str] = (),
) -> pl.DataFrame:
    """Read a CSV (UTF-8, or Windows-1252 as a fallback; ``,`` ``;`` or tab separated) or Parquet file.

    Raises :class:`EvaluationInputError` for a missing, empty, too large or badly encoded file.
    The attribute ``read_warnings`` is not available on DataFrames, so encoding fallbacks are reported
    through :func:`read_table_with_notes`.
    """
    return read_table_with_notes(path, max_bytes=max_bytes, columns=columns, group_columns=group_columns)[0]


def read_table_with_notes(
    path: str | os.PathLike[str],
    *,
    max_bytes: int | None = DEFAULT_MAX_BYTES,
    columns: list[str] | None = None,
    group_columns: Sequence[str] = (),
) -> tuple[pl.DataFrame, list[str]]:
    """Like :func:`read_table`, also returning French notes (e.g. « fichier lu en Windows-1252 »).

    ``group_columns``: columns used as groups. In a Parquet file, such a text column is read as an
    ``Enum`` (its dictionary codes, no string per row); CSV files are read as before.
    """
    p = Path(path)
    notes: list[str] = []
    if not p.exists():
        raise input_error("eval.file_not_found", name=str(p))
    size = p.stat().st_size
    if size == 0:
        raise input_error("eval.file_empty", name=p.name)
    if max_bytes is not None and size > max_bytes:
        raise input_error("eval.file_too_large", name=p.name, size=mb(size), limit=mb(max_bytes))
    suffix = p.suffix.lower()
    if suffix in {".parquet", ".pq"}:
        try:
            df = _read_parquet_contiguous(p, columns, group_columns)
        except Exception as exc:
            raise input_error("eval.parquet_unreadable", name=p.name, error=type(exc).__name__) from exc
    else:
        df = _read_csv(p, notes, columns)
    if df.height == 0:
        raise input_error("eval.no_data_rows", name=p.name)
    # A Parquet file is read as one chunk per row group; NumPy needs contiguous columns, so each
    # ``to_numpy`` would copy the whole column while the frame keeps its chunks (twice the columns in
    # memory). Rechunking column by column (no other reference to the frame) holds at most one extra
    # column at a time.
    for name in df.columns:
        if df.get_column(name).n_chunks() > 1:
            df = df.with_columns(df.get_column(name).rechunk())
    return df, notes


#: Rows read at a time from a Parquet file (about 13 MiB for the columns of an evaluation).
PARQUET_SLICE_ROWS = 1 << 20


def _read_parquet_contiguous(
    p: Path, columns: list[str] | None, group_columns: Sequence[str] = ()
) -> pl.DataFrame:
    """Read Parquet columns straight into preallocated contiguous NumPy arrays, a slice of rows at a time.

    Each numeric column (integers, floats) and each text column read as codes (a Polars ``Enum``, or
    a text column named in ``group_columns``) gets one array of the file's row count, allocated once;
    the file is then read ``PARQUET_SLICE_ROWS`` rows at a time (Polars reads only the row groups of
    the slice, and only the wanted columns), each slice copied into its place in those arrays and
    freed. So no full-length temporary copy of a column exists beside its final array: reading whole
    columns (one chunk per row group) and then making them contiguous for NumPy held a column twice,
    and what the allocators gave back afterwards varied from run to run. The read now peaks at the
    columns plus one slice. A text group column is turned into codes slice by slice, onto one list of
    categories that grows as values appear (an ``Enum``), so no full-length string array is built.
    The Polars frame wraps the arrays without copying them.

    A column that does not fit (another type, nulls, a text column with more distinct values than a
    group may have…) is read whole by Polars on its own, as before, so that :func:`prepare_table`
    reports it in the same words (column and rows).
    """
    schema = pl.read_parquet_schema(p)
    names = list(schema) if columns is None else list(columns)
    missing = [c for c in names if c not in schema]
    if missing:  # let Polars raise its own error on a missing column
        return pl.read_parquet(p, columns=columns)
    n_rows = int(pl.scan_parquet(p).select(pl.len()).collect().item())  # from the file's metadata
    cols: dict[str, _ContiguousColumn] = {}
    if n_rows > 0:
        for name in names:
            col = _ContiguousColumn.plan(name, schema[name], name in group_columns, n_rows)
            if col is not None:
                cols[name] = col
    scan = pl.scan_parquet(p)
    offset = 0
    while offset < n_rows:
        live = [c.name for c in cols.values() if not c.failed]
        if not live:
            break
        part = scan.select(live).slice(offset, PARQUET_SLICE_ROWS).collect()
        if part.height == 0:
            break
        for name in live:
            cols[name].fill(offset, part.get_column(name))
        offset += part.height
        del part
    read: dict[str, pl.Series] = {}
    for name in list(cols):
        col = cols.pop(name)  # an array that did not fit is freed before Polars reads its column
        series = None if col.failed or offset != n_rows else col.series()
        if series is not None:
            read[name] = series
        del col, series
    for name in names:
        if name not in read:
            series = pl.read_parquet(p, columns=[name]).to_series()
            read[name] = series.rechunk() if series.n_chunks() > 1 else series
            del series
    return pl.DataFrame([read[n] for n in names])


def _enum_code_type(categories: list[str]) -> np.dtype[Any]:
    """NumPy type of the physical codes of an ``Enum`` of these categories (UInt8 up to 255 of them)."""
    return pl.Series([], dtype=pl.Enum(categories)).to_physical().to_numpy().dtype


class _ContiguousColumn:
    """One Parquet column read into a preallocated array (see :func:`_read_parquet_contiguous`)."""

    def __init__(self, name: str, out: np.ndarray, dtype: Any, categories: list[str] | None = None):
        self.name = name
        self.out = out
        self.dtype = dtype  # of the Polars column read
        self.categories = categories  # text read as codes: the value of each code
        self.failed = False

    @classmethod
    def plan(cls, name: str, dtype: Any, as_group: bool, n: int) -> _ContiguousColumn | None:
        """The array for this column, or ``None`` if it is to be read whole by Polars."""
        if dtype.is_integer() or dtype in (pl.Float32, pl.Float64):
            return cls(name, np.empty(n, dtype=pl.Series([], dtype=dtype).to_numpy().dtype), dtype)
        if isinstance(dtype, pl.Enum):
            categories = list(dtype.categories.to_list())
            return cls(name, np.empty(n, dtype=_enum_code_type(categories)), dtype, categories)
        if as_group and (dtype == pl.String or isinstance(dtype, pl.Categorical)):
            return cls(name, np.empty(n, dtype=np.uint8), dtype, [])
        return None

    def fill(self, offset: int, s: pl.Series) -> None:
        """Copy one slice of the column into the array from ``offset``."""
        if self.failed or s.null_count() or s.dtype != self.dtype:
            self.failed = True
            return
        if isinstance(self.dtype, pl.Enum):
            s = s.to_physical()
        elif self.categories is not None:  # text: codes among the values seen so far
            s = s.cast(pl.String)
            seen = set(self.categories)
            new = [v for v in s.unique().to_list() if v not in seen]
            if len(self.categories) + len(new) > MAX_GROUP_VALUES:
                self.failed = True  # an identifier, not a group: Polars reads it, encode_group says so
                return
            self.categories += sorted(new)
            s = s.cast(pl.Enum(self.categories)).to_physical()
            if np.iinfo(self.out.dtype).max < len(self.categories) - 1:
                self.out = self.out.astype(np.uint16)  # more than 256 values (a group has at most 1,000)
        self.out[offset : offset + s.len()] = s.to_numpy()

    def series(self) -> pl.Series | None:
        """The Polars column over the array (no copy), or ``None`` to read it with Polars."""
        if self.categories is None:
            return pl.Series(self.name, self.out)
        enum = self.dtype if isinstance(self.dtype, pl.Enum) else pl.Enum(self.categories)
        codes = self.out
        if codes.dtype != _enum_code_type(self.categories):
            codes = codes.astype(_enum_code_type(self.categories))
        try:
            return pl.Series(self.name, codes).cat.to(enum)  # the codes as they are, checked
        except Exception:  # e.g. another version of Polars: the column is read whole
            return None


def _read_csv(p: Path, notes: list[str], columns: list[str] | None) -> pl.DataFrame:
    raw = p.read_bytes()
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    head = raw[:65536].decode("utf-8", errors="replace")
    if not head.strip():
        raise input_error("eval.file_empty", name=p.name)
    sep = _sniff_separator(head)
    try:
        return _polars_csv(raw, sep, columns, p)
    except pl.exceptions.ComputeError as exc:
        if "utf-8" not in str(exc).lower() and "utf8" not in str(exc).lower():
            raise input_error("eval.csv_unreadable", name=p.name, detail=str(exc).splitlines()[0]) from exc
    # Not UTF-8: locate the first bad byte, then try Windows-1252 (Excel's default on French Windows).
    try:
        raw.decode("utf-8")
        bad_line = 1
    except UnicodeDecodeError as exc:
        bad_line = _line_of_offset(raw, exc.start)
    try:
        text = raw.decode("cp1252")
    except UnicodeDecodeError as exc:
        line = _line_of_offset(raw, exc.start)
        raise input_error("eval.encoding", rows=[line], name=p.name, line=line) from exc
    notes.append(
        f"Le fichier « {p.name} » n'est pas en UTF-8 (premier caractère non UTF-8 à la ligne {bad_line}) : "
        "il a été lu en Windows-1252. Vérifiez les accents ou enregistrez-le en « CSV UTF-8 »."
    )
    return _polars_csv(text.encode("utf-8"), sep, columns, p)


def _polars_csv(data: bytes, sep: str, columns: list[str] | None, p: Path) -> pl.DataFrame:
    try:
        df = pl.read_csv(
            io.BytesIO(data),
            separator=sep,
            decimal_comma=(sep == ";"),
            infer_schema_length=10000,
            try_parse_dates=False,
            columns=columns,
        )
    except pl.exceptions.NoDataError as exc:
        raise input_error("eval.file_empty", name=p.name) from exc
    except pl.exceptions.ComputeError:
        raise
    except Exception as exc:
        raise input_error("eval.csv_unreadable", name=p.name, detail=str(exc).splitlines()[0]) from exc
    df.columns = [c.strip() for c in df.columns]
    return df


# ------------------------------------------------------------------------------------------ validation


@dataclass
class EncodedGroup:
    """One group column encoded as integer codes ``0..len(labels)-1`` in sorted label order."""

    name: str
    codes: np.ndarray
    labels: list[str]


@dataclass
class RawGroup:
    """A group column as cheap *raw* codes ``0..len(raw_labels)-1``, not yet in sorted label order.

    Raw codes are what the column already holds (an ``Enum``'s physical codes, an integer column minus
    its minimum), so no pass over the rows is spent on remapping them: the engine counts rows per raw
    code combination first and derives the values actually present, in sorted order, from those
    counts. ``ordered``: raw codes already follow the sort order (integers sort as numbers, as
    ``np.unique`` does, not as their labels); ``exact``: the raw codes already are the sorted codes of
    the values present (String columns, encoded by Polars).
    """

    name: str
    raw: np.ndarray
    raw_labels: list[str]
    ordered: bool = False
    exact: bool = False

    def encode(self) -> EncodedGroup:
        """Sorted-order codes of the values present (one presence count and one gather)."""
        if self.exact:
            return EncodedGroup(self.name, self.raw, self.raw_labels)
        present = np.bincount(self.raw.astype(np.intp, copy=False), minlength=len(self.raw_labels)) > 0
        sel, labels = present_order(self.raw_labels, present, self.ordered)
        _check_group_cardinality(self.name, len(labels))
        lut = np.full(len(self.raw_labels), -1, dtype=np.int32)
        lut[sel] = np.arange(sel.size, dtype=np.int32)
        return EncodedGroup(self.name, lut[self.raw], labels)


def present_order(
    raw_labels: list[str], present: np.ndarray, ordered: bool = False
) -> tuple[np.ndarray, list[str]]:
    """Raw codes of the values present, in sorted order (raw order if ``ordered``), and their labels."""
    used = np.flatnonzero(present)
    if ordered or used.size == 0:
        sel = used
    else:
        sel = used[sorted(range(used.size), key=lambda i: raw_labels[used[i]])]
    return sel, [raw_labels[i] for i in sel.tolist()]


@dataclass
class PreparedTable:
    """Validated NumPy columns ready for the engine."""

    n: int
    y_true: np.ndarray | None = None
    y_pred: np.ndarray | None = None
    y_score: np.ndarray | None = None
    groups: list[EncodedGroup] = field(default_factory=list)
    raw_groups: list[RawGroup] = field(default_factory=list)  # instead of ``groups`` (``raw_groups=True``)
    month: np.ndarray | None = None  # year * 12 + month - 1
    month_labels: list[str] = field(default_factory=list)


def _row_offset(source_is_csv: bool) -> int:
    return 2 if source_is_csv else 1


def _check_column(df: pl.DataFrame, name: str, kind: str) -> pl.Series:
    if name in df.columns:
        return df.get_column(name)
    lowered = {c.lower().strip(): c for c in df.columns}
    if name.lower().strip() in lowered:
        hint: str | None = lowered[name.lower().strip()]
    else:
        close = difflib.get_close_matches(name, df.columns, n=1, cutoff=0.5)
        hint = close[0] if close else None
    available = quoted(df.columns[:20])
    if hint is None:
        raise input_error("eval.column_missing", column=name, name=name, role=role(kind), available=available)
    raise input_error(
        "eval.column_missing_hint", column=name, name=name, role=role(kind), close=hint, available=available
    )


def _bad_rows(mask: np.ndarray, offset: int) -> tuple[list[int], int]:
    idx = np.flatnonzero(mask)
    return [int(i) + offset for i in idx[:MAX_ROWS_IN_MESSAGE]], int(idx.size)


def _check_nulls(s: pl.Series, kind: str, offset: int) -> None:
    nulls = s.null_count()
    nan_mask: np.ndarray | None = None
    if s.dtype.is_float():
        nan_count = int(s.is_nan().sum() or 0)
        if nan_count:
            nan_mask = s.is_nan().fill_null(True).to_numpy()
    if nulls == 0 and nan_mask is None:
        return
    mask = s.is_null().to_numpy()
    if nan_mask is not None:
        mask = mask | nan_mask
    rows, total = _bad_rows(mask, offset)
    raise input_error(
        "eval.nulls",
        column=s.name,
        rows=rows,
        name=s.name,
        role=role(kind),
        count=n(total),
        lines=rows_phrase(rows, total),
    )


def _to_binary(s: pl.Series, kind: str, offset: int) -> np.ndarray:
    _check_nulls(s, kind, offset)
    dtype = s.dtype
    if dtype == pl.Boolean:
        return s.to_numpy().astype(np.int8, copy=False)
    if dtype.is_numeric():
        arr = s.to_numpy()
        if arr.dtype.kind in "iu":
            ok = (arr.min() >= 0) and (arr.max() <= 1)
            if ok:
                return arr.astype(np.int8, copy=False)
            bad = (arr != 0) & (arr != 1)
        else:
            bad = (arr != 0.0) & (arr != 1.0)
            if not bad.any():
                return arr.astype(np.int8)
        rows, total = _bad_rows(bad, offset)
        first = _fmt_value(arr[np.flatnonzero(bad)[0]].item())
        raise input_error(
            "eval.binary_value",
            column=s.name,
            rows=rows,
            name=s.name,
            role=role(kind),
            value=first,
            lines=rows_phrase(rows, total),
        )
    if dtype in (pl.String, pl.Categorical) or isinstance(dtype, pl.Enum):
        low = s.cast(pl.String).str.strip_chars().str.to_lowercase()
        is_true = low.is_in(list(_TRUE_WORDS))
        is_false = low.is_in(list(_FALSE_WORDS))
        bad = ~(is_true | is_false)
        if bad.any():
            badn = bad.to_numpy()
            rows, total = _bad_rows(badn, offset)
            first = s.gather([int(np.flatnonzero(badn)[0])]).item()
            raise input_error(
                "eval.binary_word",
                column=s.name,
                rows=rows,
                name=s.name,
                role=role(kind),
                value=str(first),
                lines=rows_phrase(rows, total),
            )
        return is_true.to_numpy().astype(np.int8)
    raise input_error("eval.binary_type", column=s.name, name=s.name, role=role(kind), dtype=str(dtype))


def _to_float(s: pl.Series, kind: str, offset: int, unit_interval: bool) -> np.ndarray:
    if not s.dtype.is_numeric():
        if s.dtype == pl.String:
            conv = s.str.strip_chars().str.replace(",", ".", literal=True).cast(pl.Float64, strict=False)
            bad = conv.is_null() & s.is_not_null()
            if bad.any():
                badn = bad.to_numpy()
                rows, total = _bad_rows(badn, offset)
                first = s.gather([int(np.flatnonzero(badn)[0])]).item()
                raise input_error(
                    "eval.numeric_value",
                    column=s.name,
                    rows=rows,
                    name=s.name,
                    role=role(kind),
                    value=str(first),
                    lines=rows_phrase(rows, total),
                )
            s = conv.rename(s.name)
        else:
            raise input_error(
                "eval.numeric_type", column=s.name, name=s.name, role=role(kind), dtype=str(s.dtype)
            )
    _check_nulls(s, kind, offset)
    arr = s.to_numpy().astype(np.float64, copy=False)
    if not np.isfinite(arr).all():
        rows, total = _bad_rows(~np.isfinite(arr), offset)
        raise input_error(
            "eval.infinite",
            column=s.name,
            rows=rows,
            name=s.name,
            role=role(kind),
            lines=rows_phrase(rows, total),
        )
    if unit_interval and (arr.min() < 0.0 or arr.max() > 1.0):
        outside = (arr < 0.0) | (arr > 1.0)
        rows, total = _bad_rows(outside, offset)
        first = _fmt_value(float(arr[np.flatnonzero(outside)[0]]))
        raise input_error(
            "eval.probability",
            column=s.name,
            rows=rows,
            name=s.name,
            role=role(kind),
            count=n(total),
            value=first,
            lines=rows_phrase(rows, total),
        )
    return arr


def encode_group(s: pl.Series, offset: int = 1) -> EncodedGroup:
    """Encode a group column to integer codes in sorted label order (as ``np.unique`` would)."""
    name = s.name
    _check_nulls(s, "groupe", offset)
    dtype = s.dtype
    if dtype == pl.Boolean:
        s = s.cast(pl.Int8)
        dtype = s.dtype
    if dtype.is_integer():
        arr = s.to_numpy()
        lo, hi = int(arr.min()), int(arr.max())
        if hi - lo <= 4 * MAX_GROUP_VALUES:
            shifted = (arr - lo).astype(np.intp, copy=False) if lo != 0 else arr.astype(np.intp, copy=False)
            present = np.bincount(shifted, minlength=hi - lo + 1) > 0
            values = np.flatnonzero(present)
            _check_group_cardinality(name, int(values.size))
            lut = np.cumsum(present) - 1
            codes = lut[shifted].astype(np.int32)
            return EncodedGroup(name, codes, [str(v + lo) for v in values])
        uniq, inv = np.unique(arr, return_inverse=True)
        _check_group_cardinality(name, int(uniq.size))
        return EncodedGroup(name, inv.astype(np.int32), [str(v) for v in uniq])
    if isinstance(dtype, pl.Categorical):
        s = s.cast(pl.String)
        dtype = s.dtype
    if isinstance(dtype, pl.Enum):
        # Enum: physical codes index the declared categories; remap them to sorted order
        phys = s.to_physical().to_numpy()
        cat_list = list(dtype.categories.to_list())
        present = np.bincount(phys.astype(np.intp, copy=False), minlength=len(cat_list)) > 0
        used = [c for c, p in zip(cat_list, present, strict=True) if p]
        _check_group_cardinality(name, len(used))
        order = sorted(range(len(used)), key=lambda i: used[i])
        labels = [used[i] for i in order]
        rank = {lab: i for i, lab in enumerate(labels)}
        lut = np.full(len(cat_list), -1, dtype=np.int32)
        for i, c in enumerate(cat_list):
            if c in rank:
                lut[i] = rank[c]
        return EncodedGroup(name, lut[phys], labels)
    if dtype != pl.String:
        s = s.cast(pl.String)
    uniq_s = s.unique()
    _check_group_cardinality(name, uniq_s.len())
    labels = sorted(uniq_s.to_list())
    codes = s.cast(pl.Enum(labels)).to_physical().to_numpy().astype(np.int32, copy=False)
    return EncodedGroup(name, codes, labels)


def raw_group(s: pl.Series, offset: int = 1) -> RawGroup:
    """Check a group column and take its raw codes (see :class:`RawGroup`); no pass over the rows for
    Enum columns, one subtraction for integer columns."""
    name = s.name
    _check_nulls(s, "groupe", offset)
    dtype = s.dtype
    if dtype == pl.Boolean:
        return RawGroup(name, s.to_numpy().view(np.uint8), ["0", "1"], ordered=True)
    if dtype.is_integer():
        arr = s.to_numpy()
        lo, hi = int(arr.min()), int(arr.max())
        if hi - lo <= 4 * MAX_GROUP_VALUES:
            raw = np.subtract(arr, lo, dtype=np.intp) if lo != 0 else arr
            return RawGroup(name, raw, [str(v) for v in range(lo, hi + 1)], ordered=True)
    if isinstance(dtype, pl.Enum):
        return RawGroup(name, s.to_physical().to_numpy(), list(dtype.categories.to_list()))
    g = encode_group(s, offset)
    return RawGroup(name, g.codes, g.labels, ordered=True, exact=True)


def _check_group_cardinality(name: str, k: int) -> None:
    if k > MAX_GROUP_VALUES:
        raise input_error("eval.group_values", column=name, name=name, count=n(k), max=n(MAX_GROUP_VALUES))


def _to_month(s: pl.Series, offset: int) -> tuple[np.ndarray, list[str]]:
    _check_nulls(s, "date", offset)
    if s.dtype == pl.String:
        parsed = s.str.strip_chars().str.to_date(strict=False)
        bad = parsed.is_null()
        if bad.any():
            parsed2 = s.str.strip_chars().str.to_datetime(strict=False).dt.date()
            parsed = parsed.fill_null(parsed2)
            bad = parsed.is_null()
        if bad.any():
            badn = bad.to_numpy()
            rows, total = _bad_rows(badn, offset)
            first = s.gather([int(np.flatnonzero(badn)[0])]).item()
            raise input_error(
                "eval.date_unreadable",
                column=s.name,
                rows=rows,
                name=s.name,
                value=str(first),
                lines=rows_phrase(rows, total),
            )
        s = parsed
    elif s.dtype == pl.Datetime:
        s = s.dt.date()
    if s.dtype != pl.Date:
        raise input_error("eval.date_type", column=s.name, name=s.name, dtype=str(s.dtype))
    ym = (s.dt.year().cast(pl.Int32) * 12 + s.dt.month().cast(pl.Int32) - 1).to_numpy()
    lo = int(ym.min())
    present = np.bincount(ym - lo) > 0
    months = np.flatnonzero(present) + lo
    lut = np.cumsum(present) - 1
    codes = lut[ym - lo].astype(np.int32)
    labels = [f"{m // 12:04d}-{m % 12 + 1:02d}" for m in months]
    return codes, labels


def prepare_table(
    df: pl.DataFrame,
    *,
    target: str,
    pred: str | None,
    score: str | None,
    groups: list[str],
    date: str | None = None,
    task: str = "classification",
    source_is_csv: bool = False,
    raw_groups: bool = False,
) -> PreparedTable:
    """Check columns, types and values; return NumPy arrays and encoded groups.

    With ``raw_groups=True`` the group columns are left as :class:`RawGroup` (``raw_groups``), for the
    engine to encode from its joint counts; ``groups`` is then empty.
    """
    if df.height == 0:
        raise input_error("eval.table_empty")
    offset = _row_offset(source_is_csv)
    if pred is None and score is None:
        raise input_error("eval.pred_or_score")
    t = _check_column(df, target, "valeur réelle")
    p = _check_column(df, pred, "prédiction") if pred else None
    sc = _check_column(df, score, "score") if score else None
    gs = [_check_column(df, g, "groupe") for g in groups]
    d = _check_column(df, date, "date") if date else None
    out = PreparedTable(n=df.height)
    if task == "regression":
        out.y_true = _to_float(t, "valeur réelle", offset, unit_interval=False)
        if p is None:
            raise input_error("eval.regression_pred")
        out.y_pred = _to_float(p, "prévision", offset, unit_interval=False)
    else:
        out.y_true = _to_binary(t, "valeur réelle", offset)
        if p is not None:
            out.y_pred = _to_binary(p, "prédiction", offset)
        if sc is not None:
            out.y_score = _to_float(sc, "score", offset, unit_interval=True)
    if raw_groups:
        out.raw_groups = [raw_group(g, offset) for g in gs]
    else:
        out.groups = [encode_group(g, offset) for g in gs]
    if d is not None:
        out.month, out.month_labels = _to_month(d, offset)
    return out
