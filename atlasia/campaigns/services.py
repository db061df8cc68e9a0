"""Writes of the campaigns domain. Each service checks the permission, validates, writes and records its
audit row in one transaction; a refusal raises ``PermissionDenied`` (the screens answer 404 where the
object must not be revealed) and bad input a ``ValidationError`` with a French message naming the field.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from atlasia.accounts.models import User
from atlasia.audit.models import AuditAction
from atlasia.audit.services import audit_record, diff, snapshot
from atlasia.registry.models import Organisation, UseCase
from atlasia.registry.reference import region_names

from . import perms
from .enums import CampaignKind, CampaignScope, CensusAction, EmailKind, QuestionKind, Verdict
from .models import (
    AgendaItem,
    Answer,
    Campaign,
    CampaignEmail,
    CampaignTarget,
    CensusEntry,
    CommitteeMember,
    CommitteeSession,
    Question,
)

#: Statuses of a record that a census no longer asks about.
CLOSED_STATUSES = ("retired", "abandoned")
SCALE_RANGE = range(1, 6)


def _fr(day: date) -> str:
    return f"{day:%d/%m/%Y}"


def _closed_error(campaign: Campaign) -> ValidationError:
    return ValidationError(
        f"La campagne « {campaign.title} » est close depuis le {_fr(campaign.closes_on)} : "
        "les réponses ne sont plus acceptées."
    )


def _require_open(campaign: Campaign, today: date) -> None:
    if today > campaign.closes_on:
        raise _closed_error(campaign)
    if today < campaign.opens_on:
        raise ValidationError(
            gettext(
                "La campagne « %(title)s » ouvre le %(opens_on)s : les réponses ne sont pas encore acceptées."
            )
            % {"title": campaign.title, "opens_on": _fr(campaign.opens_on)}
        )


# --- launch ------------------------------------------------------------------------------------------


def target_organisations(
    *,
    scope: str,
    region: str,
    types: Iterable[str],
    regions: Iterable[str],
    organisations: Iterable[Organisation],
) -> list[Organisation]:
    """Organisations matching the types AND regions chosen, plus the explicit list.

    A regional campaign keeps only organisations of its region (an explicit organisation outside it is
    an error raised by :func:`campaign_launch`)."""
    types, regions, explicit = list(types), list(regions), list(organisations)
    chosen: dict[int, Organisation] = {}
    if types or regions:
        query = Organisation.objects.all()
        if types:
            query = query.filter(type__in=types)
        if regions:
            query = query.filter(region__in=regions)
        if scope == CampaignScope.REGIONAL:
            query = query.filter(region=region)
        chosen.update({o.pk: o for o in query.order_by("name")})
    for organisation in explicit:
        chosen.setdefault(organisation.pk, organisation)
    return sorted(chosen.values(), key=lambda o: o.name)


def campaign_launch(*, actor: User, data: Mapping[str, Any], today: date | None = None) -> Campaign:
    """Create a campaign and its targets (frozen at launch: the denominator of the response rate)."""
    scope = perms.launch_scope(actor)
    if scope is None:
        raise PermissionDenied
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    opens_on, closes_on = data.get("opens_on"), data.get("closes_on")
    if opens_on and closes_on and closes_on < opens_on:
        errors["closes_on"] = gettext(
            "La clôture (%(closes_on)s) est antérieure à l'ouverture (%(opens_on)s)."
        ) % {"closes_on": _fr(closes_on), "opens_on": _fr(opens_on)}
    elif closes_on and closes_on < today:
        errors["closes_on"] = gettext("La clôture (%(closes_on)s) est déjà passée.") % {
            "closes_on": _fr(closes_on)
        }
    explicit = list(data.get("organisations") or [])
    if scope[0] == CampaignScope.REGIONAL:
        outside = [o.name for o in explicit if o.region != scope[1]]
        if outside:
            name = region_names().get(scope[1], scope[1])
            errors["organisations"] = gettext(
                "Une équipe régionale ne cible que les organisations de sa région (%(region)s) : %(outside)s."
            ) % {"region": name, "outside": ", ".join(outside)}
    organisations = target_organisations(
        scope=scope[0],
        region=scope[1],
        types=data.get("target_types") or [],
        regions=data.get("target_regions") or [],
        organisations=explicit,
    )
    if not organisations and "organisations" not in errors:
        errors["target_types"] = gettext(
            "Aucune organisation ne correspond aux types, régions et organisations choisis."
        )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        campaign = Campaign(
            title=data["title"],
            kind=data["kind"],
            instructions=data["instructions"],
            scope=scope[0],
            region=scope[1],
            opens_on=data["opens_on"],
            closes_on=data["closes_on"],
            reminder_days=data.get("reminder_days") or 7,
            anonymity_threshold=data.get("anonymity_threshold") or 5,
            target_types=list(data.get("target_types") or []),
            target_regions=list(data.get("target_regions") or []),
            created_by=actor,
        )
        campaign.full_clean()
        campaign.save()
        CampaignTarget.objects.bulk_create(
            [CampaignTarget(campaign=campaign, organisation=o) for o in organisations]
        )
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=campaign,
            changes={**snapshot(campaign), "organisations ciblées": len(organisations)},
            message=f"Campagne lancée auprès de {len(organisations)} organisation(s)",
        )
    return campaign


def campaign_extend(*, actor: User, campaign: Campaign, closes_on: date) -> Campaign:
    """Move the closing date later (never earlier: organisations plan on the announced date)."""
    if not perms.can_manage(actor, campaign):
        raise PermissionDenied
    if closes_on <= campaign.closes_on:
        raise ValidationError(
            {
                "closes_on": gettext(
                    "La nouvelle clôture doit être postérieure à la clôture actuelle (%(closes_on)s)."
                )
                % {"closes_on": _fr(campaign.closes_on)}
            }
        )
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        before = campaign.closes_on
        campaign.closes_on = closes_on
        campaign.save(update_fields=["closes_on"])
        # The last reminders must go out again before the new date.
        CampaignEmail.objects.filter(
            target__campaign=campaign, kind__in=[EmailKind.REMINDER, EmailKind.LAST_CALL]
        ).delete()
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=campaign,
            changes={"closes_on": [before.isoformat(), closes_on.isoformat()]},
            message="Clôture repoussée",
        )
    return campaign


def target_delegate(*, actor: User, target: CampaignTarget, delegate: Any | None) -> CampaignTarget:
    """An organisation administrator hands the answer to one of the organisation's members."""
    if not perms.can_delegate(actor, target):
        raise PermissionDenied
    if delegate is not None and not delegate.memberships.filter(organisation=target.organisation).exists():
        raise ValidationError(
            {
                "delegate": gettext("%(delegate)s n'est pas membre de %(name)s.")
                % {"delegate": delegate, "name": target.organisation.name}
            }
        )
    with transaction.atomic():
        before = str(target.delegate) if target.delegate_id else ""
        target.delegate = delegate
        target.save(update_fields=["delegate"])
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=target,
            organisation_id=target.organisation_id,
            changes={"delegate": [before, str(delegate) if delegate else ""]},
            message="Réponse à la campagne déléguée",
        )
    return target


