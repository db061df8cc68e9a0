"""Open-data exports of the public register.

One canonical record per public use case (:func:`public_record`), described field by field in
:data:`FIELDS` (the data dictionary, also in ``docs/open-data/dictionnaire.md``), written as CSV
(``;`` with BOM for spreadsheet software, or ``,``), JSON and Parquet; and the same records mapped to
the Dutch algorithm register (publication standard v1.0), to the UK ATRS (template v3, tiers 1 and 2),
and described in DCAT-AP. Mappings are documented in ``docs/open-data/mappings.md``.

Callers pass records that come from :func:`atlasia.publication.selectors.register_export_queryset`:
nothing here looks at the publication level again, the queryset is the gate.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from atlasia.registry import reference
from atlasia.registry.enums import Hosting, OrganisationType, ProviderType, Status
from atlasia.registry.models import UseCase

LICENCE_NAME = "Licence Ouverte / Open Licence version 2.0"
LICENCE_URL = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
SCHEMAS_DIR = Path(__file__).resolve().parent / "schemas"


@dataclass(frozen=True)
class Field:
    name: str
    type: str  # string, boolean, date, number, list
    description: str
    source: str


FIELDS: tuple[Field, ...] = (
    Field("identifiant", "string", "Identifiant stable de la fiche (UUID).", "UseCase.uid"),
    Field("titre", "string", "Titre du cas d'usage.", "UseCase.title"),
    Field("resume", "string", "Résumé en langage clair.", "UseCase.summary"),
    Field("probleme_traite", "string", "Problème auquel l'outil répond.", "UseCase.problem"),
    Field("benefices_attendus", "string", "Bénéfices attendus.", "UseCase.expected_benefits"),
    Field("theme_code", "string", "Code du thème (liste de référence « themes »).", "UseCase.theme.code"),
    Field("theme", "string", "Libellé du thème.", "UseCase.theme.label_fr"),
    Field("axe_strategique", "string", "Axe stratégique, s'il est renseigné.", "UseCase.pillar.label_fr"),
    Field("mots_cles", "list", "Mots-clés (séparés par « | » en CSV).", "UseCase.tags"),
    Field("organisation", "string", "Organisation porteuse.", "Organisation.name"),
    Field("organisation_siren", "string", "SIREN de l'organisation porteuse.", "Organisation.siren"),
    Field("organisation_type_code", "string", "Code du type d'organisation.", "Organisation.type"),
    Field("organisation_type", "string", "Type d'organisation.", "Organisation.type (libellé)"),
    Field("region_code", "string", "Code INSEE de la région de l'organisation.", "Organisation.region"),
    Field("region", "string", "Nom de la région.", "Organisation.region (libellé)"),
    Field("departement", "string", "Code du département de l'organisation.", "Organisation.department"),
    Field("population_concernee", "string", "Personnes concernées par l'outil.", "UseCase.target_population"),
    Field("technique_ia_code", "string", "Code de la technique d'IA.", "UseCase.ai_technique.code"),
    Field("technique_ia", "string", "Technique d'IA.", "UseCase.ai_technique.label_fr"),
    Field(
        "realisation",
        "string",
        "Développement interne, prestataire, mixte ou partenaire public.",
        "UseCase.provider_type",
    ),
    Field("prestataire", "string", "Prestataire ou éditeur.", "UseCase.provider_name"),
    Field(
        "algorithme_identifiant", "string", "Identifiant de l'algorithme de la bibliothèque.", "Algorithm.uid"
    ),
    Field("algorithme_nom", "string", "Nom de l'algorithme.", "Algorithm.name"),
    Field("controle_humain", "string", "Comment un humain contrôle ou décide.", "UseCase.human_oversight"),
    Field("donnees_personnelles", "boolean", "Traite des données personnelles.", "UseCase.personal_data"),
    Field("donnees_sante", "boolean", "Traite des données de santé.", "UseCase.health_data"),
    Field(
        "categories_donnees",
        "list",
        "Catégories de données (séparées par « | » en CSV).",
        "UseCase.data_categories",
    ),
    Field("sources_donnees", "string", "Sources des données utilisées.", "UseCase.data_sources"),
    Field("hebergement", "string", "Mode d'hébergement.", "UseCase.hosting"),
    Field("etape_code", "string", "Code de l'étape du cycle de vie.", "UseCase.status"),
    Field("etape", "string", "Étape du cycle de vie.", "UseCase.status (libellé)"),
    Field("date_debut", "date", "Date de début (AAAA-MM-JJ).", "UseCase.start_date"),
    Field("date_fin", "date", "Date de fin (AAAA-MM-JJ).", "UseCase.end_date"),
    Field("cout_eur", "number", "Coût déclaré en euros.", "UseCase.cost_eur"),
    Field("contacts_publics", "list", "Contacts publics : fonction et courriel.", "Contact (is_public)"),
    Field("sources_publiques", "list", "Adresses des sources publiques.", "Source.url"),
    Field("url_fiche", "string", "Adresse de la fiche dans le registre public.", "/registre/<identifiant>/"),
    Field("date_mise_a_jour", "date", "Date de la dernière mise à jour de la fiche.", "UseCase.updated_at"),
)
FIELD_NAMES = tuple(f.name for f in FIELDS)

#: The field descriptions in English (the column names stay French: they are the format).
FIELD_DESCRIPTIONS_EN: dict[str, str] = {
    "identifiant": "Stable identifier of the record (UUID).",
    "titre": "Title of the use case.",
    "resume": "Plain-language summary.",
    "probleme_traite": "Problem the tool addresses.",
    "benefices_attendus": "Expected benefits.",
    "theme_code": "Theme code (reference list “themes”).",
    "theme": "Theme label (in French).",
    "axe_strategique": "Strategic pillar, when given (label in French).",
    "mots_cles": "Keywords (separated by “|” in CSV).",
    "organisation": "Organisation in charge.",
    "organisation_siren": "SIREN number of the organisation in charge.",
    "organisation_type_code": "Code of the organisation type.",
    "organisation_type": "Organisation type (label in French).",
    "region_code": "INSEE code of the organisation's region.",
    "region": "Name of the region.",
    "departement": "Code of the organisation's département.",
    "population_concernee": "People affected by the tool.",
    "technique_ia_code": "Code of the AI technique.",
    "technique_ia": "AI technique (label in French).",
    "realisation": "In-house development, contractor, mixed or public partner.",
    "prestataire": "Contractor or vendor.",
    "algorithme_identifiant": "Identifier of the algorithm in the library.",
    "algorithme_nom": "Name of the algorithm.",
    "controle_humain": "How a human oversees or decides.",
    "donnees_personnelles": "Processes personal data.",
    "donnees_sante": "Processes health data.",
    "categories_donnees": "Data categories (separated by “|” in CSV).",
    "sources_donnees": "Sources of the data used.",
    "hebergement": "Hosting mode.",
    "etape_code": "Code of the lifecycle stage.",
    "etape": "Lifecycle stage (label in French).",
    "date_debut": "Start date (YYYY-MM-DD).",
    "date_fin": "End date (YYYY-MM-DD).",
    "cout_eur": "Declared cost in euros.",
    "contacts_publics": "Public contacts: role and e-mail address.",
    "sources_publiques": "Addresses of the public sources.",
    "url_fiche": "Address of the record in the public register.",
    "date_mise_a_jour": "Date of the record's last update.",
}

_STATUS = {str(k): str(v) for k, v in Status.choices}
_ORG_TYPES = {str(k): str(v) for k, v in OrganisationType.choices}
_PROVIDERS = {str(k): str(v) for k, v in ProviderType.choices}
_HOSTING = {str(k): str(v) for k, v in Hosting.choices}


def record_url(base_url: str, use_case: UseCase) -> str:
    return f"{base_url.rstrip('/')}/registre/{use_case.uid}/"


def public_contacts(use_case: UseCase) -> list[Any]:
    contacts = getattr(use_case, "public_contacts", None)
    if contacts is None:
        contacts = [c for c in use_case.contacts.order_by("id") if c.is_public]
    return list(contacts)


def public_record(use_case: UseCase, *, base_url: str) -> dict[str, Any]:
    """The canonical open-data record of a public use case (field order = :data:`FIELDS`)."""
    org = use_case.organisation
    algorithm = use_case.algorithm
    record: dict[str, Any] = {
        "identifiant": str(use_case.uid),
        "titre": use_case.title,
        "resume": use_case.summary,
        "probleme_traite": use_case.problem,
        "benefices_attendus": use_case.expected_benefits,
        "theme_code": use_case.theme.code,
        "theme": use_case.theme.label_fr,
        "axe_strategique": use_case.pillar.label_fr if use_case.pillar_id else "",  # type: ignore[union-attr]
        "mots_cles": [str(t) for t in use_case.tags],
        "organisation": org.name,
        "organisation_siren": org.siren,
        "organisation_type_code": org.type,
        "organisation_type": _ORG_TYPES.get(org.type, org.type),
        "region_code": org.region,
        "region": reference.region_names().get(org.region, ""),
        "departement": org.department,
        "population_concernee": use_case.target_population,
        "technique_ia_code": use_case.ai_technique.code,
        "technique_ia": use_case.ai_technique.label_fr,
        "realisation": _PROVIDERS.get(use_case.provider_type, use_case.provider_type),
        "prestataire": use_case.provider_name,
        "algorithme_identifiant": str(algorithm.uid) if algorithm else "",
        "algorithme_nom": algorithm.name if algorithm else "",
        "controle_humain": use_case.human_oversight,
        "donnees_personnelles": bool(use_case.personal_data),
        "donnees_sante": bool(use_case.health_data),
        "categories_donnees": sorted(c.label_fr for c in use_case.data_categories.all()),
        "sources_donnees": use_case.data_sources,
        "hebergement": _HOSTING.get(use_case.hosting, use_case.hosting),
        "etape_code": use_case.status,
        "etape": _STATUS.get(use_case.status, use_case.status),
        "date_debut": use_case.start_date.isoformat() if use_case.start_date else None,
        "date_fin": use_case.end_date.isoformat() if use_case.end_date else None,
        "cout_eur": float(use_case.cost_eur) if use_case.cost_eur is not None else None,
        "contacts_publics": [
            " — ".join(p for p in (c.role, c.email) if p) for c in public_contacts(use_case)
        ],
        "sources_publiques": [s.url for s in sorted(use_case.sources.all(), key=lambda s: s.pk)],
        "url_fiche": record_url(base_url, use_case),
        "date_mise_a_jour": use_case.updated_at.date().isoformat(),
    }
    return record


def records(use_cases: Iterable[UseCase], *, base_url: str) -> list[dict[str, Any]]:
    return [public_record(uc, base_url=base_url) for uc in use_cases]


# --- CSV / JSON / Parquet -----------------------------------------------------------------------

LIST_SEPARATOR = " | "


def _csv_value(field: Field, value: Any) -> str:
    if value is None:
        return ""
    if field.type == "list":
        return LIST_SEPARATOR.join(value)
    if field.type == "boolean":
        return "oui" if value else "non"
    if field.type == "number":
        return f"{value:.2f}"
    return str(value)


def to_csv(rows: Sequence[dict[str, Any]], *, delimiter: str = ";") -> bytes:
    """CSV in UTF-8. The ``;`` variant starts with a BOM so that spreadsheet software opens it with
    the right encoding; the ``,`` variant is plain RFC 4180 for programs."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(FIELD_NAMES)
    for row in rows:
        writer.writerow([_csv_value(f, row[f.name]) for f in FIELDS])
    text = buffer.getvalue()
    return (("\ufeff" if delimiter == ";" else "") + text).encode("utf-8")


