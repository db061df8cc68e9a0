"""Campaigns: launch scopes, census answers with their audit rows, surveys with versioned questions and
anonymised results, deadlines, e-mails, tracking and exports, and every refusal."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from atlasia.audit.models import AuditEntry
from atlasia.campaigns import selectors, services
from atlasia.campaigns.models import Answer, Campaign, CampaignEmail, CensusEntry, Question
from atlasia.registry.models import UseCase

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- launch ------------------------------------------------------------------------------------------


def test_national_team_targets_the_mdph_of_one_region(
    cworld: dict[str, Any], launch: Callable[..., Campaign]
) -> None:
    campaign = launch()
    names = sorted(t.organisation.name for t in campaign.targets.all())
    assert names == ["MDPH de la Somme", "MDPH du Nord"]
    entry = AuditEntry.objects.get(object_type="campaigns.campaign", object_id=str(campaign.pk))
    assert entry.actor == cworld["users"]["national"]
    assert entry.changes["organisations ciblées"] == 2


def test_launch_through_the_form(cworld: dict[str, Any]) -> None:
    client = _client(cworld["users"]["national"])
    page = client.get("/campagnes/nouvelle/")
    assert page.status_code == 200 and "Types d&#x27;organisation ciblés" in page.content.decode()
    today = timezone.localdate()
    response = client.post(
        "/campagnes/nouvelle/",
        {
            "title": "Recensement des MDPH",
            "kind": "census",
            "instructions": "Merci de confirmer vos fiches.",
            "opens_on": today.isoformat(),
            "closes_on": (today + dt.timedelta(days=30)).isoformat(),
            "target_types": ["mdph"],
            "organisations": [cworld["org_b"].pk],
            "reminder_days": 7,
            "anonymity_threshold": 5,
        },
    )
    campaign = Campaign.objects.get(title="Recensement des MDPH")
    assert response.status_code == 302
    assert campaign.targets.count() == 4  # three MDPH + the CAF chosen explicitly


def test_bad_dates_are_refused_with_a_french_message(cworld: dict[str, Any]) -> None:
    client = _client(cworld["users"]["national"])
    today = timezone.localdate()
    response = client.post(
        "/campagnes/nouvelle/",
        {
            "title": "Recensement",
            "kind": "census",
            "instructions": "x",
            "opens_on": (today + dt.timedelta(days=10)).isoformat(),
            "closes_on": (today + dt.timedelta(days=5)).isoformat(),
            "target_types": ["mdph"],
            "reminder_days": 7,
            "anonymity_threshold": 5,
        },
    )
    assert response.status_code == 400
    assert "est antérieure à l&#x27;ouverture" in response.content.decode()
    assert not Campaign.objects.exists()


def test_regional_team_targets_only_its_region(
    cworld: dict[str, Any], launch: Callable[..., Campaign]
) -> None:
    regional = cworld["users"]["regional"]
    campaign = launch(actor=regional, target_regions=[])
    assert {t.organisation.region for t in campaign.targets.all()} == {"32"}
    assert campaign.scope == "regional" and campaign.region == "32"
    with pytest.raises(ValidationError) as error:
        launch(actor=regional, organisations=[cworld["mdph_gironde"]])
    assert "MDPH de la Gironde" in str(error.value)
    # The other region's team does not see it.
    assert _client(cworld["users"]["regional_other"]).get(f"/campagnes/{campaign.pk}/").status_code == 404


@pytest.mark.parametrize("role", ["contributor", "referent", "org_admin", "nobody"])
def test_organisation_roles_cannot_launch(
    cworld: dict[str, Any], launch: Callable[..., Campaign], role: str
) -> None:
    with pytest.raises(PermissionDenied):
        launch(actor=cworld["users"][role])
    assert _client(cworld["users"][role]).get("/campagnes/nouvelle/").status_code == 403
    assert not Campaign.objects.exists()


# --- census ------------------------------------------------------------------------------------------


def test_census_confirm_in_one_click_is_audited_and_dated(
    cworld: dict[str, Any], launch: Callable[..., Campaign], make_usecase: Callable[..., UseCase]
) -> None:
    old = timezone.now() - dt.timedelta(days=200)
    record = make_usecase(cworld["mdph_nord"], title="Tri des demandes de PCH")
    UseCase.objects.filter(pk=record.pk).update(created_at=old, updated_at=old)
    campaign = launch()
    client = _client(cworld["users"]["mdph_referent"])
    page = client.get(f"/campagnes/{campaign.pk}/organisations/mdph-nord/")
    assert "Tri des demandes de PCH" in page.content.decode() and "à confirmer" in page.content.decode()
    response = client.post(f"/campagnes/{campaign.pk}/organisations/mdph-nord/confirmer/{record.pk}/")
    assert response.status_code == 302
    entry = CensusEntry.objects.get(campaign=campaign, use_case=record)
    assert entry.action == "confirmed"
    audit = AuditEntry.objects.get(object_type="campaigns.censusentry")
    assert audit.use_case_id == record.pk and "confirmée sans changement" in audit.message
    assert selectors.last_confirmed_on([record.pk]) == {record.pk: timezone.localdate()}
    # Sending the answer marks the organisation as having answered.
    client.post(f"/campagnes/{campaign.pk}/organisations/mdph-nord/envoyer/")
    target = campaign.targets.get(organisation=cworld["mdph_nord"])
    assert target.responded_at is not None
    tracking = _client(cworld["users"]["national"]).get(f"/campagnes/{campaign.pk}/").content.decode()
    assert "50 % de réponses (1 organisations sur 2)" in tracking
    listing = _client(cworld["users"]["national"]).get("/campagnes/").content.decode()
    assert "50 % (1/2)" in listing


def test_census_answer_needs_every_record_handled(
    cworld: dict[str, Any], launch: Callable[..., Campaign], make_usecase: Callable[..., UseCase]
) -> None:
    old = timezone.now() - dt.timedelta(days=200)
    record = make_usecase(cworld["mdph_nord"], title="Pré-instruction des dossiers")
    UseCase.objects.filter(pk=record.pk).update(created_at=old, updated_at=old)
    campaign = launch()
    target = campaign.targets.get(organisation=cworld["mdph_nord"])
    with pytest.raises(ValidationError) as error:
        services.census_submit(actor=cworld["users"]["mdph_referent"], target=target)
    assert "« Pré-instruction des dossiers »" in str(error.value)
    # Updated through the usual form during the campaign: counted, and dated at submission.
    UseCase.objects.filter(pk=record.pk).update(updated_at=timezone.now())
    services.census_submit(actor=cworld["users"]["mdph_referent"], target=target)
    assert CensusEntry.objects.get(use_case=record).action == "updated"


def test_after_closing_answers_are_refused_with_the_date(
    cworld: dict[str, Any], launch: Callable[..., Campaign], make_usecase: Callable[..., UseCase]
) -> None:
    record = make_usecase(cworld["mdph_nord"])
    campaign = launch()
    target = campaign.targets.get(organisation=cworld["mdph_nord"])
    later = campaign.closes_on + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        services.census_confirm(
            actor=cworld["users"]["mdph_referent"], target=target, use_case=record, today=later
        )
    assert f"close depuis le {campaign.closes_on:%d/%m/%Y}" in str(error.value)
    assert not CensusEntry.objects.exists()


def test_other_organisations_get_a_404(
    cworld: dict[str, Any], launch: Callable[..., Campaign], make_usecase: Callable[..., UseCase]
) -> None:
    record = make_usecase(cworld["mdph_nord"])
    campaign = launch()
    # An organisation outside the campaign, and the page of another organisation's answer.
    lille = _client(cworld["users"]["referent"])
    assert lille.get(f"/campagnes/{campaign.pk}/organisations/chu-lille/").status_code == 404
    assert lille.get(f"/campagnes/{campaign.pk}/organisations/mdph-nord/").status_code == 404
    assert (
        lille.post(f"/campagnes/{campaign.pk}/organisations/mdph-nord/confirmer/{record.pk}/").status_code
        == 404
    )
    assert lille.get(f"/campagnes/{campaign.pk}/").status_code == 404
    assert not CensusEntry.objects.exists()


def test_contributor_reads_but_answers_only_when_delegated(
    cworld: dict[str, Any],
    launch: Callable[..., Campaign],
    make_user: Callable[..., Any],
    make_usecase: Callable[..., UseCase],
) -> None:
    record = make_usecase(cworld["mdph_nord"])
    member = make_user(cworld["mdph_nord"], "contributor", username="agent-mdph")
    admin = make_user(cworld["mdph_nord"], "org_admin", username="admin-mdph")
    campaign = launch()
    target = campaign.targets.get(organisation=cworld["mdph_nord"])
    with pytest.raises(PermissionDenied):
        services.census_confirm(actor=member, target=target, use_case=record)
    with pytest.raises(PermissionDenied):
        services.target_delegate(actor=cworld["users"]["mdph_referent"], target=target, delegate=member)
    with pytest.raises(ValidationError):
        services.target_delegate(actor=admin, target=target, delegate=cworld["users"]["referent"])
    response = _client(admin).post(
        f"/campagnes/{campaign.pk}/organisations/mdph-nord/delegation/", {"delegate": member.pk}
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.delegate == member
    assert AuditEntry.objects.filter(
        object_type="campaigns.campaigntarget", message__contains="déléguée"
    ).exists()
    services.census_confirm(actor=member, target=target, use_case=record)
    assert CensusEntry.objects.filter(use_case=record, by=member).exists()


def test_stale_records_after_a_closed_census(
    cworld: dict[str, Any], launch: Callable[..., Campaign], make_usecase: Callable[..., UseCase]
) -> None:
    old = timezone.now() - dt.timedelta(days=200)
    confirmed = make_usecase(cworld["mdph_nord"], title="Confirmée")
    forgotten = make_usecase(cworld["mdph_somme"], title="Oubliée")
    UseCase.objects.filter(pk__in=[confirmed.pk, forgotten.pk]).update(created_at=old, updated_at=old)
    campaign = launch()
    target = campaign.targets.get(organisation=cworld["mdph_nord"])
    services.census_confirm(actor=cworld["users"]["mdph_referent"], target=target, use_case=confirmed)
    assert list(selectors.stale_use_cases(campaign)) == [forgotten]
    # Once closed, the forgotten record's page flags it; the confirmed one shows its date.
    Campaign.objects.filter(pk=campaign.pk).update(closes_on=timezone.localdate() - dt.timedelta(days=1))
    national = _client(cworld["users"]["national"])
    page = national.get(f"/cas-d-usage/{forgotten.pk}/").content.decode()
    assert "Fiche non confirmée lors du recensement « Recensement 2026 »" in page
    page = national.get(f"/cas-d-usage/{confirmed.pk}/").content.decode()
    assert "non confirmée lors du recensement" not in page
    assert f"Dernière confirmation par l'organisation : {timezone.localdate():%d/%m/%Y}" in page


# --- e-mails -----------------------------------------------------------------------------------------


def test_emails_are_sent_once_each_with_absolute_links(
    cworld: dict[str, Any], launch: Callable[..., Campaign], settings: Any
) -> None:
    settings.ATLASIA_BASE_URL = "https://atlas-ia.example.gouv.fr"
    campaign = launch()
    out = io.StringIO()
    call_command("send_campaign_emails", stdout=out)
    assert "1 lancement(s)" in out.getvalue()  # the MDPH de la Somme has nobody with an address
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["mdph-ref@example.org"]
    assert (
        f"https://atlas-ia.example.gouv.fr/campagnes/{campaign.pk}/organisations/mdph-nord/" in message.body
    )
    call_command("send_campaign_emails", stdout=io.StringIO())
    assert len(mail.outbox) == 1  # idempotent
    reminder_day = campaign.closes_on - dt.timedelta(days=5)
    call_command("send_campaign_emails", date=reminder_day.isoformat(), stdout=io.StringIO())
    call_command("send_campaign_emails", date=campaign.closes_on.isoformat(), stdout=io.StringIO())
    call_command("send_campaign_emails", date=campaign.closes_on.isoformat(), stdout=io.StringIO())
    assert [m.subject.split(" : ")[0] for m in mail.outbox] == [
        "Atlas IA — nouvelle campagne",
        "Atlas IA — rappel",
        "Atlas IA — dernier appel",
    ]
    assert CampaignEmail.objects.count() == 3
    assert AuditEntry.objects.filter(object_type="campaigns.campaignemail").count() == 3
    # Sent with English active, the same e-mail is in English.
    from django.utils import translation

    with translation.override("en"):
        services.campaign_remind(actor=cworld["users"]["national"], campaign=campaign)
    assert mail.outbox[-1].subject.startswith("Atlas IA — reminder from the team: Recensement 2026")
    assert "To answer: https://atlas-ia.example.gouv.fr/campagnes/" in mail.outbox[-1].body


def test_team_reminds_and_extends(cworld: dict[str, Any], launch: Callable[..., Campaign]) -> None:
    campaign = launch()
    client = _client(cworld["users"]["national"])
    client.post(f"/campagnes/{campaign.pk}/relancer/")
    assert len(mail.outbox) == 1 and "relance" in mail.outbox[0].subject
    earlier = campaign.closes_on - dt.timedelta(days=1)
    client.post(f"/campagnes/{campaign.pk}/prolonger/", {"closes_on": earlier.isoformat()})
    campaign.refresh_from_db()
    assert campaign.closes_on == earlier + dt.timedelta(days=1)
    later = campaign.closes_on + dt.timedelta(days=10)
    client.post(f"/campagnes/{campaign.pk}/prolonger/", {"closes_on": later.isoformat()})
    campaign.refresh_from_db()
    assert campaign.closes_on == later
    assert AuditEntry.objects.filter(object_type="campaigns.campaign", action="update").count() == 1
    # An organisation member may neither remind nor extend.
    other = _client(cworld["users"]["mdph_referent"])
    assert other.post(f"/campagnes/{campaign.pk}/relancer/").status_code == 404
    assert (
        other.post(f"/campagnes/{campaign.pk}/prolonger/", {"closes_on": later.isoformat()}).status_code
        == 404
    )


def test_tracking_csv(cworld: dict[str, Any], launch: Callable[..., Campaign]) -> None:
    campaign = launch()
    response = _client(cworld["users"]["national"]).get(f"/campagnes/{campaign.pk}/suivi.csv")
    text = response.content.decode("utf-8-sig")
    assert text.splitlines()[0] == "Organisation;Type;Région;A répondu;Réponse envoyée le"
    assert "MDPH du Nord;MDPH;Hauts-de-France;non;" in text


# --- surveys -----------------------------------------------------------------------------------------


def _survey(launch: Callable[..., Campaign], cworld: dict[str, Any], **data: Any) -> Campaign:
    campaign = launch(title="Enquête externalités", kind="survey", target_regions=[], **data)
    national = cworld["users"]["national"]
    services.question_add(
        actor=national,
        campaign=campaign,
        data={
            "kind": "choice",
            "text": "Avez-vous constaté une externalité ?",
            "choices": ["Oui", "Non"],
            "required": True,
        },
    )
    services.question_add(actor=national, campaign=campaign, data={"kind": "number", "text": "Agents formés"})
    return campaign


def test_survey_answers_versioning_and_threshold(
    cworld: dict[str, Any], launch: Callable[..., Campaign], make_user: Callable[..., Any]
) -> None:
    campaign = _survey(launch, cworld, anonymity_threshold=2)
    choice, number = selectors.current_questions(campaign)
    client = _client(cworld["users"]["mdph_referent"])
    url = f"/campagnes/{campaign.pk}/organisations/mdph-nord/"
    bad = client.post(url, {f"q{choice.pk}": "Peut-être", f"q{number.pk}": "douze"})
    assert bad.status_code == 400
    body = bad.content.decode()
    assert (
        "« Peut-être » ne fait pas partie des réponses proposées" in body
        and "n&#x27;est pas un nombre" in body
    )
    assert not Answer.objects.exists()
    client.post(url, {f"q{choice.pk}": "Oui", f"q{number.pk}": "12"})
    assert Answer.objects.count() == 2
    entry = AuditEntry.objects.get(
        object_type="campaigns.campaigntarget", message="Réponse à l'enquête envoyée"
    )
    assert entry.actor == cworld["users"]["mdph_referent"] and entry.changes == {"réponses": 2}
    # One respondent, threshold two: hidden.
    results = client.get(f"/campagnes/{campaign.pk}/resultats/")
    assert results.status_code == 404  # an organisation does not read the aggregated results
    national = _client(cworld["users"]["national"])
    assert "Résultat masqué" in national.get(f"/campagnes/{campaign.pk}/resultats/").content.decode()
    gironde = make_user(cworld["mdph_gironde"], "org_admin", username="admin-gironde")
    _client(gironde).post(
        f"/campagnes/{campaign.pk}/organisations/mdph-gironde/",
        {f"q{choice.pk}": "Non", f"q{number.pk}": "4"},
    )
    page = national.get(f"/campagnes/{campaign.pk}/resultats/").content.decode()
    assert "Résultat masqué" not in page and "50 %" in page
    # The edit form posted back unchanged changes nothing, even with answers.
    edit_url = f"/campagnes/{campaign.pk}/questions/{choice.pk}/modifier/"
    form = national.get(edit_url).context["form"]
    unchanged = {name: form[name].value() for name in form.fields}
    unchanged = {k: v for k, v in unchanged.items() if v not in (False, None)}
    assert national.post(edit_url, unchanged).status_code == 302
    assert Question.objects.filter(campaign=campaign).count() == 2
    # Editing an answered question creates version 2; old answers stay with their wording.
    new = services.question_update(
        actor=cworld["users"]["national"],
        question=choice,
        data={
            "kind": "choice",
            "text": "Avez-vous constaté une externalité négative ?",
            "choices": ["Oui", "Non", "Ne sait pas"],
        },
    )
    assert new.version == 2 and new.pk != choice.pk
    choice.refresh_from_db()
    assert choice.retired_at is not None and choice.answers.count() == 2
    page = national.get(f"/campagnes/{campaign.pk}/resultats/").content.decode()
    assert "Avez-vous constaté une externalité ?" in page and "ancienne version 1" in page
    csv_text = national.get(f"/campagnes/{campaign.pk}/resultats/?format=csv").content.decode("utf-8-sig")
    assert "Avez-vous constaté une externalité ? (v1);Oui;1;2" in csv_text
    xlsx = national.get(f"/campagnes/{campaign.pk}/resultats/?format=xlsx")
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.cell(1, 1).value == "Question" and sheet.max_row > 3
    assert Question.objects.filter(campaign=campaign).count() == 3


def test_survey_closed_is_refused_and_shown(cworld: dict[str, Any], launch: Callable[..., Campaign]) -> None:
    campaign = _survey(launch, cworld)
    Campaign.objects.filter(pk=campaign.pk).update(
        opens_on=timezone.localdate() - dt.timedelta(days=30),
        closes_on=timezone.localdate() - dt.timedelta(days=1),
    )
    choice = selectors.current_questions(campaign)[0]
    client = _client(cworld["users"]["mdph_referent"])
    url = f"/campagnes/{campaign.pk}/organisations/mdph-nord/"
    closes = (timezone.localdate() - dt.timedelta(days=1)).strftime("%d/%m/%Y")
    assert f"close depuis le {closes}" in client.get(url).content.decode()
    response = client.post(url, {f"q{choice.pk}": "Oui"})
    assert response.status_code == 400 and f"close depuis le {closes}" in response.content.decode()
    assert not Answer.objects.exists()


def test_report_selectors(
    cworld: dict[str, Any], launch: Callable[..., Campaign], make_usecase: Callable[..., UseCase]
) -> None:
    record = make_usecase(cworld["mdph_nord"])
    campaign = launch()
    target = campaign.targets.get(organisation=cworld["mdph_nord"])
    services.census_confirm(actor=cworld["users"]["mdph_referent"], target=target, use_case=record)
    services.census_submit(actor=cworld["users"]["mdph_referent"], target=target)
    coverage = selectors.census_coverage(campaign.closes_on.year)
    assert coverage is not None and (coverage.targeted, coverage.answered, coverage.percent) == (2, 1, 50)


def test_annual_report_states_census_coverage_and_survey_findings(
    cworld: dict[str, Any], launch: Callable[..., Campaign], make_usecase: Callable[..., UseCase]
) -> None:
    from atlasia.publication.models import ReportRun
    from atlasia.publication.report import render_html, report_data

    record = make_usecase(cworld["mdph_nord"])
    census = launch()
    target = census.targets.get(organisation=cworld["mdph_nord"])
    services.census_confirm(actor=cworld["users"]["mdph_referent"], target=target, use_case=record)
    services.census_submit(actor=cworld["users"]["mdph_referent"], target=target)
    survey = _survey(launch, cworld, anonymity_threshold=1)
    choice, number = selectors.current_questions(survey)
    services.survey_answer(
        actor=cworld["users"]["mdph_referent"],
        target=survey.targets.get(organisation=cworld["mdph_nord"]),
        values={(choice.pk, None): "Oui", (number.pk, None): "7"},
    )
    run = ReportRun.objects.create(year=census.closes_on.year, requested_by=cworld["users"]["national"])
    html = render_html(report_data(run))
    assert "50 % des organisations ciblées ont répondu au recensement « Recensement 2026 » (1 sur 2)" in html
    assert "Réponse la plus fréquente : « Oui » (100 %)" in html
    assert "1 organisations sur 3 ont répondu" in html


def test_public_register_shows_the_last_confirmation(
    cworld: dict[str, Any], launch: Callable[..., Campaign], make_usecase: Callable[..., UseCase]
) -> None:
    record = make_usecase(cworld["mdph_nord"], title="Aide à l'orientation", publication_level="public")
    campaign = launch()
    anonymous = Client()
    detail = f"/registre/{record.uid}/"
    assert "pas encore confirmée" in anonymous.get(detail).content.decode()
    target = campaign.targets.get(organisation=cworld["mdph_nord"])
    services.census_confirm(actor=cworld["users"]["mdph_referent"], target=target, use_case=record)
    today = timezone.localdate().strftime("%d/%m/%Y")
    assert f"Fiche confirmée par l'organisation le {today}" in anonymous.get(detail).content.decode()
    assert f"fiche confirmée le {today}" in anonymous.get("/registre/").content.decode()


def test_demo_has_a_closed_census_at_70_percent_and_an_open_survey(db: Any) -> None:
    from atlasia.campaigns.demo import CENSUS_TITLE, SURVEY_TITLE, load_campaigns_demo
    from atlasia.demo.accounts import create_demo_accounts

    call_command("load_catalogue", stdout=io.StringIO())
    create_demo_accounts()
    load_campaigns_demo()
    today = timezone.localdate()
    census = Campaign.objects.get(title=CENSUS_TITLE)
    survey = Campaign.objects.get(title=SURVEY_TITLE)
    assert census.is_closed(today) and selectors.tracking(census).total.percent == 70
    assert selectors.stale_use_cases(census).exists()
    assert survey.is_open(today)
    results = selectors.survey_results(survey)
    assert not any(r.hidden for r in results)
    texts = [t for r in results for t in r.texts]
    assert texts and len(texts) == len(set(texts))
    from atlasia.campaigns.models import CommitteeSession

    past, upcoming = CommitteeSession.objects.order_by("held_on")
    assert past.held_on < today < upcoming.held_on
    assert {i.verdict for i in past.agenda.all()} == {"favourable", "reservations", "unfavourable"}
    assert len(selectors.promising_use_case_ids()) == 1
    assert upcoming.agenda.count() == 2 and not upcoming.agenda.exclude(verdict="").exists()
    assert load_campaigns_demo() == {"already_loaded": True}


def test_inbox_item_until_the_organisation_answers(
    cworld: dict[str, Any], launch: Callable[..., Campaign], make_user: Callable[..., Any]
) -> None:
    campaign = launch()
    referent = _client(cworld["users"]["mdph_referent"])
    page = referent.get("/a-faire/").content.decode()
    assert "Campagnes en attente de votre réponse" in page
    assert "Répondre au recensement « Recensement 2026 »" in page and "MDPH du Nord" in page
    assert f"/campagnes/{campaign.pk}/organisations/mdph-nord/" in page
    member = make_user(cworld["mdph_nord"], "contributor", username="agent")
    assert "Recensement 2026" not in _client(member).get("/a-faire/").content.decode()
    assert "Recensement 2026" not in _client(cworld["users"]["referent"]).get("/a-faire/").content.decode()
    services.census_submit(
        actor=cworld["users"]["mdph_referent"], target=campaign.targets.get(organisation=cworld["mdph_nord"])
    )
    assert "Recensement 2026" not in referent.get("/a-faire/").content.decode()
