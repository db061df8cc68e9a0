"""Reference lists shipped in ``data/reference`` (regions, departments, organisation types…).

Regions, departments and organisation types are fixed by law and read from the JSON files at start-up;
themes, pillars, AI techniques and data categories are database tables loaded from the same folder
(``manage.py load_reference``) so that administrators can extend them.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings


def _reference_dir() -> Path:
    return Path(settings.ATLASIA_DATA_DIR) / "reference"


@cache
def load(name: str) -> list[dict[str, Any]]:
    path = _reference_dir() / f"{name}.json"
    with path.open(encoding="utf-8") as handle:
        data = json.load(handle)
    return list(data["items"] if isinstance(data, dict) and "items" in data else data)


def region_choices() -> list[tuple[str, str]]:
    return [(r["code"], r["name"]) for r in load("regions")]


def department_choices() -> list[tuple[str, str]]:
    return [(d["code"], f"{d['code']} — {d['name']}") for d in load("departments")]


@cache
def department_region() -> dict[str, str]:
    return {d["code"]: d["region"] for d in load("departments")}


@cache
def region_names() -> dict[str, str]:
    return {r["code"]: r["name"] for r in load("regions")}


def organisation_type_choices() -> list[tuple[str, str]]:
    return [(t["code"], t["label_fr"]) for t in load("organisation_types")]
