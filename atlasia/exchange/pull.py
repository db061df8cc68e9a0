"""Pulling the records another Atlas IA instance shares (exchange format 1.1; 1.0 still read).

Idempotent: the same remote uid always maps to the same local record (``RemoteProvenance``); a record
changed at the source (newer ``updated_at``) is updated; a record no longer served is marked withdrawn
(kept, with a notice on its page), and un-withdrawn if it comes back. The whole answer (every page) is
read and checked before anything is written, and the writes happen in one transaction: a malformed
answer, a wrong format version, an unknown field or an unknown code writes nothing and is reported
precisely. Pulled records belong to a local copy of their source organisation (slug
``<subscription>--<remote slug>``); their qualification and experiments are kept as received in the
provenance and shown in the provenance panel; the public part of the qualification and the impact
assessments (1.1) become the copy's own qualification and compliance facts, so that the copy's public
page and exports show them like the original's.

Refused, with nothing written: a document from this very instance (same instance identifier: a
subscription to oneself), a record whose identifier is one of this instance's own records (a loop), a
paused subscription, an answer larger than :data:`MAX_PAGE_BYTES`. A subscription can be paused, resumed
and deleted; deleting it withdraws its copies (deleted, audited).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from pydantic import ValidationError as PydanticValidationError

from atlasia.accounts import perms
from atlasia.accounts.models import User
from atlasia.audit.models import AuditAction
from atlasia.audit.services import audit_record, diff, snapshot
from atlasia.core.spreadsheet import normalise_header
from atlasia.registry import reference
from atlasia.registry import services as registry_services
from atlasia.registry.models import (
    AITechnique,
    Algorithm,
    Contact,
    DataCategory,
    Organisation,
    Pillar,
    Source,
    Theme,
    UseCase,
)

from .codes import code_lists
from .enums import SubscriptionStatus
from .exchange_format import FORMAT_NAME, READABLE_VERSIONS, ExDocument, ExRecord
from .models import RemoteProvenance, Subscription
from .selectors import instance_id

PAGE_SIZE = 200
MAX_PAGES = 500
#: A page of 200 records is about 1 MB; anything much larger is not an Atlas IA answer.
MAX_PAGE_BYTES = 20 * 1024 * 1024


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
def subscription_create(*, actor: User, data: dict[str, Any]) -> Subscription:
    if not perms.is_platform_admin(actor):
        raise PermissionDenied(gettext("Seuls les administrateurs de la plateforme gèrent les abonnements."))
    own = (getattr(settings, "ATLASIA_PUBLIC_URL", "") or "").rstrip("/")
    if own and str(data.get("base_url", "")).rstrip("/") == own:
        raise ValidationError(
            {
                "base_url": gettext(
                    "Cette adresse est celle de cette instance : on ne s'abonne pas à soi-même."
                )
            }
        )
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
    if data.get("version") not in READABLE_VERSIONS:
        raise ExchangeError(
            f"version du format « {data.get('version')} » non prise en charge "
            f"(versions lues : {', '.join(READABLE_VERSIONS)})"
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
        raise ExchangeError(
            f"document non conforme au schéma {data.get('version')} : " + " ; ".join(messages)
        ) from None


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
                body = response.read(MAX_PAGE_BYTES + 1)
        except urllib.error.HTTPError as exc:
            raise ExchangeError(f"l'instance distante répond {exc.code} à {url}") from None
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise ExchangeError(f"instance distante injoignable ({exc})") from None
        if len(body) > MAX_PAGE_BYTES:
            raise ExchangeError(
                f"réponse trop volumineuse (plus de {MAX_PAGE_BYTES // (1024 * 1024)} Mo "
                f"pour une page) à {url}"
            )
        document = parse_document(body)
        if document.instance.id and document.instance.id == instance_id():
            raise ExchangeError(
                "l'adresse est celle de cette instance (même identifiant d'instance) : un abonnement à "
                "soi-même doublerait le registre ; supprimez cet abonnement"
            )
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
    pillars = {p.code: p for p in Pillar.objects.all()}
    categories = {c.code: c for c in DataCategory.objects.all()}
    # A record of this instance coming back (A → B → A) is a loop: never copied over its original.
    own = set(
        UseCase.objects.filter(uid__in=[r.uid for r in records], remote_provenance__isnull=True).values_list(
            "uid", flat=True
        )
    )
    errors: list[str] = []
    prepared = []
    seen: set[Any] = set()
    for record in records:
        if record.uid in seen:
            errors.append(f"fiche {record.uid} présente deux fois")
            continue
        seen.add(record.uid)
        if record.uid in own:
            errors.append(
                f"fiche {record.uid} « {record.title} » : c'est une fiche de cette instance revenue par un "
                "abonnement (boucle) ; elle n'est pas copiée"
            )
            continue
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
            "target_population": record.target_population,
            "team": record.team,
            "senior_responsible_owner": record.senior_responsible_owner,
            "human_oversight": record.human_oversight,
            "legal_basis_details": record.legal_basis_details,
            "proportionality": record.proportionality,
            "risks_and_mitigations": record.risks_and_mitigations,
            "data_sources": record.data_sources,
            "data_volume": record.data_volume,
            "cost_eur": record.cost_eur,
        }
        theme = _lookup(codes, "theme", record.theme, record, errors)
        technique = _lookup(codes, "ai_technique", record.ai_technique, record, errors)
        data["theme"] = themes.get(theme)
        data["ai_technique"] = techniques.get(technique)
        if record.pillar and record.pillar not in pillars:
            errors.append(
                f"fiche {record.uid} « {record.title} », champ « pillar » : "
                f"valeur « {record.pillar} » inconnue"
            )
        data["pillar"] = pillars.get(record.pillar)
        unknown = [c for c in record.data_categories if c not in categories]
        if unknown:
            errors.append(
                f"fiche {record.uid} « {record.title} », champ « data_categories » : "
                f"valeur(s) inconnue(s) {', '.join(unknown)}"
            )
        data["data_categories"] = [categories[c] for c in record.data_categories if c in categories]
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


def _write_children(use_case: UseCase, record: ExRecord, data: dict[str, Any]) -> None:
    """Contacts, sources, data categories, algorithm, public qualification and impact assessments of a
    copy, replaced by what the source serves (the copy is read-only here: the source is the truth)."""
    use_case.data_categories.set(data["data_categories"])
    Contact.objects.filter(use_case=use_case).delete()
    Contact.objects.bulk_create(
        Contact(use_case=use_case, role=c.role, name=c.name, email=c.email, is_public=True)
        for c in record.contacts
    )
    Source.objects.filter(use_case=use_case).delete()
    Source.objects.bulk_create(Source(use_case=use_case, url=x.url, title=x.title) for x in record.sources)
    if record.algorithm is not None:
        a = record.algorithm
        algorithm, _created = Algorithm.objects.update_or_create(
            uid=a.uid,
            defaults={
                "name": a.name,
                "description": a.description,
                "purpose": a.purpose,
                "training_data": a.training_data,
                "performance": a.performance,
                "known_limits": a.known_limits,
                "licence": a.licence,
                "repository_url": a.repository_url,
            },
        )
        use_case.algorithm = algorithm
    else:
        use_case.algorithm = None
    q = record.public_qualification
    if q is not None:
        from atlasia.qualification.models import Qualification

        answers = {
            k: v
            for k, v in (("legal_basis", q.legal_basis), ("art9_exception", q.special_category_exception))
            if v
        }
        result = {
            "law_version": q.law_version,
            "ai_act": {
                "category": q.category,
                "fria_required": q.fria_required,
                "bases": list(q.annex3_points),
            },
            "gdpr": {"dpia": q.dpia},
        }
        latest = Qualification.objects.filter(use_case=use_case).order_by("-version").first()
        if latest is None or (latest.category, latest.law_version, latest.answers, latest.result) != (
            q.category,
            q.law_version,
            answers,
            result,
        ):
            Qualification.objects.create(
                use_case=use_case,
                version=(latest.version + 1) if latest else 1,
                answers=answers,
                result=result,
                law_version=q.law_version,
                category=q.category,
            )
    ia = record.impact_assessments
    if ia is not None:
        from atlasia.lifecycle.models import ComplianceRecord

        ComplianceRecord.objects.update_or_create(
            use_case=use_case,
            defaults={
                "dpia_decision": ia.dpia_decision,
                "dpia_completed_at": ia.dpia_completed_at,
                "fria_completed_at": ia.fria_completed_at,
                "registration_reference": ia.registration_reference,
            },
        )


def _keep_source_dates(use_case: UseCase, record: ExRecord) -> None:
    """The copy's creation and last-update dates are the source's (``auto_now`` would say « today »)."""
    UseCase.objects.filter(pk=use_case.pk).update(
        updated_at=record.updated_at, **({"created_at": record.created_at} if record.created_at else {})
    )


def _local_organisation(subscription: Subscription, record: ExRecord, actor: User | None) -> Organisation:
    remote = record.organisation
    slug = f"{subscription.slug}--{remote.slug}"[:80]
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is not None:
        return organisation
    codes = code_lists()
    region = remote.region if remote.region in reference.region_names() else ""
    return registry_services.organisation_create_received(
        actor=actor,
        data={
            "name": remote.name,
            "slug": slug,
            "type": codes["organisation_type"].get(normalise_header(remote.type), "other"),
            "region": region,
            "country": remote.country.upper(),
            "description": f"Organisation de l'instance {subscription.name}.",
        },
        source=subscription.name,
    )


def ingest(subscription: Subscription, records: list[ExRecord], *, actor: User | None = None) -> PullResult:
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
                    fields = {k: v for k, v in data.items() if k != "data_categories"}
                    use_case = UseCase(organisation=organisation, **fields)
                    use_case.full_clean()
                    use_case.save()
                    _write_children(use_case, record, data)
                    use_case.save(update_fields=["algorithm"])
                    _keep_source_dates(use_case, record)
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
                    if name != "data_categories":
                        setattr(use_case, name, value)
                use_case.full_clean()
                use_case.save()
                _write_children(use_case, record, data)
                use_case.save(update_fields=["algorithm"])
                _keep_source_dates(use_case, record)
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


def pull_subscription(*, subscription: Subscription, actor: User | None = None) -> PullResult:
    """Fetch every page from the remote instance, then apply them (all or nothing)."""
    if actor is not None and not perms.is_platform_admin(actor):
        raise PermissionDenied(
            gettext("Seuls les administrateurs de la plateforme lancent une synchronisation.")
        )
    subscription.refresh_from_db(fields=["status"])
    if subscription.status == SubscriptionStatus.PAUSED:
        return PullResult(errors=["l'abonnement est en pause : reprenez-le avant de synchroniser"])
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


# --- pause, resume, delete ----------------------------------------------------------------------------


def _require_admin(actor: User) -> None:
    if not perms.is_platform_admin(actor):
        raise PermissionDenied(gettext("Seuls les administrateurs de la plateforme gèrent les abonnements."))


@transaction.atomic
def subscription_pause(*, actor: User, subscription: Subscription) -> Subscription:
    """Stop pulling (the copies stay, with their provenance)."""
    _require_admin(actor)
    subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
    if subscription.status != SubscriptionStatus.PAUSED:
        before = subscription.status
        subscription.status = SubscriptionStatus.PAUSED
        subscription.save(update_fields=["status"])
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=subscription,
            changes={"état": [before, SubscriptionStatus.PAUSED]},
            message="Abonnement mis en pause",
        )
    return subscription


@transaction.atomic
def subscription_resume(*, actor: User, subscription: Subscription) -> Subscription:
    _require_admin(actor)
    subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
    if subscription.status == SubscriptionStatus.PAUSED:
        after = SubscriptionStatus.OK if subscription.last_pulled_at else SubscriptionStatus.NEW
        subscription.status = after
        subscription.save(update_fields=["status"])
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=subscription,
            changes={"état": [SubscriptionStatus.PAUSED, after]},
            message="Abonnement repris",
        )
    return subscription


@transaction.atomic
def subscription_delete(*, actor: User, subscription: Subscription) -> int:
    """Delete the subscription and withdraw its copies (deleted, one audit row each, plus the local
    copies of their organisations when nothing else uses them). Returns the number of copies removed."""
    _require_admin(actor)
    subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
    copies = list(
        UseCase.objects.filter(remote_provenance__subscription=subscription).select_related("organisation")
    )
    organisations = {uc.organisation for uc in copies}
    for use_case in copies:
        audit_record(
            actor=actor,
            action=AuditAction.DELETE,
            obj=use_case,
            changes=diff(snapshot(use_case), {}),
            use_case_id=use_case.pk,
            organisation_id=use_case.organisation_id,
            message=f"Copie retirée avec l'abonnement {subscription.name}",
        )
        use_case.delete()
    for organisation in organisations:
        if organisation.slug.startswith(f"{subscription.slug}--") and not organisation.use_cases.exists():
            organisation.delete()
    audit_record(
        actor=actor,
        action=AuditAction.DELETE,
        obj=subscription,
        changes=diff(snapshot(subscription, exclude=("token",)), {}),
        message=f"Abonnement supprimé, {len(copies)} copie(s) retirée(s)",
    )
    subscription.delete()
    return len(copies)
