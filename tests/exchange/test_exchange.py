"""Exchange between instances: format 1.0, pull idempotence, update, withdrawal, refusals."""

from __future__ import annotations

import copy
import datetime as dt
import json
import uuid
from typing import Any

import pytest
from django.test import Client

from atlasia.exchange import pull
from atlasia.exchange.exchange_format import json_schema
from atlasia.exchange.models import RemoteProvenance, Subscription
from atlasia.registry.models import UseCase

pytestmark = pytest.mark.django_db

UID_1, UID_2 = str(uuid.uuid4()), str(uuid.uuid4())


def _record(uid: str, title: str, **extra: Any) -> dict[str, Any]:
    record = {
        "uid": uid,
        "updated_at": "2025-05-01T10:00:00Z",
        "title": title,
        "summary": "Shared by a partner abroad.",
        "theme": "Access to care and emergencies",  # English label
        "ai_technique": "Classical supervised learning",
        "status": "Deployed",
        "publication_level": "Public",
        "organisation": {
            "name": "Santé Québec",
            "slug": "sante-qc",
            "type": "Other",
            "region": "",
            "country": "CA",
        },
        "qualification": {"version": 1, "law_version": "AI Act 2024/1689", "category": "minimal"},
        "experiments": [
            {"title": "Pilot", "lessons_learned": "Train the staff first.", "decision": "generalise"}
        ],
    }
    record.update(extra)
    return record