# --- questions (surveys) -----------------------------------------------------------------------------


def _clean_question(data: Mapping[str, Any]) -> dict[str, Any]:
    kind = data.get("kind")
    choices = [c.strip() for c in data.get("choices") or [] if c and c.strip()]
    if kind == QuestionKind.CHOICE and len(choices) < 2:
        raise ValidationError(
            {"choices": gettext("Une question à choix propose au moins deux réponses (une par ligne).")}
        )
    if kind != QuestionKind.CHOICE:
        choices = []
    if len(set(choices)) != len(choices):
        raise ValidationError({"choices": gettext("Chaque réponse proposée doit être différente.")})
    return {
        "kind": kind,
        "text": (data.get("text") or "").strip(),
        "help_text": (data.get("help_text") or "").strip(),
        "choices": choices,
        "per_use_case": bool(data.get("per_use_case")),
        "required": bool(data.get("required")),
    }


def question_add(*, actor: User, campaign: Campaign, data: Mapping[str, Any]) -> Question:
    if not perms.can_manage(actor, campaign):
        raise PermissionDenied
    if campaign.kind != CampaignKind.SURVEY:
        raise ValidationError(gettext("Seule une enquête a des questions."))
    fields = _clean_question(data)
    with transaction.atomic():
        position = campaign.questions.count() + 1
        question = Question(campaign=campaign, position=position, **fields)
        question.full_clean()
        question.save()
        audit_record(actor=actor, action=AuditAction.CREATE, obj=question, changes=snapshot(question))
    return question


