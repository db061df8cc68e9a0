"""Writes of the publication app: the public's problem reports (stored as externalities), report
runs. Each write records its audit row in the same transaction."""

from __future__ import annotations

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext, gettext_noop

from atlasia.accounts.models import User
from atlasia.audit.models import AuditAction
from atlasia.audit.services import audit_record
from atlasia.monitoring.externalities.models import Externality
from atlasia.monitoring.externalities.services import externality_receive_public
from atlasia.registry.enums import PublicationLevel
from atlasia.registry.models import Organisation, UseCase

from .enums import ProblemCategory, ReportScope
from .models import ReportRun

PROBLEM_REPORTS_PER_HOUR = 5
RATE_WINDOW_SECONDS = 3600


class RateLimited(Exception):
    """Too many problem reports from the same address in the window."""


def _rate_key(client_ip: str) -> str:
    return f"publication:problem-report:{client_ip or 'unknown'}"


def rate_limit_check(*, client_ip: str, limit: int = PROBLEM_REPORTS_PER_HOUR) -> None:
    """Raise :class:`RateLimited` when ``client_ip`` has already sent ``limit`` reports this hour."""
    if (cache.get(_rate_key(client_ip)) or 0) >= limit:
        raise RateLimited(
            gettext(
                "Vous avez déjà envoyé %(limit)s signalements depuis moins d'une "
                "heure. Pour éviter les abus, merci de réessayer plus tard."
            )
            % {"limit": limit}
        )


def _rate_limit_count(client_ip: str) -> None:
    key = _rate_key(client_ip)
    if cache.add(key, 1, RATE_WINDOW_SECONDS):
        return
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, RATE_WINDOW_SECONDS)


def problem_report_create(
    *, use_case: UseCase, category: str, description: str, contact_email: str = "", client_ip: str = ""
) -> Externality:
    """Receive a problem reported by the public on a public record (rate-limited per address). It is
    stored as a negative externality of source « registre public » (one model for every channel, in
    ``atlasia.monitoring.externalities``), for the owner organisation — or its regional, then national
    team — to triage."""
    if use_case.publication_level != PublicationLevel.PUBLIC:
        raise PermissionDenied(gettext("Ce cas d'usage n'est pas publié dans le registre public."))
    if category not in ProblemCategory.values:
        raise ValidationError({"category": gettext("Choisissez une catégorie dans la liste.")})
    rate_limit_check(client_ip=client_ip)
    report = externality_receive_public(
        use_case=use_case, category=category, description=description, contact_email=contact_email
    )
    _rate_limit_count(client_ip)
    return report


def reportrun_request(
    *,
    actor: User,
    year: int,
    scope: str = ReportScope.NATION,
    region: str = "",
    organisation: Organisation | None = None,
    public_only: bool = False,
) -> ReportRun:
    """Create a report run and queue its background job once the transaction is committed.
    ``public_only``: the report covers the public register only (a report to be published)."""
    from .tasks import build_report  # the task module imports the report builder, which imports this app

    with transaction.atomic():
        run = ReportRun(
            year=year,
            scope=scope,
            region=region if scope == ReportScope.REGION else "",
            organisation=organisation if scope == ReportScope.ORGANISATION else None,
            public_only=public_only,
            requested_by=actor if getattr(actor, "is_authenticated", False) else None,
            step=gettext_noop("En attente du traitement en arrière-plan"),
        )
        errors = {}
        if scope == ReportScope.REGION and not run.region:
            errors["region"] = gettext("Choisissez la région du rapport.")
        if scope == ReportScope.ORGANISATION and run.organisation is None:
            errors["organisation"] = gettext("Choisissez l'organisation du rapport.")
        if not 2000 <= year <= 2100:
            errors["year"] = gettext("L'année doit être comprise entre 2000 et 2100.")
        if errors:
            raise ValidationError(errors)
        run.full_clean()
        run.save()
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=run,
            changes={
                "year": year,
                "scope": scope,
                "region": run.region,
                "organisation": str(organisation or ""),
                "public_only": public_only,
            },
            organisation_id=run.organisation_id,
            message="Demande de rapport annuel",
        )
        run_id = run.pk
        transaction.on_commit(lambda: build_report.enqueue(run_id))
    return run
