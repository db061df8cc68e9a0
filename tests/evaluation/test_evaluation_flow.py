"""Upload → mapping → background run → result page; versions, comparison and exports."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from atlasia.audit.models import AuditEntry
from atlasia.core.evaluation import evaluate_file, reading_fr
from atlasia.core.evaluation.reading import fmt_pct
from atlasia.evaluation.models import EvaluationRun
from atlasia.www.evaluation.display import fmt

from .conftest import predictions_csv, run_through, upload

pytestmark = pytest.mark.django_db


def _strip_timing(result: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in result.items() if k != "timing_seconds"}


def test_upload_offers_the_header_columns_then_the_run_shows_the_engines_figures(
    client: Any, world: Any, django_capture_on_commit_callbacks: Any, tmp_path: Any
) -> None:
    use_case = world["records"]["a_internal"]
    client.force_login(world["users"]["referent"])
    response = upload(client, use_case, predictions_csv())
    run = EvaluationRun.objects.get()
    assert response["Location"] == reverse("evaluation_mapping", args=[run.pk])
    assert (run.status, run.version, run.columns) == (
        "draft",
        None,
        ["id", "date", "sex", "age_band", "y_true", "y_score", "y_pred"],
    )
    mapping_page = client.get(reverse("evaluation_mapping", args=[run.pk])).content.decode()
    for column in ("age_band", "y_score", "y_pred"):
        assert f'value="{column}"' in mapping_page
    assert '<option value="y_true" selected>' in mapping_page  # the usual name is pre-selected

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("evaluation_mapping", args=[run.pk]),
            {
                "target": "y_true",
                "pred": "y_pred",
                "score": "y_score",
                "groups": ["sex", "age_band"],
                "date": "date",
                "threshold": "0.5",
                "n_resamples": "40",
                "seed": "7",
                "level": "0.9",
                "min_group_size": "30",
            },
        )
    assert response["Location"] == reverse("evaluation_detail", args=[run.pk])
    run.refresh_from_db()
    assert (run.status, run.version, run.progress, run.error) == ("done", 1, 100, "")
    assert run.upload_dir == "" and not any(p.is_file() for p in (tmp_path / "uploads").rglob("*"))
    assert run.finished_at is not None and len(run.sha256) == 64

    # the stored result is the engine's, computed on the same file with the same parameters
    path = tmp_path / "same.csv"
    path.write_text(predictions_csv(), encoding="utf-8")
    expected = evaluate_file(
        str(path),
        target="y_true",
        pred="y_pred",
        score="y_score",
        groups=["sex", "age_band"],
        date="date",
        n_bootstrap=40,
        seed=7,
        level=0.9,
    )
    assert _strip_timing(run.result) == _strip_timing(expected)

    page = client.get(reverse("evaluation_detail", args=[run.pk])).content.decode()
    for sentence in reading_fr(expected):
        assert sentence.replace("'", "&#x27;") in page
    sex = next(g for g in expected["groupings"] if g["name"] == "sex")
    for entry in sex["groups"]:
        recall = entry["metrics"]["recall"]
        assert fmt(recall["value"], "recall") == fmt_pct(recall["value"], 1)
        assert fmt(recall["value"], "recall") in page
        assert f"{fmt(recall['ci'][0], 'recall')} à {fmt(recall['ci'][1], 'recall')}" in page
    # charts with title, text alternative and data table; small group flagged; fairness and drift sections
    assert page.count('<svg role="img"') >= 6
    assert (
        "Rappel par groupe (sex)" in page
        and "<desc id=" in page
        and "Données : Rappel par groupe (sex)" in page
    )
    assert "Diagramme de fiabilité (sex)" in page and "Courbes ROC (sex)" in page
    assert "effectif faible" in page and "75+" in page
    assert "Parité démographique — rapport entre groupes" in page
    assert "Égalité des chances (equalized odds) — écart entre groupes" in page
    assert "Évolution par mois" in page and "2025-03" in page
    assert (
        AuditEntry.objects.filter(object_type="evaluation.evaluationrun", object_id=str(run.pk)).count() == 3
    )


def test_reference_file_gives_a_drift_table(
    client: Any, world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    use_case = world["records"]["a_internal"]
    client.force_login(world["users"]["org_admin"])
    from .conftest import MAPPING, as_upload

    client.post(
        reverse("evaluation_upload", args=[use_case.pk]),
        {
            "predictions": as_upload(predictions_csv(seed=5)),
            "reference": as_upload(predictions_csv(seed=9), "ref.csv"),
        },
    )
    run = EvaluationRun.objects.get()
    assert run.reference_name == "ref.csv"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("evaluation_mapping", args=[run.pk]), MAPPING)
    run.refresh_from_db()
    assert run.status == "done" and run.result["drift"]["features"]
    page = client.get(reverse("evaluation_detail", args=[run.pk])).content.decode()
    assert "Dérive par rapport aux données de référence" in page and "y_score" in page


def test_versions_comparison_and_exports(
    client: Any, world: Any, django_capture_on_commit_callbacks: Any, pdf_info: Any
) -> None:
    use_case = world["records"]["a_internal"]
    client.force_login(world["users"]["referent"])
    v1, _ = run_through(client, use_case, django_capture_on_commit_callbacks)
    v2, _ = run_through(
        client, use_case, django_capture_on_commit_callbacks, pred="", threshold="0.6", seed="3"
    )
    assert (v1.version, v2.version) == (1, 2)
    assert v2.result["parameters"]["threshold"] == 0.6

    tab = client.get(reverse("usecase_detail", args=[use_case.pk]) + "?onglet=evaluations").content.decode()
    assert "Évaluations du modèle" in tab and ">v1<" in tab and ">v2<" in tab

    detail = client.get(reverse("evaluation_detail", args=[v1.pk])).content.decode()
    assert f'<option value="{v2.pk}">v2' in detail
    page = client.get(reverse("evaluation_compare", args=[v1.pk]) + f"?avec={v2.pk}").content.decode()
    assert "Comparaison des évaluations v1 et v2" in page
    a = v1.result["overall"]["metrics"]["selection_rate"]["value"]
    b = v2.result["overall"]["metrics"]["selection_rate"]["value"]
    assert a != b
    diff = f"{'+' if b > a else ''}{(100 * (b - a)):.1f} pt".replace(".", ",").replace("-", "−")
    assert (
        f"<td>{fmt(a, 'selection_rate')}" in page
        and f"<td>{fmt(b, 'selection_rate')}" in page
        and diff in page
    )
    f_a = next(
        e for g in v1.result["groupings"] if g["name"] == "sex" for e in g["groups"] if e["label"] == "F"
    )
    assert "sex = F" in page and fmt(f_a["metrics"]["recall"]["value"], "recall") in page
    assert '<th scope="row">Seuil</th><td>—</td><td>0,6</td>' in page

    html = client.get(reverse("evaluation_export", args=[v1.pk, "html"]))
    assert html["Content-Type"].startswith("text/html") and "attachment" in html["Content-Disposition"]
    text = html.content.decode()
    assert "<h1>Rapport d'évaluation du modèle</h1>" in text and text.count('<svg role="img"') >= 6
    assert use_case.title in text and "v1" in text
    pdf = client.get(reverse("evaluation_export", args=[v1.pk, "pdf"]))
    assert (
        pdf["Content-Type"] == "application/pdf"
        and pdf.content.startswith(b"%PDF")
        and len(pdf.content) > 10_000
    )
    assert pdf_info(pdf.content)["Tagged"] == "yes"  # PDF/UA


def test_progress_page_follows_the_job_without_reloading(client: Any, world: Any, settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    use_case = world["records"]["a_internal"]
    client.force_login(world["users"]["referent"])
    from .conftest import MAPPING

    upload(client, use_case, predictions_csv())
    run = EvaluationRun.objects.get()
    client.post(reverse("evaluation_mapping", args=[run.pk]), MAPPING)
    run.refresh_from_db()
    assert (run.status, run.version) == ("queued", 1)
    page = client.get(reverse("evaluation_detail", args=[run.pk])).content.decode()
    # No <meta refresh> (it moves the reader every few seconds): a script polls the JSON progress.
    assert 'http-equiv="refresh"' not in page and 'aria-live="polite"' in page
    progress_url = reverse("evaluation_progress", args=[run.pk])
    assert f'data-progress-url="{progress_url}"' in page and "atlasia/progress" in page
    assert "Avancement : 0 %" in page and "En attente du traitement en arrière-plan" in page
    state = client.get(progress_url).json()
    assert state["finished"] is False and state["progress"] == 0
    # the job then runs (as the worker would), writing progress as the engine reports it
    from atlasia.evaluation.services import evaluationrun_execute

    assert evaluationrun_execute(run_id=run.pk) == "done"
    run.refresh_from_db()
    assert (run.status, run.progress, run.step) == ("done", 100, "Terminé")
    assert evaluationrun_execute(run_id=run.pk) == "done"  # delivered twice: runs once
    assert client.get(progress_url).json() | {"step": ""} == {
        "finished": True,
        "status": "done",
        "status_label": "Terminée",
        "step": "",
        "progress": 100,
        "progress_text": "Avancement : 100 %",
    }
    page = client.get(reverse("evaluation_detail", args=[run.pk])).content.decode()
    assert "data-progress-url" not in page
    # Another organisation's user gets a 404 for the progress too.
    client.force_login(world["users"]["other_referent"])
    assert client.get(progress_url).status_code == 404


def test_demo_stores_two_versions_with_different_parameters(world: Any) -> None:
    from atlasia.evaluation.demo import load_evaluation_demo

    use_case = world["records"]["b_internal"]
    use_case.catalogue_slug = "cnaf-datamining-donnees-entrantes"
    use_case.save()
    runs = load_evaluation_demo()
    assert [r.version for r in runs] == [1, 2] and all(r.status == "done" for r in runs)
    assert runs[0].result["data"]["n_rows"] == 5000 and runs[0].result["drift"] is not None
    assert runs[0].parameters != runs[1].parameters
    assert load_evaluation_demo() == []  # idempotent
