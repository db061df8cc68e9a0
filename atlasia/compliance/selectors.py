"""Reads of the compliance file, scoped like the use cases: an obligation of a use case the user may not
see is absent (its pages answer 404)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from atlasia.accounts import perms
from atlasia.accounts.actor import ActorLike, as_actor
from atlasia.accounts.models import Membership
from atlasia.audit.models import AuditEntry
from atlasia.core import compliance as core
from atlasia.core.roles import Action
from atlasia.lifecycle import selectors as lifecycle_selectors
from atlasia.lifecycle.models import CharterPrinciple
from atlasia.lifecycle.selectors import InboxItem
from atlasia.monitoring import refs as monitoring_refs
from atlasia.qualification import selectors as qualification_selectors
from atlasia.registry.models import Organisation, UseCase
from atlasia.registry.selectors import usecases_visible_to

from .enums import CLOSED_STATUSES, ObligationStatus, RiskArea, RiskOrigin, RiskStatus, SignerRole
from .models import (
    Evidence,
    FileJob,
    ObligationItem,
    Risk,
    Vendor,
    VendorCharterCheck,
    VendorDocument,
    VendorSystem,
)


def usecases_with_file(actor: ActorLike | None) -> QuerySet[UseCase]:
    """Use cases whose compliance file the actor may read (a forbidden one is a 404): her organisations,
    and her region or the nation for the reviewers (``compliance.view``, the one permission rule)."""
    return perms.scoped(UseCase.objects.all(), actor, Action.COMPLIANCE_VIEW)


def organisations_with_files(actor: ActorLike | None) -> QuerySet[Organisation]:
    return perms.scoped(Organisation.objects.all(), actor, Action.COMPLIANCE_VIEW, organisation="")


def file_jobs_visible_to(actor: ActorLike | None) -> QuerySet[FileJob]:
    """Files prepared in the background, of the compliance files the actor may read; and the documents of
    a qualification, which whoever reads the use case may download (as from its qualification tab)."""
    from atlasia.qualification.documents import KINDS as QUALIFICATION_KINDS

    return FileJob.objects.filter(
        Q(use_case__in=usecases_with_file(actor))
        | Q(kind__in=list(QUALIFICATION_KINDS), use_case__in=usecases_visible_to(actor))
    ).select_related("use_case")


def prepared_files(use_case: UseCase) -> dict[tuple[str, str], FileJob]:
    """The latest file ready for download of each (kind, format) of the use case's compliance file."""
    prepared: dict[tuple[str, str], FileJob] = {}
    for job in FileJob.objects.filter(use_case=use_case, status="done").exclude(file="").order_by("pk"):
        prepared[job.kind, job.fmt] = job
    return prepared


def obligations_visible_to(user: ActorLike | None) -> QuerySet[ObligationItem]:
    return ObligationItem.objects.filter(use_case__in=usecases_with_file(user)).select_related(
        "use_case", "use_case__organisation", "owner", "signed_off_by"
    )


def obligations_of(use_case: UseCase) -> QuerySet[ObligationItem]:
    """Every item of the use case (the caller has checked it may see it), required ones first."""
    return (
        ObligationItem.objects.filter(use_case=use_case)
        .select_related("owner", "signed_off_by")
        .prefetch_related(Prefetch("evidence", queryset=Evidence.objects.select_related("attachment")))
        .order_by("dropped", "due_date", "id")
    )


def assignable_members(use_case: UseCase) -> QuerySet[Any]:
    """Members of the use case's organisation, who may own one of its obligations."""
    from atlasia.accounts.models import User

    ids = Membership.objects.filter(organisation_id=use_case.organisation_id).values("user_id")
    return User.objects.filter(pk__in=ids, is_active=True).order_by("last_name", "first_name", "username")


def history_of(item: ObligationItem) -> QuerySet[AuditEntry]:
    """The audit rows of the obligation and of its evidence (added or withdrawn)."""
    evidence_rows = AuditEntry.objects.filter(
        object_type="compliance.evidence", use_case_id=item.use_case_id, changes__has_key="obligation"
    )
    own = AuditEntry.objects.filter(object_type="compliance.obligationitem", object_id=str(item.pk))
    titles = {item.title}
    return (own | evidence_rows.filter(pk__in=[e.pk for e in evidence_rows if _names(e, titles)])).order_by(
        "-at", "-id"
    )


def _names(entry: AuditEntry, titles: set[str]) -> bool:
    values = (entry.changes or {}).get("obligation") or []
    return any(v in titles for v in values if isinstance(v, str))


def can_sign(user: ActorLike | None, item: ObligationItem) -> bool:
    action = (
        Action.OBLIGATION_SIGNOFF_DPO if item.signer_role == SignerRole.DPO else Action.OBLIGATION_SIGNOFF
    )
    return perms.can(user, action, item.use_case.organisation)


