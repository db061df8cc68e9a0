"""Environmental footprint of AI use cases: pure helpers (no Django).

- :func:`parse_codecarbon_csv` reads CodeCarbon's ``emissions.csv`` (any version that has the required
  columns), checks every row and returns the summed figures, or raises :class:`FootprintError` with a
  French message naming the column or the row; nothing is half-read.
- :func:`estimate_genai` estimates the footprint of generative-AI usage (model, generated tokens,
  number of requests) with EcoLogits, which ships its model and electricity-mix tables and runs offline.
- :func:`electricity_factor` gives the default carbon intensity of electricity (France), with its source,
  from ``data/footprint/electricity.json``; :func:`co2e_from_energy` applies it.
- :func:`coverage_rate` is the AI-literacy coverage (trained agents / agents using AI).

Reference data and their sources live in ``data/footprint/``.
"""

from __future__ import annotations

import csv
import io
import json
import math
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent.parent.parent / "data" / "footprint"


class FootprintError(ValueError):
    """Bad input for a footprint computation; ``str(error)`` is a French message saying what and where."""


# --- electricity -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ElectricityFactor:
    zone: str
    kg_co2e_per_kwh: float
    label: str
    source: str
    source_url: str


@cache
def _electricity_table() -> dict[str, Any]:
    return json.loads((DATA_DIR / "electricity.json").read_text(encoding="utf-8"))


def electricity_factor(zone: str | None = None) -> ElectricityFactor:
    """The carbon intensity of electricity for ``zone`` (France by default), with its source."""
    table = _electricity_table()
    code = zone or table["default_zone"]
    try:
        item = table["factors"][code]
    except KeyError:
        raise FootprintError(f"Aucun facteur d'émission de l'électricité pour la zone « {code} ».") from None
    return ElectricityFactor(
        code, float(item["kg_co2e_per_kwh"]), item["label"], item["source"], item["source_url"]
    )


def co2e_from_energy(energy_kwh: float, factor_kg_per_kwh: float) -> float:
    if energy_kwh < 0:
        raise FootprintError(f"L'énergie ne peut pas être négative ({energy_kwh} kWh).")
    return energy_kwh * factor_kg_per_kwh


# --- CodeCarbon --------------------------------------------------------------------------------------

#: Present in every CodeCarbon version's CSV output (1.x to 3.x); the rest is read when present.
CODECARBON_REQUIRED: tuple[str, ...] = ("timestamp", "duration", "emissions", "energy_consumed")
#: Numeric columns that must not be negative when present.
CODECARBON_NUMERIC: tuple[str, ...] = (
    "duration",
    "emissions",
    "energy_consumed",
    "emissions_rate",
    "cpu_power",
    "gpu_power",
    "ram_power",
    "cpu_energy",
    "gpu_energy",
    "ram_energy",
    "water_consumed",
)
MAX_CODECARBON_ROWS = 100_000


@dataclass
class CodeCarbonSummary:
    rows: int
    energy_kwh: float
    co2e_kg: float
    water_l: float | None
    duration_s: float
    first: datetime
    last: datetime
    versions: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    projects: list[str] = field(default_factory=list)


def _parse_timestamp(raw: str) -> datetime | None:
    value = raw.strip()
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed


def _number(raw: str | None) -> float | None:
    if raw is None or raw.strip() == "":
        return None
    try:
        value = float(raw.strip().replace(",", "."))
    except ValueError:
        return math.nan
    return value


