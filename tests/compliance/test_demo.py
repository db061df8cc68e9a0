"""The compliance demo: a high-risk in-house system with a complete file, one with gaps, a vendor."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command

from atlasia.compliance.demo import COMPLETE_SLUG, GAPS_SLUG, load_compliance_demo
from atlasia.compliance.dossier import build_file
from atlasia.compliance.models import ObligationItem, Risk, VendorDocument
from atlasia.demo.accounts import create_demo_accounts
from atlasia.registry.models import UseCase


@pytest.mark.django_db
def test_demo_has_a_complete_file_and_one_with_gaps(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    call_command("load_catalogue", verbosity=0)
    call_command("qualify_catalogue", verbosity=0)
    create_demo_accounts()
    load_compliance_demo()
    complete = UseCase.objects.get(catalogue_slug=COMPLETE_SLUG)
    items = ObligationItem.objects.filter(use_case=complete, dropped=False)
    assert items.count() >= 20
    assert all(i.status == "done" and i.signed_off_at and i.evidence.exists() for i in items)
    dossier = build_file(complete)
    assert dossier.missing == [] and dossier.to_sign == []
    assert Risk.objects.filter(use_case=complete).count() == 4
    gaps = build_file(UseCase.objects.get(catalogue_slug=GAPS_SLUG))
    labels = [e.label for e in gaps.missing]
    assert any("maîtrise de l'IA" in label for label in labels)  # overdue since 2 February 2025
    assert any(e.detail.startswith("revue dépassée") for e in gaps.missing)
    assert VendorDocument.objects.filter(system__vendor__name="Batvoice").count() == 2
    # idempotent
    load_compliance_demo()
    assert Risk.objects.filter(use_case=complete).count() == 4
