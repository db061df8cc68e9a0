"""Forms of the evaluation screens: upload (step 1) then column mapping and bootstrap settings (step 2)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from dsfr.forms import DsfrBaseForm

NONE_CHOICE = ("", "— aucune —")


class UploadForm(DsfrBaseForm):
    # Empty files reach the service, which explains the problem in the engine's words.
    predictions = forms.FileField(
        label=gettext_lazy("Fichier de prédictions"),
        allow_empty_file=True,
        help_text=gettext_lazy(
            "CSV (séparateur virgule, point-virgule ou tabulation ; UTF-8 de préférence) ou Parquet. "
            "Une ligne par personne ou dossier, avec la valeur réelle, la décision ou le score du modèle "
            "et les colonnes de groupe (sexe, tranche d'âge, région…)."
        ),
    )
    reference = forms.FileField(
        label=gettext_lazy("Fichier de référence (facultatif)"),
        required=False,
        allow_empty_file=True,
        help_text=gettext_lazy(
            "Les données sur lesquelles le modèle a été construit ou validé, pour mesurer la dérive."
        ),
    )
    experiment_id = forms.TypedChoiceField(
        label=gettext_lazy("Expérimentation (facultatif)"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args: Any, experiments: list[tuple[int, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if experiments:
            self.fields["experiment_id"].choices = [("", "— aucune —"), *experiments]
        else:
            del self.fields["experiment_id"]


class MappingForm(DsfrBaseForm):
    target = forms.ChoiceField(
        label=gettext_lazy("Valeur réelle (0/1)"), help_text=gettext_lazy("Ce qui s'est réellement passé.")
    )
    pred = forms.ChoiceField(
        label=gettext_lazy("Décision du modèle (0/1)"),
        required=False,
        help_text=gettext_lazy(
            "Facultatif si un score est indiqué : la décision est alors « score ≥ seuil »."
        ),
    )
    score = forms.ChoiceField(
        label=gettext_lazy("Score du modèle (probabilité entre 0 et 1)"),
        required=False,
        help_text=gettext_lazy("Nécessaire pour l'AUC, les courbes ROC et la calibration."),
    )
    groups = forms.MultipleChoiceField(
        label=gettext_lazy("Colonnes de groupe"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Les indicateurs sont calculés pour chaque groupe et leurs croisements."),
    )
    date = forms.ChoiceField(label=gettext_lazy("Date (évolution par mois)"), required=False)
    threshold = forms.FloatField(
        label=gettext_lazy("Seuil de décision"), initial=0.5, min_value=0.0, max_value=1.0
    )
    n_resamples = forms.IntegerField(
        label=gettext_lazy("Nombre de rééchantillonnages (bootstrap)"),
        initial=500,
        min_value=0,
        max_value=2000,
        help_text=gettext_lazy(
            "0 pour ne pas calculer d'intervalles de confiance ; 500 à 1 000 recommandés."
        ),
    )
    seed = forms.IntegerField(
        label=gettext_lazy("Graine aléatoire"),
        initial=0,
        min_value=0,
        help_text=gettext_lazy("La même graine redonne les mêmes intervalles."),
    )
    level = forms.FloatField(
        label=gettext_lazy("Niveau de confiance"),
        initial=0.95,
        min_value=0.5,
        max_value=0.999,
        help_text=gettext_lazy("Par exemple 0,95."),
    )
    min_group_size = forms.IntegerField(
        label=gettext_lazy("Effectif minimal d'un groupe fiable"),
        initial=30,
        min_value=1,
        max_value=100000,
        help_text=gettext_lazy("Les groupes plus petits sont signalés (pas masqués)."),
    )

    def __init__(self, *args: Any, columns: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cols = [(c, c) for c in columns]
        self.fields["target"].choices = [("", "— choisissez —"), *cols]
        for name in ("pred", "score", "date"):
            self.fields[name].choices = [NONE_CHOICE, *cols]
        self.fields["groups"].choices = cols
        # Offer the usual names first, so that the common case needs no change.
        lowered = {c.lower(): c for c in columns}
        for name, guesses in (
            ("target", ("y_true", "target", "cible", "label", "verite", "reel")),
            ("pred", ("y_pred", "prediction", "decision", "pred")),
            ("score", ("y_score", "score", "proba", "probabilite")),
            ("date", ("date", "mois", "periode")),
        ):
            for guess in guesses:
                if guess in lowered and name not in self.initial:
                    self.initial[name] = lowered[guess]
        if "groups" not in self.initial:
            self.initial["groups"] = [
                lowered[g] for g in ("sex", "sexe", "age_band", "tranche_age", "region") if g in lowered
            ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("pred") and not data.get("score"):
            raise forms.ValidationError(
                _("Indiquez au moins une colonne de prédiction (décision 0/1) ou de score (probabilité).")
            )
        used = [data.get(k) for k in ("target", "pred", "score", "date") if data.get(k)]
        clash = sorted(set(used) & set(data.get("groups") or []))
        if clash:
            self.add_error(
                "groups",
                _("La colonne « %(clash)s » ne peut pas être à la fois un groupe et une autre donnée.")
                % {"clash": clash[0]},
            )
        if len(used) != len(set(used)):
            raise forms.ValidationError(_("Une même colonne est choisie pour deux rôles différents."))
        return data

    def field_for_column(self, column: str | None) -> str | None:
        """The form field where ``column`` was chosen (to show an engine error next to it)."""
        if not column or not self.is_bound:
            return None
        for name in ("target", "pred", "score", "date"):
            if self.cleaned_data.get(name) == column:
                return name
        if column in (self.cleaned_data.get("groups") or []):
            return "groups"
        return None


def _columns(value: str) -> list[str]:
    return [c.strip() for c in value.split(",") if c.strip()]


class ThresholdsForm(DsfrBaseForm):
    max_performance_drop = forms.FloatField(
        label=gettext_lazy("Baisse de performance tolérée (AUC ROC, ou exactitude sans score)"),
        min_value=0.0,
        max_value=1.0,
        initial=0.05,
        help_text=gettext_lazy("Par rapport au lot de référence, par exemple 0,05."),
        localize=True,
    )
    max_recall_gap = forms.FloatField(
        label=gettext_lazy("Écart de rappel toléré entre groupes"),
        min_value=0.0,
        max_value=1.0,
        initial=0.10,
        help_text=gettext_lazy("Égalité des chances : 0,10 pour 10 points d'écart au plus."),
        localize=True,
    )
    max_psi = forms.FloatField(
        label=gettext_lazy("Dérive tolérée (PSI)"),
        min_value=0.0,
        max_value=1.0,
        initial=0.25,
        help_text=gettext_lazy("Au-delà de 0,25, la dérive est dite majeure."),
        localize=True,
    )


class SeriesForm(ThresholdsForm):
    reference = forms.FileField(
        label=gettext_lazy("Lot de référence"),
        allow_empty_file=True,
        help_text=gettext_lazy(
            "Les prédictions d'une période jugée satisfaisante (CSV ou Parquet). Seuls des agrégats en sont "
            "conservés (indicateurs, quantiles, effectifs) ; le fichier est supprimé aussitôt lu."
        ),
    )
    target = forms.CharField(
        label=gettext_lazy("Colonne de la valeur réelle"), initial="y_true", max_length=255
    )
    pred = forms.CharField(
        label=gettext_lazy("Colonne de la décision (0/1)"), required=False, initial="y_pred", max_length=255
    )
    score = forms.CharField(
        label=gettext_lazy("Colonne du score (facultatif)"), required=False, initial="y_score", max_length=255
    )
    groups = forms.CharField(
        label=gettext_lazy("Colonnes de groupe"),
        required=False,
        max_length=1000,
        help_text=gettext_lazy("Séparées par des virgules, par exemple : sexe, tranche_age"),
    )
    field_order = ["reference", "target", "pred", "score", "groups"]

    def clean_groups(self) -> list[str]:
        return _columns(self.cleaned_data.get("groups") or "")


class BatchForm(DsfrBaseForm):
    batch = forms.FileField(
        label=gettext_lazy("Lot de prédictions"),
        allow_empty_file=True,
        help_text=gettext_lazy("Mêmes colonnes que le lot de référence (CSV ou Parquet)."),
    )
    label = forms.CharField(
        label=gettext_lazy("Période ou libellé (facultatif)"),
        required=False,
        max_length=120,
        help_text=gettext_lazy("Par exemple : mars 2026"),
    )
