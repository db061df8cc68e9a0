"""Forms of the lifecycle screens (DSFR rendering). Messages are French and name the field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from dsfr.forms import DsfrBaseForm

from atlasia.core import prioritisation as prio
from atlasia.lifecycle.enums import AssessmentLevel
from atlasia.lifecycle.models import ComplianceRecord, Experiment, Kpi, KpiMeasurement

from .labels import criterion_label, criterion_scale, group_label


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def _blank_choice_label(field: forms.Field, label: str) -> None:
    """Give the blank choice of a model choice field a French label instead of "---------"."""
    assert isinstance(field, forms.ChoiceField)
    field.choices = [("", label), *list(field.choices)[1:]]  # type: ignore[arg-type]


class TransitionForm(DsfrBaseForm):
    transition = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=gettext_lazy("Motif"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ComplianceForm(DsfrBaseForm, forms.ModelForm):
    class Meta:
        model = ComplianceRecord
        fields = [
            "dpia_decision",
            "dpia_justification",
            "dpia_completed_at",
            "fria_completed_at",
            "registration_reference",
        ]
        widgets = {
            "dpia_decision": forms.RadioSelect(),
            "dpia_justification": forms.Textarea(attrs={"rows": 4}),
            "dpia_completed_at": DateInput(),
            "fria_completed_at": DateInput(),
        }
        help_texts = {
            "dpia_decision": gettext_lazy(
                "Décision du DPO (RGPD art. 35). « Recommandée » ne suffit pas à lancer une "
                "expérimentation sur des données de santé : tranchez entre requise et non requise."
            ),
            "dpia_justification": gettext_lazy(
                "Obligatoire si la décision contredit la qualification (AIPD « non requise » alors que le "
                "questionnaire la conclut requise). Figure sur la fiche et dans le dossier de conformité."
            ),
            "registration_reference": gettext_lazy(
                "Numéro attribué par la base de données de l'UE (AI Act art. 49)."
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _blank_choice_label(self.fields["dpia_decision"], _("Pas encore décidé"))


SCORE_CHOICES = [("", "—")] + [(str(i), str(i)) for i in range(1, 6)]


class AssessmentForm(DsfrBaseForm):
    """The ten criteria, each 1–5 with a justification; errors use the core's French messages."""

    people_reached = forms.IntegerField(
        label=gettext_lazy("Nombre de personnes concernées (par an)"),
        min_value=0,
        required=False,
        help_text=gettext_lazy("Taille de la bulle sur la matrice du portefeuille."),
        error_messages={"invalid": "Saisissez un nombre entier de personnes."},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for criterion in prio.Criterion:
            self.fields[f"{criterion.value}_score"] = forms.TypedChoiceField(
                label=_("%(criterion)s — note") % {"criterion": criterion_label(criterion)},
                choices=SCORE_CHOICES,
                coerce=int,
                required=False,
                help_text=criterion_scale(criterion),
            )
            self.fields[f"{criterion.value}_justification"] = forms.CharField(
                label=_("%(criterion)s — justification") % {"criterion": criterion_label(criterion)},
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def groups(self) -> list[dict[str, Any]]:
        return [
            {
                "label": group_label(group),
                "key": group.value,
                "rows": [
                    (self[f"{c.value}_score"], self[f"{c.value}_justification"])
                    for c in prio.GROUP_CRITERIA[group]
                ],
            }
            for group in prio.Group
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for criterion in prio.Criterion:
            score = data.get(f"{criterion.value}_score")
            justification = data.get(f"{criterion.value}_justification", "")
            for issue in prio.validate_score(criterion, score if score != "" else None, justification):
                field = (
                    f"{criterion.value}_justification"
                    if "justification" in issue.message_fr
                    else f"{criterion.value}_score"
                )
                message = issue.message_fr
                if score in (None, "") and field.endswith("_score"):
                    message = _("Critère « %(criterion)s » : choisissez une note de 1 à 5.") % {
                        "criterion": criterion_label(criterion)
                    }
                self.add_error(field, message)
        return data

    def scores(self) -> dict[str, tuple[int, str]]:
        return {
            c.value: (self.cleaned_data[f"{c.value}_score"], self.cleaned_data[f"{c.value}_justification"])
            for c in prio.Criterion
        }


class WeightProfileForm(DsfrBaseForm):
    name = forms.CharField(label=gettext_lazy("Nom du profil"), max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for group in prio.Group:
            self.fields[f"group_{group.value}"] = forms.FloatField(
                label=_("Poids du groupe « %(group)s »") % {"group": group_label(group)},
                min_value=0,
                error_messages={
                    "invalid": "Saisissez un nombre (par exemple 0,5).",
                    "min_value": "Le poids doit être positif ou nul.",
                },
                localize=True,
            )
        for criterion in prio.Criterion:
            self.fields[f"crit_{criterion.value}"] = forms.FloatField(
                label=criterion_label(criterion),
                min_value=0,
                error_messages={
                    "invalid": "Saisissez un nombre (par exemple 1).",
                    "min_value": "Le poids doit être positif ou nul.",
                },
                localize=True,
            )

    @classmethod
    def initial_from(cls, profile: prio.WeightProfile, name: str) -> dict[str, Any]:
        initial: dict[str, Any] = {"name": name}
        initial.update({f"group_{g.value}": w for g, w in profile.group_weights.items()})
        initial.update({f"crit_{c.value}": w for c, w in profile.criterion_weights.items()})
        return initial

    def groups(self) -> list[dict[str, Any]]:
        return [
            {
                "label": group_label(g),
                "group_field": self[f"group_{g.value}"],
                "fields": [self[f"crit_{c.value}"] for c in prio.GROUP_CRITERIA[g]],
            }
            for g in prio.Group
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        problems = prio.profile_problems(self.criterion_weights(), self.group_weights())
        for problem in problems:
            self.add_error(None, problem)
        return data

    def criterion_weights(self) -> dict[prio.Criterion, float]:
        return {c: self.cleaned_data[f"crit_{c.value}"] for c in prio.Criterion}

    def group_weights(self) -> dict[prio.Group, float]:
        return {g: self.cleaned_data[f"group_{g.value}"] for g in prio.Group}


EXPERIMENT_SECTIONS: list[tuple[str, str, list[str]]] = [
    (
        "protocole",
        "Protocole",
        [
            "title",
            "objective",
            "hypothesis",
            "sites",
            "population",
            "start_date",
            "end_date",
            "comparison_method",
        ],
    ),
    (
        "economie",
        "Données médico-économiques",
        [
            "build_cost",
            "run_cost_per_year",
            "hours_saved_per_year",
            "cases_per_year",
            "hour_value",
            "horizon_years",
            "hours_per_fte",
        ],
    ),
    (
        "evaluation",
        "Évaluation et enseignements",
        ["results_summary", "what_worked", "what_did_not", "replication_conditions"],
    ),
    ("decision", "Décision", ["decision", "decision_rationale"]),
]


class ExperimentForm(DsfrBaseForm, forms.ModelForm):
    class Meta:
        model = Experiment
        fields = [f for _, _, fields in EXPERIMENT_SECTIONS for f in fields]
        widgets = {
            "objective": forms.Textarea(attrs={"rows": 3}),
            "hypothesis": forms.Textarea(attrs={"rows": 2}),
            "sites": forms.Textarea(attrs={"rows": 2}),
            "population": forms.Textarea(attrs={"rows": 2}),
            "comparison_method": forms.Textarea(attrs={"rows": 2}),
            "results_summary": forms.Textarea(attrs={"rows": 3}),
            "what_worked": forms.Textarea(attrs={"rows": 3}),
            "what_did_not": forms.Textarea(attrs={"rows": 3}),
            "replication_conditions": forms.Textarea(attrs={"rows": 3}),
            "decision_rationale": forms.Textarea(attrs={"rows": 3}),
            "start_date": DateInput(),
            "end_date": DateInput(),
            "decision": forms.RadioSelect(),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _blank_choice_label(self.fields["decision"], _("Pas encore décidé"))

    def sections(self) -> list[dict[str, Any]]:
        return [
            {"id": sid, "title": title, "fields": [self[f] for f in fields]}
            for sid, title, fields in EXPERIMENT_SECTIONS
        ]

    def service_data(self) -> dict[str, Any]:
        return {f: self.cleaned_data[f] for f in self.Meta.fields}  # not the version or submission key

    def _post_clean(self) -> None:
        # Model validation (dates in order, decision rationale, economic inputs) runs in the service,
        # on a fresh instance, so that a refused form never alters the stored experiment.
        pass


class KpiForm(DsfrBaseForm, forms.ModelForm):
    class Meta:
        model = Kpi
        fields = ["name", "unit", "baseline", "target"]


class MeasurementForm(DsfrBaseForm, forms.ModelForm):
    class Meta:
        model = KpiMeasurement
        fields = ["date", "value", "note"]
        widgets = {"date": DateInput()}

    def _post_clean(self) -> None:
        pass


class CharterAssessmentForm(DsfrBaseForm):
    def __init__(self, *args: Any, principles: Any, existing: dict[int, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.principles = list(principles)
        for p in self.principles:
            current = existing.get(p.pk)
            self.fields[f"level_{p.pk}"] = forms.ChoiceField(
                label=_("%(get_code_display)s — niveau") % {"get_code_display": p.get_code_display()},
                choices=[("", _("Non évalué")), *AssessmentLevel.choices],
                required=False,
                initial=current.level if current else "",
                help_text=p.statement,
            )
            self.fields[f"evidence_{p.pk}"] = forms.CharField(
                label=_("%(get_code_display)s — éléments de preuve")
                % {"get_code_display": p.get_code_display()},
                required=False,
                max_length=3000,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=current.evidence if current else "",
            )

    def rows_for_display(self) -> list[tuple[Any, Any, Any]]:
        return [(p, self[f"level_{p.pk}"], self[f"evidence_{p.pk}"]) for p in self.principles]

    def rows(self) -> list[dict[str, Any]]:
        return [
            {
                "principle": p,
                "level": self.cleaned_data[f"level_{p.pk}"],
                "evidence": self.cleaned_data[f"evidence_{p.pk}"],
            }
            for p in self.principles
        ]