def from_csv(data: bytes, *, delimiter: str = ";") -> list[dict[str, Any]]:
    """Read back a CSV written by :func:`to_csv` into canonical records (used by the round-trip tests
    and by anyone who wants typed values)."""
    text = data.decode("utf-8-sig")
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    out = []
    for raw in reader:
        row: dict[str, Any] = {}
        for f in FIELDS:
            value = raw[f.name]
            if f.type == "list":
                row[f.name] = value.split(LIST_SEPARATOR) if value else []
            elif f.type == "boolean":
                row[f.name] = value == "oui"
            elif f.type == "number":
                row[f.name] = float(value) if value else None
            elif f.type == "date":
                row[f.name] = value or None
            else:
                row[f.name] = value
        out.append(row)
    return out


def to_json(rows: Sequence[dict[str, Any]], *, base_url: str) -> bytes:
    document = {
        "titre": "Registre public des cas d'usage de l'IA — Atlas IA",
        "licence": {"nom": LICENCE_NAME, "url": LICENCE_URL},
        "dictionnaire": f"{base_url.rstrip('/')}/donnees-ouvertes/dictionnaire.json",
        "nombre": len(rows),
        "cas_d_usage": list(rows),
    }
    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=False).encode("utf-8")


def _arrow_schema() -> Any:
    import pyarrow as pa

    types = {
        "string": pa.string(),
        "boolean": pa.bool_(),
        "date": pa.date32(),
        "number": pa.float64(),
        "list": pa.list_(pa.string()),
    }
    return pa.schema(
        [
            pa.field(
                f.name,
                types[f.type],
                nullable=True,
                metadata={"description": f.description, "description_en": FIELD_DESCRIPTIONS_EN[f.name]},
            )
            for f in FIELDS
        ],
        metadata={"licence": f"{LICENCE_NAME} — {LICENCE_URL}"},
    )


