"""Invitations by e-mail (issue 22): an organisation administrator invites, the invited person accepts."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape
from typing import Any

import pytest
from django.core import mail, signing
from django.test import Client, TestCase
from django.utils import timezone

from atlasia.accounts.models import Invitation, Membership, User
from atlasia.audit.models import AuditEntry
from atlasia.registry.models import Organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def orgs(db: Any) -> dict[str, Any]:
    chu = Organisation.objects.create(name="CHU de Lille", slug="chu-lille", type="hospital", region="32")
    caf = Organisation.objects.create(name="CAF de la Gironde", slug="caf-gironde", type="caf", region="75")
    admin = User.objects.create_user(
        "admin-chu", email="admin@chu-lille.fr", first_name="Anne", last_name="Roy"
    )
    Membership.objects.create(user=admin, organisation=chu, role="org_admin")
    other_admin = User.objects.create_user("admin-caf", email="admin@caf.fr")
    Membership.objects.create(user=other_admin, organisation=caf, role="org_admin")
    return {"chu": chu, "caf": caf, "admin": admin, "other_admin": other_admin}


def _as(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _invite(orgs: dict[str, Any], email: str = "julie.petit@chu-lille.fr", role: str = "referent") -> str:
    """Invite through the organisation page's form; returns the link found in the e-mail."""
    with TestCase.captureOnCommitCallbacks(execute=True):  # the e-mail leaves once the invitation is saved
        page = _as(orgs["admin"]).post(
            "/organisations/chu-lille/invitations/", {"email": email, "role": role}, follow=True
        )
    assert f"Une invitation a été envoyée à {email}" in unescape(page.content.decode())
    message = mail.outbox[-1]
    assert message.to == [email]
    assert message.subject == "Invitation à rejoindre CHU de Lille sur Atlas IA"
    link = re.search(r"http://testserver(/invitation/[^/\s]+/)", message.body)
    assert link, message.body
    return link.group(1)


def test_the_invited_person_with_an_account_accepts_and_becomes_a_member(orgs: dict[str, Any]) -> None:
    julie = User.objects.create_user("jpetit", email="Julie.Petit@chu-lille.fr")
    link = _invite(orgs)
    body = mail.outbox[-1].body
    assert (
        "Anne Roy vous invite à rejoindre CHU de Lille sur Atlas IA, comme Référent IA (ambassadeur)." in body
    )
    assert not Membership.objects.filter(user=julie).exists(), "nobody joins before accepting"
    invitation = Invitation.objects.get()
    assert (
        AuditEntry.objects.get(object_type="accounts.invitation", action="create").organisation_id
        == orgs["chu"].pk
    )

    client = _as(julie)
    page = re.sub(r"<[^>]+>", "", unescape(client.get(link).content.decode()))
    assert "Vous êtes invité·e à rejoindre CHU de Lille comme Référent IA (ambassadeur)." in page
    done = client.post(link, follow=True)
    assert "Vous avez rejoint CHU de Lille comme Référent IA (ambassadeur)." in unescape(
        done.content.decode()
    )
    assert Membership.objects.filter(user=julie, organisation=orgs["chu"], role="referent").exists()
    invitation.refresh_from_db()
    assert invitation.accepted_by == julie and invitation.accepted_at is not None
    assert (
        AuditEntry.objects.filter(object_type="accounts.membership", action="create", actor=julie).count()
        == 1
    )
    assert AuditEntry.objects.filter(object_type="accounts.invitation", action="update").count() == 1


def test_a_reused_link_is_refused(orgs: dict[str, Any]) -> None:
    julie = User.objects.create_user("jpetit", email="julie.petit@chu-lille.fr")
    link = _invite(orgs)
    _as(julie).post(link)
    again = _as(julie).post(link)
    assert again.status_code == 410
    assert "Cette invitation a déjà été utilisée." in unescape(again.content.decode())
    assert Membership.objects.filter(user=julie).count() == 1


