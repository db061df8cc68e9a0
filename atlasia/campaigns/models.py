"""Campaigns run by a national or regional team: the census of use cases and surveys.

A :class:`Campaign` targets organisations (one :class:`CampaignTarget` row each, frozen at launch so
that the response rate keeps its denominator). A census records, per use case, a
:class:`CensusEntry` (confirmed unchanged, updated, declared); a survey has versioned
:class:`Question` rows — editing a question that already has answers retires it and creates the next
version, so old answers stay readable with the wording they answered — and :class:`Answer` rows.
Writes go through ``services.py``, reads through ``selectors.py``.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .enums import CampaignKind, CampaignScope, CensusAction, EmailKind, QuestionKind, Verdict

USER = settings.AUTH_USER_MODEL


class Campaign(models.Model):
    title = models.CharField(_("titre"), max_length=200)
    kind = models.CharField(_("type de campagne"), max_length=10, choices=CampaignKind.choices)
    instructions = models.TextField(_("consignes"))
    scope = models.CharField(_("portée"), max_length=10, choices=CampaignScope.choices)
    region = models.CharField(_("région"), max_length=3, blank=True)
    opens_on = models.DateField(_("ouverture"))
    closes_on = models.DateField(_("clôture"))
    reminder_days = models.PositiveSmallIntegerField(_("rappel (jours avant la clôture)"), default=7)
    anonymity_threshold = models.PositiveSmallIntegerField(
        _("seuil d'anonymat (répondants)"),
        default=5,
        help_text=_("En dessous de ce nombre de répondants, les résultats d'une question sont masqués."),
    )
    target_types = models.JSONField(_("types d'organisation ciblés"), default=list, blank=True)
    target_regions = models.JSONField(_("régions ciblées"), default=list, blank=True)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-opens_on", "-id"]
        verbose_name = _("campagne")
        verbose_name_plural = _("campagnes")

    def __str__(self) -> str:
        return self.title

    def is_open(self, today: date) -> bool:
        return self.opens_on <= today <= self.closes_on

    def is_closed(self, today: date) -> bool:
        return today > self.closes_on


class CampaignTarget(models.Model):
    """An organisation asked to answer; ``responded_at`` is set when it sends its answer."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="targets")
    organisation = models.ForeignKey(
        "registry.Organisation", on_delete=models.CASCADE, related_name="campaign_targets"
    )
    delegate = models.ForeignKey(
        USER,
        verbose_name=_("membre chargé de répondre"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    responded_at = models.DateTimeField(_("réponse envoyée le"), null=True, blank=True)
    responded_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("organisation ciblée")
        verbose_name_plural = _("organisations ciblées")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "organisation"], name="campaign_target_unique")
        ]

    def __str__(self) -> str:
        return f"{self.campaign} — {self.organisation}"


