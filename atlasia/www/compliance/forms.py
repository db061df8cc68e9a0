"""Forms of the compliance file. Validation messages are in French and say which field and why; the
services add the rules that need the database (evidence present, membership, stale version)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy
from dsfr.forms import DsfrBaseForm

from atlasia.compliance.enums import CHECK_LEVELS, ObligationStatus, VendorDocumentKind
from atlasia.compliance.models import Risk
from atlasia.www.forms import DateInput


class ObligationForm(DsfrBaseForm):
    status = forms.ChoiceField(
        label=gettext_lazy("Statut"), choices=ObligationStatus.choices, widget=forms.RadioSelect
    )
    owner = forms.TypedChoiceField(
        label=gettext_lazy("Responsable"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=gettext_lazy(
            "Un membre de l'organisation ; l'obligation apparaît dans sa boîte « À faire »."
        ),
    )
    reason = forms.CharField(
        label=gettext_lazy("Motif"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "Obligatoire pour « Sans objet », et pour « Fait » quand aucune preuve n'est jointe."
        ),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, members: list[tuple[int, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [("", gettext_lazy("Personne pour l'instant")), *(members or [])]


class EvidenceFileForm(DsfrBaseForm):
    file = forms.FileField(
        label=gettext_lazy("Fichier"),
        help_text=gettext_lazy(
            "PDF, PNG, JPEG, CSV, TXT, DOCX, XLSX, ODT ou ODS ; il rejoint les pièces jointes."
        ),
    )
    note = forms.CharField(label=gettext_lazy("Commentaire"), required=False, max_length=500)


class EvidenceLinkForm(DsfrBaseForm):
    url = forms.CharField(label=gettext_lazy("Adresse (https://…)"), max_length=500)
    note = forms.CharField(label=gettext_lazy("Commentaire"), required=False, max_length=500)


class EvidenceObjectForm(DsfrBaseForm):
    choice = forms.ChoiceField(label=gettext_lazy("Élément de la plateforme"))
    note = forms.CharField(label=gettext_lazy("Commentaire"), required=False, max_length=500)

    def __init__(self, *args: Any, options: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["choice"].choices = [("", "—"), *(options or [])]


class RiskForm(DsfrBaseForm, forms.ModelForm):
    """An entry of the risk register; the owner is chosen among the organisation's members."""

    owner = forms.TypedChoiceField(
        label=gettext_lazy("Responsable"), required=False, coerce=int, empty_value=None
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Risk
        fields = [
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
            "next_review_on",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "mitigations": forms.Textarea(attrs={"rows": 3}),
            "next_review_on": DateInput(),
            "residual_acceptable": forms.Select(
                choices=[("", "—"), ("true", gettext_lazy("Oui")), ("false", gettext_lazy("Non"))]
            ),
        }

    def __init__(self, *args: Any, members: list[tuple[int, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner = cast(forms.ChoiceField, self.fields["owner"])
        owner.choices = [("", gettext_lazy("Personne pour l'instant")), *(members or [])]
        self.fields["residual_acceptable"] = forms.NullBooleanField(
            label=Risk._meta.get_field("residual_acceptable").verbose_name,
            required=False,
            widget=forms.Select(
                choices=[("", "—"), ("true", gettext_lazy("Oui")), ("false", gettext_lazy("Non"))]
            ),
        )
        if self.instance.pk:
            self.initial.setdefault("owner", self.instance.owner_id)
            self.initial.setdefault("version", self.instance.version)
            self.initial.setdefault(
                "residual_acceptable",
                {True: "true", False: "false"}.get(self.instance.residual_acceptable, ""),  # type: ignore[call-overload]
            )

    def _post_clean(self) -> None:
        # The model's rules run in the service (risk_save), with the owner and the dates checked together.
        pass


class RiskReviewForm(DsfrBaseForm):
    next_review_on = forms.DateField(label=gettext_lazy("Prochaine revue le"), widget=DateInput())


class VendorForm(DsfrBaseForm):
    name = forms.CharField(label=gettext_lazy("Fournisseur"), max_length=200)
    siren = forms.CharField(label=gettext_lazy("SIREN (facultatif)"), max_length=20, required=False)
    country = forms.CharField(label=gettext_lazy("Pays"), max_length=60, initial="France")
    contact = forms.CharField(label=gettext_lazy("Contact"), max_length=200, required=False)
    website = forms.URLField(
        label=gettext_lazy("Site"), max_length=300, required=False, assume_scheme="https"
    )


class VendorSystemForm(DsfrBaseForm):
    name = forms.CharField(label=gettext_lazy("Système"), max_length=200)
    release = forms.CharField(label=gettext_lazy("Version"), max_length=60, required=False)
    use_cases = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Cas d'usage qui l'utilisent"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    contract_reference = forms.CharField(
        label=gettext_lazy("Référence du marché"), max_length=120, required=False
    )
    contract_start = forms.DateField(
        label=gettext_lazy("Début du marché"), required=False, widget=DateInput()
    )
    contract_end = forms.DateField(label=gettext_lazy("Fin du marché"), required=False, widget=DateInput())

    def __init__(self, *args: Any, use_cases: list[tuple[int, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["use_cases"]).choices = use_cases or []


class VendorDocumentForm(DsfrBaseForm):
    system = forms.TypedChoiceField(label=gettext_lazy("Système"), coerce=int)
    kind = forms.ChoiceField(label=gettext_lazy("Document"), choices=VendorDocumentKind.choices)
    received_on = forms.DateField(label=gettext_lazy("Reçu le"), widget=DateInput())
    reference = forms.CharField(
        label=gettext_lazy("Référence ou adresse"),
        max_length=500,
        required=False,
        help_text=gettext_lazy("Sans fichier, indiquez où trouver le document (référence, adresse)."),
    )
    file = forms.FileField(label=gettext_lazy("Fichier (facultatif)"), required=False)
    note = forms.CharField(label=gettext_lazy("Commentaire"), max_length=500, required=False)

    def __init__(self, *args: Any, systems: list[tuple[int, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["system"]).choices = systems or []


class CharterCheckForm(DsfrBaseForm):
    """One level and one justification per principle of the purchasing charter."""

    def __init__(self, *args: Any, principles: list[Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.principles = principles or []
        for principle in self.principles:
            self.fields[f"level_{principle.pk}"] = forms.ChoiceField(
                label=f"{principle.get_code_display()} — {principle.statement}",
                choices=[("", "—"), *CHECK_LEVELS],
                required=False,
            )
            self.fields[f"evidence_{principle.pk}"] = forms.CharField(
                label=gettext_lazy("Éléments"),
                required=False,
                max_length=3000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def checks(self) -> dict[int, tuple[str, str]]:
        return {
            p.pk: (
                self.cleaned_data.get(f"level_{p.pk}") or "",
                self.cleaned_data.get(f"evidence_{p.pk}") or "",
            )
            for p in self.principles
        }