def test_an_expired_link_is_refused(orgs: dict[str, Any]) -> None:
    julie = User.objects.create_user("jpetit", email="julie.petit@chu-lille.fr")
    link = _invite(orgs)
    Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    page = _as(julie).post(link)
    assert page.status_code == 410
    assert "Cette invitation a expiré : demandez-en une nouvelle." in unescape(page.content.decode())
    assert not Membership.objects.filter(user=julie).exists()


def test_a_link_older_than_its_signature_allows_is_refused(orgs: dict[str, Any], settings: Any) -> None:
    julie = User.objects.create_user("jpetit", email="julie.petit@chu-lille.fr")
    link = _invite(orgs)
    settings.ATLASIA_INVITATION_DAYS = -1  # the signed timestamp is now too old
    page = _as(julie).post(link)
    assert page.status_code == 410 and "a expiré" in unescape(page.content.decode())


def test_a_tampered_link_is_refused(orgs: dict[str, Any]) -> None:
    julie = User.objects.create_user("jpetit", email="julie.petit@chu-lille.fr")
    _invite(orgs)
    invitation = Invitation.objects.get()
    forged = signing.dumps(
        {"i": invitation.pk, "n": "x" * 32}, salt="atlasia.accounts.invitation", compress=True
    )
    for link in (f"/invitation/{forged}/", "/invitation/n-importe-quoi/"):
        page = _as(julie).post(link)
        assert page.status_code == 410
        assert "Ce lien d'invitation n'est pas valable" in unescape(page.content.decode())
    assert not Membership.objects.filter(user=julie).exists()


def test_the_wrong_user_cannot_accept(orgs: dict[str, Any]) -> None:
    User.objects.create_user("jpetit", email="julie.petit@chu-lille.fr")
    intruder = User.objects.create_user("intrus", email="intrus@ailleurs.fr")
    link = _invite(orgs)
    client = _as(intruder)
    page = unescape(client.get(link).content.decode())
    assert "Vous n'êtes pas connecté·e avec le bon compte" in page
    refused = client.post(link)
    assert refused.status_code == 403
    assert "Cette invitation est adressée à julie.petit@chu-lille.fr" in unescape(refused.content.decode())
    assert not Membership.objects.filter(user=intruder).exists()
    assert Invitation.objects.get().accepted_at is None


def test_an_admin_of_another_organisation_cannot_invite_or_revoke(orgs: dict[str, Any]) -> None:
    _invite(orgs)
    invitation = Invitation.objects.get()
    other = _as(orgs["other_admin"])
    assert (
        other.post(
            "/organisations/chu-lille/invitations/", {"email": "x@caf.fr", "role": "org_admin"}
        ).status_code
        == 404
    )
    assert other.post(f"/organisations/chu-lille/invitations/{invitation.pk}/revoquer/").status_code == 404
    assert other.post(f"/organisations/caf-gironde/invitations/{invitation.pk}/revoquer/").status_code == 404
    invitation.refresh_from_db()
    assert invitation.revoked_at is None and Invitation.objects.count() == 1


def test_a_member_who_is_not_admin_cannot_invite(orgs: dict[str, Any]) -> None:
    referent = User.objects.create_user("ref", email="ref@chu-lille.fr")
    Membership.objects.create(user=referent, organisation=orgs["chu"], role="referent")
    response = _as(referent).post(
        "/organisations/chu-lille/invitations/", {"email": "x@chu.fr", "role": "org_admin"}
    )
    assert response.status_code == 404 and not Invitation.objects.exists() and not mail.outbox


