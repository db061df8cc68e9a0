"""What is public about a use case: ONE definition, used by the public record page, every open-data
export (CSV, JSON, Parquet, Dutch register, UK ATRS, DCAT-AP), the anonymous API and the exchange
between instances.

:func:`public_records` reads the records through :func:`atlasia.registry.selectors.public_usecases`
(the publication-level gate) and returns frozen :class:`PublicRecord` objects: a field that is not
here is not public, whatever channel asks. The qualification and the compliance file contribute only
their public part (AI Act category, GDPR legal basis, impact assessments), through the typed selectors
of their apps.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, fields
from decimal import Decimal

from django.db.models import Prefetch, QuerySet

from atlasia.lifecycle.selectors import PublicCompliance, public_compliance
from atlasia.qualification.selectors import PublicQualification, public_qualifications
from atlasia.registry import reference
from atlasia.registry import selectors as registry_selectors
from atlasia.registry.enums import Hosting, OrganisationType, ProviderType, Status
from atlasia.registry.models import Contact, Source, UseCase

_STATUS = {str(k): str(v) for k, v in Status.choices}
_ORG_TYPES = {str(k): str(v) for k, v in OrganisationType.choices}
_PROVIDERS = {str(k): str(v) for k, v in ProviderType.choices}
_HOSTING = {str(k): str(v) for k, v in Hosting.choices}


@dataclass(frozen=True)
class PublicContact:
    role: str
    name: str
    email: str


@dataclass(frozen=True)
class PublicSource:
    url: str
    title: str


@dataclass(frozen=True)
class PublicAlgorithm:
    uid: uuid.UUID
    name: str
    description: str
    purpose: str
    training_data: str
    performance: str
    known_limits: str
    licence: str
    repository_url: str


@dataclass(frozen=True)
class PublicOrganisation:
    name: str
    slug: str
    type: str
    siren: str
    region: str
    department: str
    country: str
    website: str

    @property
    def type_label(self) -> str:
        return _ORG_TYPES.get(self.type, self.type)

    @property
    def region_name(self) -> str:
        return reference.region_names().get(self.region, "")


@dataclass(frozen=True)
class PublicRecord:
    uid: uuid.UUID
    title: str
    summary: str
    problem: str
    expected_benefits: str
    theme_code: str
    theme_label: str
    pillar_code: str
    pillar_label: str
    tags: tuple[str, ...]
    organisation: PublicOrganisation
    target_population: str
    team: str
    senior_responsible_owner: str
    ai_technique_code: str
    ai_technique_label: str
    provider_type: str
    provider_name: str
    algorithm: PublicAlgorithm | None
    human_oversight: str
    legal_basis_details: str
    proportionality: str
    risks_and_mitigations: str
    personal_data: bool
    health_data: bool
    data_category_codes: tuple[str, ...]
    data_categories: tuple[str, ...]
    data_sources: str
    data_volume: str
    hosting: str
    status: str
    start_date: dt.date | None
    end_date: dt.date | None
    cost_eur: Decimal | None
    contacts: tuple[PublicContact, ...]
    sources: tuple[PublicSource, ...]
    created_at: dt.datetime
    updated_at: dt.datetime
    qualification: PublicQualification | None
    compliance: PublicCompliance | None

    # --- labels and the few derived public facts ------------------------------------------------

    @property
    def status_label(self) -> str:
        return _STATUS.get(self.status, self.status)

    @property
    def provider_type_label(self) -> str:
        return _PROVIDERS.get(self.provider_type, self.provider_type)

    @property
    def hosting_label(self) -> str:
        return _HOSTING.get(self.hosting, self.hosting)

    @property
    def ai_act_category(self) -> str:
        return self.qualification.category if self.qualification else ""

    @property
    def ai_act_category_label(self) -> str:
        return self.qualification.category_label if self.qualification else ""

    @property
    def last_update(self) -> dt.date:
        return self.updated_at.date()

    @property
    def legal_basis(self) -> str:
        """The GDPR legal basis (qualification) followed by the texts the organisation cites."""
        parts = []
        q = self.qualification
        if q and q.legal_basis_label:
            parts.append(f"RGPD, article 6(1) : {q.legal_basis_label}.")
        if q and q.special_category_exception_label:
            parts.append(f"Données sensibles, article 9(2) : {q.special_category_exception_label}.")
        if self.legal_basis_details:
            parts.append(self.legal_basis_details)
        return " ".join(parts)

    @property
    def impact_assessment_states(self) -> tuple[tuple[str, str, dt.date | None], ...]:
        """(assessment, state, date) of each impact assessment known for the record: assessment is
        ``dpia`` or ``fria``; state is ``done``, ``required``, ``not_required_dpo``, ``recommended`` or
        ``not_required``."""
        out: list[tuple[str, str, dt.date | None]] = []
        q, c = self.qualification, self.compliance
        if c and c.dpia_completed_at:
            out.append(("dpia", "done", c.dpia_completed_at))
        elif c and c.dpia_decision == "not_required":
            out.append(("dpia", "not_required_dpo", None))
        elif (c and c.dpia_decision == "required") or (q and q.dpia == "required"):
            out.append(("dpia", "required", None))
        elif q and q.dpia == "recommended":
            out.append(("dpia", "recommended", None))
        elif q and q.dpia == "not_required":
            out.append(("dpia", "not_required", None))
        if c and c.fria_completed_at:
            out.append(("fria", "done", c.fria_completed_at))
        elif q and q.fria_required:
            out.append(("fria", "required", None))
        return tuple(out)

    @property
    def impact_assessments(self) -> tuple[tuple[str, str], ...]:
        """(name, status sentence) of each impact assessment, in French (the language of the exports)."""
        names = {
            "dpia": "Analyse d'impact relative à la protection des données (AIPD, RGPD art. 35)",
            "fria": "Analyse d'impact sur les droits fondamentaux (AIDF, AI Act art. 27)",
        }
        states = {
            "required": "requise, pas encore réalisée",
            "not_required_dpo": "non requise (décision du délégué à la protection des données)",
            "recommended": "recommandée par la qualification",
            "not_required": "non requise selon la qualification",
        }
        return tuple(
            (names[kind], f"réalisée le {day:%d/%m/%Y}" if state == "done" and day else states[state])
            for kind, state, day in self.impact_assessment_states
        )

    @property
    def impact_assessment_summary(self) -> str:
        return " ; ".join(f"{name} : {state}" for name, state in self.impact_assessments)

    @property
    def risks(self) -> str:
        """Risks and mitigations as the organisation wrote them, then the known limits of the
        algorithm; « » when neither is known."""
        parts = [self.risks_and_mitigations]
        if self.algorithm and self.algorithm.known_limits:
            parts.append(f"Limites connues de l'algorithme : {self.algorithm.known_limits}")
        return "\n\n".join(p for p in parts if p)


#: Names of the fields of a public record (the definition the tests check every channel against).
PUBLIC_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(PublicRecord))


def public_queryset() -> QuerySet[UseCase]:
    """Every public record, prefetched for :func:`public_records`, in a stable order."""
    return (
        registry_selectors.public_usecases()
        .select_related("organisation", "theme", "pillar", "ai_technique", "algorithm")
        .prefetch_related(
            "data_categories",
            Prefetch(
                "contacts",
                queryset=Contact.objects.filter(is_public=True).order_by("id"),
                to_attr="public_contacts",
            ),
            Prefetch("sources", queryset=Source.objects.order_by("id")),
        )
        .order_by("uid")
    )


def _algorithm(use_case: UseCase) -> PublicAlgorithm | None:
    a = use_case.algorithm
    if a is None:
        return None
    return PublicAlgorithm(
        uid=a.uid,
        name=a.name,
        description=a.description,
        purpose=a.purpose,
        training_data=a.training_data,
        performance=a.performance,
        known_limits=a.known_limits,
        licence=a.licence,
        repository_url=a.repository_url,
    )


def public_records(use_cases: Iterable[UseCase] | None = None) -> list[PublicRecord]:
    """The public records of ``use_cases`` (default: every public record). The caller may narrow
    :func:`public_queryset`; records that are not public are dropped here again."""
    items = list(public_queryset() if use_cases is None else use_cases)
    public_ids = set(
        registry_selectors.public_usecases().filter(pk__in=[u.pk for u in items]).values_list("pk", flat=True)
    )
    return records_of([u for u in items if u.pk in public_ids])


def records_of(items: list[UseCase]) -> list[PublicRecord]:
    """The public fields of ``items`` WITHOUT the publication gate: for the exchange of records shared
    with the network under an instance token (the same fields, for records the caller may read)."""
    ids = [u.pk for u in items]
    qualifications = public_qualifications(ids)
    compliance = public_compliance(ids)
    out = []
    for uc in items:
        org = uc.organisation
        contacts = getattr(uc, "public_contacts", None)
        if contacts is None:
            contacts = [c for c in uc.contacts.order_by("id") if c.is_public]
        categories = sorted(uc.data_categories.all(), key=lambda c: (c.label_fr, c.code))
        out.append(
            PublicRecord(
                uid=uc.uid,
                title=uc.title,
                summary=uc.summary,
                problem=uc.problem,
                expected_benefits=uc.expected_benefits,
                theme_code=uc.theme.code,
                theme_label=uc.theme.label_fr,
                pillar_code=uc.pillar.code if uc.pillar_id else "",  # type: ignore[union-attr]
                pillar_label=uc.pillar.label_fr if uc.pillar_id else "",  # type: ignore[union-attr]
                tags=tuple(str(t) for t in uc.tags or []),
                organisation=PublicOrganisation(
                    name=org.name,
                    slug=org.slug,
                    type=org.type,
                    siren=org.siren,
                    region=org.region,
                    department=org.department,
                    country=org.country,
                    website=org.website,
                ),
                target_population=uc.target_population,
                team=uc.team,
                senior_responsible_owner=uc.senior_responsible_owner,
                ai_technique_code=uc.ai_technique.code,
                ai_technique_label=uc.ai_technique.label_fr,
                provider_type=uc.provider_type,
                provider_name=uc.provider_name,
                algorithm=_algorithm(uc),
                human_oversight=uc.human_oversight,
                legal_basis_details=uc.legal_basis_details,
                proportionality=uc.proportionality,
                risks_and_mitigations=uc.risks_and_mitigations,
                personal_data=bool(uc.personal_data),
                health_data=bool(uc.health_data),
                data_category_codes=tuple(c.code for c in categories),
                data_categories=tuple(c.label_fr for c in categories),
                data_sources=uc.data_sources,
                data_volume=uc.data_volume,
                hosting=uc.hosting,
                status=uc.status,
                start_date=uc.start_date,
                end_date=uc.end_date,
                cost_eur=uc.cost_eur,
                contacts=tuple(PublicContact(c.role, c.name, c.email) for c in contacts),
                sources=tuple(
                    PublicSource(s.url, s.title) for s in sorted(uc.sources.all(), key=lambda s: s.pk)
                ),
                created_at=uc.created_at,
                updated_at=uc.updated_at,
                qualification=qualifications.get(uc.pk),
                compliance=compliance.get(uc.pk),
            )
        )
    return out


def public_record(uid: uuid.UUID | str) -> PublicRecord | None:
    """One public record by its identifier, or ``None`` (absent or not public)."""
    found = public_records(public_queryset().filter(uid=uid))
    return found[0] if found else None


def record_pk(uid: uuid.UUID | str) -> int | None:
    """The database key of a public record (for the few screens that join other apps' facts)."""
    return registry_selectors.public_usecases().filter(uid=uid).values_list("pk", flat=True).first()