def question_update(*, actor: User, question: Question, data: Mapping[str, Any]) -> Question:
    """Edit a question. Once it has answers, the question is retired and a new version replaces it, so
    that the old answers keep the wording they answered."""
    if not perms.can_manage(actor, question.campaign):
        raise PermissionDenied
    if question.retired_at is not None:
        raise ValidationError(gettext("Cette version de la question a déjà été remplacée."))
    fields = _clean_question(data)
    with transaction.atomic():
        question = Question.objects.select_for_update().get(pk=question.pk)
        before = snapshot(question)
        if all(getattr(question, name) == value for name, value in fields.items()):
            return question  # posted back unchanged: no new version, nothing to audit
        if question.answers.exists():
            question.retired_at = timezone.now()
            question.save(update_fields=["retired_at"])
            new = Question(
                campaign=question.campaign,
                position=question.position,
                version=question.version + 1,
                replaces=question,
                **fields,
            )
            new.full_clean()
            new.save()
            audit_record(
                actor=actor,
                action=AuditAction.CREATE,
                obj=new,
                changes=diff(before, snapshot(new)),
                message=f"Nouvelle version {new.version} (la version {question.version} a déjà des réponses)",
            )
            return new
        for name, value in fields.items():
            setattr(question, name, value)
        question.full_clean()
        question.save()
        audit_record(
            actor=actor, action=AuditAction.UPDATE, obj=question, changes=diff(before, snapshot(question))
        )
        return question


# --- answers -----------------------------------------------------------------------------------------


def _require_answer(actor: User, target: CampaignTarget) -> None:
    if not perms.can_answer(actor, target):
        raise PermissionDenied


def census_confirm(
    *, actor: User, target: CampaignTarget, use_case: UseCase, today: date | None = None
) -> CensusEntry:
    """Confirm one record unchanged: stores its last-confirmed date, audited on the record."""
    _require_answer(actor, target)
    campaign = target.campaign
    if campaign.kind != CampaignKind.CENSUS:
        raise ValidationError(gettext("Cette campagne n'est pas un recensement."))
    _require_open(campaign, today or timezone.localdate())
    if use_case.organisation_id != target.organisation_id:
        raise PermissionDenied
    with transaction.atomic():
        entry, _created = CensusEntry.objects.update_or_create(
            campaign=campaign,
            use_case=use_case,
            defaults={"action": CensusAction.CONFIRMED, "at": timezone.now(), "by": actor},
        )
        audit_record(
            actor=actor,
            action=AuditAction.EVENT,
            obj=entry,
            use_case_id=use_case.pk,
            organisation_id=use_case.organisation_id,
            changes={"confirmée le": entry.at},
            message=f"Fiche confirmée sans changement (campagne « {campaign.title} »)",
        )
    return entry


def census_pending(target: CampaignTarget) -> list[UseCase]:
    """Records of the organisation not yet confirmed, updated or declared during the campaign."""
    from .selectors import census_rows

    return [row.use_case for row in census_rows(target) if row.action == ""]


def census_submit(*, actor: User, target: CampaignTarget, today: date | None = None) -> CampaignTarget:
    """Send the organisation's census answer once every current record is confirmed, updated or declared.

    Records updated or declared through the usual forms during the campaign get their census entry (and
    so their last-confirmed date) here."""
    from .selectors import census_rows

    _require_answer(actor, target)
    campaign = target.campaign
    _require_open(campaign, today or timezone.localdate())
    rows = census_rows(target)
    pending = [row.use_case.title for row in rows if row.action == ""]
    if pending:
        raise ValidationError(
            gettext(
                "Confirmez ou mettez à jour chaque fiche avant d'envoyer la réponse ; restent : %(pending)s."
            )
            % {"pending": ", ".join(f"« {t} »" for t in pending)}
        )
    now = timezone.now()
    with transaction.atomic():
        target = CampaignTarget.objects.select_for_update().get(pk=target.pk)
        for row in rows:
            if not row.entry_id:
                entry = CensusEntry.objects.create(
                    campaign=campaign, use_case=row.use_case, action=row.action, at=now, by=actor
                )
                audit_record(
                    actor=actor,
                    action=AuditAction.EVENT,
                    obj=entry,
                    use_case_id=row.use_case.pk,
                    organisation_id=target.organisation_id,
                    changes={"action": row.action},
                    message=f"Fiche {entry.get_action_display().lower()} (campagne « {campaign.title} »)",
                )
        first = target.responded_at is None
        target.responded_at = now
        target.responded_by = actor
        target.save(update_fields=["responded_at", "responded_by"])
        audit_record(
            actor=actor,
            action=AuditAction.EVENT,
            obj=target,
            organisation_id=target.organisation_id,
            changes={"fiches": len(rows)},
            message="Réponse au recensement envoyée" if first else "Réponse au recensement mise à jour",
        )
    return target