def test_a_revoked_invitation_is_refused(orgs: dict[str, Any]) -> None:
    julie = User.objects.create_user("jpetit", email="julie.petit@chu-lille.fr")
    link = _invite(orgs)
    invitation = Invitation.objects.get()
    page = _as(orgs["admin"]).post(
        f"/organisations/chu-lille/invitations/{invitation.pk}/revoquer/", follow=True
    )
    assert "L'invitation de julie.petit@chu-lille.fr est révoquée." in unescape(page.content.decode())
    refused = _as(julie).post(link)
    assert refused.status_code == 410 and "révoquée" in unescape(refused.content.decode())
    assert AuditEntry.objects.filter(object_type="accounts.invitation", action="update").count() == 1


@pytest.mark.parametrize(
    ("email", "role", "message"),
    [
        ("pas-une-adresse", "referent", "« pas-une-adresse » n'est pas une adresse électronique valide."),
        ("julie@chu-lille.fr", "chef", "Le rôle « chef » n'existe pas."),
        ("admin@chu-lille.fr", "org_admin", "admin@chu-lille.fr a déjà ce rôle dans l'organisation."),
    ],
)
def test_bad_invitations_are_explained(orgs: dict[str, Any], email: str, role: str, message: str) -> None:
    page = _as(orgs["admin"]).post(
        "/organisations/chu-lille/invitations/", {"email": email, "role": role}, follow=True
    )
    assert message in unescape(page.content.decode())
    assert not Invitation.objects.exists() and not mail.outbox


def test_a_second_pending_invitation_to_the_same_address_is_refused(orgs: dict[str, Any]) -> None:
    _invite(orgs)
    page = _as(orgs["admin"]).post(
        "/organisations/chu-lille/invitations/",
        {"email": "JULIE.PETIT@chu-lille.fr", "role": "dpo"},
        follow=True,
    )
    assert "Une invitation attend déjà la réponse de JULIE.PETIT@chu-lille.fr" in unescape(
        page.content.decode()
    )
    assert Invitation.objects.count() == 1 and len(mail.outbox) == 1


def test_a_new_person_creates_an_account_from_the_link(orgs: dict[str, Any]) -> None:
    link = _invite(orgs, email="nouveau@chu-lille.fr", role="contributor")
    client = Client()
    form = unescape(client.get(link).content.decode())
    assert (
        "Créer votre compte Atlas IA" in form
        and "Votre identifiant sera votre adresse nouveau@chu-lille.fr." in form
    )
    short = client.post(
        link,
        {"first_name": "Léa", "last_name": "Simon", "password": "court", "password_confirmation": "court"},
    )
    assert short.status_code == 400 and not User.objects.filter(email="nouveau@chu-lille.fr").exists()
    assert 'value="Léa"' in short.content.decode(), "what was typed is kept"
    done = client.post(
        link,
        {
            "first_name": "Léa",
            "last_name": "Simon",
            "password": "Un mot de passe solide 2026",
            "password_confirmation": "Un mot de passe solide 2026",
        },
        follow=True,
    )
    assert "Votre compte est créé et vous avez rejoint CHU de Lille" in unescape(done.content.decode())
    lea = User.objects.get(email="nouveau@chu-lille.fr")
    assert lea.check_password("Un mot de passe solide 2026") and lea.get_full_name() == "Léa Simon"
    assert Membership.objects.filter(user=lea, organisation=orgs["chu"], role="contributor").exists()
    assert done.context["user"] == lea


def test_an_anonymous_visitor_with_an_account_is_asked_to_log_in(orgs: dict[str, Any]) -> None:
    User.objects.create_user("jpetit", email="julie.petit@chu-lille.fr")
    link = _invite(orgs)
    page = unescape(Client().get(link).content.decode())
    assert "Un compte existe pour cette adresse : connectez-vous pour accepter l'invitation." in page
    assert "Créer votre compte" not in page
    refused = Client().post(
        link, {"first_name": "X", "last_name": "Y", "password": "p", "password_confirmation": "p"}
    )
    assert not Membership.objects.filter(user__email="julie.petit@chu-lille.fr").exists()
    assert refused.status_code in (200, 400)
