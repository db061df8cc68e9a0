"""The vendor register: providers, their systems and contracts, the documents they owe the deployer
(computed from the use cases' qualifications) and the check against the purchasing charter."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from atlasia.audit.models import AuditEntry
from atlasia.compliance.models import Vendor, VendorCharterCheck, VendorDocument, VendorSystem
from atlasia.core.compliance import OwedDocument, SystemUse, owed_documents
from atlasia.lifecycle.models import CharterPrinciple

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_owed_documents_follow_the_qualification() -> None:
    assert owed_documents([]) == []
    assert owed_documents([SystemUse(False, False, True)]) == [OwedDocument.DPA]
    assert owed_documents([SystemUse(True, True, True), SystemUse(False, False, False)]) == [
        OwedDocument.INSTRUCTIONS_FOR_USE,
        OwedDocument.TRANSPARENCY_INFORMATION,
        OwedDocument.EU_DECLARATION,
        OwedDocument.REGISTRATION,
        OwedDocument.DPA,
    ]
    assert OwedDocument.REGISTRATION not in owed_documents([SystemUse(True, False, False)])


@pytest.fixture
def vendor(qualified: Any, world: Any, login: Any) -> Vendor:
    client = login(world["users"]["referent"])
    response = client.post(
        reverse("compliance_vendors", args=[world["org_a"].slug]),
        {"name": "Sopra Steria", "siren": "326 820 065", "country": "France", "contact": "", "website": ""},
    )
    assert response.status_code == 302
    return Vendor.objects.get()


def test_add_a_vendor_and_refuse_bad_siren_or_duplicates(vendor: Vendor, world: Any, login: Any) -> None:
    assert vendor.siren == "326820065"
    client = login(world["users"]["referent"])
    url = reverse("compliance_vendors", args=[world["org_a"].slug])
    bad = client.post(url, {"name": "Autre", "siren": "123456789", "country": "France"})
    assert bad.status_code == 400 and "clé de contrôle" in bad.content.decode()
    twice = client.post(url, {"name": "Sopra Steria", "siren": "", "country": "France"})
    assert twice.status_code == 400 and "figure déjà dans le registre" in twice.content.decode()
    assert Vendor.objects.count() == 1
    assert AuditEntry.objects.filter(object_type="compliance.vendor").count() == 1


def test_documents_owed_and_missing_for_a_high_risk_use(
    vendor: Vendor, qualified: Any, world: Any, login: Any
) -> None:
    client = login(world["users"]["referent"])
    url = reverse("compliance_vendor_system", args=[vendor.pk])
    response = client.post(
        url,
        {
            "name": "Moteur de ciblage",
            "release": "2.3",
            "use_cases": [qualified.pk],
            "contract_reference": "M-2025-118",
            "contract_start": "2025-01-01",
            "contract_end": "2028-12-31",
        },
    )
    assert response.status_code == 302
    system = VendorSystem.objects.get()
    page = client.get(reverse("compliance_vendor", args=[vendor.pk])).content.decode()
    for label in (
        "Notice d&#x27;utilisation",
        "Informations de l&#x27;article 13(3)",
        "Déclaration UE de conformité",
        "Contrat de sous-traitance des données personnelles",
    ):
        assert label in page, label
    assert page.count("manquant") == 5
    doc = client.post(
        reverse("compliance_vendor_document", args=[vendor.pk]),
        {
            "system": system.pk,
            "kind": "instructions_for_use",
            "received_on": timezone.localdate().isoformat(),
            "reference": "",
            "note": "",
            "file": SimpleUploadedFile("notice.pdf", PDF, content_type="application/pdf"),
        },
    )
    assert doc.status_code == 302
    document = VendorDocument.objects.get()
    assert document.attachment.use_case == qualified
    page = client.get(reverse("compliance_vendor", args=[vendor.pk])).content.decode()
    assert page.count("manquant") == 4


def test_document_refusals(vendor: Vendor, qualified: Any, world: Any, login: Any) -> None:
    client = login(world["users"]["referent"])
    system = VendorSystem.objects.create(vendor=vendor, name="Sans cas d'usage")
    url = reverse("compliance_vendor_document", args=[vendor.pk])
    base = {"system": system.pk, "kind": "dpa", "reference": "", "note": ""}
    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    assert (
        "est dans le futur"
        in client.post(url, {**base, "received_on": future, "reference": "x"}).content.decode()
    )
    nothing = client.post(url, {**base, "received_on": timezone.localdate().isoformat()})
    assert "Joignez le fichier ou indiquez sa référence" in nothing.content.decode()
    upload = SimpleUploadedFile("dpa.pdf", PDF, content_type="application/pdf")
    no_uc = client.post(url, {**base, "received_on": timezone.localdate().isoformat(), "file": upload})
    assert "Rattachez d&#x27;abord ce système à un cas d&#x27;usage" in no_uc.content.decode()
    assert not VendorDocument.objects.exists()


def test_contract_dates_and_foreign_use_cases_are_refused(vendor: Vendor, world: Any, login: Any) -> None:
    client = login(world["users"]["referent"])
    url = reverse("compliance_vendor_system", args=[vendor.pk])
    backwards = client.post(url, {"name": "X", "contract_start": "2026-05-01", "contract_end": "2025-05-01"})
    assert "La fin du marché précède son début" in backwards.content.decode()
    foreign = client.post(url, {"name": "X", "use_cases": [world["records"]["b_internal"].pk]})
    assert foreign.status_code == 400
    assert not VendorSystem.objects.exists()


def test_check_against_the_purchasing_charter(vendor: Vendor, world: Any, login: Any) -> None:
    client = login(world["users"]["referent"])
    system = VendorSystem.objects.create(vendor=vendor, name="Moteur")
    principles = list(CharterPrinciple.objects.filter(charter__kind="purchasing").order_by("position"))
    assert len(principles) == 6
    url = reverse("compliance_vendor_charter", args=[vendor.pk, system.pk])
    first = principles[0]
    refused = client.post(
        url, {f"s{system.pk}-level_{first.pk}": "met", f"s{system.pk}-evidence_{first.pk}": ""}
    )
    assert refused.status_code == 400 and "Indiquez ce qui montre" in refused.content.decode()
    assert not VendorCharterCheck.objects.exists()
    ok = client.post(
        url,
        {
            f"s{system.pk}-level_{first.pk}": "met",
            f"s{system.pk}-evidence_{first.pk}": "Clause 7.2 du CCTP : reprise en main humaine.",
            f"s{system.pk}-level_{principles[3].pk}": "not_met",
        },
    )
    assert ok.status_code == 302
    assert VendorCharterCheck.objects.count() == 2
    page = client.get(reverse("compliance_vendors", args=[world["org_a"].slug]))
    assert page.context["rows"][0]["charter_gaps"] == 5


@pytest.mark.parametrize("who", ["contributor", "dpo", "regional", "other_referent"])
def test_who_may_not_edit_the_vendor_register(vendor: Vendor, world: Any, login: Any, who: str) -> None:
    client = login(world["users"][who])
    response = client.post(reverse("compliance_vendor_system", args=[vendor.pk]), {"name": "X"})
    assert response.status_code == 404
    assert not VendorSystem.objects.exists()
    visible = client.get(reverse("compliance_vendor", args=[vendor.pk])).status_code
    assert visible == (404 if who == "other_referent" else 200)
