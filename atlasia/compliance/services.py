"""Writes of the compliance file. Each service checks the permission, validates, writes and records its
audit row in one transaction; a refusal changes nothing.

``actor=None`` is the system (a qualification completed by the demo loader or a command): no permission
check, audit row labelled « système ».
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext as _

from atlasia.accounts import perms
from atlasia.accounts.models import Membership, User
from atlasia.audit.models import AuditAction, AuditEntry
from atlasia.audit.services import audit_record
from atlasia.core import compliance as core
from atlasia.core.identifiers import normalise_siren, siren_error
from atlasia.core.roles import Action
from atlasia.evaluation import refs as evaluation_refs
from atlasia.lifecycle import selectors as lifecycle_selectors
from atlasia.monitoring import refs as monitoring_refs
from atlasia.qualification import selectors as qualification_selectors
from atlasia.registry.models import UseCase
from atlasia.registry.services import attachment_add

from .enums import CLOSED_STATUSES, DOSSIER, EvidenceKind, ObligationStatus, SignerRole
from .models import (
    Evidence,
    FileJob,
    ObligationItem,
    Risk,
    Vendor,
    VendorCharterCheck,
    VendorDocument,
    VendorSystem,
    person,
)

STALE_MESSAGE = gettext_noop(
    "Cette obligation a été modifiée entre-temps (par %(who)s, le %(when)s) : rechargez la page pour voir "
    "la version actuelle, puis refaites votre modification."
)


def _require(actor: User | None, action: Action, use_case: UseCase) -> None:
    if actor is not None and not perms.can(actor, action, use_case.organisation):
        raise PermissionDenied(
            gettext("Action refusée pour %(organisation)s.") % {"organisation": use_case.organisation}
        )


def _audit(
    actor: User | None, action: str, obj: Any, use_case: UseCase, changes: dict[str, Any], message: str
) -> None:
    audit_record(
        actor=actor,
        action=action,
        obj=obj,
        changes=changes,
        use_case_id=use_case.pk,
        organisation_id=use_case.organisation_id,
        message=message,
    )


# --- following the qualification -----------------------------------------------------------------------


def _follow(actor: User | None, use_case: UseCase, version: int, result: dict[str, Any]) -> list[core.Change]:
    specs = core.work_items(result)
    by_key = {spec.key: spec for spec in specs}
    stored = {item.key: item for item in ObligationItem.objects.select_for_update().filter(use_case=use_case)}
    existing = [core.ExistingItem(i.key, i.article, i.title, i.due_date, i.dropped) for i in stored.values()]
    changes = core.reconcile(existing, specs, version)
    for change in changes:
        spec = by_key.get(change.key)
        item = stored.get(change.key)
        if change.kind == "create" and spec is not None:
            item = ObligationItem(
                use_case=use_case,
                key=spec.key,
                source=spec.source.value,
                article=spec.article,
                title=spec.title_fr,
                title_en=spec.title_en,
                operator_role=spec.operator_role,
                due_date=spec.due,
                signer_role=spec.signer.value,
                qualification_version=version,
            )
            item.full_clean()
            item.save()
            _audit(
                actor, AuditAction.CREATE, item, use_case, {"obligation": [None, item.title]}, change.note_fr
            )
            continue
        if item is None:
            continue
        before = {"article": item.article, "échéance": item.due_date, "exigée": not item.dropped}
        if spec is not None:
            item.article, item.title, item.title_en = spec.article, spec.title_fr, spec.title_en
            item.due_date, item.operator_role = spec.due, spec.operator_role
            item.signer_role = spec.signer.value
        item.dropped = change.kind == "drop"
        item.to_review = True
        item.requalification_note = change.note_fr
        item.qualification_version = version
        item.version += 1
        item.full_clean()
        item.save()
        after = {"article": item.article, "échéance": item.due_date, "exigée": not item.dropped}
        diff = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
        _audit(actor, AuditAction.UPDATE, item, use_case, diff, change.note_fr)
    # items the new version confirms unchanged still record which version they follow
    unchanged = [k for k in by_key if k not in {c.key for c in changes}]
    ObligationItem.objects.filter(use_case=use_case, key__in=unchanged).update(qualification_version=version)
    return changes


def obligations_follow_qualification(actor: User, qualification: Any) -> None:
    """Completion hook of the qualification: the tracker follows the new version (same transaction)."""
    _follow(actor, qualification.use_case, qualification.version, qualification.result)


@transaction.atomic
def obligations_sync(*, actor: User | None, use_case: UseCase) -> list[core.Change]:
    """Bring the tracker of ``use_case`` in line with its latest qualification (none: nothing to do)."""
    _require(actor, Action.OBLIGATION_EDIT, use_case)
    latest = qualification_selectors.latest_ref(use_case)
    if latest is None:
        return []
    return _follow(actor, use_case, latest.version, latest.result)


# --- working on an obligation ----------------------------------------------------------------------------


def _locked(item: ObligationItem, expected_version: int | None) -> ObligationItem:
    locked = (
        ObligationItem.objects.select_for_update().select_related("use_case__organisation").get(pk=item.pk)
    )
    if expected_version is not None and locked.version != expected_version:
        last = AuditEntry.objects.filter(
            object_type="compliance.obligationitem", object_id=str(locked.pk)
        ).first()
        who = last.actor_label if last else gettext("quelqu'un d'autre")
        when = timezone.localtime(locked.updated_at).strftime("%d/%m/%Y à %H:%M")
        raise ValidationError(gettext(STALE_MESSAGE) % {"who": who, "when": when}, code="stale")
    return locked


@transaction.atomic
def obligation_update(
    *,
    actor: User,
    item: ObligationItem,
    expected_version: int | None,
    status: str,
    owner: Any,
    reason: str = "",
) -> ObligationItem:
    """Change the status, the owner and the reason of an obligation.

    « Sans objet » needs a reason; « Fait » needs evidence or a reason; reopening or changing a closed
    status withdraws the sign-off; the item no longer waits for review once someone has worked on it.
    """
    _require(actor, Action.OBLIGATION_EDIT, item.use_case)
    locked = _locked(item, expected_version)
    reason = (reason or "").strip()
    errors: dict[str, str] = {}
    if status not in ObligationStatus.values:
        errors["status"] = gettext("Statut inconnu « %(status)s ».") % {"status": status}
    if (
        owner is not None
        and not Membership.objects.filter(
            user=owner, organisation_id=locked.use_case.organisation_id
        ).exists()
    ):
        errors["owner"] = gettext(
            "%(owner)s n'est pas membre de %(organisation)s : choisissez un membre."
        ) % {"owner": owner, "organisation": locked.use_case.organisation}
    if status == ObligationStatus.NOT_APPLICABLE and not reason:
        errors["reason"] = gettext("Indiquez pourquoi cette obligation est sans objet pour ce cas d'usage.")
    if status == ObligationStatus.DONE and not reason and not locked.evidence.exists():
        errors["reason"] = gettext(
            "Aucune preuve n'est jointe : ajoutez une preuve (fichier, lien, "
            "document) ou expliquez pourquoi l'obligation est faite sans preuve."
        )
    if errors:
        raise ValidationError(errors)
    before = {
        "statut": locked.get_status_display(),
        "responsable": str(locked.owner) if locked.owner else None,
        "motif": locked.status_reason or None,
    }
    if locked.status != status and (locked.status in CLOSED_STATUSES or status not in CLOSED_STATUSES):
        if locked.signed_off_at:
            before["validée par"] = str(locked.signed_off_by) if locked.signed_off_by else "—"
        locked.signed_off_by, locked.signed_off_at = None, None
    locked.status, locked.owner, locked.status_reason = status, owner, reason
    locked.to_review = False
    after = {
        "statut": locked.get_status_display(),
        "responsable": str(locked.owner) if locked.owner else None,
        "motif": locked.status_reason or None,
    }
    if "validée par" in before:
        after["validée par"] = None
    changes = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
    if not changes:
        return locked
    locked.version += 1
    locked.full_clean()
    locked.save()
    _audit(
        actor,
        AuditAction.UPDATE,
        locked,
        locked.use_case,
        changes,
        f"Obligation « {locked.title} » mise à jour.",
    )
    return locked


@transaction.atomic
def obligation_sign_off(
    *, actor: User, item: ObligationItem, expected_version: int | None = None
) -> ObligationItem:
    """The role the obligation names (DPO for the DPIA, referent otherwise) validates its closing.

    Anybody else is refused with PermissionDenied (a 403), and nothing is stored.
    """
    action = (
        Action.OBLIGATION_SIGNOFF_DPO if item.signer_role == SignerRole.DPO else Action.OBLIGATION_SIGNOFF
    )
    if actor is not None and not perms.can(actor, action, item.use_case.organisation):
        raise PermissionDenied(
            gettext("Seul le ou la DPO de l'organisation peut valider cette obligation.")
            if item.signer_role == SignerRole.DPO
            else gettext("Seul le référent IA de l'organisation peut valider cette obligation.")
        )
    locked = _locked(item, expected_version)
    if locked.status not in CLOSED_STATUSES:
        raise ValidationError(
            gettext(
                "Seule une obligation faite ou sans objet peut être validée : changez d'abord son statut."
            )
        )
    if locked.signed_off_at:
        return locked
    locked.signed_off_by = actor if getattr(actor, "is_authenticated", False) else None
    locked.signed_off_at = timezone.now()
    locked.version += 1
    locked.save()
    _audit(
        actor,
        AuditAction.UPDATE,
        locked,
        locked.use_case,
        {"validée par": [None, str(actor) if actor else "système"]},
        f"Obligation « {locked.title} » validée ({locked.get_signer_role_display()}).",
    )
    return locked


# --- evidence -------------------------------------------------------------------------------------------


def _evidence_added(actor: User, item: ObligationItem, evidence: Evidence) -> Evidence:
    evidence.full_clean()
    evidence.save()
    ObligationItem.objects.filter(pk=item.pk).update(version=item.version + 1)
    item.version += 1
    _audit(
        actor,
        AuditAction.CREATE,
        evidence,
        item.use_case,
        {"preuve": [None, evidence.label], "obligation": [None, item.title]},
        f"Preuve ajoutée à l'obligation « {item.title} ».",
    )
    return evidence


@transaction.atomic
def evidence_add_file(
    *, actor: User, item: ObligationItem, uploaded: UploadedFile, note: str = ""
) -> Evidence:
    """A file, stored as an attachment of the use case: the attachment rules apply (size, type checked
    on the content), and the file is served only to who may see the record."""
    _require(actor, Action.OBLIGATION_EDIT, item.use_case)
    locked = _locked(item, None)
    attachment = attachment_add(
        actor=actor, use_case=locked.use_case, uploaded=uploaded, title=f"Preuve — {locked.title}"[:200]
    )
    evidence = Evidence(
        obligation=locked,
        kind=EvidenceKind.FILE,
        attachment=attachment,
        label=attachment.original_name,
        note=(note or "").strip()[:500],
        added_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    return _evidence_added(actor, locked, evidence)


@transaction.atomic
def evidence_add_link(*, actor: User, item: ObligationItem, url: str, note: str = "") -> Evidence:
    _require(actor, Action.OBLIGATION_EDIT, item.use_case)
    locked = _locked(item, None)
    url = (url or "").strip()
    try:
        URLValidator(schemes=["https", "http"])(url)
    except ValidationError:
        raise ValidationError(
            {
                "url": gettext("« %(url)s » n'est pas une adresse web valide (elle commence par https://).")
                % {"url": url[:200]}
            }
        ) from None
    evidence = Evidence(
        obligation=locked,
        kind=EvidenceKind.LINK,
        url=url,
        label=url[:300],
        note=(note or "").strip()[:500],
        added_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    return _evidence_added(actor, locked, evidence)


def platform_object_label(item: ObligationItem, kind: str, object_id: int) -> str | None:
    """The label of a platform object that may back ``item``, or ``None`` when it does not exist for this
    use case (another use case's run, another organisation's training record…)."""
    use_case = item.use_case
    if kind == EvidenceKind.QUALIFICATION_DOCUMENT:
        version = qualification_selectors.version_of(use_case, int(object_id))
        if version is None:
            return None
        return f"Documents générés de la qualification v{version.version} ({version.completed_at:%d/%m/%Y})"
    if kind == EvidenceKind.EVALUATION_RUN:
        run = evaluation_refs.finished_run(use_case.pk, int(object_id))
        return run.label if run else None
    if kind == EvidenceKind.TRAINING_RECORD:
        record = monitoring_refs.training(use_case.organisation_id, int(object_id))
        return record.label if record else None
    return None


@transaction.atomic
def evidence_add_object(
    *, actor: User, item: ObligationItem, kind: str, object_id: int, note: str = ""
) -> Evidence:
    """A platform object as evidence: a qualification version's generated documents (DPIA, FRIA, Annex
    VIII sheet), a finished evaluation run of this use case, a training record of its organisation."""
    _require(actor, Action.OBLIGATION_EDIT, item.use_case)
    locked = _locked(item, None)
    if kind not in (
        EvidenceKind.QUALIFICATION_DOCUMENT,
        EvidenceKind.EVALUATION_RUN,
        EvidenceKind.TRAINING_RECORD,
    ):
        raise ValidationError({"kind": gettext("Nature de preuve inconnue « %(kind)s ».") % {"kind": kind}})
    label = platform_object_label(locked, kind, object_id)
    if label is None:
        raise ValidationError(
            {
                "object_id": gettext(
                    "Cet objet n'existe pas pour ce cas d'usage ou son organisation : "
                    "choisissez-en un de la liste."
                )
            }
        )
    evidence = Evidence(
        obligation=locked,
        kind=kind,
        object_id=object_id,
        label=label[:300],
        note=(note or "").strip()[:500],
        added_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    return _evidence_added(actor, locked, evidence)


@transaction.atomic
def evidence_remove(*, actor: User, evidence: Evidence) -> None:
    """Withdraw a proof (its file stays among the use case's attachments). An obligation marked « Fait »
    without a reason keeps at least one proof."""
    item = evidence.obligation
    _require(actor, Action.OBLIGATION_EDIT, item.use_case)
    locked = _locked(item, None)
    if (
        locked.status == ObligationStatus.DONE
        and not locked.status_reason
        and locked.evidence.exclude(pk=evidence.pk).count() == 0
    ):
        raise ValidationError(
            gettext(
                "C'est la dernière preuve d'une obligation marquée « Fait » : ajoutez "
                "une autre preuve ou un motif avant de la retirer."
            )
        )
    _audit(
        actor,
        AuditAction.DELETE,
        evidence,
        locked.use_case,
        {"preuve": [evidence.label, None], "obligation": [locked.title, None]},
        f"Preuve retirée de l'obligation « {locked.title} ».",
    )
    evidence.delete()
    locked.version += 1
    locked.save(update_fields=["version", "updated_at"])


# --- risk register (Art. 9) -----------------------------------------------------------------------------

RISK_FIELDS = (
    "title",
    "description",
    "area",
    "origin",
    "affected_groups",
    "likelihood",
    "severity",
    "mitigations",
    "residual_likelihood",
    "residual_severity",
    "residual_acceptable",
    "status",
    "owner",
    "next_review_on",
)


def risk_source_label(use_case: UseCase, kind: str, source_id: int) -> str | None:
    """The label of an incident or externality of ``use_case`` (``None`` when it is not one of its own)."""
    if kind == "incident":
        found = next((i for i in monitoring_refs.incidents_of(use_case.pk) if i.id == source_id), None)
        return f"Incident du {found.occurred_on:%d/%m/%Y} : {found.title}" if found else None
    if kind == "externality":
        ext = next((e for e in monitoring_refs.externalities_of(use_case.pk) if e.id == source_id), None)
        return f"Externalité négative ({ext.category_label}) : {ext.description[:200]}" if ext else None
    return None


def _risk_snapshot(risk: Risk) -> dict[str, Any]:
    return {
        "risque": risk.title,
        "vraisemblance": risk.get_likelihood_display() if risk.likelihood else None,
        "gravité": risk.get_severity_display() if risk.severity else None,
        "mesures": risk.mitigations or None,
        "vraisemblance résiduelle": risk.get_residual_likelihood_display()
        if risk.residual_likelihood
        else None,
        "gravité résiduelle": risk.get_residual_severity_display() if risk.residual_severity else None,
        "résiduel acceptable": risk.residual_acceptable,
        "état": risk.get_status_display(),
        "responsable": person(risk.owner) or None,
        "prochaine revue": risk.next_review_on,
    }


@transaction.atomic
def risk_save(
    *,
    actor: User,
    use_case: UseCase,
    data: dict[str, Any],
    risk: Risk | None = None,
    expected_version: int | None = None,
    source: tuple[str, int] | None = None,
) -> Risk:
    """Create (``risk=None``) or update an entry of the risk register."""
    _require(actor, Action.RISK_EDIT, use_case)
    created = risk is None
    if created:
        risk = Risk(
            use_case=use_case, created_by=actor if getattr(actor, "is_authenticated", False) else None
        )
        before: dict[str, Any] = {}
    else:
        assert risk is not None
        risk = Risk.objects.select_for_update().get(pk=risk.pk, use_case=use_case)
        if expected_version is not None and risk.version != expected_version:
            raise ValidationError(
                gettext(
                    "Ce risque a été modifié entre-temps : rechargez la page pour voir la version actuelle."
                ),
                code="stale",
            )
        before = _risk_snapshot(risk)
    previous_review = risk.next_review_on
    owner = data.get("owner")
    if (
        owner is not None
        and not Membership.objects.filter(user=owner, organisation_id=use_case.organisation_id).exists()
    ):
        raise ValidationError(
            {
                "owner": gettext("%(owner)s n'est pas membre de %(organisation)s.")
                % {"owner": owner, "organisation": use_case.organisation}
            }
        )
    for name in RISK_FIELDS:
        if name in data:
            setattr(risk, name, data[name])
    if created and source is not None:
        label = risk_source_label(use_case, source[0], source[1])
        if label is None:
            raise ValidationError(gettext("L'enregistrement d'origine n'appartient pas à ce cas d'usage."))
        risk.source_kind, risk.source_id, risk.source_label = source[0], source[1], label[:300]
    today = timezone.localdate()
    if risk.next_review_on and risk.next_review_on != previous_review and risk.next_review_on < today:
        raise ValidationError(
            {
                "next_review_on": gettext(
                    "La prochaine revue (%(next_review_on)s) est dans le passé : choisissez une date à venir."
                )
                % {"next_review_on": format(risk.next_review_on, "%d/%m/%Y")}
            }
        )
    risk.full_clean()
    after = _risk_snapshot(risk)
    changes = {k: [before.get(k), after[k]] for k in after if before.get(k) != after[k]}
    if not created and not changes:
        return risk
    risk.version = 1 if created else risk.version + 1
    risk.save()
    _audit(
        actor,
        AuditAction.CREATE if created else AuditAction.UPDATE,
        risk,
        use_case,
        changes,
        ("Risque ajouté au registre" if created else "Risque mis à jour") + f" : « {risk.title} ».",
    )
    return risk


@transaction.atomic
def risk_review(*, actor: User, risk: Risk, next_review_on: Any) -> Risk:
    """Record that the risk was reviewed today and when it is reviewed next (Art. 9(2): regular review)."""
    _require(actor, Action.RISK_EDIT, risk.use_case)
    locked = Risk.objects.select_for_update().get(pk=risk.pk)
    today = timezone.localdate()
    if next_review_on is None or next_review_on <= today:
        raise ValidationError(
            {"next_review_on": gettext("La prochaine revue doit être postérieure à aujourd'hui.")}
        )
    before = {"dernière revue": locked.last_reviewed_on, "prochaine revue": locked.next_review_on}
    locked.last_reviewed_on, locked.next_review_on = today, next_review_on
    locked.version += 1
    locked.full_clean()
    locked.save()
    after = {"dernière revue": locked.last_reviewed_on, "prochaine revue": locked.next_review_on}
    _audit(
        actor,
        AuditAction.UPDATE,
        locked,
        locked.use_case,
        {k: [before[k], after[k]] for k in before if before[k] != after[k]},
        f"Revue du risque « {locked.title} ».",
    )
    return locked


# --- vendor register ------------------------------------------------------------------------------------


def _require_org(actor: User, action: Action, organisation: Any) -> None:
    if actor is not None and not perms.can(actor, action, organisation):
        raise PermissionDenied(
            gettext("Action refusée pour %(organisation)s.") % {"organisation": organisation}
        )


def _audit_org(
    actor: User, action: str, obj: Any, organisation_id: int, changes: dict[str, Any], message: str
) -> None:
    audit_record(
        actor=actor, action=action, obj=obj, changes=changes, organisation_id=organisation_id, message=message
    )


@transaction.atomic
def vendor_save(
    *,
    actor: User,
    organisation: Any,
    data: dict[str, Any],
    vendor: Vendor | None = None,
    expected_version: int | None = None,
) -> Vendor:
    _require_org(actor, Action.VENDOR_EDIT, organisation)
    created = vendor is None
    if vendor is None:
        vendor = Vendor(organisation=organisation)
        before: dict[str, Any] = {}
    else:
        vendor = Vendor.objects.select_for_update().get(pk=vendor.pk, organisation=organisation)
        if expected_version is not None and vendor.version != expected_version:
            raise ValidationError(
                gettext("Ce fournisseur a été modifié entre-temps : rechargez la page."), code="stale"
            )
        before = {k: getattr(vendor, k) for k in ("name", "siren", "country", "contact", "website")}
    for key in ("name", "siren", "country", "contact", "website"):
        if key in data:
            setattr(vendor, key, (data[key] or "").strip())
    if vendor.siren:
        error = siren_error(vendor.siren)
        if error:
            raise ValidationError({"siren": error})
        vendor.siren = normalise_siren(vendor.siren)
    vendor.full_clean(validate_unique=False, validate_constraints=False)
    if Vendor.objects.filter(organisation=organisation, name=vendor.name).exclude(pk=vendor.pk).exists():
        raise ValidationError(
            {
                "name": gettext("« %(name)s » figure déjà dans le registre de %(organisation)s.")
                % {"name": vendor.name, "organisation": organisation}
            }
        )
    after = {k: getattr(vendor, k) for k in ("name", "siren", "country", "contact", "website")}
    changes = {k: [before.get(k), after[k]] for k in after if before.get(k) != after[k]}
    if not created and not changes:
        return vendor
    vendor.version = 1 if created else vendor.version + 1
    vendor.save()
    _audit_org(
        actor,
        AuditAction.CREATE if created else AuditAction.UPDATE,
        vendor,
        organisation.pk,
        changes,
        f"Fournisseur « {vendor.name} » {'ajouté au registre' if created else 'mis à jour'}.",
    )
    return vendor


@transaction.atomic
def vendor_system_save(
    *,
    actor: User,
    vendor: Vendor,
    data: dict[str, Any],
    use_cases: list[UseCase],
    system: VendorSystem | None = None,
) -> VendorSystem:
    """Create or update a system of ``vendor``; the use cases that run it belong to the same organisation."""
    organisation = vendor.organisation
    _require_org(actor, Action.VENDOR_EDIT, organisation)
    foreign = [uc.title for uc in use_cases if uc.organisation_id != organisation.pk]
    if foreign:
        raise ValidationError(
            {
                "use_cases": gettext("Cas d'usage d'une autre organisation : %(foreign)s.")
                % {"foreign": ", ".join(foreign)}
            }
        )
    created = system is None
    system = system or VendorSystem(vendor=vendor)
    before = {} if created else {"système": system.name, "marché": system.contract_reference}
    for key in ("name", "release", "contract_reference", "contract_start", "contract_end"):
        if key in data:
            value = data[key]
            setattr(system, key, value.strip() if isinstance(value, str) else value)
    system.full_clean()
    system.save()
    old_ids = set() if created else set(system.use_cases.values_list("pk", flat=True))
    system.use_cases.set(use_cases)
    after = {"système": system.name, "marché": system.contract_reference}
    changes: dict[str, list[Any]] = {k: [before.get(k), after[k]] for k in after if before.get(k) != after[k]}
    new_ids = {uc.pk for uc in use_cases}
    if old_ids != new_ids:
        changes["cas d'usage"] = [sorted(old_ids) or None, sorted(new_ids) or None]
    if created or changes:
        _audit_org(
            actor,
            AuditAction.CREATE if created else AuditAction.UPDATE,
            system,
            organisation.pk,
            changes,
            f"Système « {system.name} » de {vendor.name} {'ajouté' if created else 'mis à jour'}.",
        )
    return system


@transaction.atomic
def vendor_document_add(
    *,
    actor: User,
    system: VendorSystem,
    kind: str,
    received_on: Any,
    reference: str = "",
    uploaded: UploadedFile | None = None,
    note: str = "",
) -> VendorDocument:
    """A document received from the vendor: a file (kept as an attachment of a use case running the system,
    so the attachment rules apply and only who may see the record reads it) or a reference."""
    organisation = system.vendor.organisation
    _require_org(actor, Action.VENDOR_EDIT, organisation)
    attachment = None
    if uploaded is not None:
        use_case = system.use_cases.order_by("pk").first()
        if use_case is None:
            raise ValidationError(
                {
                    "file": gettext(
                        "Rattachez d'abord ce système à un cas d'usage : le fichier rejoint "
                        "ses pièces jointes."
                    )
                }
            )
        attachment = attachment_add(
            actor=actor,
            use_case=use_case,
            uploaded=uploaded,
            title=f"{system.vendor.name} — {system.name}"[:200],
        )
    document = VendorDocument(
        system=system,
        kind=kind,
        received_on=received_on,
        reference=(reference or "").strip(),
        attachment=attachment,
        note=(note or "").strip(),
        added_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    document.full_clean()
    document.save()
    _audit_org(
        actor,
        AuditAction.CREATE,
        document,
        organisation.pk,
        {"document": [None, document.get_kind_display()], "système": [None, system.name]},
        f"Document reçu de {system.vendor.name} : {document.get_kind_display()}.",
    )
    return document


@transaction.atomic
def vendor_charter_check(
    *, actor: User, system: VendorSystem, checks: dict[int, tuple[str, str]]
) -> list[VendorCharterCheck]:
    """Record how the system meets each principle of the purchasing charter (``{principle_id: (level,
    evidence)}``); principles left without a level are not recorded."""
    organisation = system.vendor.organisation
    _require_org(actor, Action.VENDOR_EDIT, organisation)
    principles = {
        p.pk: p for p in lifecycle_selectors.charters().filter(kind="purchasing").get().principles.all()
    }
    saved: list[VendorCharterCheck] = []
    errors: dict[str, list[str]] = {}
    for principle_id, (level, evidence) in checks.items():
        principle = principles.get(principle_id)
        if principle is None:
            raise ValidationError(gettext("Principe inconnu de la charte d'achat."))
        if not level:
            continue
        check = VendorCharterCheck.objects.filter(
            system=system, principle=principle
        ).first() or VendorCharterCheck(system=system, principle=principle)
        before = (check.level, check.evidence) if check.pk else (None, None)
        check.level, check.evidence = level, (evidence or "").strip()
        check.checked_by = actor if getattr(actor, "is_authenticated", False) else None
        try:
            check.full_clean()
        except ValidationError as error:
            errors.setdefault(f"evidence_{principle_id}", []).extend(
                f"{principle.get_code_display()} : {m}" for m in error.messages
            )
            continue
        if before == (check.level, check.evidence):
            continue
        check.save()
        saved.append(check)
        _audit_org(
            actor,
            AuditAction.CREATE if before[0] is None else AuditAction.UPDATE,
            check,
            organisation.pk,
            {
                "principe": [None, principle.get_code_display()],
                "niveau": [before[0], check.get_level_display()],
            },
            f"Charte d'achat : {system.name} au regard du principe « {principle.get_code_display()} ».",
        )
    if errors:
        raise ValidationError(errors)
    return saved


# --- files prepared in the background ------------------------------------------------------------------


def file_job_request(
    *, actor: User, use_case: UseCase, kind: str, fmt: str, version: int | None = None
) -> FileJob:
    """Queue the preparation of a file of the compliance file of ``use_case`` once the transaction is
    committed: the ZIP of the whole file, a document of the latest qualification or a provider's document
    (PDF or DOCX). A document of the qualification may name its ``version`` (an earlier one), and is
    prepared for whoever may read the use case, as its qualification tab shows it. The audit row says who
    asked for what. Refused (``PermissionDenied``) to whom may not read the file; ``ValidationError`` for
    an unknown file or format, a use case not qualified yet (or without that version), or a provider's
    document of a system that is not a provider's high-risk one."""
    from atlasia.qualification import documents as qualification_documents

    from . import documents
    from .files import STEP_WAITING
    from .selectors import usecases_visible_to, usecases_with_file
    from .tasks import build_file_job

    readable = usecases_visible_to if kind in qualification_documents.KINDS else usecases_with_file
    if actor is not None and not readable(actor).filter(pk=use_case.pk).exists():
        raise PermissionDenied(
            gettext("Dossier de conformité non visible : %(use_case)s.") % {"use_case": use_case}
        )
    if version is not None and kind not in qualification_documents.KINDS:
        raise ValidationError({"kind": _("Seuls les documents de la qualification ont des versions.")})
    documents_kinds = {**documents.KINDS, **qualification_documents.KINDS}
    formats = ("zip",) if kind == DOSSIER else ("pdf", "docx") if kind in documents_kinds else ()
    if fmt not in formats:
        raise ValidationError({"kind": _("Ce fichier n'existe pas dans ce format.")})
    if kind in qualification_documents.KINDS and qualification_selectors.latest_ref(use_case) is None:
        raise ValidationError({"kind": _("Ce cas d'usage n'est pas encore qualifié.")})
    if version is not None and qualification_selectors.version_of(use_case, version) is None:
        raise ValidationError(
            {"kind": _("La qualification n'a pas de version %(version)s.") % {"version": version}}
        )
    if kind in documents.KINDS and not documents.applicable(use_case):
        raise ValidationError(
            {
                "kind": _(
                    "Ce document est celui du fournisseur d'un système à haut risque : la qualification "
                    "de ce cas d'usage n'en fait pas un."
                )
            }
        )
    with transaction.atomic():
        job = FileJob.objects.create(
            use_case=use_case,
            kind=kind,
            fmt=fmt,
            qualification_version=version,
            requested_by=actor if getattr(actor, "is_authenticated", False) else None,
            step=STEP_WAITING,
        )
        _audit(
            actor,
            AuditAction.CREATE,
            job,
            use_case,
            {"kind": kind, "fmt": fmt, **({"version": version} if version is not None else {})},
            "Préparation d'un fichier du dossier de conformité",
        )
        job_id = job.pk
        transaction.on_commit(lambda: build_file_job.enqueue(job_id))
    return job
