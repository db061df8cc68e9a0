"""Pure evaluation engine: performance, fairness, calibration and drift of a model's predictions.

No Django here. Heavy modules (NumPy, Polars) are imported on first use of an exported name, so
that ``import atlasia.core.evaluation`` (and the CLI's ``--help``) stays cheap.

Public API::

    evaluate(data, *, target, pred, score, groups, date, reference, ...) -> dict
    evaluate_file(path, *, reference_path=None, max_bytes=None, progress=None, **evaluate_kwargs) -> dict
    read_table(path, *, max_bytes=..., columns=None) -> polars.DataFrame
    reading_fr(result) -> list[str]
    render_html(result) -> str
    EvaluationInputError, SCHEMA_VERSION
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

SCHEMA_VERSION = "1.0"

__all__ = [
    "SCHEMA_VERSION",
    "EvaluationInputError",
    "evaluate",
    "evaluate_file",
    "read_table",
    "reading_fr",
    "render_html",
]

if TYPE_CHECKING:
    from .engine import evaluate, evaluate_file
    from .io import EvaluationInputError, read_table
    from .reading import reading_fr
    from .report import render_html

_LAZY = {
    "evaluate": "engine",
    "evaluate_file": "engine",
    "EvaluationInputError": "io",
    "read_table": "io",
    "reading_fr": "reading",
    "render_html": "report",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value
