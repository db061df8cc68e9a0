"""Forms of the compliance file. Validation messages are in French and say which field and why; the
services add the rules that need the database (evidence present, membership, stale version)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy
from dsfr.forms import DsfrBaseForm

from atlasia.compliance.enums import ObligationStatus
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
