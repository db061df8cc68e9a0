from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from atlasia.accounts.models import MembershipRole
from atlasia.core import spreadsheet as sp


class TokenForm(forms.Form):
    organisation: forms.ModelChoiceField = forms.ModelChoiceField(queryset=None, label=_("Organisation"))  # type: ignore[arg-type]
    label = forms.CharField(label=_("Libellé"), max_length=200, help_text=_("À quoi sert ce jeton ?"))
    role = forms.ChoiceField(
        label=_("Rôle"), choices=MembershipRole.choices, initial=MembershipRole.CONTRIBUTOR
    )
    expires_at = forms.DateField(
        label=_("Expire le"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Laissez vide pour un jeton sans expiration."),
    )

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]


class ImportUploadForm(forms.Form):
    organisation: forms.ModelChoiceField = forms.ModelChoiceField(queryset=None, label=_("Organisation"))  # type: ignore[arg-type]
    file = forms.FileField(
        label=_("Fichier"),
        help_text=_("XLSX ou CSV (séparateur ; ou , — UTF-8 ou Windows-1252), 20 Mo au plus."),
    )

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]


FIELD_CHOICES = [("", _("— ignorer cette colonne —"))] + [(c.field, c.label_fr) for c in sp.COLUMNS]


class MappingForm(forms.Form):
    def __init__(self, *args: Any, headers: list[str], mapping: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for index, header in enumerate(headers):
            self.fields[f"col_{index}"] = forms.ChoiceField(
                label=header or _("(colonne sans titre n° %(n)s)") % {"n": index + 1},
                choices=FIELD_CHOICES,
                required=False,
                initial=mapping.get(str(index), ""),
            )

    def mapping(self) -> dict[str, str]:
        return {name.removeprefix("col_"): value for name, value in self.cleaned_data.items() if value}


class SubscriptionForm(forms.Form):
    name = forms.CharField(label=_("Nom"), max_length=200)
    slug = forms.SlugField(label=_("Identifiant court"), max_length=40)
    base_url = forms.URLField(label=_("Adresse de l'instance distante"))
    token = forms.CharField(label=_("Jeton de l'instance distante"), required=False, max_length=200)
    country = forms.CharField(label=_("Pays (code ISO)"), max_length=2, initial="FR")
