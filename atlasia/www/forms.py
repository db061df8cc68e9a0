"""Forms of the screens (DSFR rendering via django-dsfr). Validation messages are in French and
say which field is wrong and why; the model's ``clean`` adds cross-field rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms import formset_factory
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from dsfr.forms import DsfrBaseForm

from atlasia.core.identifiers import normalise_siren
from atlasia.registry import reference
from atlasia.registry import selectors as registry_selectors
from atlasia.registry.enums import OrganisationType, PublicationLevel, Status
from atlasia.registry.models import AITechnique, Organisation, Theme, UseCase

USECASE_SECTIONS: list[tuple[str, Any, list[str]]] = [
    (
        "identite",
        gettext_lazy("Le cas d'usage"),
        ["title", "summary", "problem", "expected_benefits", "theme", "pillar", "tags_text"],
    ),
    (
        "porteurs",
        gettext_lazy("Qui le porte"),
        [
            "organisation",
            "partner_organisations",
            "partners_other",
            "sites",
            "target_population",
            "team",
            "senior_responsible_owner",
        ],
    ),
    (
        "technique",
        gettext_lazy("Comment il fonctionne"),
        ["ai_technique", "provider_type", "provider_name", "algorithm", "human_oversight"],
    ),
    (
        "cadre",
        gettext_lazy("Base légale, proportionnalité et risques"),
        ["legal_basis_details", "proportionality", "risks_and_mitigations"],
    ),
    (
        "donnees",
        gettext_lazy("Les données utilisées"),
        ["personal_data", "health_data", "data_categories", "data_sources", "data_volume", "hosting"],
    ),
    (
        "calendrier",
        gettext_lazy("Calendrier et coûts"),
        ["start_date", "end_date", "dates_note", "cost_eur", "funding", "next_review_date"],
    ),
    ("publication", "Publication", ["publication_level"]),
]


def attach_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: per field when it names one, else above the form."""
    if hasattr(error, "error_dict"):
        for field, errs in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errs)
    else:
        form.add_error(None, error)


class TokenField(forms.CharField):
    """A hidden bookkeeping value (version token, one-time key): never counts as a user's change."""

    widget = forms.HiddenInput

    def has_changed(self, initial: Any, data: Any) -> bool:
        return False


def add_version_field(form: forms.BaseForm, token: str) -> None:
    """The hidden version token of an edit form (optimistic concurrency, see
    :mod:`atlasia.audit.concurrency`): issued at display, checked by the service at save."""
    form.fields["version"] = TokenField(required=False, initial=token)


def posted_version(form: forms.BaseForm) -> str | None:
    return form.cleaned_data.get("version") or None


def refresh_version(form: forms.BaseForm, token: str) -> None:
    """After a refused stale save: the user's input stays, the token becomes the current one, so
    that saving again (after checking) applies it knowingly."""
    data = form.data.copy()  # type: ignore[attr-defined]
    data[form.add_prefix("version")] = token
    form.data = data


def keep_untouched(form: forms.BaseForm, error: Any) -> None:
    """After a refused stale save (:class:`~atlasia.audit.concurrency.StaleEdit`): each field the person
    left as it was takes the value saved meanwhile, so that saving again applies only what she changed
    and does not undo the other person's work. A field she changed keeps her input."""
    import datetime as dt
    from decimal import Decimal

    from django.db.models import Model

    def comparable(value: Any) -> Any:
        if isinstance(value, Model):
            return value.pk
        if isinstance(value, list | tuple) or hasattr(value, "model"):
            return sorted(v.pk if isinstance(v, Model) else v for v in value)
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, Decimal):
            return str(value)
        return value

    cleaned = getattr(form, "cleaned_data", {})
    data = form.data.copy()  # type: ignore[attr-defined]
    merged = 0
    for key, old, new in getattr(error, "raw", []):
        field = form.fields.get(key)
        if field is None or field.disabled or key not in cleaned or comparable(cleaned[key]) != old:
            continue
        name = form.add_prefix(key)
        if isinstance(new, list):
            data.setlist(name, [str(v) for v in new])
        elif isinstance(field, forms.BooleanField):
            if new:
                data[name] = "on"
            else:
                data.pop(name, None)
        else:
            data[name] = "" if new is None else str(new)
        merged += 1
    form.data = data
    if merged:
        form.add_error(None, _("Les champs que vous n'aviez pas modifiés affichent déjà la nouvelle valeur."))


def add_submission_field(form: forms.BaseForm) -> None:
    """The hidden one-time key of a create form: a double submit creates one record."""
    from atlasia.audit.concurrency import new_submission_key

    form.fields["submission"] = TokenField(required=False, max_length=64, initial=new_submission_key())


