# ruff: noqa: E501  (messages are easier to read unbroken)
"""An evaluation file's refusals in the reader's language: the engine keeps a French message and, next to
it, a code with parameters; the screens show English to an English reader and the French unchanged to a
French one; a run refused before the codes existed still shows its French."""

from __future__ import annotations

import html
from typing import Any

import pytest
from django.urls import reverse

from atlasia.evaluation.models import EvaluationRun

from .conftest import predictions_csv, upload
from .test_monitoring import HEADER, add, batch_csv, start

pytestmark = pytest.mark.django_db


def _language(client: Any, language: str) -> None:
    client.post("/i18n/setlang/", {"language": language, "next": "/"})


@pytest.fixture
def monitored(client: Any, world: Any) -> Any:
    use_case = world["records"]["a_internal"]
    client.force_login(world["users"]["referent"])
    assert start(client, use_case).status_code == 302
    return use_case


@pytest.mark.parametrize(
    ("text", "english", "french"),
    [
        (
            batch_csv(seed=4).replace("revenu", "salaire"),
            "The column “revenu” of the reference is missing from the batch: a batch must have the same columns as the reference batch.",
            "La colonne « revenu » de la référence est absente du lot : un lot doit avoir les mêmes colonnes que le lot de référence.",
        ),
        (
            "\n".join([HEADER] + ["F,18-44,1500,0,0.2,0"] * 50) + "\n",
            "The column “y_true” (actual value) contains only negative cases (0): performance and fairness cannot be measured on a single class.",
            "La colonne « y_true » (valeur réelle) ne contient que des cas négatifs (0) : la performance et l'équité ne peuvent pas être mesurées sur une seule classe.",
        ),
        (
            batch_csv(seed=4, sexes=("F", "M", "X")),
            "The group column “sexe” contains the value “X”, absent from the reference batch: the groups cannot be compared.",
            "La colonne de groupe « sexe » contient la valeur « X », absente du lot de référence : les groupes ne peuvent pas être comparés.",
        ),
    ],
)
def test_a_refused_batch_reads_in_the_readers_language(
    client: Any, monitored: Any, text: str, english: str, french: str
) -> None:
    _language(client, "en")
    page = html.unescape(add(client, monitored, text).content.decode())
    assert english in page and french not in page
    _language(client, "fr")
    page = html.unescape(add(client, monitored, text).content.decode())
    assert french in page


def test_a_refused_run_shows_its_stored_message_in_english_and_an_old_one_in_french(
    client: Any, world: Any
) -> None:
    client.force_login(world["users"]["referent"])
    use_case = world["records"]["a_internal"]
    assert upload(client, use_case, predictions_csv(60)).status_code == 302
    run = EvaluationRun.objects.get()
    french = "La colonne « y_score » (score) est introuvable. Vouliez-vous dire « Y_Score » ? Colonnes disponibles : « id », « Y_Score »."
    params = {
        "name": "y_score",
        "role": {"$t": "score"},
        "close": "Y_Score",
        "available": {"$quoted": ["id", "Y_Score"]},
    }
    run.status, run.error, run.error_column = "failed", french, "y_score"
    run.error_message = {"code": "eval.column_missing_hint", "params": params}
    run.save()
    _language(client, "en")
    for url in (reverse("evaluation_detail", args=[run.pk]), reverse("evaluation_mapping", args=[run.pk])):
        page = html.unescape(client.get(url).content.decode())
        assert (
            "The column “y_score” (score) cannot be found. Did you mean “Y_Score”? Available columns: “id”, “Y_Score”."
            in page
        )
    _language(client, "fr")
    assert french in html.unescape(client.get(reverse("evaluation_detail", args=[run.pk])).content.decode())
    # A run refused before the codes existed: its French only, shown as it is in English.
    EvaluationRun.objects.filter(pk=run.pk).update(error_message=None)
    _language(client, "en")
    assert french in html.unescape(client.get(reverse("evaluation_detail", args=[run.pk])).content.decode())
