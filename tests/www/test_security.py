"""Authentication hardening (OWASP ASVS L2): login throttling, login events in the audit log, password
rules with the French list, self-service password change, idle and absolute session timeouts,
``Cache-Control: no-store`` on logged-in pages, the Content-Security-Policy and templates without inline
scripts."""

from __future__ import annotations

import io
import re
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from atlasia.accounts.models import User
from atlasia.accounts.security import LOGIN_AT_KEY
from atlasia.audit.models import AuditEntry
from atlasia.audit.services import audit_login_event
from atlasia.monitoring.externalities.models import Externality

PASSWORD = "Cerisier-en-fleur-2026"
TEMPLATES = Path(settings.BASE_DIR) / "atlasia"


def _login(client: Client, username: str, password: str, **extra: Any) -> Any:
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def _events(**filters: Any) -> list[str]:
    rows = AuditEntry.objects.filter(object_type="accounts.login", **filters).order_by("id")
    return [row.changes["événement"] for row in rows]


@pytest.fixture
def agent(make_user: Any) -> User:
    user = make_user(username="agent")
    user.set_password(PASSWORD)
    user.save()
    return user


# --- throttling and login events ------------------------------------------------------------------------


def test_wrong_passwords_lock_the_account_from_that_address_even_for_the_right_one(agent: User) -> None:
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = _login(client, "agent", "mauvais-mot-de-passe")
    assert response.status_code == 429
    page = client.get(reverse("login"))
    response = _login(client, "agent", PASSWORD)
    assert response.status_code == 429
    text = response.content.decode()
    assert "Connexion suspendue" in text and "Réessayez dans 15 min" in text
    assert "_auth_user_id" not in client.session
    events = _events(object_id=str(agent.pk))
    limit = settings.AXES_FAILURE_LIMIT
    assert events[: limit - 1] == ["login_failed"] * (limit - 1), events
    assert events[limit - 1] == "lockout", events  # the limit-th wrong password locks
    attempts = [e for e in events if e in {"login_failed", "login_refused_locked"}]
    assert len(attempts) == limit + 1 and attempts[-1] == "login_refused_locked"
    assert "login" not in events
    lockout = AuditEntry.objects.filter(object_type="accounts.login", changes__événement="lockout").first()
    assert lockout is not None
    assert lockout.changes["adresse"] == "127.0.0.1" and lockout.object_repr == "agent"
    assert "5 échecs" in lockout.message
    assert page.status_code == 200


def test_the_lock_is_per_address_so_a_colleague_behind_another_address_still_logs_in(
    agent: User, settings: Any
) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(Client(), "agent", "mauvais-mot-de-passe", REMOTE_ADDR="10.0.0.1")
    assert _login(Client(), "agent", PASSWORD, REMOTE_ADDR="10.0.0.1").status_code == 429
    assert _login(Client(), "agent", PASSWORD, REMOTE_ADDR="10.0.0.2").status_code == 302


def test_behind_the_reverse_proxy_the_client_address_is_the_one_it_appended(
    agent: User, settings: Any
) -> None:
    settings.ATLASIA_TRUSTED_PROXY_COUNT = 1
    _login(Client(), "agent", "faux", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7")
    entry = AuditEntry.objects.get(object_type="accounts.login")
    assert entry.changes == {"événement": "login_failed", "adresse": "203.0.113.7"}


def test_success_logout_and_unknown_names_are_logged(agent: User) -> None:
    client = Client()
    assert _login(client, "agent", PASSWORD).status_code == 302
    client.post(reverse("logout"))
    _login(client, "inconnu", "peu-importe")
    assert _events() == ["login", "logout", "login_failed"]
    unknown = AuditEntry.objects.get(object_type="accounts.login", object_repr="inconnu")
    assert unknown.actor is None and unknown.object_id == "" and unknown.actor_label == "inconnu"
    success = AuditEntry.objects.filter(object_type="accounts.login").first()
    assert success is not None and "mot" not in str(success.changes)  # never the password


def test_a_successful_login_resets_the_failure_count(agent: User) -> None:
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(client, "agent", "faux")
    assert _login(client, "agent", PASSWORD).status_code == 302
    client.post(reverse("logout"))
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(client, "agent", "faux")
    assert _login(client, "agent", PASSWORD).status_code == 302


# --- passwords -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "password, message",
    [
        ("Court-2026", "au minimum 12 caractères"),
        ("motdepasse1", "au minimum 12 caractères"),
        ("motdepasse2026", "les plus courants en France"),
        ("Marseille2026!", "les plus courants en France"),
        ("azertyuiop123", "les plus courants en France"),
        ("123456789012", "entièrement numérique"),
    ],
)
def test_weak_passwords_are_refused_in_french(password: str, message: str, agent: User) -> None:
    with pytest.raises(ValidationError) as refused:
        validate_password(password, user=agent)
    assert any(message in m for m in refused.value.messages), refused.value.messages