def posted_submission(form: forms.BaseForm) -> str | None:
    return form.cleaned_data.get("submission") or None


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class UseCaseForm(DsfrBaseForm, forms.ModelForm):
    tags_text = forms.CharField(
        label=gettext_lazy("Mots-clés"),
        required=False,
        help_text=gettext_lazy("Séparés par des virgules, par exemple : urgences, régulation, voix."),
    )

    class Meta:
        model = UseCase
        fields = [
            "title",
            "summary",
            "problem",
            "expected_benefits",
            "theme",
            "pillar",
            "organisation",
            "partner_organisations",
            "partners_other",
            "sites",
            "target_population",
            "team",
            "senior_responsible_owner",
            "ai_technique",
            "provider_type",
            "provider_name",
            "algorithm",
            "human_oversight",
            "legal_basis_details",
            "proportionality",
            "risks_and_mitigations",
            "personal_data",
            "health_data",
            "data_categories",
            "data_sources",
            "data_volume",
            "hosting",
            "start_date",
            "end_date",
            "dates_note",
            "cost_eur",
            "funding",
            "next_review_date",
            "publication_level",
        ]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 4}),
            "problem": forms.Textarea(attrs={"rows": 3}),
            "expected_benefits": forms.Textarea(attrs={"rows": 3}),
            "partners_other": forms.Textarea(attrs={"rows": 2}),
            "sites": forms.Textarea(attrs={"rows": 2}),
            "target_population": forms.Textarea(attrs={"rows": 2}),
            "human_oversight": forms.Textarea(attrs={"rows": 3}),
            "legal_basis_details": forms.Textarea(attrs={"rows": 2}),
            "proportionality": forms.Textarea(attrs={"rows": 3}),
            "risks_and_mitigations": forms.Textarea(attrs={"rows": 4}),
            "data_sources": forms.Textarea(attrs={"rows": 3}),
            "funding": forms.Textarea(attrs={"rows": 2}),
            "start_date": DateInput(),
            "end_date": DateInput(),
            "next_review_date": DateInput(),
            "data_categories": forms.CheckboxSelectMultiple(),
            "publication_level": forms.RadioSelect(),
        }
        help_texts = {
            "summary": gettext_lazy("En langage clair : ce que fait le système, pour qui, et pourquoi."),
            "human_oversight": gettext_lazy(
                "Qui relit ou valide les résultats, et avec quel pouvoir de les écarter."
            ),
            "publication_level": gettext_lazy(
                "« Public » publie la fiche dans le registre public, sans connexion."
            ),
            "partner_organisations": gettext_lazy("Maintenez Ctrl (ou Cmd) pour en choisir plusieurs."),
            "team": gettext_lazy(
                "L'équipe qui répond de l'outil au quotidien, par exemple : cellule IA de la DSI."
            ),
            "senior_responsible_owner": gettext_lazy(
                "La personne de la direction qui répond de l'usage de l'outil (nom et fonction). "
                "Ce n'est pas le délégué à la protection des données, qui se déclare dans les contacts."
            ),
            "legal_basis_details": gettext_lazy(
                "Les textes précis (loi, décret, article) qui autorisent la mission et le traitement. "
                "La base légale RGPD elle-même se choisit dans la qualification."
            ),
            "proportionality": gettext_lazy(
                "Pourquoi l'outil et les données utilisées sont nécessaires et proportionnés au but, "
                "au regard des solutions moins intrusives."
            ),
            "risks_and_mitigations": gettext_lazy(
                "Les risques pour les personnes (erreur, discrimination, perte de droits…) et ce qui est "
                "fait pour les réduire."
            ),
        }

    def __init__(self, *args: Any, organisations: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if organisations is not None:
            self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
            if organisations.count() == 1 and not self.instance.pk:
                self.fields["organisation"].initial = organisations.first()
        self.fields["partner_organisations"].queryset = Organisation.objects.order_by("name")  # type: ignore[attr-defined]
        self.fields["theme"].queryset = Theme.objects.order_by("position")  # type: ignore[attr-defined]
        self.fields["ai_technique"].queryset = AITechnique.objects.order_by("position")  # type: ignore[attr-defined]
        for name in ("theme", "pillar", "ai_technique", "data_categories"):
            if name in self.fields:
                # reference-list items: English label when the interface is in English
                self.fields[name].label_from_instance = lambda item: item.label  # type: ignore[attr-defined]
        if self.instance.pk:
            self.fields["tags_text"].initial = ", ".join(self.instance.tags or [])
        for name in ("start_date", "end_date", "next_review_date"):
            self.fields[name].error_messages["invalid"] = _(
                "Saisissez une date valide, au format JJ/MM/AAAA."
            )
        self.fields["cost_eur"].error_messages["invalid"] = _(
            "Saisissez un montant en euros, par exemple 125000."
        )

    def clean_tags_text(self) -> list[str]:
        raw = self.cleaned_data.get("tags_text") or ""
        tags = [t.strip() for t in raw.split(",") if t.strip()]
        too_long = [t for t in tags if len(t) > 60]
        if too_long:
            raise forms.ValidationError(
                _("Le mot-clé « %(too_long)s… » dépasse 60 caractères.") % {"too_long": too_long[0][:60]}
            )
        return tags

    def sections(self) -> list[dict[str, Any]]:
        return [
            {"id": sid, "title": title, "fields": [self[name] for name in names if name in self.fields]}
            for sid, title, names in USECASE_SECTIONS
        ]

    def service_data(self) -> dict[str, Any]:
        skip = {"tags_text", "organisation", "version", "submission"}
        data = {k: v for k, v in self.cleaned_data.items() if k not in skip}
        data["tags"] = self.cleaned_data.get("tags_text", [])
        return data


class ContactForm(DsfrBaseForm):
    # The contact's id: a line that carries one edits that contact; a line without creates one.
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    role = forms.CharField(label=gettext_lazy("Fonction"), max_length=200)
    name = forms.CharField(label=gettext_lazy("Nom"), max_length=200, required=False)
    email = forms.EmailField(label=gettext_lazy("Courriel"), required=False)
    phone = forms.CharField(label=gettext_lazy("Téléphone"), max_length=30, required=False)
    is_public = forms.BooleanField(label=gettext_lazy("Afficher dans le registre public"), required=False)


ContactFormSet = formset_factory(ContactForm, extra=1, max_num=30, can_delete=True, can_delete_extra=False)


class AttachmentForm(DsfrBaseForm):
    title = forms.CharField(label=gettext_lazy("Titre"), max_length=200, required=False)
    file = forms.FileField(
        label=gettext_lazy("Fichier"),
        help_text=gettext_lazy("PDF, PNG, JPEG, CSV, TXT, DOCX, XLSX, ODT ou ODS ; 10 Mo au maximum."),
    )


class UseCaseFilterForm(DsfrBaseForm):
    q = forms.CharField(label=gettext_lazy("Rechercher"), required=False)
    theme = forms.ChoiceField(label=gettext_lazy("Thème"), required=False)
    status = forms.ChoiceField(
        label=gettext_lazy("Étape"),
        required=False,
        choices=[("", gettext_lazy("Toutes"))] + list(Status.choices),
    )
    # A text field (5,000 organisations make a <select> too heavy to send and to use): the slug or part
    # of the name; organisation-autocomplete.js turns it into an accessible combobox.
    organisation = forms.CharField(
        label=gettext_lazy("Organisation"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "data-organisation-autocomplete": ""}),
    )
    organisation_type = forms.ChoiceField(
        label=gettext_lazy("Type d'organisation"),
        required=False,
        choices=[("", gettext_lazy("Tous"))] + list(OrganisationType.choices),
    )
    region = forms.ChoiceField(label=gettext_lazy("Région"), required=False)
    technique = forms.ChoiceField(label=gettext_lazy("Technique d'IA"), required=False)
    publication_level = forms.ChoiceField(
        label=gettext_lazy("Publication"),
        required=False,
        choices=[("", gettext_lazy("Tous"))] + list(PublicationLevel.choices),
    )
    sort = forms.ChoiceField(
        label=gettext_lazy("Trier par"),
        required=False,
        choices=[
            ("-updated_at", gettext_lazy("Mis à jour récemment")),
            ("title", gettext_lazy("Titre (A → Z)")),
            ("-title", gettext_lazy("Titre (Z → A)")),
            ("organisation", gettext_lazy("Organisation")),
            ("status", gettext_lazy("Étape")),
            ("-start_date", gettext_lazy("Date de début (récent d'abord)")),
        ],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Reference lists from the cache (dropped whenever an item changes): no query per request.
        self.fields["theme"].choices = [("", _("Tous"))] + registry_selectors.reference_choices("theme")
        self.fields["technique"].choices = [("", _("Toutes"))] + registry_selectors.reference_choices(
            "technique"
        )
        self.fields["organisation"].widget.attrs["data-url"] = reverse("organisation_suggestions")
        self.fields["region"].choices = [("", _("Toutes"))] + reference.region_choices()


class OrganisationForm(DsfrBaseForm, forms.ModelForm):
    siren = forms.CharField(
        label="SIREN",
        max_length=20,
        required=False,
        help_text=gettext_lazy("9 chiffres ; les espaces sont acceptés."),
    )

    def clean_siren(self) -> str:
        return normalise_siren(self.cleaned_data.get("siren") or "")

    class Meta:
        model = Organisation
        fields = [
            "name",
            "type",
            "siren",
            "finess",
            "region",
            "department",
            "parent",
            "city",
            "website",
            "description",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}
