"""Pulling the records another Atlas IA instance shares (exchange format 1.0).

Idempotent: the same remote uid always maps to the same local record (``RemoteProvenance``); a record
changed at the source (newer ``updated_at``) is updated; a record no longer served is marked withdrawn
(kept, with a notice on its page), and un-withdrawn if it comes back. The whole answer (every page) is
read and checked before anything is written, and the writes happen in one transaction: a malformed
answer, a wrong format version, an unknown field or an unknown code writes nothing and is reported
precisely. Pulled records belong to a local copy of their source organisation (slug
``<subscription>--<remote slug>``); their qualification and experiments are kept as received in the
provenance and shown in the provenance panel.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from pydantic import ValidationError as PydanticValidationError

from atlasia.accounts import perms
from atlasia.audit.models import AuditAction
from atlasia.audit.services import audit_record, diff, snapshot
from atlasia.core.spreadsheet import normalise_header
from atlasia.registry import reference
from atlasia.registry.models import AITechnique, Organisation, Theme, UseCase

from .codes import code_lists
from .enums import SubscriptionStatus
from .exchange_format import FORMAT_NAME, FORMAT_VERSION, ExDocument, ExRecord
from .models import RemoteProvenance, Subscription

PAGE_SIZE = 200
MAX_PAGES = 500


@dataclass
class PullResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    withdrawn: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        if self.errors:
            return "Synchronisation refusée, rien n'a été écrit : " + " ; ".join(self.errors[:10])
        return (
            f"Synchronisation terminée : {self.created} créée(s), {self.updated} mise(s) à jour, "
            f"{self.unchanged} inchangée(s), {self.withdrawn} retirée(s) à la source."
        )


class ExchangeError(ValueError):
    pass


@transaction.atomic
def subscription_create(*, actor: Any, data: dict[str, Any]) -> Subscription:
    if not perms.is_platform_admin(actor):
        raise PermissionDenied("Seuls les administrateurs de la plateforme gèrent les abonnements.")
    subscription = Subscription(**data)
    subscription.full_clean()
    subscription.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=subscription,
        changes=diff({}, snapshot(subscription, exclude=("token",))),
    )
    return subscription


# --- reading -----------------------------------------------------------------------------------------


def parse_document(raw: bytes | str) -> ExDocument:
    """Read one page of the exchange format; :class:`ExchangeError` with a precise French message."""
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ExchangeError(
            f"la réponse n'est pas un JSON valide (ligne {exc.lineno}, colonne {exc.colno} : {exc.msg})"
        ) from None
    if not isinstance(data, dict):
        raise ExchangeError("la réponse n'est pas un objet JSON")
    if data.get("format") != FORMAT_NAME:
        raise ExchangeError(f"format « {data.get('format')} » inconnu (attendu : {FORMAT_NAME})")
    if data.get("version") != FORMAT_VERSION:
        raise ExchangeError(
            f"version du format « {data.get('version')} » non prise en charge (attendu : {FORMAT_VERSION})"
        )
    try:
        return ExDocument.model_validate(data)
    except PydanticValidationError as exc:
        messages = []
        for err in exc.errors()[:20]:
            where = ".".join(str(p) for p in err["loc"])
            if err["type"] == "extra_forbidden":
                messages.append(f"champ inconnu « {where} »")
            elif err["type"] == "missing":
                messages.append(f"champ obligatoire absent « {where} »")
            else:
                messages.append(f"valeur invalide pour « {where} » ({err['msg']})")
        raise ExchangeError("document non conforme au schéma 1.0 : " + " ; ".join(messages)) from None


def fetch_all(subscription: Subscription) -> list[ExRecord]:
    base = subscription.base_url.rstrip("/")
    records: list[ExRecord] = []
    offset = 0
    for _page in range(MAX_PAGES):
        url = f"{base}/api/v1/exchange/records?" + urllib.parse.urlencode(
            {"limit": PAGE_SIZE, "offset": offset}
        )
        request = urllib.request.Request(url, headers={"Accept": "application/json"})  # noqa: S310
        if subscription.token:
            request.add_header("Authorization", f"Bearer {subscription.token}")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (URL set by an admin)
                body = response.read()
        except urllib.error.HTTPError as exc:
            raise ExchangeError(f"l'instance distante répond {exc.code} à {url}") from None
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise ExchangeError(f"instance distante injoignable ({exc})") from None
        document = parse_document(body)
        records.extend(document.records)
        offset += len(document.records)
        if not document.records or offset >= document.count:
            return records
    raise ExchangeError("trop de pages : synchronisation interrompue")


# --- writing -----------------------------------------------------------------------------------------


def _lookup(
    codes: dict[str, dict[str, str]], name: str, value: str, record: ExRecord, errors: list[str]
) -> str:
    if not value:
        return ""
    code = codes[name].get(normalise_header(value))
    if code is None:
        errors.append(
            f"fiche {record.uid} « {record.title} », champ « {name} » : valeur « {value} » inconnue"
        )
        return ""
    return code


def _prepare(records: list[ExRecord]) -> tuple[list[tuple[ExRecord, dict[str, Any]]], list[str]]:
    codes = code_lists()
    themes = {t.code: t for t in Theme.objects.all()}
    techniques = {t.code: t for t in AITechnique.objects.all()}
    errors: list[str] = []
    prepared = []
    seen: set[Any] = set()
    for record in records:
        if record.uid in seen:
            errors.append(f"fiche {record.uid} présente deux fois")
            continue
        seen.add(record.uid)
        data: dict[str, Any] = {
            "title": record.title,
            "summary": record.summary,
            "problem": record.problem,
            "expected_benefits": record.expected_benefits,
            "provider_name": record.provider_name,
            "personal_data": record.personal_data or record.health_data,
            "health_data": record.health_data,
            "start_date": record.start_date,
            "end_date": record.end_date,
            "tags": record.tags,
        }
        theme = _lookup(codes, "theme", record.theme, record, errors)
        technique = _lookup(codes, "ai_technique", record.ai_technique, record, errors)
        data["theme"] = themes.get(theme)
        data["ai_technique"] = techniques.get(technique)
        data["status"] = _lookup(codes, "status", record.status, record, errors) or "idea"
        level = _lookup(codes, "publication_level", record.publication_level, record, errors)
        if level == "internal":
            errors.append(f"fiche {record.uid} : une fiche interne ne doit pas être partagée")
        data["publication_level"] = level or "public"
        data["provider_type"] = (
            _lookup(codes, "provider_type", record.provider_type, record, errors) or "in_house"
        )
        data["hosting"] = _lookup(codes, "hosting", record.hosting, record, errors)
        prepared.append((record, data))
    return prepared, errors


def _local_organisation(subscription: Subscription, record: ExRecord, actor: Any) -> Organisation:
    remote = record.organisation
    slug = f"{subscription.slug}--{remote.slug}"[:80]
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is not None:
        return organisation
    codes = code_lists()
    region = remote.region if remote.region in reference.region_names() else ""
    organisation = Organisation(
        name=remote.name,
        slug=slug,
        type=codes["organisation_type"].get(normalise_header(remote.type), "other"),
        region=region,
        country=remote.country.upper(),
        description=f"Organisation de l'instance {subscription.name}.",
    )
    organisation.full_clean()
    organisation.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=organisation,
        changes=diff({}, snapshot(organisation)),
        organisation_id=organisation.pk,
        message=f"Reçue de l'instance {subscription.name}",
    )
    return organisation


def ingest(subscription: Subscription, records: list[ExRecord], *, actor: Any = None) -> PullResult:
    """Apply a complete list of records served by ``subscription``: all or nothing."""
    result = PullResult()
    prepared, errors = _prepare(records)
    if errors:
        result.errors = errors
        return result
    source = subscription.name
    try:
        with transaction.atomic():
            provenances = {
                p.remote_uid: p
                for p in RemoteProvenance.objects.filter(subscription=subscription).select_related("use_case")
            }
            now = timezone.now()
            for record, data in prepared:
                payload = {
                    "qualification": record.qualification.model_dump(mode="json")
                    if record.qualification
                    else None,
                    "experiments": [e.model_dump(mode="json") for e in record.experiments],
                    "organisation": record.organisation.model_dump(mode="json"),
                }
                provenance = provenances.get(record.uid)
                if provenance is None:
                    organisation = _local_organisation(subscription, record, actor)
                    use_case = UseCase(organisation=organisation, **data)
                    use_case.full_clean()
                    use_case.save()
                    audit_record(
                        actor=actor,
                        action=AuditAction.CREATE,
                        obj=use_case,
                        changes=diff({}, snapshot(use_case)),
                        use_case_id=use_case.pk,
                        organisation_id=organisation.pk,
                        message=f"Reçu de l'instance {source}",
                    )
                    RemoteProvenance.objects.create(
                        use_case=use_case,
                        subscription=subscription,
                        source_instance=source,
                        remote_uid=record.uid,
                        remote_updated_at=record.updated_at,
                        payload=payload,
                        pulled_at=now,
                    )
                    result.created += 1
                    continue
                if provenance.remote_updated_at >= record.updated_at and not provenance.withdrawn:
                    result.unchanged += 1
                    RemoteProvenance.objects.filter(pk=provenance.pk).update(pulled_at=now)
                    continue
                use_case = provenance.use_case
                before = snapshot(use_case)
                for name, value in data.items():
                    setattr(use_case, name, value)
                use_case.full_clean()
                use_case.save()
                changes = diff(before, snapshot(use_case))
                if provenance.withdrawn:
                    changes["retiré à la source"] = [True, False]
                audit_record(
                    actor=actor,
                    action=AuditAction.UPDATE,
                    obj=use_case,
                    changes=changes,
                    use_case_id=use_case.pk,
                    organisation_id=use_case.organisation_id,
                    message=f"Mis à jour depuis l'instance {source}",
                )
                provenance.remote_updated_at = record.updated_at
                provenance.withdrawn = False
                provenance.payload = payload
                provenance.pulled_at = now
                provenance.save()
                result.updated += 1
            served = {record.uid for record, _ in prepared}
            for uid, provenance in provenances.items():
                if uid in served or provenance.withdrawn:
                    continue
                provenance.withdrawn = True
                provenance.pulled_at = now
                provenance.save(update_fields=["withdrawn", "pulled_at"])
                audit_record(
                    actor=actor,
                    action=AuditAction.EVENT,
                    obj=provenance.use_case,
                    changes={"retiré à la source": [False, True]},
                    use_case_id=provenance.use_case_id,
                    organisation_id=provenance.use_case.organisation_id,
                    message=f"Retiré par l'instance {source}",
                )
                result.withdrawn += 1
    except ValidationError as exc:
        messages = exc.messages
        return PullResult(errors=[f"fiche refusée : {m}" for m in messages])
    return result


def pull_subscription(*, subscription: Subscription, actor: Any = None) -> PullResult:
    """Fetch every page from the remote instance, then apply them (all or nothing)."""
    if actor is not None and not perms.is_platform_admin(actor):
        raise PermissionDenied("Seuls les administrateurs de la plateforme lancent une synchronisation.")
    try:
        records = fetch_all(subscription)
    except ExchangeError as exc:
        result = PullResult(errors=[str(exc)])
    else:
        result = ingest(subscription, records, actor=actor)
    Subscription.objects.filter(pk=subscription.pk).update(
        status=SubscriptionStatus.OK if result.ok else SubscriptionStatus.ERROR,
        last_error="" if result.ok else result.summary(),
        **({"last_pulled_at": timezone.now()} if result.ok else {}),
    )
    return result