def parse_codecarbon_csv(content: bytes | str, *, today: date | None = None) -> CodeCarbonSummary:
    """Sum a CodeCarbon ``emissions.csv``: energy (kWh), emissions (kg CO2e), water (L) when the version
    reports it. Raise :class:`FootprintError` naming the missing columns, or the row and column of the
    first bad value (not a number, negative, date unreadable or in the future)."""
    if isinstance(content, bytes):
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise FootprintError(
                "Le fichier n'est pas un CSV en UTF-8 (sortie de CodeCarbon attendue)."
            ) from None
    else:
        text = content.lstrip("\ufeff")
    if not text.strip():
        raise FootprintError("Le fichier CodeCarbon est vide.")
    reader = csv.DictReader(io.StringIO(text))
    columns = [c.strip() for c in (reader.fieldnames or [])]
    reader.fieldnames = columns
    missing = [c for c in CODECARBON_REQUIRED if c not in columns]
    if missing:
        plural = "s" if len(missing) > 1 else ""
        raise FootprintError(
            f"Colonne{plural} obligatoire{plural} absente{plural} du fichier CodeCarbon : "
            f"{', '.join(missing)}. Colonnes trouvées : {', '.join(columns) or 'aucune'}. "
            "Exportez le fichier emissions.csv produit par CodeCarbon sans le modifier."
        )
    numeric = [c for c in CODECARBON_NUMERIC if c in columns]
    limit_day = today or datetime.now(UTC).date()
    energy = co2e = duration = 0.0
    water: float | None = 0.0 if "water_consumed" in columns else None
    first: datetime | None = None
    last: datetime | None = None
    versions: set[str] = set()
    countries: set[str] = set()
    projects: set[str] = set()
    rows = 0
    for line_number, row in enumerate(reader, start=2):
        if not any((v or "").strip() for v in row.values() if isinstance(v, str)):
            continue  # blank line
        rows += 1
        if rows > MAX_CODECARBON_ROWS:
            raise FootprintError(f"Le fichier dépasse {MAX_CODECARBON_ROWS} lignes de mesure.")
        stamp = _parse_timestamp(row.get("timestamp") or "")
        if stamp is None:
            raise FootprintError(
                f"Ligne {line_number}, colonne « timestamp » : date illisible "
                f"(« {row.get('timestamp') or ''} ») ; format attendu AAAA-MM-JJTHH:MM:SS."
            )
        if stamp.date() > limit_day:
            raise FootprintError(
                f"Ligne {line_number}, colonne « timestamp » : la date {stamp:%d/%m/%Y} est dans le futur."
            )
        values: dict[str, float | None] = {}
        for name in numeric:
            value = _number(row.get(name))
            if value is not None and (math.isnan(value) or math.isinf(value)):
                raise FootprintError(
                    f"Ligne {line_number}, colonne « {name} » : « {row.get(name)} » n'est pas un nombre."
                )
            if value is not None and value < 0:
                raise FootprintError(
                    f"Ligne {line_number}, colonne « {name} » : valeur négative ({row.get(name)}) ; "
                    "une consommation ou une émission ne peut pas être négative."
                )
            values[name] = value
        for name in CODECARBON_REQUIRED[1:]:
            if values.get(name) is None:
                raise FootprintError(f"Ligne {line_number}, colonne « {name} » : valeur manquante.")
        energy += values["energy_consumed"] or 0.0
        co2e += values["emissions"] or 0.0
        duration += values["duration"] or 0.0
        if water is not None:
            water += values.get("water_consumed") or 0.0
        naive = stamp.replace(tzinfo=None)
        first = naive if first is None or naive < first else first
        last = naive if last is None or naive > last else last
        for key, bucket in (
            ("codecarbon_version", versions),
            ("country_iso_code", countries),
            ("project_name", projects),
        ):
            if (row.get(key) or "").strip():
                bucket.add(row[key].strip())
    if rows == 0 or first is None or last is None:
        raise FootprintError("Le fichier CodeCarbon ne contient aucune ligne de mesure.")
    return CodeCarbonSummary(
        rows=rows,
        energy_kwh=energy,
        co2e_kg=co2e,
        water_l=water,
        duration_s=duration,
        first=first,
        last=last,
        versions=sorted(versions),
        countries=sorted(countries),
        projects=sorted(projects),
    )


# --- generative AI (EcoLogits) -----------------------------------------------------------------------


@dataclass(frozen=True)
class GenAIEstimate:
    energy_kwh: float
    co2e_kg: float
    water_l: float | None
    per_request_energy_kwh: float
    method_fr: str
    warnings: tuple[str, ...] = ()


