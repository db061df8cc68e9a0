"""ProConnect login end to end against a real OpenID Connect provider (tests/oidc_provider) on 127.0.0.1."""

from __future__ import annotations

import logging
from html import unescape
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from django.test import Client

from atlasia.accounts.models import ExternalIdentity, Membership, User
from atlasia.audit.models import AuditEntry
from atlasia.registry.models import Organisation

from .conftest import Provider, callback_path

PASSWORD = "mot-de-passe-du-fournisseur"
CAF_SIRET = "53470008700019"  # SIREN 534700087 + establishment 00019 (a made-up establishment number)


@pytest.fixture
def caf(db: Any) -> Organisation:
    return Organisation.objects.create(
        name="Caisse d'allocations familiales de la Gironde",
        slug="caf-gironde",
        type="caf",
        siren="534700087",
        region="75",
        department="33",
    )


def _agent(provider: Provider, username: str = "claire", **claims: Any) -> str:
    email = claims.pop("email", f"{username}.martin@caf-gironde.fr")
    defaults = {
        "given_name": "Claire Anne",
        "usual_name": "MARTIN",
        "siret": CAF_SIRET,
        "idp_id": "fia1v2",
        "acr": "eidas1",
        "amr": ["pwd"],
    }
    provider.add_user(username, PASSWORD, email, **{**defaults, **claims})
    return email


def _login(client: Client, provider: Provider, username: str) -> Any:
    start = client.get("/connexion/proconnect/")
    assert start.status_code == 302, start.content[:300]
    callback = provider.log_in(start["Location"], username, PASSWORD)
    return client.get(callback_path(callback), follow=True)


def test_the_authorization_request_is_the_one_proconnect_documents(proconnect: Provider, db: Any) -> None:
    response = Client().get("/connexion/proconnect/?next=/cas-d-usage/")
    url = urlparse(response["Location"])
    assert f"{url.scheme}://{url.netloc}{url.path}" == f"{proconnect.issuer}/authorize/"
    params = {k: v[0] for k, v in parse_qs(url.query).items()}
    assert params["response_type"] == "code"
    assert params["scope"] == "openid email given_name usual_name uid siret idp_id"
    assert params["redirect_uri"] == "http://testserver/connexion/proconnect/retour/"
    assert len(params["state"]) >= 32 and len(params["nonce"]) >= 32
    assert params["claims"] == '{"id_token":{"amr":{"essential":true}}}'
    # ProConnect answers Y000400 to any parameter it does not list: no PKCE, nothing else.
    assert set(params) == {"response_type", "scope", "client_id", "redirect_uri", "state", "nonce", "claims"}


def test_first_login_creates_an_account_without_role(proconnect: Provider, caf: Organisation) -> None:
    email = _agent(proconnect)
    client = Client()
    page = _login(client, proconnect, "claire")
    html = unescape(page.content.decode())
    assert page.redirect_chain[-1][0] == "/"
    user = User.objects.get(email=email)
    assert (user.username, user.first_name, user.last_name) == (email, "Claire Anne", "MARTIN")
    assert not user.has_usable_password()
    assert not Membership.objects.filter(user=user).exists()
    identity = ExternalIdentity.objects.get(user=user)
    assert (identity.issuer, identity.siret, identity.idp_id) == (proconnect.issuer, CAF_SIRET, "fia1v2")
    # The first page says there is no role yet and proposes the organisation of the SIRET.
    assert "Votre compte n'a encore aucun rôle dans une organisation." in html
    assert "Caisse d'allocations familiales de la Gironde" in html
    created = AuditEntry.objects.get(object_type="accounts.user", action="create")
    assert created.changes["courriel"] == [None, email]
    assert created.changes["SIRET"] == [None, CAF_SIRET]
    assert "sans rôle" in created.message
    login = AuditEntry.objects.get(object_type="accounts.user", action="event")
    assert login.message == "Connexion avec ProConnect."
    assert login.changes["acr"] == "eidas1" and login.changes["fournisseur"] == "fia1v2"


