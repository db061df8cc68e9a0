"""Forms of the compliance file. Validation messages are in French and say which field and why; the
services add the rules that need the database (evidence present, membership, stale version)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy
from dsfr.forms import DsfrBaseForm

from atlasia.compliance.enums import ObligationStatus


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