def _mid(value: Any) -> float:
    """EcoLogits returns a float or a range (min, max): keep the middle of the range."""
    if hasattr(value, "min") and hasattr(value, "max"):
        return (float(value.min) + float(value.max)) / 2
    return float(value)


def genai_providers() -> list[str]:
    from ecologits.tracers.utils import PROVIDER_CONFIG_MAP

    return sorted(PROVIDER_CONFIG_MAP)


def genai_models(provider: str) -> list[str]:
    from ecologits.model_repository import models

    return sorted(
        m.name for m in models.list_models() if getattr(m.provider, "value", m.provider) == provider
    )


def estimate_genai(
    *, provider: str, model: str, output_tokens_per_request: int, requests: int, zone: str | None = None
) -> GenAIEstimate:
    """Footprint of ``requests`` generations of ``output_tokens_per_request`` tokens with ``model``.

    EcoLogits (https://ecologits.ai, offline tables) models the inference of the request on the
    provider's servers: energy from the model's active parameters and the generation time, embodied
    and usage impacts, the electricity mix of the provider's data centres (``zone``, ISO 3166-1 alpha-3,
    overrides it, e.g. ``FRA`` for a model hosted in France). Ranges are reduced to their middle.
    """
    if requests <= 0:
        raise FootprintError("Le nombre de requêtes doit être strictement positif.")
    if output_tokens_per_request <= 0:
        raise FootprintError("Le nombre de jetons générés par requête doit être strictement positif.")
    try:
        from ecologits import __version__ as ecologits_version
        from ecologits.tracers.utils import llm_impacts
    except ImportError:  # pragma: no cover - ecologits is a pinned dependency
        raise FootprintError(
            "L'estimation nécessite la bibliothèque EcoLogits, absente de l'installation."
        ) from None
    if provider not in genai_providers():
        raise FootprintError(
            f"Fournisseur « {provider} » inconnu d'EcoLogits ; "
            f"valeurs admises : {', '.join(genai_providers())}."
        )
    impacts = llm_impacts(
        provider=provider,
        model_name=model,
        output_token_count=output_tokens_per_request,
        request_latency=math.inf,  # unknown latency: EcoLogits then uses the model's generation speed
        electricity_mix_zone=zone,
    )
    if impacts.has_errors or impacts.energy is None or impacts.gwp is None:
        detail = "; ".join(str(e.message) for e in impacts.errors or [])
        raise FootprintError(
            f"Modèle « {model} » inconnu d'EcoLogits pour le fournisseur « {provider} » ({detail})."
        )
    energy = _mid(impacts.energy.value)
    gwp = _mid(impacts.gwp.value)
    water = _mid(impacts.wcf.value) if impacts.wcf is not None else None
    where = f"mix électrique {zone}" if zone else "mix électrique des centres de données du fournisseur"
    method = (
        f"Estimation EcoLogits {ecologits_version} : {requests} requêtes × "
        f"{output_tokens_per_request} jetons "
        f"générés, modèle {model} ({provider}), {where} ; phases d'usage et de fabrication incluses, "
        "milieu de la fourchette."
    )
    return GenAIEstimate(
        energy_kwh=energy * requests,
        co2e_kg=gwp * requests,
        water_l=water * requests if water is not None else None,
        per_request_energy_kwh=energy,
        method_fr=method,
        warnings=tuple(str(w.message) for w in impacts.warnings or []),
    )


# --- AI literacy -------------------------------------------------------------------------------------


def coverage_rate(trained: int, agents_using_ai: int | None) -> float | None:
    """Share of the agents who use AI that completed at least one module (0 to 1, capped at 1);
    ``None`` when the organisation has not declared how many agents use AI."""
    if not agents_using_ai:
        return None
    if trained < 0 or agents_using_ai < 0:
        raise FootprintError("Les effectifs ne peuvent pas être négatifs.")
    return min(1.0, trained / agents_using_ai)


def format_rate_fr(rate: float | None) -> str:
    if rate is None:
        return "non déclaré"
    return f"{rate * 100:.0f} %".replace(".", ",")
