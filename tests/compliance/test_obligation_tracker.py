"""The obligation tracker: obligations of the qualification as work, through the real screens and services
(permissions, evidence under the attachment rules, sign-off by the named role, audit, requalification,
inbox and reminders, portfolio)."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from atlasia.audit.models import AuditEntry
from atlasia.compliance.models import Evidence, ObligationItem
from atlasia.compliance.services import obligation_update
from atlasia.lifecycle.services import review_reminders_send
from atlasia.qualification.services import qualification_complete
from atlasia.registry.models import Attachment

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def item(use_case: Any, key: str) -> ObligationItem:
    return ObligationItem.objects.get(use_case=use_case, key=key)


def post_status(client: Any, obligation: ObligationItem, **data: Any) -> Any:
    payload = {"status": "in_progress", "owner": "", "reason": "", "version": obligation.version}
    payload.update(data)
    return client.post(reverse("compliance_obligation", args=[obligation.pk]), payload)


def test_a_qualification_creates_one_work_item_per_obligation_with_its_legal_date(qualified: Any) -> None:
    items = {i.key: i for i in ObligationItem.objects.filter(use_case=qualified)}
    assert {"risk_management", "technical_documentation", "fria", "post_market_monitoring"} <= set(items)
    assert {"gdpr_dpia", "crpa_mention"} <= set(items)
    assert items["risk_management"].due_date == date(2027, 12, 2)
    assert items["risk_management"].article == "AI Act art. 9"
    assert items["gdpr_dpia"].signer_role == "dpo" and items["gdpr_dpia"].due_date is None
    assert items["fria"].signer_role == "referent"
    assert all(i.status == "todo" and i.qualification_version == 1 for i in items.values())
    rows = AuditEntry.objects.filter(object_type="compliance.obligationitem", use_case_id=qualified.pk)
    assert rows.count() == len(items)
    assert rows.first().actor_label == "referent"


def test_the_use_case_page_and_the_tracker_list_the_obligations(
    qualified: Any, world: Any, login: Any
) -> None:
    client = login(world["users"]["contributor"])
    page = client.get(reverse("compliance_usecase_obligations", args=[qualified.pk])).content.decode()
    assert "Système de gestion des risques" in page and "AI Act art. 9" in page and "02/12/2027" in page
    assert "à valider : DPO" in page  # the DPIA
    tab = client.get(reverse("usecase_detail", args=[qualified.pk]) + "?onglet=obligations").content.decode()
    assert "Ouvrir le suivi des obligations" in tab and "Documentation technique" in tab


@pytest.mark.parametrize("who", ["other_referent", "regional_other", "nobody"])
def test_another_organisation_or_region_gets_404(qualified: Any, world: Any, login: Any, who: str) -> None:
    client = login(world["users"][who])
    risk = item(qualified, "risk_management")
    assert client.get(reverse("compliance_obligation", args=[risk.pk])).status_code == 404
    assert client.get(reverse("compliance_usecase_obligations", args=[qualified.pk])).status_code == 404
    response = post_status(client, risk, status="done", reason="forcé")
    assert response.status_code == 404
    assert item(qualified, "risk_management").status == "todo"


def test_reviewers_read_but_cannot_write(qualified: Any, world: Any, login: Any) -> None:
    client = login(world["users"]["regional"])
    risk = item(qualified, "risk_management")
    page = client.get(reverse("compliance_obligation", args=[risk.pk]))
    assert page.status_code == 200 and "Joindre un fichier" not in page.content.decode()
    assert post_status(client, risk).status_code == 404
    assert item(qualified, "risk_management").status == "todo"


def test_owner_status_and_audit_through_the_form(qualified: Any, world: Any, login: Any) -> None:
    referent = world["users"]["referent"]
    contributor = world["users"]["contributor"]
    client = login(referent)
    risk = item(qualified, "risk_management")
    response = post_status(client, risk, owner=contributor.pk)
    assert response.status_code == 302
    risk.refresh_from_db()
    assert risk.owner == contributor and risk.status == "in_progress" and risk.version == 2
    entry = AuditEntry.objects.filter(object_type="compliance.obligationitem", object_id=str(risk.pk)).first()
    assert entry.changes == {"statut": ["À faire", "En cours"], "responsable": [None, "contrib"]}
    # history on the page
    page = client.get(reverse("compliance_obligation", args=[risk.pk])).content.decode()
    assert "statut : À faire → En cours" in page


def test_the_form_posted_back_unchanged_changes_nothing(qualified: Any, world: Any, login: Any) -> None:
    client = login(world["users"]["referent"])
    risk = item(qualified, "risk_management")
    form = client.get(reverse("compliance_obligation", args=[risk.pk])).context["form"]
    data = {name: form[name].value() if form[name].value() is not None else "" for name in form.fields}
    before = AuditEntry.objects.count()
    assert client.post(reverse("compliance_obligation", args=[risk.pk]), data).status_code == 302
    assert AuditEntry.objects.count() == before
    assert item(qualified, "risk_management").version == risk.version


def test_a_stale_edit_is_refused_and_keeps_the_other_change(qualified: Any, world: Any, login: Any) -> None:
    client = login(world["users"]["referent"])
    risk = item(qualified, "risk_management")
    obligation_update(
        actor=world["users"]["dpo"], item=risk, expected_version=1, status="in_progress", owner=None
    )
    response = post_status(client, risk, status="not_applicable", reason="X", version=1)
    assert response.status_code == 400
    assert "modifiée entre-temps (par dpo" in response.content.decode()
    assert item(qualified, "risk_management").status == "in_progress"


def test_done_without_evidence_needs_a_reason_and_not_applicable_always_does(
    qualified: Any, world: Any, login: Any
) -> None:
    client = login(world["users"]["referent"])
    risk = item(qualified, "risk_management")
    response = post_status(client, risk, status="done")
    assert response.status_code == 400
    assert "Aucune preuve n&#x27;est jointe" in response.content.decode()
    response = post_status(client, risk, status="not_applicable")
    assert "Indiquez pourquoi cette obligation est sans objet" in response.content.decode()
    assert item(qualified, "risk_management").status == "todo"
    assert (
        post_status(
            client, risk, status="done", reason="Procédure interne écrite, non publiable."
        ).status_code
        == 302
    )
    assert item(qualified, "risk_management").status == "done"


def test_evidence_file_follows_the_attachment_rules(
    qualified: Any, world: Any, login: Any, settings: Any
) -> None:
    client = login(world["users"]["contributor"])
    risk = item(qualified, "risk_management")
    url = reverse("compliance_evidence_file", args=[risk.pk])
    fake = SimpleUploadedFile("plan.pdf", b"MZ not a pdf at all", content_type="application/pdf")
    response = client.post(url, {"file": fake, "note": ""})
    assert response.status_code == 400
    assert "ne correspond pas à son extension .pdf" in response.content.decode()
    settings.ATLASIA_MAX_UPLOAD_BYTES = 10
    big = SimpleUploadedFile("plan.pdf", PDF, content_type="application/pdf")
    assert "la taille maximale est de" in client.post(url, {"file": big}).content.decode()
    assert not Evidence.objects.exists() and not Attachment.objects.exists()
    settings.ATLASIA_MAX_UPLOAD_BYTES = 10 * 1024 * 1024
    good = SimpleUploadedFile("plan-gestion-risques.pdf", PDF, content_type="application/pdf")
    assert client.post(url, {"file": good, "note": "Version validée en comité"}).status_code == 302
    evidence = Evidence.objects.get()
    assert evidence.kind == "file" and evidence.attachment.original_name == "plan-gestion-risques.pdf"
    assert evidence.attachment.use_case == qualified
    assert AuditEntry.objects.filter(object_type="compliance.evidence").count() == 1
    download = client.get(reverse("attachment_download", args=[qualified.pk, evidence.attachment.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")


def test_evidence_link_and_platform_objects(qualified: Any, world: Any, login: Any) -> None:
    client = login(world["users"]["dpo"])
    dpia = item(qualified, "gdpr_dpia")
    bad = client.post(reverse("compliance_evidence_link", args=[dpia.pk]), {"url": "javascript:alert(1)"})
    assert bad.status_code == 400 and "n&#x27;est pas une adresse web valide" in bad.content.decode()
    ok = client.post(
        reverse("compliance_evidence_link", args=[dpia.pk]), {"url": "https://intranet.example.org/aipd.pdf"}
    )
    assert ok.status_code == 302
    obj = client.post(
        reverse("compliance_evidence_object", args=[dpia.pk]), {"choice": "qualification_document:1"}
    )
    assert obj.status_code == 302
    labels = list(Evidence.objects.filter(obligation=dpia).values_list("label", flat=True))
    assert labels[0] == "https://intranet.example.org/aipd.pdf"
    assert labels[1].startswith("Documents générés de la qualification v1")
    forged = client.post(
        reverse("compliance_evidence_object", args=[dpia.pk]), {"choice": "evaluation_run:999"}
    )
    assert forged.status_code == 400
    assert Evidence.objects.filter(obligation=dpia).count() == 2


def test_sign_off_by_the_named_role_only(qualified: Any, world: Any, login: Any) -> None:
    dpia = item(qualified, "gdpr_dpia")
    referent = login(world["users"]["referent"])
    assert (
        post_status(
            referent, dpia, status="done", reason="AIPD réalisée le 3 mars, version signée."
        ).status_code
        == 302
    )
    dpia.refresh_from_db()
    before = AuditEntry.objects.count()
    # the referent may not sign the DPIA: 403, nothing stored
    response = referent.post(reverse("compliance_sign_off", args=[dpia.pk]), {"version": dpia.version})
    assert response.status_code == 403
    dpia.refresh_from_db()
    assert dpia.signed_off_at is None and AuditEntry.objects.count() == before
    # the organisation admin neither (the DPIA names the DPO)
    assert (
        login(world["users"]["org_admin"]).post(reverse("compliance_sign_off", args=[dpia.pk])).status_code
        == 403
    )
    dpo = login(world["users"]["dpo"])
    assert (
        dpo.post(reverse("compliance_sign_off", args=[dpia.pk]), {"version": dpia.version}).status_code == 302
    )
    dpia.refresh_from_db()
    assert dpia.signed_off_by == world["users"]["dpo"]
    # the DPO may not sign a referent's obligation
    risk = item(qualified, "risk_management")
    post_status(referent, risk, status="done", reason="Procédure écrite.")
    assert dpo.post(reverse("compliance_sign_off", args=[risk.pk])).status_code == 403
    # reopening withdraws the sign-off
    dpia.refresh_from_db()
    post_status(referent, dpia, status="in_progress")
    dpia.refresh_from_db()
    assert dpia.signed_off_at is None


def test_sign_off_of_an_open_obligation_is_refused(qualified: Any, world: Any, login: Any) -> None:
    risk = item(qualified, "risk_management")
    client = login(world["users"]["referent"])
    response = client.post(reverse("compliance_sign_off", args=[risk.pk]), follow=True)
    assert "Seule une obligation faite ou sans objet peut être validée" in response.content.decode()
    assert item(qualified, "risk_management").signed_off_at is None


def test_requalification_keeps_the_work_and_flags_what_changed(
    qualified: Any, world: Any, login: Any, in_house_answers: dict[str, Any]
) -> None:
    referent = world["users"]["referent"]
    client = login(referent)
    risk = item(qualified, "risk_management")
    post_status(client, risk, status="done", reason="Plan de gestion des risques adopté.")
    # the organisation now only deploys the system of a provider: provider duties are no longer required
    qualification_complete(
        actor=referent, use_case=qualified, answers={**in_house_answers, "role": "deployer"}
    )
    risk.refresh_from_db()
    assert (
        risk.dropped and risk.status == "done" and risk.status_reason == "Plan de gestion des risques adopté."
    )
    assert "N'est plus exigée par la qualification v2" in risk.requalification_note
    oversight = item(qualified, "deployer_human_oversight")
    assert not oversight.dropped and oversight.qualification_version == 2
    page = client.get(reverse("compliance_usecase_obligations", args=[qualified.pk])).content.decode()
    assert "ne sont plus exigées par la dernière qualification" in page
    assert "modifiée par la requalification" in page
    # and back: restored, work still there
    qualification_complete(actor=referent, use_case=qualified, answers=in_house_answers)
    risk.refresh_from_db()
    assert not risk.dropped and risk.status == "done" and "De nouveau exigée" in risk.requalification_note


def test_open_obligations_reach_the_owners_inbox_and_reminders(
    qualified: Any, world: Any, login: Any, settings: Any
) -> None:
    contributor = world["users"]["contributor"]
    contributor.email = "contrib@example.org"
    contributor.save()
    referent = login(world["users"]["referent"])
    post_status(referent, item(qualified, "technical_documentation"), owner=contributor.pk)
    inbox = login(contributor).get(reverse("lifecycle_inbox")).content.decode()
    assert "Obligations à faire avancer" in inbox
    assert "Obligation : Documentation technique (AI Act art. 11, annexe IV)" in inbox
    assert "02/12/2027" in inbox
    review_reminders_send(today=date(2026, 12, 6))
    sent = [m for m in mail.outbox if "contrib@example.org" in m.to]
    assert sent and "Documentation technique" in sent[0].body


def test_portfolio_by_obligation_and_due_date(qualified: Any, world: Any, login: Any) -> None:
    national = login(world["users"]["national"])
    page = national.get(reverse("compliance_portfolio"))
    assert page.status_code == 200
    groups = page.context["groups"]
    dues = [g.next_due for g in groups if g.next_due]
    assert dues == sorted(dues)
    risk_group = next(g for g in groups if g.key == "risk_management")
    assert [i.use_case for i in risk_group.items] == [qualified]
    other = login(world["users"]["other_referent"]).get(reverse("compliance_portfolio"))
    assert other.context["total"] == 0
    assert login(world["users"]["nobody"]).get(reverse("compliance_portfolio")).status_code == 404


def test_nothing_is_written_when_the_evidence_file_is_refused(qualified: Any, world: Any, login: Any) -> None:
    client = login(world["users"]["contributor"])
    risk = item(qualified, "risk_management")
    payload = io.BytesIO(b"\x00\x01binary")
    payload.name = "notes.txt"
    response = client.post(reverse("compliance_evidence_file", args=[risk.pk]), {"file": payload})
    assert response.status_code == 400
    assert item(qualified, "risk_management").version == risk.version
