"""Forms of the monitoring screens (DSFR rendering). Validation of the domain (dates, workflow, files)
lives in the models and services; the forms only shape the input."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy
from dsfr.forms import DsfrBaseForm

from atlasia.monitoring.externalities.enums import ExternalityStatus
from atlasia.monitoring.externalities.models import Externality
from atlasia.monitoring.footprint.enums import Phase
from atlasia.monitoring.footprint.models import Footprint
from atlasia.monitoring.incidents.enums import Authority, IncidentStatus
from atlasia.monitoring.incidents.models import Incident
from atlasia.monitoring.people.models import NetworkEvent, TrainingModule
from atlasia.registry.models import Organisation


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class IncidentForm(DsfrBaseForm, forms.ModelForm):
    class Meta:
        model = Incident
        fields = [
            "title",
            "occurred_on",
            "description",
            "people_affected",
            "severity",
            "serious_kind",
            "aware_on",
            "is_medical_device",
        ]
        widgets = {
            "occurred_on": DateInput(),
            "aware_on": DateInput(),
            "description": forms.Textarea(attrs={"rows": 5}),
            "severity": forms.RadioSelect(),
        }
        help_texts = {
            "serious_kind": "Uniquement pour un incident grave : la nature fixe le délai de signalement.",
            "people_affected": "Nombre de personnes concernées, s'il est connu.",
        }

    def _post_clean(self) -> None:
        # The service runs full_clean with today's date; the form does not validate the instance twice.
        pass


class IncidentStatusForm(DsfrBaseForm):
    status = forms.ChoiceField(label=gettext_lazy("Nouvel état"), choices=IncidentStatus.choices)
    corrective_actions = forms.CharField(
        label=gettext_lazy("Actions correctives"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Obligatoires pour clore l'incident."),
    )


class IncidentReportForm(DsfrBaseForm):
    reported_on = forms.DateField(label=gettext_lazy("Signalé le"), widget=DateInput())
    reported_to = forms.ChoiceField(label=gettext_lazy("Signalé à"), choices=Authority.choices)
    reference = forms.CharField(
        label=gettext_lazy("Référence du signalement"), required=False, max_length=200
    )


class SuspendForm(DsfrBaseForm):
    reason = forms.CharField(
        label=gettext_lazy("Motif de la suspension"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ExternalityForm(DsfrBaseForm, forms.ModelForm):
    class Meta:
        model = Externality
        fields = ["category", "description", "observed_on"]
        widgets = {
            "observed_on": DateInput(),
            "description": forms.Textarea(attrs={"rows": 4}),
            "category": forms.RadioSelect(),
        }
        help_texts = {
            "description": gettext_lazy("Décrivez les faits sans nommer de personne (usager ou agent).")
        }

    def _post_clean(self) -> None:
        pass


class TriageForm(DsfrBaseForm):
    status = forms.ChoiceField(label=gettext_lazy("Suivi"), choices=ExternalityStatus.choices)
    note = forms.CharField(
        label=gettext_lazy("Note de suivi"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class FootprintDeclaredForm(DsfrBaseForm, forms.ModelForm):
    class Meta:
        model = Footprint
        fields = ["phase", "period_start", "period_end", "energy_kwh", "co2e_kg", "water_l", "method_note"]
        widgets = {
            "period_start": DateInput(),
            "period_end": DateInput(),
            "method_note": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "co2e_kg": "Laissez vide pour le calculer à partir de l'énergie (mix électrique français).",
            "method_note": "Comment ces chiffres ont été obtenus (facture, fournisseur, calcul…).",
        }

    def _post_clean(self) -> None:
        pass


class CodeCarbonForm(DsfrBaseForm):
    phase = forms.ChoiceField(label=gettext_lazy("Phase"), choices=Phase.choices, initial=Phase.TRAINING)
    file = forms.FileField(
        label=gettext_lazy("Fichier emissions.csv de CodeCarbon"),
        help_text=gettext_lazy("Le fichier CSV produit par CodeCarbon, sans modification."),
    )


class GenAIForm(DsfrBaseForm):
    provider = forms.ChoiceField(label=gettext_lazy("Fournisseur du modèle"))
    model = forms.CharField(
        label=gettext_lazy("Modèle"),
        max_length=120,
        help_text=gettext_lazy("Nom exact, par exemple mistral-small-latest."),
    )
    output_tokens_per_request = forms.IntegerField(
        label=gettext_lazy("Jetons générés par requête"), min_value=1
    )
    requests = forms.IntegerField(label=gettext_lazy("Nombre de requêtes sur la période"), min_value=1)
    zone = forms.ChoiceField(
        label=gettext_lazy("Hébergement du modèle"),
        required=False,
        choices=[("", gettext_lazy("Centres de données du fournisseur")), ("FRA", gettext_lazy("En France"))],
    )
    period_start = forms.DateField(
        label=gettext_lazy("Début de la période"), required=False, widget=DateInput()
    )
    period_end = forms.DateField(label=gettext_lazy("Fin de la période"), required=False, widget=DateInput())

    def __init__(self, *args: Any, providers: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["provider"].choices = [(p, p) for p in providers or []]


class TrainingModuleForm(DsfrBaseForm, forms.ModelForm):
    class Meta:
        model = TrainingModule
        fields = ["title", "provider", "kind", "duration_hours", "level", "url", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def _post_clean(self) -> None:
        pass


class CompletionForm(DsfrBaseForm):
    organisation = forms.ModelChoiceField(
        label=gettext_lazy("Organisation"), queryset=Organisation.objects.none()
    )
    module = forms.ModelChoiceField(
        label=gettext_lazy("Module"), queryset=TrainingModule.objects.filter(is_active=True)
    )
    person_name = forms.CharField(
        label=gettext_lazy("Personne formée"),
        max_length=200,
        help_text=gettext_lazy("Prénom et nom de l'agent."),
    )
    completed_on = forms.DateField(label=gettext_lazy("Terminé le"), widget=DateInput())

    def __init__(self, *args: Any, organisations: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if organisations is not None:
            self.fields["organisation"].queryset = organisations


class DeclarationForm(DsfrBaseForm):
    organisation = forms.ModelChoiceField(
        label=gettext_lazy("Organisation"), queryset=Organisation.objects.none()
    )
    agents_using_ai = forms.IntegerField(
        label=gettext_lazy("Nombre d'agents qui utilisent l'IA"), min_value=0
    )

    def __init__(self, *args: Any, organisations: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if organisations is not None:
            self.fields["organisation"].queryset = organisations


class EventForm(DsfrBaseForm, forms.ModelForm):
    class Meta:
        model = NetworkEvent
        fields = ["title", "date", "format", "place", "url", "description"]
        widgets = {"date": DateInput(), "description": forms.Textarea(attrs={"rows": 3})}

    def _post_clean(self) -> None:
        pass


class ResourceForm(DsfrBaseForm):
    title = forms.CharField(label=gettext_lazy("Intitulé"), max_length=200)
    description = forms.CharField(
        label=gettext_lazy("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    url = forms.URLField(label=gettext_lazy("Adresse"), required=False, max_length=500)
    file = forms.FileField(
        label=gettext_lazy("Fichier"),
        required=False,
        help_text=gettext_lazy("PDF, PNG, JPEG, CSV, TXT, DOCX, XLSX, ODT ou ODS ; 10 Mo au maximum."),
    )