def test_second_login_opens_the_same_account(proconnect: Provider, caf: Organisation) -> None:
    _agent(proconnect, "paul")
    _login(Client(), proconnect, "paul")
    user = User.objects.get()
    page = _login(Client(), proconnect, "paul")
    assert page.context["user"] == user
    assert User.objects.count() == 1 and ExternalIdentity.objects.count() == 1
    assert AuditEntry.objects.filter(action="event", message="Connexion avec ProConnect.").count() == 2
    assert AuditEntry.objects.filter(action="create").count() == 1


def test_an_existing_local_account_is_matched_by_its_email(proconnect: Provider, caf: Organisation) -> None:
    local = User.objects.create_user(
        "l.durand", email="Louise.Durand@caf-gironde.fr", password="local-pw-123456"
    )
    Membership.objects.create(user=local, organisation=caf, role="referent")
    _agent(proconnect, "louise", email="louise.durand@caf-gironde.fr")
    page = _login(Client(), proconnect, "louise")
    assert page.context["user"] == local
    assert User.objects.count() == 1
    local.refresh_from_db()
    assert local.check_password("local-pw-123456"), "the local password still works"
    assert ExternalIdentity.objects.get().user == local
    linked = AuditEntry.objects.get(action="update", object_id=str(local.pk))
    assert "adresse électronique vérifiée" in linked.message
    assert "aucun rôle" not in unescape(page.content.decode())


def test_two_local_accounts_with_the_email_are_refused(proconnect: Provider, db: Any) -> None:
    User.objects.create_user("a", email="double@caf.fr")
    User.objects.create_user("b", email="DOUBLE@caf.fr")
    _agent(proconnect, "double", email="double@caf.fr")
    page = _login(Client(), proconnect, "double")
    assert "Plusieurs comptes Atlas IA portent l'adresse double@caf.fr" in unescape(page.content.decode())
    assert not page.context["user"].is_authenticated
    assert not ExternalIdentity.objects.exists()


def test_a_callback_with_a_wrong_state_is_refused_and_logged(
    proconnect: Provider, db: Any, caplog: pytest.LogCaptureFixture
) -> None:
    _agent(proconnect, "mallory")
    client = Client()
    start = client.get("/connexion/proconnect/")
    callback = proconnect.log_in(start["Location"], "mallory", PASSWORD)
    forged = callback.replace("state=", "state=autre")
    with caplog.at_level(logging.WARNING, logger="atlasia.accounts.oidc"):
        page = client.get(callback_path(forged), follow=True)
    html = unescape(page.content.decode())
    assert page.status_code == 200
    assert "ne correspond à aucune connexion commencée dans ce navigateur" in html
    assert "unknown state" in caplog.text
    assert not page.context["user"].is_authenticated
    assert not User.objects.exists() and not AuditEntry.objects.exists()


@pytest.mark.parametrize(
    ("tamper", "logged"),
    [
        ({"nonce": "un-autre-nonce-que-celui-de-la-session"}, "Nonce"),
        ({"iss": "https://faux.example/api/v2"}, "issuer"),
    ],
    ids=["wrong-nonce", "wrong-issuer"],
)
def test_an_id_token_with_a_wrong_nonce_or_issuer_is_refused_and_logged(
    proconnect: Provider, db: Any, caplog: pytest.LogCaptureFixture, tamper: dict[str, str], logged: str
) -> None:
    _agent(proconnect, "eve")
    proconnect.setup(tamper=tamper)
    with caplog.at_level(logging.WARNING, logger="atlasia.accounts.oidc"):
        page = _login(Client(), proconnect, "eve")
    assert "La réponse de ProConnect n'a pas pu être vérifiée. Réessayez." in unescape(page.content.decode())
    assert logged in caplog.text
    assert not page.context["user"].is_authenticated
    assert not User.objects.exists() and not ExternalIdentity.objects.exists()
    # nothing written but the refused login in the security journal (atlasia/accounts/security.py)
    assert not AuditEntry.objects.exclude(object_type="accounts.login").exists()
    refused = AuditEntry.objects.get(object_type="accounts.login")
    assert refused.changes["événement"] == "login_failed" and refused.actor is None