def to_parquet(rows: Sequence[dict[str, Any]]) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    columns: dict[str, list[Any]] = {f.name: [] for f in FIELDS}
    for row in rows:
        for f in FIELDS:
            value = row[f.name]
            if f.type == "date" and value:
                value = dt.date.fromisoformat(value)
            columns[f.name].append(value)
    table = pa.Table.from_pydict(columns, schema=_arrow_schema())
    sink = io.BytesIO()
    pq.write_table(table, sink, compression="zstd")
    return sink.getvalue()


def from_parquet(data: bytes) -> list[dict[str, Any]]:
    import pyarrow.parquet as pq

    table = pq.read_table(io.BytesIO(data))
    out = []
    for row in table.to_pylist():
        for f in FIELDS:
            if f.type == "date" and row[f.name] is not None:
                row[f.name] = row[f.name].isoformat()
        out.append(row)
    return out


def data_dictionary(*, base_url: str = "") -> dict[str, Any]:
    return {
        "titre": "Dictionnaire des données du registre public — Atlas IA",
        "titre_en": "Data dictionary of the public register — Atlas IA",
        "licence": {"nom": LICENCE_NAME, "url": LICENCE_URL},
        "formats": ["CSV (;) UTF-8 avec BOM", "CSV (,) UTF-8", "JSON", "Parquet"],
        "separateur_listes_csv": LIST_SEPARATOR,
        "champs": [
            {
                "nom": f.name,
                "type": f.type,
                "description": f.description,
                "description_en": FIELD_DESCRIPTIONS_EN[f.name],
                "origine": f.source,
            }
            for f in FIELDS
        ],
    }


