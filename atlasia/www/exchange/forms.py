from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from atlasia.accounts.models import MembershipRole
from atlasia.core import spreadsheet as sp


class TokenForm(DsfrBaseForm):
    """Creation of an API token: DSFR fields, French messages (the form is ``novalidate``: the browser's
    own English bubbles never show), the same checks as the service."""

    organisation: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=None,  # type: ignore[arg-type]
        label=_("Organisation"),
        error_messages={
            "required": _("Choisissez l'organisation pour laquelle le jeton agira."),
            "invalid_choice": _("Choisissez une organisation de la liste."),
        },
    )
    label = forms.CharField(
        label=_("Libellé"),
        max_length=200,
        help_text=_(
            "À quoi sert ce jeton ? Par exemple : « synchronisation avec l'outil de suivi des projets »."
        ),
        error_messages={
            "required": _("Donnez un libellé au jeton (à quoi sert-il ?)."),
            "max_length": _("Le libellé compte %(show_value)d caractères : %(limit_value)d au plus."),
        },
    )
    role = forms.ChoiceField(
        label=_("Rôle"),
        choices=MembershipRole.choices,
        initial=MembershipRole.CONTRIBUTOR,
        help_text=_("Le jeton a les droits d'un membre de l'organisation ayant ce rôle, pas davantage."),
        error_messages={
            "required": _("Choisissez un rôle."),
            "invalid_choice": _("Choisissez un rôle de la liste."),
        },
    )
    expires_at = forms.DateField(
        label=_("Expire le"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        help_text=_("Laissez vide pour un jeton sans expiration."),
        error_messages={"invalid": _("Saisissez une date valide, par exemple 31/12/2026.")},
    )

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
        if organisations.count() == 1:
            self.fields["organisation"].initial = organisations.first()

    def clean_label(self) -> str:
        label = str(self.cleaned_data["label"]).strip()
        if not label:
            raise forms.ValidationError(_("Donnez un libellé au jeton (à quoi sert-il ?)."))
        return label

    def clean_expires_at(self) -> dt.date | None:
        expires = self.cleaned_data.get("expires_at")
        if expires is not None and expires <= timezone.localdate():
            raise forms.ValidationError(
                _("La date d'expiration (%(date)s) doit être dans le futur.")
                % {"date": expires.strftime("%d/%m/%Y")}
            )
        return expires


class ImportUploadForm(DsfrBaseForm):
    organisation: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=None,  # type: ignore[arg-type]
        label=_("Organisation"),
        error_messages={
            "required": _("Choisissez l'organisation des cas d'usage à importer."),
            "invalid_choice": _("Choisissez une organisation de la liste."),
        },
    )
    file = forms.FileField(
        label=_("Fichier"),
        help_text=_(
            "XLSX ou CSV (séparateur ; , ou tabulation — UTF-8, UTF-16 ou Windows-1252), 20 Mo et 20 000 "
            "lignes au plus ; une ligne de titre au-dessus des en-têtes est acceptée."
        ),
        error_messages={
            "required": _("Choisissez le fichier à importer."),
            "empty": _("Le fichier déposé est vide."),
        },
    )

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
        if organisations.count() == 1:
            self.fields["organisation"].initial = organisations.first()


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
