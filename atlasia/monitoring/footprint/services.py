"""Writes of footprint: each service checks the permission, validates, writes and records the audit row
in one transaction; a refusal changes nothing."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping
from datetime import date
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from atlasia.accounts.models import User
from atlasia.audit.models import AuditAction
from atlasia.audit.services import diff, snapshot
from atlasia.core import footprint as fp
from atlasia.monitoring import perms as mperms
from atlasia.monitoring.common import assign as _assign
from atlasia.monitoring.common import audit as _audit
from atlasia.monitoring.common import refuse as _refuse
from atlasia.registry.models import UseCase
from atlasia.registry.uploads import check_upload

from .enums import FootprintMethod, Phase
from .models import Footprint

logger = logging.getLogger(__name__)


# --- footprint ---------------------------------------------------------------------------------------

FOOTPRINT_DECLARED_FIELDS = (
    "phase",
    "period_start",
    "period_end",
    "energy_kwh",
    "co2e_kg",
    "water_l",
    "method_note",
)


def _require_footprint(actor: User | None, use_case: UseCase) -> None:
    if not mperms.can_declare(actor, use_case.organisation):
        _refuse(gettext("Votre rôle ne permet pas de renseigner l'empreinte de ce cas d'usage."))


def _save_footprint(actor: User | None, footprint: Footprint, message: str) -> Footprint:
    footprint.full_clean()
    footprint.save()
    _audit(
        actor,
        AuditAction.CREATE,
        footprint,
        use_case=footprint.use_case,
        changes=diff({}, snapshot(footprint)),
        message=message,
    )
    return footprint


@transaction.atomic
def footprint_declare(*, actor: User | None, use_case: UseCase, data: Mapping[str, Any]) -> Footprint:
    """Declared figures. When only the energy is known, CO2e uses the default French electricity factor
    (``data/footprint/electricity.json``), recorded on the row."""
    _require_footprint(actor, use_case)
    footprint = Footprint(use_case=use_case, method=FootprintMethod.DECLARED, created_by=actor)
    _assign(footprint, data, FOOTPRINT_DECLARED_FIELDS)
    if footprint.energy_kwh is not None and footprint.energy_kwh >= 0 and footprint.co2e_kg is None:
        factor = fp.electricity_factor()
        footprint.carbon_factor = factor.kg_co2e_per_kwh
        footprint.co2e_kg = fp.co2e_from_energy(footprint.energy_kwh, factor.kg_co2e_per_kwh)
        footprint.method_note = (
            f"{footprint.method_note}\nÉmissions calculées avec le facteur "
            f"{factor.kg_co2e_per_kwh} kg CO2e/kWh "
            f"({factor.source})."
        ).strip()
    return _save_footprint(actor, footprint, "Empreinte déclarée")


@transaction.atomic
def footprint_import_codecarbon(
    *,
    actor: User | None,
    use_case: UseCase,
    name: str,
    size: int,
    handle: IO[bytes],
    phase: str = Phase.TRAINING,
) -> Footprint:
    """Import a CodeCarbon ``emissions.csv``: the rows are summed into one measured footprint. A bad file
    (missing column, negative figure, date in the future) raises a ValidationError naming the column
    or row; nothing is stored."""
    _require_footprint(actor, use_case)
    check_upload(name, size, handle)
    if not name.lower().endswith(".csv"):
        raise ValidationError(
            gettext(
                "Le fichier « %(name)s » n'est pas un CSV : importez le fichier emissions.csv de CodeCarbon."
            )
            % {"name": name}
        )
    handle.seek(0)
    content = handle.read()
    file_hash = hashlib.sha256(content).hexdigest()
    try:
        summary = fp.parse_codecarbon_csv(content, today=timezone.localdate())
    except fp.FootprintError as error:
        raise ValidationError(gettext("« %(name)s » : %(error)s") % {"name": name, "error": error}) from None
    # The use case row is locked so two submissions of the same file are checked one after the other.
    UseCase.objects.select_for_update().filter(pk=use_case.pk).first()
    previous = Footprint.objects.filter(use_case=use_case, source_file_hash=file_hash).first()
    if previous is not None:
        raise ValidationError(
            gettext(
                "Ce fichier (« %(name)s », contenu identique à « %(source_file_name)s "
                "») a déjà été importé pour ce cas d'usage le %(created_at)s : "
                "l'importer de nouveau compterait deux fois les mêmes mesures. Rien "
                "n'a été ajouté."
            )
            % {
                "name": name,
                "source_file_name": previous.source_file_name,
                "created_at": format(timezone.localtime(previous.created_at), "%d/%m/%Y"),
            }
        )
    already = ValidationError(
        f"Ce fichier (« {name} ») vient d'être importé pour ce cas d'usage : l'importer de nouveau "
        "compterait deux fois les mêmes mesures. Rien n'a été ajouté."
    )
    versions = ", ".join(summary.versions) or "non indiquée"
    footprint = Footprint(
        use_case=use_case,
        phase=phase,
        method=FootprintMethod.MEASURED,
        period_start=summary.first.date(),
        period_end=summary.last.date(),
        energy_kwh=summary.energy_kwh,
        co2e_kg=summary.co2e_kg,
        water_l=summary.water_l,
        source_file_name=name[:255],
        source_file_hash=file_hash,
        measurement_rows=summary.rows,
        tool_version=versions[:60],
        method_note=(
            f"Mesure CodeCarbon (version {versions}) : {summary.rows} ligne(s), durée totale "
            + f"{summary.duration_s / 3600:.1f} h".replace(".", ",")
            + (f", pays {', '.join(summary.countries)}" if summary.countries else "")
            + ". Émissions calculées par CodeCarbon avec l'intensité carbone de la zone mesurée."
        ),
        created_by=actor,
    )
    try:
        with transaction.atomic():
            return _save_footprint(actor, footprint, f"Empreinte importée de CodeCarbon ({name})")
    except IntegrityError:  # the same file submitted twice at once (SQLite does not lock the row)
        raise already from None
    except ValidationError as error:
        if "__all__" in getattr(error, "error_dict", {}):  # the unique constraint, checked by full_clean
            raise already from None
        raise


@transaction.atomic
def footprint_estimate_genai(
    *,
    actor: User | None,
    use_case: UseCase,
    provider: str,
    model: str,
    output_tokens_per_request: int,
    requests: int,
    zone: str | None = None,
    period_start: date | None = None,
    period_end: date | None = None,
) -> Footprint:
    """Estimate generative-AI usage with EcoLogits (offline) and store it as an inference footprint."""
    _require_footprint(actor, use_case)
    try:
        estimate = fp.estimate_genai(
            provider=provider,
            model=model,
            output_tokens_per_request=output_tokens_per_request,
            requests=requests,
            zone=zone or None,
        )
    except fp.FootprintError as error:
        raise ValidationError(str(error)) from None
    footprint = Footprint(
        use_case=use_case,
        phase=Phase.INFERENCE,
        method=FootprintMethod.ESTIMATED,
        period_start=period_start,
        period_end=period_end,
        energy_kwh=estimate.energy_kwh,
        co2e_kg=estimate.co2e_kg,
        water_l=estimate.water_l,
        provider=provider,
        model_name=model[:120],
        output_tokens_per_request=output_tokens_per_request,
        requests=requests,
        method_note=estimate.method_fr
        + (" Avertissements : " + " ".join(estimate.warnings) if estimate.warnings else ""),
        created_by=actor,
    )
    return _save_footprint(actor, footprint, "Empreinte estimée (IA générative)")


@transaction.atomic
def footprint_delete(*, actor: User, footprint: Footprint) -> None:
    _require_footprint(actor, footprint.use_case)
    _audit(
        actor,
        AuditAction.DELETE,
        footprint,
        use_case=footprint.use_case,
        changes=diff(snapshot(footprint), {}),
    )
    footprint.delete()
