"""The interface in English: pages answer in English when the browser or the language switch asks for it,
stay in French otherwise, and the English catalogue is complete."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

PO_FILE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"


def english(client: Client, url: str) -> str:
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200, url
    return response.content.decode()


def french(client: Client, url: str) -> str:
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 200, url
    return response.content.decode()


@pytest.fixture
def referent(client: Client, world: dict[str, Any]) -> Client:
    client.force_login(world["users"]["referent"])
    return client


def test_home_in_english_and_in_french(referent: Client) -> None:
    page = english(referent, reverse("home"))
    assert '<html lang="en"' in page
    assert "By theme" in page
    assert "Declare a use case" in page
    assert "Log out" in page
    page = french(referent, reverse("home"))
    assert '<html lang="fr"' in page
    assert "Par thème" in page
    assert "Déclarer un cas d&#x27;usage" in page or "Déclarer un cas d'usage" in page


def test_language_cookie_switches_to_english(referent: Client) -> None:
    referent.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = referent.get(reverse("usecase_list")).content.decode()
    assert "Filter the use cases" in page
    del referent.cookies[settings.LANGUAGE_COOKIE_NAME]
    page = referent.get(reverse("usecase_list")).content.decode()
    assert "Filtrer les cas d'usage" in page


def test_set_language_view_stores_english(referent: Client) -> None:
    response = referent.post(reverse("set_language"), {"language": "en", "next": reverse("home")})
    assert response.status_code == 302
    assert referent.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert "By theme" in referent.get(reverse("home")).content.decode()


def test_use_case_list_in_english_shows_english_labels(referent: Client) -> None:
    page = english(referent, reverse("usecase_list"))
    assert "Filter the use cases" in page
    assert "Sort by" in page
    assert "Recently updated" in page
    assert "Access to care" in page  # theme label_en
    page = french(referent, reverse("usecase_list"))
    assert "Trier par" in page
    assert "Accès aux soins" in page


def test_use_case_detail_in_english(referent: Client, world: dict[str, Any]) -> None:
    uc = world["records"]["a_internal"]
    page = english(referent, reverse("usecase_detail", args=[uc.pk]))
    assert "In brief" in page
    assert "How it works" in page
    assert "AI technique" in page
    assert "Attachments" in page
    page = french(referent, reverse("usecase_detail", args=[uc.pk]))
    assert "En bref" in page
    assert "Fonctionnement" in page


def test_use_case_form_in_english(referent: Client) -> None:
    page = english(referent, reverse("usecase_create"))
    assert "Keywords" in page
    assert "Comma-separated, for example" in page
    page = french(referent, reverse("usecase_create"))
    assert "Mots-clés" in page


def test_public_register_in_english(client: Client, world: dict[str, Any]) -> None:
    page = english(client, reverse("publication_register"))
    assert "Search the public register" in page
    assert "Download the register as open data" in page
    assert "Chatbot public A" in page
    page = french(client, reverse("publication_register"))
    assert "Rechercher dans le registre public" in page


def test_public_register_detail_in_english(client: Client, world: dict[str, Any]) -> None:
    uc = world["records"]["a_public"]
    page = english(client, reverse("publication_register_detail", args=[uc.uid]))
    assert "What is this tool for?" in page
    assert "Report a problem" in page
    page = french(client, reverse("publication_register_detail", args=[uc.uid]))
    assert "Signaler un problème" in page


@pytest.mark.parametrize(
    ("url_name", "args", "english_text", "french_text"),
    [
        (
            "qualification_portfolio",
            [],
            "Number of use cases by AI Act category",
            "Nombre de cas d'usage par",
        ),
        (
            "qualification_overview",
            ["a_internal"],
            "Start the questionnaire",
            "Commencer le questionnaire",
        ),
        ("lifecycle_portfolio", [], "Use case portfolio", "Portefeuille des cas d'usage"),
        ("lifecycle_inbox", [], "To do", "À faire"),
        ("publication_dashboard", [], "Map of France by region", "Carte de France par région"),
        ("publication_report_list", [], "Request a report", "Demander un rapport"),
        ("search", [], "Search the use cases", "Rechercher dans les cas d'usage"),
        (
            "evaluation_upload",
            ["a_internal"],
            "New evaluation — step 1 of 2: the file",
            "Nouvelle évaluation",
        ),
        ("monitoring_home", [], "Post-deployment monitoring", "Suivi après déploiement"),
        ("monitoring_literacy", [], "AI literacy (AI Act art. 4)", "Acculturation à l'IA"),
        ("exchange_home", [], "Import and API", "Import et API"),
        ("organisation_list", [], "Search for an organisation", "Rechercher une organisation"),
    ],
)
def test_one_page_per_app_in_english(
    referent: Client,
    world: dict[str, Any],
    url_name: str,
    args: list[str],
    english_text: str,
    french_text: str,
) -> None:
    url = reverse(url_name, args=[world["records"][a].pk for a in args])
    assert english_text in english(referent, url)
    assert french_text in french(referent, url).replace("&#x27;", "'")


def parse_po(path: Path) -> list[dict[str, Any]]:
    """A small .po reader: one dict per entry (flags, msgid, msgstr); obsolete entries skipped."""
    entries: list[dict[str, Any]] = []
    for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
        lines = [line for line in block.strip().splitlines() if not line.startswith("#~")]
        if not lines:
            continue
        entry: dict[str, Any] = {"flags": set(), "fields": {}}
        current = None
        for line in lines:
            if line.startswith("#,"):
                entry["flags"].update(flag.strip() for flag in line[2:].split(","))
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                entry["fields"][current] += line[1:-1]
            else:
                key, _, value = line.partition(" ")
                current = key
                entry["fields"][key] = value[1:-1]
        if "msgid" in entry["fields"]:
            entries.append(entry)
    return entries


def test_english_catalogue_is_complete() -> None:
    entries = [e for e in parse_po(PO_FILE) if e["fields"]["msgid"]]
    assert len(entries) > 1000
    fuzzy = [e["fields"]["msgid"] for e in entries if "fuzzy" in e["flags"]]
    assert fuzzy == []
    untranslated = [
        e["fields"]["msgid"]
        for e in entries
        if any(value == "" for key, value in e["fields"].items() if key.startswith("msgstr"))
    ]
    assert untranslated == []


def test_legal_terms_use_the_english_names() -> None:
    entries = {e["fields"]["msgid"]: e["fields"].get("msgstr", "") for e in parse_po(PO_FILE)}
    assert entries["AIPD requise"] == "DPIA required"
    assert "FRIA" in entries["Analyse d'impact sur les droits fondamentaux (AIDF, art. 27)"]
    assert "AIPD" not in " ".join(entries.values())
    assert "AIDF" not in " ".join(entries.values())


def test_role_and_action_labels_follow_the_active_language() -> None:
    from django.utils import translation

    from atlasia.accounts.models import MembershipRole, action_label, role_label
    from atlasia.core.roles import ACTION_LABELS_EN, ROLE_LABELS_EN, ROLE_LABELS_FR, Action, Role

    assert set(ROLE_LABELS_EN) == set(Role) and set(ACTION_LABELS_EN) == set(Action)
    with translation.override("fr"):
        assert {str(value): str(label) for value, label in MembershipRole.choices} == {
            r.value: ROLE_LABELS_FR[r] for r in Role if r.value in MembershipRole.values
        }
        assert role_label("referent") == "Référent IA (ambassadeur)"
        assert action_label("usecase.qualify") == "Qualifier (AI Act, RGPD)"
    with translation.override("en"):
        assert {str(value): str(label) for value, label in MembershipRole.choices} == {
            r.value: ROLE_LABELS_EN[r] for r in Role if r.value in MembershipRole.values
        }
        assert role_label(Role.NATIONAL_REVIEWER) == "National team (reads the whole country)"
        assert action_label("usecase.qualify") == "Qualify (AI Act, GDPR)"


def test_served_data_dictionary_has_english_descriptions(client: Client) -> None:
    from atlasia.publication import exporters

    dictionary = client.get(reverse("publication_dictionary")).json()
    assert set(exporters.FIELD_DESCRIPTIONS_EN) == set(exporters.FIELD_NAMES)
    fields = {f["nom"]: f for f in dictionary["champs"]}
    assert list(fields) == list(exporters.FIELD_NAMES)  # the column names do not change
    assert all(f["description_en"] for f in fields.values())
    assert fields["titre"]["description"] == "Titre du cas d'usage."
    assert fields["titre"]["description_en"] == "Title of the use case."


def test_emails_in_english_and_unchanged_in_french() -> None:
    import datetime as dt
    from types import SimpleNamespace

    from django.template.loader import render_to_string
    from django.utils import translation

    use_case = SimpleNamespace(title="Chatbot", organisation=SimpleNamespace(name="ARS"))
    incident = SimpleNamespace(
        title="Panne",
        occurred_on=dt.date(2025, 1, 2),
        aware_on=dt.date(2025, 1, 3),
        get_serious_kind_display="Atteinte",
    )
    reminder = {
        "use_case": use_case,
        "incident": incident,
        "deadline": dt.date(2025, 1, 20),
        "countdown": "",
        "authority": "l'ARS",
        "url": "",
    }
    item = SimpleNamespace(label="Relecture", use_case=use_case, due=dt.date(2025, 2, 1))
    digest = {
        "user": SimpleNamespace(get_full_name="", username="bob"),
        "day": dt.date(2025, 1, 5),
        "lines": [SimpleNamespace(item=item, url="")],
        "inbox_url": "",
    }
    with translation.override("fr"):
        text = render_to_string("monitoring/email/incident_reminder.txt", reminder)
        assert "Un incident grave sur le cas d'usage « Chatbot » (ARS) n'a pas encore été signalé." in text
        assert "Échéance de signalement (AI Act, article 73) : 20/01/2025" in text
        text = render_to_string("lifecycle/email/review_digest.txt", digest)
        assert text.startswith("Bonjour bob,\n\nVoici ce qui vous attend sur Atlas IA au 05/01/2025 :")
        assert "- Relecture : « Chatbot » (ARS) — échéance du 01/02/2025" in text
    with translation.override("en"):
        text = render_to_string("monitoring/email/incident_reminder.txt", reminder)
        assert "A serious incident on the use case “Chatbot” (ARS) has not been reported yet." in text
        assert "Reporting deadline (AI Act, Article 73): 20/01/2025" in text
        text = render_to_string("lifecycle/email/review_digest.txt", digest)
        assert text.startswith("Hello bob,\n\nHere is what awaits you on Atlas IA as of 05/01/2025:")
        assert "- Relecture: “Chatbot” (ARS) — due on 01/02/2025" in text
        assert "This message is sent at most once a day." in text


def test_criterion_scales_follow_the_active_language() -> None:
    from django.utils import translation

    from atlasia.core import prioritisation as prio
    from atlasia.www.lifecycle.forms import AssessmentForm

    assert set(prio.CRITERION_SCALES_EN) == set(prio.CRITERION_SCALES_FR)
    with translation.override("en"):
        assert AssessmentForm().fields["time_saved_score"].help_text == "1 = negligible, 5 = very large"
    with translation.override("fr"):
        assert AssessmentForm().fields["time_saved_score"].help_text == "1 = négligeable, 5 = très important"


def test_every_string_of_the_code_is_in_the_english_catalogue(tmp_path: Path) -> None:
    """Extract the messages of the code as ``makemessages`` does (GNU xgettext, installed by ``make
    system``), merge them into a copy of the English catalogue, and fail on any message that has no
    English translation: a string marked for translation but never translated shows French to an
    English user."""
    import os
    import shutil

    from django.core.management import call_command
    from django.test import override_settings

    assert shutil.which("xgettext") and shutil.which("msgmerge"), "GNU gettext absent : lancez `make system`"
    root = Path(settings.BASE_DIR)
    (tmp_path / "atlasia").symlink_to(root / "atlasia", target_is_directory=True)
    (tmp_path / "config").symlink_to(root / "config", target_is_directory=True)
    locale = tmp_path / "locale" / "en" / "LC_MESSAGES"
    locale.mkdir(parents=True)
    shutil.copy(PO_FILE, locale / "django.po")
    cwd = os.getcwd()
    try:
        os.chdir(tmp_path)
        with override_settings(LOCALE_PATHS=[tmp_path / "locale"]):
            call_command("makemessages", locale=["en"], symlinks=True, no_obsolete=True, verbosity=0)
    finally:
        os.chdir(cwd)
    merged = [e for e in parse_po(locale / "django.po") if e["fields"]["msgid"]]
    missing = sorted(
        e["fields"]["msgid"]
        for e in merged
        if "fuzzy" in e["flags"]
        or any(value == "" for key, value in e["fields"].items() if key.startswith("msgstr"))
    )
    assert missing == [], f"{len(missing)} message(s) sans traduction anglaise : {missing[:40]}"