def _document(records: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    doc = {
        "format": "atlasia-exchange",
        "version": "1.0",
        "generated_at": "2025-05-02T00:00:00Z",
        "instance": {"name": "Atlas IA Québec", "url": "https://atlas.example.ca"},
        "count": len(records),
        "limit": 200,
        "offset": 0,
        "records": records,
    }
    doc.update(extra)
    return doc


@pytest.fixture
def subscription(reference: None) -> Subscription:
    return Subscription.objects.create(
        name="Atlas IA Québec", slug="quebec", base_url="https://atlas.example.ca"
    )


class _FakeResponse:
    def __init__(self, body: bytes) -> None:
        self.body = body

    def __enter__(self) -> _FakeResponse:
        return self

    def __exit__(self, *args: Any) -> None:
        return None

    def read(self, size: int = -1) -> bytes:
        return self.body


@pytest.fixture
def serve(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Make the remote instance answer ``body`` (bytes, or a document)."""

    def _serve(body: Any) -> None:
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        monkeypatch.setattr(pull.urllib.request, "urlopen", lambda *a, **k: _FakeResponse(raw))

    return _serve


def test_pull_is_idempotent_maps_english_values_and_updates_on_change(
    subscription: Subscription, serve: Any
) -> None:
    document = _document([_record(UID_1, "Triage"), _record(UID_2, "Chatbot")])
    serve(document)
    first = pull.pull_subscription(subscription=subscription)
    assert (first.created, first.updated, first.unchanged, first.errors) == (2, 0, 0, [])
    local = UseCase.objects.get(remote_provenance__remote_uid=UID_1)
    assert (local.theme.code, local.ai_technique.code, local.status, local.publication_level) == (
        "acces_soins",
        "apprentissage_supervise",
        "deployed",
        "public",
    )
    assert local.organisation.slug == "quebec--sante-qc" and local.organisation.country == "CA"
    second = pull.pull_subscription(subscription=subscription)
    assert (second.created, second.updated, second.unchanged) == (0, 0, 2)
    assert UseCase.objects.filter(remote_provenance__subscription=subscription).count() == 2
    changed = copy.deepcopy(document)
    changed["records"][0].update(title="Triage aux urgences", updated_at="2025-06-01T10:00:00Z")
    serve(changed)
    third = pull.pull_subscription(subscription=subscription)
    assert (third.created, third.updated, third.unchanged) == (0, 1, 1)
    local.refresh_from_db()
    assert local.title == "Triage aux urgences"
    assert local.remote_provenance.remote_updated_at == dt.datetime(2025, 6, 1, 10, tzinfo=dt.UTC)
    subscription.refresh_from_db()
    assert subscription.status == "ok" and subscription.last_pulled_at is not None


def test_a_record_deleted_upstream_is_marked_withdrawn_and_shown_so(
    subscription: Subscription, serve: Any, client: Client, world: dict[str, Any]
) -> None:
    serve(_document([_record(UID_1, "Triage"), _record(UID_2, "Chatbot")]))
    pull.pull_subscription(subscription=subscription)
    serve(_document([_record(UID_1, "Triage")]))
    result = pull.pull_subscription(subscription=subscription)
    assert result.withdrawn == 1
    provenance = RemoteProvenance.objects.get(remote_uid=UID_2)
    assert provenance.withdrawn and UseCase.objects.filter(pk=provenance.use_case_id).exists()
    client.force_login(world["users"]["national"])
    page = client.get(f"/cas-d-usage/{provenance.use_case_id}/").content.decode()
    assert "Fiche reçue d'une autre instance" in page and "Atlas IA Québec" in page
    assert "Retirée à la source" in page and "Train the staff first." in page
    # It comes back: no longer withdrawn.
    serve(_document([_record(UID_1, "Triage"), _record(UID_2, "Chatbot")]))
    pull.pull_subscription(subscription=subscription)
    provenance.refresh_from_db()
    assert not provenance.withdrawn


@pytest.mark.parametrize(
    "body,message",
    [
        (
            b'{"format": "atlasia-exchange", "version": "1.0", "records": [',
            "la réponse n'est pas un JSON valide (ligne 1",
        ),
        (
            _document([], version="2.0"),
            "version du format « 2.0 » non prise en charge (versions lues : 1.0, 1.1)",
        ),
        (_document([], format="autre"), "format « autre » inconnu"),
        (_document([_record(UID_1, "T", colour="bleu")]), "champ inconnu « records.0.colour »"),
        (
            _document([_record(UID_1, "T", updated_at="hier")]),
            "valeur invalide pour « records.0.updated_at »",
        ),
        (
            _document([_record(UID_1, "T", theme="Astrologie")]),
            "champ « theme » : valeur « Astrologie » inconnue",
        ),
        (_document([_record(UID_1, "T", publication_level="internal")]), "une fiche interne ne doit pas"),
    ],
)
def test_a_bad_answer_writes_nothing_and_says_why(
    subscription: Subscription, serve: Any, body: Any, message: str
) -> None:
    serve(_document([_record(UID_2, "Déjà là")]))
    pull.pull_subscription(subscription=subscription)
    before = (UseCase.objects.count(), RemoteProvenance.objects.filter(withdrawn=True).count())
    serve(body)
    result = pull.pull_subscription(subscription=subscription)
    assert not result.ok
    assert any(message in e for e in result.errors), result.errors
    assert (UseCase.objects.count(), RemoteProvenance.objects.filter(withdrawn=True).count()) == before
    subscription.refresh_from_db()
    assert subscription.status == "error" and message in subscription.last_error


def test_the_published_schema_file_is_up_to_date(client: Client, db: Any) -> None:
    from django.conf import settings

    path = settings.BASE_DIR / "docs" / "exchange" / "atlasia-exchange-1.1.schema.json"
    assert json.loads(path.read_text(encoding="utf-8")) == json_schema()
    assert client.get("/api/v1/exchange/schema").json() == json.loads(json.dumps(json_schema(), default=str))


def test_served_records_validate_against_the_format_and_carry_experiments(
    client: Client, world: dict[str, Any]
) -> None:
    from atlasia.exchange.exchange_format import ExDocument

    body = client.get("/api/v1/exchange/records?limit=1").content
    document = ExDocument.model_validate_json(body)
    assert document.count == 2 and len(document.records) == 1
    assert pull.parse_document(body).records[0].uid == document.records[0].uid


# --- format 1.1: self-subscription, loops, size, pause, delete --------------------------------------


def _state() -> tuple[int, int]:
    return UseCase.objects.count(), RemoteProvenance.objects.count()


def test_a_document_from_this_very_instance_is_refused_and_writes_nothing(
    subscription: Subscription, serve: Any
) -> None:
    from atlasia.exchange.selectors import instance_id

    before = _state()
    serve(_document([_record(UID_1, "Triage")], instance={"name": "Moi", "url": "", "id": instance_id()}))
    result = pull.pull_subscription(subscription=subscription)
    assert not result.ok and "même identifiant d'instance" in result.summary()
    assert _state() == before


def test_a_record_of_this_instance_coming_back_is_a_loop_and_is_refused(
    subscription: Subscription, serve: Any, world: dict[str, Any]
) -> None:
    own = world["records"]["a_public"]
    before = _state()
    serve(_document([_record(str(own.uid), "Ma propre fiche"), _record(UID_2, "Autre")]))
    result = pull.pull_subscription(subscription=subscription)
    assert not result.ok and any("boucle" in e for e in result.errors), result.errors
    assert _state() == before
    own.refresh_from_db()
    assert own.title != "Ma propre fiche"


def test_an_oversized_answer_is_refused_before_it_is_parsed(subscription: Subscription, serve: Any) -> None:
    before = _state()
    serve(b" " * (pull.MAX_PAGE_BYTES + 1))
    result = pull.pull_subscription(subscription=subscription)
    assert not result.ok and "réponse trop volumineuse" in result.summary()
    assert _state() == before


def test_subscribing_to_the_own_public_address_is_refused(world: dict[str, Any], settings: Any) -> None:
    from django.core.exceptions import ValidationError

    settings.ATLASIA_PUBLIC_URL = "https://atlas.example.fr"
    with pytest.raises(ValidationError, match="soi-même"):
        pull.subscription_create(
            actor=world["users"]["admin"],
            data={
                "name": "Moi",
                "slug": "moi",
                "base_url": "https://atlas.example.fr/",
                "token": "",
                "country": "FR",
            },
        )
    assert not Subscription.objects.filter(slug="moi").exists()


def test_a_paused_subscription_is_not_pulled_and_resumes(
    subscription: Subscription, serve: Any, world: dict[str, Any], client: Client
) -> None:
    from atlasia.audit.models import AuditEntry

    admin = world["users"]["admin"]
    serve(_document([_record(UID_1, "Triage")]))
    client.force_login(admin)
    response = client.post(f"/echanges/abonnements/{subscription.pk}/pause/")
    assert response.status_code == 302
    subscription.refresh_from_db()
    assert subscription.status == "paused"
    result = pull.pull_subscription(subscription=subscription)
    assert not result.ok and "en pause" in result.summary() and _state()[1] == 0
    client.post(f"/echanges/abonnements/{subscription.pk}/reprendre/")
    assert pull.pull_subscription(subscription=subscription).created == 1
    messages = list(
        AuditEntry.objects.filter(message__startswith="Abonnement").values_list("message", flat=True)
    )
    assert "Abonnement mis en pause" in messages and "Abonnement repris" in messages


def test_deleting_a_subscription_withdraws_its_copies_with_audit_rows(
    subscription: Subscription, serve: Any, world: dict[str, Any], client: Client
) -> None:
    from atlasia.audit.models import AuditEntry

    serve(_document([_record(UID_1, "Triage"), _record(UID_2, "Chatbot")]))
    pull.pull_subscription(subscription=subscription)
    copies = list(
        UseCase.objects.filter(remote_provenance__subscription=subscription).values_list("pk", flat=True)
    )
    assert len(copies) == 2
    client.force_login(world["users"]["referent"])  # not a platform admin
    assert client.post(f"/echanges/abonnements/{subscription.pk}/supprimer/").status_code == 403
    client.force_login(world["users"]["admin"])
    response = client.post(f"/echanges/abonnements/{subscription.pk}/supprimer/", follow=True)
    assert "2 copie(s) retirée(s)" in response.content.decode()
    assert not UseCase.objects.filter(pk__in=copies).exists()
    assert not Subscription.objects.filter(pk=subscription.pk).exists()
    rows = AuditEntry.objects.filter(use_case_id__in=copies, action="delete")
    assert rows.count() == 2 and all("Copie retirée" in r.message for r in rows)


def test_a_1_0_document_is_still_read_and_1_1_fields_travel(subscription: Subscription, serve: Any) -> None:
    serve(_document([_record(UID_1, "Triage")]))  # version 1.0
    assert pull.pull_subscription(subscription=subscription).created == 1
    richer = _record(
        UID_1,
        "Triage",
        updated_at="2025-07-01T10:00:00Z",
        human_oversight="Une infirmière valide chaque priorité.",
        contacts=[{"role": "Référent IA", "email": "ia@example.ca"}],
        sources=[{"url": "https://example.ca/triage", "title": "Page"}],
        risks_and_mitigations="Sous-triage : revue hebdomadaire.",
    )
    serve(_document([richer], version="1.1"))
    assert pull.pull_subscription(subscription=subscription).updated == 1
    local = UseCase.objects.get(remote_provenance__remote_uid=UID_1)
    assert local.human_oversight == "Une infirmière valide chaque priorité."
    assert [(c.role, c.email, c.is_public) for c in local.contacts.all()] == [
        ("Référent IA", "ia@example.ca", True)
    ]
    assert [s.url for s in local.sources.all()] == ["https://example.ca/triage"]
    assert local.risks_and_mitigations == "Sous-triage : revue hebdomadaire."
