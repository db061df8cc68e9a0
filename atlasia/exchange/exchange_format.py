"""The Atlas IA exchange format, version 1.1: what an instance shares with another.

Version 1.1 carries every public field of a record (``atlasia.publication.public.PublicRecord``):
version 1.0 dropped human oversight, population, data categories, contacts, sources, the legal basis,
the impact assessments and the risks. Documents in version 1.0 are still read (the 1.1 fields are
optional, so a 1.0 document is a valid 1.1 document with those fields absent).

The pydantic models below are the single source: ``docs/exchange/atlasia-exchange-1.1.schema.json``
is generated from them (``manage.py exchange_schema``; a test checks the file is up to date) and the
API serves the same schema at ``/api/v1/exchange/schema``. Incoming documents are read with the same
models: an unknown field, a wrong version or a malformed value is refused with a precise message.

Coded values are the codes of ``data/reference``; a partner abroad may send the English (or French)
label instead, which :func:`normalise_codes` maps back to the code.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

FORMAT_NAME = "atlasia-exchange"
FORMAT_VERSION = "1.1"
#: Versions this instance reads (1.0 documents are read with the 1.1 models, new fields absent).
READABLE_VERSIONS = ("1.0", "1.1")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ExOrganisation(Strict):
    name: str = Field(max_length=200)
    slug: str = Field(max_length=80)
    type: str = Field("other", description="Code (data/reference/organisation_types.json) or label")
    region: str = Field("", max_length=3, description="INSEE region code, empty abroad")
    country: str = Field("FR", min_length=2, max_length=2)
    siren: str = Field("", max_length=9, description="1.1")
    department: str = Field("", max_length=3, description="1.1")
    website: str = Field("", max_length=200, description="1.1")


class ExContact(Strict):
    role: str = Field(max_length=200)
    name: str = Field("", max_length=200)
    email: str = Field("", max_length=254)


class ExSource(Strict):
    url: str = Field(max_length=500)
    title: str = Field("", max_length=300)


class ExAlgorithm(Strict):
    uid: uuid.UUID
    name: str = Field(max_length=200)
    description: str = ""
    purpose: str = ""
    training_data: str = ""
    performance: str = ""
    known_limits: str = ""
    licence: str = Field("", max_length=100)
    repository_url: str = Field("", max_length=200)


class ExPublicQualification(Strict):
    """The public part of the latest qualification (what the public page shows)."""

    version: int = Field(ge=1)
    law_version: str = Field(max_length=40)
    category: str = Field(description="AI Act category code")
    completed_at: dt.datetime
    legal_basis: str = Field("", description="GDPR Art. 6(1) code: public_task, legal_obligation…")
    special_category_exception: str = Field("", description="GDPR Art. 9(2) code: care, public_health…")
    dpia: str = Field("", description="required, recommended, not_required, undetermined")
    fria_required: bool = False
    annex3_points: list[str] = Field(default_factory=list)


class ExImpactAssessments(Strict):
    dpia_decision: str = Field("", description="required, not_required, recommended")
    dpia_completed_at: dt.date | None = None
    fria_completed_at: dt.date | None = None
    registration_reference: str = Field("", max_length=100)


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
    # 1.1: every other public field
    created_at: dt.datetime | None = None
    pillar: str = Field("", description="Pillar code, empty when none")
    target_population: str = ""
    team: str = Field("", max_length=200)
    senior_responsible_owner: str = Field("", max_length=300)
    human_oversight: str = ""
    legal_basis_details: str = ""
    proportionality: str = ""
    risks_and_mitigations: str = ""
    data_categories: list[str] = Field(default_factory=list, description="Data category codes")
    data_sources: str = ""
    data_volume: str = Field("", max_length=300)
    cost_eur: Decimal | None = Field(None, max_digits=14, decimal_places=2, ge=0)
    contacts: list[ExContact] = Field(default_factory=list, description="Public contacts only")
    sources: list[ExSource] = Field(default_factory=list)
    algorithm: ExAlgorithm | None = None
    public_qualification: ExPublicQualification | None = None
    impact_assessments: ExImpactAssessments | None = None
    # Only with an instance token (not public fields)
    qualification: ExQualification | None = None
    experiments: list[ExExperiment] = Field(default_factory=list)


class ExInstance(Strict):
    name: str
    url: str = ""
    id: str = Field("", description="1.1: stable identifier of the instance (self-subscription check)")


class ExDocument(Strict):
    format: Literal["atlasia-exchange"]
    version: Literal["1.0", "1.1"]
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
        "$id": f"https://atlas-ia.example/schemas/atlasia-exchange-{FORMAT_VERSION}.schema.json",
        **schema,
        "title": f"Atlas IA exchange format {FORMAT_VERSION}",
    }