def _clean_value(question: Question, raw: Any, where: str) -> Any:
    """The stored value of one answer, or a French error naming the question."""
    if raw in (None, "", []):
        if question.required:
            raise ValidationError(gettext("%(where)s : une réponse est obligatoire.") % {"where": where})
        return None
    if question.kind == QuestionKind.CHOICE:
        if raw not in question.choices:
            raise ValidationError(
                gettext("%(where)s : « %(raw)s » ne fait pas partie des réponses proposées.")
                % {"where": where, "raw": raw}
            )
        return raw
    if question.kind == QuestionKind.SCALE:
        try:
            value = int(raw)
        except (TypeError, ValueError):
            value = 0
        if value not in SCALE_RANGE:
            raise ValidationError(gettext("%(where)s : choisissez une note de 1 à 5.") % {"where": where})
        return value
    if question.kind == QuestionKind.NUMBER:
        try:
            number = float(str(raw).replace(",", ".").replace("\u202f", "").replace(" ", ""))
        except ValueError:
            raise ValidationError(
                gettext("%(where)s : « %(raw)s » n'est pas un nombre.") % {"where": where, "raw": raw}
            ) from None
        if number != number or number in (float("inf"), float("-inf")) or abs(number) > 1e12:
            raise ValidationError(
                gettext("%(where)s : « %(raw)s » n'est pas un nombre utilisable.")
                % {"where": where, "raw": raw}
            )
        return int(number) if number.is_integer() else number
    text = str(raw).strip()
    if len(text) > 5000:
        raise ValidationError(gettext("%(where)s : 5 000 caractères au plus.") % {"where": where})
    return text or None


def survey_answer(
    *,
    actor: User,
    target: CampaignTarget,
    values: Mapping[tuple[int, int | None], Any],
    today: date | None = None,
) -> CampaignTarget:
    """Store the organisation's answers (``{(question_id, use_case_id or None): raw value}``) and mark
    it as having answered. Answering again replaces the previous answers, until the closing date."""
    from .selectors import current_questions, organisation_use_cases

    _require_answer(actor, target)
    campaign = target.campaign
    if campaign.kind != CampaignKind.SURVEY:
        raise ValidationError(gettext("Cette campagne n'est pas une enquête."))
    _require_open(campaign, today or timezone.localdate())
    questions = current_questions(campaign)
    use_cases = organisation_use_cases(target.organisation)
    cleaned: dict[tuple[int, int | None], Any] = {}
    errors: list[str] = []
    for question in questions:
        keys: list[tuple[tuple[int, int | None], str]]
        if question.per_use_case:
            keys = [((question.pk, uc.pk), f"« {question.text} » pour « {uc.title} »") for uc in use_cases]
        else:
            keys = [((question.pk, None), f"« {question.text} »")]
        for key, where in keys:
            try:
                cleaned[key] = _clean_value(question, values.get(key), where)
            except ValidationError as error:
                errors.extend(error.messages)
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    with transaction.atomic():
        target = CampaignTarget.objects.select_for_update().get(pk=target.pk)
        stored = 0
        for (question_id, use_case_id), value in cleaned.items():
            lookup: dict[str, Any] = {
                "target": target,
                "question_id": question_id,
                "use_case_id": use_case_id,
            }
            if value is None:
                Answer.objects.filter(**lookup).delete()
                continue
            Answer.objects.update_or_create(
                **lookup, defaults={"value": value, "answered_by": actor, "answered_at": now}
            )
            stored += 1
        first = target.responded_at is None
        target.responded_at = now
        target.responded_by = actor
        target.save(update_fields=["responded_at", "responded_by"])
        audit_record(
            actor=actor,
            action=AuditAction.EVENT,
            obj=target,
            organisation_id=target.organisation_id,
            changes={"réponses": stored},
            message="Réponse à l'enquête envoyée" if first else "Réponse à l'enquête modifiée",
        )
    return target


# --- e-mails -----------------------------------------------------------------------------------------


def _base_url() -> str:
    return str(getattr(settings, "ATLASIA_BASE_URL", "http://127.0.0.1:8000")).rstrip("/")


