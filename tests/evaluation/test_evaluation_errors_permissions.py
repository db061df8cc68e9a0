"""Bad input is refused with the engine's French message and stores no metrics; permissions."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from atlasia.evaluation.models import EvaluationRun

from .conftest import HEADER, MAPPING, predictions_csv, run_through, upload

pytestmark = pytest.mark.django_db

GOOD = predictions_csv(60)
LINES = GOOD.splitlines()


def _with_line(index: int, **changes: str) -> str:
    """The good file with data line ``index`` (1 = first data row, file line index + 1) changed."""
    lines = list(LINES)
    cells = dict(zip(HEADER.split(","), lines[index].split(","), strict=True))
    cells.update(changes)
    lines[index] = ",".join(cells[c] for c in HEADER.split(","))
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    ("text", "mapping", "expected"),
    [
        (
            GOOD,
            {"target": "y_true", "score": "id"},
            "La colonne « id » (score) doit être numérique : valeur « D0000 » trouvée (lignes 2, 3, 4, 5, 6 et 55 autre(s)).",  # noqa: E501
        ),
        (
            _with_line(3, y_true="2"),
            {},
            "La colonne « y_true » (valeur réelle) doit contenir uniquement 0 et 1 : valeur « 2 » trouvée (ligne 4).",  # noqa: E501
        ),
        (
            _with_line(5, y_score="1.7"),
            {},
            "La colonne « y_score » (score) doit contenir des probabilités entre 0 et 1 : 1 valeur(s) hors de cet intervalle, dont « 1.7 » (ligne 6).",  # noqa: E501
        ),
        (
            _with_line(2, y_score="NaN"),
            {},
            "La colonne « y_score » (score) contient 1 valeur(s) manquante(s) ou non numérique(s) (ligne 3). Complétez ou retirez ces lignes.",  # noqa: E501
        ),
        (
            _with_line(7, y_score=""),
            {},
            "La colonne « y_score » (score) contient 1 valeur(s) manquante(s) ou non numérique(s) (ligne 8). Complétez ou retirez ces lignes.",  # noqa: E501
        ),
        (HEADER + "\n", {}, "Le fichier « predictions.csv » ne contient aucune ligne de données."),
        (
            _with_line(4, date="31/02/2025"),
            {},
            "La colonne « date » (date) contient des dates illisibles, dont « 31/02/2025 » (ligne 5). Format attendu : AAAA-MM-JJ.",  # noqa: E501
        ),
    ],
)
def test_bad_input_is_shown_on_the_mapping_form_and_stores_no_metrics(
    client: Any,
    world: Any,
    django_capture_on_commit_callbacks: Any,
    text: str,
    mapping: dict[str, str],
    expected: str,
) -> None:
    client.force_login(world["users"]["referent"])
    run, response = run_through(
        client, world["records"]["a_internal"], django_capture_on_commit_callbacks, text, **mapping
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert expected.replace("'", "&#x27;") in page and "Aucun résultat n'a été enregistré." in page
    assert (run.status, run.result, run.version, run.error) == ("failed", None, None, expected)
    assert run.upload_dir  # the file is kept so that the mapping can be corrected


def test_a_misnamed_column_is_named_with_a_suggestion(client: Any, world: Any) -> None:
    # The mapping offers only the header's names; a file renamed between the steps is still caught.
    from atlasia.core.evaluation.io import EvaluationInputError
    from atlasia.evaluation import services

    client.force_login(world["users"]["referent"])
    upload(client, world["records"]["a_internal"], GOOD.replace("y_score", "Y_Score", 1))
    run = EvaluationRun.objects.get()
    params = services.build_parameters(
        target="y_true", pred=None, score="y_score", groups=[], date=None, n_resamples=0, seed=0, level=0.95
    )
    with pytest.raises(EvaluationInputError) as error:
        services.evaluationrun_launch(actor=world["users"]["referent"], run=run, parameters=params)
    assert error.value.column == "y_score"
    assert "La colonne « y_score » (score) est introuvable. Vouliez-vous dire « Y_Score » ?" in str(
        error.value
    )
    run.refresh_from_db()
    assert run.status == "failed" and run.result is None


def test_a_corrected_mapping_then_runs(
    client: Any, world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(world["users"]["referent"])
    run, response = run_through(
        client, world["records"]["a_internal"], django_capture_on_commit_callbacks, score="id"
    )
    assert run.status == "failed"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("evaluation_mapping", args=[run.pk]), MAPPING)
    run.refresh_from_db()
    assert response.status_code == 302 and (run.status, run.version, run.error) == ("done", 1, "")


@pytest.mark.parametrize(
    ("content", "name", "expected"),
    [
        (b"", "vide.csv", "Le fichier « vide.csv » est vide."),
        (
            b"\x81\x8d\x8f,col\n1,2\n",
            "bizarre.csv",
            "Le fichier « bizarre.csv » n&#x27;est encodé ni en UTF-8 ni en Windows-1252",
        ),
        (
            b"PK\x03\x04 binary",
            "classeur.xlsx",
            "Le type du fichier « classeur.xlsx » n&#x27;est pas accepté",
        ),
        (
            b"y_true,y_score\n1,0.5\n",
            "faux.parquet",
            "porte l&#x27;extension .parquet mais n&#x27;est pas un fichier Parquet",
        ),
    ],
)
def test_bad_files_are_refused_at_upload_and_nothing_is_stored(
    client: Any, world: Any, private_uploads: Any, content: bytes, name: str, expected: str
) -> None:
    client.force_login(world["users"]["referent"])
    response = upload(client, world["records"]["a_internal"], content, name)
    assert response.status_code == 400 and expected in response.content.decode()
    assert not EvaluationRun.objects.exists()
    assert not any(private_uploads.rglob("*.csv")) and not any(private_uploads.rglob("*.parquet"))


def test_size_limit(client: Any, world: Any, settings: Any) -> None:
    settings.ATLASIA_MAX_EVALUATION_BYTES = 1000
    client.force_login(world["users"]["referent"])
    response = upload(client, world["records"]["a_internal"], GOOD)
    assert response.status_code == 400
    size_ko = round(len(GOOD.encode()) / 1024)
    assert (
        f"Le fichier « predictions.csv » pèse {size_ko} Ko, au-delà de la limite autorisée de 1 Ko."
        in response.content.decode()
    )
    assert not EvaluationRun.objects.exists()


def test_a_parquet_file_runs(
    client: Any, world: Any, django_capture_on_commit_callbacks: Any, tmp_path: Any
) -> None:
    import io

    import polars as pl

    buffer = io.BytesIO()
    pl.read_csv(io.StringIO(predictions_csv())).write_parquet(buffer)
    client.force_login(world["users"]["referent"])
    upload(client, world["records"]["a_internal"], buffer.getvalue(), "predictions.parquet")
    run = EvaluationRun.objects.get()
    assert "y_score" in run.columns
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("evaluation_mapping", args=[run.pk]), MAPPING)
    run.refresh_from_db()
    assert run.status == "done" and run.result["data"]["n_rows"] == 240


def test_only_evaluation_roles_of_the_organisation_start_runs(client: Any, world: Any) -> None:
    users, records = world["users"], world["records"]
    url = reverse("evaluation_upload", args=[records["a_internal"].pk])
    for name in ("contributor", "dpo", "regional", "national"):
        client.force_login(users[name])
        assert client.get(url).status_code == 403, name
        assert upload(client, records["a_internal"], GOOD).status_code == 403, name
    # another organisation's internal record: 404; its network record: readable but not runnable
    client.force_login(users["other_referent"])
    assert upload(client, records["a_internal"], GOOD).status_code == 404
    assert upload(client, records["a_network"], GOOD).status_code == 403
    assert not EvaluationRun.objects.exists()
    for name in ("referent", "org_admin", "admin"):
        client.force_login(users[name])
        assert client.get(url).status_code == 200, name


def test_readers_see_results_and_other_organisations_get_404_everywhere(
    client: Any, world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    users, records = world["users"], world["records"]
    client.force_login(users["referent"])
    v1, _ = run_through(client, records["a_internal"], django_capture_on_commit_callbacks)
    v2, _ = run_through(client, records["a_internal"], django_capture_on_commit_callbacks, seed="5")
    urls = [
        reverse("evaluation_detail", args=[v1.pk]),
        reverse("evaluation_export", args=[v1.pk, "html"]),
        reverse("evaluation_export", args=[v1.pk, "pdf"]),
        reverse("evaluation_compare", args=[v1.pk]) + f"?avec={v2.pk}",
    ]
    client.force_login(users["contributor"])  # a reader of the use case
    page = client.get(urls[0]).content.decode()
    assert "Ce qu'il faut retenir" in page and "Nouvelle évaluation" not in page
    assert client.get(urls[3]).status_code == 200
    # the mapping step of a launched run is closed, and refused to readers
    assert client.get(reverse("evaluation_mapping", args=[v1.pk])).status_code == 403
    for name in ("other_referent", "regional_other", "nobody"):
        client.force_login(users[name])
        for url in urls:
            assert client.get(url).status_code == 404, (name, url)
        assert client.get(reverse("evaluation_mapping", args=[v1.pk])).status_code == 404
    client.logout()
    assert client.get(urls[0]).status_code == 302  # login required


def test_comparison_needs_two_results_of_the_same_use_case(
    client: Any, world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    users, records = world["users"], world["records"]
    client.force_login(users["admin"])
    a, _ = run_through(client, records["a_internal"], django_capture_on_commit_callbacks)
    b, _ = run_through(client, records["a_network"], django_capture_on_commit_callbacks)
    assert client.get(reverse("evaluation_compare", args=[a.pk]) + f"?avec={b.pk}").status_code == 404
    assert client.get(reverse("evaluation_compare", args=[a.pk]) + f"?avec={a.pk}").status_code == 404
    assert client.get(reverse("evaluation_compare", args=[a.pk])).status_code == 404
