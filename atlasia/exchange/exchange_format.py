"""The Atlas IA exchange format, version 1.0: what an instance shares with another.

The pydantic models below are the single source: ``docs/exchange/atlasia-exchange-1.0.schema.json``
is generated from them (``manage.py exchange_schema``; a test checks the file is up to date) and the
API serves the same schema at ``/api/v1/exchange/schema``. Incoming documents are read with the same
models: an unknown field, a wrong version or a malformed value is refused with a precise message.

Coded values are the codes of ``data/reference``; a partner abroad may send the English (or French)
label instead, which :func:`normalise_codes` maps back to the code.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

FORMAT_NAME = "atlasia-exchange"
FORMAT_VERSION = "1.0"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ExOrganisation(Strict):
    name: str = Field(max_length=200)
    slug: str = Field(max_length=80)
    type: str = Field("other", description="Code (data/reference/organisation_types.json) or label")
    region: str = Field("", max_length=3, description="INSEE region code, empty abroad")
    country: str = Field("FR", min_length=2, max_length=2)


class ExQualification(Strict):
    version: int
    law_version: str
    category: str = Field(description="AI Act category code: prohibited, high_risk, limited, minimal…")
    completed_at: dt.datetime | None = None
    result: dict[str, Any] = Field(default_factory=dict)


class ExExperiment(Strict):
    title: str
    objective: str = ""
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    results_summary: str = ""
    lessons_learned: str = Field("", description="What worked, what did not, conditions to replicate")
    decision: str = Field("", description="generalise, iterate, stop (or English/French label)")
    decision_rationale: str = ""


class ExRecord(Strict):
    uid: uuid.UUID
    updated_at: dt.datetime
    title: str = Field(max_length=200)
    summary: str
    problem: str = ""
    expected_benefits: str = ""
    theme: str = Field(description="Theme code or label (French or English)")
    ai_technique: str = Field(description="AI technique code or label (French or English)")
    status: str = Field("idea", description="Status code or label (French or English)")
    publication_level: Literal["network", "public"] | str = "public"
    organisation: ExOrganisation
    provider_type: str = ""
    provider_name: str = ""
    hosting: str = ""
    personal_data: bool = False
    health_data: bool = False
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    tags: list[str] = Field(default_factory=list)
    qualification: ExQualification | None = None
    experiments: list[ExExperiment] = Field(default_factory=list)


class ExInstance(Strict):
    name: str
    url: str = ""


class ExDocument(Strict):
    format: Literal["atlasia-exchange"]
    version: Literal["1.0"]
    generated_at: dt.datetime
    instance: ExInstance
    count: int = Field(ge=0, description="Total number of records shared (all pages)")
    limit: int = Field(ge=1)
    offset: int = Field(ge=0)
    records: list[ExRecord]


def json_schema() -> dict[str, Any]:
    schema = ExDocument.model_json_schema()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://atlas-ia.example/schemas/atlasia-exchange-1.0.schema.json",
        **schema,
        "title": "Atlas IA exchange format 1.0",
    }