def data_dictionary_markdown() -> str:
    """The Markdown version committed as ``docs/open-data/dictionnaire.md`` (a test keeps them equal)."""
    lines = [
        "# Dictionnaire des données du registre public",
        "",
        "Fichier généré par `atlasia.publication.exporters.data_dictionary_markdown()` : "
        "ne pas modifier à la main (un test vérifie qu'il est à jour).",
        "",
        f"Licence : [{LICENCE_NAME}]({LICENCE_URL}). Seules les fiches au niveau de publication "
        "« Public » sont exportées.",
        "",
        "Formats : CSV séparé par `;` (UTF-8 avec BOM, pour les tableurs), CSV séparé par `,` (UTF-8), "
        "JSON, Parquet. Dans les CSV, les listes sont séparées par ` | `, les booléens valent `oui`/`non`, "
        "les dates sont au format AAAA-MM-JJ.",
        "",
        "| champ | type | description | origine dans Atlas IA |",
        "|---|---|---|---|",
    ]
    lines += [f"| `{f.name}` | {f.type} | {f.description} | `{f.source}` |" for f in FIELDS]
    return "\n".join(lines) + "\n"


# --- Dutch algorithm register (Algoritmeregister, publication standard 1.0) ------------------------

NL_STATUS = {
    "idea": "In ontwikkeling",
    "framing": "In ontwikkeling",
    "qualified": "In ontwikkeling",
    "prioritised": "In ontwikkeling",
    "experimentation": "In ontwikkeling",
    "evaluated": "In ontwikkeling",
    "deployed": "In gebruik",
    "generalised": "In gebruik",
    "suspended": "Buiten gebruik",
    "retired": "Buiten gebruik",
    "abandoned": "Buiten gebruik",
}
NL_SOCIAL_THEMES = {"fraude_controle", "relation_usagers", "non_recours"}
NL_HIGH_RISK = {"high_risk", "high", "haut_risque", "eleve"}


