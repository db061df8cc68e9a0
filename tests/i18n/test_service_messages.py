"""Every message a domain raises towards a user goes through gettext. A literal (or f-string) message in
a ``raise SomeError(...)`` of a domain package, or gathered in ``errors["field"] = …`` before being
raised, would reach English users in French, and ``makemessages`` would not even see it (so the
catalogue test could not catch it). Parsed from the source, so a new service is covered without being
listed."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR) / "atlasia"

# Not user-facing, on purpose: programming errors (RuntimeError), the core (pure Python, no gettext:
# its callers translate), command-line tools (operators), the OpenID Connect token checks (logged,
# the user sees the generic ProConnect refusal), the append-only guard of the audit log, the pull's
# transport errors (stored in the subscription's log as received).
SKIPPED_PARTS = ("core", "management", "migrations")
SKIPPED_FILES = {"accounts/oidc.py", "audit/immutable.py", "search/embeddings.py"}
SKIPPED_EXCEPTIONS = {"RuntimeError", "TypeError", "AssertionError", "NotImplementedError", "KeyError"}
# Helpers that make an error from a message code of the core's catalogue (atlasia.core.messages), rendered
# in the reader's language when shown: the code must be registered (its English is checked by
# tests/i18n/test_core_messages.py).
CODED_ERRORS = {"input_error"}


def _registered_codes() -> set[str]:
    from atlasia.core import messages

    from .test_core_messages import _codes

    _codes()  # imports every module registering codes
    return set(messages.CATALOGUE)


TRANSPORT_ERRORS = {("exchange/pull.py", "ExchangeError")}


def _literals(node: ast.AST) -> list[ast.AST]:
    if isinstance(node, ast.JoinedStr) or (
        isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.strip()
    ):
        return [node]
    if isinstance(node, ast.Dict):
        return [s for v in node.values if v is not None for s in _literals(v)]
    if isinstance(node, ast.List | ast.Tuple):
        return [s for v in node.elts for s in _literals(v)]
    if isinstance(node, ast.BinOp):
        return _literals(node.left) + _literals(node.right)
    if isinstance(node, ast.IfExp):
        return _literals(node.body) + _literals(node.orelse)
    return []


def _is_error_entry(node: ast.AST) -> bool:
    """``errors["field"] = "…"``: a message gathered before ``raise ValidationError(errors)``."""
    return (
        isinstance(node, ast.Assign)
        and len(node.targets) == 1
        and isinstance(node.targets[0], ast.Subscript)
        and isinstance(node.targets[0].value, ast.Name)
        and node.targets[0].value.id.endswith("errors")
    )


def _is_refusal_helper(node: ast.AST) -> bool:
    """``refuse("…")`` / ``_refuse("…")``: a helper that raises ``PermissionDenied(message)``."""
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in ("refuse", "_refuse")
        and bool(node.args)
    )


def untranslated_raises() -> list[str]:
    found = []
    codes = _registered_codes()
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT)
        if any(part in SKIPPED_PARTS for part in relative.parts) or relative.as_posix() in SKIPPED_FILES:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if _is_error_entry(node):
                assert isinstance(node, ast.Assign)
                for literal in _literals(node.value):
                    found.append(f"{relative}:{literal.lineno}: {ast.unparse(literal)[:80]}")
                continue
            if _is_refusal_helper(node):
                assert isinstance(node, ast.Call)
                for literal in _literals(node.args[0]):
                    found.append(f"{relative}:{literal.lineno}: {ast.unparse(literal)[:80]}")
                continue
            if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)):
                continue
            name = ast.unparse(node.exc.func).rsplit(".", 1)[-1]
            if name in CODED_ERRORS:
                first = node.exc.args[0] if node.exc.args else None
                if not (isinstance(first, ast.Constant) and first.value in codes):
                    found.append(f"{relative}:{node.lineno}: unregistered code {ast.unparse(node.exc)[:60]}")
                continue
            if name in SKIPPED_EXCEPTIONS or (relative.as_posix(), name) in TRANSPORT_ERRORS:
                continue
            keywords = [k.value for k in node.exc.keywords if k.arg in ("message", "msg")]
            messages = list(node.exc.args) + keywords
            for literal in (s for arg in messages for s in _literals(arg)):
                found.append(f"{relative}:{literal.lineno}: {ast.unparse(literal)[:80]}")
    return found


def test_messages_raised_by_the_domains_and_screens_go_through_gettext() -> None:
    found = untranslated_raises()
    assert found == [], f"{len(found)} message(s) sans gettext :\n" + "\n".join(found)


@pytest.mark.django_db
def test_a_raised_message_reads_in_english_for_an_english_user() -> None:
    from django.contrib.auth.models import AnonymousUser
    from django.core.exceptions import PermissionDenied
    from django.utils import translation

    from atlasia.registry import services

    with translation.override("en"), pytest.raises(PermissionDenied) as refused:
        services.organisation_create(actor=AnonymousUser(), data={})
    assert str(refused.value) == "Only platform administrators create organisations."
    with translation.override("fr"), pytest.raises(PermissionDenied) as refused:
        services.organisation_create(actor=AnonymousUser(), data={})
    assert str(refused.value) == "Seuls les administrateurs de la plateforme créent des organisations."
