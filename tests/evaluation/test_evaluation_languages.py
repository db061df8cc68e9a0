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

from .conftest import predictions_csv, run_through, upload
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


def test_a_refused_mapping_reads_in_english_and_is_stored_in_french(
    client: Any, world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(world["users"]["referent"])
    _language(client, "en")
    run, response = run_through(
        client,
        world["records"]["a_internal"],
        django_capture_on_commit_callbacks,
        predictions_csv(60),
        target="y_true",
        score="id",
    )
    assert response.status_code == 400
    english = (
        "The column “id” (score) must be numeric: value “D0000” found (lines 2, 3, 4, 5, 6 and 55 other(s))."
    )
    assert english in html.unescape(response.content.decode())
    french = "La colonne « id » (score) doit être numérique : valeur « D0000 » trouvée (lignes 2, 3, 4, 5, 6 et 55 autre(s))."
    assert run.error == french and run.error_message["code"] == "eval.numeric_value"
    _language(client, "fr")
    assert french in html.unescape(client.get(reverse("evaluation_mapping", args=[run.pk])).content.decode())


def test_a_missing_column_reads_in_english_on_the_mapping_page(client: Any, world: Any) -> None:
    from atlasia.core.evaluation.io import EvaluationInputError
    from atlasia.evaluation import services

    client.force_login(world["users"]["referent"])
    use_case = world["records"]["a_internal"]
    assert upload(client, use_case, predictions_csv(60).replace("y_score", "Y_Score", 1)).status_code == 302
    run = EvaluationRun.objects.get()
    params = services.build_parameters(
        target="y_true", pred=None, score="y_score", groups=[], date=None, n_resamples=0, seed=0, level=0.95
    )
    with pytest.raises(EvaluationInputError):
        services.evaluationrun_launch(actor=world["users"]["referent"], run=run, parameters=params)
    run.refresh_from_db()
    _language(client, "en")
    page = html.unescape(client.get(reverse("evaluation_mapping", args=[run.pk])).content.decode())
    assert (
        "The column “y_score” (score) cannot be found. Did you mean “Y_Score”? Available columns: “id”, “date”,"
        in page
    )
    _language(client, "fr")
    page = html.unescape(client.get(reverse("evaluation_mapping", args=[run.pk])).content.decode())
    assert (
        "La colonne « y_score » (score) est introuvable. Vouliez-vous dire « Y_Score » ? Colonnes disponibles : « id », « date »,"
        in page
    )


def test_the_command_line_still_says_it_in_french(tmp_path: Any, capsys: Any) -> None:
    """``atlasia evaluate`` has no language option: its messages stay French (the engine's ``str()``)."""
    from atlasia.core.evaluation.cli import main

    path = tmp_path / "p.csv"
    path.write_text(predictions_csv(60).replace("y_score", "Y_Score", 1), encoding="utf-8")
    assert main([str(path), "--score", "y_score", "--bootstrap", "0"]) == 2
    err = capsys.readouterr().err
    assert "La colonne « y_score » (score) est introuvable. Vouliez-vous dire « Y_Score » ?" in err