def test_a_long_uncommon_passphrase_is_accepted(agent: User) -> None:
    validate_password("Le héron du marais-salant 47", user=agent)


def test_password_change_through_the_form(agent: User) -> None:
    client = Client()
    _login(client, "agent", PASSWORD)
    page = client.get(reverse("password_change"))
    assert page.status_code == 200 and "Règles du mot de passe" in page.content.decode()
    assert "au minimum 12 caractères" in page.content.decode()

    refused = client.post(
        reverse("password_change"),
        {
            "old_password": "pas-le-bon",
            "new_password1": "Nouvelle-phrase-2027",
            "new_password2": "Nouvelle-phrase-2027",
        },
    )
    assert (
        refused.status_code == 400
        and "Le mot de passe actuel saisi est incorrect." in refused.content.decode()
    )
    weak = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "soleil123456", "new_password2": "soleil123456"},
    )
    assert weak.status_code == 400 and "les plus courants en France" in weak.content.decode()
    mismatch = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Nouvelle-phrase-2027",
            "new_password2": "Autre-phrase-2027",
        },
    )
    assert mismatch.status_code == 400
    agent.refresh_from_db()
    assert agent.check_password(PASSWORD)
    assert "password_change" not in _events()

    other_session = Client()
    _login(other_session, "agent", PASSWORD)
    done = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Nouvelle-phrase-2027",
            "new_password2": "Nouvelle-phrase-2027",
        },
    )
    assert done.status_code == 302
    agent.refresh_from_db()
    assert agent.check_password("Nouvelle-phrase-2027")
    assert _events()[-1] == "password_change"
    assert client.get(reverse("usecase_list")).status_code == 200  # this session stays open
    assert other_session.get(reverse("usecase_list")).status_code == 302  # the others are closed


def test_password_change_needs_a_login(client: Client) -> None:
    response = client.get(reverse("password_change"))
    assert response.status_code == 302 and "/connexion/" in response["Location"]


# --- sessions and caching ------------------------------------------------------------------------------


def test_logged_in_pages_are_never_stored_public_ones_may_be(agent: User, client: Client) -> None:
    anonymous = client.get(reverse("publication_register"))
    assert "no-store" not in anonymous.get("Cache-Control", "")
    _login(client, "agent", PASSWORD)
    for url in [reverse("home"), reverse("usecase_list"), reverse("publication_register")]:
        cache_control = client.get(url)["Cache-Control"]
        assert "no-store" in cache_control and "private" in cache_control, url


def test_an_idle_session_expires(agent: User, client: Client) -> None:
    assert settings.SESSION_COOKIE_AGE == 30 * 60 and settings.SESSION_SAVE_EVERY_REQUEST
    _login(client, "agent", PASSWORD)
    session = Session.objects.get(session_key=client.session.session_key)
    first_expiry = session.expire_date
    assert first_expiry <= timezone.now() + timedelta(minutes=30, seconds=5)
    time.sleep(1.1)
    client.get(reverse("usecase_list"))
    session.refresh_from_db()
    assert session.expire_date > first_expiry  # each request pushes the expiry back
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get(reverse("usecase_list"))
    assert response.status_code == 302 and "/connexion/" in response["Location"]


