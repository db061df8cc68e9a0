"""The REST API: same permission rules as the screens, stable error format, pagination, rate limit."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from atlasia.audit.models import AuditEntry
from atlasia.exchange.models import ApiToken
from atlasia.registry.models import UseCase


def bearer(raw: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


pytestmark = pytest.mark.django_db

READ_ENDPOINTS = [
    "/api/v1/usecases/{uid}",
    "/api/v1/usecases/{uid}/qualifications",
    "/api/v1/usecases/{uid}/experiments",
    "/api/v1/usecases/{uid}/evaluations",
]


def _titles(response: Any) -> set[str]:
    return {r["title"] for r in response.json()["results"]}


def _every_read(client: Client, uid: Any, headers: dict[str, str]) -> list[int]:
    return [client.get(e.format(uid=uid), **headers).status_code for e in READ_ENDPOINTS]


def test_anonymous_reads_public_records_only_on_every_endpoint(client: Client, world: dict[str, Any]) -> None:
    records = world["records"]
    response = client.get("/api/v1/usecases")
    assert response.status_code == 200
    assert _titles(response) == {"Chatbot public A", "Non-recours public B"}
    assert response.json()["count"] == 2
    for key, record in records.items():
        statuses = _every_read(client, record.uid, {})
        if key.endswith("_public"):
            # Experiments and evaluations are not public fields of a record (issue 14, item 7).
            assert statuses == [200, 200, 404, 404], key
        else:
            assert statuses == [404, 404, 404, 404], key
    body = client.get(f"/api/v1/usecases/{records['a_internal'].uid}").json()
    assert body == {"error": {"code": "not_found", "message": "Ressource introuvable.", "details": []}}
    exchange = client.get("/api/v1/exchange/records").json()
    assert {r["title"] for r in exchange["records"]} == {"Chatbot public A", "Non-recours public B"}


def test_token_of_org_a_reads_what_org_a_may_see(
    client: Client, world: dict[str, Any], make_token: Callable[..., str]
) -> None:
    headers = bearer(make_token("org_a", "contributor"))
    titles = _titles(client.get("/api/v1/usecases?limit=100", **headers))
    assert titles == {
        "Triage interne A",
        "Prévision réseau A",
        "Chatbot public A",
        "Relances réseau B",
        "Non-recours public B",
    }
    assert _every_read(client, world["records"]["b_internal"].uid, headers) == [404, 404, 404, 404]
    assert client.get(f"/api/v1/usecases/{world['records']['a_internal'].uid}", **headers).status_code == 200
    # With a token, the exchange endpoint adds the network level (never the internal one).
    exchange = client.get("/api/v1/exchange/records", **headers).json()
    assert {r["title"] for r in exchange["records"]} == {
        "Prévision réseau A",
        "Chatbot public A",
        "Relances réseau B",
        "Non-recours public B",
    }


def test_token_of_org_b_does_not_see_org_a_internal(
    client: Client, world: dict[str, Any], make_token: Callable[..., str]
) -> None:
    headers = bearer(make_token("org_b", "referent"))
    titles = _titles(client.get("/api/v1/usecases", **headers))
    assert "Ciblage interne B" in titles and "Triage interne A" not in titles
    assert _every_read(client, world["records"]["a_internal"].uid, headers) == [404, 404, 404, 404]


@pytest.mark.parametrize("kind", ["expired", "revoked", "unknown", "malformed"])
def test_expired_revoked_or_unknown_token_is_refused_not_downgraded(
    client: Client, world: dict[str, Any], make_token: Callable[..., str], expired_token: str, kind: str
) -> None:
    from atlasia.exchange import services

    if kind == "expired":
        raw = expired_token
    elif kind == "revoked":
        raw = make_token()
        token = ApiToken.objects.get(token_hash=services.hash_token(raw))
        services.token_revoke(actor=world["users"]["org_admin"], token=token)
    elif kind == "unknown":
        raw = "atl_" + "x" * 43
    else:
        raw = "n'importe quoi"
    response = client.get("/api/v1/usecases", **bearer(raw))
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"
    assert response.json()["error"]["message"].startswith("Jeton d'API absent, inconnu, révoqué ou expiré")
    assert response["WWW-Authenticate"] == "Bearer"


def test_write_through_the_services_in_the_token_organisation_with_an_audit_row(
    client: Client, world: dict[str, Any], make_token: Callable[..., str]
) -> None:
    headers = bearer(make_token("org_a", "referent", label="Connecteur SIH"))
    payload = {
        "title": "Codage PMSI assisté",
        "summary": "Proposition de codes.",
        "theme": "Access to care and emergencies",  # English label accepted
        "ai_technique": "apprentissage_supervise",
        "publication_level": "Partagé avec le réseau",  # French label accepted
        "start_date": "2025-01-31",
    }
    response = client.post("/api/v1/usecases", payload, content_type="application/json", **headers)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["organisation"]["slug"] == "chu-lille"
    assert (body["theme"], body["status"], body["publication_level"]) == ("acces_soins", "idea", "network")
    use_case = UseCase.objects.get(uid=body["uid"])
    entry = AuditEntry.objects.get(
        object_id=str(use_case.pk), action="create", object_type="registry.usecase"
    )
    assert "Connecteur SIH" in entry.actor_label
    response = client.patch(
        f"/api/v1/usecases/{use_case.uid}",
        {"title": "Codage PMSI"},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 200 and response.json()["title"] == "Codage PMSI"
    assert client.delete(f"/api/v1/usecases/{use_case.uid}", **headers).status_code == 204
    assert not UseCase.objects.filter(pk=use_case.pk).exists()


def test_no_write_outside_the_token_organisation(
    client: Client, world: dict[str, Any], make_token: Callable[..., str]
) -> None:
    records = world["records"]
    headers = bearer(make_token("org_a", "org_admin"))
    for key in ("b_internal", "b_network", "b_public"):
        uid = records[key].uid
        patch = client.patch(
            f"/api/v1/usecases/{uid}", {"title": "Piraté"}, content_type="application/json", **headers
        )
        assert patch.status_code == 404, key
        assert client.delete(f"/api/v1/usecases/{uid}", **headers).status_code == 404
    assert UseCase.objects.filter(title="Piraté").count() == 0
    assert UseCase.objects.filter(organisation=world["org_b"]).count() == 3
    # Anonymous callers cannot write at all.
    anonymous = client.post("/api/v1/usecases", {"title": "x"}, content_type="application/json")
    assert anonymous.status_code == 401
    assert client.delete(f"/api/v1/usecases/{records['a_public'].uid}").status_code == 401


def test_role_limits_apply_inside_the_organisation(
    client: Client, world: dict[str, Any], make_token: Callable[..., str]
) -> None:
    headers = bearer(make_token("org_a", "contributor"))
    uid = world["records"]["a_internal"].uid
    response = client.delete(f"/api/v1/usecases/{uid}", **headers)
    assert response.status_code == 403 and response.json()["error"]["code"] == "forbidden"
    response = client.patch(
        f"/api/v1/usecases/{uid}", {"publication_level": "public"}, content_type="application/json", **headers
    )
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["field"] == "publication_level"
    assert "référent IA" in response.json()["error"]["details"][0]["message"]


def test_validation_errors_have_the_stable_french_format(
    client: Client, world: dict[str, Any], make_token: Callable[..., str]
) -> None:
    headers = bearer(make_token())
    response = client.post(
        "/api/v1/usecases",
        {
            "title": "x" * 201,
            "theme": "acces_soins",
            "ai_technique": "apprentissage_supervise",
            "start_date": "31/02/2025",
        },
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert (
        error["code"] == "validation_error"
        and error["message"] == "Les données envoyées ne sont pas valides."
    )
    details = {d["field"]: d["message"] for d in error["details"]}
    assert details["summary"] == "Ce champ est obligatoire."
    assert details["title"] == "Texte trop long (limite : 200)."
    assert details["start_date"] == "Une date AAAA-MM-JJ est attendue."
    response = client.post(
        "/api/v1/usecases",
        {"title": "t", "summary": "s", "theme": "inconnu", "ai_technique": "apprentissage_supervise"},
        content_type="application/json",
        **headers,
    )
    assert response.json()["error"]["details"] == [
        {"field": "theme", "message": "« inconnu » ne fait pas partie de la liste des valeurs possibles."}
    ]
    response = client.get("/api/v1/usecases?limit=0")
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["field"] == "limit"
    bad_json = client.post("/api/v1/usecases", "{", content_type="application/json", **headers)
    assert bad_json.status_code in (400, 422) and "error" in bad_json.json()


def test_pagination_totals_and_filters(
    client: Client, world: dict[str, Any], make_usecase: Callable[..., UseCase]
) -> None:
    from atlasia.registry.models import Theme

    theme = Theme.objects.exclude(code="acces_soins").first()
    for n in range(7):
        make_usecase(world["org_a"], title=f"Public {n}", publication_level="public", status="deployed")
    make_usecase(world["org_b"], title="Autre thème", publication_level="public", theme=theme)
    page = client.get("/api/v1/usecases?limit=3&offset=3").json()
    assert (page["count"], page["limit"], page["offset"], len(page["results"])) == (10, 3, 3, 3)
    last = client.get("/api/v1/usecases?limit=3&offset=9").json()
    assert last["count"] == 10 and len(last["results"]) == 1
    assert client.get("/api/v1/usecases?status=deployed").json()["count"] == 7
    assert _titles(client.get(f"/api/v1/usecases?theme={theme.code}")) == {"Autre thème"}
    assert client.get("/api/v1/usecases?organisation=caf-gironde").json()["count"] == 2
    assert client.get("/api/v1/usecases?region=32").json()["count"] == 8
    assert client.get("/api/v1/usecases?publication_level=network").json()["count"] == 0
    assert client.get("/api/v1/usecases?updated_since=2999-01-01T00:00:00Z").json()["count"] == 0


def test_rate_limit_per_ip_and_per_token_answers_429_with_retry_after(
    client: Client, world: dict[str, Any], make_token: Callable[..., str], settings: Any
) -> None:
    settings.ATLASIA_API_RATE = "3/m"
    assert [client.get("/api/v1/usecases").status_code for _ in range(3)] == [200, 200, 200]
    response = client.get("/api/v1/usecases")
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    assert response.json()["error"]["code"] == "rate_limited"
    # A token has its own budget.
    headers = bearer(make_token())
    assert client.get("/api/v1/usecases", **headers).status_code == 200


def test_openapi_description_and_documentation_page_are_public(client: Client, db: Any) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    assert {"/api/v1/usecases", "/api/v1/usecases/{uid}", "/api/v1/exchange/records"} <= set(schema["paths"])
    params = {p["name"] for p in schema["paths"]["/api/v1/usecases"]["get"]["parameters"]}
    assert {
        "theme",
        "status",
        "organisation",
        "region",
        "technique",
        "publication_level",
        "updated_since",
        "limit",
        "offset",
    } <= params
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200 and b"openapi.json" in docs.content
    schema_doc = client.get("/api/v1/exchange/schema").json()
    assert schema_doc["title"] == "Atlas IA exchange format 1.1"


def test_org_admin_creates_a_token_shown_once_and_revokes_it(client: Client, world: dict[str, Any]) -> None:
    client.force_login(world["users"]["org_admin"])
    response = client.post(
        "/echanges/jetons/",
        {"organisation": world["org_a"].pk, "label": "Entrepôt de données", "role": "contributor"},
    )
    assert response.status_code == 302  # POST/redirect/GET: the token is shown by the next page, once
    shown = client.get(response["Location"])
    raw = shown.context["raw_token"]
    assert raw.startswith("atl_") and raw.encode() in shown.content
    token = ApiToken.objects.get(label="Entrepôt de données")
    assert token.token_hash != raw and raw not in str(ApiToken.objects.values().get(pk=token.pk))
    assert AuditEntry.objects.filter(object_type="exchange.apitoken", action="create").exists()
    listing = client.get("/echanges/jetons/")
    assert raw.encode() not in listing.content and token.prefix.encode() in listing.content
    assert client.get("/api/v1/usecases", **bearer(raw)).status_code == 200
    client.post(f"/echanges/jetons/{token.pk}/revoquer/")
    assert client.get("/api/v1/usecases", **bearer(raw)).status_code == 401
    assert AuditEntry.objects.filter(object_type="exchange.apitoken", action="update").exists()


def test_a_contributor_cannot_create_tokens(client: Client, world: dict[str, Any]) -> None:
    client.force_login(world["users"]["contributor"])
    assert client.get("/echanges/jetons/").status_code == 403


def test_reloading_the_page_after_creating_a_token_creates_no_second_one(
    client: Client, world: dict[str, Any]
) -> None:
    """Issue 22: the form created a second token when the result page was reloaded."""
    client.force_login(world["users"]["org_admin"])
    page = client.get("/echanges/jetons/").content.decode()
    assert 'class="fr-input' in page and 'class="fr-select' in page and "novalidate" in page
    data = {"organisation": world["org_a"].pk, "label": "Outil de suivi", "role": "contributor"}
    response = client.post("/echanges/jetons/", data, follow=True)
    assert response.redirect_chain == [("/echanges/jetons/", 302)]
    raw = response.context["raw_token"]
    assert raw and "Copiez ce jeton maintenant" in response.content.decode()
    reloaded = client.get("/echanges/jetons/")  # what the browser's « reload » does after the redirect
    assert reloaded.context["raw_token"] is None and raw.encode() not in reloaded.content
    assert ApiToken.objects.filter(label="Outil de suivi").count() == 1


def test_token_form_validates_in_french_and_keeps_what_was_typed(
    client: Client, world: dict[str, Any]
) -> None:
    client.force_login(world["users"]["org_admin"])
    response = client.post(
        "/echanges/jetons/",
        {
            "organisation": world["org_a"].pk,
            "label": "   ",
            "role": "contributor",
            "expires_at": "2020-01-01",
        },
    )
    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    assert "Le formulaire contient des erreurs" in page and "Aucun jeton n'a été créé." in page
    assert "Libellé : Donnez un libellé au jeton (à quoi sert-il ?)." in page
    assert "Expire le : La date d'expiration (01/01/2020) doit être dans le futur." in page
    assert 'value="2020-01-01"' in page
    response = client.post(
        "/echanges/jetons/", {"organisation": "", "label": "x" * 201, "role": "", "expires_at": "31/02/2027"}
    )
    page = html.unescape(response.content.decode())
    assert "Organisation : Choisissez l'organisation pour laquelle le jeton agira." in page
    assert "Libellé : Le libellé compte 201 caractères : 200 au plus." in page
    assert "Rôle : Choisissez un rôle." in page
    assert "Expire le : Saisissez une date valide, par exemple 31/12/2026." in page
    assert not ApiToken.objects.exists()