def test_an_error_sent_back_by_proconnect_is_explained(proconnect: Provider, db: Any) -> None:
    client = Client()
    start = client.get("/connexion/proconnect/")
    state = parse_qs(urlparse(start["Location"]).query)["state"][0]
    page = client.get(f"/connexion/proconnect/retour/?error=access_denied&state={state}", follow=True)
    assert "ProConnect a interrompu la connexion (access_denied)." in unescape(page.content.decode())


def test_a_discovery_document_of_another_issuer_is_refused(proconnect: Provider, settings: Any) -> None:
    from atlasia.accounts import oidc

    # Same server under another name: its document says issuer = http://127.0.0.1:…/o.
    settings.ATLASIA_OIDC_ISSUER = proconnect.issuer.replace("127.0.0.1", "localhost")
    oidc.forget_provider_metadata()
    page = Client().get("/connexion/proconnect/", follow=True)
    assert "ne correspond pas à l'émetteur configuré" in unescape(page.content.decode())


def test_logout_ends_the_proconnect_session_too(proconnect: Provider, db: Any) -> None:
    _agent(proconnect, "zoe")
    client = Client()
    _login(client, proconnect, "zoe")
    response = client.post("/deconnexion/")
    end_session = urlparse(response["Location"])
    assert f"{end_session.scheme}://{end_session.netloc}{end_session.path}" == f"{proconnect.issuer}/logout/"
    params = {k: v[0] for k, v in parse_qs(end_session.query).items()}
    assert params["post_logout_redirect_uri"] == "http://testserver/deconnexion/proconnect/retour/"
    assert params["id_token_hint"].count(".") == 2 and len(params["state"]) >= 32
    assert not client.get("/").wsgi_request.user.is_authenticated
    # ProConnect sends the browser back with the same state.
    import requests

    back = requests.get(response["Location"], allow_redirects=False, timeout=10)
    assert back.status_code == 302 and back.headers["Location"].startswith("http://testserver/deconnexion/")
    page = client.get(callback_path(back.headers["Location"]), follow=True)
    assert "Vous êtes déconnecté·e d'Atlas IA et de ProConnect." in unescape(page.content.decode())


def test_the_login_page_shows_the_proconnect_button_only_when_configured(
    provider: Provider, settings: Any, db: Any
) -> None:
    settings.OIDC_RP_CLIENT_SECRET = ""
    assert "S’identifier avec" not in unescape(Client().get("/connexion/").content.decode())
    settings.ATLASIA_OIDC_ISSUER = provider.issuer
    settings.OIDC_RP_CLIENT_ID = "x"
    settings.OIDC_RP_CLIENT_SECRET = "y"
    html = unescape(Client().get("/connexion/").content.decode())
    assert 'class="fr-connect"' in html and "ProConnect" in html
    assert "Qu’est-ce que ProConnect ?" in html


@pytest.mark.parametrize(
    ("acr", "amr", "asked"),
    [
        ("eidas1", ["pwd"], True),
        ("https://proconnect.gouv.fr/assurance/consistency-checked-2fa", ["pwd", "totp"], False),
        ("eidas2", ["pwd", "totp"], False),
        ("eidas1", ["pwd", "totp", "mfa"], False),
    ],
)
def test_an_admin_skips_our_second_factor_only_when_proconnect_used_two(
    proconnect: Provider, caf: Organisation, settings: Any, acr: str, amr: list[str], asked: bool
) -> None:
    settings.ATLASIA_2FA_REQUIRED = True
    admin = User.objects.create_user("admin-caf", email="direction@caf-gironde.fr")
    Membership.objects.create(user=admin, organisation=caf, role="org_admin")
    _agent(proconnect, "direction", email="direction@caf-gironde.fr", acr=acr, amr=amr)
    client = Client()
    page = _login(client, proconnect, "direction")
    assert page.context["user"] == admin
    if asked:
        assert page.redirect_chain[-1][0].startswith("/compte/double-authentification/")
        assert client.get("/cas-d-usage/").status_code == 302
    else:
        assert page.redirect_chain[-1][0] == "/"
        assert client.get("/cas-d-usage/").status_code == 200