@dataclass
class PortfolioGroup:
    """One obligation across the use cases the user may see."""

    key: str
    title: str
    article: str
    items: list[ObligationItem] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    next_due: date | None = None
    overdue: int = 0


def portfolio(
    user: ActorLike | None,
    today: date,
    *,
    organisation_id: int | None = None,
    status: str = "",
    key: str = "",
) -> list[PortfolioGroup]:
    """Obligations by key, ordered by their nearest due date, with counts by status and what is overdue
    (an open obligation whose due date has passed). Items a requalification dropped are left out."""
    items = obligations_visible_to(user).filter(dropped=False)
    if organisation_id:
        items = items.filter(use_case__organisation_id=organisation_id)
    if status:
        items = items.filter(status=status)
    if key:
        items = items.filter(key=key)
    groups: dict[str, PortfolioGroup] = {}
    for item in items.order_by("due_date", "use_case__title", "id"):
        group = groups.setdefault(item.key, PortfolioGroup(item.key, item.shown_title, item.article))
        group.items.append(item)
        group.counts[item.status] += 1
        if item.status not in CLOSED_STATUSES and item.due_date:
            if group.next_due is None or item.due_date < group.next_due:
                group.next_due = item.due_date
            if item.due_date < today:
                group.overdue += 1
    return sorted(groups.values(), key=lambda g: (g.next_due is None, g.next_due or date.max, g.title))


def inbox_items(user: ActorLike | None, today: date) -> list[InboxItem]:
    """For the « À faire » inbox and its reminders: the open obligations the user owns, and those a
    requalification changed in organisations where she validates obligations."""
    if not getattr(user, "is_authenticated", False):
        return []
    mine = (
        ObligationItem.objects.filter(owner_id=as_actor(user).user_id, dropped=False)
        .exclude(status__in=CLOSED_STATUSES)
        .select_related("use_case", "use_case__organisation")
        .order_by("due_date", "id")
    )
    items = [
        InboxItem(
            "obligation",
            f"Obligation : {item.title} ({item.article})",
            item.use_case,
            item.due_date,
            url_name="compliance_obligation",
            url_args=(item.pk,),
            overdue=bool(item.due_date and item.due_date < today),
        )
        for item in mine
    ]
    seen = {item.pk for item in mine}
    signing_orgs = perms.organisation_ids_with(user, Action.OBLIGATION_SIGNOFF) | perms.organisation_ids_with(
        user, Action.OBLIGATION_SIGNOFF_DPO
    )
    if signing_orgs:
        changed = (
            ObligationItem.objects.filter(to_review=True, use_case__organisation_id__in=signing_orgs)
            .exclude(pk__in=seen)
            .select_related("use_case", "use_case__organisation")
            .order_by("due_date", "id")
        )
        items += [
            InboxItem(
                "obligation",
                f"Obligation modifiée par la requalification : {item.title} — {item.requalification_note}",
                item.use_case,
                item.due_date,
                url_name="compliance_obligation",
                url_args=(item.pk,),
            )
            for item in changed
        ]
    items += [
        InboxItem(
            "obligation",
            f"Revue du risque « {risk.title} » (registre des risques, art. 9)",
            risk.use_case,
            risk.next_review_on,
            url_name="compliance_risk",
            url_args=(risk.pk,),
            overdue=risk.next_review_on < today,
        )
        for risk in risks_due_for(user, today)
    ]
    return items


def status_counts(use_case: UseCase) -> dict[str, int]:
    counts = {s.value: 0 for s in ObligationStatus}
    for status in ObligationItem.objects.filter(use_case=use_case, dropped=False).values_list(
        "status", flat=True
    ):
        counts[status] += 1
    return counts


# --- risk register -------------------------------------------------------------------------------------


def risks_of(use_case: UseCase) -> QuerySet[Risk]:
    return Risk.objects.filter(use_case=use_case).select_related("owner").order_by("status", "-id")


def risks_visible_to(user: ActorLike | None) -> QuerySet[Risk]:
    return Risk.objects.filter(use_case__in=usecases_with_file(user)).select_related(
        "use_case", "use_case__organisation", "owner"
    )


@dataclass(frozen=True)
class RiskFeed:
    """An incident or externality of the use case that has no entry in the register yet."""

    kind: str
    id: int
    label: str
    when: date | None
    detail: str


def risk_feed(use_case: UseCase) -> list[RiskFeed]:
    """Incidents and negative externalities not yet in the register (they feed it, Art. 9(2)(c))."""
    taken = set(
        Risk.objects.filter(use_case=use_case).exclude(source_kind="").values_list("source_kind", "source_id")
    )
    feed = [
        RiskFeed(
            "incident", i.id, f"Incident : {i.title}", i.occurred_on, f"{i.severity_label} — {i.status_label}"
        )
        for i in monitoring_refs.incidents_of(use_case.pk)
        if ("incident", i.id) not in taken
    ]
    feed += [
        RiskFeed(
            "externality",
            e.id,
            f"Externalité négative : {e.category_label}",
            e.observed_on,
            e.description[:200],
        )
        for e in monitoring_refs.externalities_of(use_case.pk)
        if ("externality", e.id) not in taken
    ]
    return feed