def _clip(text: str, limit: int) -> str:
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0]
    return cut + "…"


def _month(date: dt.date | None) -> str:
    return f"{date:%Y-%m}" if date else ""


def to_algoritmeregister(use_case: UseCase, *, base_url: str, ai_act_code: str = "") -> dict[str, Any]:
    """One record in the Dutch algorithm register format (config ``v1_0.json``)."""
    theme = use_case.theme.code
    categories = ["Zorg en gezondheid"]
    if theme in NL_SOCIAL_THEMES or use_case.organisation.type in {"cnaf", "cnav", "msa", "urssaf", "cnam"}:
        categories.append("Sociale zekerheid")
    if theme == "logistique_administratif":
        categories.append("Organisatie en bedrijfsvoering")
    if ai_act_code in NL_HIGH_RISK:
        publication_category = "Hoog-risico AI-systeem"
    elif use_case.personal_data:
        publication_category = "Impactvolle algoritmes"
    else:
        publication_category = "Overige algoritmes"
    url = record_url(base_url, use_case)
    emails = [c.email for c in public_contacts(use_case) if c.email]
    algorithm = use_case.algorithm
    methods = use_case.ai_technique.label_fr
    if algorithm and algorithm.description:
        methods += f". {algorithm.description}"
    goal = "\n\n".join(p for p in (use_case.problem, use_case.expected_benefits) if p) or use_case.summary
    record: dict[str, Any] = {
        "name": _clip(use_case.title, 100),
        "description_short": _clip(use_case.summary, 400),
        "organization": _clip(use_case.organisation.name, 100),
        "category": categories[:3],
        "status": NL_STATUS.get(use_case.status, "In ontwikkeling"),
        "begin_date": _month(use_case.start_date),
        "end_date": _month(use_case.end_date) if NL_STATUS.get(use_case.status) == "Buiten gebruik" else "",
        "contact_email": _clip(emails[0] if emails else url, 500),
        "website": url,
        "publication_category": publication_category,
        "url": url,
        "goal": _clip(goal, 2500),
        "human_intervention": _clip(use_case.human_oversight, 2500),
        "risks": _clip(algorithm.known_limits if algorithm else "", 2500),
        "source_data": _clip(use_case.data_sources, 2500),
        "methods_and_models": _clip(methods, 5000),
        "provider": _clip(use_case.provider_name, 200),
        "publiccode": algorithm.repository_url if algorithm else "",
        "lang": "nld",
        "standard_version": "1.0",
        "source_id": str(use_case.uid),
        "tags": _clip(", ".join(use_case.tags), 2500),
    }
    return {k: v for k, v in record.items() if v not in ("", [], None)}


def validate_algoritmeregister(record: dict[str, Any], config: dict[str, Any]) -> list[str]:
    """Errors of ``record`` against the register's own config format (``type``, ``required``,
    ``max_length``, ``max_items``, ``permitted_values``, nested ``items``): the rules its backend
    applies to download files. An empty list means valid."""
    errors: list[str] = []
    props: dict[str, Any] = config["properties"]
    for key in record:
        if key not in props:
            errors.append(f"{key}: champ inconnu du schéma")
    for key, spec in props.items():
        value = record.get(key)
        if value in (None, "", []):
            if spec.get("required") is True:
                errors.append(f"{key}: obligatoire")
            continue
        kind = spec.get("type")
        if kind in ("string", "enum") and not isinstance(value, str):
            errors.append(f"{key}: texte attendu")
            continue
        if kind == "array" and not isinstance(value, list):
            errors.append(f"{key}: liste attendue")
            continue
        if (
            isinstance(spec.get("max_length"), int)
            and isinstance(value, str)
            and len(value) > spec["max_length"]
        ):
            errors.append(f"{key}: plus de {spec['max_length']} caractères")
        if isinstance(spec.get("max_items"), int) and len(value) > spec["max_items"]:  # type: ignore[arg-type]
            errors.append(f"{key}: plus de {spec['max_items']} éléments")
        permitted = spec.get("permitted_values")
        if permitted:
            for item in value if isinstance(value, list) else [value]:
                if item not in permitted:
                    errors.append(f"{key}: valeur « {item} » non permise")
        if kind == "array" and isinstance(spec.get("items"), dict):
            for i, item in enumerate(value):  # type: ignore[arg-type]
                sub = validate_algoritmeregister(item, {"properties": spec["items"]})
                errors += [f"{key}[{i}].{e}" for e in sub]
    return errors