def target_recipients(target: CampaignTarget) -> list[str]:
    """Referents and administrators of the organisation, and the delegate, with an e-mail address."""
    from atlasia.accounts.models import User

    users = (
        User.objects.filter(is_active=True)
        .exclude(email="")
        .filter(
            Q(memberships__organisation=target.organisation, memberships__role__in=["referent", "org_admin"])
            | Q(pk=target.delegate_id or 0)
        )
    )
    return sorted({u.email for u in users})


SUBJECTS = {
    EmailKind.LAUNCH: gettext_noop("Atlas IA — nouvelle campagne : %(title)s (réponse avant le %(closes)s)"),
    EmailKind.REMINDER: gettext_noop("Atlas IA — rappel : %(title)s se termine le %(closes)s"),
    EmailKind.LAST_CALL: gettext_noop("Atlas IA — dernier appel : %(title)s se termine le %(closes)s"),
    EmailKind.MANUAL: gettext_noop("Atlas IA — relance : %(title)s (réponse avant le %(closes)s)"),
}


def _send(target: CampaignTarget, kind: str, now: datetime) -> bool:
    """Send one e-mail of ``kind`` for ``target`` (inside the caller's transaction) and log it."""
    recipients = target_recipients(target)
    if not recipients:
        return False
    campaign = target.campaign
    url = _base_url() + reverse("campaigns_answer", args=[campaign.pk, target.organisation.slug])
    context = {"campaign": campaign, "target": target, "kind": kind, "url": url}
    subject = gettext(SUBJECTS[EmailKind(kind)]) % {
        "title": campaign.title,
        "closes": _fr(campaign.closes_on),
    }
    email = CampaignEmail.objects.create(target=target, kind=kind, sent_at=now, recipients=len(recipients))
    send_mail(subject, render_to_string("campaigns/email/campaign.txt", context), None, recipients)
    audit_record(
        actor=None,
        action=AuditAction.EVENT,
        obj=email,
        organisation_id=target.organisation_id,
        changes={"destinataires": len(recipients)},
        message=f"Courriel de campagne ({email.get_kind_display()}) envoyé",
    )
    return True


def due_email_kind(campaign: Campaign, target: CampaignTarget, today: date, sent: set[str]) -> str | None:
    """The e-mail a target should receive today, if any: the launch once the campaign is open, the
    reminder ``reminder_days`` before the closing date, the last call on the eve and the last day."""
    if target.responded_at is not None or not campaign.is_open(today):
        return None
    days_left = (campaign.closes_on - today).days
    if days_left <= 1 and EmailKind.LAST_CALL not in sent:
        return EmailKind.LAST_CALL
    if days_left <= campaign.reminder_days and EmailKind.REMINDER not in sent and days_left > 1:
        return EmailKind.REMINDER
    if EmailKind.LAUNCH not in sent and not ({EmailKind.REMINDER, EmailKind.LAST_CALL} & sent):
        return EmailKind.LAUNCH
    return None


def campaign_emails_send(*, today: date | None = None) -> dict[str, int]:
    """Send the launch, reminder and last-call e-mails that are due. Idempotent: each kind goes out once
    per target (a unique row written in the same transaction as the sending), so a second run the same
    day sends nothing; a failed sending rolls its row back so that the next run retries."""
    today = today or timezone.localdate()
    counts = {EmailKind.LAUNCH.value: 0, EmailKind.REMINDER.value: 0, EmailKind.LAST_CALL.value: 0}
    counts["skipped"] = 0
    open_campaigns = Campaign.objects.filter(opens_on__lte=today, closes_on__gte=today)
    targets = (
        CampaignTarget.objects.filter(campaign__in=open_campaigns, responded_at__isnull=True)
        .select_related("campaign", "organisation")
        .order_by("pk")
    )
    now = timezone.now()
    for target in targets:
        with transaction.atomic():
            locked = CampaignTarget.objects.select_for_update().get(pk=target.pk)
            sent = set(CampaignEmail.objects.filter(target=locked).values_list("kind", flat=True))
            kind = due_email_kind(target.campaign, locked, today, sent)
            if kind is None:
                counts["skipped"] += 1
                continue
            locked.campaign, locked.organisation = target.campaign, target.organisation
            if _send(locked, kind, now):
                counts[str(kind)] += 1
            else:
                counts["skipped"] += 1
    return counts


