"""The main flows in Debian's Chromium, asserting on what the person reads: labels in French (and in English
for the annual report and the compliance file), never the codes stored behind them (``high_risk``,
``in_house``, ``True``…). Declaring a use case and answering a census have their own modules
(test_usecase_journey.py, test_campaign_census.py)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from atlasia.compliance.models import FileJob
from atlasia.monitoring.models import Externality
from atlasia.registry.models import UseCase

PASSWORD = "Mot-de-passe-2026"
pytestmark = [pytest.mark.browser]

#: Codes that must never reach the reader (stored values of the enums and Python literals).
CODES = re.compile(
    r"\b(high_risk|limited_risk|minimal_risk|undetermined|in_house|provider_and_deployer|public_task|"
    r"machine_learning|eligibility_decision|public_benefits|not_required|in_production|True|False|None)\b"
)
#: In a French page, the English codes of statuses are codes too.
CODES_FR = re.compile(r"\b(required|recommended|pending|running|done|failed|experimentation)\b")


def _codes_in(page: Any) -> list[str]:
    text = page.inner_text("main")
    found = set(CODES.findall(text))
    if (page.get_attribute("html", "lang") or "fr").startswith("fr"):
        found |= set(CODES_FR.findall(text))
    return sorted(found)


def _log_in(browser: Any, base: str, user: Any, language: str = "fr-FR") -> Any:
    user.set_password(PASSWORD)
    user.save()
    page = browser.new_context(locale=language, accept_downloads=True).new_page()
    page.goto(base + "/connexion/")
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form [type=submit]").last.click()
    page.wait_for_load_state()
    assert "/connexion/" not in page.url
    return page


def _wait_text(page: Any, selector: str, text: str, timeout_s: float = 30) -> None:
    """Polled from here: the Content-Security-Policy forbids the eval that wait_for_function needs."""
    for _ in range(int(timeout_s * 4)):
        if text.lower() in page.inner_text(selector).lower():
            return
        page.wait_for_timeout(250)
    raise AssertionError(f"« {text} » jamais affiché dans {selector} : {page.inner_text(selector)[:500]}")


def _answer_questionnaire(page: Any, answers: dict[str, Any]) -> None:
    """Answers each question shown, section after section, as a referent would, until the last one."""
    for _ in range(20):
        if "/terminer/" in page.url:
            return
        for fieldset in page.locator("main form fieldset[id^=q-]").all():
            question = (fieldset.get_attribute("id") or "")[2:]
            value = answers.get(question)
            if isinstance(value, list):  # one box of a multiple choice is enough to go on
                value = value[0]
            choice = fieldset.locator(f"input[value='{value}']") if value else fieldset.locator("input")
            if choice.count() == 0:
                choice = fieldset.locator("input")
            choice.first.check(force=True)
        buttons = page.get_by_role("button", name="Enregistrer et continuer")
        if buttons.count():
            buttons.click()
        else:
            page.get_by_role("link", name="Continuer").click()
        page.wait_for_load_state()
    raise AssertionError("le questionnaire ne se termine pas")


@pytest.mark.django_db(transaction=True)
def test_qualify_a_use_case_and_read_the_result(
    live_server: Any, browser: Any, world: dict[str, Any], in_house_answers: dict[str, Any]
) -> None:
    record = world["records"]["a_internal"]
    page = _log_in(browser, live_server.url, world["users"]["referent"])
    page.goto(f"{live_server.url}/cas-d-usage/{record.pk}/qualification/questionnaire/ai_system/")
    _answer_questionnaire(page, in_house_answers)
    page.get_by_role("button", name="Terminer la qualification").click()
    page.wait_for_load_state()
    main = page.inner_text("main")
    assert "Système à haut risque" in main
    assert "Fournisseur et déployeur" in main or "fournisseur et déployeur" in main
    assert _codes_in(page) == []
    # The use case's page says it too, in words.
    page.goto(f"{live_server.url}/cas-d-usage/{record.pk}/")
    assert "haut risque" in page.inner_text("main").lower()
    assert _codes_in(page) == []


@pytest.mark.django_db(transaction=True)
def test_move_a_use_case_through_its_lifecycle(live_server: Any, browser: Any, world: dict[str, Any]) -> None:
    record = world["records"]["a_internal"]
    page = _log_in(browser, live_server.url, world["users"]["referent"])
    page.goto(f"{live_server.url}/cas-d-usage/{record.pk}/")
    before = record.status
    panel = page.locator("#cycle-de-vie")
    panel.scroll_into_view_if_needed()
    stepper_before = panel.locator(".fr-stepper__title").inner_text()
    form = panel.locator("form").first
    label = form.locator("button").inner_text()
    form.locator("textarea").fill("Le comité a validé le passage à l'étape suivante.")
    form.locator("button").click()
    page.wait_for_load_state()
    record.refresh_from_db()
    assert record.status != before
    panel = page.locator("#cycle-de-vie")
    assert panel.locator(".fr-stepper__title").inner_text() != stepper_before
    assert label  # the button carries the transition's name, in words
    # The history tells it as a sentence.
    page.goto(f"{live_server.url}/cas-d-usage/{record.pk}/?onglet=historique")
    history = page.inner_text("main")
    assert "Le comité a validé le passage à l'étape suivante." in history
    assert _codes_in(page) == []


@pytest.mark.django_db(transaction=True)
def test_run_an_evaluation_upload_mapping_result(
    live_server: Any, browser: Any, world: dict[str, Any], tmp_path: Any, settings: Any
) -> None:
    settings.ATLASIA_EVALUATION_UPLOAD_DIR = tmp_path / "uploads"
    record = world["records"]["a_internal"]
    rows = ["id,sexe,y_true,y_score,y_pred"]
    for i in range(400):
        y = int(i % 3 == 0)
        score = 0.7 if (y and i % 5) or (not y and i % 7 == 0) else 0.2
        rows.append(f"D{i},{'F' if i % 2 else 'M'},{y},{score},{int(score >= 0.5)}")
    csv = tmp_path / "predictions.csv"
    csv.write_text("\n".join(rows) + "\n", encoding="utf-8")
    page = _log_in(browser, live_server.url, world["users"]["referent"])
    page.goto(f"{live_server.url}/cas-d-usage/{record.pk}/evaluations/nouvelle/")
    page.locator("main input[type=file]").first.set_input_files(str(csv))
    page.locator("main form [type=submit]").last.click()
    page.wait_for_url("**/colonnes/")
    page.locator("#id_target").select_option("y_true")
    page.locator("#id_pred").select_option("y_pred")
    page.locator("#id_score").select_option("y_score")
    page.locator("main input[value='sexe']").check(force=True)
    page.locator("#id_n_resamples").fill("30")
    page.locator("main form [type=submit]").last.click()
    page.wait_for_load_state()
    _wait_text(page, "main", "Terminé", 60)
    if page.locator("[data-progress-done] a").count() and page.locator("[data-progress-done]").is_visible():
        page.locator("[data-progress-done] a").click()
        page.wait_for_load_state()
    main = page.inner_text("main")
    for label in ("Exactitude", "Rappel", "sexe"):
        assert label in main, label
    for code in ("Count", "Score f1", "Auc roc", "accuracy", "recall"):
        assert code not in main, code
    assert _codes_in(page) == []


@pytest.mark.django_db(transaction=True)
def test_publish_to_the_public_register_and_report_a_problem(
    live_server: Any, browser: Any, world: dict[str, Any]
) -> None:
    record = world["records"]["a_network"]
    page = _log_in(browser, live_server.url, world["users"]["referent"])
    page.goto(f"{live_server.url}/cas-d-usage/{record.pk}/modifier/")
    page.locator("#radio-id_publication_level").get_by_label("Public", exact=True).check(force=True)
    page.locator("main form [type=submit]").last.click()
    page.wait_for_load_state()
    record.refresh_from_db()
    assert record.publication_level == "public"
    # Anyone finds it in the public register, described in words.
    visitor = browser.new_context(locale="fr-FR").new_page()
    visitor.goto(live_server.url + "/registre/")
    visitor.get_by_role("link", name=record.title).click()
    visitor.wait_for_load_state()
    assert record.title in visitor.inner_text("h1")
    assert _codes_in(visitor) == []
    # …and tells the organisation about a problem.
    visitor.get_by_label("Type de problème").select_option(index=1)
    visitor.get_by_label("Décrivez le problème").fill(
        "Ma demande a été classée à tort comme incomplète alors que toutes les pièces étaient jointes."
    )
    visitor.locator("#signaler form [type=submit]").click()
    visitor.wait_for_load_state()
    assert "transmis" in visitor.inner_text("main")
    report = Externality.objects.get(use_case=record, source="public")
    assert "classée à tort" in report.description
    assert _codes_in(visitor) == []


@pytest.mark.django_db(transaction=True)
def test_annual_report_in_english(live_server: Any, browser: Any, world: dict[str, Any]) -> None:
    page = _log_in(browser, live_server.url, world["users"]["national"], language="en-GB")
    page.goto(live_server.url + "/rapports/")
    assert "Annual" in page.inner_text("h1")
    page.locator("#id_year").select_option("2025")
    page.locator("main form [type=submit]").last.click()
    page.wait_for_load_state()
    _wait_text(page, "main", "Completed", 90)
    main = page.inner_text("main")
    assert "Download the PDF report" in main or page.locator("[data-progress-done]").is_visible()
    page.goto(page.url)
    main = page.inner_text("main")
    assert "Download the PDF report" in main and "Open the HTML report" in main
    assert "France entière" not in main and "Rapport" not in main
    assert _codes_in(page) == []


@pytest.mark.django_db(transaction=True)
def test_compliance_file_prepared_in_the_background_in_english(
    live_server: Any, browser: Any, world: dict[str, Any], in_house_answers: dict[str, Any]
) -> None:
    from atlasia.qualification.services import qualification_complete

    record = world["records"]["a_internal"]
    qualification_complete(actor=world["users"]["referent"], use_case=record, answers=in_house_answers)
    page = _log_in(browser, live_server.url, world["users"]["referent"], language="en-GB")
    page.goto(f"{live_server.url}/cas-d-usage/{record.pk}/dossier-conformite/")
    main = page.inner_text("main")
    assert "Compliance file" in main and "What is missing" in main
    assert "High-risk" in main or "high-risk" in main
    assert "Role of the organisation: provider and deployer" in main
    for french in ("échéance", "validée par", "Registre des risques", "non reçu", "prérempli"):
        assert french not in main, french
    assert _codes_in(page) == []
    page.get_by_role("button", name="Prepare the file (ZIP with index)").click()
    page.wait_for_load_state()
    assert "Compliance file (ZIP with index)" in page.inner_text("h1")
    _wait_text(page, "main", "Completed", 60)
    page.goto(page.url)
    job = FileJob.objects.get()
    with page.expect_download() as download:
        page.get_by_role("link", name=f"Download {job.filename}").click()
    assert download.value.suggested_filename == job.filename
    assert _codes_in(page) == []


@pytest.mark.django_db(transaction=True)
def test_import_a_spreadsheet(live_server: Any, browser: Any, world: dict[str, Any], tmp_path: Any) -> None:
    sheet = tmp_path / "cas-chu.csv"
    sheet.write_text(
        "Référence externe;Titre;Résumé;Thème;Technique d'IA\n"
        "CHU-1;Tri des courriers entrants;Classement automatique du courrier;acces_soins;"
        "apprentissage_supervise\n"
        "CHU-2;Prévision des appels au centre 15;Prévoir la charge horaire;acces_soins;"
        "apprentissage_supervise\n",
        encoding="utf-8",
    )
    page = _log_in(browser, live_server.url, world["users"]["referent"])
    page.goto(live_server.url + "/echanges/import/")
    page.locator("main input[type=file]").set_input_files(str(sheet))
    page.get_by_role("button", name="Déposer et analyser le fichier").click()
    page.wait_for_load_state()
    _wait_text(page, "main", "à créer", 60)
    page.get_by_role("button", name="Importer", exact=True).click()
    page.wait_for_load_state()
    _wait_text(page, "main", "Import terminé", 60)
    assert UseCase.objects.filter(title="Tri des courriers entrants").exists()
    assert _codes_in(page) == []
