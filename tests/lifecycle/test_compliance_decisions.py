"""The DPO's DPIA decision against the qualification: a contrary decision needs written reasons (shown on
the record), dates of completion cannot be in the future, and the page says labels, not codes (#20, #22)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from lc_helpers import qualified

from atlasia.audit.models import AuditEntry
from atlasia.lifecycle.models import ComplianceRecord

JUSTIFICATION = (
    "Traitement de données pseudonymisées à la source, sans croisement ; avis du DPO du 3 mars 2026."
)


def form_data(**overrides: Any) -> dict[str, str]:
    data = {
        "dpia_decision": "",
        "dpia_justification": "",
        "dpia_completed_at": "",
        "fria_completed_at": "",
        "registration_reference": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def dpo(client, lc_world):
    client.force_login(lc_world["users"]["dpo"])
    return client


def test_not_required_against_a_required_dpia_without_reasons_is_refused_and_nothing_stored(
    dpo, make_uc, qualification
):
    qualification(qualified(category="high_risk"))
    use_case = make_uc(personal_data=True)
    url = reverse("lifecycle_compliance", args=[use_case.pk])
    response = dpo.post(url, form_data(dpia_decision="not_required"))
    assert response.status_code == 400
    page = response.content.decode()
    assert "La qualification conclut qu&#x27;une AIPD est requise" in page
    assert "justifiez par écrit" in page
    assert not ComplianceRecord.objects.filter(use_case=use_case).exists()
    assert not AuditEntry.objects.filter(object_type="lifecycle.compliancerecord").exists()


def test_not_required_with_reasons_is_stored_audited_and_shown_on_the_record(dpo, make_uc, qualification):
    qualification(qualified(category="high_risk"))
    use_case = make_uc(personal_data=True)
    url = reverse("lifecycle_compliance", args=[use_case.pk])
    response = dpo.post(
        url, form_data(dpia_decision="not_required", dpia_justification=f"  {JUSTIFICATION}  ")
    )
    assert response.status_code == 302
    record = ComplianceRecord.objects.get(use_case=use_case)
    assert record.dpia_justification == JUSTIFICATION
    entry = AuditEntry.objects.get(object_type="lifecycle.compliancerecord", use_case_id=use_case.pk)
    assert entry.changes["dpia_justification"] == [None, JUSTIFICATION]
    page = dpo.get(reverse("usecase_detail", args=[use_case.pk])).content.decode()
    assert "contraire à la qualification" in page
    assert "pseudonymisées à la source" in page


def test_a_stricter_decision_needs_no_reasons(dpo, make_uc, qualification):
    result = qualified(category="minimal")
    result["gdpr"]["dpia"] = "not_required"
    qualification(result)
    use_case = make_uc(personal_data=True)
    response = dpo.post(
        reverse("lifecycle_compliance", args=[use_case.pk]), form_data(dpia_decision="required")
    )
    assert response.status_code == 302
    assert ComplianceRecord.objects.get(use_case=use_case).dpia_justification == ""


@pytest.mark.parametrize(
    ("field", "words"), [("dpia_completed_at", "de l&#x27;AIPD"), ("fria_completed_at", "de l&#x27;AIDF")]
)
def test_a_completion_date_in_the_future_is_refused(dpo, make_uc, qualification, field, words):
    qualification(qualified(category="high_risk", fria=True))
    use_case = make_uc(personal_data=True)
    ComplianceRecord.objects.create(use_case=use_case, dpia_decision="required")
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = dpo.post(
        reverse("lifecycle_compliance", args=[use_case.pk]),
        form_data(dpia_decision="required", **{field: tomorrow.isoformat()}),
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert f"La date de réalisation {words} ({tomorrow:%d/%m/%Y}) est dans le futur" in page
    record = ComplianceRecord.objects.get(use_case=use_case)
    assert record.dpia_completed_at is None and record.fria_completed_at is None
    today = timezone.localdate().isoformat()
    ok = dpo.post(
        reverse("lifecycle_compliance", args=[use_case.pk]),
        form_data(dpia_decision="required", **{field: today}),
    )
    assert ok.status_code == 302


def test_the_form_posted_back_unchanged_changes_nothing(dpo, make_uc, qualification):
    qualification(qualified(category="high_risk", fria=True))
    use_case = make_uc(personal_data=True)
    ComplianceRecord.objects.create(
        use_case=use_case,
        dpia_decision="not_required",
        dpia_justification=JUSTIFICATION,
        fria_completed_at=timezone.localdate() - timedelta(days=3),
        registration_reference="EU-AI-2026-1234",
    )
    url = reverse("lifecycle_compliance", args=[use_case.pk])
    form = dpo.get(url).context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in data.items()}
    assert dpo.post(url, data).status_code == 302
    record = ComplianceRecord.objects.get(use_case=use_case)
    assert record.dpia_justification == JUSTIFICATION
    assert record.registration_reference == "EU-AI-2026-1234"
    assert not AuditEntry.objects.filter(object_type="lifecycle.compliancerecord").exists()


def test_the_compliance_page_shows_labels_not_codes_and_aidf_in_french(
    client, lc_world, make_uc, qualification
):
    qualification(qualified(category="high_risk", fria=True, registration=True))
    use_case = make_uc(personal_data=True)
    client.force_login(lc_world["users"]["dpo"])
    url = reverse("lifecycle_compliance", args=[use_case.pk])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "catégorie AI Act « Haut risque »" in page
    assert "AIDF requise" in page and "AIPD selon le questionnaire : requise" in page
    for code in ("high_risk", "« required »", ": required", "FRIA"):
        assert code not in page, code
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert (
        "AI Act category \u201cHigh risk\u201d" in english
        or "AI Act category \u201cHaut risque\u201d" not in english
    )
    assert "FRIA required" in english and "DPIA according to the questionnaire: required" in english
