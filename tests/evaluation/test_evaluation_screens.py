"""What users read on the evaluation screens: labels, not engine keys, in French and English; the
comparison in the natural order with the right sign; exports without repeated raw sentences; model cards
of the algorithm library filled from the latest evaluation."""

from __future__ import annotations

import re
from typing import Any

from django.urls import reverse

from atlasia.evaluation.models import EvaluationRun
from atlasia.registry.models import Algorithm
from atlasia.www.evaluation.display import fmt

from .conftest import run_through

RAW = ("Auc roc", "Score f1", "Erreur de calibration (ece)", ">Count<", "roc_auc", "false_positive_rate")


def test_result_page_shows_labels_in_french_and_english(
    client: Any, world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    use_case = world["records"]["a_internal"]
    client.force_login(world["users"]["referent"])
    run, _ = run_through(client, use_case, django_capture_on_commit_callbacks)
    url = reverse("evaluation_detail", args=[run.pk])
    fr = client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    for label in ("Effectif", "Score F1", "AUC ROC", "Erreur de calibration (ECE)", "Taux de faux positifs"):
        assert f'<th scope="row">{label}</th>' in fr, label
    for raw in RAW:
        assert raw not in fr, raw
    en = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for label in ("F1 score", "ROC AUC", "Expected calibration error (ECE)", "False positive rate"):
        assert f'<th scope="row">{label}</th>' in en, label
    # (the charts and the reading are the engine's French text; the tables are in the interface language)
    assert (
        '<th scope="row">Score F1</th>' not in en and '<th scope="row">Taux de faux positifs</th>' not in en
    )


FRENCH_IN_CHARTS_AND_READING = (
    "par groupe",
    "Diagramme",
    "Données :",
    "L'évaluation porte",
    "Sur l'ensemble des données,",
    "Courbes ROC (",
    "effectif faible",
    "Tableau des données",
    "du groupe «",
    "intervalle à",
    "probabilité annoncée",
    "taux de faux positifs",
    "non défini",
    " à ",
)


def test_result_page_charts_and_reading_in_english(
    client: Any, world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """With LANGUAGE en, the engine's charts (titles, descriptions, axes, data tables) and the reading
    sentences are English, numbers use a decimal point, and no French sentence of the engine remains."""
    import html

    use_case = world["records"]["a_internal"]
    client.force_login(world["users"]["referent"])
    run, _ = run_through(client, use_case, django_capture_on_commit_callbacks)
    url = reverse("evaluation_detail", args=[run.pk])
    en = html.unescape(client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode())
    main = en[en.index("<main") :]
    for english in (
        "Recall by group (sex)",
        "Data: Recall by group (sex)",
        "Horizontal bar chart: Recall for each group of sex",
        "ROC curves (overall)",
        "Reliability diagram (sex)",
        "false positive rate",
        "Data table",
        "The evaluation covers 240 rows",
        "On the whole data, accuracy is",
        "of group “",
    ):
        assert english in main, english
    for french in FRENCH_IN_CHARTS_AND_READING:
        assert french not in main, french
    assert re.search(r"\b0\.\d{3}\b", main)  # decimal point
    # and the French page keeps its French
    fr = html.unescape(client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode())
    assert "Rappel par groupe (sex)" in fr and "L'évaluation porte sur 240 lignes" in fr


def test_result_page_has_a_sommaire_with_an_anchor_to_each_section(
    client: Any, world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    use_case = world["records"]["a_internal"]
    client.force_login(world["users"]["referent"])
    run, _ = run_through(client, use_case, django_capture_on_commit_callbacks)
    page = client.get(reverse("evaluation_detail", args=[run.pk])).content.decode()
    nav = page[
        page.index('<nav class="fr-sidemenu') : page.index("</nav>", page.index('<nav class="fr-sidemenu'))
    ]
    assert 'aria-labelledby="sommaire-evaluation"' in nav and ">Sommaire<" in nav
    anchors = re.findall(r'class="fr-sidemenu__link" href="#([^"]+)"', nav)
    assert anchors[:2] == ["lecture", "ensemble"] and "evolution" in anchors
    assert len([a for a in anchors if a.startswith("groupe-")]) == len(run.result["groupings"])
    for anchor in anchors:  # every link goes somewhere on the page
        assert f'id="{anchor}"' in page, anchor


def test_comparison_reads_earlier_then_later_and_a_drop_is_negative(
    client: Any, world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    use_case = world["records"]["a_internal"]
    client.force_login(world["users"]["referent"])
    v1, _ = run_through(client, use_case, django_capture_on_commit_callbacks, pred="", threshold="0.4")
    v2, _ = run_through(client, use_case, django_capture_on_commit_callbacks, pred="", threshold="0.6")
    a = v1.result["overall"]["metrics"]["selection_rate"]["value"]
    b = v2.result["overall"]["metrics"]["selection_rate"]["value"]
    assert b < a  # a higher threshold selects fewer cases: v2 drops
    drop = f"−{100 * (a - b):.1f} pt".replace(".", ",")
    # from v2's page as from v1's: v1 then v2, gap = v2 − v1, negative
    for start, other in ((v2, v1), (v1, v2)):
        page = client.get(
            reverse("evaluation_compare", args=[start.pk]) + f"?avec={other.pk}"
        ).content.decode()
        assert "Comparaison des évaluations v1 et v2" in page
        assert "Écart = v2 − v1" in page
        row = re.search(r'<th scope="row">Taux de sélection</th>(.*?)</tr>', page, re.S).group(1)
        cells = re.findall(r"<td>(.*?)</td>", row, re.S)
        assert cells[0].startswith(fmt(a, "selection_rate")) and cells[1].startswith(fmt(b, "selection_rate"))
        assert cells[2] == drop
        header = re.search(r"<thead><tr><th scope=\"col\">Indicateur</th>(.*?)</tr>", page).group(1)
        assert header.index(">v1<") < header.index(">v2<")


def test_exports_give_fairness_once_with_labels(
    client: Any, world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    use_case = world["records"]["a_internal"]
    client.force_login(world["users"]["referent"])
    run, _ = run_through(client, use_case, django_capture_on_commit_callbacks)
    html = client.get(reverse("evaluation_export", args=[run.pk, "html"])).content.decode()
    assert "demographic parity" not in html and "equalized odds difference" not in html
    assert html.count("<h2>Mesures d'équité</h2>") == 1
    assert html.count("Parité démographique : écart") == 1  # one column header, a row per grouping
    fair_table = html[html.index("<h2>Mesures d'équité</h2>") :]
    for name in ("sex", "age_band", "sex × age_band"):
        assert f"<td>{name}</td>" in fair_table or f'<th scope="row">{name}</th>' in fair_table
    assert "AUC : méthode de DeLong" in html


def test_algorithm_model_card_is_filled_from_the_latest_public_evaluation(
    client: Any, world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    org = world["org_a"]
    algo = Algorithm.objects.create(name="Score de tri", organisation=org)
    public = world["records"]["a_public"]
    public.algorithm = algo
    public.save(update_fields=["algorithm"])
    client.force_login(world["users"]["referent"])
    url = reverse("publication_algorithm_detail", args=[algo.uid])
    client.logout()
    assert client.get(url).content.decode().count("Non renseignées") == 3  # no evaluation yet
    client.force_login(world["users"]["referent"])
    run, _ = run_through(client, public, django_capture_on_commit_callbacks)
    # an evaluation of an internal record using the same algorithm is never shown publicly
    internal = world["records"]["a_internal"]
    internal.algorithm = algo
    internal.save(update_fields=["algorithm"])
    run_through(client, internal, django_capture_on_commit_callbacks, threshold="0.7", pred="")
    client.logout()
    page = client.get(url).content.decode()
    assert "Non renseignées" not in page
    acc = run.result["overall"]["metrics"]["accuracy"]["value"]
    assert "Évaluation v1, intervalles de confiance à 95 %" in page
    assert f"Exactitude {100 * acc:.1f} %".replace(".", ",") in page
    assert "240 prédictions" in page and "Chatbot public A" in page
    assert "Ciblage" not in page and "Prévision réseau A" not in page
    # what the publisher wrote wins over the evaluation
    algo.performance = "Sensibilité 92 % sur le jeu de validation 2025."
    algo.save(update_fields=["performance"])
    page = client.get(url).content.decode()
    assert "Sensibilité 92 %" in page and "Évaluation v1, intervalles" not in page
    assert EvaluationRun.objects.filter(use_case=internal).exists()


def test_exports_read_in_the_language_of_the_requester(
    client: Any, world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    import shutil
    import subprocess

    use_case = world["records"]["a_internal"]
    client.force_login(world["users"]["referent"])
    run, _ = run_through(client, use_case, django_capture_on_commit_callbacks)
    html = client.get(
        reverse("evaluation_export", args=[run.pk, "html"]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert '<html lang="en">' in html
    assert "<h1>Model evaluation report</h1>" in html
    assert "<strong>Use case:</strong>" in html and "<strong>File:</strong>" in html
    assert "<h2>Reading</h2>" in html and "<h2>Fairness measures</h2>" in html
    assert "Demographic parity: difference" in html and "By group: sex" in html
    assert "AUC: DeLong method" in html
    for french in (
        "Rapport d'évaluation",
        "Cas d'usage",
        "Lecture",
        "Mesures d'équité",
        "Parité démographique",
        "Par groupe",
        "lignes",
        "rééchantillonnages",
        "Intervalle de confiance",
        " à ",
    ):
        assert french not in html, french

    assert shutil.which("pdftotext"), "pdftotext absent (poppler-utils): lancez `make system`"
    pdf = client.get(reverse("evaluation_export", args=[run.pk, "pdf"]), HTTP_ACCEPT_LANGUAGE="en").content
    assert pdf.startswith(b"%PDF")
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    text = " ".join(text.split())
    for english in (
        "Model evaluation report",
        "Use case:",
        "Reading",
        "Fairness measures",
        "Atlas IA — evaluation report",
    ):
        assert english in text, english
    for french in (
        "Rapport d'évaluation",
        "Lecture",
        "Mesures d'équité",
        "Parité démographique",
        "rapport d'évaluation",
    ):
        assert french not in text, french
    # in French, unchanged
    french_html = client.get(
        reverse("evaluation_export", args=[run.pk, "html"]), HTTP_ACCEPT_LANGUAGE="fr"
    ).content.decode()
    assert (
        "<h1>Rapport d'évaluation du modèle</h1>" in french_html
        and "<strong>Cas d&#x27;usage :</strong>" in french_html
    )
    assert "Model evaluation report" not in french_html