class CensusEntry(models.Model):
    """What an organisation did with one of its use cases during a census (its last-confirmed date)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="census_entries")
    use_case = models.ForeignKey("registry.UseCase", on_delete=models.CASCADE, related_name="census_entries")
    action = models.CharField(_("action"), max_length=10, choices=CensusAction.choices)
    at = models.DateTimeField(_("date"))
    by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("réponse au recensement")
        verbose_name_plural = _("réponses au recensement")
        constraints = [models.UniqueConstraint(fields=["campaign", "use_case"], name="census_entry_unique")]
        indexes = [models.Index(fields=["use_case", "-at"])]

    def __str__(self) -> str:
        return f"{self.use_case} ({self.get_action_display()})"


class Question(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    kind = models.CharField(_("type de question"), max_length=10, choices=QuestionKind.choices)
    text = models.CharField(_("question"), max_length=500)
    help_text = models.CharField(_("aide"), max_length=500, blank=True)
    choices = models.JSONField(_("réponses proposées"), default=list, blank=True)
    per_use_case = models.BooleanField(_("une réponse par cas d'usage"), default=False)
    required = models.BooleanField(_("réponse obligatoire"), default=False)
    version = models.PositiveSmallIntegerField(default=1)
    replaces = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replaced_by"
    )
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self) -> str:
        return f"{self.text} (v{self.version})"


class Answer(models.Model):
    target = models.ForeignKey(CampaignTarget, on_delete=models.CASCADE, related_name="answers")
    # RESTRICT: a question with answers cannot be deleted alone, only with its campaign.
    question = models.ForeignKey(Question, on_delete=models.RESTRICT, related_name="answers")
    use_case = models.ForeignKey(
        "registry.UseCase", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    value = models.JSONField(_("réponse"))
    answered_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    answered_at = models.DateTimeField(_("date"))

    class Meta:
        verbose_name = _("réponse")
        verbose_name_plural = _("réponses")
        constraints = [
            models.UniqueConstraint(
                fields=["target", "question", "use_case"], name="answer_unique_per_question"
            ),
            models.UniqueConstraint(
                fields=["target", "question"],
                condition=models.Q(use_case__isnull=True),
                name="answer_unique_without_use_case",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.target} — {self.question}"


class CampaignEmail(models.Model):
    """One e-mail of a kind sent for a target: makes ``send_campaign_emails`` idempotent."""

    target = models.ForeignKey(CampaignTarget, on_delete=models.CASCADE, related_name="emails")
    kind = models.CharField(_("courriel"), max_length=10, choices=EmailKind.choices)
    sent_at = models.DateTimeField(_("envoyé le"))
    recipients = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("courriel de campagne")
        verbose_name_plural = _("courriels de campagne")
        # Launch, reminder and last call go out once per target; the team's manual reminders may repeat.
        constraints = [
            models.UniqueConstraint(
                fields=["target", "kind"],
                condition=~models.Q(kind=EmailKind.MANUAL),
                name="campaign_email_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.target} — {self.get_kind_display()}"


# --- the expert committee ----------------------------------------------------------------------------


class CommitteeMember(models.Model):
    """A field expert sitting on the national committee, for her organisation."""

    user = models.OneToOneField(USER, on_delete=models.CASCADE, related_name="committee_seat")
    organisation = models.ForeignKey(
        "registry.Organisation", on_delete=models.PROTECT, related_name="committee_members"
    )
    expertise = models.CharField(_("expertise"), max_length=200)
    is_chair = models.BooleanField(_("présidence"), default=False)
    joined_on = models.DateField(_("membre depuis"))
    left_on = models.DateField(_("a quitté le comité le"), null=True, blank=True)

    class Meta:
        ordering = ["-is_chair", "user__last_name", "pk"]
        verbose_name = _("membre du comité")
        verbose_name_plural = _("membres du comité")

    def __str__(self) -> str:
        return f"{self.user} ({self.organisation})"


class CommitteeSession(models.Model):
    title = models.CharField(_("intitulé"), max_length=200)
    held_on = models.DateField(_("date de la séance"))
    summary = models.TextField(_("relevé de conclusions"), blank=True)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("séance du comité")
        verbose_name_plural = _("séances du comité")

    def __str__(self) -> str:
        return f"{self.title} ({self.held_on:%d/%m/%Y})"


class AgendaItem(models.Model):
    """A use case on a session's agenda, with the question put to the committee and its opinion."""

    session = models.ForeignKey(CommitteeSession, on_delete=models.CASCADE, related_name="agenda")
    use_case = models.ForeignKey("registry.UseCase", on_delete=models.CASCADE, related_name="committee_items")
    question = models.CharField(_("question posée au comité"), max_length=500)
    position = models.PositiveSmallIntegerField(default=0)
    verdict = models.CharField(_("avis"), max_length=15, choices=Verdict.choices, blank=True)
    reasons = models.TextField(_("motifs"), blank=True)
    promising = models.BooleanField(_("prometteur à diffuser"), default=False)
    decided_at = models.DateTimeField(_("avis rendu le"), null=True, blank=True)
    decided_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("point de l'ordre du jour")
        verbose_name_plural = _("points de l'ordre du jour")
        constraints = [
            models.UniqueConstraint(fields=["session", "use_case"], name="agenda_once_per_session")
        ]

    def __str__(self) -> str:
        return f"{self.session} — {self.use_case}"