def campaign_remind(*, actor: User, campaign: Campaign, today: date | None = None) -> int:
    """The team reminds every organisation that has not answered yet; returns the e-mails sent."""
    if not perms.can_manage(actor, campaign):
        raise PermissionDenied
    _require_open(campaign, today or timezone.localdate())
    now = timezone.now()
    sent = 0
    with transaction.atomic():
        for target in campaign.targets.filter(responded_at__isnull=True).select_related("organisation"):
            target.campaign = campaign
            sent += int(_send(target, EmailKind.MANUAL, now))
        audit_record(
            actor=actor,
            action=AuditAction.EVENT,
            obj=campaign,
            changes={"relances": sent},
            message=f"Relance envoyée à {sent} organisation(s)",
        )
    return sent


# --- the expert committee ----------------------------------------------------------------------------


def _require_committee_manager(actor: User) -> None:
    if not perms.can_manage_committee(actor):
        raise PermissionDenied


def committee_member_add(
    *,
    actor: User,
    user: User,
    organisation: Organisation,
    expertise: str,
    is_chair: bool = False,
    joined_on: date | None = None,
) -> CommitteeMember:
    _require_committee_manager(actor)
    if CommitteeMember.objects.filter(user=user).exists():
        raise ValidationError({"user": gettext("%(user)s siège déjà au comité.") % {"user": user}})
    with transaction.atomic():
        member = CommitteeMember(
            user=user,
            organisation=organisation,
            expertise=expertise.strip(),
            is_chair=is_chair,
            joined_on=joined_on or timezone.localdate(),
        )
        member.full_clean()
        member.save()
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=member,
            organisation_id=organisation.pk,
            changes=snapshot(member),
            message="Membre ajouté au comité d'experts",
        )
    return member


def committee_session_create(*, actor: User, data: Mapping[str, Any]) -> CommitteeSession:
    _require_committee_manager(actor)
    with transaction.atomic():
        session = CommitteeSession(
            title=(data.get("title") or "").strip(),
            held_on=data["held_on"],
            summary=(data.get("summary") or "").strip(),
            created_by=actor,
        )
        session.full_clean()
        session.save()
        audit_record(actor=actor, action=AuditAction.CREATE, obj=session, changes=snapshot(session))
    return session


def agenda_add(*, actor: User, session: CommitteeSession, use_case: UseCase, question: str) -> AgendaItem:
    """Put a use case on a session's agenda with the question the committee must answer."""
    _require_committee_manager(actor)
    if session.agenda.filter(use_case=use_case).exists():
        raise ValidationError(
            {
                "use_case": gettext("« %(title)s » est déjà à l'ordre du jour de cette séance.")
                % {"title": use_case.title}
            }
        )
    if not question.strip():
        raise ValidationError({"question": gettext("Indiquez la question posée au comité.")})
    with transaction.atomic():
        item = AgendaItem(
            session=session, use_case=use_case, question=question.strip(), position=session.agenda.count() + 1
        )
        item.full_clean()
        item.save()
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=item,
            use_case_id=use_case.pk,
            organisation_id=use_case.organisation_id,
            changes={"séance": str(session), "question": item.question},
            message="Inscrit à l'ordre du jour du comité d'experts",
        )
    return item


def opinion_record(
    *, actor: User, item: AgendaItem, verdict: str, reasons: str, promising: bool = False
) -> AgendaItem:
    """Record (or correct) the committee's opinion on an agenda item, with its reasons. The label
    « prometteur à diffuser » goes only with a favourable opinion."""
    if not perms.can_give_opinion(actor):
        raise PermissionDenied
    errors: dict[str, str] = {}
    if verdict not in Verdict.values:
        errors["verdict"] = gettext(
            "Choisissez l'avis du comité : favorable, favorable avec réserves ou défavorable."
        )
    if not reasons.strip():
        errors["reasons"] = gettext("Un avis du comité est toujours motivé : indiquez ses motifs.")
    if promising and verdict != Verdict.FAVOURABLE:
        errors["promising"] = gettext(
            "Seul un avis favorable peut porter le label « prometteur à diffuser »."
        )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        item = AgendaItem.objects.select_for_update().select_related("use_case").get(pk=item.pk)
        before = {"verdict": item.verdict, "reasons": item.reasons, "promising": item.promising}
        item.verdict, item.reasons, item.promising = verdict, reasons.strip(), promising
        item.decided_at, item.decided_by = timezone.now(), actor
        item.save()
        after = {"verdict": item.verdict, "reasons": item.reasons, "promising": item.promising}
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE if before["verdict"] else AuditAction.CREATE,
            obj=item,
            use_case_id=item.use_case_id,
            organisation_id=item.use_case.organisation_id,
            changes=diff(before, after),
            message="Avis du comité d'experts" + (" — prometteur à diffuser" if promising else ""),
        )
    return item