def test_a_session_ends_after_its_maximum_lifetime_even_when_active(agent: User, client: Client) -> None:
    _login(client, "agent", PASSWORD)
    session = client.session
    session[LOGIN_AT_KEY] = int(time.time()) - settings.ATLASIA_SESSION_MAX_AGE - 1
    session.save()
    response = client.get(reverse("usecase_list"))
    assert response.status_code == 302 and "/connexion/" in response["Location"]
    assert client.get(reverse("usecase_list")).status_code == 302
    assert _events()[-1] == "logout"


# --- Content-Security-Policy ---------------------------------------------------------------------------


def test_every_page_carries_a_policy_refusing_inline_scripts(client: Client, db: Any) -> None:
    csp = client.get(reverse("login"))["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["default-src"] == "'self'" and directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'" and directives["style-src-elem"] == "'self'"


def test_no_template_has_an_inline_script_or_event_handler() -> None:
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text()
        for match in re.finditer(r"<script\b[^>]*>", text):
            if "src=" not in match.group(0) and 'type="application/json"' not in match.group(0):
                offenders.append(f"{path}: {match.group(0)}")
        for match in re.finditer(r"\son[a-z]+\s*=\s*[\"']", text):
            offenders.append(f"{path}: {match.group(0)}")
        if "javascript:" in text:
            offenders.append(f"{path}: javascript:")
    assert offenders == []


# --- retention -----------------------------------------------------------------------------------------


def test_personal_data_past_its_retention_is_erased(world: dict[str, Any], agent: User) -> None:
    old = audit_login_event(event="login_failed", username="agent", user=agent, ip_address="10.1.1.1")
    recent = audit_login_event(event="login", username="agent", user=agent, ip_address="10.1.1.2")
    with connection.cursor() as cursor:  # the audit log refuses updates: age the row in SQL
        cursor.execute(
            "UPDATE audit_auditentry SET at = %s WHERE id = %s",
            [timezone.now() - timedelta(days=366), old.pk],
        )
    record = world["records"]["a_public"]
    old_report = Externality.objects.create(
        use_case=record,
        source="public",
        category="error",
        description="Ancien",
        contact_email="ancien@exemple.fr",
    )
    Externality.objects.filter(pk=old_report.pk).update(created_at=timezone.now() - timedelta(days=400))
    new_report = Externality.objects.create(
        use_case=record,
        source="public",
        category="error",
        description="Récent",
        contact_email="recent@exemple.fr",
    )
    change = AuditEntry.objects.filter(object_type="registry.usecase").count()
    out = io.StringIO()
    call_command("purge_personal_data", stdout=out)
    assert "Événements de connexion effacés : 1 ; adresses de signalement effacées : 1." in out.getvalue()
    assert not AuditEntry.objects.filter(pk=old.pk).exists()
    assert AuditEntry.objects.filter(pk=recent.pk).exists()
    assert AuditEntry.objects.filter(object_type="registry.usecase").count() == change
    old_report.refresh_from_db()
    new_report.refresh_from_db()
    assert (old_report.contact_email, old_report.description) == ("", "Ancien")
    assert new_report.contact_email == "recent@exemple.fr"


def test_with_proconnect_forms_may_lead_to_the_provider(client: Client, db: Any, settings: Any) -> None:
    settings.ATLASIA_OIDC_ISSUER = "https://auth.agentconnect.gouv.fr/api/v2"
    csp = client.get(reverse("login"))["Content-Security-Policy"]
    form_action = next(d for d in csp.split(";") if d.strip().startswith("form-action"))
    assert form_action.split()[1:] == ["'self'", "https://auth.agentconnect.gouv.fr"]
    assert "script-src 'self';" in csp + ";"
