"""Forms of the campaign screens (the services validate again and write)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from atlasia.campaigns.enums import CampaignKind, QuestionKind, Verdict
from atlasia.registry.enums import OrganisationType
from atlasia.registry.models import Organisation
from atlasia.registry.reference import region_choices
from atlasia.www.forms import DateInput


class CampaignForm(DsfrBaseForm):
    title = forms.CharField(label=_("Titre"), max_length=200)
    kind = forms.ChoiceField(
        label=_("Type de campagne"), choices=CampaignKind.choices, widget=forms.RadioSelect
    )
    instructions = forms.CharField(
        label=_("Consignes"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Ce qui est attendu des organisations ; repris dans les courriels."),
    )
    opens_on = forms.DateField(label=_("Ouverture"), widget=DateInput())
    closes_on = forms.DateField(label=_("Clôture (dernier jour pour répondre)"), widget=DateInput())
    target_types = forms.MultipleChoiceField(
        label=_("Types d'organisation ciblés"),
        choices=OrganisationType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    target_regions = forms.MultipleChoiceField(
        label=_("Régions ciblées"),
        choices=(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Aucune case cochée : toutes les régions de votre portée."),
    )
    organisations = forms.ModelMultipleChoiceField(
        label=_("Et ces organisations en plus"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    reminder_days = forms.IntegerField(
        label=_("Rappel par courriel, en jours avant la clôture"), min_value=2, max_value=60, initial=7
    )
    anonymity_threshold = forms.IntegerField(
        label=_("Seuil d'anonymat des résultats (enquête)"),
        min_value=1,
        max_value=50,
        initial=5,
        help_text=_("Une question à laquelle moins d'organisations ont répondu n'affiche pas ses résultats."),
    )

    def __init__(self, *args: Any, region: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        regions = region_choices()
        organisations = Organisation.objects.order_by("name")
        if region:
            regions = [(code, label) for code, label in regions if code == region]
            organisations = organisations.filter(region=region)
        self.fields["target_regions"].choices = regions
        self.fields["organisations"].queryset = organisations  # type: ignore[attr-defined]


class QuestionForm(DsfrBaseForm):
    text = forms.CharField(label=_("Question"), max_length=500)
    kind = forms.ChoiceField(label=_("Type de réponse"), choices=QuestionKind.choices)
    choices = forms.CharField(
        label=_("Réponses proposées (une par ligne)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Seulement pour une question à choix."),
    )
    help_text = forms.CharField(label=_("Aide"), max_length=500, required=False)
    per_use_case = forms.BooleanField(
        label=_("Une réponse par cas d'usage de l'organisation"), required=False
    )
    required = forms.BooleanField(label=_("Réponse obligatoire"), required=False)

    def clean_choices(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["choices"].splitlines() if line.strip()]


class ExtendForm(DsfrBaseForm):
    closes_on = forms.DateField(label=_("Nouvelle date de clôture"), widget=DateInput())


class DelegateForm(DsfrBaseForm):
    delegate: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Membre chargé de répondre"),
        queryset=None,
        required=False,
        empty_label=_("Personne en particulier (référents et administrateurs)"),
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from atlasia.accounts.models import User

        self.fields["delegate"].queryset = (  # type: ignore[attr-defined]
            User.objects.filter(memberships__organisation=organisation).distinct().order_by("last_name", "pk")
        )


class SessionForm(DsfrBaseForm):
    title = forms.CharField(label=_("Intitulé"), max_length=200)
    held_on = forms.DateField(label=_("Date de la séance"), widget=DateInput())
    summary = forms.CharField(
        label=_("Relevé de conclusions"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class MemberForm(DsfrBaseForm):
    user: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label=_("Personne"), queryset=None)
    organisation = forms.ModelChoiceField(
        label=_("Organisation représentée"), queryset=Organisation.objects.order_by("name")
    )
    expertise = forms.CharField(label=_("Expertise"), max_length=200)
    is_chair = forms.BooleanField(label=_("Présidence du comité"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from atlasia.accounts.models import User

        self.fields["user"].queryset = (  # type: ignore[attr-defined]
            User.objects.filter(is_active=True, memberships__isnull=False, committee_seat__isnull=True)
            .distinct()
            .order_by("last_name", "username")
        )


class AgendaForm(DsfrBaseForm):
    session: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label=_("Séance"), queryset=None)
    question = forms.CharField(label=_("Question posée au comité"), max_length=500)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from django.utils import timezone

        from atlasia.campaigns.models import CommitteeSession

        self.fields["session"].queryset = CommitteeSession.objects.filter(  # type: ignore[attr-defined]
            held_on__gte=timezone.localdate()
        ).order_by("held_on")


class OpinionForm(DsfrBaseForm):
    verdict = forms.ChoiceField(label=_("Avis du comité"), choices=Verdict.choices, widget=forms.RadioSelect)
    reasons = forms.CharField(label=_("Motifs"), widget=forms.Textarea(attrs={"rows": 4}))
    promising = forms.BooleanField(
        label=_("Label « prometteur à diffuser »"),
        required=False,
        help_text=_(
            "Seulement avec un avis favorable : le cas est mis en avant dans la recherche, "
            "le registre public et la cartographie."
        ),
    )