def algoritmeregister_config() -> dict[str, Any]:
    return json.loads((SCHEMAS_DIR / "algoritmeregister-v1_0.json").read_text(encoding="utf-8"))


# --- UK Algorithmic Transparency Recording Standard (template v3) ----------------------------------

ATRS_PHASE = {
    "idea": "Pre-deployment",
    "framing": "Pre-deployment",
    "qualified": "Pre-deployment",
    "prioritised": "Pre-deployment",
    "experimentation": "Beta/Pilot",
    "evaluated": "Beta/Pilot",
    "deployed": "Production",
    "generalised": "Production",
    "suspended": "Retired",
    "retired": "Retired",
    "abandoned": "Retired",
}


def to_atrs(use_case: UseCase, *, base_url: str, ai_act_label: str = "") -> dict[str, Any]:
    """Tier 1 and tier 2 of the ATRS template v3 (field names in snake_case, sections as objects)."""
    org = use_case.organisation
    algorithm = use_case.algorithm
    contacts = public_contacts(use_case)
    emails = [c.email for c in contacts if c.email]
    sro = next((c.role for c in contacts), "")
    third_party = []
    if use_case.provider_name:
        third_party.append(
            {
                "third_party": use_case.provider_name,
                "companies_house_number": "",
                "third_party_role": _PROVIDERS.get(use_case.provider_type, use_case.provider_type),
                "procurement_procedure_type": "",
                "third_party_data_access_terms": "",
            }
        )
    models: list[dict[str, Any]] = []
    if algorithm:
        models.append(
            {
                "model_name": algorithm.name,
                "model_version": "",
                "model_task": algorithm.purpose,
                "model_input": use_case.data_sources,
                "model_output": "",
                "model_architecture": use_case.ai_technique.label_fr,
                "model_performance": algorithm.performance,
                "datasets": algorithm.training_data,
                "dataset_purposes": "Entraînement" if algorithm.training_data else "",
            }
        )
    return {
        "tier_1": {
            "name": use_case.title,
            "description": use_case.summary,
            "website": record_url(base_url, use_case),
            "contact_email": emails[0] if emails else "",
        },
        "tier_2": {
            "owner_and_responsibility": {
                "organisation_or_department": org.name,
                "team": "",
                "senior_responsible_owner": sro,
                "third_party_involvement": third_party,
            },
            "description_and_rationale": {
                "detailed_description": "\n\n".join(p for p in (use_case.summary, use_case.problem) if p),
                "scope": use_case.target_population,
                "benefit": use_case.expected_benefits,
                "previous_process": "",
                "alternatives_considered": "",
            },
            "decision_making_process": {
                "process_integration": use_case.sites,
                "provided_information": "",
                "frequency_and_scale_of_usage": use_case.data_volume,
                "human_decisions_and_review": use_case.human_oversight,
                "required_training": "",
                "appeals_and_review": "Signalement public : " + record_url(base_url, use_case) + "#signaler",
            },
            "tool_specification": {
                "system_architecture": use_case.ai_technique.label_fr,
                "phase": ATRS_PHASE.get(use_case.status, "Pre-deployment"),
                "maintenance": "",
                "models": models,
            },
            "data_specification": {
                "source_data_name": use_case.data_sources,
                "data_modality": "",
                "data_description": ", ".join(sorted(c.label_fr for c in use_case.data_categories.all())),
                "data_quantities": use_case.data_volume,
                "sensitive_attributes": "Données de santé"
                if use_case.health_data
                else ("Données personnelles" if use_case.personal_data else ""),
                "data_completeness_and_representativeness": "",
                "source_data_url": "",
                "data_collection": "",
                "data_cleaning": "",
                "data_sharing_agreements": "",
                "data_access_and_storage": _HOSTING.get(use_case.hosting, use_case.hosting),
            },
            "risks_mitigations_and_impact_assessments": {
                "impact_assessments": [],
                "risks_and_mitigations": "\n\n".join(
                    p
                    for p in (
                        f"Catégorie AI Act : {ai_act_label}" if ai_act_label else "",
                        algorithm.known_limits if algorithm else "",
                    )
                    if p
                ),
            },
        },
    }