def risk_prefill(use_case: UseCase, kind: str, source_id: int) -> dict[str, Any] | None:
    """Initial values of a risk created from an incident or an externality of the use case."""
    if kind == "incident":
        found = next((i for i in monitoring_refs.incidents_of(use_case.pk) if i.id == source_id), None)
        if found is None:
            return None
        severity = {"minor": 2, "major": 3, "serious": 4}.get(found.severity, 3)
        return {
            "title": found.title[:200],
            "description": found.description,
            "origin": RiskOrigin.INCIDENT,
            "severity": severity,
            "likelihood": 3,
        }
    if kind == "externality":
        ext = next((e for e in monitoring_refs.externalities_of(use_case.pk) if e.id == source_id), None)
        if ext is None:
            return None
        area = RiskArea.FUNDAMENTAL_RIGHTS if ext.category in ("bias", "loss_of_rights") else RiskArea.SAFETY
        return {
            "title": f"{ext.category_label} signalé(e) sur le terrain"[:200],
            "description": ext.description,
            "origin": RiskOrigin.EXTERNALITY,
            "area": area,
            "likelihood": 2,
            "severity": 2,
        }
    return None


def risks_due_for(user: ActorLike | None, today: date) -> QuerySet[Risk]:
    """Risks the user owns whose review date has come."""
    owner_id = as_actor(user).user_id
    if owner_id is None:
        return Risk.objects.none()
    return (
        Risk.objects.filter(owner_id=owner_id, next_review_on__lte=today)
        .exclude(status=RiskStatus.CLOSED)
        .select_related("use_case", "use_case__organisation")
        .order_by("next_review_on", "id")
    )


# --- vendor register ------------------------------------------------------------------------------------


def vendors_visible_to(user: ActorLike | None) -> QuerySet[Vendor]:
    return Vendor.objects.filter(organisation__in=organisations_with_files(user)).select_related(
        "organisation"
    )


def system_use(use_case: UseCase) -> core.SystemUse:
    """What the latest qualification of a use case says, for the documents its vendor owes."""
    latest = qualification_selectors.latest_ref(use_case)
    if latest is None:
        return core.SystemUse(high_risk=False, annex3=False, personal_data=bool(use_case.personal_data))
    ai_act = latest.result.get("ai_act") or {}
    bases = ai_act.get("bases") or []
    return core.SystemUse(
        high_risk=ai_act.get("category") == "high_risk",
        annex3=any(str(b).startswith("annex3_") for b in bases),
        personal_data=(latest.result.get("gdpr") or {}).get("personal_data") is True,
    )


@dataclass
class SystemStatus:
    system: VendorSystem
    use_cases: list[UseCase]
    owed: list[tuple[str, str, str, str, str]]  # (code, label, basis, label in English, basis in English)
    received: dict[str, list[VendorDocument]]
    missing: list[tuple[str, str, str, str, str]]
    checks: dict[int, VendorCharterCheck]
    charter_gaps: int

    @property
    def missing_codes(self) -> list[str]:
        return [item[0] for item in self.missing]


def purchasing_principles() -> list[CharterPrinciple]:
    charter = lifecycle_selectors.charters().filter(kind="purchasing").first()
    return list(charter.principles.all()) if charter else []


def system_status(system: VendorSystem, principles: list[CharterPrinciple] | None = None) -> SystemStatus:
    use_cases = list(system.use_cases.all().order_by("title"))
    owed_codes = core.owed_documents(system_use(uc) for uc in use_cases)
    owed = [
        (code.value, *core.OWED_DOCUMENT_LABELS_FR[code], *core.OWED_DOCUMENT_LABELS_EN[code])
        for code in owed_codes
    ]
    received: dict[str, list[VendorDocument]] = defaultdict(list)
    for document in system.documents.select_related("attachment").order_by("-received_on"):
        received[document.kind].append(document)
    missing = [item for item in owed if item[0] not in received]
    checks = {c.principle_id: c for c in system.charter_checks.all()}
    principles = principles if principles is not None else purchasing_principles()
    gaps = sum(1 for p in principles if checks.get(p.pk) is None or checks[p.pk].level != "met")
    return SystemStatus(system, use_cases, owed, dict(received), missing, checks, gaps)


def vendor_systems_of(use_case: UseCase) -> list[VendorSystem]:
    return list(
        VendorSystem.objects.filter(use_cases=use_case)
        .select_related("vendor")
        .order_by("vendor__name", "name")
    )
