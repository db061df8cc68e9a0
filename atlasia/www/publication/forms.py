"""Forms of the publication screens."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from dsfr.forms import DsfrBaseForm

from atlasia.publication.enums import ProblemCategory, ReportScope
from atlasia.registry import reference
from atlasia.registry.enums import OrganisationType
from atlasia.registry.models import Organisation, Theme


class RegisterSearchForm(DsfrBaseForm):
    q = forms.CharField(
        label=gettext_lazy("Rechercher un cas d'usage"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("Un mot du titre, du résumé ou le nom de l'organisation."),
    )
    theme = forms.ChoiceField(label=gettext_lazy("Thème"), required=False)
    organisation_type = forms.ChoiceField(
        label=gettext_lazy("Type d'organisation"),
        required=False,
        choices=[("", gettext_lazy("Tous"))] + list(OrganisationType.choices),
    )
    region = forms.ChoiceField(label=gettext_lazy("Région"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["theme"].choices = [("", _("Tous"))] + [
            (t.code, t.label) for t in Theme.objects.order_by("position")
        ]
        self.fields["region"].choices = [("", _("Toutes"))] + reference.region_choices()


class ProblemReportForm(DsfrBaseForm):
    category = forms.ChoiceField(label=gettext_lazy("Type de problème"), choices=ProblemCategory.choices)
    description = forms.CharField(
        label=gettext_lazy("Décrivez le problème"),
        max_length=5000,
        min_length=10,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy(
            "Ce qui s'est passé, quand, et ce que cela a changé pour vous. "
            "N'indiquez pas d'information de santé vous concernant."
        ),
    )
    contact_email = forms.EmailField(
        label=gettext_lazy("Votre courriel (facultatif)"),
        required=False,
        help_text=gettext_lazy("Seulement si vous souhaitez une réponse. Format attendu : nom@domaine.fr"),
    )
    # Honeypot: hidden from people (CSS and aria-hidden), filled by many robots.
    website = forms.CharField(
        label=gettext_lazy("Ne remplissez pas ce champ"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )


def _year_choices() -> list[tuple[int, int]]:
    this_year = dt.date.today().year
    return [(y, y) for y in range(this_year, this_year - 8, -1)]


class ReportRunForm(DsfrBaseForm):
    year = forms.TypedChoiceField(label=gettext_lazy("Année"), coerce=int, choices=_year_choices)
    scope = forms.ChoiceField(
        label=gettext_lazy("Périmètre"), choices=ReportScope.choices, initial=ReportScope.NATION
    )
    region = forms.ChoiceField(label=gettext_lazy("Région (si périmètre régional)"), required=False)
    organisation = forms.ModelChoiceField(
        label=gettext_lazy("Organisation (si périmètre organisation)"),
        required=False,
        queryset=Organisation.objects.none(),
    )
    public_only = forms.BooleanField(
        label=gettext_lazy("Fiches du registre public seulement"),
        help_text=gettext_lazy(
            "Pour un rapport à publier : il ne compte et ne nomme que les fiches publiques."
        ),
        required=False,
    )

    def __init__(self, *args: Any, organisations: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", "—")] + reference.region_choices()
        if organisations is not None:
            self.fields["organisation"].queryset = organisations