# --- DCAT-AP ------------------------------------------------------------------------------------

DISTRIBUTIONS = (
    ("registre.csv", "CSV séparé par des points-virgules (UTF-8 avec BOM)", "CSV", "text/csv"),
    ("registre-virgule.csv", "CSV séparé par des virgules (UTF-8)", "CSV", "text/csv"),
    ("registre.json", "JSON", "JSON", "application/json"),
    ("registre.parquet", "Parquet", "PARQUET", "application/vnd.apache.parquet"),
    (
        "algoritmeregister.json",
        "Format du registre néerlandais des algorithmes (v1.0)",
        "JSON",
        "application/json",
    ),
    ("atrs.json", "Format UK ATRS (modèle v3, niveaux 1 et 2)", "JSON", "application/json"),
)


def dcat_catalog(*, base_url: str, count: int, modified: dt.date | None, publisher: str) -> dict[str, Any]:
    """A DCAT-AP 2/3 description (JSON-LD) of the catalogue, the dataset and its distributions."""
    root = base_url.rstrip("/")
    licence = {"@id": LICENCE_URL, "@type": "dct:LicenseDocument", "dct:title": LICENCE_NAME}
    dataset_id = f"{root}/donnees-ouvertes/#registre"
    distributions = [
        {
            "@id": f"{root}/donnees-ouvertes/{name}",
            "@type": "dcat:Distribution",
            "dct:title": title,
            "dcat:accessURL": {"@id": f"{root}/donnees-ouvertes/"},
            "dcat:downloadURL": {"@id": f"{root}/donnees-ouvertes/{name}"},
            "dct:format": {"@id": f"http://publications.europa.eu/resource/authority/file-type/{fmt}"},
            "dcat:mediaType": {"@id": f"https://www.iana.org/assignments/media-types/{media}"},
            "dct:license": licence,
        }
        for name, title, fmt, media in DISTRIBUTIONS
    ]
    dataset: dict[str, Any] = {
        "@id": dataset_id,
        "@type": "dcat:Dataset",
        "dct:title": {"@language": "fr", "@value": "Registre public des cas d'usage de l'IA"},
        "dct:description": {
            "@language": "fr",
            "@value": (
                "Cas d'usage de l'intelligence artificielle publiés par les organismes publics de santé, "
                f"du médico-social et de la protection sociale ({count} fiches)."
            ),
        },
        "dct:publisher": {"@type": "foaf:Agent", "foaf:name": publisher},
        "dct:license": licence,
        "dcat:theme": {"@id": "http://publications.europa.eu/resource/authority/data-theme/HEAL"},
        "dcat:keyword": ["intelligence artificielle", "santé", "protection sociale", "algorithmes publics"],
        "dct:language": {"@id": "http://publications.europa.eu/resource/authority/language/FRA"},
        "dct:spatial": {"@id": "http://publications.europa.eu/resource/authority/country/FRA"},
        "dcat:landingPage": {"@id": f"{root}/donnees-ouvertes/"},
        "dct:conformsTo": {"@id": f"{root}/donnees-ouvertes/dictionnaire.json"},
        "dcat:distribution": distributions,
    }
    if modified:
        dataset["dct:modified"] = {"@type": "xsd:date", "@value": modified.isoformat()}
    return {
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#",
            "dct": "http://purl.org/dc/terms/",
            "foaf": "http://xmlns.com/foaf/0.1/",
            "xsd": "http://www.w3.org/2001/XMLSchema#",
        },
        "@id": f"{root}/donnees-ouvertes/catalogue.jsonld",
        "@type": "dcat:Catalog",
        "dct:title": {"@language": "fr", "@value": "Atlas IA — données ouvertes"},
        "dct:description": {"@language": "fr", "@value": "Catalogue des données ouvertes d'Atlas IA."},
        "dct:publisher": {"@type": "foaf:Agent", "foaf:name": publisher},
        "dct:license": licence,
        "dcat:dataset": [dataset],
    }


def load_schema(name: str) -> dict[str, Any]:
    return json.loads((SCHEMAS_DIR / name).read_text(encoding="utf-8"))
