"""Two-factor authentication: required for platform and organisation administrators, optional for others."""

from __future__ import annotations

import re
import time
from html import unescape
from typing import Any

import pytest
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from atlasia.accounts.models import Membership, User
from atlasia.audit.models import AuditEntry
from atlasia.registry.models import Organisation

PASSWORD = "mot-de-passe-local-2026"


@pytest.fixture(autouse=True)
def required(settings: Any) -> None:
    settings.ATLASIA_2FA_REQUIRED = True


@pytest.fixture
def org(db: Any) -> Organisation:
    return Organisation.objects.create(name="CHU de Lille", slug="chu-lille", type="hospital", region="32")


def _user(org: Organisation, username: str, role: str | None) -> User:
    user = User.objects.create_user(username, email=f"{username}@chu-lille.fr", password=PASSWORD)
    if role:
        Membership.objects.create(user=user, organisation=org, role=role)
    return user


def _password_login(username: str, next_url: str = "/cas-d-usage/") -> tuple[Client, Any]:
    client = Client()
    response = client.post(
        "/connexion/", {"username": username, "password": PASSWORD, "next": next_url}, follow=True
    )
    return client, response


def _code(device: TOTPDevice, ahead: int = 0) -> str:
    totp = TOTP(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    totp.time = time.time() + ahead * device.step
    return f"{totp.token():06d}"


def _enrol(client: Client) -> list[str]:
    device = TOTPDevice.objects.get(confirmed=False)
    page = client.post(
        "/compte/double-authentification/", {"token": _code(device), "next": "/cas-d-usage/"}, follow=True
    )
    return re.findall(r"<li>([a-z2-7]{8})</li>", page.content.decode())


def test_an_org_admin_must_enrol_after_the_password(org: Organisation) -> None:
    admin = _user(org, "admin-chu", "org_admin")
    client, page = _password_login("admin-chu")
    assert page.redirect_chain[-1][0] == "/compte/double-authentification/?next=%2Fcas-d-usage%2F"
    html = unescape(page.content.decode())
    assert "Votre rôle d'administrateur impose un second facteur" in html
    # Every other page leads back to the enrolment, the QR code is an SVG made here.
    assert client.get("/organisations/")["Location"].startswith("/compte/double-authentification/")
    qrcode = client.get("/compte/double-authentification/qr-code.svg")
    assert qrcode["Content-Type"] == "image/svg+xml" and qrcode.content.startswith(b"<svg")
    secret = re.search(r'<code id="totp-secret">([A-Z2-7 ]+)</code>', html)
    assert secret is not None
    device = TOTPDevice.objects.get(user=admin, confirmed=False)
    assert secret.group(1).replace(" ", "") == device.config_url.split("secret=")[1].split("&")[0]

    wrong = client.post("/compte/double-authentification/", {"token": "123456"})
    assert wrong.status_code == 400
    assert "Ce code ne correspond pas" in unescape(wrong.content.decode())
    assert not TOTPDevice.objects.filter(user=admin, confirmed=True).exists()

    codes = _enrol(client)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert TOTPDevice.objects.filter(user=admin, confirmed=True).count() == 1
    assert client.get("/cas-d-usage/").status_code == 200
    entry = AuditEntry.objects.get(object_id=str(admin.pk), action="update")
    assert "Double authentification activée" in entry.message


def test_the_next_login_asks_for_the_code_then_opens_the_site(org: Organisation) -> None:
    admin = _user(org, "admin-chu", "org_admin")
    first, _ = _password_login("admin-chu")
    _enrol(first)
    client, page = _password_login("admin-chu")
    assert page.redirect_chain[-1][0] == "/connexion/verification/?next=%2Fcas-d-usage%2F"
    assert client.get("/cas-d-usage/").status_code == 302
    wrong = client.post("/connexion/verification/", {"token": "000000", "next": "/cas-d-usage/"})
    assert wrong.status_code == 400 and "Ce code n'est pas valable" in unescape(wrong.content.decode())
    device = TOTPDevice.objects.get(user=admin, confirmed=True)
    device.throttle_reset()
    ok = client.post("/connexion/verification/", {"token": _code(device, ahead=1), "next": "/cas-d-usage/"})
    assert ok["Location"] == "/cas-d-usage/"
    assert client.get("/cas-d-usage/").status_code == 200
    event = AuditEntry.objects.filter(
        object_type="accounts.user", object_id=str(admin.pk), action="event"
    ).get()
    assert event.changes == {"second facteur": "application d'authentification"}


def test_a_backup_code_works_once(org: Organisation) -> None:
    _user(org, "admin-chu", "org_admin")
    first, _ = _password_login("admin-chu")
    codes = _enrol(first)
    client, _ = _password_login("admin-chu")
    assert client.post("/connexion/verification/", {"token": codes[0].upper()})["Location"] == "/"
    assert StaticToken.objects.count() == 9
    other, _ = _password_login("admin-chu")
    again = other.post("/connexion/verification/", {"token": codes[0]})
    assert again.status_code == 400
    assert other.get("/").status_code == 302


def test_a_platform_admin_must_use_two_factors_too(org: Organisation) -> None:
    User.objects.create_user("plateforme", password=PASSWORD, is_platform_admin=True)
    client, page = _password_login("plateforme", "/admin/")
    assert page.redirect_chain[-1][0].startswith("/compte/double-authentification/")
    assert client.get("/admin/")["Location"].startswith("/compte/double-authentification/")


def test_a_contributor_may_enrol_and_then_is_asked_for_the_code(org: Organisation) -> None:
    _user(org, "agent", "contributor")
    client, page = _password_login("agent")
    assert page.redirect_chain[-1][0] == "/cas-d-usage/", "no second factor required"
    account = unescape(client.get("/compte/").content.decode())
    assert "Non activée" in account
    client.get("/compte/double-authentification/")
    _enrol(client)
    again, page = _password_login("agent")
    assert page.redirect_chain[-1][0].startswith("/connexion/verification/")
    # She may remove it (an administrator may not).
    device = TOTPDevice.objects.get(confirmed=True)
    again.post("/connexion/verification/", {"token": _code(device, ahead=1)})
    page = again.post("/compte/double-authentification/retirer/", follow=True)
    assert "La double authentification est retirée de votre compte." in unescape(page.content.decode())
    assert not TOTPDevice.objects.exists()


def test_an_admin_cannot_remove_the_second_factor(org: Organisation) -> None:
    _user(org, "admin-chu", "org_admin")
    client, _ = _password_login("admin-chu")
    _enrol(client)
    page = client.post("/compte/double-authentification/retirer/", follow=True)
    assert "impose la double authentification" in unescape(page.content.decode())
    assert TOTPDevice.objects.filter(confirmed=True).count() == 1


def test_new_backup_codes_replace_the_old_ones(org: Organisation) -> None:
    _user(org, "admin-chu", "org_admin")
    client, _ = _password_login("admin-chu")
    old = _enrol(client)
    page = client.post("/compte/codes-de-secours/nouveaux/", follow=True)
    new = re.findall(r"<li>([a-z2-7]{8})</li>", page.content.decode())
    assert len(new) == 10 and not set(new) & set(old)
    assert set(StaticToken.objects.values_list("token", flat=True)) == set(new)
    assert client.get("/compte/codes-de-secours/")["Location"] == "/compte/", "shown once"
