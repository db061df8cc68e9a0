"""Open-data exports of the public register.

One canonical record per public use case (:func:`open_data_record`), described field by field in
:data:`FIELDS` (the data dictionary, also in ``docs/open-data/dictionnaire.md``), written as CSV
(``;`` with BOM for spreadsheet software, or ``,``), JSON and Parquet; and the same records mapped to
the Dutch algorithm register (publication standard v1.0), to the UK ATRS (template v4.0), and
described in DCAT-AP 3.0.1. Mappings are documented in ``docs/open-data/mappings.md``.

Callers pass :class:`atlasia.publication.public.PublicRecord` objects from
:func:`atlasia.publication.public.public_records`: the one definition of what is public, and the gate.
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

from atlasia.core import cells

from .public import PublicRecord

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
    Field("volumes_donnees", "string", "Volumes de données traités.", "UseCase.data_volume"),
    Field("hebergement", "string", "Mode d'hébergement.", "UseCase.hosting"),
    Field("etape_code", "string", "Code de l'étape du cycle de vie.", "UseCase.status"),
    Field("etape", "string", "Étape du cycle de vie.", "UseCase.status (libellé)"),
    Field("date_debut", "date", "Date de début (AAAA-MM-JJ).", "UseCase.start_date"),
    Field("date_fin", "date", "Date de fin (AAAA-MM-JJ).", "UseCase.end_date"),
    Field("cout_eur", "number", "Coût déclaré en euros.", "UseCase.cost_eur"),
    Field("contacts_publics", "list", "Contacts publics : fonction et courriel.", "Contact (is_public)"),
    Field("sources_publiques", "list", "Adresses des sources publiques.", "Source.url"),
    Field("equipe", "string", "Équipe responsable de l'outil.", "UseCase.team"),
    Field(
        "responsable",
        "string",
        "Responsable de haut niveau de l'usage de l'outil (nom et fonction).",
        "UseCase.senior_responsible_owner",
    ),
    Field(
        "base_legale",
        "string",
        "Base légale : base RGPD (art. 6 et 9) de la qualification et textes cités par l'organisation.",
        "Qualification (legal_basis, art9_exception) + UseCase.legal_basis_details",
    ),
    Field(
        "proportionnalite",
        "string",
        "Pourquoi l'outil est nécessaire et proportionné.",
        "UseCase.proportionality",
    ),
    Field(
        "analyses_impact",
        "string",
        "Analyses d'impact (AIPD, AIDF) : requises, réalisées et quand.",
        "ComplianceRecord + qualification (gdpr.dpia, ai_act.fria_required)",
    ),
    Field(
        "risques_et_attenuations",
        "string",
        "Risques identifiés, mesures pour les réduire et limites connues de l'algorithme.",
        "UseCase.risks_and_mitigations + Algorithm.known_limits",
    ),
    Field(
        "categorie_ai_act_code",
        "string",
        "Code de la catégorie AI Act (dernière qualification).",
        "Qualification.category",
    ),
    Field("categorie_ai_act", "string", "Catégorie au sens de l'AI Act.", "Qualification.category (libellé)"),
    Field("url_fiche", "string", "Adresse de la fiche dans le registre public.", "/registre/<identifiant>/"),
    Field("date_creation", "date", "Date de création de la fiche.", "UseCase.created_at"),
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
    "volumes_donnees": "Volumes of data processed.",
    "hebergement": "Hosting mode.",
    "etape_code": "Code of the lifecycle stage.",
    "etape": "Lifecycle stage (label in French).",
    "date_debut": "Start date (YYYY-MM-DD).",
    "date_fin": "End date (YYYY-MM-DD).",
    "cout_eur": "Declared cost in euros.",
    "contacts_publics": "Public contacts: role and e-mail address.",
    "sources_publiques": "Addresses of the public sources.",
    "equipe": "Team responsible for the tool.",
    "responsable": "Senior responsible owner of the use of the tool (name and role).",
    "base_legale": (
        "Legal basis: GDPR basis (Art. 6 and 9) from the qualification and the texts the organisation cites."
    ),
    "proportionnalite": "Why the tool is necessary and proportionate.",
    "analyses_impact": "Impact assessments (DPIA, FRIA): required, done and when.",
    "risques_et_attenuations": "Risks identified, mitigations and known limits of the algorithm.",
    "categorie_ai_act_code": "Code of the AI Act category (latest qualification).",
    "categorie_ai_act": "AI Act category (label in French).",
    "url_fiche": "Address of the record in the public register.",
    "date_creation": "Date the record was created.",
    "date_mise_a_jour": "Date of the record's last update.",
}


def record_url(base_url: str, record: PublicRecord) -> str:
    return f"{base_url.rstrip('/')}/registre/{record.uid}/"


def api_url(base_url: str, record: PublicRecord) -> str:
    """The machine-readable source of the record (the anonymous API serves the same public fields)."""
    return f"{base_url.rstrip('/')}/api/v1/usecases/{record.uid}"


def open_data_record(rec: PublicRecord, *, base_url: str) -> dict[str, Any]:
    """The canonical open-data record of a public use case (field order = :data:`FIELDS`)."""
    org = rec.organisation
    algorithm = rec.algorithm
    return {
        "identifiant": str(rec.uid),
        "titre": rec.title,
        "resume": rec.summary,
        "probleme_traite": rec.problem,
        "benefices_attendus": rec.expected_benefits,
        "theme_code": rec.theme_code,
        "theme": rec.theme_label,
        "axe_strategique": rec.pillar_label,
        "mots_cles": list(rec.tags),
        "organisation": org.name,
        "organisation_siren": org.siren,
        "organisation_type_code": org.type,
        "organisation_type": org.type_label,
        "region_code": org.region,
        "region": org.region_name,
        "departement": org.department,
        "population_concernee": rec.target_population,
        "technique_ia_code": rec.ai_technique_code,
        "technique_ia": rec.ai_technique_label,
        "realisation": rec.provider_type_label,
        "prestataire": rec.provider_name,
        "algorithme_identifiant": str(algorithm.uid) if algorithm else "",
        "algorithme_nom": algorithm.name if algorithm else "",
        "controle_humain": rec.human_oversight,
        "donnees_personnelles": rec.personal_data,
        "donnees_sante": rec.health_data,
        "categories_donnees": list(rec.data_categories),
        "sources_donnees": rec.data_sources,
        "volumes_donnees": rec.data_volume,
        "hebergement": rec.hosting_label,
        "etape_code": rec.status,
        "etape": rec.status_label,
        "date_debut": rec.start_date.isoformat() if rec.start_date else None,
        "date_fin": rec.end_date.isoformat() if rec.end_date else None,
        "cout_eur": float(rec.cost_eur) if rec.cost_eur is not None else None,
        "contacts_publics": [" — ".join(p for p in (c.role, c.email) if p) for c in rec.contacts],
        "sources_publiques": [s.url for s in rec.sources],
        "equipe": rec.team,
        "responsable": rec.senior_responsible_owner,
        "base_legale": rec.legal_basis,
        "proportionnalite": rec.proportionality,
        "analyses_impact": rec.impact_assessment_summary,
        "risques_et_attenuations": rec.risks,
        "categorie_ai_act_code": rec.ai_act_category,
        "categorie_ai_act": rec.ai_act_category_label,
        "url_fiche": record_url(base_url, rec),
        "date_creation": rec.created_at.date().isoformat(),
        "date_mise_a_jour": rec.last_update.isoformat(),
    }


def records(public: Iterable[PublicRecord], *, base_url: str) -> list[dict[str, Any]]:
    return [open_data_record(r, base_url=base_url) for r in public]


# --- CSV / JSON / Parquet -----------------------------------------------------------------------

LIST_SEPARATOR = " | "


def _csv_value(field: Field, value: Any) -> str:
    """The cell text; every text (list items included) is neutralised against formula injection."""
    if value is None:
        return ""
    if field.type == "list":
        return LIST_SEPARATOR.join(cells.neutralise(str(v)) for v in value)
    if field.type == "boolean":
        return "oui" if value else "non"
    if field.type == "number":
        return f"{value:.2f}"
    return cells.neutralise(str(value))


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
                row[f.name] = [cells.restore(v) for v in value.split(LIST_SEPARATOR)] if value else []
            elif f.type == "boolean":
                row[f.name] = value == "oui"
            elif f.type == "number":
                row[f.name] = float(value) if value else None
            elif f.type == "date":
                row[f.name] = value or None
            else:
                row[f.name] = cells.restore(value)
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


NL_IN_USE_SINCE = {"deployed", "generalised", "suspended", "retired"}
NL_IMPACT_TITLES = {
    "AIPD": "Data Protection Impact Assessment (DPIA)",
    "AIDF": "Fundamental Rights Impact Assessment (FRIA)",
}
#: A provider name that says nothing (catalogue placeholders) is not a provider.
NL_UNKNOWN_PROVIDER_PREFIXES = ("non précisé", "non connu", "inconnu")


def _nl_provider(rec: PublicRecord) -> str:
    # The register's instruction: « Als het intern ontwikkeld is, noteer dan ‘Intern ontwikkeld’ ».
    if rec.provider_type == "in_house":
        return "Intern ontwikkeld"
    name = rec.provider_name.strip()
    return "" if name.lower().startswith(NL_UNKNOWN_PROVIDER_PREFIXES) else name


def to_algoritmeregister(rec: PublicRecord, *, base_url: str) -> dict[str, Any]:
    """One record in the Dutch algorithm register format (config ``v1_0.json``)."""
    categories = ["Zorg en gezondheid"]
    if rec.theme_code in NL_SOCIAL_THEMES or rec.organisation.type in {
        "cnaf",
        "cnav",
        "msa",
        "urssaf",
        "cnam",
    }:
        categories.append("Sociale zekerheid")
    if rec.theme_code == "logistique_administratif":
        categories.append("Organisatie en bedrijfsvoering")
    if rec.ai_act_category in NL_HIGH_RISK:
        publication_category = "Hoog-risico AI-systeem"
    elif rec.personal_data:
        publication_category = "Impactvolle algoritmes"
    else:
        publication_category = "Overige algoritmes"
    emails = [c.email for c in rec.contacts if c.email]
    # « Het e-mailadres of de website voor contact »: without a public address, the record's report form.
    contact = emails[0] if emails else record_url(base_url, rec) + "#signaler"
    algorithm = rec.algorithm
    methods = rec.ai_technique_label
    if algorithm and algorithm.description:
        methods += f". {algorithm.description}"
    goal = "\n\n".join(p for p in (rec.problem, rec.expected_benefits) if p) or rec.summary
    out_of_use = NL_STATUS.get(rec.status) == "Buiten gebruik"
    # « link » is optional (only when the assessment is published): the record has none to give.
    impact_grouping = [
        {"title": title}
        for name, state in rec.impact_assessments
        if state.startswith("réalisée")
        for key, title in NL_IMPACT_TITLES.items()
        if f"({key}," in name
    ]
    record: dict[str, Any] = {
        "name": _clip(rec.title, 100),
        "description_short": _clip(rec.summary, 400),
        "organization": _clip(rec.organisation.name, 100),
        "category": categories[:3],
        "status": NL_STATUS.get(rec.status, "In ontwikkeling"),
        # « Maand en jaar waarin het algoritme in gebruik is genomen »: only once taken into use.
        "begin_date": _month(rec.start_date) if rec.status in NL_IN_USE_SINCE else "",
        "end_date": _month(rec.end_date) if out_of_use else "",
        "contact_email": _clip(contact, 500),
        "website": rec.organisation.website,
        "publication_category": publication_category,
        "url": api_url(base_url, rec),
        "goal": _clip(goal, 2500),
        "proportionality": _clip(rec.proportionality, 2500),
        "human_intervention": _clip(rec.human_oversight, 2500),
        "risks": _clip(rec.risks, 2500),
        "lawful_basis": _clip(rec.legal_basis, 2500),
        "impacttoetsen_grouping": impact_grouping,
        "impacttoetsen": _clip(rec.impact_assessment_summary, 2500),
        "source_data": _clip(rec.data_sources, 2500),
        "methods_and_models": _clip(methods, 5000),
        "provider": _clip(_nl_provider(rec), 200),
        "publiccode": algorithm.repository_url if algorithm else "",
        "lang": "nld",
        "standard_version": "1.0",
        "source_id": str(rec.uid),
        "tags": _clip(", ".join(rec.tags), 2500),
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


# --- UK Algorithmic Transparency Recording Standard (template v4.0) --------------------------------
#
# Field names: the official v3.0 template table (co-cddo/algorithmic-transparency-recording-standard,
# previous-versions/v3.0/template_table.md) with the v3.0 → v4.0 change log applied (tests/standards/
# atrs/). GOV.UK publishing metadata: publishing-api ``algorithmic_transparency_record_metadata`` and
# the specialist-publisher finder (required facets and allowed values).

ATRS_VERSION = "4.0"
#: specialist-publisher ``algorithmic_transparency_record_phase`` allowed values.
ATRS_PHASE = {
    "idea": "pre-deployment",
    "framing": "pre-deployment",
    "qualified": "pre-deployment",
    "prioritised": "pre-deployment",
    "experimentation": "private-beta",
    "evaluated": "private-beta",
    "deployed": "production",
    "generalised": "production",
    "suspended": "retired",
    "retired": "retired",
    "abandoned": "retired",
}
#: Template v4.0 « Phase » drop-down labels for the same values.
ATRS_PHASE_LABEL = {
    "pre-deployment": "Pre-deployment",
    "private-beta": "Private beta",
    "public-beta": "Public beta",
    "production": "Production",
    "retired": "Retired",
}
#: specialist-publisher ``algorithmic_transparency_record_organisation_type`` for French bodies.
ATRS_ORGANISATION_TYPE = {"department": "local-authority"}
ATRS_SOCIAL_PROTECTION = {"cnaf", "caf", "cnav", "carsat", "msa", "urssaf", "cnam", "cpam", "mdph", "cnsa"}


def _atrs_function(rec: PublicRecord) -> list[str]:
    functions = ["health"]
    if rec.theme_code in NL_SOCIAL_THEMES or rec.organisation.type in ATRS_SOCIAL_PROTECTION:
        functions.append("social-protection")
    return functions


def to_atrs(rec: PublicRecord, *, base_url: str, published: dt.date) -> dict[str, Any]:
    """One ATRS record: GOV.UK publishing metadata, then the template v4.0 sheets (Tier 1 summary
    information and the eight Tier 2 sheets)."""
    org = rec.organisation
    algorithm = rec.algorithm
    emails = [c.email for c in rec.contacts if c.email]
    phase = ATRS_PHASE.get(rec.status, "pre-deployment")
    third_parties = []
    provider = _nl_provider(rec)
    external = rec.provider_type != "in_house"
    if external and provider:
        third_parties.append(
            {
                "third_party": provider,
                "companies_house_number": "",
                "third_party_role": rec.provider_type_label,
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
                "model_input": rec.data_sources,
                "model_output": "",
                "model_architecture": rec.ai_technique_label,
                "model_performance": algorithm.performance,
                "datasets_and_their_purposes": f"Entraînement : {algorithm.training_data}"
                if algorithm.training_data
                else "",
            }
        )
    sensitive = ", ".join(
        p
        for p in (
            "données de santé" if rec.health_data else "",
            "données personnelles" if rec.personal_data else "",
        )
        if p
    )
    data_fields = {
        "source_data_name": rec.data_sources,
        "data_modality": "",
        "data_description": ", ".join(rec.data_categories),
        "data_quantities": rec.data_volume,
        "sensitive_attributes": sensitive,
        "data_completeness_and_representativeness": "",
        "source_data_url": "",
        "data_collection": "",
        "data_cleaning": "",
        "data_sharing_agreements": "",
        "data_access_and_storage": rec.hosting_label,
    }
    operational = dict(data_fields)
    development = {k: "" for k in data_fields}
    if algorithm and algorithm.training_data:
        development["source_data_name"] = algorithm.training_data
        development["data_description"] = algorithm.training_data
    return {
        "publishing_metadata": {
            "algorithmic_transparency_record_organisation": org.name,
            "algorithmic_transparency_record_organisation_type": [
                ATRS_ORGANISATION_TYPE.get(org.type, "agency-or-public-body")
            ],
            "algorithmic_transparency_record_function": _atrs_function(rec),
            "algorithmic_transparency_record_phase": phase,
            "algorithmic_transparency_record_date_published": published.isoformat(),
            "algorithmic_transparency_record_atrs_version": ATRS_VERSION,
        },
        "title_information": {
            "title": rec.title,
            "organisation_name": org.name,
            "phase": ATRS_PHASE_LABEL[phase],
            "region": org.region_name or "France",
            "one_sentence_description": _clip(rec.summary.split(". ")[0], 300),
        },
        "tier_1": {
            "summary_information": {
                "name": rec.title,
                "description": rec.summary,
                # « Not all algorithmic tools will have a relevant website […] otherwise, enter ‘N/A’ »:
                # the public record page is that page.
                "website_url": record_url(base_url, rec),
                "contact_email": emails[0] if emails else "N/A",
            },
        },
        "tier_2": {
            "owner_and_responsibility": {
                "organisation_or_department": org.name,
                "team": rec.team,
                "senior_responsible_owner": rec.senior_responsible_owner,
                "third_party_involvement": "Yes" if external else "No",
                "third_parties": third_parties,
            },
            "description_and_rationale": {
                "detailed_description": "\n\n".join(
                    p
                    for p in (
                        rec.summary,
                        rec.problem,
                        f"Personnes concernées : {rec.target_population}" if rec.target_population else "",
                    )
                    if p
                ),
                "benefit": rec.expected_benefits,
                "previous_process": "",
                "alternatives_considered": rec.proportionality,
            },
            "deployment_context": {
                "integration_into_broader_operational_process": "",
                "frequency_and_scale_of_usage": rec.data_volume,
                "human_review": rec.human_oversight,
                "required_training": "",
                "appeals_and_review": "Signalement public : " + record_url(base_url, rec) + "#signaler",
            },
            "tool_specification": {
                "system_architecture": rec.ai_technique_label,
                "system_level_input": rec.data_sources,
                "system_level_output": "",
                "maintenance": "",
                "models": [m["model_name"] for m in models],
            },
            "model_specification": models,
            "development_data_specification": development,
            "operational_data_specification": operational,
            "risks_mitigations_and_impact_assessments": {
                "impact_assessment": rec.impact_assessment_summary,
                "risks_and_mitigations": "\n\n".join(
                    p
                    for p in (
                        f"Catégorie AI Act : {rec.ai_act_category_label}"
                        if rec.ai_act_category_label
                        else "",
                        rec.risks,
                    )
                    if p
                ),
            },
        },
    }


# --- DCAT-AP ------------------------------------------------------------------------------------

DISTRIBUTIONS = (
    (
        "registre.csv",
        "CSV séparé par des points-virgules (UTF-8 avec BOM)",
        "CSV",
        "text/csv",
        "Une ligne par cas d'usage public, pour les tableurs ; listes séparées par « | ».",
    ),
    (
        "registre-virgule.csv",
        "CSV séparé par des virgules (UTF-8)",
        "CSV",
        "text/csv",
        "Une ligne par cas d'usage public, CSV standard (RFC 4180) pour les programmes.",
    ),
    ("registre.json", "JSON", "JSON", "application/json", "Les cas d'usage publics et la licence, en JSON."),
    (
        "registre.parquet",
        "Parquet",
        "PARQUET",
        "application/vnd.apache.parquet",
        "Les cas d'usage publics en Parquet, colonnes typées et décrites.",
    ),
    (
        "algoritmeregister.json",
        "Format du registre néerlandais des algorithmes (v1.0)",
        "JSON",
        "application/json",
        "Les cas d'usage au standard de publication 1.0 de l'Algoritmeregister néerlandais.",
    ),
    (
        "atrs.json",
        "Format UK ATRS (modèle v4.0)",
        "JSON",
        "application/json",
        "Les cas d'usage au modèle v4.0 de l'Algorithmic Transparency Recording Standard britannique.",
    ),
)


EU = "http://publications.europa.eu/resource/authority"
#: When the register started to be published (catalogue ``dct:issued``).
CATALOGUE_ISSUED = dt.date(2025, 1, 1)


def _concept(iri: str, label: str, scheme: str, scheme_title: str) -> dict[str, Any]:
    """A controlled-vocabulary value as DCAT-AP wants it: a ``skos:Concept`` with its label, in its
    ``skos:ConceptScheme`` (labels are those of the EU vocabularies)."""
    return {
        "@id": iri,
        "@type": "skos:Concept",
        "skos:prefLabel": {"@language": "en", "@value": label},
        "skos:inScheme": {"@id": scheme, "@type": "skos:ConceptScheme", "dct:title": scheme_title},
    }


def dcat_catalog(
    *, base_url: str, records: Sequence[PublicRecord], publisher: str, contact_email: str = ""
) -> dict[str, Any]:
    """The DCAT-AP 3.0.1 description (JSON-LD) of the catalogue, the dataset and its distributions.

    Every node carries the class the DCAT-AP range shapes expect (media types, formats, languages,
    places, standards, documents, concepts), the dataset a ``dct:identifier`` (data.gouv.fr's harvester
    skips a dataset without one) and the recommended properties; see ``docs/open-data/mappings.md``."""
    root = base_url.rstrip("/")
    open_data = f"{root}/donnees-ouvertes/"
    modified = max((r.updated_at for r in records), default=None)
    starts = [r.start_date for r in records if r.start_date]
    licence = {
        "@id": LICENCE_URL,
        "@type": "dct:LicenseDocument",
        "dct:title": LICENCE_NAME,
        "dct:type": _concept(
            "http://purl.org/adms/licencetype/Attribution",
            "Attribution",
            "http://purl.org/adms/licencetype/1.1",
            "ADMS licence type",
        ),
    }
    publisher_node = {
        "@id": f"{root}/#editeur",
        "@type": "foaf:Agent",
        "foaf:name": publisher,
        "dct:type": _concept(
            "http://purl.org/adms/publishertype/NationalAuthority",
            "National authority",
            "http://purl.org/adms/publishertype/1.0",
            "ADMS publisher type",
        ),
    }
    contact: dict[str, Any] = {"@id": f"{root}/#contact", "@type": "vcard:Kind", "vcard:fn": publisher}
    if contact_email:
        contact["vcard:hasEmail"] = {"@id": f"mailto:{contact_email}"}
    contact["vcard:hasURL"] = {"@id": open_data}
    french = {"@id": f"{EU}/language/FRA", "@type": "dct:LinguisticSystem"}
    france = {"@id": f"{EU}/country/FRA", "@type": "dct:Location"}
    landing = {"@id": open_data, "@type": "foaf:Document"}
    dictionary = {
        "@id": f"{root}/donnees-ouvertes/dictionnaire.json",
        "@type": "dct:Standard",
        "dct:title": "Dictionnaire des données du registre public",
    }
    distributions = [
        {
            "@id": f"{root}/donnees-ouvertes/{name}",
            "@type": "dcat:Distribution",
            "dct:title": title,
            "dct:description": {"@language": "fr", "@value": description},
            "dcat:accessURL": {"@id": open_data},
            "dcat:downloadURL": {"@id": f"{root}/donnees-ouvertes/{name}"},
            "dct:format": {"@id": f"{EU}/file-type/{fmt}", "@type": "dct:MediaTypeOrExtent"},
            "dcat:mediaType": {
                "@id": f"https://www.iana.org/assignments/media-types/{media}",
                "@type": "dct:MediaType",
            },
            "dcatap:availability": _concept(
                f"{EU}/planned-availability/STABLE",
                "stable",
                f"{EU}/planned-availability",
                "Planned availability",
            ),
            "dct:license": licence,
            **({"dct:conformsTo": standard} if (standard := _distribution_standard(name, root)) else {}),
        }
        for name, title, fmt, media, description in DISTRIBUTIONS
    ]
    theme_scheme = f"{EU}/data-theme"
    dataset: dict[str, Any] = {
        "@id": f"{root}/donnees-ouvertes/#registre",
        "@type": "dcat:Dataset",
        "dct:identifier": f"{root}/donnees-ouvertes/#registre",
        "dct:title": {"@language": "fr", "@value": "Registre public des cas d'usage de l'IA"},
        "dct:description": {
            "@language": "fr",
            "@value": (
                "Cas d'usage de l'intelligence artificielle publiés par les organismes publics de santé, "
                f"du médico-social et de la protection sociale ({len(records)} fiches) : finalité, données, "
                "contrôle humain, base légale, analyses d'impact, risques, catégorie AI Act."
            ),
        },
        "dct:publisher": publisher_node,
        "dcat:contactPoint": contact,
        "dct:license": licence,
        "dcat:theme": [
            _concept(f"{theme_scheme}/HEAL", "Health", theme_scheme, "Data theme"),
            _concept(f"{theme_scheme}/GOVE", "Government and public sector", theme_scheme, "Data theme"),
        ],
        "dcat:keyword": ["intelligence artificielle", "santé", "protection sociale", "algorithmes publics"],
        "dct:language": french,
        "dct:spatial": france,
        "dct:accrualPeriodicity": {"@id": f"{EU}/frequency/CONT", "@type": "dct:Frequency"},
        "dcat:landingPage": landing,
        "dct:conformsTo": dictionary,
        "dcat:distribution": distributions,
    }
    if starts:
        dataset["dct:temporal"] = {
            "@id": f"{root}/donnees-ouvertes/#periode",
            "@type": "dct:PeriodOfTime",
            "dcat:startDate": {"@type": "xsd:date", "@value": min(starts).isoformat()},
        }
    if modified:
        dataset["dct:modified"] = {"@type": "xsd:dateTime", "@value": modified.isoformat()}
    catalogue: dict[str, Any] = {
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#",
            "dcatap": "http://data.europa.eu/r5r/",
            "dct": "http://purl.org/dc/terms/",
            "foaf": "http://xmlns.com/foaf/0.1/",
            "skos": "http://www.w3.org/2004/02/skos/core#",
            "vcard": "http://www.w3.org/2006/vcard/ns#",
            "xsd": "http://www.w3.org/2001/XMLSchema#",
        },
        "@id": f"{root}/donnees-ouvertes/catalogue.jsonld",
        "@type": "dcat:Catalog",
        "dct:title": {"@language": "fr", "@value": "Atlas IA — données ouvertes"},
        "dct:description": {"@language": "fr", "@value": "Catalogue des données ouvertes d'Atlas IA."},
        "dct:publisher": publisher_node,
        "dct:license": licence,
        "dct:issued": {"@type": "xsd:date", "@value": CATALOGUE_ISSUED.isoformat()},
        "dct:language": french,
        "dct:spatial": france,
        "foaf:homepage": {"@id": f"{root}/", "@type": "foaf:Document"},
        "dcat:themeTaxonomy": {"@id": theme_scheme, "@type": "skos:ConceptScheme", "dct:title": "Data theme"},
        "dcat:dataset": [dataset],
    }
    if modified:
        catalogue["dct:modified"] = {"@type": "xsd:dateTime", "@value": modified.isoformat()}
    return catalogue


def _distribution_standard(name: str, root: str) -> dict[str, Any] | None:
    standards = {
        "registre.json": (
            f"{root}/donnees-ouvertes/schemas/registre-public.json",
            "Schéma JSON du registre public",
        ),
        "algoritmeregister.json": (
            "https://github.com/MinBZK/Algoritmeregister/blob/main/backend/app/schemas/config/v1_0.json",
            "Algoritmeregister publicatiestandaard 1.0",
        ),
        "atrs.json": (
            "https://www.gov.uk/government/collections/algorithmic-transparency-recording-standard-hub",
            f"Algorithmic Transparency Recording Standard v{ATRS_VERSION}",
        ),
    }
    if name not in standards:
        return None
    iri, title = standards[name]
    return {"@id": iri, "@type": "dct:Standard", "dct:title": title}


def load_schema(name: str) -> dict[str, Any]:
    return json.loads((SCHEMAS_DIR / name).read_text(encoding="utf-8"))


def registre_public_schema() -> dict[str, Any]:
    """The JSON Schema of ``registre.json``, generated from :data:`FIELDS` (the committed file
    ``schemas/registre-public.schema.json`` is its output; a test checks it is up to date)."""
    kinds: dict[str, dict[str, Any]] = {
        "string": {"type": "string"},
        "boolean": {"type": "boolean"},
        "number": {"type": ["number", "null"]},
        "list": {"type": "array", "items": {"type": "string"}},
        "date": {"type": ["string", "null"], "pattern": r"^\d{4}-\d{2}-\d{2}$"},
    }
    formats = {"identifiant": "uuid", "url_fiche": "uri"}
    properties = {
        f.name: {
            **kinds[f.type],
            "description": f.description,
            **({"format": formats[f.name]} if f.name in formats else {}),
        }
        for f in FIELDS
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://atlas-ia.example/schemas/registre-public.schema.json",
        "title": "Registre public des cas d'usage de l'IA — export JSON",
        "type": "object",
        "additionalProperties": False,
        "required": ["titre", "licence", "dictionnaire", "nombre", "cas_d_usage"],
        "properties": {
            "titre": {"type": "string"},
            "licence": {
                "type": "object",
                "required": ["nom", "url"],
                "properties": {"nom": {"type": "string"}, "url": {"type": "string"}},
            },
            "dictionnaire": {"type": "string"},
            "nombre": {"type": "integer", "minimum": 0},
            "cas_d_usage": {"type": "array", "items": {"$ref": "#/$defs/record"}},
        },
        "$defs": {
            "record": {
                "type": "object",
                "additionalProperties": False,
                "required": list(FIELD_NAMES),
                "properties": properties,
            }
        },
    }
